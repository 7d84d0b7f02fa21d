"""Key derivation: Argon2id for passphrases, keyed BLAKE2b for everything else.

Every derived key has its own personalisation string, so no two purposes can ever share
a key even when they start from the same secret (the Magic Wormhole habit).
"""

from __future__ import annotations

import enum
import unicodedata
from dataclasses import dataclass

import nacl.bindings
import nacl.pwhash.argon2id as argon2id

KEY_BYTES = 32
SALT_BYTES = argon2id.SALTBYTES  # 16


class KdfProfile(enum.Enum):
    """libsodium's Argon2id presets, named as the design names them."""

    INTERACTIVE = "interactive"
    MODERATE = "moderate"
    SENSITIVE = "sensitive"

    @property
    def params(self) -> KdfParams:
        return _PROFILE_PARAMS[self]

    @property
    def code(self) -> int:
        """The byte that stands for this profile in the vault header."""
        return _PROFILE_CODES[self]

    @classmethod
    def from_code(cls, code: int) -> KdfProfile:
        for profile, value in _PROFILE_CODES.items():
            if value == code:
                return profile
        raise ValueError("unknown KDF profile code")


@dataclass(frozen=True)
class KdfParams:
    opslimit: int
    memlimit: int


_PROFILE_PARAMS = {
    KdfProfile.INTERACTIVE: KdfParams(argon2id.OPSLIMIT_INTERACTIVE, argon2id.MEMLIMIT_INTERACTIVE),
    KdfProfile.MODERATE: KdfParams(argon2id.OPSLIMIT_MODERATE, argon2id.MEMLIMIT_MODERATE),
    KdfProfile.SENSITIVE: KdfParams(argon2id.OPSLIMIT_SENSITIVE, argon2id.MEMLIMIT_SENSITIVE),
}
_PROFILE_CODES = {KdfProfile.INTERACTIVE: 1, KdfProfile.MODERATE: 2, KdfProfile.SENSITIVE: 3}


def normalize_passphrase(passphrase: str) -> bytes:
    """NFC-normalise, then UTF-8 encode.

    The same passphrase typed through different input methods (a precomposed "é" or
    "e" + combining accent) must give the same key, or a defender is locked out.
    """
    return unicodedata.normalize("NFC", passphrase).encode("utf-8")


def stretch_passphrase(passphrase: bytes, salt: bytes, profile: KdfProfile) -> bytes:
    """Argon2id(passphrase, salt) with the profile's libsodium parameters: 32 bytes."""
    if len(salt) != SALT_BYTES:
        raise ValueError("salt must be 16 bytes")
    params = profile.params
    return bytes(
        argon2id.kdf(
            KEY_BYTES, passphrase, salt, opslimit=params.opslimit, memlimit=params.memlimit
        )
    )


def derive_key(key: bytes, purpose: bytes, data: bytes = b"") -> bytes:
    """BLAKE2b-256 keyed with `key`, personalised with `purpose`, over `data`.

    `purpose` is one of the constants in this package (at most 16 bytes); it is what
    keeps the database key, the header MAC key, the key-encryption keys and the
    signing seed apart.
    """
    if not 1 <= len(purpose) <= 16:
        raise ValueError("purpose must be 1 to 16 bytes")
    if not 16 <= len(key) <= 64:
        raise ValueError("key must be 16 to 64 bytes")
    person = purpose.ljust(16, b"\x00")
    return bytes(
        nacl.bindings.crypto_generichash_blake2b_salt_personal(
            data, digest_size=KEY_BYTES, key=key, person=person
        )
    )
