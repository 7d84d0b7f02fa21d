"""The device share: 32 random bytes kept in the OS keyring, mixed into the passphrase KEK.

With it, a copy of the vault folder alone cannot be attacked by guessing passphrases:
the share stays behind in the keyring of the machine (and is deleted by a wipe). Without
a usable keyring (Tails, a headless box) Carnet runs on the passphrase alone and says so.
Plaintext-file keyrings are refused: a share written next to the vault protects nothing.
"""

from __future__ import annotations

import base64
import binascii
from typing import Protocol

from app.errors import CannotUnlockError, StorageError

KEYRING_SERVICE = "Carnet device share"
SHARE_BYTES = 32
_PENDING_SUFFIX = b"\x00next"


def pending_share_id(vault_id: bytes) -> bytes:
    """Where a new share waits while the header is rewritten to use it: a rotation
    (passwd, recover, rekey) stores it here first, so that a crash between the keyring
    and the header never leaves a header whose share is nowhere."""
    return vault_id + _PENDING_SUFFIX


class DeviceShareStore(Protocol):
    def available(self) -> bool: ...

    def get(self, vault_id: bytes) -> bytes | None: ...

    def put(self, vault_id: bytes, share: bytes) -> None: ...

    def delete(self, vault_id: bytes) -> None: ...


class NoDeviceShares:
    """Used with --no-keyring: there is never a share."""

    def available(self) -> bool:
        return False

    def get(self, vault_id: bytes) -> bytes | None:
        return None

    def put(self, vault_id: bytes, share: bytes) -> None:
        raise StorageError("no keyring is in use")

    def delete(self, vault_id: bytes) -> None:
        return None


class KeyringDeviceShares:
    """The `keyring` package's backend: Secret Service, macOS Keychain, Windows Vault."""

    _REFUSED_MODULE_PREFIXES = ("keyring.backends.fail", "keyring.backends.null", "keyrings.alt")

    def available(self) -> bool:
        import keyring
        from keyring.backends import chainer

        try:
            backend = keyring.get_keyring()
        except Exception:
            return False
        backends = backend.backends if isinstance(backend, chainer.ChainerBackend) else [backend]
        usable = [
            b for b in backends if not type(b).__module__.startswith(self._REFUSED_MODULE_PREFIXES)
        ]
        return bool(usable)

    def get(self, vault_id: bytes) -> bytes | None:
        import keyring
        import keyring.errors

        if not self.available():
            return None  # reported by the caller as a missing share, pointing to `recover`
        try:
            text = keyring.get_password(KEYRING_SERVICE, vault_id.hex())
        except keyring.errors.KeyringError:
            raise CannotUnlockError(
                "the system keyring could not be read (is it locked or not running?); "
                "unlock it, or use 'carnet recover' with your recovery key"
            ) from None
        if text is None:
            return None
        try:
            share = base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            return None
        return share if len(share) == SHARE_BYTES else None

    def put(self, vault_id: bytes, share: bytes) -> None:
        import keyring
        import keyring.errors

        try:
            keyring.set_password(
                KEYRING_SERVICE, vault_id.hex(), base64.b64encode(share).decode("ascii")
            )
        except keyring.errors.KeyringError:
            raise StorageError("the system keyring refused to store the device share") from None

    def delete(self, vault_id: bytes) -> None:
        import keyring
        import keyring.errors

        try:
            keyring.delete_password(KEYRING_SERVICE, vault_id.hex())
        except keyring.errors.PasswordDeleteError:
            return None
        except keyring.errors.KeyringError:
            raise StorageError("the system keyring refused to delete the device share") from None
