"""Parsing the tus 1.0 request headers an intake client sends: the only code that reads
them, so it is small, strict and fuzzed (tests/test_intake_protocol.py).

Everything here is untrusted input from the network. A header is accepted only in its
exact ASCII form ("42", never "+42", " 42", "4_2" or Arabic-Indic digits, which
`str.isdigit` and `int` would take), numbers are capped before they are converted, and
every refusal is a ProtocolError carrying the HTTP status to answer with.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
from dataclasses import dataclass

from sync.digest_fields import parse_repr_digest

TUS_VERSION = "1.0.0"
EXTENSIONS = ("creation", "termination", "checksum")
CHECKSUM_ALGORITHMS = ("sha256",)
OFFSET_CONTENT_TYPE = "application/offset+octet-stream"

# 19 digits is below 2**63: every value fits the 64-bit integers other tus servers use.
_NUMBER = re.compile(r"[0-9]{1,19}", re.ASCII)
_UPLOAD_ID = re.compile(r"[0-9a-f]{32}", re.ASCII)
_CHECKSUM = re.compile(r"([A-Za-z0-9-]{1,32}) ([A-Za-z0-9+/]{1,128}={0,2})", re.ASCII)
_SHA256_BYTES = 32


class ProtocolError(Exception):
    """A request the intake refuses; `status` is the HTTP answer, `reason` one safe line
    (it never repeats the header's value back)."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


@dataclass(frozen=True)
class Checksum:
    """An `Upload-Checksum` header: the algorithm and the digest of this PATCH's body."""

    algorithm: str
    digest: bytes


def check_tus_resumable(value: str | None) -> None:
    """Every request but OPTIONS names the protocol version; anything else is 412."""
    if value != TUS_VERSION:
        raise ProtocolError(412, "Tus-Resumable must be 1.0.0")


def parse_number(value: str | None, name: str) -> int:
    """A non-negative decimal integer header (Upload-Length, Upload-Offset)."""
    if value is None:
        raise ProtocolError(400, f"{name} is missing")
    if not _NUMBER.fullmatch(value):
        raise ProtocolError(400, f"{name} is not a non-negative whole number")
    return int(value)


def parse_upload_length(value: str | None, max_size: int) -> int:
    """The size a creation declares; over the cap it is 413, before any byte arrives."""
    length = parse_number(value, "Upload-Length")
    if length > max_size:
        raise ProtocolError(413, f"Upload-Length is over this intake's limit of {max_size}")
    return length


def parse_upload_id(value: str) -> str:
    """The id in an upload's URL: only the form the intake itself hands out, so it can
    never name a path outside the store (404 otherwise)."""
    if not _UPLOAD_ID.fullmatch(value):
        raise ProtocolError(404, "no such upload")
    return value


def parse_checksum(value: str | None) -> Checksum | None:
    """`Upload-Checksum: sha256 <base64 digest>`; another algorithm is 400 (the tus
    checksum extension's answer), as is a digest of the wrong length."""
    if value is None:
        return None
    match = _CHECKSUM.fullmatch(value)
    if match is None:
        raise ProtocolError(400, "Upload-Checksum is not 'algorithm base64-digest'")
    algorithm = match.group(1).lower()
    if algorithm not in CHECKSUM_ALGORITHMS:
        raise ProtocolError(400, "Upload-Checksum algorithm not supported (use sha256)")
    try:
        digest = base64.b64decode(match.group(2), validate=True)
    except (binascii.Error, ValueError):
        raise ProtocolError(400, "Upload-Checksum digest is not base64") from None
    if len(digest) != _SHA256_BYTES:
        raise ProtocolError(400, "Upload-Checksum digest is not a SHA-256 digest")
    return Checksum(algorithm, digest)


def parse_expected_digest(value: str | None) -> str | None:
    """The SHA-256 a creation's `Repr-Digest` holds the whole upload to, as hex, or None
    when it names none; malformed is 400."""
    try:
        digest = parse_repr_digest(value)
    except ValueError:
        raise ProtocolError(400, "Repr-Digest is malformed") from None
    return None if digest is None else digest.hex()


def check_offset_content_type(value: str | None) -> None:
    """A PATCH body is declared as tus offset data; anything else is 415."""
    if value is None or value.split(";", 1)[0].strip().lower() != OFFSET_CONTENT_TYPE:
        raise ProtocolError(415, f"Content-Type must be {OFFSET_CONTENT_TYPE}")


def bearer_matches(header: str | None, token: bytes) -> bool:
    """Whether `Authorization: Bearer <token>` carries this intake's token, compared in
    constant time so the answer's timing says nothing about how much of a guess was
    right."""
    if header is None:
        return False
    scheme, _, credentials = header.partition(" ")
    if scheme.lower() != "bearer":
        return False
    try:
        offered = credentials.strip().encode("ascii")
    except UnicodeEncodeError:
        return False
    # Both sides hashed first: compare_digest would return early on a length mismatch.
    return hmac.compare_digest(hashlib.sha256(offered).digest(), hashlib.sha256(token).digest())
