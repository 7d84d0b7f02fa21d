"""The vault's lifecycle: create, unlock, change passphrase, recover.

Order of writes matters for crash safety. At creation the database is made first and
the header written last (atomically): a folder without a header is an unfinished
creation, never a vault. Unlock failures happen before anything is opened for writing,
so a wrong passphrase changes no byte on disk.
"""

from __future__ import annotations

import contextlib
import json
import time
from dataclasses import dataclass, field
from pathlib import Path

import nacl.utils

from app.device_share import SHARE_BYTES, DeviceShareStore
from app.errors import (
    DeviceShareMissingError,
    IntegrityError,
    ValidationError,
    VaultExistsError,
    VaultNotFoundError,
    WrongPassphraseError,
)
from app.fsutil import atomic_write, make_private_dir, read_capped
from app.paths import VaultPaths
from app.progress import Progress, no_progress
from app.store.database import Database
from crypto.errors import ChecksumError, MalformedError, WrongKeyError
from crypto.header import (
    HEADER_BYTES,
    VaultHeader,
    new_master_key,
    new_salt,
    new_vault_id,
    parse_header,
)
from crypto.kdf import KdfProfile, derive_key, normalize_passphrase, stretch_passphrase
from crypto.recovery_key import (
    backup_keypair,
    decode_recovery_key,
    encode_recovery_key,
    new_recovery_key,
)
from crypto.vault_keys import (
    HeaderIntegrityError,
    PassphraseConflictError,
    UnlockKind,
    build_header,
    open_with_passphrase,
    open_with_recovery_key,
    with_new_passphrase,
)

MIN_PASSPHRASE_CHARS = 8
PURPOSE_DB_KEY = b"carnet-sqlcipher"
META_RECOVERY_PUBLIC_KEY = "recovery_public_key"
META_CREATED_AT = "vault_created_at"


@dataclass(frozen=True)
class CreatedVault:
    """What `create` reports. The recovery key text is shown once, then forgotten."""

    paths: VaultPaths
    recovery_key: str = field(repr=False)
    uses_device_share: bool
    keyring_available: bool


@dataclass(frozen=True)
class RecoveredVault:
    uses_device_share: bool
    keyring_available: bool


