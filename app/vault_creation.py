"""Making a new vault's files: the database with its first rows, the keyring share, the
header last.

A folder without a header is an unfinished creation, never a vault: the database is
made first and the header written last, and a creation that crashed before its header
was complete leaves only files that the next one recognises by name and removes. The
duress swap (app/duress_swap.py) builds its fresh vault here too, from the Argon2id
output the unlock already computed.
"""

from __future__ import annotations

import contextlib
import json
import time
from dataclasses import replace
from pathlib import Path

import nacl.utils

from app.device_share import SHARE_BYTES, DeviceShareStore
from app.errors import ValidationError, VaultExistsError
from app.fsutil import make_private_dir
from app.header_store import HeaderStore
from app.owner_key import owner_key_rows
from app.paths import VaultPaths
from app.progress import Progress, no_progress
from app.session import CreatedVault
from app.store.database import Database
from app.vault_input import check_new_passphrase, check_wipe_after
from crypto.header import VaultHeader, new_master_key, new_salt, new_vault_id
from crypto.kdf import KdfProfile, derive_key, normalize_passphrase, stretch_passphrase
from crypto.recovery_key import backup_keypair, encode_recovery_key, new_recovery_key
from crypto.vault_keys import build_header

PURPOSE_DB_KEY = b"carnet-sqlcipher"
META_RECOVERY_PUBLIC_KEY = "recovery_public_key"
META_CREATED_AT = "vault_created_at"


def db_key(master_key: bytes) -> bytes:
    """The SQLCipher key of the vault whose master key this is."""
    return derive_key(master_key, PURPOSE_DB_KEY)


class VaultBuilder:
    """Builds a vault at one path: in an empty folder, or aside for a duress swap."""

    def __init__(self, paths: VaultPaths, shares: DeviceShareStore, headers: HeaderStore) -> None:
        self.paths = paths
        self.shares = shares
        self.headers = headers

    def __repr__(self) -> str:
        return f"VaultBuilder({self.paths.root})"

    def create(
        self,
        passphrase: str,
        *,
        profile: KdfProfile,
        use_keyring: bool,
        duress_passphrase: str | None = None,
        wipe_after: int = 0,
        recovery_key: bytes | None = None,
        progress: Progress = no_progress,
    ) -> tuple[CreatedVault, VaultHeader, bytes]:
        """A new vault from a passphrase: everything is checked before the folder is
        touched, then one Argon2id per passphrase, then `build`."""
        check_new_passphrase(passphrase)
        check_wipe_after(wipe_after)
        if duress_passphrase is not None:
            check_new_passphrase(duress_passphrase)
            if normalize_passphrase(duress_passphrase) == normalize_passphrase(passphrase):
                raise ValidationError("the duress passphrase must differ from the passphrase")
        self._prepare_empty_folder()
        salt = new_salt()
        steps = 3 if duress_passphrase is not None else 2
        progress(0, steps, "deriving-key")
        stretched = stretch_passphrase(normalize_passphrase(passphrase), salt, profile)
        duress_stretched = None
        if duress_passphrase is not None:
            progress(1, steps, "deriving-key")
            duress_stretched = stretch_passphrase(
                normalize_passphrase(duress_passphrase), salt, profile
            )
        progress(steps - 1, steps, "creating-store")
        built = self.build(
            stretched,
            salt,
            profile,
            use_keyring=use_keyring,
            duress_stretched=duress_stretched,
            wipe_after=wipe_after,
            recovery_key=recovery_key,
        )
        progress(steps, steps, "done")
        return built

    def build(
        self,
        stretched: bytes,
        salt: bytes,
        profile: KdfProfile,
        *,
        use_keyring: bool,
        duress_stretched: bytes | None = None,
        wipe_after: int = 0,
        recovery_key: bytes | None = None,
        store: Path | None = None,
        write_header: bool = True,
    ) -> tuple[CreatedVault, VaultHeader, bytes]:
        """A new vault in the (empty) folder from an Argon2id output already computed.
        For a duress unlock the database goes to `store` (aside) and the header is not
        written: the caller writes it over the old one."""
        make_private_dir(self.paths.root)
        keyring_available = use_keyring and self.shares.available()
        device_share = nacl.utils.random(SHARE_BYTES) if keyring_available else None
        master_key, vault_id = new_master_key(), new_vault_id()
        if recovery_key is None:
            recovery_key = new_recovery_key()
        header = build_header(
            master_key=master_key,
            stretched=stretched,
            salt=salt,
            profile=profile,
            vault_id=vault_id,
            device_share=device_share,
            recovery_key=recovery_key,
            duress_stretched=duress_stretched,
        )
        header = replace(header, wipe_after=wipe_after).upgraded(1, master_key)
        db = Database.open(store or self.paths.store, db_key(master_key), create=True)
        try:
            with db.transaction() as conn:
                conn.executemany(
                    "INSERT INTO meta(key, value) VALUES (?, ?)",
                    [
                        (
                            META_RECOVERY_PUBLIC_KEY,
                            bytes(backup_keypair(recovery_key).public_key).hex(),
                        ),
                        (META_CREATED_AT, json.dumps(int(time.time()))),
                        *owner_key_rows(recovery_key),
                    ],
                )
        finally:
            db.close()
        if device_share is not None:
            self.shares.put(vault_id, device_share)
        if write_header:
            self.headers.create(header)
        created = CreatedVault(
            paths=self.paths,
            recovery_key=encode_recovery_key(recovery_key),
            uses_device_share=device_share is not None,
            keyring_available=keyring_available,
        )
        return created, header, master_key

    def _prepare_empty_folder(self) -> None:
        """Refuse to create a vault over one, or inside a folder holding other files.

        Leftovers of a creation that crashed before its header was complete (store.db and
        SQLite's sidecar files, by their exact names, and a header file shorter than the
        layout that is no older header either) are removed.
        """
        root = self.paths.root
        if self.headers.exists():
            raise VaultExistsError(f"a vault already exists at {root}")
        if root.exists():
            ours = {self.paths.store, *self.paths.store_sidecars}
            if self.paths.header.exists():  # torn while being written: not yet a vault
                ours.add(self.paths.header)
            others = [p for p in root.iterdir() if p not in ours and not _is_our_tmp(p)]
            if others:
                raise VaultExistsError(
                    f"{root} is not empty; choose a new or empty folder for the vault"
                )
            for leftover in root.iterdir():
                with contextlib.suppress(FileNotFoundError):
                    leftover.unlink()
        make_private_dir(root)


def _is_our_tmp(path: Path) -> bool:
    return path.name.startswith(".header.") and path.name.endswith(".tmp")
