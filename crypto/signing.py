"""Signing keys: the device key, and the owner key of travel backups.

The device key (Ed25519, its seed derived from the vault's master key) signs the custody
log's rows and a bundle's manifest, so an organisation can tell that evidence came from
the same vault over time. Its fingerprint is BLAKE2b-128 of the public key (personalised
``carnet-sign-fpr``), as hex in eight groups of four.

The owner key (Ed25519, its seed derived from the recovery key: recovery_key.py) signs a
travel backup's manifest, prefixed with OWNER_SIGNATURE_CONTEXT so that a signature made
for one purpose can never be replayed as another. The device key cannot do this job: a
backup names its device key itself, so anyone who re-makes a backup names their own. The
owner's key is derived from the recovery key the restorer types, so it cannot be swapped.
The vault keeps the owner seed wrapped (XChaCha20-Poly1305) under a subkey of the master
key, so that `travel prepare` needs no recovery key; see wrap_owner_seed.
"""

from __future__ import annotations

import nacl.bindings as sodium
import nacl.exceptions
import nacl.signing
import nacl.utils

PURPOSE_SIGNING_SEED = b"carnet-sign-seed"
PURPOSE_OWNER_WRAP = b"carnet-owner-wrp"  # master key -> the key wrapping the owner seed
OWNER_SIGNATURE_CONTEXT = b"carnet travel backup owner signature v1\x00"
_OWNER_WRAP_AD = b"carnet owner seed v1"
_NONCE_BYTES = sodium.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
WRAPPED_SEED_BYTES = _NONCE_BYTES + 32 + sodium.crypto_aead_xchacha20poly1305_ietf_ABYTES
SEED_BYTES = 32
PUBLIC_KEY_BYTES = 32
SIGNATURE_BYTES = 64
FINGERPRINT_BYTES = 16
_PERSON_FINGERPRINT = b"carnet-sign-fpr".ljust(16, b"\x00")


def fingerprint(public_key: bytes) -> str:
    digest = bytes(
        sodium.crypto_generichash_blake2b_salt_personal(
            public_key, digest_size=FINGERPRINT_BYTES, person=_PERSON_FINGERPRINT
        )
    ).hex()
    return " ".join(digest[i : i + 4] for i in range(0, len(digest), 4))


def verify_signature(public_key: bytes, message: bytes, signature: bytes) -> bool:
    """Whether `signature` is a valid Ed25519 signature of `message`; never raises."""
    if len(public_key) != PUBLIC_KEY_BYTES or len(signature) != SIGNATURE_BYTES:
        return False
    try:
        nacl.signing.VerifyKey(public_key).verify(message, signature)
    except (nacl.exceptions.BadSignatureError, nacl.exceptions.CryptoError, ValueError):
        return False
    return True


class DeviceSigner:
    """Signs with the device key. Holds the secret key; its repr shows the fingerprint only."""

    def __init__(self, seed: bytes) -> None:
        if len(seed) != SEED_BYTES:
            raise ValueError("a signing seed is 32 bytes")
        self._key = nacl.signing.SigningKey(seed)
        self.public_key = bytes(self._key.verify_key)
        self.fingerprint = fingerprint(self.public_key)

    def __repr__(self) -> str:
        return f"DeviceSigner({self.fingerprint})"

    def sign(self, message: bytes) -> bytes:
        return bytes(self._key.sign(message).signature)


class OwnerSigner:
    """Signs travel backup manifests as the vault's owner (the recovery key's holder).

    Holds the secret key; its repr shows the fingerprint only.
    """

    def __init__(self, seed: bytes) -> None:
        if len(seed) != SEED_BYTES:
            raise ValueError("a signing seed is 32 bytes")
        self._key = nacl.signing.SigningKey(bytes(seed))
        self.public_key = bytes(self._key.verify_key)
        self.fingerprint = fingerprint(self.public_key)

    def __repr__(self) -> str:
        return f"OwnerSigner({self.fingerprint})"

    def sign_manifest(self, manifest: bytes) -> bytes:
        return bytes(self._key.sign(OWNER_SIGNATURE_CONTEXT + manifest).signature)


def verify_owner_signature(public_key: bytes, manifest: bytes, signature: bytes) -> bool:
    """Whether `signature` is the owner key's signature of this manifest; never raises."""
    return verify_signature(public_key, OWNER_SIGNATURE_CONTEXT + manifest, signature)


def wrap_owner_seed(wrap_key: bytes, seed: bytes) -> bytes:
    """The owner seed sealed with XChaCha20-Poly1305 under `wrap_key` (the master key's
    PURPOSE_OWNER_WRAP subkey): nonce || ciphertext || tag, 72 bytes.

    The database that stores it is already encrypted under the master key; wrapping it
    again means a copy of the value made by any path that reads the database (a dump, a
    future backup field, a debugging session) is still useless without the master key.
    """
    if len(seed) != SEED_BYTES or len(wrap_key) != 32:
        raise ValueError("the owner seed and its wrapping key are 32 bytes")
    nonce = nacl.utils.random(_NONCE_BYTES)
    sealed = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(
        bytes(seed), _OWNER_WRAP_AD, nonce, wrap_key
    )
    return nonce + bytes(sealed)


def unwrap_owner_seed(wrap_key: bytes, wrapped: bytes) -> bytearray | None:
    """The owner seed (in a bytearray the caller zeroes), or None if it does not open."""
    if len(wrapped) != WRAPPED_SEED_BYTES or len(wrap_key) != 32:
        return None
    try:
        seed = sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(
            wrapped[_NONCE_BYTES:], _OWNER_WRAP_AD, wrapped[:_NONCE_BYTES], wrap_key
        )
    except nacl.exceptions.CryptoError:
        return None
    return bytearray(seed)
