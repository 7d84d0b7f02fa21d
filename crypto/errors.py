"""The crypto layer's exceptions.

Messages are fixed, safe strings: they never carry key material, passphrases or any
byte of the data being processed, so they may be shown or logged as they are.
"""


class CryptoError(Exception):
    """Base of every error this package raises on purpose."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class MalformedError(CryptoError):
    """A structure (header, key text, ...) does not parse: wrong size, magic or field."""


class AuthenticationError(CryptoError):
    """A MAC or an AEAD tag did not verify: wrong key, or the bytes were changed."""


class ChecksumError(MalformedError):
    """A human-typed key parsed but its checksum is wrong (most likely a typo)."""


class WrongKeyError(AuthenticationError):
    """No slot opens with what was given: a wrong passphrase, recovery key or device share."""
