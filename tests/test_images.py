"""Capture metadata and stripped copies of evidence images (and MP4 / PDF dates)."""

from __future__ import annotations

import io
import random
import struct
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image, TiffImagePlugin

from app.errors import RefusedFileError
from app.evidence.capture import read_capture_metadata
from app.evidence.capture_exif import _gps_fields
from app.evidence.capture_metadata import CaptureMetadata
from app.evidence.images import MAX_STRIP_BYTES, StrippedImage, check_pixels, strip_image
from tests.image_factory import (
    CANARY_MAKE,
    CANARY_MODEL,
    CANARY_TEXT,
    MP4_EPOCH_OFFSET,
    box,
    make_animated_gif,
    make_bomb_png,
    make_corrupt_jpeg,
    make_exif,
    make_image,
    make_jpeg,
    make_mp4,
    make_png,
    make_sparse_mp4,
    make_truncated_jpeg,
    mvhd,
)

SYDNEY = (-33.8568, 151.2153, 58.25)
DEAD_SEA = (31.5, 35.5, -430.0)
GOMA = (-1.6792, 29.2228, 1500.0)


def capture(tmp_path: Path, data: bytes, media_type: str, name: str = "photo") -> CaptureMetadata:
    path = tmp_path / name
    path.write_bytes(data)
    return read_capture_metadata(path, media_type)


# --- capture metadata: images ----------------------------------------------------------


def test_jpeg_date_camera_and_gps(tmp_path: Path) -> None:
    meta = capture(tmp_path, make_jpeg(gps=SYDNEY), "image/jpeg")
    assert meta.captured_at == "2024-03-05T14:22:10"
    assert meta.fields["camera_make"] == CANARY_MAKE
    assert meta.fields["camera_model"] == CANARY_MODEL
    assert meta.fields["gps_latitude"] == pytest.approx(-33.8568, abs=1e-5)
    assert meta.fields["gps_longitude"] == pytest.approx(151.2153, abs=1e-5)
    assert meta.fields["gps_altitude"] == pytest.approx(58.25)
    assert (meta.fields["width"], meta.fields["height"]) == (64, 48)
    assert "note" not in meta.fields


@pytest.mark.parametrize("gps", [SYDNEY, DEAD_SEA, GOMA, (40.7, -74.0, 10.0), (-22.9, -43.2, 0.0)])
def test_gps_signs_follow_the_hemisphere_references(
    tmp_path: Path, gps: tuple[float, float, float]
) -> None:
    meta = capture(tmp_path, make_jpeg(gps=gps), "image/jpeg")
    assert meta.fields["gps_latitude"] == pytest.approx(gps[0], abs=1e-5)
    assert meta.fields["gps_longitude"] == pytest.approx(gps[1], abs=1e-5)
    assert meta.fields["gps_altitude"] == pytest.approx(gps[2])


def test_offset_orientation_and_software(tmp_path: Path) -> None:
    exif = make_exif(offset="+02:00", orientation=6, software="Darktable 4.6\x00\x01")
    meta = capture(tmp_path, make_jpeg(exif=exif), "image/jpeg")
    assert meta.captured_at == "2024-03-05T14:22:10+02:00"
    assert meta.fields["orientation"] == 6
    assert meta.fields["software"] == "Darktable 4.6"


def test_no_exif_gives_dimensions_only(tmp_path: Path) -> None:
    meta = capture(tmp_path, make_image("BMP", size=(7, 5)), "image/bmp")
    assert meta == CaptureMetadata(None, {"width": 7, "height": 5})


def test_exif_in_other_formats(tmp_path: Path) -> None:
    exif = make_exif(gps=GOMA)
    for data, media_type in [
        (make_png(exif=exif), "image/png"),
        (make_image("WEBP", exif=exif), "image/webp"),
    ]:
        meta = capture(tmp_path, data, media_type)
        assert meta.captured_at == "2024-03-05T14:22:10", media_type
        assert meta.fields["gps_latitude"] == pytest.approx(GOMA[0], abs=1e-5), media_type
    # Pillow's TIFF writer keeps IFD0 tags but not the Exif and GPS sub-IFDs.
    meta = capture(tmp_path, make_image("TIFF", exif=exif), "image/tiff")
    assert meta.fields["camera_model"] == CANARY_MODEL


