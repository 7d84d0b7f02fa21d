"""App exceptions to the one message the GUI shows for each, in one place.

The core's messages are written for the command line and in English; the GUI shows its
own translated sentence per class. Where the core's message carries the detail a person
needs to fix their input (a validation error names the field), it is appended.
Exceptions that are not Carnet's are never shown as they are: their text could hold data.
"""

from __future__ import annotations

from app.errors import (
    CancelledError,
    CannotUnlockError,
    CarnetError,
    DeviceShareMissingError,
    IntegrityError,
    NotFoundError,
    StorageError,
    TransportFailedError,
    ValidationError,
    VaultNotFoundError,
    WipeIncompleteError,
)
from ui.i18n import ui_text as _t


def message_for(exc: BaseException) -> str:
    if isinstance(exc, DeviceShareMissingError):
        return _t(
            "This computer no longer holds the key part this notebook needs. "
            "Use the recovery key to open it."
        )
    if isinstance(exc, CannotUnlockError):
        # Every failure to unlock reads the same: nothing tells an observer why.
        return unlock_failed()
    if isinstance(exc, ValidationError):
        return _t("Please check what you typed: {detail}").format(detail=exc.message)
    if isinstance(exc, VaultNotFoundError):
        return _t("There is no notebook here, or it is damaged.")
    if isinstance(exc, NotFoundError):
        return _t("It is no longer there: it may have been deleted.")
    if isinstance(exc, IntegrityError):
        return _t("A check failed: this data has been changed or damaged. {detail}").format(
            detail=exc.message
        )
    if isinstance(exc, CancelledError):
        return _t("Cancelled. Nothing was changed.")
    if isinstance(exc, WipeIncompleteError):
        return _t("The wipe did not finish: {detail}").format(detail=exc.message)
    if isinstance(exc, StorageError):
        return _t("The disk refused the change (is it full or read-only?). Nothing was changed.")
    if isinstance(exc, TransportFailedError):
        return _t("Sending failed: {detail}").format(detail=exc.message)
    if isinstance(exc, CarnetError):
        return _t("This could not be done: {detail}").format(detail=exc.message)
    if type(exc).__module__.startswith(("sqlcipher3", "sqlite3")):
        return _t("The notebook's database reported an error. Nothing was changed.")
    if isinstance(exc, OSError):
        return _t("The disk refused the change (is it full or read-only?). Nothing was changed.")
    return _t("Something unexpected went wrong. Nothing more is shown, to protect your data.")


def unlock_failed() -> str:
    return _t("Carnet could not open the notebook with this passphrase.")
