"""The parts of tus 1.0 that are pure parsing: header values and the server's offer.

Kept apart from the client so they can be property-tested (tests/test_sync_tus_headers.py)
and so a hostile or broken server's headers are read by strict code in one place: an
offset is plain decimal digits, nothing else (no sign, no spaces inside, no "1e3").
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

TUS_VERSION = "1.0.0"
OFFSET_CONTENT_TYPE = "application/offset+octet-stream"
_MAX_DIGITS = 19  # 10**19 bytes is far past any bundle; longer is a broken server


def parse_offset(value: str | None) -> int | None:
    """A non-negative decimal header value (Upload-Offset, Upload-Length, Tus-Max-Size),
    or None when it is missing or not one."""
    if value is None:
        return None
    text = value.strip(" \t")
    if not text or len(text) > _MAX_DIGITS or not text.isascii() or not text.isdigit():
        return None
    return int(text)


def parse_list(value: str | None) -> frozenset[str]:
    """A comma-separated header (Tus-Extension, Tus-Version, Tus-Checksum-Algorithm)."""
    if not value:
        return frozenset()
    return frozenset(item.strip().lower() for item in value.split(",") if item.strip())


@dataclass(frozen=True)
class ServerOffer:
    """What an OPTIONS answer says the server does. A server that does not answer
    OPTIONS is taken to offer plain creation and core, the tus minimum for us."""

    versions: frozenset[str] = frozenset({TUS_VERSION})
    extensions: frozenset[str] = frozenset({"creation"})
    checksum_algorithms: frozenset[str] = frozenset()
    max_size: int | None = None

    @classmethod
    def from_headers(cls, headers: Mapping[str, str]) -> ServerOffer:
        versions = parse_list(headers.get("Tus-Version")) or frozenset({TUS_VERSION})
        return cls(
            versions=versions,
            extensions=parse_list(headers.get("Tus-Extension")),
            checksum_algorithms=parse_list(headers.get("Tus-Checksum-Algorithm")),
            max_size=parse_offset(headers.get("Tus-Max-Size")),
        )

    @property
    def speaks_1_0(self) -> bool:
        return TUS_VERSION in self.versions

    @property
    def creation(self) -> bool:
        return "creation" in self.extensions

    @property
    def sha256_checksum(self) -> bool:
        """Per-PATCH checksums only when advertised: tusd and the Node server do not,
        and an unasked-for Upload-Checksum may be refused."""
        return "checksum" in self.extensions and "sha256" in self.checksum_algorithms


def checksum_header(sha256_digest: bytes) -> str:
    """The Upload-Checksum value: the algorithm, a space, the base64 digest."""
    return "sha256 " + base64.b64encode(sha256_digest).decode("ascii")


def upload_url(endpoint: str, location: str | None) -> str | None:
    """The absolute upload URL from a Location header (which may be relative), or None
    when it is missing or points at another origin (scheme, host, port): the token and
    the pin were given for the endpoint's host, and go nowhere else."""
    if not location or not location.strip():
        return None
    absolute = urljoin(endpoint, location.strip())
    return absolute if same_origin(endpoint, absolute) else None


def same_origin(first: str, second: str) -> bool:
    try:
        a, b = urlsplit(first), urlsplit(second)
        return (a.scheme, a.hostname, a.port or _default_port(a.scheme)) == (
            b.scheme,
            b.hostname,
            b.port or _default_port(b.scheme),
        )
    except ValueError:
        return False


def _default_port(scheme: str) -> int | None:
    return {"https": 443, "http": 80}.get(scheme)