@pytest.mark.parametrize(
    "gps_ifd",
    [
        {1: "N", 2: (TiffImagePlugin.IFDRational(10, 0), 0, 0), 3: "E", 4: (1, 2, 3)},
        {1: "N", 2: (1, 2), 3: "E", 4: (1, 2, 3, 4)},
        {1: "Q", 2: (1, 2, 3), 3: "E", 4: (1, 2, 3)},
        {2: (1, 2, 3), 4: (1, 2, 3)},
        {1: "N", 2: (500, 0, 0), 3: "E", 4: (1, 2, 3)},
        {6: TiffImagePlugin.IFDRational(5, 0), 5: b""},
    ],
)
def test_malformed_gps_is_dropped_not_raised(tmp_path: Path, gps_ifd: dict[int, object]) -> None:
    exif = make_exif(gps=None)
    exif.get_ifd(0x8825).update(gps_ifd)
    meta = capture(tmp_path, make_jpeg(exif=exif), "image/jpeg")
    assert meta.captured_at == "2024-03-05T14:22:10"
    assert "gps_latitude" not in meta.fields
    assert "gps_longitude" not in meta.fields
    assert "gps_altitude" not in meta.fields


@pytest.mark.parametrize(
    "value",
    [
        "forty",
        b"forty",
        None,
        [None],
        ((1, 0), 2, 3),
        ((1, 2, 3),),
        (True, 1, 1),
        float("nan"),
        (float("inf"),),
        (-1, 0, 0),
        ((2**70, 1), 0, 0),
        object(),
    ],
)
def test_gps_values_of_any_shape_never_raise(value: object) -> None:
    # Pillow cannot write most of these, so the parser is fed them directly.
    fields = _gps_fields({1: "N", 2: value, 3: "W", 4: value, 5: value, 6: value})
    assert fields == {}  # garbage in every GPS tag: nothing kept, not even the altitude


def test_gps_raw_rational_tuples() -> None:
    fields = _gps_fields({1: b"S\x00", 2: ((33, 1), (30, 1), (0, 1)), 3: "W", 4: ((70, 2), 0, 0)})
    assert fields == {"gps_latitude": -33.5, "gps_longitude": -35.0}


def test_partial_gps_keeps_what_is_valid(tmp_path: Path) -> None:
    exif = make_exif(gps=None)
    exif.get_ifd(0x8825).update({1: "N", 2: (1, 2), 3: "E", 4: (30.5,)})
    meta = capture(tmp_path, make_jpeg(exif=exif), "image/jpeg")
    assert meta.fields["gps_latitude"] == pytest.approx(1 + 2 / 60)
    assert meta.fields["gps_longitude"] == pytest.approx(30.5)


@pytest.mark.parametrize("date", ["0000:00:00 00:00:00", "2024:13:40 25:61:61", "yesterday", ""])
def test_impossible_dates_are_unknown(tmp_path: Path, date: str) -> None:
    meta = capture(tmp_path, make_jpeg(date=date), "image/jpeg")
    assert meta.captured_at is None
    assert meta.fields["camera_make"] == CANARY_MAKE


def test_corrupt_image_gives_a_note_not_an_error(tmp_path: Path) -> None:
    for data, media_type in [
        (make_corrupt_jpeg(), "image/jpeg"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 30, "image/png"),
        (b"GIF89a", "image/gif"),
        (make_png(), "image/jpeg"),  # content and type disagree
    ]:
        meta = capture(tmp_path, data, media_type)
        assert meta.captured_at is None
        note = meta.fields["note"]
        assert isinstance(note, str)
        assert note.startswith("unreadable image: "), media_type
        assert "photo" not in note and str(tmp_path) not in note


