"""A duress unlock: the vault is replaced by a fresh, empty one that the duress
passphrase opens like the old.

The keys are erased (app.wipe), the old files moved aside with a few renames, and a
fresh vault is built in their place under the Argon2id output and salt the unlock has
already computed (app/vault_creation.py); the old files are removed afterwards, on a
thread. So the whole costs one KDF and about what a normal unlock costs, and the caller
simply gets an unlocked session.
"""

from __future__ import annotations

import contextlib
import secrets
import shutil
from pathlib import Path

from app.device_share import DeviceShareStore
from app.errors import CarnetError, StorageError, WrongPassphraseError
from app.fsutil import fsync_dir
from app.header_store import HeaderStore
from app.paths import VaultPaths
from app.store.database import Database
from app.vault_creation import VaultBuilder, db_key
from app.wipe import FRESH_PREFIX, StashRemoval, WipeService
from crypto.header import VaultHeader


class DuressSwap:
    """Replaces the vault at one path under duress, and finishes a swap a kill stopped."""

    def __init__(self, paths: VaultPaths, shares: DeviceShareStore, headers: HeaderStore) -> None:
        self.paths = paths
        self.shares = shares
        self.headers = headers
        self.builder = VaultBuilder(paths, shares, headers)

    def __repr__(self) -> str:
        return f"DuressSwap({self.paths.root})"

    def replace(
        self, header: VaultHeader, stretched: bytes
    ) -> tuple[VaultHeader, bytes, StashRemoval | None]:
        """A fresh empty vault, that the duress passphrase opens like the old, in place of
        the old one; the old files go on a thread afterwards.

        Order, so that a kill at any point leaves a vault that opens: the fresh database
        is built aside (in a `.fresh-…` folder) with its keyring share; then the fresh
        header is written over the old one where it lies, which is the erase (both old
        copies overwritten, read back); then the old keyring share goes, the old files
        are moved aside and the fresh database moved in (`finish` does this
        last step at the next unlock if a kill came first). If the old header cannot be
        overwritten (a read-only or locked file), everything that can be removed is, and
        the answer is the one a wrong passphrase gets. Returns the fresh header, its
        master key, and the removal of the old files under way.

        It keeps what an onlooker could compare: the same salt and KDF profile, a device
        share if the old one had one, the same failed-unlock setting.
        """
        wiper = WipeService(self.paths, self.shares)
        fresh_dir = self.paths.root / f"{FRESH_PREFIX}{secrets.token_hex(8)}"
        fresh_dir.mkdir(mode=0o700)
        _created, fresh, master_key = self.builder.build(
            stretched,
            header.salt,
            header.profile,
            use_keyring=header.device_share_required,
            wipe_after=header.wipe_after,
            store=fresh_dir / self.paths.store.name,
            write_header=False,
        )
        if not self._erase_with(fresh):
            wiper.wipe()
            wiper.delete_shares_of(fresh.vault_id)
            raise WrongPassphraseError("wrong passphrase")
        wiper.delete_shares_of(header.vault_id)
        stash = wiper.stash_vault_files()
        self._move_in(fresh_dir)
        background = StashRemoval(stash) if stash is not None else None
        return fresh, master_key, background

    def _erase_with(self, fresh: VaultHeader) -> bool:
        """Write the fresh header over the old one in place; True once the file read back
        holds the fresh header and nothing else."""
        try:
            self.headers.rewrite_whole(fresh)
        except StorageError:
            with contextlib.suppress(OSError):  # a file the owner made read-only
                self.paths.header.chmod(0o600)
            try:
                self.headers.rewrite_whole(fresh)
            except StorageError:
                return False
        try:
            state = self.headers.read()
        except CarnetError:
            return False
        return state.copies == (fresh, fresh)

    def _move_in(self, fresh_dir: Path) -> None:
        """The fresh database into its place (the old one has been moved aside)."""
        with contextlib.suppress(FileNotFoundError):
            (fresh_dir / self.paths.store.name).rename(self.paths.store)
        shutil.rmtree(fresh_dir, ignore_errors=True)
        with contextlib.suppress(OSError):
            fsync_dir(self.paths.root)

    def finish(self, master_key: bytes) -> None:
        """A duress unlock killed after its header was written and before its database was
        moved in leaves a `.fresh-…` folder whose database opens with the header's key:
        finish the swap. Any other such folder (killed earlier) is removed."""
        root = self.paths.root
        for fresh_dir in [p for p in root.iterdir() if p.name.startswith(FRESH_PREFIX)]:
            if fresh_dir.is_symlink() or not fresh_dir.is_dir():
                continue
            candidate = fresh_dir / self.paths.store.name
            try:
                Database.open(candidate, db_key(master_key)).close()
            except CarnetError:
                shutil.rmtree(fresh_dir, ignore_errors=True)
                continue
            WipeService(self.paths, self.shares).stash_vault_files()
            self._move_in(fresh_dir)
