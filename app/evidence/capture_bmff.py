"""Capture metadata of MP4, QuickTime and 3GP files (ISO base media file format).

Walked box by box with seeks, reading only the few small boxes needed (moov/mvhd,
trak/tkhd, udta/©xyz): files are gigabytes, and the walk is capped in box count and in
the size of any box read into memory. A damaged file gives fewer fields, never an error.
"""

from __future__ import annotations

import re
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import BinaryIO

from app.evidence.capture_metadata import (
    ALTITUDE_DECIMALS,
    COORDINATE_DECIMALS,
    MAX_ALTITUDE_M,
    MAX_LATITUDE,
    MAX_LONGITUDE,
    CaptureMetadata,
    FieldValue,
)

# ISO/IEC 14496-12
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
DURATION_DECIMALS = 3


@dataclass
class _Walk:
    """Shared state of one walk: the file, its size and the boxes left to visit."""

    source: BinaryIO
    file_size: int
    boxes_left: int = MAX_BOXES


def bmff_metadata(source: BinaryIO) -> CaptureMetadata:
    """Creation time, duration, size and place from the first moov box."""
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