def test_truncated_image_still_reports_its_header(tmp_path: Path) -> None:
    meta = capture(tmp_path, make_truncated_jpeg(), "image/jpeg")
    assert meta.captured_at == "2024-03-05T14:22:10"


@pytest.mark.parametrize(("width", "height"), [(40_000, 40_000), (10_000, 10_000)])
def test_bomb_is_refused_by_capture(tmp_path: Path, width: int, height: int) -> None:
    with pytest.raises(RefusedFileError, match="decompression bomb") as caught:
        capture(tmp_path, make_bomb_png(width=width, height=height), "image/png", "bomb.png")
    assert "bomb.png" in caught.value.message
    assert f"{width * height:,} pixels" in caught.value.message
    assert Image.MAX_IMAGE_PIXELS is not None


def test_unknown_image_type_and_other_types_are_empty(tmp_path: Path) -> None:
    assert capture(tmp_path, b"\x00" * 10, "image/x-icon") == CaptureMetadata(None, {})
    assert capture(tmp_path, b"hello", "text/plain") == CaptureMetadata(None, {})
    assert capture(tmp_path, b"", "application/octet-stream") == CaptureMetadata(None, {})


def test_missing_file_is_an_os_error(tmp_path: Path) -> None:
    with pytest.raises(OSError):
        read_capture_metadata(tmp_path / "gone.jpg", "image/jpeg")
    with pytest.raises(OSError):
        read_capture_metadata(tmp_path / "gone.mp4", "video/mp4")


# --- capture metadata: MP4 family and PDF ------------------------------------------------


@pytest.mark.parametrize("version", [0, 1])
@pytest.mark.parametrize("moov_first", [False, True])
def test_mp4_creation_time_and_duration(tmp_path: Path, version: int, moov_first: bool) -> None:
    data = make_mp4(version=version, moov_first=moov_first)
    meta = capture(tmp_path, data, "video/mp4", "clip.mp4")
    assert meta.captured_at == "2024-03-05T14:22:10Z"
    assert meta.fields["duration_s"] == pytest.approx(12.345)
    assert (meta.fields["width"], meta.fields["height"]) == (1920, 1080)


def test_mp4_location_from_quicktime_user_data(tmp_path: Path) -> None:
    data = make_mp4(location="-01.6792+029.2228+1500.000/")
    meta = capture(tmp_path, data, "video/quicktime", "clip.mov")
    assert meta.fields["gps_latitude"] == pytest.approx(-1.6792)
    assert meta.fields["gps_longitude"] == pytest.approx(29.2228)
    assert meta.fields["gps_altitude"] == pytest.approx(1500.0)


def test_mp4_zero_creation_time_and_unknown_duration(tmp_path: Path) -> None:
    data = make_mp4(created=0, duration=0xFFFF_FFFF)
    meta = capture(tmp_path, data, "video/mp4")
    assert meta.captured_at is None
    assert "duration_s" not in meta.fields
    meta = capture(tmp_path, make_mp4(timescale=0), "audio/mp4")
    assert "duration_s" not in meta.fields


def test_mp4_huge_creation_time_is_unknown(tmp_path: Path) -> None:
    data = make_mp4(version=1, created=2**63)
    assert capture(tmp_path, data, "video/mp4").captured_at is None


def test_mp4_seeks_past_a_multi_gigabyte_mdat(tmp_path: Path) -> None:
    path = tmp_path / "long.mp4"
    make_sparse_mp4(path, mdat_payload=6 * 1024**3)
    started = time.monotonic()
    meta = read_capture_metadata(path, "video/mp4")
    assert time.monotonic() - started < 1.0
    assert meta.captured_at == "2024-03-05T14:22:10Z"
    assert meta.fields["duration_s"] == 1.0


