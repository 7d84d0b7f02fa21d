"""Capture metadata of PDFs: only the first and last 64 KiB are searched for
/CreationDate, so a large document costs two small reads."""

from __future__ import annotations

import re
from datetime import datetime
from typing import BinaryIO

from app.evidence.capture_metadata import UTC_OFFSET, CaptureMetadata

PDF_WINDOW = 64 * 1024
_PDF_CREATION = re.compile(
    rb"/CreationDate\s*\(D:(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?"
    rb"(?:(Z)|([+-])(\d{2})'?(\d{2})?'?)?"
)


def pdf_metadata(source: BinaryIO) -> CaptureMetadata:
    """/CreationDate from the document information dictionary, found cheaply.

    The Info dictionary sits near the start of a linearised file and near the end of
    most others (the last incremental update wins), so only those two windows are read.
    """
    file_size = source.seek(0, 2)
    source.seek(max(0, file_size - PDF_WINDOW))
    tail = source.read(PDF_WINDOW)
    source.seek(0)
    head = source.read(PDF_WINDOW)
    for window in (tail, head):
        matches = list(_PDF_CREATION.finditer(window))
        for match in reversed(matches):
            created = _pdf_date(match)
            if created is not None:
                return CaptureMetadata(created, {})
    return CaptureMetadata(None, {})


def _pdf_date(match: re.Match[bytes]) -> str | None:
    """D:YYYYMMDDHHmmSSOHH'mm' (everything after the year optional) as ISO 8601."""
    year, month, day, hour, minute, second, zulu, sign, zone_h, zone_m = match.groups()
    try:
        moment = datetime(  # naive: the offset, if any, is appended below
            int(year),
            int(month or 1),
            int(day or 1),
            int(hour or 0),
            int(minute or 0),
            int(second or 0),
        )
    except ValueError:
        return None
    iso = moment.isoformat()
    if zulu:
        iso += "Z"
    elif sign and zone_h:
        offset = f"{sign.decode()}{zone_h.decode()}:{(zone_m or b'00').decode()}"
        if UTC_OFFSET.fullmatch(offset):
            iso += offset
    return iso
