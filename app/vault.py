"""The vault's lifecycle: create, unlock, change passphrase, recover.

Order of writes matters for crash safety. At creation the database is made first and
the header written last (atomically): a folder without a header is an unfinished
creation, never a vault. Unlock failures happen before anything is opened for writing,
so a wrong passphrase changes no byte on disk, unless the user turned on the wipe after
N failed unlocks: then the header's failed-unlock counter is raised before the passphrase
is tried (so killing the process after a wrong guess cannot skip the count) and reset
after a right one.

A duress passphrase opens the duress slot from the same Argon2id output as any unlock.
The vault is then wiped (app.wipe) and a fresh, empty one is built under that same
Argon2id output and salt, so the whole costs one KDF and the caller simply gets an
unlocked session: nothing tells it, or the person watching, that anything else happened.
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
from app.owner_key import owner_key_rows
from app.paths import VaultPaths
from app.progress import Progress, no_progress
from app.store.database import Database
from app.wipe import WipeService
from crypto.errors import ChecksumError, MalformedError, WrongKeyError
from crypto.header import (
    MAX_HEADER_BYTES,
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
    with_duress,
    with_new_passphrase,
)

MIN_PASSPHRASE_CHARS = 8
MAX_WIPE_AFTER = 1000
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
        recovery_key: bytes | None = None,
        progress: Progress = no_progress,
    ) -> CreatedVault:
        """A new vault. `recovery_key` is given only when restoring a travel backup, so
        the recovery key the person already holds keeps opening the restored vault."""
        created, _header, _master_key = self._create(
            passphrase,
            profile=profile,
            use_keyring=use_keyring,
            duress_passphrase=duress_passphrase,
            recovery_key=recovery_key,
            progress=progress,
        )
        return created

    def create_unlocked(
        self,
        passphrase: str,
        *,
        profile: KdfProfile = KdfProfile.MODERATE,
        use_keyring: bool = True,
        recovery_key: bytes | None = None,
    ) -> tuple[CreatedVault, VaultSession]:
        """A new vault, already open: for a restore, which fills it at once (one KDF)."""
        created, header, master_key = self._create(
            passphrase, profile=profile, use_keyring=use_keyring, recovery_key=recovery_key
        )
        db = Database.open(self.paths.store, _db_key(master_key))
        return created, VaultSession(self.paths, header, master_key, db)

    def _create(
        self,
        passphrase: str,
        *,
        profile: KdfProfile,
        use_keyring: bool,
        duress_passphrase: str | None = None,
        recovery_key: bytes | None = None,
        progress: Progress = no_progress,
    ) -> tuple[CreatedVault, VaultHeader, bytes]:
        check_new_passphrase(passphrase)
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
        built = self._build(
            stretched,
            salt,
            profile,
            use_keyring=use_keyring,
            duress_stretched=duress_stretched,
            recovery_key=recovery_key,
        )
        progress(steps, steps, "done")
        return built

    def _build(
        self,
        stretched: bytes,
        salt: bytes,
        profile: KdfProfile,
        *,
        use_keyring: bool,
        duress_stretched: bytes | None = None,
        wipe_after: int = 0,
        recovery_key: bytes | None = None,
    ) -> tuple[CreatedVault, VaultHeader, bytes]:
        """A new vault in the (empty) folder from an Argon2id output already computed."""
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
        if wipe_after:
            header = header.with_wipe_after(wipe_after, master_key)
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
                        *owner_key_rows(recovery_key),
                    ],
                )
        finally:
            db.close()
        if device_share is not None:
            self.shares.put(vault_id, device_share)
        atomic_write(self.paths.header, header.to_bytes())
        created = CreatedVault(
            paths=self.paths,
            recovery_key=encode_recovery_key(recovery_key),
            uses_device_share=device_share is not None,
            keyring_available=keyring_available,
        )
        return created, header, master_key

    def read_header(self) -> VaultHeader:
        if not self.paths.header.exists():
            raise VaultNotFoundError(
                f"no vault at {self.paths.root} (create one with 'carnet init')"
            )
        try:
            data = read_capped(self.paths.header, MAX_HEADER_BYTES)
            return parse_header(data)
        except MalformedError:
            raise IntegrityError("the vault header is damaged or has been tampered with") from None
        except OSError as exc:
            raise IntegrityError(f"the vault header cannot be read: {exc.strerror}") from None

    def unlock(self, passphrase: str, progress: Progress = no_progress) -> VaultSession:
        header, master_key = self._open(passphrase, progress)
        db = Database.open(self.paths.store, _db_key(master_key))
        return VaultSession(self.paths, header, master_key, db)

    def change_passphrase(self, old: str, new: str, progress: Progress = no_progress) -> None:
        check_new_passphrase(new)
        header, master_key = self._open(old, progress)
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
        rewrapped = _rewrapped(header, master_key, new_passphrase, device_share)
        updated = rewrapped.with_failed_unlocks(0)  # the recovery key proves ownership
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

    def set_duress(
        self, passphrase: str, duress_passphrase: str | None, progress: Progress = no_progress
    ) -> None:
        """Set, replace or (with None) clear the duress passphrase. The slot stays."""
        if duress_passphrase is not None:
            check_new_passphrase(duress_passphrase)
        header, master_key = self._open(passphrase, progress)
        device_share = self._device_share(header) if header.device_share_required else None
        duress_stretched = None
        if duress_passphrase is not None:
            progress(1, 2, "deriving-key")
            duress_stretched = stretch_passphrase(
                normalize_passphrase(duress_passphrase), header.salt, header.profile
            )
        try:
            updated = with_duress(header, master_key, duress_stretched, device_share=device_share)
        except PassphraseConflictError:
            raise ValidationError("the duress passphrase must differ from the passphrase") from None
        atomic_write(self.paths.header, updated.to_bytes())
        progress(2, 2, "done")

    def set_wipe_after(
        self, passphrase: str, failures: int, progress: Progress = no_progress
    ) -> None:
        """Turn on (N >= 1) or off (0) the wipe after N failed unlocks in a row."""
        if not 0 <= failures <= MAX_WIPE_AFTER:
            raise ValidationError(f"choose a number of attempts from 1 to {MAX_WIPE_AFTER}")
        header, master_key = self._open(passphrase, progress)
        atomic_write(self.paths.header, header.with_wipe_after(failures, master_key).to_bytes())

    def _open(self, passphrase: str, progress: Progress) -> tuple[VaultHeader, bytes]:
        """The header and master key for a passphrase; a duress one swaps the vault first."""
        header = self.read_header()
        device_share = self._device_share(header) if header.device_share_required else None
        if header.wipe_after:
            # Counted before trying: a process killed once the guess proved wrong has
            # already paid for it.
            header = header.with_failed_unlocks(header.failed_unlocks + 1)
            atomic_write(self.paths.header, header.to_bytes())
        progress(0, 1, "deriving-key")
        stretched = stretch_passphrase(
            normalize_passphrase(passphrase), header.salt, header.profile
        )
        try:
            unlocked = open_with_passphrase(header, stretched, device_share)
        except WrongKeyError:
            if header.wipe_after and header.failed_unlocks >= header.wipe_after:
                WipeService(self.paths, self.shares).wipe()
            raise WrongPassphraseError("wrong passphrase") from None
        except HeaderIntegrityError:
            raise IntegrityError("the vault header is damaged or has been tampered with") from None
        if unlocked.kind is UnlockKind.DURESS or unlocked.master_key is None:
            header, master_key = self._replace_under_duress(header, stretched)
        else:
            master_key = unlocked.master_key
            if header.failed_unlocks:
                header = header.with_failed_unlocks(0)
                atomic_write(self.paths.header, header.to_bytes())
        progress(1, 1, "unlocked")
        return header, master_key

    def _replace_under_duress(
        self, header: VaultHeader, stretched: bytes
    ) -> tuple[VaultHeader, bytes]:
        """Wipe, then a fresh empty vault that the duress passphrase opens, like the old.

        It keeps what an onlooker could compare: the same salt and KDF profile, a device
        share if the old one had one, the same failed-unlock setting.
        """
        WipeService(self.paths, self.shares).wipe()
        _created, fresh, master_key = self._build(
            stretched,
            header.salt,
            header.profile,
            use_keyring=header.device_share_required,
            wipe_after=header.wipe_after,
        )
        return fresh, master_key

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
