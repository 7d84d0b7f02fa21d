"""Wipe: make the vault unreadable first, in well under a second, then remove it all.

Order matters. Step one is the cryptographic erase: the header, which holds the only
wrapped copies of the master key, is overwritten in place with random bytes and fsynced,
and the keyring's device share is deleted. From then on nothing in the folder can be
decrypted, whatever the vault's size and whatever copies of the other files survive on
flash or journaled storage. Only then are the files removed (database, WAL, blobs,
outbox, header) and Carnet's own traces outside the vault (its cache, config and state
folders). The whole runs without the passphrase: it works on a locked vault, an open
one (another process's handles do not stop the erase), and a damaged one.

Not protected (docs/threat-model.md): a copy of the vault folder taken before the wipe,
on a machine without a keyring, can still be attacked with the passphrase.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import nacl.utils
import platformdirs

from app.device_share import DeviceShareStore
from app.fsutil import fsync_dir
from app.paths import APP_NAME, VaultPaths, default_vault_dir
from crypto.errors import CryptoError
from crypto.header import parse_header

_OVERWRITE_CHUNK = 64 * 1024


@dataclass(frozen=True)
class WipeReport:
    unreadable_s: float  # from the start to the header and device share gone
    done_s: float  # to the last file removed
    files_removed: int
    share_deleted: bool
    traces_removed: tuple[str, ...]


def own_trace_dirs() -> list[Path]:
    """Carnet's folders outside the vault: caches, config, state, logs (platformdirs)."""
    return [
        Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False)),
        Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)),
        Path(platformdirs.user_state_dir(APP_NAME, appauthor=False)),
        Path(platformdirs.user_log_dir(APP_NAME, appauthor=False)),
    ]


class WipeService:
    def __init__(self, paths: VaultPaths, shares: DeviceShareStore) -> None:
        self.paths = paths
        self.shares = shares

    def __repr__(self) -> str:
        return f"WipeService({self.paths.root})"

    def pending_outbox(self) -> int:
        """Bundles in the outbox not known to be sent (countable without unlocking)."""
        if not self.paths.outbox.is_dir():
            return 0
        return sum(1 for p in self.paths.outbox.iterdir() if p.suffix == ".carnet")

    def wipe(self) -> WipeReport:
        start = time.perf_counter()
        vault_id, has_share = self._vault_id()
        self._overwrite_header()
        share_deleted = False
        if vault_id is not None and has_share:
            with contextlib.suppress(Exception):  # a keyring error must not stop the wipe
                self.shares.delete(vault_id)
                share_deleted = True
        unreadable = time.perf_counter() - start
        removed = self._remove_vault_files()
        traces = []
        for folder in own_trace_dirs():
            if folder.exists() and not folder.is_symlink():
                shutil.rmtree(folder, ignore_errors=True)
                traces.append(str(folder))
        # The data folder that holds the default vault goes too, but only when empty:
        # a vault the user placed elsewhere may sit beside things that are not ours.
        data_dir = default_vault_dir().parent
        with contextlib.suppress(OSError):
            data_dir.rmdir()
            traces.append(str(data_dir))
        return WipeReport(
            unreadable_s=unreadable,
            done_s=time.perf_counter() - start,
            files_removed=removed,
            share_deleted=share_deleted,
            traces_removed=tuple(traces),
        )

    def _vault_id(self) -> tuple[bytes | None, bool]:
        """The vault id, and whether the header says a keyring share exists for it."""
        try:
            header = parse_header(self.paths.header.read_bytes())
        except (OSError, CryptoError, ValueError):
            return None, False  # damaged or missing: nothing to look up in the keyring
        return header.vault_id, header.device_share_required

    def _overwrite_header(self) -> None:
        """Random bytes over the header in place, fsynced: the key slots are gone."""
        header = self.paths.header
        try:
            fd = os.open(header, os.O_WRONLY | getattr(os, "O_NOFOLLOW", 0))
        except OSError:
            return
        try:
            remaining = os.fstat(fd).st_size
            while remaining > 0:
                written = os.write(fd, nacl.utils.random(min(remaining, _OVERWRITE_CHUNK)))
                remaining -= written
            os.fsync(fd)
        finally:
            os.close(fd)

    def _remove_vault_files(self) -> int:
        root = self.paths.root
        if not root.is_dir() or root.is_symlink():
            return 0
        removed = 0
        # The header last among the files we name, so an interrupted wipe still leaves
        # a folder that says "this was a vault" only through random bytes.
        for path in (self.paths.store, *self.paths.store_sidecars):
            removed += _unlink(path)
        for folder in (self.paths.blobs, self.paths.outbox):
            if folder.is_dir() and not folder.is_symlink():
                for dirpath, _dirs, files in os.walk(folder, followlinks=False):
                    for name in files:
                        removed += _unlink(Path(dirpath) / name)
                shutil.rmtree(folder, ignore_errors=True)
        removed += _unlink(self.paths.header)
        for leftover in root.iterdir():
            if leftover.is_dir() and not leftover.is_symlink():
                shutil.rmtree(leftover, ignore_errors=True)
            else:
                removed += _unlink(leftover)
        with contextlib.suppress(OSError):
            root.rmdir()
            fsync_dir(root.parent)
        return removed


def _unlink(path: Path) -> int:
    try:
        path.unlink()
    except FileNotFoundError:
        return 0
    except OSError:
        return 0
    return 1
