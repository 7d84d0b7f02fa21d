"""The vault's lifecycle: create, unlock, change passphrase, recover, rekey.

The header file is never replaced, only rewritten in place (app/header_store.py): a
rename would leave the old key slots on the disk for a carver. Every update writes one
copy, then the other, so a crash leaves one intact; the next unlock settles what it
finds (app/unlocking.py): it rolls an interrupted update forward or back, finishes an
interrupted database rekey, and promotes a device share left under its pending name
(app/share_rotation.py).

Order of writes matters for crash safety. At creation (app/vault_creation.py) the
database is made first and the header written last: a folder without a header is an
unfinished creation, never a vault. Unlock failures change nothing on disk, unless the
user turned on the wipe after N failed unlocks: then the failed-unlock counter (its own
records in the header file, no key slot rewritten) is raised before the passphrase is
tried, so killing the process after a wrong guess cannot skip the count, and reset after
a right one.

A duress passphrase opens the duress slot from the same Argon2id output as any unlock;
the vault is then swapped for a fresh, empty one (app/duress_swap.py) and the caller
simply gets an unlocked session.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from app.device_share import DeviceShareStore, pending_share_id
from app.duress_swap import DuressSwap
from app.errors import IntegrityError, StorageError, ValidationError, WrongPassphraseError
from app.header_store import HeaderStore
from app.paths import VaultPaths
from app.progress import Progress, no_progress
from app.rekey import RekeyReport
from app.session import CreatedVault, RecoveredVault, VaultSession
from app.share_rotation import ShareRotation
from app.store.database import Database, finish_rekey
from app.unlocking import (
    TAMPERED,
    DuressOpened,
    Opened,
    ShareOption,
    master_key_of,
    open_copies,
    share_options,
)
from app.vault_creation import VaultBuilder, db_key
from app.vault_input import check_new_passphrase, check_wipe_after, recovery_key_bytes
from app.wipe import StashRemoval, WipeService, leftover_stashes
from crypto.errors import WrongKeyError
from crypto.header import VaultHeader
from crypto.header_file import HeaderFile
from crypto.kdf import KdfProfile, normalize_passphrase, stretch_passphrase
from crypto.vault_keys import (
    HeaderIntegrityError,
    PassphraseConflictError,
    open_with_recovery_key,
    with_duress,
    with_new_passphrase,
)

UPGRADE_NOTICE = (
    "note: this vault's header now uses the in-place format. Earlier versions of Carnet "
    "replaced the header file at every change, which can leave old copies of it on the "
    "disk; run 'carnet rekey' once so that no such copy can open the vault as it is now "
    "(what was written before stays only as safe as those copies: see 'Upgrading' in the "
    "README)."
)

Notify = Callable[[str], None]


def _quiet(_message: str) -> None:
    return None


@dataclass(frozen=True)
class _Unlocked:
    state: HeaderFile  # the header file as it is after settling
    header: VaultHeader
    master_key: bytes = field(repr=False)
    stretched: bytes = field(repr=False)
    background: StashRemoval | None = None


class VaultService:
    """Creates and opens the vault at one path, with one device-share store."""

    def __init__(
        self, paths: VaultPaths, shares: DeviceShareStore, notify: Notify = _quiet
    ) -> None:
        self.paths = paths
        self.shares = shares
        self.headers = HeaderStore(paths.header)
        self.notify = notify
        self.builder = VaultBuilder(paths, shares, self.headers)
        self.rotation = ShareRotation(shares)
        self.duress = DuressSwap(paths, shares, self.headers)

    def __repr__(self) -> str:
        return f"VaultService({self.paths.root})"

    def exists(self) -> bool:
        return self.headers.exists()

    def create(
        self,
        passphrase: str,
        *,
        profile: KdfProfile = KdfProfile.MODERATE,
        use_keyring: bool = True,
        duress_passphrase: str | None = None,
        wipe_after: int = 0,
        recovery_key: bytes | None = None,
        progress: Progress = no_progress,
    ) -> CreatedVault:
        """A new vault. `recovery_key` is given only when restoring a travel backup, so
        the recovery key the person already holds keeps opening the restored vault.
        `wipe_after` N >= 1 wipes the vault after N failed unlocks in a row."""
        created, _header, _master_key = self.builder.create(
            passphrase,
            profile=profile,
            use_keyring=use_keyring,
            duress_passphrase=duress_passphrase,
            wipe_after=wipe_after,
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
        created, header, master_key = self.builder.create(
            passphrase, profile=profile, use_keyring=use_keyring, recovery_key=recovery_key
        )
        db = Database.open(self.paths.store, db_key(master_key))
        return created, VaultSession(self.paths, header, master_key, db)

    def read_state(self) -> HeaderFile:
        """The header file: both copies and the failed-unlock count (no key needed)."""
        return self.headers.read()

    def read_header(self) -> VaultHeader:
        """The header in force (the newest intact copy); reports a missing or damaged
        vault before anything is asked of the person."""
        return self.read_state().newest

    def unlock(self, passphrase: str, progress: Progress = no_progress) -> VaultSession:
        """An open session. After a duress unlock the old files are still being removed
        on a thread (`VaultSession.background`): the empty notebook is ready first."""
        opened = self._open(passphrase, progress, wait=False)
        db = Database.open(self.paths.store, db_key(opened.master_key))
        background = opened.background
        if background is None:
            stashes = leftover_stashes(self.paths)  # a killed process's unfinished removal
            if stashes:
                background = StashRemoval(*stashes)
        return VaultSession(self.paths, opened.header, opened.master_key, db, background)

    def change_passphrase(self, old: str, new: str, progress: Progress = no_progress) -> None:
        """Rewrap the master key under `new`, with a new device share when one is used
        (the old one is deleted, so a stale header copy cannot be opened here)."""
        check_new_passphrase(new)
        opened = self._open(old, progress)
        header, master_key = opened.header, opened.master_key
        share = self.rotation.stage(header.vault_id) if header.device_share_required else None
        progress(1, 2, "deriving-key")
        updated = _rewrapped(header, master_key, new, share)
        self.headers.write(opened.state, updated.upgraded(opened.state.sequence + 1, master_key))
        if share is not None:
            self.rotation.promote(header.vault_id, share)
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
        state = self.read_state()
        recovery_key = recovery_key_bytes(recovery_key_text)
        header, master_key = self._open_with_recovery(state, recovery_key)
        # The database must open with the recovered key before we rewrite anything.
        Database.open(self.paths.store, db_key(master_key)).close()
        keyring_available = use_keyring and self.shares.available()
        share = self.rotation.stage(header.vault_id) if keyring_available else None
        progress(0, 1, "deriving-key")
        rewrapped = _rewrapped(header, master_key, new_passphrase, share)
        self.headers.write(state, rewrapped.upgraded(state.sequence + 1, master_key))
        if share is not None:
            self.rotation.promote(header.vault_id, share)
        elif any(c is not None and c.device_share_required for c in state.copies):
            for key in (header.vault_id, pending_share_id(header.vault_id)):
                self.shares.delete(key)
        if state.failed_unlocks:  # the recovery key proves ownership
            self.headers.write_failed_unlocks(self.read_state(), 0)
        self._migrated(state)
        progress(1, 1, "done")
        return RecoveredVault(share is not None, keyring_available)

    def set_duress(
        self, passphrase: str, duress_passphrase: str | None, progress: Progress = no_progress
    ) -> None:
        """Set, replace or (with None) clear the duress passphrase. The slot stays."""
        if duress_passphrase is not None:
            check_new_passphrase(duress_passphrase)
        opened = self._open(passphrase, progress)
        header, master_key = opened.header, opened.master_key
        device_share = self.rotation.current(header)
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
        self.headers.write(opened.state, updated.upgraded(opened.state.sequence + 1, master_key))
        progress(2, 2, "done")

    def set_wipe_after(
        self, passphrase: str, failures: int, progress: Progress = no_progress
    ) -> None:
        """Turn on (N >= 1) or off (0) the wipe after N failed unlocks in a row."""
        check_wipe_after(failures)
        opened = self._open(passphrase, progress)
        header, master_key = opened.header, opened.master_key
        updated = replace(header, wipe_after=failures)
        self.headers.write(opened.state, updated.upgraded(opened.state.sequence + 1, master_key))
        if opened.state.failed_unlocks:
            self.headers.write_failed_unlocks(self.read_state(), 0)

    def rekey(
        self, passphrase: str, recovery_key_text: str, progress: Progress = no_progress
    ) -> RekeyReport:
        """A new master key; see app/rekey.py."""
        from app.rekey import rekey_vault  # app.rekey builds on this module

        return rekey_vault(self, passphrase, recovery_key_text, progress)

    def _open(self, passphrase: str, progress: Progress, *, wait: bool = True) -> _Unlocked:
        """The header and master key for a passphrase; a duress one swaps the vault first
        (and, unless `wait` is False, has removed the old files by the time it returns).

        Nothing in a copy is authenticated before a slot opens, and anyone who can write
        the folder can make a copy with a valid checksum. So what is used before that is
        chosen so a forged copy gains nothing: copies that disagree on the salt or the KDF
        profile are refused outright (no update changes them); the failed-unlock limit is
        the highest any copy names, and a wipe needs every copy to have it on.
        """
        state = self.read_state()
        if not state.agreed_kdf_inputs():
            raise IntegrityError(TAMPERED)
        options = share_options(state, self.shares)
        wipe_after = state.wipe_after
        if wipe_after:
            # Counted before trying: a process killed once the guess proved wrong has
            # already paid for it.
            self.headers.write_failed_unlocks(state, state.failed_unlocks + 1)
            state = self.read_state()
        progress(0, 1, "deriving-key")
        stretched = stretch_passphrase(
            normalize_passphrase(passphrase), state.newest.salt, state.newest.profile
        )
        outcome = open_copies(state, stretched, options)
        if outcome is None:
            if wipe_after and state.wipe_on_limit and state.failed_unlocks >= wipe_after:
                WipeService(self.paths, self.shares).wipe()
            raise WrongPassphraseError("wrong passphrase")
        if isinstance(outcome, DuressOpened):
            fresh, master_key, background = self.duress.replace(outcome.header, stretched)
            unlocked = _Unlocked(self.read_state(), fresh, master_key, stretched, background)
        else:
            unlocked = self._settle(state, outcome, stretched, options)
            self.duress.finish(unlocked.master_key)
        progress(1, 1, "unlocked")
        if wait and unlocked.background is not None:
            unlocked.background.wait()
        return unlocked

    def _settle(
        self, state: HeaderFile, opened: Opened, stretched: bytes, options: list[ShareOption]
    ) -> _Unlocked:
        """Make the header file whole after an unlock: both copies equal to the one that
        opened (finishing a rekey a crash interrupted), version 3, the counter at zero,
        the share under its own name.

        An older copy is written over a newer one only once the database is known to
        open with its key: after a rekey stopped half way, the newer copy may hold the
        only wrapping of the key the database is now under.
        """
        header, master_key = opened.header, opened.master_key
        other = state.copies[1 - opened.index]
        if other is not None and other != header and opened.index == state.newest_index:
            previous_key = master_key_of(other, stretched, options)
            if previous_key is not None and previous_key != master_key:
                finish_rekey(self.paths.store, db_key(previous_key), db_key(master_key))
        if opened.index != state.newest_index:
            try:
                Database.open(self.paths.store, db_key(master_key)).close()
            except IntegrityError:
                raise IntegrityError(
                    "a rekey of this vault was interrupted and its new device share is "
                    "missing from the keyring; use 'carnet recover' with your recovery key"
                ) from None
        if not state.consistent or opened.index != state.newest_index:
            repaired = header.upgraded(state.sequence + 1, master_key)
            # A read-only disk still opens (nothing to read needs the repair; with the
            # lockout on, counting has already needed a write); the next unlock on a
            # writable one settles it.
            with contextlib.suppress(StorageError):
                self.headers.write(state, repaired)
                header = repaired
                self._migrated(state)
                state = self.read_state()
        if state.failed_unlocks:
            self.headers.write_failed_unlocks(state, 0)
            state = self.read_state()
        self.rotation.settle(header.vault_id, opened.option, options)
        return _Unlocked(state, header, master_key, stretched)

    def _migrated(self, before: HeaderFile) -> None:
        if before.legacy:
            self.notify(UPGRADE_NOTICE)

    def _open_with_recovery(
        self, state: HeaderFile, recovery_key: bytes
    ) -> tuple[VaultHeader, bytes]:
        """The copy the recovery key opens (newest first), finishing a rekey if need be."""
        newest = state.newest_index
        found: list[tuple[int, VaultHeader, bytes]] = []
        for index in (newest, 1 - newest):
            copy = state.copies[index]
            if copy is None:
                continue
            try:
                found.append((index, copy, open_with_recovery_key(copy, recovery_key)))
            except WrongKeyError:
                continue
            except HeaderIntegrityError:
                raise IntegrityError(TAMPERED) from None
        if not found:
            raise WrongPassphraseError("this recovery key does not open this vault")
        index, header, master_key = found[0]
        if len(found) == 2 and index == newest and found[1][2] != master_key:
            finish_rekey(self.paths.store, db_key(found[1][2]), db_key(master_key))
        return header, master_key


def _rewrapped(
    header: VaultHeader, master_key: bytes, passphrase: str, device_share: bytes | None
) -> VaultHeader:
    """The header with the master key wrapped under a new passphrase (same salt)."""
    stretched = stretch_passphrase(normalize_passphrase(passphrase), header.salt, header.profile)
    try:
        return with_new_passphrase(header, master_key, stretched, device_share)
    except PassphraseConflictError:
        raise ValidationError("the new passphrase must differ from the duress passphrase") from None
