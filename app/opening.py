"""What the desktop app holds while no notebook is open: create, unlock or recover the
vault at one path, and hand out a `Notebook`.

The CLI builds a `VaultService` per command; the GUI keeps one `NotebookOpener` for its
whole life, so the choices it must not make itself (the minimum passphrase length, the
KDF profile, the keyring backend) stay here, in app/, read rather than copied.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.device_share import DeviceShareStore, KeyringDeviceShares
from app.paths import VaultPaths
from app.progress import Progress, no_progress
from app.session import CreatedVault, RecoveredVault
from app.vault import VaultService
from app.vault_input import MAX_WIPE_AFTER, MIN_PASSPHRASE_CHARS
from crypto.kdf import KdfProfile

if TYPE_CHECKING:
    from app.notebook import Notebook

KDF_PROFILES = tuple(profile.value for profile in KdfProfile)


class NotebookOpener:
    """One vault folder, opened through the OS keyring unless told otherwise.

    `kdf_profile` names a libsodium preset ("interactive", "moderate", "sensitive") and
    only matters when a vault is created; tests pass "interactive" to stay fast.
    """

    min_passphrase_chars = MIN_PASSPHRASE_CHARS
    max_wipe_after = MAX_WIPE_AFTER

    def __init__(
        self,
        paths: VaultPaths,
        shares: DeviceShareStore | None = None,
        kdf_profile: str = KdfProfile.MODERATE.value,
    ) -> None:
        self.paths = paths
        self._shares = shares if shares is not None else KeyringDeviceShares()
        self._profile = KdfProfile(kdf_profile)
        self._notes: list[str] = []
        self._service = VaultService(paths, self._shares, notify=self._notes.append)

    def __repr__(self) -> str:
        return "NotebookOpener()"

    def exists(self) -> bool:
        return self._service.exists()

    def keyring_available(self) -> bool:
        """Whether this computer's keyring can hold a device share now."""
        return self._shares.available()

    def create(
        self,
        passphrase: str,
        *,
        duress_passphrase: str | None = None,
        wipe_after: int = 0,
        use_keyring: bool = True,
        progress: Progress = no_progress,
    ) -> CreatedVault:
        return self._service.create(
            passphrase,
            profile=self._profile,
            use_keyring=use_keyring,
            duress_passphrase=duress_passphrase,
            wipe_after=wipe_after,
            progress=progress,
        )

    def unlock(self, passphrase: str, progress: Progress = no_progress) -> Notebook:
        """An open notebook. A duress passphrase gives an empty one, the same way."""
        # Imported here, on the worker that unlocks: the notebook's services (evidence,
        # export, search) are not needed before the unlock window shows.
        from app.notebook import Notebook

        self._service.read_header()  # a missing or damaged vault is reported as such
        return Notebook(self._service.unlock(passphrase, progress))

    def recover(
        self, recovery_key: str, new_passphrase: str, progress: Progress = no_progress
    ) -> RecoveredVault:
        return self._service.recover(recovery_key, new_passphrase, progress=progress)

    def take_notes(self) -> list[str]:
        """Notices the core left for the user (a header migrated, say), once each."""
        notes, self._notes = self._notes, []
        return notes
