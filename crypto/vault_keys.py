"""The slot logic of a vault header: build it, open it, rewrap it.

Opening always tries both the passphrase and the duress slot from the one Argon2id
output, so a duress unlock costs exactly what any unlock costs and takes the same path.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace

import nacl.utils

from crypto.errors import WrongKeyError
from crypto.header import HeaderIntegrityError, VaultHeader
from crypto.kdf import KEY_BYTES, SALT_BYTES, KdfProfile
from crypto.keyslots import (
    Random,
    SlotKind,
    duress_kek,
    passphrase_kek,
    random_slot,
    recovery_kek,
    unwrap,
    wrap,
)

__all__ = [
    "HeaderIntegrityError",
    "PassphraseConflictError",
    "UnlockKind",
    "Unlocked",
    "build_header",
    "open_with_passphrase",
    "open_with_recovery_key",
    "with_duress",
    "with_new_passphrase",
]


class PassphraseConflictError(ValueError):
    """The passphrase and the duress passphrase would be the same."""


class UnlockKind(enum.Enum):
    PASSPHRASE = "passphrase"  # noqa: S105 (a label, not a secret)
    DURESS = "duress"


@dataclass(frozen=True)
class Unlocked:
    """What opening a header gave. The master key is absent for a duress unlock."""

    kind: UnlockKind
    master_key: bytes | None = field(default=None, repr=False)


def build_header(
    *,
    master_key: bytes,
    stretched: bytes,
    salt: bytes,
    profile: KdfProfile,
    vault_id: bytes,
    device_share: bytes | None,
    recovery_key: bytes,
    duress_stretched: bytes | None,
    rng: Random = nacl.utils.random,
) -> VaultHeader:
    """A new header: all three slots, sealed with the MAC.

    `stretched` and `duress_stretched` are Argon2id outputs over the same salt.
    """
    if len(master_key) != KEY_BYTES or len(recovery_key) != KEY_BYTES:
        raise ValueError("master and recovery keys are 32 bytes")
    if len(salt) != SALT_BYTES:
        raise ValueError("salt must be 16 bytes")
    if duress_stretched is not None and duress_stretched == stretched:
        raise PassphraseConflictError("the duress passphrase must differ from the passphrase")
    draft = VaultHeader(
        device_share_required=device_share is not None,
        vault_id=vault_id,
        profile=profile,
        salt=salt,
        passphrase_slot=b"\x00" * 72,
        recovery_slot=b"\x00" * 72,
        duress_slot=b"\x00" * 72,
    )
    preamble = draft.slot_context()
    passphrase_slot = wrap(
        passphrase_kek(stretched, device_share), master_key, preamble, SlotKind.PASSPHRASE, rng
    )
    recovery_slot = wrap(recovery_kek(recovery_key), master_key, preamble, SlotKind.RECOVERY, rng)
    duress_slot = _duress_slot(duress_stretched, preamble, rng)
    header = replace(
        draft,
        passphrase_slot=passphrase_slot,
        recovery_slot=recovery_slot,
        duress_slot=duress_slot,
    )
    return header.sealed_with(master_key)


def open_with_passphrase(
    header: VaultHeader, stretched: bytes, device_share: bytes | None
) -> Unlocked:
    """Try the passphrase and the duress slot with one Argon2id output.

    Raises WrongKeyError when neither opens, HeaderIntegrityError when the passphrase
    slot opens but the header's MAC does not verify.
    """
    preamble = header.slot_context()
    master_key = unwrap(
        passphrase_kek(stretched, device_share),
        header.passphrase_slot,
        preamble,
        SlotKind.PASSPHRASE,
    )
    duress_token = unwrap(duress_kek(stretched), header.duress_slot, preamble, SlotKind.DURESS)
    if master_key is not None:
        header.verify(master_key)
        return Unlocked(UnlockKind.PASSPHRASE, master_key)
    if duress_token is not None:
        return Unlocked(UnlockKind.DURESS)
    raise WrongKeyError("the passphrase is wrong")


def open_with_recovery_key(header: VaultHeader, recovery_key: bytes) -> bytes:
    """The master key from the recovery slot; the header MAC is checked too."""
    master_key = unwrap(
        recovery_kek(recovery_key), header.recovery_slot, header.slot_context(), SlotKind.RECOVERY
    )
    if master_key is None:
        raise WrongKeyError("this recovery key does not open this vault")
    header.verify(master_key)
    return master_key


def opens_duress_slot(header: VaultHeader, stretched: bytes) -> bool:
    return (
        unwrap(duress_kek(stretched), header.duress_slot, header.slot_context(), SlotKind.DURESS)
        is not None
    )


def with_new_passphrase(
    header: VaultHeader,
    master_key: bytes,
    stretched: bytes,
    device_share: bytes | None,
    rng: Random = nacl.utils.random,
) -> VaultHeader:
    """Rewrap the master key under a new passphrase (and device share, or none).

    The salt is kept so the duress slot, made from the same salt, keeps working; the
    master key, and so every byte of data, stays as it is.
    """
    header.verify(master_key)
    if opens_duress_slot(header, stretched):
        raise PassphraseConflictError("the new passphrase is the duress passphrase")
    passphrase_slot = wrap(
        passphrase_kek(stretched, device_share),
        master_key,
        header.slot_context(),
        SlotKind.PASSPHRASE,
        rng,
    )
    changed = replace(
        header,
        device_share_required=device_share is not None,
        passphrase_slot=passphrase_slot,
    )
    return changed.sealed_with(master_key)


def with_duress(
    header: VaultHeader,
    master_key: bytes,
    duress_stretched: bytes | None,
    rng: Random = nacl.utils.random,
    *,
    device_share: bytes | None = None,
) -> VaultHeader:
    """Set (or, with None, clear) the duress passphrase. The slot is always present.

    `device_share` is the share the passphrase slot needs (when the header says so): it
    is what lets us refuse a duress passphrase equal to the passphrase.
    """
    header.verify(master_key)
    preamble = header.slot_context()
    if duress_stretched is not None:
        if header.device_share_required and device_share is None:
            raise ValueError("the device share is needed to compare with the passphrase")
        # Opening the passphrase slot with the duress passphrase's Argon2id output (and
        # the device share, without which it never opens) refuses an identical one.
        probe = unwrap(
            passphrase_kek(
                duress_stretched, device_share if header.device_share_required else None
            ),
            header.passphrase_slot,
            preamble,
            SlotKind.PASSPHRASE,
        )
        if probe is not None:
            raise PassphraseConflictError("the duress passphrase is the passphrase")
    changed = replace(header, duress_slot=_duress_slot(duress_stretched, preamble, rng))
    return changed.sealed_with(master_key)


def _duress_slot(duress_stretched: bytes | None, preamble: bytes, rng: Random) -> bytes:
    if duress_stretched is None:
        return random_slot(rng)
    # A random token, never the master key: opening the duress slot must give nothing.
    return wrap(duress_kek(duress_stretched), rng(KEY_BYTES), preamble, SlotKind.DURESS, rng)
