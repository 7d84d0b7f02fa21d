"""Public keys as text people can paste, compare and read aloud.

A recipient's X25519 public key is written as ``carnetpk1`` followed by 58 lowercase
base32 characters: the 32 key bytes and a 4-byte checksum (BLAKE2b-32 of the key,
personalised ``carnet-pk-check``). A mistyped character fails the checksum, so a wrong
key is refused instead of sealing evidence to nobody. The fingerprint, for comparing
keys over a phone call, is BLAKE2b-128 of the key (personalised ``carnet-pk-fpr``) in
eight groups of four hex digits.
"""

from __future__ import annotations

import base64
import binascii
import hmac

import nacl.bindings

from crypto.errors import ChecksumError, MalformedError

PREFIX = "carnetpk1"
KEY_BYTES = 32
CHECKSUM_BYTES = 4
_TEXT_CHARS = 58  # base32 of 36 bytes, without padding
_PERSON_CHECK = b"carnet-pk-check"
_PERSON_FINGERPRINT = b"carnet-pk-fpr"
FINGERPRINT_BYTES = 16
MAX_KEY_TEXT = 200


def _blake2b(data: bytes, size: int, person: bytes) -> bytes:
    return bytes(
        nacl.bindings.crypto_generichash_blake2b_salt_personal(
            data, digest_size=size, person=person.ljust(16, b"\x00")
        )
    )


def encode_public_key(public_key: bytes) -> str:
    if len(public_key) != KEY_BYTES:
        raise ValueError("a public key is 32 bytes")
    raw = public_key + _blake2b(public_key, CHECKSUM_BYTES, _PERSON_CHECK)
    return PREFIX + base64.b32encode(raw).decode("ascii").rstrip("=").lower()


def decode_public_key(text: str) -> bytes:
    """The 32 key bytes of a `carnetpk1...` string; MalformedError or ChecksumError if not."""
    if len(text) > MAX_KEY_TEXT:
        raise MalformedError("not a Carnet public key (too long)")
    cleaned = "".join(text.split()).lower()
    if not cleaned.startswith(PREFIX):
        raise MalformedError(f"not a Carnet public key (it should start with {PREFIX})")
    body = cleaned[len(PREFIX) :]
    if len(body) != _TEXT_CHARS:
        raise MalformedError("not a Carnet public key (wrong length)")
    try:
        raw = base64.b32decode(body.upper() + "======", casefold=False)
    except (ValueError, binascii.Error):
        raise MalformedError("not a Carnet public key (invalid characters)") from None
    key, checksum = raw[:KEY_BYTES], raw[KEY_BYTES:]
    if not hmac.compare_digest(checksum, _blake2b(key, CHECKSUM_BYTES, _PERSON_CHECK)):
        raise ChecksumError("this public key has a typo (its checksum does not match)")
    return key


def key_fingerprint(public_key: bytes) -> str:
    digest = _blake2b(public_key, FINGERPRINT_BYTES, _PERSON_FINGERPRINT).hex()
    return " ".join(digest[i : i + 4] for i in range(0, len(digest), 4))
