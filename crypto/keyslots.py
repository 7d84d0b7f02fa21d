"""Key slots: the master key wrapped under key-encryption keys (KEKs).

A slot is XChaCha20-Poly1305 (IETF) of a 32-byte secret: 24-byte random nonce, then
ciphertext and tag, 72 bytes in all. The associated data is the header's preamble (every
field before the slots) plus the slot's index, so the KDF parameters, salt, flags and vault
id cannot be changed and slots cannot be moved without the tag failing.

KEKs, from the 32-byte Argon2id output `A` of what the user typed:
  passphrase slot  BLAKE2b(key=A, person="carnet-kek-pass",  data=device share or b"")
  duress slot      BLAKE2b(key=A, person="carnet-kek-dures", data=b"")
  recovery slot    BLAKE2b(key=recovery key, person="carnet-kek-recov")

The duress KEK leaves the device share out on purpose: the duress slot unwraps nothing
of value (a random token, never the master key), and leaving it out keeps a duress
passphrase working after `recover` has made a new device share.
"""

from __future__ import annotations

import enum
from collections.abc import Callable

import nacl.bindings
import nacl.exceptions
import nacl.utils

from crypto.kdf import KEY_BYTES, derive_key

NONCE_BYTES = nacl.bindings.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES  # 24
TAG_BYTES = nacl.bindings.crypto_aead_xchacha20poly1305_ietf_ABYTES  # 16
SLOT_BYTES = NONCE_BYTES + KEY_BYTES + TAG_BYTES  # 72

PURPOSE_KEK_PASSPHRASE = b"carnet-kek-pass"
PURPOSE_KEK_DURESS = b"carnet-kek-dures"
PURPOSE_KEK_RECOVERY = b"carnet-kek-recov"

Random = Callable[[int], bytes]


class SlotKind(enum.IntEnum):
    """The slots, in header order; the value is the index bound into each slot's AD."""

    PASSPHRASE = 0
    RECOVERY = 1
    DURESS = 2


def passphrase_kek(stretched: bytes, device_share: bytes | None) -> bytes:
    return derive_key(stretched, PURPOSE_KEK_PASSPHRASE, device_share or b"")


def duress_kek(stretched: bytes) -> bytes:
    return derive_key(stretched, PURPOSE_KEK_DURESS)


def recovery_kek(recovery_key: bytes) -> bytes:
    return derive_key(recovery_key, PURPOSE_KEK_RECOVERY)


def wrap(
    kek: bytes, secret: bytes, preamble: bytes, kind: SlotKind, rng: Random = nacl.utils.random
) -> bytes:
    """Seal a 32-byte secret into a 72-byte slot."""
    if len(secret) != KEY_BYTES or len(kek) != KEY_BYTES:
        raise ValueError("slot secrets and KEKs are 32 bytes")
    nonce = rng(NONCE_BYTES)
    sealed = nacl.bindings.crypto_aead_xchacha20poly1305_ietf_encrypt(
        secret, _associated_data(preamble, kind), nonce, kek
    )
    return bytes(nonce + sealed)


def unwrap(kek: bytes, slot: bytes, preamble: bytes, kind: SlotKind) -> bytes | None:
    """The slot's secret, or None when the tag does not verify under this KEK."""
    if len(slot) != SLOT_BYTES:
        raise ValueError("a slot is 72 bytes")
    try:
        secret = nacl.bindings.crypto_aead_xchacha20poly1305_ietf_decrypt(
            slot[NONCE_BYTES:], _associated_data(preamble, kind), slot[:NONCE_BYTES], kek
        )
    except nacl.exceptions.CryptoError:
        return None
    return bytes(secret)


def random_slot(rng: Random = nacl.utils.random) -> bytes:
    """An unused slot: random bytes, indistinguishable from a sealed one without its KEK."""
    return rng(SLOT_BYTES)


def _associated_data(preamble: bytes, kind: SlotKind) -> bytes:
    return preamble + bytes([int(kind)])
