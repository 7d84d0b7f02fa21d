"""The vault's lifecycle: create, unlock, change passphrase, recover, rekey.

The header file is never replaced, only rewritten in place (app/header_store.py): a
rename would leave the old key slots on the disk for a carver. Every update writes one
copy, then the other, so a crash leaves one intact; the next unlock settles what it
finds (app/unlocking.py): it rolls an interrupted update forward or back, finishes an
interrupted database rekey, and promotes a device share left under its pending name.

Order of writes matters for crash safety. At creation the database is made first and
the header written last: a folder without a header is an unfinished creation, never a
vault. Unlock failures change nothing on disk, unless the user turned on the wipe after
N failed unlocks: then the failed-unlock counter (its own records in the header file, no
key slot rewritten) is raised before the passphrase is tried, so killing the process
after a wrong guess cannot skip the count, and reset after a right one.

A duress passphrase opens the duress slot from the same Argon2id output as any unlock.
The keys are then erased (app.wipe), the old files moved aside with a few renames, and a
fresh, empty vault is built in their place under that same Argon2id output and salt; the
old files are removed afterwards, on a thread. So the whole costs one KDF and about what
a normal unlock costs, and the caller simply gets an unlocked session.
"""

from __future__ import annotations

import contextlib
import json
import secrets
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import nacl.utils

from app.device_share import SHARE_BYTES, DeviceShareStore, pending_share_id
from app.errors import (
    CarnetError,
    DeviceShareMissingError,
    IntegrityError,
    StorageError,
    ValidationError,
    VaultExistsError,
    WrongPassphraseError,
)
from app.fsutil import fsync_dir, make_private_dir
from app.header_store import HeaderStore
from app.owner_key import owner_key_rows
from app.paths import VaultPaths
from app.progress import Progress, no_progress
from app.rekey import RekeyReport
from app.session import CreatedVault, RecoveredVault, VaultSession
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
from app.wipe import FRESH_PREFIX, StashRemoval, WipeService, leftover_stashes
from crypto.errors import ChecksumError, MalformedError, WrongKeyError
from crypto.header import VaultHeader, new_master_key, new_salt, new_vault_id
from crypto.header_file import HeaderFile
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
    build_header,
    open_with_recovery_key,
    with_duress,
    with_new_passphrase,
)