@pytest.mark.parametrize(
    "data",
    [
        b"",
        box(b"ftyp", b"isom"),
        struct.pack(">I4s", 4, b"moov"),  # size smaller than its header
        struct.pack(">I4s", 0, b"moov") + struct.pack(">I4s", 3, b"mvhd"),
        struct.pack(">I4sQ", 1, b"moov", 2**63) + box(b"mvhd", b"\x01"),
        struct.pack(">I4s", 1, b"mdat") + b"\x00\x00",  # cut inside the 64-bit size
        box(b"moov", box(b"mvhd", bytes(8))),  # too short for its version
        struct.pack(">I4s", 0xFFFF_FFF0, b"mdat") + bytes(64),  # claims far past EOF
        box(b"free") * 20_000 + box(b"moov", mvhd(version=0, created=5, timescale=1, duration=1)),
    ],
)
def test_mp4_damage_never_raises(tmp_path: Path, data: bytes) -> None:
    meta = capture(tmp_path, data, "video/mp4")
    assert meta.captured_at is None


def test_mp4_box_walk_is_capped(tmp_path: Path) -> None:
    # 20 000 empty boxes before moov: past the cap, so moov is never reached, and fast.
    data = box(b"free") * 20_000 + box(
        b"moov", mvhd(version=0, created=MP4_EPOCH_OFFSET, timescale=1, duration=1)
    )
    assert capture(tmp_path, data, "video/mp4") == CaptureMetadata(None, {})


@pytest.mark.parametrize(
    ("info", "expected"),
    [
        (b"/CreationDate (D:20240305142210+02'00')", "2024-03-05T14:22:10+02:00"),
        (b"/CreationDate(D:20240305142210Z)", "2024-03-05T14:22:10Z"),
        (b"/CreationDate (D:2024)", "2024-01-01T00:00:00"),
        (b"/CreationDate (D:20241340)", None),
        (b"/Title (no date)", None),
    ],
)
def test_pdf_creation_date(tmp_path: Path, info: bytes, expected: str | None) -> None:
    data = b"%PDF-1.4\n" + b"1 0 obj\n<< " + info + b" >>\nendobj\n" + b"%%EOF\n"
    assert capture(tmp_path, data, "application/pdf").captured_at == expected


def test_pdf_date_at_the_end_of_a_large_file(tmp_path: Path) -> None:
    data = (
        b"%PDF-1.7\n"
        + b"0" * (300 * 1024)
        + b"<< /CreationDate (D:20230102030405-05'00') >>\n%%EOF"
    )
    assert capture(tmp_path, data, "application/pdf").captured_at == "2023-01-02T03:04:05-05:00"


# --- stripped copies ------------------------------------------------------------------


def reopen(stripped: StrippedImage) -> Image.Image:
    return Image.open(io.BytesIO(stripped.data))


def assert_no_metadata(stripped: StrippedImage) -> None:
    with reopen(stripped) as image:
        assert len(image.getexif()) == 0
        assert image.getexif().get_ifd(0x8825) == {}
        for key in ("exif", "xmp", "XML:com.adobe.xmp", "icc_profile", "comment", "Author"):
            assert key not in image.info
        image.load()
        assert not getattr(image, "text", {})
    for canary in (CANARY_MAKE, CANARY_MODEL, CANARY_TEXT, "CANARY", "Exif", "xmpmeta"):
        assert canary.encode() not in stripped.data


def test_strip_jpeg_removes_everything_and_keeps_jpeg() -> None:
    original = make_jpeg(gps=SYDNEY, extras=True)
    assert CANARY_MAKE.encode() in original
    assert b"CANARY-xmp" in original
    stripped = strip_image(original, "image/jpeg")
    assert stripped.media_type == "image/jpeg"
    assert (stripped.width, stripped.height) == (64, 48)
    assert_no_metadata(stripped)
    with reopen(stripped) as image:
        assert image.format == "JPEG"
        assert image.mode == "RGB"
        assert image.size == (64, 48)


