"""Capture metadata of images, from their EXIF (app/evidence/capture.py dispatches).

Images go through Pillow, header only (`Image.open` + `getexif`, never a pixel decode),
with the decompression-bomb guard on. A damaged image is still evidence, so it is not
refused: its metadata is just a note saying it could not be read. Strings from the file
are cleaned of control characters and capped.
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from app.errors import RefusedFileError
from app.evidence.capture_metadata import (
    ALTITUDE_DECIMALS,
    COORDINATE_DECIMALS,
    MAX_ALTITUDE_M,
    MAX_LATITUDE,
    MAX_LONGITUDE,
    UTC_OFFSET,
    CaptureMetadata,
    FieldValue,
)
from app.evidence.images import PILLOW_FORMATS, bomb_guard, check_pixels, pillow_can_read

# --- EXIF tags (TIFF/EXIF 2.32) ---------------------------------------------------------
TAG_MAKE = 0x010F
TAG_MODEL = 0x0110
TAG_ORIENTATION = 0x0112
TAG_SOFTWARE = 0x0131
IFD_EXIF = 0x8769
IFD_GPS = 0x8825
TAG_DATETIME_ORIGINAL = 0x9003
TAG_DATETIME_DIGITIZED = 0x9004
TAG_OFFSET_TIME_ORIGINAL = 0x9011
TAG_OFFSET_TIME_DIGITIZED = 0x9012
GPS_LATITUDE_REF = 1
GPS_LATITUDE = 2
GPS_LONGITUDE_REF = 3
GPS_LONGITUDE = 4
GPS_ALTITUDE_REF = 5
GPS_ALTITUDE = 6
GPS_BELOW_SEA_LEVEL = 1

ORIENTATIONS = range(1, 9)
MINUTES_PER_DEGREE = 60.0
SECONDS_PER_DEGREE = 3600.0
MAX_DMS_PARTS = 3
RATIONAL_PARTS = 2  # a raw rational: (numerator, denominator)
MAX_TEXT_CHARS = 128

_EXIF_DATETIME = re.compile(r"(\d{4}):(\d{2}):(\d{2})[ T](\d{2}):(\d{2}):(\d{2})")
_CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def image_metadata(path: Path, media_type: str) -> CaptureMetadata:
    """Size, camera, time and place an image states; a bomb is refused, damage noted."""
    pillow_format = PILLOW_FORMATS.get(media_type)
    if pillow_format is None or not pillow_can_read(pillow_format):
        return CaptureMetadata(None, {})
    with path.open("rb") as source:
        try:
            with (
                bomb_guard(path.name),
                Image.open(source, formats=[pillow_format]) as image,
            ):
                check_pixels(path.name, image.size)
                return _exif_metadata(image)
        except RefusedFileError:
            raise
        except UnidentifiedImageError:
            return _unreadable("not a readable " + pillow_format + " file")
        except Exception:
            # Pillow raises many types on hostile input; none of their messages are
            # kept, since some quote bytes from the file.
            return _unreadable("damaged or truncated data")


def _unreadable(reason: str) -> CaptureMetadata:
    return CaptureMetadata(None, {"note": f"unreadable image: {reason}"})


def _exif_metadata(image: Image.Image) -> CaptureMetadata:
    fields: dict[str, FieldValue] = {"width": image.width, "height": image.height}
    exif = image.getexif()
    for tag, key in ((TAG_MAKE, "camera_make"), (TAG_MODEL, "camera_model")):
        _put_text(fields, key, exif.get(tag))
    _put_text(fields, "software", exif.get(TAG_SOFTWARE))
    orientation = exif.get(TAG_ORIENTATION)
    if isinstance(orientation, int) and orientation in ORIENTATIONS:
        fields["orientation"] = orientation
    exif_ifd = _sub_ifd(exif, IFD_EXIF)
    fields.update(_gps_fields(_sub_ifd(exif, IFD_GPS)))
    captured_at = _exif_datetime(
        exif_ifd.get(TAG_DATETIME_ORIGINAL), exif_ifd.get(TAG_OFFSET_TIME_ORIGINAL)
    ) or _exif_datetime(
        exif_ifd.get(TAG_DATETIME_DIGITIZED), exif_ifd.get(TAG_OFFSET_TIME_DIGITIZED)
    )
    return CaptureMetadata(captured_at, fields)


def _sub_ifd(exif: Image.Exif, tag: int) -> Mapping[int, object]:
    """One sub-IFD, or nothing when it is missing or too damaged for Pillow to read."""
    try:
        return dict(exif.get_ifd(tag))
    except Exception:
        # A broken pointer or count in one IFD must not lose the rest of the metadata.
        return {}


def _text(value: object) -> str | None:
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    if not isinstance(value, str):
        return None
    cleaned = _CONTROL_CHARS.sub("", value).strip()[:MAX_TEXT_CHARS].strip()
    return cleaned or None


def _put_text(fields: dict[str, FieldValue], key: str, value: object) -> None:
    text = _text(value)
    if text is not None:
        fields[key] = text


def _exif_datetime(value: object, offset: object) -> str | None:
    """EXIF "YYYY:MM:DD HH:MM:SS" (+ optional "+HH:MM") as ISO 8601, or None if invalid."""
    text = _text(value)
    if text is None:
        return None
    match = _EXIF_DATETIME.fullmatch(text)
    if match is None:
        return None
    try:
        year, month, day, hour, minute, second = (int(part) for part in match.groups())
        moment = datetime(year, month, day, hour, minute, second)
    except ValueError:
        return None  # "0000:00:00 00:00:00" and other impossible dates
    iso = moment.isoformat()
    zone = _text(offset)
    if zone is not None and UTC_OFFSET.fullmatch(zone):
        iso += zone
    return iso


def _gps_fields(gps: Mapping[int, object]) -> dict[str, FieldValue]:
    fields: dict[str, FieldValue] = {}
    latitude = _coordinate(gps.get(GPS_LATITUDE), gps.get(GPS_LATITUDE_REF), "N", "S")
    longitude = _coordinate(gps.get(GPS_LONGITUDE), gps.get(GPS_LONGITUDE_REF), "E", "W")
    if (
        latitude is not None
        and longitude is not None
        and abs(latitude) <= MAX_LATITUDE
        and abs(longitude) <= MAX_LONGITUDE
    ):
        fields["gps_latitude"] = round(latitude, COORDINATE_DECIMALS)
        fields["gps_longitude"] = round(longitude, COORDINATE_DECIMALS)
    altitude = _rational(gps.get(GPS_ALTITUDE))
    if altitude is not None and abs(altitude) <= MAX_ALTITUDE_M:
        if _altitude_ref(gps.get(GPS_ALTITUDE_REF)) == GPS_BELOW_SEA_LEVEL:
            altitude = -altitude
        fields["gps_altitude"] = round(altitude, ALTITUDE_DECIMALS)
    return fields


def _coordinate(value: object, ref: object, positive: str, negative: str) -> float | None:
    """Degrees/minutes/seconds and a hemisphere letter as signed decimal degrees.

    Without a valid hemisphere the sign is unknown, and a coordinate in the wrong
    hemisphere is worse evidence than none, so it is dropped.
    """
    hemisphere = (_text(ref) or "").upper()[:1]
    if hemisphere not in (positive, negative):
        return None
    if isinstance(value, numbers.Real):
        value = (value,)  # a single value is read back as a scalar: degrees alone
    if not isinstance(value, tuple | list) or not 1 <= len(value) <= MAX_DMS_PARTS:
        return None
    parts = [_rational(part) for part in value]
    if any(part is None or part < 0 for part in parts):
        return None
    scales = (1.0, MINUTES_PER_DEGREE, SECONDS_PER_DEGREE)
    degrees = sum((part or 0.0) / scale for part, scale in zip(parts, scales, strict=False))
    return -degrees if hemisphere == negative else degrees


def _rational(value: object) -> float | None:
    """A finite float from an EXIF rational in any shape Pillow returns, else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, tuple) and len(value) == RATIONAL_PARTS:
        numerator, denominator = value
        if not isinstance(numerator, int) or not isinstance(denominator, int):
            return None
        if denominator == 0:
            return None
        result = numerator / denominator
    elif isinstance(value, numbers.Real):
        # int, float, and Pillow's IFDRational (which is NaN for a zero denominator)
        if getattr(value, "denominator", 1) == 0:
            return None
        try:
            result = float(value)
        except (ValueError, OverflowError, ZeroDivisionError):
            return None
    else:
        return None
    return result if math.isfinite(result) else None


def _altitude_ref(value: object) -> int | None:
    if isinstance(value, bytes) and value:
        return value[0]
    if isinstance(value, int):
        return value
    return None
