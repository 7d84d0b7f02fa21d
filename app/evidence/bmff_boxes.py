"""ISO base media (MP4, QuickTime, 3GP, M4A) boxes: drop the metadata boxes, find any left.

FFmpeg's MP4 muxer always writes an empty `moov/udta/meta` (an iTunes handler and an
empty item list) even when it is given no metadata. It names nothing, but the rule for a
stripped copy is simpler to check when no metadata box exists at all, so the remuxed
output goes through `drop_metadata_boxes`, and `metadata_boxes` is the final re-check:
it walks every container box and lists any box type that can carry tags, a place, a
device or XMP.

Both work on the output of Carnet's own remux (in memory), never on the original.
Every length is bounds-checked; a box that does not fit is an error, never a guess.
The drop edits the remux's buffer in place (only the movie box, at the end, is
rewritten), so a 1 GiB video is not copied once more.
"""

from __future__ import annotations

import io
import struct
from collections.abc import Iterator

from app.errors import RefusedFileError

_HEADER = struct.Struct(">I4s")
_LARGE_SIZE = struct.Struct(">Q")
_SIZE_64BIT = 1
_SIZE_TO_END = 0
_FULL_BOX_FLAGS = 4

# Boxes whose payload is a list of boxes (`meta` is a full box: 4 bytes first in MP4).
_CONTAINERS = frozenset({b"moov", b"trak", b"mdia", b"minf", b"stbl", b"edts", b"dinf", b"udta"})
_META = b"meta"
# Box types that hold metadata: user data, iTunes/QuickTime keys and items, XMP (uuid),
# 3GPP location/author/title boxes, and QuickTime's (c)xyz location and friends.
_METADATA_TYPES = frozenset(
    {b"udta", b"meta", b"uuid", b"keys", b"ilst", b"XMP_", b"loci", b"auth", b"titl", b"cprt"}
)
_COPYRIGHT_SIGN = 0xA9  # QuickTime user-data atoms: (c)xyz, (c)mak, (c)mod, (c)day, ...
_TOP_LEVEL_ALLOWED = frozenset({b"ftyp", b"free", b"skip", b"wide", b"mdat", b"moov"})
_DROPPED_FROM = {b"moov": frozenset({b"udta", b"meta"}), b"trak": frozenset({b"udta", b"meta"})}

Data = bytes | bytearray | memoryview


def _boxes(data: Data, start: int, end: int) -> Iterator[tuple[bytes, int, int, int]]:
    """(type, box start, payload start, box end) of each box in data[start:end]."""
    at = start
    while at < end:
        if end - at < _HEADER.size:
            raise RefusedFileError("the remuxed file has a damaged box; it was not kept")
        size, kind = _HEADER.unpack_from(data, at)
        payload = at + _HEADER.size
        if size == _SIZE_64BIT:
            if end - payload < _LARGE_SIZE.size:
                raise RefusedFileError("the remuxed file has a damaged box; it was not kept")
            (size,) = _LARGE_SIZE.unpack_from(data, payload)
            payload += _LARGE_SIZE.size
        elif size == _SIZE_TO_END:
            size = end - at
        box_end = at + size
        if size < payload - at or box_end > end:
            raise RefusedFileError("the remuxed file has a damaged box; it was not kept")
        yield kind, at, payload, box_end
        at = box_end


def metadata_boxes(data: Data) -> list[str]:
    """Every metadata box found (as "moov/udta", ...), and any unexpected top-level box."""
    found: list[str] = []
    for kind, _, payload, end in _boxes(data, 0, len(data)):
        if kind not in _TOP_LEVEL_ALLOWED:
            found.append(_name(kind))
        elif kind == b"moov":
            _scan(data, payload, end, "moov", found)
    return found


def _scan(data: Data, start: int, end: int, where: str, found: list[str]) -> None:
    for kind, _, payload, box_end in _boxes(data, start, end):
        path = f"{where}/{_name(kind)}"
        if kind in _METADATA_TYPES or kind[0] == _COPYRIGHT_SIGN:
            found.append(path)
        if kind in _CONTAINERS:
            _scan(data, payload, box_end, path, found)
        elif kind == _META and box_end - payload >= _FULL_BOX_FLAGS:
            _scan_meta(data, payload, box_end, path, found)


def _scan_meta(data: Data, start: int, end: int, where: str, found: list[str]) -> None:
    # MP4's meta is a full box; QuickTime's is a plain container. Try both readings.
    for offset in (_FULL_BOX_FLAGS, 0):
        try:
            _scan(data, start + offset, end, where, found)
        except RefusedFileError:
            continue
        return


def drop_metadata_boxes(buffer: io.BytesIO) -> None:
    """Remove the udta/meta boxes of moov and its tracks from `buffer`, in place.

    Only the movie box changes size, so the chunk offsets (which point into mdat) stay
    right only if no media data follows the movie box; FFmpeg writes moov last unless
    asked for "faststart", which Carnet never asks for. Otherwise the file is refused.
    """
    with buffer.getbuffer() as view:
        top = list(_boxes(view, 0, len(view)))
        moovs = [box for box in top if box[0] == b"moov"]
        if len(moovs) != 1:
            raise RefusedFileError("the remuxed file has no single movie box; it was not kept")
        _, moov_start, moov_payload, moov_end = moovs[0]
        if any(kind == b"mdat" and start > moov_start for kind, start, _, _ in top):
            raise RefusedFileError(
                "the remuxed file has media after its movie box; it was not kept"
            )
        # The movie box is the index (small next to the media); the tail is usually empty.
        moov = _rebuild(view, b"moov", moov_payload, moov_end)
        tail = bytes(view[moov_end:])
    buffer.seek(moov_start)
    buffer.write(moov)
    buffer.write(tail)
    buffer.truncate()


def _rebuild(data: Data, kind: bytes, start: int, end: int) -> bytes:
    dropped = _DROPPED_FROM.get(kind, frozenset())
    body = bytearray()
    for child, child_start, payload, child_end in _boxes(data, start, end):
        if child in dropped:
            continue
        if child in _DROPPED_FROM:
            body += _rebuild(data, child, payload, child_end)
        else:
            body += data[child_start:child_end]
    return _box(kind, bytes(body))


def _box(kind: bytes, body: bytes) -> bytes:
    size = _HEADER.size + len(body)
    if size <= 0xFFFFFFFF:
        return _HEADER.pack(size, kind) + body
    large = size + _LARGE_SIZE.size
    return _HEADER.pack(_SIZE_64BIT, kind) + _LARGE_SIZE.pack(large) + body


def _name(kind: bytes) -> str:
    return kind.decode("latin-1").encode("ascii", "backslashreplace").decode("ascii")
