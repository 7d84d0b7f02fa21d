"""The report.html an organisation gets when it opens a bundle: rendered here, not sent.

A bundle's own report.html was written by whoever holds the organisation's public key,
which is anyone: it could carry tracking images, scripts or a misleading text. So the
reader checks that member's hash like any other and discards it, and renders its own
report from incidents.json and custody.jsonl with the exporter's renderer (every value
HTML-escaped, a Content-Security-Policy allowing no external resource). Thumbnails are
made again from the extracted images, under report.thumbnail's own guards.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from app.errors import IntegrityError
from app.export import report
from app.export.names import portable_path

_LANGUAGES = ("en", "fr", "ar")


def _json(data: bytes, what: str) -> Any:
    try:
        return json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise IntegrityError(f"the bundle's {what} is not valid JSON") from None


def render_received_report(
    incidents: bytes,
    custody: bytes,
    folder: Path | None,
    *,
    created_at: str,
    sender_fingerprint: str | None,
) -> bytes:
    """report.html bytes; IntegrityError if incidents.json does not follow the schema."""
    document = _json(incidents, "incidents.json")
    rows = [_json(line, "custody.jsonl") for line in custody.splitlines() if line.strip()]
    if not isinstance(document, dict) or not all(isinstance(row, dict) for row in rows):
        raise IntegrityError("the bundle's incidents.json does not follow the schema")
    language = document.get("language")
    try:
        thumbnails = _thumbnails(document, folder)
        html = report.render(
            document,
            rows,
            thumbnails,
            created_at=created_at,
            sender_fingerprint=sender_fingerprint,
            language=language if language in _LANGUAGES else "en",
        )
    except (KeyError, TypeError, ValueError, AttributeError, IndexError, RecursionError):
        raise IntegrityError("the bundle's incidents.json does not follow the schema") from None
    return html.encode("utf-8")


def _thumbnails(document: dict[str, Any], folder: Path | None) -> dict[str, str]:
    thumbs: dict[str, str] = {}
    if folder is None:
        return thumbs
    for event in document["events"]:
        for item in event["attachments"]:
            path, media_type = item["path"], item["media_type"]
            if not (isinstance(path, str) and isinstance(media_type, str)):
                raise TypeError("attachment path and type are strings")
            if not media_type.startswith("image/"):
                continue
            file = folder / portable_path(path)
            # Only files this reader extracted (hash-checked, inside the folder).
            if not path.startswith("attachments/") or ".." in path.split("/"):
                continue
            if not file.is_file() or file.stat().st_size > report.MAX_THUMBNAIL_SOURCE_BYTES:
                continue
            uri = report.thumbnail(file.read_bytes(), media_type)
            if uri is not None:
                thumbs[path] = uri
    return thumbs