class VaultSession:
    """An unlocked vault: the database, and the master key for deriving subkeys.

    Close it (or use it as a context manager) to lock: the database is closed and the
    key bytes are overwritten in the buffer this object owns.
    """

    def __init__(self, paths: VaultPaths, header: VaultHeader, master_key: bytes, db: Database):
        self.paths = paths
        self.header = header
        self._master_key = bytearray(master_key)
        self.db = db

    def __repr__(self) -> str:
        return f"VaultSession({self.paths.root})"

    def subkey(self, purpose: bytes) -> bytes:
        if not self._master_key:
            raise ValueError("the vault is locked")
        return derive_key(bytes(self._master_key), purpose)

    def close(self) -> None:
        for i in range(len(self._master_key)):
            self._master_key[i] = 0
        self._master_key = bytearray()
        self.db.close()

    def __enter__(self) -> VaultSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class VaultService:
    """Creates and opens the vault at one path, with one device-share store."""

    def __init__(self, paths: VaultPaths, shares: DeviceShareStore) -> None:
        self.paths = paths
        self.shares = shares

    def exists(self) -> bool:
        return self.paths.header.exists()

    def create(
        self,
        passphrase: str,
        *,
        profile: KdfProfile = KdfProfile.MODERATE,
        use_keyring: bool = True,
        duress_passphrase: str | None = None,
        progress: Progress = no_progress,
    ) -> CreatedVault:
        check_new_passphrase(passphrase)
        if duress_passphrase is not None:
            check_new_passphrase(duress_passphrase)
            if normalize_passphrase(duress_passphrase) == normalize_passphrase(passphrase):
                raise ValidationError("the duress passphrase must differ from the passphrase")
        self._prepare_empty_folder()
        keyring_available = use_keyring and self.shares.available()
        device_share = nacl.utils.random(SHARE_BYTES) if keyring_available else None

        master_key, salt, vault_id = new_master_key(), new_salt(), new_vault_id()
        recovery_key = new_recovery_key()
        steps = 3 if duress_passphrase is not None else 2
        progress(0, steps, "deriving-key")
        stretched = stretch_passphrase(normalize_passphrase(passphrase), salt, profile)
        duress_stretched = None
        if duress_passphrase is not None:
            progress(1, steps, "deriving-key")
            duress_stretched = stretch_passphrase(
                normalize_passphrase(duress_passphrase), salt, profile
            )
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
        progress(steps - 1, steps, "creating-store")
        db = Database.open(self.paths.store, _db_key(master_key), create=True)
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
                    ],
                )
        finally:
            db.close()
        if device_share is not None:
            self.shares.put(vault_id, device_share)
        atomic_write(self.paths.header, header.to_bytes())
        progress(steps, steps, "done")
        return CreatedVault(
            paths=self.paths,
            recovery_key=encode_recovery_key(recovery_key),
            uses_device_share=device_share is not None,
            keyring_available=keyring_available,
        )

    def read_header(self) -> VaultHeader:
        if not self.paths.header.exists():
            raise VaultNotFoundError(
                f"no vault at {self.paths.root} (create one with 'carnet init')"
            )
        try:
            data = read_capped(self.paths.header, HEADER_BYTES)
            return parse_header(data)
        except MalformedError:
            raise IntegrityError("the vault header is damaged or has been tampered with") from None
        except OSError as exc:
            raise IntegrityError(f"the vault header cannot be read: {exc.strerror}") from None

    def unlock(self, passphrase: str, progress: Progress = no_progress) -> VaultSession:
        header = self.read_header()
        master_key = self._unwrap(header, passphrase, progress)
        db = Database.open(self.paths.store, _db_key(master_key))
        return VaultSession(self.paths, header, master_key, db)

    def change_passphrase(self, old: str, new: str, progress: Progress = no_progress) -> None:
        check_new_passphrase(new)
        header = self.read_header()
        master_key = self._unwrap(header, old, progress)
        device_share = self._device_share(header) if header.device_share_required else None
        progress(1, 2, "deriving-key")
        updated = _rewrapped(header, master_key, new, device_share)
        atomic_write(self.paths.header, updated.to_bytes())
        progress(2, 2, "done")

    def recover(
        self,
        recovery_key_text: str,
        new_passphrase: str,
        *,
        use_keyring: bool = True,
        progress: Progress = no_progress,
    ) -> RecoveredVault:
        """Set a new passphrase, and a new device share, from the recovery key."""
        check_new_passphrase(new_passphrase)
        header = self.read_header()
        try:
            recovery_key = decode_recovery_key(recovery_key_text)
        except ChecksumError as exc:
            raise WrongPassphraseError(exc.message) from None
        except MalformedError as exc:
            raise ValidationError(exc.message) from None
        try:
            master_key = open_with_recovery_key(header, recovery_key)
        except WrongKeyError:
            raise WrongPassphraseError("this recovery key does not open this vault") from None
        except HeaderIntegrityError:
            raise IntegrityError("the vault header is damaged or has been tampered with") from None
        # The database must open with the recovered key before we rewrite anything.
        Database.open(self.paths.store, _db_key(master_key)).close()
        keyring_available = use_keyring and self.shares.available()
        device_share = nacl.utils.random(SHARE_BYTES) if keyring_available else None
        progress(0, 1, "deriving-key")
        updated = _rewrapped(header, master_key, new_passphrase, device_share)
        if device_share is not None:
            self.shares.put(header.vault_id, device_share)
        elif header.device_share_required:
            self.shares.delete(header.vault_id)
        atomic_write(self.paths.header, updated.to_bytes())
        progress(1, 1, "done")
        return RecoveredVault(device_share is not None, keyring_available)

    def _device_share(self, header: VaultHeader) -> bytes:
        share = self.shares.get(header.vault_id)
        if share is None:
            raise DeviceShareMissingError(
                "this vault needs its device share from the system keyring, and the keyring "
                "does not have it (keyring reset, or another computer); "
                "use 'carnet recover' with your recovery key"
            )
        return share

    def _unwrap(self, header: VaultHeader, passphrase: str, progress: Progress) -> bytes:
        device_share = self._device_share(header) if header.device_share_required else None
        progress(0, 1, "deriving-key")
        stretched = stretch_passphrase(
            normalize_passphrase(passphrase), header.salt, header.profile
        )
        try:
            unlocked = open_with_passphrase(header, stretched, device_share)
        except WrongKeyError:
            raise WrongPassphraseError("wrong passphrase") from None
        except HeaderIntegrityError:
            raise IntegrityError("the vault header is damaged or has been tampered with") from None
        if unlocked.kind is UnlockKind.DURESS or unlocked.master_key is None:
            # The duress passphrase's wipe arrives with the duress feature; until then a
            # duress unlock must open nothing, exactly like a wrong passphrase.
            raise WrongPassphraseError("wrong passphrase")
        progress(1, 1, "unlocked")
        return unlocked.master_key

    def _prepare_empty_folder(self) -> None:
        """Refuse to create a vault over one, or inside a folder holding other files.

        Leftovers of a creation that crashed before its header was written (store.db and
        SQLite's sidecar files, by their exact names) are removed.
        """
        root = self.paths.root
        if self.paths.header.exists():
            raise VaultExistsError(f"a vault already exists at {root}")
        if root.exists():
            ours = {self.paths.store, *self.paths.store_sidecars}
            others = [p for p in root.iterdir() if p not in ours and not _is_our_tmp(p)]
            if others:
                raise VaultExistsError(
                    f"{root} is not empty; choose a new or empty folder for the vault"
                )
            for leftover in root.iterdir():
                with contextlib.suppress(FileNotFoundError):
                    leftover.unlink()
        make_private_dir(root)


def _rewrapped(
    header: VaultHeader, master_key: bytes, passphrase: str, device_share: bytes | None
) -> VaultHeader:
    """The header with the master key wrapped under a new passphrase (same salt)."""
    stretched = stretch_passphrase(normalize_passphrase(passphrase), header.salt, header.profile)
    try:
        return with_new_passphrase(header, master_key, stretched, device_share)
    except PassphraseConflictError:
        raise ValidationError("the new passphrase must differ from the duress passphrase") from None


def check_new_passphrase(passphrase: str) -> None:
    if len(passphrase) < MIN_PASSPHRASE_CHARS:
        raise ValidationError(
            f"a passphrase needs at least {MIN_PASSPHRASE_CHARS} characters "
            "(several words are easier to remember and harder to guess)"
        )


def _is_our_tmp(path: Path) -> bool:
    return path.name.startswith(".header.") and path.name.endswith(".tmp")


def _db_key(master_key: bytes) -> bytes:
    return derive_key(master_key, PURPOSE_DB_KEY)
