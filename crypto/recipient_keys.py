"""An organisation's X25519 key pair, and the passphrase-protected file that holds it.

Key file, 132 bytes:

    magic "CARNETSK" | version u16 | KDF profile code u8 | reserved u8 | salt (16)
    | public key (32) | nonce (24) | XChaCha20-Poly1305(secret key) (32 + 16)

The secret key is encrypted under BLAKE2b(Argon2id(passphrase, salt), "carnet-keyfile")
with everything before the nonce as associated data, so the profile, salt and public key
cannot be changed unnoticed. On opening, the public key is also recomputed from the
secret key and compared.
"""

from __future__ import annotations

import hmac
import struct
from dataclasses import dataclass, field

import nacl.bindings as sodium
import nacl.exceptions
import nacl.utils

from crypto.errors import MalformedError, WrongKeyError
from crypto.kdf import SALT_BYTES, KdfProfile, derive_key, stretch_passphrase

MAGIC = b"CARNETSK"
VERSION = 1
_PREFIX = struct.Struct(">8sHBB")
KEY_BYTES = 32
NONCE_BYTES = sodium.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
TAG_BYTES = sodium.crypto_aead_xchacha20poly1305_ietf_ABYTES
_AD_BYTES = _PREFIX.size + SALT_BYTES + KEY_BYTES
FILE_BYTES = _AD_BYTES + NONCE_BYTES + KEY_BYTES + TAG_BYTES
PURPOSE_KEYFILE = b"carnet-keyfile"


@dataclass(frozen=True)
class RecipientKeyPair:
    public_key: bytes
    secret_key: bytes = field(repr=False)


def generate_key_pair() -> RecipientKeyPair:
    public, secret = sodium.crypto_box_keypair()
    return RecipientKeyPair(bytes(public), bytes(secret))


def seal_key_file(pair: RecipientKeyPair, passphrase: bytes, profile: KdfProfile) -> bytes:
    salt = nacl.utils.random(SALT_BYTES)
    ad = _PREFIX.pack(MAGIC, VERSION, profile.code, 0) + salt + pair.public_key
    kek = derive_key(stretch_passphrase(passphrase, salt, profile), PURPOSE_KEYFILE)
    nonce = nacl.utils.random(NONCE_BYTES)
    sealed = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(pair.secret_key, ad, nonce, kek)
    return ad + nonce + bytes(sealed)


def read_public_key(data: bytes) -> bytes:
    """The public key stored in a key file, without the passphrase."""
    _parse(data)
    return data[_PREFIX.size + SALT_BYTES : _AD_BYTES]


def open_key_file(data: bytes, passphrase: bytes) -> RecipientKeyPair:
    """The key pair; WrongKeyError for a wrong passphrase, MalformedError for a bad file."""
    profile = _parse(data)
    salt = data[_PREFIX.size : _PREFIX.size + SALT_BYTES]
    public = data[_PREFIX.size + SALT_BYTES : _AD_BYTES]
    nonce = data[_AD_BYTES : _AD_BYTES + NONCE_BYTES]
    kek = derive_key(stretch_passphrase(passphrase, salt, profile), PURPOSE_KEYFILE)
    try:
        secret = bytes(
            sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(
                data[_AD_BYTES + NONCE_BYTES :], data[:_AD_BYTES], nonce, kek
            )
        )
    except nacl.exceptions.CryptoError:
        raise WrongKeyError("wrong passphrase for this key file") from None
    if not hmac.compare_digest(bytes(sodium.crypto_scalarmult_base(secret)), public):
        raise MalformedError("the key file's public and secret keys do not match")
    return RecipientKeyPair(public, secret)


def _parse(data: bytes) -> KdfProfile:
    if len(data) != FILE_BYTES:
        raise MalformedError("not a Carnet key file (wrong size)")
    magic, version, profile_code, reserved = _PREFIX.unpack(data[: _PREFIX.size])
    if magic != MAGIC:
        raise MalformedError("not a Carnet key file")
    if version != VERSION or reserved != 0:
        raise MalformedError("a Carnet key file of a version this Carnet cannot read")
    try:
        return KdfProfile.from_code(profile_code)
    except ValueError:
        raise MalformedError("the key file names an unknown KDF profile") from None
