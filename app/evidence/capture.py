"""Capture metadata of evidence files: when, where and with what a file was made.

Read once, at intake, from the source file, and stored next to the attachment so a
reviewer can see when and where a photo or video says it was taken without opening
it. Everything here parses files that came from outside, so every reader is defensive:

- Images go through Pillow, header only (`Image.open` + `getexif`, never a pixel
  decode), with the decompression-bomb guard on. A damaged image is still evidence, so
  it is not refused: its metadata is just a note saying it could not be read.
- MP4-family videos are walked box by box with seeks, reading only the few small boxes
  needed (moov/mvhd, trak/tkhd, udta/©xyz): files are gigabytes, and the walk is capped
  in box count and in the size of any box read into memory.
- PDFs: only the first and last 64 KiB are searched for /CreationDate.

Nothing raises but RefusedFileError (a decompression bomb) and OSError (the file cannot
be opened at all). Strings from files are cleaned of control characters and capped.
"""

from __future__ import annotations

import math
import numbers
import re
import struct
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import BinaryIO

from PIL import Image, UnidentifiedImageError

from app.errors import RefusedFileError
from app.evidence.images import PILLOW_FORMATS, bomb_guard, check_pixels, pillow_can_read

FieldValue = str | int | float

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
MAX_LATITUDE = 90.0
MAX_LONGITUDE = 180.0
MAX_ALTITUDE_M = 100_000.0  # well above any aircraft; beyond it the value is garbage
MINUTES_PER_DEGREE = 60.0
SECONDS_PER_DEGREE = 3600.0
MAX_DMS_PARTS = 3
RATIONAL_PARTS = 2  # a raw rational: (numerator, denominator)
COORDINATE_DECIMALS = 7  # about 1 cm
ALTITUDE_DECIMALS = 2
DURATION_DECIMALS = 3
MAX_TEXT_CHARS = 128

_EXIF_DATETIME = re.compile(r"(\d{4}):(\d{2}):(\d{2})[ T](\d{2}):(\d{2}):(\d{2})")
_UTC_OFFSET = re.compile(r"[+-](?:[01]\d|2[0-3]):[0-5]\d")
_CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f-\x9f]")

# --- ISO base media file format (ISO/IEC 14496-12) --------------------------------------
BMFF_MEDIA_TYPES = frozenset({"video/mp4", "video/quicktime", "video/3gpp", "audio/mp4"})
MAX_BOXES = 10_000
MAX_BOX_READ = 1024 * 1024
BOX_HEADER = struct.Struct(">I4s")
BOX_LARGESIZE = struct.Struct(">Q")
BOX_SIZE_64BIT = 1
BOX_SIZE_TO_END = 0
MVHD_V0 = struct.Struct(">IIII")  # creation, modification, timescale, duration
MVHD_V1 = struct.Struct(">QQIQ")
TKHD_DIMENSIONS = struct.Struct(">II")  # 16.16 fixed-point width, height, at the end
FIXED_16_16 = 1 << 16
FULL_BOX_HEADER = 4  # version (1 byte) + flags (3 bytes)
DURATION_UNKNOWN_V0 = 0xFFFF_FFFF
DURATION_UNKNOWN_V1 = 0xFFFF_FFFF_FFFF_FFFF
MP4_EPOCH = datetime(1904, 1, 1, tzinfo=UTC)
# QuickTime user data "©xyz": a 16-bit length, a 16-bit language code, then ISO 6709.
XYZ_PREFIX = struct.Struct(">HH")
_ISO6709 = re.compile(rb"([+-]\d{1,3}(?:\.\d+)?)([+-]\d{1,3}(?:\.\d+)?)([+-]\d+(?:\.\d+)?)?")
_CONTAINERS = frozenset({b"moov", b"trak", b"udta"})

# --- PDF ------------------------------------------------------------------------------
PDF_WINDOW = 64 * 1024
_PDF_CREATION = re.compile(
    rb"/CreationDate\s*\(D:(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?"
    rb"(?:(Z)|([+-])(\d{2})'?(\d{2})?'?)?"
)


@dataclass(frozen=True)
class CaptureMetadata:
    """When a file says it was captured (ISO 8601, or None) and what else it says.

    `fields` keys, when known: camera_make, camera_model, gps_latitude, gps_longitude
    (signed decimal degrees), gps_altitude (metres), width, height (as stored, before
    orientation), orientation, software, duration_s, note.
    """

    captured_at: str | None = None
    fields: dict[str, FieldValue] = field(default_factory=dict)


def read_capture_metadata(path: Path, media_type: str) -> CaptureMetadata:
    """The capture metadata of the file at `path`, whose content type is `media_type`.

    Raises RefusedFileError for a decompression bomb and OSError when the file cannot
    be opened; damaged content gives a note or nothing, never an exception.
    """
    if media_type.startswith("image/"):
        return _image_metadata(path, media_type)
    if media_type in BMFF_MEDIA_TYPES:
        with path.open("rb") as source:
            return _bmff_metadata(source)
    if media_type == "application/pdf":
        with path.open("rb") as source:
            return _pdf_metadata(source)
    return CaptureMetadata(None, {})


# --- images ---------------------------------------------------------------------------


def _image_metadata(path: Path, media_type: str) -> CaptureMetadata:
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
    if zone is not None and _UTC_OFFSET.fullmatch(zone):
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


# --- MP4, QuickTime, 3GP (ISO base media file format) ---------------------------------


@dataclass
class _Walk:
    """Shared state of one walk: the file, its size and the boxes left to visit."""

    source: BinaryIO
    file_size: int
    boxes_left: int = MAX_BOXES


