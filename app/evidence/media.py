"""Media types of evidence files, decided from their content, never from their name.

A file's name is whatever the sender typed, and a renamed file is a classic way to slip
something past a reviewer, so the type comes from the first bytes (magic numbers). The
extension is used only to pick among text types once the content has proved to be text:
bytes cannot tell a CSV from a Markdown file, and neither is dangerous to label wrongly.

`sniff_media_type` is a pure function over at most `HEAD_BYTES` bytes. It never raises:
every read is bounds-checked, and unknown or damaged content is simply
"application/octet-stream", which the rest of Carnet treats as opaque.
"""

from __future__ import annotations

import codecs
import re
import struct

HEAD_BYTES = 4096
"""How much of a file the intake reads to decide its type."""

OCTET_STREAM = "application/octet-stream"
TEXT_PLAIN = "text/plain"

# --- simple signatures at offset 0, checked in order -------------------------------------
_JPEG = b"\xff\xd8\xff"
_PNG = b"\x89PNG\r\n\x1a\n"
_GIF87 = b"GIF87a"
_GIF89 = b"GIF89a"
_TIFF_LE = b"II*\x00"
_TIFF_BE = b"MM\x00*"
_BIGTIFF_LE = b"II+\x00"
_BIGTIFF_BE = b"MM\x00+"
_EBML = b"\x1a\x45\xdf\xa3"
_OGG = b"OggS"
_FLAC = b"fLaC"
_ID3 = b"ID3"
_AMR_NB = b"#!AMR\n"
_AMR_WB = b"#!AMR-WB\n"
_PDF = b"%PDF-"
_RTF = b"{\\rtf"
_ZIP_LOCAL = b"PK\x03\x04"

_PREFIXES: tuple[tuple[bytes, str], ...] = (
    (_JPEG, "image/jpeg"),
    (_PNG, "image/png"),
    (_GIF87, "image/gif"),
    (_GIF89, "image/gif"),
    (_TIFF_LE, "image/tiff"),
    (_TIFF_BE, "image/tiff"),
    (_BIGTIFF_LE, "image/tiff"),
    (_BIGTIFF_BE, "image/tiff"),
    (_FLAC, "audio/flac"),
    (_ID3, "audio/mpeg"),
    (_AMR_WB, "audio/amr-wb"),
    (_AMR_NB, "audio/amr"),
    (_PDF, "application/pdf"),
    (_RTF, "application/rtf"),
)

# PDF readers accept the header anywhere in the first kilobyte (ISO 32000-1, annex H).
_PDF_HEADER_WINDOW = 1024

# --- RIFF (little-endian chunk container): the form type says what is inside ----------
_RIFF = b"RIFF"
_RIFF_FORM = slice(8, 12)
_RIFF_TYPES = {b"WEBP": "image/webp", b"AVI ": "video/x-msvideo", b"WAVE": "audio/wav"}

# --- BMP: "BM" alone is two letters of ordinary text, so also require a known DIB
# header size (BITMAPCOREHEADER, INFOHEADER, V2, V3, OS/2 2.x, V4, V5).
_BMP = b"BM"
_BMP_DIB_SIZE_OFFSET = 14
_BMP_DIB_SIZES = frozenset({12, 40, 52, 56, 64, 108, 124})

# --- ISO base media file format (MP4, QuickTime, 3GP, HEIF, AVIF) ---------------------
_BOX_HEADER = struct.Struct(">I4s")
_FTYP = b"ftyp"
_BRAND_LEN = 4
_FTYP_MAJOR = slice(8, 12)
_FTYP_COMPATIBLE_START = 16  # after major brand and minor version
# QuickTime files older than ftyp start straight with one of these atoms. Text never holds
# a NUL, so a legacy atom is accepted only when its size field starts with one (a size
# under 16 MiB) or is a 64-bit (1) or to-end-of-file (0) size.
_LEGACY_QT_ATOMS = frozenset({b"moov", b"mdat", b"wide", b"pnot", b"free", b"skip"})
_BOX_SIZE_64BIT = 1
_BOX_SIZE_TO_END = 0

