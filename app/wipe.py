"""Wipe: make the vault unreadable first, in well under a second, then remove it all.

Order matters. Step one is the cryptographic erase: the header, which holds the only
wrapped copies of the master key, is overwritten in place with random bytes and fsynced,
and the keyring's device share is deleted. From then on nothing in the folder can be
decrypted, whatever the vault's size and whatever copies of the other files survive on
flash or journaled storage. Only then are the files removed (database, WAL, blobs,
outbox, header) and Carnet's own traces outside the vault (its cache, config and state
folders). The whole runs without the passphrase: it works on a locked vault, an open
one (another process's handles do not stop the erase), and a damaged one.

The erase is checked, not assumed: the header is read back from the disk after the
overwrite and must hold no intact copy, and the keyring must no longer return the share.
When either fails (a read-only disk, a keyring that refuses) the report says so and the
CLI exits non-zero: "unreadable" is never printed when it is not true.

Not protected (docs/threat-model.md): a copy of the vault folder taken before the wipe,
on a machine without a keyring, can still be attacked with the passphrase.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import nacl.utils
import platformdirs

from app.device_share import DeviceShareStore, pending_share_id
from app.fsutil import fsync_dir
from app.paths import APP_NAME, VaultPaths, default_vault_dir, preferences_path
from crypto.errors import CryptoError
from crypto.header import VAULT_ID_BYTES
from crypto.header_file import COPY_OFFSETS, MAX_FILE_BYTES, parse_header_file

_OVERWRITE_CHUNK = 64 * 1024
STASH_PREFIX = ".removing-"
FRESH_PREFIX = ".fresh-"


@dataclass(frozen=True)
class EraseReport:
    """What the cryptographic erase achieved, as checked afterwards."""

    header_destroyed: bool  # read back from disk: no intact copy of any key slot
    had_share: bool  # the header said a keyring device share existed
    share_deleted: bool  # ... and the keyring no longer returns it
    problems: tuple[str, ...]

    @property
    def unreadable(self) -> bool:
        return self.header_destroyed and (self.share_deleted or not self.had_share)


@dataclass(frozen=True)
class WipeReport:
    unreadable_s: float  # from the start to the header and device share gone
    done_s: float  # to the last file removed
    files_removed: int
    erase: EraseReport
    traces_removed: tuple[str, ...]

    @property
    def unreadable(self) -> bool:
        return self.erase.unreadable

    @property
    def share_deleted(self) -> bool:
        return self.erase.share_deleted


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
        erase = self.erase_keys()
        unreadable = time.perf_counter() - start
        removed = self._remove_vault_files()
        traces = []
        # The GUI's preferences (app/preferences.py): by name, since its folder is
        # skipped below when it is a symbolic link.
        if _unlink(preferences_path()):
            traces.append(str(preferences_path()))
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
            erase=erase,
            traces_removed=tuple(traces),
        )

    def erase_keys(self) -> EraseReport:
        """The cryptographic erase alone: header overwritten in place and read back,
        device shares (and pending ones) deleted from the keyring and looked up again.

        The vault ids are read from the file before it is overwritten, from both copies'
        places whatever their checksums say: a forged or damaged copy must not steer the
        wipe to another keyring entry, or to none, while the real share stays.
        """
        vault_ids = self._vault_ids()
        problems: list[str] = []
        destroyed = self._overwrite_header(problems)
        had_share, share_deleted = self._delete_shares(vault_ids, problems)
        return EraseReport(destroyed, had_share, share_deleted, tuple(problems))

    def delete_shares_of(self, vault_id: bytes) -> None:
        """Best effort: a share (and a pending one) that nothing uses any more."""
        for key in (vault_id, pending_share_id(vault_id)):
            with contextlib.suppress(Exception):
                self.shares.delete(key)

    def stash_vault_files(self) -> Path | None:
        """Move the vault's files (not the header) into a hidden folder inside it, for
        removal after the caller has built a fresh vault in their place: renames only,
        so this costs the same whatever the vault holds. Used by the duress unlock."""
        root = self.paths.root
        stash = root / f"{STASH_PREFIX}{secrets.token_hex(8)}"
        try:
            stash.mkdir(mode=0o700)
        except OSError:
            return None
        for path in (
            self.paths.store,
            *self.paths.store_sidecars,
            self.paths.blobs,
            self.paths.outbox,
        ):
            with contextlib.suppress(FileNotFoundError):
                path.rename(stash / path.name)
        with contextlib.suppress(OSError):
            fsync_dir(root)
        return stash

    def _vault_ids(self) -> list[bytes]:
        """Every vault id the header file may name: bytes 12..28 of each copy's place,
        and of an older header at the start, read without trusting anything."""
        try:
            with self.paths.header.open("rb") as handle:
                data = handle.read(MAX_FILE_BYTES + 1)
        except OSError:
            return []
        ids = [data[offset + 12 : offset + 28] for offset in COPY_OFFSETS]
        return [i for i in dict.fromkeys(ids) if len(i) == VAULT_ID_BYTES]

    def _overwrite_header(self, problems: list[str]) -> bool:
        """Random bytes over the whole header file in place, fsynced, then read back: True
        only if what the disk returns is what was written and holds no intact copy."""
        header = self.paths.header
        if not header.exists() and not header.is_symlink():
            return True  # nothing to destroy (already wiped, or never created)
        try:
            fd = os.open(header, os.O_RDWR | getattr(os, "O_NOFOLLOW", 0))
        except OSError as exc:
            problems.append(f"the header could not be overwritten: {exc.strerror or 'I/O error'}")
            return False
        try:
            size = os.fstat(fd).st_size
            written_bytes = bytearray()
            offset = 0
            while offset < size:
                chunk = nacl.utils.random(min(size - offset, _OVERWRITE_CHUNK))
                done = os.pwrite(fd, chunk, offset)
                written_bytes += chunk[:done]
                offset += done
            os.fsync(fd)
            if hasattr(os, "posix_fadvise"):
                # Drop the cached pages, so that the read below comes from the disk.
                os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
            read_back = os.pread(fd, size + 1, 0)
        except OSError as exc:
            problems.append(f"the header could not be overwritten: {exc.strerror or 'I/O error'}")
            return False
        finally:
            os.close(fd)
        if read_back != bytes(written_bytes):
            problems.append("the header read back from the disk is not what was written")
            return False
        try:
            parse_header_file(read_back)
        except CryptoError:
            return True
        problems.append("the header read back from the disk still holds a key slot")
        return False

    def _delete_shares(self, vault_ids: list[bytes], problems: list[str]) -> tuple[bool, bool]:
        """Delete every share (and pending share) under these ids; (whether there was
        one, whether all are gone, as the keyring says when asked again). A keyring error
        is reported, never allowed to stop the wipe."""
        keys = [k for vid in vault_ids for k in (vid, pending_share_id(vid))]
        try:
            present = [k for k in keys if self.shares.get(k) is not None]
        except Exception:
            problems.append("the system keyring could not be asked for the device share")
            return True, False
        for key in present:
            try:
                self.shares.delete(key)
            except Exception:
                problems.append("the system keyring refused to delete the device share")
                return True, False
        try:
            left = [k for k in present if self.shares.get(k) is not None]
        except Exception:
            problems.append("the system keyring could not be asked whether the share is gone")
            return True, False
        if left:
            problems.append("the system keyring still holds the device share")
            return True, False
        return bool(present), True

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


class StashRemoval:
    """Old vault files being removed on a thread, after a fresh vault took their place.

    `wait()` joins it. `detach()` is for a command about to exit: on POSIX a forked child
    finishes the removal while the command returns at once, so a duress unlock's command
    ends as soon as a normal one would; elsewhere it waits.
    """

    def __init__(self, *stashes: Path) -> None:
        self.stashes = stashes
        self.thread = threading.Thread(target=self._remove, name="carnet-remove-old", daemon=True)
        self.thread.start()

    def __repr__(self) -> str:
        return f"StashRemoval({len(self.stashes)} folder(s))"

    def _remove(self) -> None:
        for stash in self.stashes:
            remove_stash(stash)

    def wait(self) -> None:
        self.thread.join()

    def detach(self) -> None:
        if not self.thread.is_alive():
            return
        if not hasattr(os, "fork"):
            self.wait()
            return
        sys.stdout.flush()
        sys.stderr.flush()
        try:
            pid = os.fork()
        except OSError:
            self.wait()
            return
        if pid == 0:  # the child: nothing but the removal, then out without cleanup
            try:
                os.setsid()
                # Let go of the terminal and of any pipe the caller reads to its end.
                devnull = os.open(os.devnull, os.O_RDWR)
                for fd in (0, 1, 2):
                    os.dup2(devnull, fd)
                self._remove()
            finally:
                os._exit(0)


def remove_stash(stash: Path) -> None:
    if stash.is_symlink() or not stash.name.startswith(STASH_PREFIX):
        return
    shutil.rmtree(stash, ignore_errors=True)


def leftover_stashes(paths: VaultPaths) -> list[Path]:
    """Old vault files a killed process never finished removing."""
    if not paths.root.is_dir():
        return []
    return [
        p
        for p in paths.root.iterdir()
        if p.name.startswith(STASH_PREFIX) and p.is_dir() and not p.is_symlink()
    ]


def _unlink(path: Path) -> int:
    try:
        path.unlink()
    except FileNotFoundError:
        return 0
    except OSError:
        return 0
    return 1
