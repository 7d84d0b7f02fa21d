"""The manifest of a `.carnet` bundle, checked field by field before anything trusts it.

Its bytes are authenticated (sealed, and signed when the sender signs) but its content
is still the sender's: every field the reader uses is checked for type and size here,
so a hostile manifest is refused with a message instead of failing later in the walk
(app/export/bundle_reader.py).
"""

from __future__ import annotations

import json
import re
from typing import Any

from app.errors import IntegrityError, UsageError
from app.export.bundle_members import MAX_PATH_CHARS
from app.export.exporter import MANIFEST_FORMAT, MANIFEST_VERSION
from app.export.tar_stream import printable
from app.travel.backup import FORMAT as TRAVEL_BACKUP_FORMAT

MAX_ENTRIES = 1_000_000
_SHA256 = re.compile(r"[0-9a-f]{64}")


def parse_manifest(data: bytes) -> dict[str, Any]:
    """The manifest as a dict whose every field the reader uses has the right type and
    a bounded size; anything else is refused (a travel backup with a pointer to the
    command that opens it)."""
    try:
        manifest = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise IntegrityError("the bundle's manifest is not valid JSON") from None
    if isinstance(manifest, dict) and manifest.get("format") == TRAVEL_BACKUP_FORMAT:
        raise UsageError(
            "this is a travel backup, not an export: open it with "
            "'carnet travel restore FILE --key KEYFILE' (it makes a new vault)"
        )
    if not isinstance(manifest, dict) or manifest.get("format") != MANIFEST_FORMAT:
        raise IntegrityError("the bundle's manifest is not a Carnet manifest")
    version = manifest.get("version")
    if version != MANIFEST_VERSION:
        raise IntegrityError(
            f"the bundle's manifest is of version {_short(version)}; this Carnet reads "
            f"version {MANIFEST_VERSION} (an older bundle does not name its recipients: "
            "ask the sender to export it again)"
        )
    entries = manifest.get("entries")
    if not isinstance(entries, list) or len(entries) > MAX_ENTRIES:
        raise IntegrityError("the bundle's manifest has no valid entry list")
    for entry in entries:
        if not (
            isinstance(entry, dict)
            and isinstance(entry.get("path"), str)
            and len(entry["path"]) <= MAX_PATH_CHARS
            and _is_count(entry.get("size"))
            and isinstance(entry.get("sha256"), str)
            and _SHA256.fullmatch(entry["sha256"])
        ):
            raise IntegrityError("the bundle's manifest has a malformed entry")
    if not isinstance(manifest.get("sender"), dict) or not isinstance(manifest.get("signed"), bool):
        raise IntegrityError("the bundle's manifest has no valid sender")
    for key in ("bundle_id", "created_at", "app_version"):
        if not isinstance(manifest.get(key), str) or len(manifest[key]) > 200:
            raise IntegrityError(f"the bundle's manifest lacks a valid {key!r}")
    if not _is_count(manifest.get("incidents")):
        raise IntegrityError("the bundle's manifest has no valid incident count")
    _check_recipients(manifest.get("recipients"))
    return manifest


def _check_recipients(value: Any) -> None:
    if not isinstance(value, list) or not 1 <= len(value) <= 16:
        raise IntegrityError("the bundle's manifest does not list its recipients")
    for item in value:
        if not (
            isinstance(item, dict)
            and isinstance(item.get("fingerprint"), str)
            and len(item["fingerprint"]) <= 64
            and (item.get("destination") is None or isinstance(item.get("destination"), str))
            and len(item.get("destination") or "") <= 200
        ):
            raise IntegrityError("the bundle's manifest has a malformed recipient")


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2**63


def _short(value: Any) -> str:
    return printable(str(value), 20) if isinstance(value, int | str) else "unknown"


def manifest_hex(value: Any, size: int, what: str) -> bytes:
    """A hex field of the manifest (a key) as exactly `size` bytes, or refuse."""
    try:
        data = bytes.fromhex(value) if isinstance(value, str) else b""
    except ValueError:
        data = b""
    if len(data) != size:
        raise IntegrityError(f"the bundle's manifest has a malformed {what}")
    return data
