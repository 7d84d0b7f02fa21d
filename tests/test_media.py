"""Media types come from content: real files for images, hand-made headers for the rest."""

from __future__ import annotations

import re
import struct
import zipfile
from io import BytesIO

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.evidence.media import HEAD_BYTES, OCTET_STREAM, sniff_media_type
from tests.image_factory import box, make_image, make_jpeg, make_mp4, make_png

MEDIA_TYPE = re.compile(r"[a-z0-9.+-]+/[a-z0-9.+-]+")


def sniff(data: bytes, name: str = "evidence.bin") -> str:
    return sniff_media_type(data[:HEAD_BYTES], name)


@pytest.mark.parametrize(
    ("image_format", "expected"),
    [
        ("GIF", "image/gif"),
        ("WEBP", "image/webp"),
        ("TIFF", "image/tiff"),
        ("BMP", "image/bmp"),
        ("PNG", "image/png"),
        ("JPEG", "image/jpeg"),
    ],
)
def test_images_pillow_writes(image_format: str, expected: str) -> None:
    # Named .txt on purpose: the extension must not matter.
    assert sniff(make_image(image_format), "holiday.txt") == expected


def test_jpeg_and_png_with_metadata() -> None:
    assert sniff(make_jpeg(extras=True), "x.png") == "image/jpeg"
    assert sniff(make_png(), "x.jpg") == "image/png"


def test_big_endian_tiff() -> None:
    assert sniff(b"MM\x00*\x00\x00\x00\x08" + bytes(100)) == "image/tiff"
    assert sniff(b"II+\x00\x08\x00\x00\x00" + bytes(100)) == "image/tiff"


def test_bmp_needs_a_real_dib_header() -> None:
    assert sniff(b"BMW and Mercedes cars were parked outside\n", "notes.txt") == "text/plain"


def ftyp(major: bytes, *compatible: bytes) -> bytes:
    return box(b"ftyp", major + struct.pack(">I", 0) + b"".join(compatible)) + box(b"free")


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (ftyp(b"heic", b"mif1", b"heic"), "image/heic"),
        (ftyp(b"mif1", b"mif1", b"heic"), "image/heic"),
        (ftyp(b"mif1", b"mif1"), "image/heif"),
        (ftyp(b"msf1", b"msf1"), "image/heif-sequence"),
        (ftyp(b"hevc", b"msf1"), "image/heic-sequence"),
        (ftyp(b"avif", b"mif1", b"miaf"), "image/avif"),
        (ftyp(b"isom", b"isom", b"iso2", b"avc1", b"mp41"), "video/mp4"),
        (ftyp(b"mp42", b"mp42", b"isom"), "video/mp4"),
        (ftyp(b"qt  ", b"qt  "), "video/quicktime"),
        (ftyp(b"3gp5", b"3gp5", b"isom"), "video/3gpp"),
        (ftyp(b"3g2a", b"3g2a"), "video/3gpp2"),
        (ftyp(b"M4A ", b"M4A ", b"mp42", b"isom"), "audio/mp4"),
        (ftyp(b"XAVC", b"XAVC"), "video/mp4"),
        (box(b"moov", box(b"mvhd", bytes(100))), "video/quicktime"),
        (box(b"wide") + struct.pack(">I4s", 1, b"mdat"), "video/quicktime"),
    ],
)
def test_iso_bmff_brands(header: bytes, expected: str) -> None:
    assert sniff(header) == expected


def test_real_mp4_from_the_factory() -> None:
    assert sniff(make_mp4(mdat_size=HEAD_BYTES * 2), "clip.mov") == "video/mp4"


def ebml(doctype: bytes) -> bytes:
    body = b"\x42\x86\x81\x01" + b"\x42\x82" + bytes([0x80 | len(doctype)]) + doctype
    return b"\x1a\x45\xdf\xa3" + bytes([0x80 | len(body)]) + body + b"\x18\x53\x80\x67"


def riff(form: bytes) -> bytes:
    return b"RIFF" + struct.pack("<I", 1000) + form + b"fmt " + bytes(40)


