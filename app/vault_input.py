"""Checks of what a person gives the vault: a new passphrase, the number of failed
unlocks before a wipe, a recovery key. Each refusal is a message that says what to do,
given before any key is derived or anything written."""

from __future__ import annotations

from app.errors import ValidationError, WrongPassphraseError
from crypto.errors import ChecksumError, MalformedError
from crypto.recovery_key import decode_recovery_key

MIN_PASSPHRASE_CHARS = 8
MAX_WIPE_AFTER = 1000


def recovery_key_bytes(text: str) -> bytes:
    """The recovery key typed or read from a file; a typo is a wrong key (exit 3), text
    that is no recovery key at all a usage error."""
    try:
        return decode_recovery_key(text)
    except ChecksumError as exc:
        raise WrongPassphraseError(exc.message) from None
    except MalformedError as exc:
        raise ValidationError(exc.message) from None


def check_new_passphrase(passphrase: str) -> None:
    if len(passphrase) < MIN_PASSPHRASE_CHARS:
        raise ValidationError(
            f"a passphrase needs at least {MIN_PASSPHRASE_CHARS} characters "
            "(several words are easier to remember and harder to guess)"
        )


def check_wipe_after(failures: int) -> None:
    if not 0 <= failures <= MAX_WIPE_AFTER:
        raise ValidationError(f"choose a number of attempts from 1 to {MAX_WIPE_AFTER}")
