"""What the vault's lifecycle hands out: an open session, and the reports of creating
and recovering a vault. Kept apart from app/vault.py, which holds the lifecycle itself."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.paths import VaultPaths
from app.store.database import Database
from app.wipe import StashRemoval
from crypto.header import VaultHeader
from crypto.kdf import derive_key


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
    key bytes are overwritten in the buffer this object owns. `background` is work that
    goes on after the unlock (removing a wiped vault's old files); `wait()` joins it.
    """

    def __init__(
        self,
        paths: VaultPaths,
        header: VaultHeader,
        master_key: bytes,
        db: Database,
        background: StashRemoval | None = None,
    ):
        self.paths = paths
        self.header = header
        self._master_key = bytearray(master_key)
        self.db = db
        self.background = background

    def __repr__(self) -> str:
        return f"VaultSession({self.paths.root})"

    def subkey(self, purpose: bytes) -> bytes:
        if not self._master_key:
            raise ValueError("the vault is locked")
        return derive_key(bytes(self._master_key), purpose)

    def wait(self) -> None:
        if self.background is not None:
            self.background.wait()

    def detach(self) -> None:
        """For a command about to exit: let the background work finish on its own."""
        if self.background is not None:
            self.background.detach()

    def close(self) -> None:
        for i in range(len(self._master_key)):
            self._master_key[i] = 0
        self._master_key = bytearray()
        self.db.close()

    def __enter__(self) -> VaultSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