def zip_bytes(members: list[str], *, mimetype: str | None = None) -> bytes:
    out = BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        if mimetype is not None:
            archive.writestr("mimetype", mimetype, compress_type=zipfile.ZIP_STORED)
        for member in members:
            archive.writestr(member, "<xml/>" * 50, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def streamed_zip(members: list[str]) -> bytes:
    """A ZIP written to a non-seekable stream: sizes follow each member's data."""

    class Unseekable(BytesIO):
        def seekable(self) -> bool:
            return False

    out = Unseekable()
    with zipfile.ZipFile(out, "w") as archive:
        for member in members:
            with archive.open(member, "w") as entry:
                entry.write(b"<xml/>" * 50)
    return out.getvalue()


OOXML_WORD = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
OOXML_SHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
OOXML_SLIDES = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
ODT = "application/vnd.oasis.opendocument.text"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (ebml(b"webm"), "video/webm"),
        (ebml(b"matroska"), "video/matroska"),
        (riff(b"WEBP"), "image/webp"),
        (riff(b"AVI "), "video/x-msvideo"),
        (riff(b"WAVE"), "audio/wav"),
        (riff(b"XYZW"), OCTET_STREAM),
        (b"OggS\x00\x02" + bytes(22) + b"\x01\x1e\x01vorbis", "audio/ogg"),
        (b"OggS\x00\x02" + bytes(22) + b"\x01\x2a\x80theora", "video/ogg"),
        (b"fLaC\x00\x00\x00\x22" + bytes(34), "audio/flac"),
        (b"ID3\x04\x00\x00\x00\x00\x00\x00" + bytes(30), "audio/mpeg"),
        (b"\xff\xfb\x90\x64" + bytes(400), "audio/mpeg"),  # MPEG-1 layer III, 128 kbit/s
        (b"\xff\xf3\x84\xc4" + bytes(400), "audio/mpeg"),  # MPEG-2 layer III
        (b"\xff\xf1\x50\x80" + bytes(400), "audio/aac"),  # ADTS
        (b"\xff\xfb\xf0\x64" + bytes(400), OCTET_STREAM),  # bad bitrate index
        (b"#!AMR\n" + bytes(32), "audio/amr"),
        (b"#!AMR-WB\n" + bytes(32), "audio/amr-wb"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "application/pdf"),
        (b"\xef\xbb\xbf junk before the header\n%PDF-1.4\n", "application/pdf"),
        (b"{\\rtf1\\ansi\\deff0 {\\fonttbl}", "application/rtf"),
        (zip_bytes(["[Content_Types].xml", "_rels/.rels", "word/document.xml"]), OOXML_WORD),
        (zip_bytes(["[Content_Types].xml", "_rels/.rels", "xl/workbook.xml"]), OOXML_SHEET),
        (zip_bytes(["[Content_Types].xml", "ppt/presentation.xml"]), OOXML_SLIDES),
        (streamed_zip(["[Content_Types].xml", "_rels/.rels", "word/document.xml"]), OOXML_WORD),
        (zip_bytes(["content.xml", "META-INF/manifest.xml"], mimetype=ODT), ODT),
        (zip_bytes(["content.xml"], mimetype="text/html"), "application/zip"),
        (zip_bytes(["photos/1.jpg", "readme.txt"]), "application/zip"),
    ],
)
def test_other_formats(header: bytes, expected: str) -> None:
    assert sniff(header) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("notes.txt", "text/plain"),
        ("README.MD", "text/markdown"),
        ("victims.csv", "text/csv"),
        ("export.json", "application/json"),
        ("page.html", "text/html"),
        ("C:\\Users\\x\\page.htm", "text/html"),
        ("script.py", "text/plain"),
        ("no-extension", "text/plain"),
        (".csv", "text/plain"),
    ],
)
def test_text_type_from_extension_only_when_content_is_text(name: str, expected: str) -> None:
    assert sniff("name,place\nAmina,Goma\t✓\r\n".encode(), name) == expected


def test_extension_never_overrides_content() -> None:
    assert sniff(make_png(), "victims.csv") == "image/png"
    assert sniff(b"\x00\x01\x02binary", "notes.txt") == OCTET_STREAM
    assert sniff(b"text with a bell \x07", "notes.txt") == OCTET_STREAM
    assert sniff(b"text with a C1 control \xc2\x85", "notes.txt") == OCTET_STREAM
    assert sniff(b"latin-1 caf\xe9 au lait", "notes.txt") == OCTET_STREAM


def test_text_cut_inside_a_character_is_still_text() -> None:
    text = ("é" * HEAD_BYTES).encode()
    assert sniff(text[: HEAD_BYTES - 1], "a.md") == "text/markdown"


def test_empty_and_tiny_content() -> None:
    assert sniff_media_type(b"", "notes.txt") == OCTET_STREAM
    assert sniff_media_type(b"\xff", "x") == OCTET_STREAM
    assert sniff_media_type(b"a", "x.txt") == "text/plain"


@settings(max_examples=300, deadline=None)
@given(head=st.binary(max_size=HEAD_BYTES), name=st.text(max_size=40))
def test_never_raises_on_random_input(head: bytes, name: str) -> None:
    assert MEDIA_TYPE.fullmatch(sniff_media_type(head, name))


MAGICS = [
    b"\xff\xd8\xff",
    b"RIFF",
    b"BM",
    b"\x1a\x45\xdf\xa3",
    b"OggS",
    b"PK\x03\x04",
    b"\x00\x00\x00\x18ftyp",
    b"\x00\x00\x00\x01mdat",
    b"\xff\xfb",
    b"\xff\xf1",
]


@settings(max_examples=300, deadline=None)
@given(magic=st.sampled_from(MAGICS), rest=st.binary(max_size=200), name=st.text(max_size=10))
def test_never_raises_on_damaged_headers(magic: bytes, rest: bytes, name: str) -> None:
    assert MEDIA_TYPE.fullmatch(sniff_media_type(magic + rest, name))