@pytest.mark.parametrize(
    ("orientation", "size", "red_corner"),
    [
        (1, (64, 48), (0, 0)),
        (3, (64, 48), (63, 47)),
        (6, (48, 64), (47, 0)),
        (8, (48, 64), (0, 63)),
    ],
)
def test_strip_applies_orientation(
    orientation: int, size: tuple[int, int], red_corner: tuple[int, int]
) -> None:
    stripped = strip_image(make_jpeg(orientation=orientation), "image/jpeg")
    assert (stripped.width, stripped.height) == size
    with reopen(stripped) as image:
        assert image.size == size
        assert 0x0112 not in image.getexif()
        red, green, blue = image.convert("RGB").getpixel(red_corner)  # type: ignore[misc]
        assert red > 200 and green < 60 and blue < 60


def test_strip_png_removes_text_chunks_and_keeps_alpha() -> None:
    original = make_png(exif=make_exif(gps=GOMA))
    assert CANARY_TEXT.encode() in original
    stripped = strip_image(original, "image/png")
    assert stripped.media_type == "image/png"
    assert_no_metadata(stripped)
    with reopen(stripped) as image:
        assert image.mode == "RGBA"
        assert image.getpixel((0, 0)) == (255, 0, 0, 128)


@pytest.mark.parametrize(
    ("image_format", "media_type", "mode", "out_type"),
    [
        ("WEBP", "image/webp", "RGB", "image/webp"),
        ("GIF", "image/gif", "P", "image/png"),
        ("TIFF", "image/tiff", "CMYK", "image/png"),
        ("BMP", "image/bmp", "RGB", "image/png"),
        ("PNG", "image/png", "P", "image/png"),
        ("PNG", "image/png", "L", "image/png"),
        ("PNG", "image/png", "1", "image/png"),
        ("PNG", "image/png", "I;16", "image/png"),
        ("TIFF", "image/tiff", "F", "image/png"),
        ("JPEG", "image/jpeg", "L", "image/jpeg"),
        ("JPEG", "image/jpeg", "CMYK", "image/jpeg"),
    ],
)
def test_strip_other_formats_and_modes(
    image_format: str, media_type: str, mode: str, out_type: str
) -> None:
    exif = make_exif(gps=GOMA) if image_format in ("WEBP", "TIFF", "JPEG") else None
    stripped = strip_image(make_image(image_format, mode=mode, exif=exif), media_type)
    assert stripped.media_type == out_type
    assert (stripped.width, stripped.height) == (32, 24)
    assert_no_metadata(stripped)


def test_strip_gif_keeps_the_first_frame_only() -> None:
    stripped = strip_image(make_animated_gif(), "image/gif")
    assert stripped.media_type == "image/png"
    with reopen(stripped) as image:
        assert getattr(image, "n_frames", 1) == 1
        assert image.size == (20, 10)


def test_strip_transparent_gif_keeps_transparency() -> None:
    frame = Image.new("P", (8, 8), 0)
    frame.putpalette([255, 0, 0] * 256)
    out = io.BytesIO()
    frame.save(out, format="GIF", transparency=0)
    stripped = strip_image(out.getvalue(), "image/gif")
    with reopen(stripped) as image:
        assert image.mode == "RGBA"
        assert image.getpixel((0, 0))[3] == 0  # type: ignore[index]


def test_stripped_repr_hides_the_data() -> None:
    stripped = strip_image(make_jpeg(), "image/jpeg")
    assert "data" not in repr(stripped)
    assert str(stripped.data[:4]) not in repr(stripped)


@pytest.mark.parametrize(("width", "height"), [(40_000, 40_000), (10_000, 10_000)])
def test_bomb_is_refused_by_strip(width: int, height: int) -> None:
    with pytest.raises(RefusedFileError, match="possible decompression bomb"):
        strip_image(make_bomb_png(width=width, height=height), "image/png")


def test_bomb_guard_is_local() -> None:
    import warnings

    with pytest.raises(RefusedFileError):
        strip_image(make_bomb_png(width=10_000, height=10_000), "image/png")
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        with Image.open(io.BytesIO(make_bomb_png(width=10_000, height=10_000))):
            pass
    assert any(issubclass(w.category, Image.DecompressionBombWarning) for w in seen)