_HEIC_BRANDS = frozenset({b"heic", b"heix", b"heim", b"heis"})
_HEIC_SEQUENCE_BRANDS = frozenset({b"hevc", b"hevx", b"hevm", b"hevs"})
_AVIF_BRANDS = frozenset({b"avif", b"avis"})
_HEIF_BRANDS = frozenset({b"mif1", b"mif2"})
_HEIF_SEQUENCE_BRANDS = frozenset({b"msf1"})
_QUICKTIME_BRANDS = frozenset({b"qt  "})
_AUDIO_MP4_BRANDS = frozenset({b"M4A ", b"M4B ", b"M4P ", b"F4A ", b"F4B "})
_3GPP_PREFIXES = (b"3gp", b"3gg", b"3ge", b"3gs", b"3gr", b"3gt")
_3GPP2_PREFIX = b"3g2"
_MP4_VIDEO_BRAND_PREFIXES = (b"M4V", b"avc1", b"mp7", b"dash", b"MSNV", b"NDAS")

# --- Matroska / WebM: the EBML header holds a DocType element (ID 0x4282).
_EBML_DOCTYPE_ID = b"\x42\x82"
_WEBM_DOCTYPE = b"webm"
_EBML_DOCTYPE_WINDOW = 64  # the DocType sits in the EBML header, right at the start

# --- Ogg: Theora or other video streams announce themselves in the first page.
_OGG_VIDEO_MARKERS = (b"\x80theora", b"\x01video\x00\x00\x00")

# --- MPEG audio frame header (ISO 11172-3 / 13818-3) and ADTS AAC ---------------------
_FRAME_SYNC_BYTE = 0xFF
_FRAME_SYNC_MASK = 0xE0
_FRAME_HEADER_LEN = 4
_VERSION_RESERVED = 0b01
_LAYER_NONE = 0b00  # invalid for MPEG audio; ADTS (AAC) uses it
_BITRATE_BAD = 0b1111
_SAMPLE_RATE_RESERVED = 0b11
_ADTS_MPEG4_SAMPLE_RATES = 13  # sampling_frequency_index 13-15 are reserved

