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
The vault keeps the owner seed in its encrypted database (app/travel/owner.py says why).
"""

from __future__ import annotations

import nacl.bindings as sodium
import nacl.exceptions
import nacl.signing

PURPOSE_SIGNING_SEED = b"carnet-sign-seed"
OWNER_SIGNATURE_CONTEXT = b"carnet travel backup owner signature v1\x00"
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