@pytest.mark.parametrize(
    ("data", "media_type"),
    [
        (make_truncated_jpeg(), "image/jpeg"),
        (make_corrupt_jpeg(), "image/jpeg"),
        (make_png(), "image/jpeg"),
        (b"", "image/png"),
    ],
)
def test_strip_refuses_what_does_not_decode(data: bytes, media_type: str) -> None:
    with pytest.raises(RefusedFileError, match="could not be decoded"):
        strip_image(data, media_type)


@pytest.mark.parametrize("media_type", ["image/x-icon", "video/mp4", "text/plain"])
def test_strip_refuses_types_it_cannot_reencode(media_type: str) -> None:
    with pytest.raises(RefusedFileError, match="cannot re-encode"):
        strip_image(make_jpeg(), media_type)


def test_strip_refuses_oversized_input() -> None:
    class Huge(bytes):
        def __len__(self) -> int:
            return MAX_STRIP_BYTES + 1

    with pytest.raises(RefusedFileError, match="larger than 256 MiB"):
        strip_image(Huge(b"\xff\xd8\xff"), "image/jpeg")


def test_strip_writes_nothing_to_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    strip_image(make_jpeg(gps=SYDNEY, extras=True), "image/jpeg")
    strip_image(make_png(), "image/png")
    assert list(tmp_path.iterdir()) == []


# --- fuzzing ---------------------------------------------------------------------------

IMAGE_TYPES = [
    "image/jpeg",
    "image/png",
    "image/gif",
    "image/webp",
    "image/tiff",
    "image/bmp",
    "image/avif",
]
HEADERS = [
    b"",
    b"\xff\xd8\xff",
    b"\x89PNG\r\n\x1a\n",
    b"GIF89a",
    b"RIFF\x00\x01\x00\x00WEBPVP8 ",
    b"II*\x00",
    b"MM\x00*",
    b"BM",
    b"\x00\x00\x00\x1cftypavif",
    b"\x00\x00\x00\x18ftypisom",
]
FUZZ = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@FUZZ
@given(
    header=st.sampled_from(HEADERS),
    rest=st.binary(max_size=600),
    media_type=st.sampled_from([*IMAGE_TYPES, "video/mp4", "video/quicktime", "application/pdf"]),
)
def test_capture_never_raises_on_random_files(
    tmp_path: Path, header: bytes, rest: bytes, media_type: str
) -> None:
    path = tmp_path / "fuzz"
    path.write_bytes(header + rest)
    try:
        meta = read_capture_metadata(path, media_type)
    except RefusedFileError:
        return
    assert isinstance(meta, CaptureMetadata)
    assert set(meta.fields) <= CAPTURE_FIELDS | {"duration_s"}
    assert meta.captured_at is None or isinstance(meta.captured_at, str)
    if media_type.startswith("image/") and "note" in meta.fields:
        assert str(meta.fields["note"]).startswith("unreadable image: "), meta.fields["note"]


@FUZZ
@given(
    header=st.sampled_from(HEADERS),
    rest=st.binary(max_size=600),
    media_type=st.sampled_from(IMAGE_TYPES),
)
def test_strip_never_raises_anything_but_refusal(
    header: bytes, rest: bytes, media_type: str
) -> None:
    try:
        stripped = strip_image(header + rest, media_type)
    except RefusedFileError:
        return
    assert stripped.data


CAPTURE_FIELDS = {
    "camera_make",
    "camera_model",
    "gps_latitude",
    "gps_longitude",
    "gps_altitude",
    "width",
    "height",
    "orientation",
    "software",
    "note",
}
# The only notes a damaged image gets: fixed words, never a parser message that could
# quote bytes from the file.
DAMAGED_NOTES = {
    "unreadable image: not a readable JPEG file",
    "unreadable image: damaged or truncated data",
}


def _scan_data_offset(jpeg: bytes) -> int:
    """Where the entropy-coded pixels begin: after the start-of-scan segment."""
    scan = jpeg.index(b"\xff\xda")
    return scan + 2 + int.from_bytes(jpeg[scan + 2 : scan + 4], "big")