# --- ZIP containers --------------------------------------------------------------------
_ZIP_LOCAL_HEADER = struct.Struct("<4sHHHHHIIIHH")
_ZIP_FLAG_DATA_DESCRIPTOR = 0x0008
_ZIP_METHOD_STORED = 0
_ZIP_MAX_MEMBERS = 64
_ODF_MIMETYPE_NAME = b"mimetype"
_ODF_MIMETYPE_MAX = 100
_ODF_MIMETYPE = re.compile(rb"application/(?:vnd\.oasis\.opendocument\.[a-z.-]+|epub\+zip)")
_OOXML_MARKER = b"[Content_Types].xml"
_OOXML_TYPES: tuple[tuple[bytes, str], ...] = (
    (b"word/", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    (b"xl/", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    (b"ppt/", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
)

# --- text ------------------------------------------------------------------------------
_TEXT_ALLOWED_CONTROLS = frozenset("\t\r\n")
_C0_END = 0x20
_DEL = 0x7F
_C1_END = 0x9F
_TEXT_BY_EXTENSION = {
    "txt": TEXT_PLAIN,
    "text": TEXT_PLAIN,
    "md": "text/markdown",
    "markdown": "text/markdown",
    "csv": "text/csv",
    "json": "application/json",
    "html": "text/html",
    "htm": "text/html",
}


def sniff_media_type(head: bytes, name: str) -> str:
    """The media type of a file whose first bytes are `head`; never raises.

    `name` is consulted only when the content is text, to choose among text types.
    Empty content is "application/octet-stream": there is nothing to call text.
    """
    data = bytes(head[:HEAD_BYTES])
    if not data:
        return OCTET_STREAM
    found = _by_content(data)
    if found is not None:
        return found
    if _is_text(data):
        return _TEXT_BY_EXTENSION.get(_extension(name), TEXT_PLAIN)
    return OCTET_STREAM


def _by_content(data: bytes) -> str | None:
    for prefix, media_type in _PREFIXES:
        if data.startswith(prefix):
            return media_type
    if _PDF in data[:_PDF_HEADER_WINDOW]:
        return "application/pdf"
    if data.startswith(_RIFF):
        return _RIFF_TYPES.get(data[_RIFF_FORM])
    if data.startswith(_BMP) and _is_bmp(data):
        return "image/bmp"
    if data.startswith(_EBML):
        return _ebml_type(data)
    if data.startswith(_OGG):
        return _ogg_type(data)
    if data.startswith(_ZIP_LOCAL):
        return _zip_type(data)
    bmff = _bmff_type(data)
    if bmff is not None:
        return bmff
    return _mpeg_audio_type(data)


def _is_bmp(data: bytes) -> bool:
    end = _BMP_DIB_SIZE_OFFSET + 4
    if len(data) < end:
        return False
    (dib_size,) = struct.unpack("<I", data[_BMP_DIB_SIZE_OFFSET:end])
    return dib_size in _BMP_DIB_SIZES


def _ebml_type(data: bytes) -> str:
    window = data[:_EBML_DOCTYPE_WINDOW]
    at = window.find(_EBML_DOCTYPE_ID)
    if at >= 0 and _WEBM_DOCTYPE in window[at:]:
        return "video/webm"
    return "video/matroska"


def _ogg_type(data: bytes) -> str:
    if any(marker in data for marker in _OGG_VIDEO_MARKERS):
        return "video/ogg"
    return "audio/ogg"


def _bmff_type(data: bytes) -> str | None:
    """Type of an ISO-BMFF file from its `ftyp` brands (or a legacy QuickTime atom)."""
    if len(data) < _BOX_HEADER.size:
        return None
    size, box_type = _BOX_HEADER.unpack_from(data)
    if box_type in _LEGACY_QT_ATOMS:
        if data[0] == 0 or size in (_BOX_SIZE_64BIT, _BOX_SIZE_TO_END):
            return "video/quicktime"
        return None
    if box_type != _FTYP or len(data) < _FTYP_MAJOR.stop:
        return None
    end = min(len(data), size) if size >= _FTYP_COMPATIBLE_START else len(data)
    brands = [data[_FTYP_MAJOR]] + [
        data[at : at + _BRAND_LEN]
        for at in range(_FTYP_COMPATIBLE_START, end - _BRAND_LEN + 1, _BRAND_LEN)
    ]
    for brand in brands:
        found = _brand_type(brand)
        if found is not None:
            return found
    if any(brand in _HEIF_BRANDS for brand in brands):
        return "image/heif"
    if any(brand in _HEIF_SEQUENCE_BRANDS for brand in brands):
        return "image/heif-sequence"
    # An ftyp box with brands we do not know (camera vendors invent their own) is still
    # an MP4-family container; the capture parser handles it defensively.
    return "video/mp4"


def _brand_type(brand: bytes) -> str | None:
    """The media type one brand implies, or None for a generic or unknown brand."""
    if brand in _HEIC_BRANDS:
        return "image/heic"
    if brand in _HEIC_SEQUENCE_BRANDS:
        return "image/heic-sequence"
    if brand in _AVIF_BRANDS:
        return "image/avif"
    if brand in _QUICKTIME_BRANDS:
        return "video/quicktime"
    if brand in _AUDIO_MP4_BRANDS:
        return "audio/mp4"
    if brand.startswith(_3GPP2_PREFIX):
        return "video/3gpp2"
    if brand.startswith(_3GPP_PREFIXES):
        return "video/3gpp"
    if brand.startswith(_MP4_VIDEO_BRAND_PREFIXES):
        return "video/mp4"
    # Generic brands (isom, mp42, mif1, ...) say only "some ISO-BMFF file": the caller
    # looks further.
    return None


def _mpeg_audio_type(data: bytes) -> str | None:
    """MP3 (or ADTS AAC) by a plausible frame header at offset 0."""
    if len(data) < _FRAME_HEADER_LEN or data[0] != _FRAME_SYNC_BYTE:
        return None
    b1, b2 = data[1], data[2]
    if b1 & _FRAME_SYNC_MASK != _FRAME_SYNC_MASK:
        return None
    version = (b1 >> 3) & 0b11
    layer = (b1 >> 1) & 0b11
    if layer == _LAYER_NONE:
        # ADTS: 12-bit sync, so version bit pattern is 0b10 or 0b11 (MPEG-4 / MPEG-2 id)
        if version & 0b10 and (b2 >> 2) & 0b1111 < _ADTS_MPEG4_SAMPLE_RATES:
            return "audio/aac"
        return None
    if version == _VERSION_RESERVED:
        return None
    if (b2 >> 4) == _BITRATE_BAD or ((b2 >> 2) & 0b11) == _SAMPLE_RATE_RESERVED:
        return None
    return "audio/mpeg"


def _zip_type(data: bytes) -> str:
    names: list[bytes] = []
    offset = 0
    for _ in range(_ZIP_MAX_MEMBERS):
        header_end = offset + _ZIP_LOCAL_HEADER.size
        if header_end > len(data) or data[offset : offset + 4] != _ZIP_LOCAL:
            break
        fields = _ZIP_LOCAL_HEADER.unpack_from(data, offset)
        flags, method, compressed = fields[2], fields[3], fields[7]
        name_len, extra_len = fields[9], fields[10]
        name = data[header_end : header_end + name_len]
        names.append(name)
        body = header_end + name_len + extra_len
        if len(names) == 1 and name == _ODF_MIMETYPE_NAME and method == _ZIP_METHOD_STORED:
            odf = _odf_type(data[body : body + min(compressed, _ODF_MIMETYPE_MAX)])
            if odf is not None:
                return odf
        if flags & _ZIP_FLAG_DATA_DESCRIPTOR:
            break  # sizes follow the data; the next header cannot be found cheaply
        offset = body + compressed
    for prefix, media_type in _OOXML_TYPES:
        if any(name.startswith(prefix) for name in names):
            return media_type
    if _OOXML_MARKER in data:
        # A streamed OOXML file: sizes are unknown, but member names are still in clear.
        for prefix, media_type in _OOXML_TYPES:
            if _has_member_name(data, prefix):
                return media_type
    return "application/zip"


def _has_member_name(data: bytes, prefix: bytes) -> bool:
    """Whether some local header in `data` names a member starting with `prefix`."""
    start = 0
    while True:
        at = data.find(_ZIP_LOCAL, start)
        if at < 0:
            return False
        name_at = at + _ZIP_LOCAL_HEADER.size
        if data[name_at : name_at + len(prefix)] == prefix:
            return True
        start = at + 1


def _odf_type(value: bytes) -> str | None:
    match = _ODF_MIMETYPE.fullmatch(value.strip())
    return match.group(0).decode("ascii") if match else None


def _is_text(data: bytes) -> bool:
    """Valid UTF-8 (a character cut by the head's end allowed), no controls but tab/CR/LF."""
    decoder = codecs.getincrementaldecoder("utf-8")(errors="strict")
    try:
        text = decoder.decode(data, final=False)
    except UnicodeDecodeError:
        return False
    if not text:
        return False
    for char in text:
        code = ord(char)
        if (code < _C0_END and char not in _TEXT_ALLOWED_CONTROLS) or _DEL <= code <= _C1_END:
            return False
    return True


def _extension(name: str) -> str:
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    stem, dot, extension = base.rpartition(".")
    if not dot or not stem:
        return ""
    return extension.lower()
