"""The one exception hierarchy of the application core.

Each class carries a safe, user-facing message and the exit code the CLI returns for it
(DESIGN.md: 0 ok, 1 unexpected, 2 usage, 3 cannot unlock, 4 integrity, 5 not found,
6 transport). The CLI maps these to `carnet: error: ...` in one place (app/cli/main.py)
and the GUI to translated messages in one place (ui/errors.py). Messages never hold a
secret, and never user data beyond an id the user typed.
"""

from __future__ import annotations

from typing import ClassVar


class CarnetError(Exception):
    exit_code: ClassVar[int] = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UsageError(CarnetError):
    """The request itself is wrong: a bad option value, an unknown code, a bad date."""

    exit_code = 2


class ValidationError(UsageError):
    """A field's value is not acceptable; the message says which and why."""


class VaultExistsError(UsageError):
    pass


class RefusedFileError(UsageError):
    """A file Carnet will not process: a decompression bomb, an image it cannot decode."""


class CannotUnlockError(CarnetError):
    exit_code = 3


class WrongPassphraseError(CannotUnlockError):
    pass


class DeviceShareMissingError(CannotUnlockError):
    pass


class IntegrityError(CarnetError):
    """Authentication failed on data that should verify: tampering or damage."""

    exit_code = 4


class NotFoundError(CarnetError):
    exit_code = 5


class VaultNotFoundError(NotFoundError):
    pass


class TransportFailedError(CarnetError):
    """A bundle did not reach its destination (this time): unreachable, TLS, pin
    mismatch, refused, proxy down, drive removed. Made from sync.errors.TransportError in
    one place (app/sending/transports.py); `kind` is its FailureKind's value."""

    exit_code = 6

    def __init__(self, message: str, *, kind: str = "unreachable", retryable: bool = True) -> None:
        super().__init__(message)
        self.kind = kind
        self.retryable = retryable


class CancelledError(CarnetError):
    """The user cancelled a long operation; nothing was changed."""

    exit_code = 1


class StorageError(CarnetError):
    """The disk refused a write (full, read-only, permissions). Nothing was changed."""

    exit_code = 1


class WipeIncompleteError(StorageError):
    """The erase could not be confirmed: the header is still readable, or the keyring
    still holds the device share. Never reported as done."""