MIN_PASSPHRASE_CHARS = 8
MAX_WIPE_AFTER = 1000
PURPOSE_DB_KEY = b"carnet-sqlcipher"
META_RECOVERY_PUBLIC_KEY = "recovery_public_key"
META_CREATED_AT = "vault_created_at"
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
        created, _header, _master_key = self._create(
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
        wipe_after: int = 0,
        recovery_key: bytes | None = None,
        progress: Progress = no_progress,
    ) -> tuple[CreatedVault, VaultHeader, bytes]:
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
        built = self._build(
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
        db = Database.open(store or self.paths.store, _db_key(master_key), create=True)
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
        db = Database.open(self.paths.store, _db_key(opened.master_key))
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
        share = self._stage_new_share(header.vault_id) if header.device_share_required else None
        progress(1, 2, "deriving-key")
        updated = _rewrapped(header, master_key, new, share)
        self.headers.write(opened.state, updated.upgraded(opened.state.sequence + 1, master_key))
        if share is not None:
            self._promote_share(header.vault_id, share)
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
        Database.open(self.paths.store, _db_key(master_key)).close()
        keyring_available = use_keyring and self.shares.available()
        share = self._stage_new_share(header.vault_id) if keyring_available else None
        progress(0, 1, "deriving-key")
        rewrapped = _rewrapped(header, master_key, new_passphrase, share)
        self.headers.write(state, rewrapped.upgraded(state.sequence + 1, master_key))
        if share is not None:
            self._promote_share(header.vault_id, share)
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
        device_share = self._device_share(header)
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
            unlocked = self._replace_under_duress(outcome.header, stretched)
        else:
            unlocked = self._settle(state, outcome, stretched, options)
            self._finish_duress_swap(unlocked.master_key)
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
                finish_rekey(self.paths.store, _db_key(previous_key), _db_key(master_key))
        if opened.index != state.newest_index:
            try:
                Database.open(self.paths.store, _db_key(master_key)).close()
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
        self._settle_share(header.vault_id, opened.option, options)
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
            finish_rekey(self.paths.store, _db_key(found[1][2]), _db_key(master_key))
        return header, master_key

    def _device_share(self, header: VaultHeader) -> bytes | None:
        """The share the passphrase slot uses (after an unlock has settled it)."""
        if not header.device_share_required:
            return None
        share = self.shares.get(header.vault_id)
        if share is None:
            raise DeviceShareMissingError("the device share is no longer in the keyring")
        return share

    def _stage_new_share(self, vault_id: bytes) -> bytes:
        """A new device share, stored under its pending name until the header uses it."""
        share = nacl.utils.random(SHARE_BYTES)
        self.shares.put(pending_share_id(vault_id), share)
        return share

    def _promote_share(self, vault_id: bytes, share: bytes) -> None:
        """The header now uses `share`: it replaces the old one, and the pending name goes.
        Best effort: the change is already in force (the header names the new share), and
        a share left under its pending name is promoted by the next unlock."""
        with contextlib.suppress(CarnetError):
            self.shares.put(vault_id, share)
            self.shares.delete(pending_share_id(vault_id))

    def _settle_share(self, vault_id: bytes, used: ShareOption, options: list[ShareOption]) -> None:
        """After an unlock: a share found under its pending name becomes the share; an
        unused pending one (a rotation that never reached the header) goes. Best effort:
        the unlock has succeeded, and the next one tries again."""
        with contextlib.suppress(CarnetError):
            if used.pending and used.share is not None:
                self._promote_share(vault_id, used.share)
            elif any(o.pending and o.vault_id == vault_id for o in options):
                self.shares.delete(pending_share_id(vault_id))

    def _replace_under_duress(self, header: VaultHeader, stretched: bytes) -> _Unlocked:
        """A fresh empty vault, that the duress passphrase opens like the old, in place of
        the old one; the old files go on a thread afterwards.

        Order, so that a kill at any point leaves a vault that opens: the fresh database
        is built aside (in a `.fresh-…` folder) with its keyring share; then the fresh
        header is written over the old one where it lies, which is the erase (both old
        copies overwritten, read back); then the old keyring share goes, the old files
        are moved aside and the fresh database moved in (`_finish_duress_swap` does this
        last step at the next unlock if a kill came first). If the old header cannot be
        overwritten (a read-only or locked file), everything that can be removed is, and
        the answer is the one a wrong passphrase gets.

        It keeps what an onlooker could compare: the same salt and KDF profile, a device
        share if the old one had one, the same failed-unlock setting.
        """
        wiper = WipeService(self.paths, self.shares)
        fresh_dir = self.paths.root / f"{FRESH_PREFIX}{secrets.token_hex(8)}"
        fresh_dir.mkdir(mode=0o700)
        _created, fresh, master_key = self._build(
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
        return _Unlocked(self.read_state(), fresh, master_key, stretched, background)

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

    def _finish_duress_swap(self, master_key: bytes) -> None:
        """A duress unlock killed after its header was written and before its database was
        moved in leaves a `.fresh-…` folder whose database opens with the header's key:
        finish the swap. Any other such folder (killed earlier) is removed."""
        root = self.paths.root
        for fresh_dir in [p for p in root.iterdir() if p.name.startswith(FRESH_PREFIX)]:
            if fresh_dir.is_symlink() or not fresh_dir.is_dir():
                continue
            candidate = fresh_dir / self.paths.store.name
            try:
                Database.open(candidate, _db_key(master_key)).close()
            except CarnetError:
                shutil.rmtree(fresh_dir, ignore_errors=True)
                continue
            WipeService(self.paths, self.shares).stash_vault_files()
            self._move_in(fresh_dir)

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


def recovery_key_bytes(text: str) -> bytes:
    """The recovery key typed or read from a file; a typo is a wrong key (exit 3), text
    that is no recovery key at all a usage error."""
    try:
        return decode_recovery_key(text)
    except ChecksumError as exc:
        raise WrongPassphraseError(exc.message) from None
    except MalformedError as exc:
        raise ValidationError(exc.message) from None


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


def check_wipe_after(failures: int) -> None:
    if not 0 <= failures <= MAX_WIPE_AFTER:
        raise ValidationError(f"choose a number of attempts from 1 to {MAX_WIPE_AFTER}")


def _is_our_tmp(path: Path) -> bool:
    return path.name.startswith(".header.") and path.name.endswith(".tmp")


def _db_key(master_key: bytes) -> bytes:
    return derive_key(master_key, PURPOSE_DB_KEY)
