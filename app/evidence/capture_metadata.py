"""What capture metadata is once read (CaptureMetadata), and the limits every format's
reader applies to it, so a photo and a video that say the same place say it alike."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

FieldValue = str | int | float

MAX_LATITUDE = 90.0
MAX_LONGITUDE = 180.0
MAX_ALTITUDE_M = 100_000.0  # well above any aircraft; beyond it the value is garbage
COORDINATE_DECIMALS = 7  # about 1 cm
ALTITUDE_DECIMALS = 2
UTC_OFFSET = re.compile(r"[+-](?:[01]\d|2[0-3]):[0-5]\d")


@dataclass(frozen=True)
class CaptureMetadata:
    """When a file says it was captured (ISO 8601, or None) and what else it says.

    `fields` keys, when known: camera_make, camera_model, gps_latitude, gps_longitude
    (signed decimal degrees), gps_altitude (metres), width, height (as stored, before
    orientation), orientation, software, duration_s, note.
    """

    captured_at: str | None = None
    fields: dict[str, FieldValue] = field(default_factory=dict)
