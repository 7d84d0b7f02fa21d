"""Which header copy, and which device share, a passphrase opens.

Normally both copies of the header are equal and one device share sits in the keyring.
After a crash in the middle of an update they may differ: the newest copy holds the
update, the other the state before it; and a share rotation may have left the new share
under its pending name. Every combination is tried from the one Argon2id output, each
try costing a BLAKE2b and an AEAD check (microseconds), so a crash never locks anyone
out and no combination costs a second KDF. The newest copy is tried first; a duress
passphrase that opens the newest copy's duress slot wins over an older copy.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from app.device_share import DeviceShareStore, pending_share_id
from app.errors import DeviceShareMissingError, IntegrityError
from crypto.errors import WrongKeyError
from crypto.header import VaultHeader
from crypto.header_file import HeaderFile
from crypto.vault_keys import HeaderIntegrityError, UnlockKind, open_with_passphrase

TAMPERED = "the vault header is damaged or has been tampered with"


@dataclass(frozen=True)
class ShareOption:
    """A device share to try (None: the passphrase alone), for which vault id (copies
    may name two during a duress replacement), and where it was found."""

    share: bytes | None = field(repr=False)
    pending: bool = False
    vault_id: bytes | None = None

    def fits(self, copy: VaultHeader) -> bool:
        if self.share is None:
            return not copy.device_share_required
        return copy.device_share_required and self.vault_id == copy.vault_id


@dataclass(frozen=True)
class Opened:
    header: VaultHeader
    index: int  # which copy opened
    master_key: bytes = field(repr=False)
    option: ShareOption


@dataclass(frozen=True)
class DuressOpened:
    header: VaultHeader


def share_options(state: HeaderFile, shares: DeviceShareStore) -> list[ShareOption]:
    """The shares worth trying; raises before any KDF when a needed share is nowhere."""
    copies = [c for c in state.copies if c is not None]
    options: list[ShareOption] = []
    for vault_id in dict.fromkeys(c.vault_id for c in copies if c.device_share_required):
        main = shares.get(vault_id)
        pending = shares.get(pending_share_id(vault_id))
        if main is not None:
            options.append(ShareOption(main, vault_id=vault_id))
        if pending is not None:
            options.append(ShareOption(pending, pending=True, vault_id=vault_id))
    if any(not c.device_share_required for c in copies):
        options.append(ShareOption(None))
    if not options:
        raise DeviceShareMissingError(
            "this vault needs its device share from the system keyring, and the keyring "
            "does not have it (keyring reset, or another computer); "
            "use 'carnet recover' with your recovery key"
        )
    return options


def open_copies(
    state: HeaderFile, stretched: bytes, options: list[ShareOption]
) -> Opened | DuressOpened | None:
    """The first copy and share the passphrase opens, a duress hit, or None."""
    newest = state.newest_index
    for index in (newest, 1 - newest):
        copy = state.copies[index]
        if copy is None:
            continue
        duress = False
        for option in options:
            if not option.fits(copy):
                continue
            try:
                unlocked = open_with_passphrase(copy, stretched, option.share)
            except WrongKeyError:
                continue
            except HeaderIntegrityError:
                raise IntegrityError(TAMPERED) from None
            if unlocked.kind is UnlockKind.PASSPHRASE and unlocked.master_key is not None:
                return Opened(copy, index, unlocked.master_key, option)
            duress = True
        if duress:
            return DuressOpened(copy)
    return None


def master_key_of(
    header: VaultHeader, stretched: bytes, options: list[ShareOption]
) -> bytes | None:
    """The master key `header` gives for this passphrase, if any (no duress, no error)."""
    for option in options:
        if not option.fits(header):
            continue
        try:
            unlocked = open_with_passphrase(header, stretched, option.share)
        except (WrongKeyError, HeaderIntegrityError):
            continue
        if unlocked.master_key is not None:
            return unlocked.master_key
    return None