def _bmff_metadata(source: BinaryIO) -> CaptureMetadata:
    file_size = source.seek(0, 2)
    walk = _Walk(source, file_size)
    fields: dict[str, FieldValue] = {}
    captured_at: str | None = None
    for box_type, start, end in _boxes(walk, 0, file_size):
        if box_type == b"moov":
            captured_at = _read_moov(walk, start, end, fields)
            break
    return CaptureMetadata(captured_at, fields)


def _boxes(walk: _Walk, start: int, end: int) -> Iterator[tuple[bytes, int, int]]:
    """(type, payload start, payload end) of each box in [start, end), by seeking.

    Every box is at least 8 bytes, so the position strictly grows; a box that claims to
    run past its parent or the file is clipped, and the walk stops there.
    """
    end = min(end, walk.file_size)
    position = start
    while position + BOX_HEADER.size <= end and walk.boxes_left > 0:
        walk.boxes_left -= 1
        walk.source.seek(position)
        header = walk.source.read(BOX_HEADER.size)
        if len(header) < BOX_HEADER.size:
            return
        size, box_type = BOX_HEADER.unpack(header)
        payload = position + BOX_HEADER.size
        if size == BOX_SIZE_64BIT:
            large = walk.source.read(BOX_LARGESIZE.size)
            if len(large) < BOX_LARGESIZE.size:
                return
            (size,) = BOX_LARGESIZE.unpack(large)
            payload += BOX_LARGESIZE.size
        elif size == BOX_SIZE_TO_END:
            size = end - position
        box_end = position + size
        if box_end < payload:
            return  # a size smaller than its own header: corrupt
        box_end = min(box_end, end)
        yield box_type, payload, box_end
        position = box_end


def _read_box(walk: _Walk, start: int, end: int) -> bytes:
    walk.source.seek(start)
    return walk.source.read(max(0, min(end - start, MAX_BOX_READ)))


def _read_moov(walk: _Walk, start: int, end: int, fields: dict[str, FieldValue]) -> str | None:
    captured_at: str | None = None
    for box_type, child_start, child_end in _walk_tree(walk, start, end):
        if box_type == b"mvhd":
            captured_at = _mvhd(_read_box(walk, child_start, child_end), fields)
        elif box_type == b"tkhd" and "width" not in fields:
            _tkhd(_read_box(walk, child_start, child_end), fields)
        elif box_type == b"\xa9xyz" and "gps_latitude" not in fields:
            _xyz(_read_box(walk, child_start, child_end), fields)
    return captured_at


def _walk_tree(walk: _Walk, start: int, end: int) -> Iterator[tuple[bytes, int, int]]:
    """Boxes inside moov, descending only into the containers that hold what we read."""
    for box_type, child_start, child_end in _boxes(walk, start, end):
        if box_type in _CONTAINERS:
            yield from _walk_tree(walk, child_start, child_end)
        else:
            yield box_type, child_start, child_end


def _mvhd(body: bytes, fields: dict[str, FieldValue]) -> str | None:
    """Creation time and duration from a movie header, version 0 or 1."""
    if len(body) < FULL_BOX_HEADER:
        return None
    if body[0] == 1:
        layout, unknown = MVHD_V1, DURATION_UNKNOWN_V1
    else:
        layout, unknown = MVHD_V0, DURATION_UNKNOWN_V0
    if len(body) < FULL_BOX_HEADER + layout.size:
        return None
    created, _modified, timescale, duration = layout.unpack_from(body, FULL_BOX_HEADER)
    if timescale > 0 and duration != unknown:
        fields["duration_s"] = round(duration / timescale, DURATION_DECIMALS)
    return _mp4_time(created)


def _mp4_time(seconds: int) -> str | None:
    """Seconds since 1904-01-01 UTC as ISO 8601 with "Z"; 0 means unknown."""
    if seconds == 0:
        return None
    try:
        moment = MP4_EPOCH + timedelta(seconds=seconds)
    except OverflowError:
        return None
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _tkhd(body: bytes, fields: dict[str, FieldValue]) -> None:
    """Width and height of the first track that has them (audio tracks have zeros)."""
    if len(body) < TKHD_DIMENSIONS.size:
        return
    width, height = TKHD_DIMENSIONS.unpack_from(body, len(body) - TKHD_DIMENSIONS.size)
    if width and height:
        fields["width"] = width // FIXED_16_16
        fields["height"] = height // FIXED_16_16


def _xyz(body: bytes, fields: dict[str, FieldValue]) -> None:
    """An ISO 6709 location ("+48.8577+002.2950+035.000/") from QuickTime user data."""
    if len(body) < XYZ_PREFIX.size:
        return
    length, _language = XYZ_PREFIX.unpack_from(body)
    text = body[XYZ_PREFIX.size : XYZ_PREFIX.size + length]
    match = _ISO6709.match(text)
    if match is None:
        return
    latitude, longitude = float(match.group(1)), float(match.group(2))
    if abs(latitude) > MAX_LATITUDE or abs(longitude) > MAX_LONGITUDE:
        return
    fields["gps_latitude"] = round(latitude, COORDINATE_DECIMALS)
    fields["gps_longitude"] = round(longitude, COORDINATE_DECIMALS)
    if match.group(3) is not None:
        altitude = float(match.group(3))
        if abs(altitude) <= MAX_ALTITUDE_M:
            fields["gps_altitude"] = round(altitude, ALTITUDE_DECIMALS)


# --- PDF ------------------------------------------------------------------------------


def _pdf_metadata(source: BinaryIO) -> CaptureMetadata:
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
        if _UTC_OFFSET.fullmatch(offset):
            iso += offset
    return iso
