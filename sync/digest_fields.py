"""The `Repr-Digest` header (RFC 9530): the SHA-256 of a whole upload, end to end.

Carnet's client states the bundle's SHA-256 when it creates an upload (the IETF
resumable-upload draft's use of the field); Carnet's intake holds the upload to it,
says so by answering with the same field, and answers the PATCH that completes the
upload with the digest of what it stored. So the sender learns that the organisation
holds exactly the sealed bytes, at no hashing cost on its side (the outbox already
knows the digest) and one pass on the server's (which the intake makes anyway to name
the file). Servers that do not know the field ignore it.

Both ends read the field with this one strict parser: an RFC 8941 dictionary whose
members are `name=:base64:` byte sequences. Anything else in the field is malformed
(ValueError); members for other algorithms are skipped, as RFC 9530 asks.
"""

from __future__ import annotations

import base64
import binascii
import re

SHA256_KEY = "sha-256"
_SHA256_BYTES = 32
_MAX_FIELD = 1024  # far past one digest of every registered algorithm
_MEMBER = re.compile(r"([a-z*][a-z0-9_.*-]{0,63})=:([A-Za-z0-9+/]*={0,2}):", re.ASCII)


def format_repr_digest(sha256_digest: bytes) -> str:
    """The field's value for a SHA-256 digest: `sha-256=:<base64>:`."""
    if len(sha256_digest) != _SHA256_BYTES:
        raise ValueError("a SHA-256 digest is 32 bytes")
    return f"{SHA256_KEY}=:{base64.b64encode(sha256_digest).decode('ascii')}:"


def parse_repr_digest(value: str | None) -> bytes | None:
    """The SHA-256 digest a `Repr-Digest` value carries, or None when the field is
    absent or names only other algorithms. ValueError when it is malformed, names
    sha-256 twice, or its sha-256 member is not 32 bytes."""
    if value is None:
        return None
    if len(value) > _MAX_FIELD:
        raise ValueError("the Repr-Digest field is too long")
    found: bytes | None = None
    for member in value.split(","):
        match = _MEMBER.fullmatch(member.strip(" \t"))
        if match is None:
            raise ValueError("the Repr-Digest field is not a list of name=:base64: members")
        if match.group(1) != SHA256_KEY:
            continue
        if found is not None:
            raise ValueError("the Repr-Digest field names sha-256 twice")
        try:
            found = base64.b64decode(match.group(2), validate=True)
        except (binascii.Error, ValueError):
            raise ValueError("the Repr-Digest sha-256 value is not base64") from None
        if len(found) != _SHA256_BYTES:
            raise ValueError("the Repr-Digest sha-256 value is not a SHA-256 digest")
    return found