def _check_mutated_capture(path: Path, expected: CaptureMetadata, only_pixels: bool) -> str:
    """Capture of a mutated copy of the SYDNEY JPEG, checked; returns the outcome's kind."""
    try:
        meta = read_capture_metadata(path, "image/jpeg")
    except RefusedFileError:
        assert not only_pixels  # a refusal comes from the header (dimensions), never pixels
        with pytest.raises(RefusedFileError):
            read_capture_metadata(path, "image/jpeg")
        return "refused"
    assert isinstance(meta, CaptureMetadata)
    assert read_capture_metadata(path, "image/jpeg") == meta  # deterministic
    if only_pixels:
        assert meta == expected  # capture reads the header only, never a pixel
        return "read"
    assert set(meta.fields) <= CAPTURE_FIELDS
    if "note" in meta.fields:
        assert meta == CaptureMetadata(None, {"note": meta.fields["note"]})
        assert meta.fields["note"] in DAMAGED_NOTES
        return str(meta.fields["note"])
    assert isinstance(meta.fields["width"], int) and isinstance(meta.fields["height"], int)
    assert meta.fields.get("orientation", 1) in range(1, 9)
    assert abs(float(meta.fields.get("gps_latitude", 0))) <= 90
    assert abs(float(meta.fields.get("gps_longitude", 0))) <= 180
    assert meta.captured_at is None or isinstance(meta.captured_at, str)
    return "read"


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_capture_survives_mutated_real_jpegs(
    tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    pristine = make_jpeg(gps=SYDNEY, orientation=6)
    folder = tmp_path_factory.mktemp("mutated")
    expected = capture(folder, pristine, "image/jpeg", "original.jpg")
    assert expected.fields["orientation"] == 6 and "note" not in expected.fields
    scan_data = _scan_data_offset(pristine)
    where = data.draw(st.sampled_from(["header", "pixels", "anywhere"]))
    low, high = {
        "header": (0, scan_data - 1),
        "pixels": (scan_data, len(pristine) - 3),  # the end-of-image marker stays
        "anywhere": (0, len(pristine) - 1),
    }[where]
    original = bytearray(pristine)
    for _ in range(data.draw(st.integers(1, 8))):
        original[data.draw(st.integers(low, high))] = data.draw(st.integers(0, 255))
    path = folder / "m.jpg"
    path.write_bytes(bytes(original))
    only_pixels = where == "pixels" or bytes(original) == pristine
    _check_mutated_capture(path, expected, only_pixels)


def test_capture_of_seeded_header_mutations_reaches_every_outcome(tmp_path: Path) -> None:
    """The same checks over 300 seeded header mutations (the same files every run): they
    must reach a full read and both damaged-file notes, so those paths are exercised."""
    pristine = make_jpeg(gps=SYDNEY, orientation=6)
    expected = capture(tmp_path, pristine, "image/jpeg", "original.jpg")
    scan_data = _scan_data_offset(pristine)
    kinds: set[str] = set()
    for seed in range(300):
        rng = random.Random(seed)
        original = bytearray(pristine)
        for _ in range(rng.randint(1, 8)):
            original[rng.randrange(scan_data)] = rng.randrange(256)
        path = tmp_path / "m.jpg"
        path.write_bytes(bytes(original))
        kinds.add(_check_mutated_capture(path, expected, bytes(original) == pristine))
    assert kinds >= {"read", *DAMAGED_NOTES}


def test_pixels_above_the_limit_are_refused_even_without_pillow_s_warning() -> None:
    """check_pixels is the guard that does not depend on a warnings filter."""
    limit = Image.MAX_IMAGE_PIXELS
    assert limit is not None
    check_pixels("photo.jpg", (limit, 1))
    with pytest.raises(RefusedFileError, match="decompression bomb"):
        check_pixels("photo.jpg", (limit + 1, 1))
