"""The recovery key: 32 random bytes a person writes down, typed back one day.

Text form: base32 (RFC 4648 alphabet, no padding) of the key followed by a 3-byte
BLAKE2b checksum (person "carnet-rk-check"), 56 characters in 14 groups of four joined by
hyphens. Parsing ignores case, spaces and hyphens and reads 0, 1 and 8 as O, I and B,
the usual misreadings of a handwritten key; the checksum catches the remaining typos
before any unlock is attempted.

The same key seeds the X25519 key pair that travel backups are sealed to, and the
Ed25519 key that signs them as their owner's (crypto/signing.py, OwnerSigner): each from
its own personalisation string, so neither key tells anything about the other or about
the recovery key, and only the recovery key's holder can make the owner's signature.
"""

from __future__ import annotations

import base64
import binascii

import nacl.bindings
import nacl.public
import nacl.utils

from crypto.errors import ChecksumError, MalformedError
from crypto.kdf import KEY_BYTES, derive_key
from crypto.keyslots import Random

CHECKSUM_BYTES = 3
TEXT_CHARS = 56
GROUP = 4
PURPOSE_CHECKSUM = b"carnet-rk-check"
PURPOSE_BACKUP_KEYPAIR = b"carnet-rk-x25519"
PURPOSE_BACKUP_SIGNING = b"carnet-rk-sign"  # BLAKE2b personalisation: at most 16 bytes
_MISREAD = str.maketrans({"0": "O", "1": "I", "8": "B"})


def new_recovery_key(rng: Random = nacl.utils.random) -> bytes:
    return rng(KEY_BYTES)


def encode_recovery_key(key: bytes) -> str:
    if len(key) != KEY_BYTES:
        raise ValueError("a recovery key is 32 bytes")
    text = base64.b32encode(key + _checksum(key)).decode("ascii")
    return "-".join(text[i : i + GROUP] for i in range(0, len(text), GROUP))


def decode_recovery_key(text: str) -> bytes:
    """The 32-byte key from its written form. Raises MalformedError or ChecksumError."""
    compact = "".join(text.split()).replace("-", "").upper().translate(_MISREAD)
    if len(compact) != TEXT_CHARS:
        raise MalformedError("a recovery key has 56 letters and digits (14 groups of 4)")
    try:
        raw = base64.b32decode(compact)
    except (binascii.Error, ValueError):
        raise MalformedError("a recovery key holds only the letters A-Z and digits 2-7") from None
    key, checksum = raw[:KEY_BYTES], raw[KEY_BYTES:]
    if _checksum(key) != checksum:
        raise ChecksumError("the recovery key has a typo (its checksum does not match)")
    return key


def backup_keypair(key: bytes) -> nacl.public.PrivateKey:
    """The X25519 key pair derived from the recovery key, for travel backups."""
    return nacl.public.PrivateKey.from_seed(derive_key(key, PURPOSE_BACKUP_KEYPAIR))


def backup_signing_seed(key: bytes) -> bytes:
    """The Ed25519 seed of the owner key that signs travel backups (see OwnerSigner).

    A bundle sealed to several recipients shares one file key among them, so the
    container alone cannot tell the owner's backup from one a co-recipient re-made; this
    key, which only the recovery key (or the owner's unlocked vault, which keeps it
    wrapped under the master key) yields, is what can.
    """
    return derive_key(key, PURPOSE_BACKUP_SIGNING)


def _checksum(key: bytes) -> bytes:
    return bytes(
        nacl.bindings.crypto_generichash_blake2b_salt_personal(
            key, digest_size=CHECKSUM_BYTES, person=PURPOSE_CHECKSUM.ljust(16, b"\x00")
        )
    )
