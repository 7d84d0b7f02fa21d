"""Evidence-like test files made on the fly: photos with EXIF and GPS, PNGs with text
chunks, decompression bombs, damaged JPEGs and minimal MP4s.

Made with Pillow (images) or by hand with struct/zlib (bombs, MP4), so each test says
exactly what the file holds. Every helper returns the bytes and, given a path, also
writes them there.
"""

from __future__ import annotations

import io
import struct
import zlib
from fractions import Fraction
from pathlib import Path

from PIL import Image, ImageCms, PngImagePlugin, TiffImagePlugin

CANARY_MAKE = "CanaryCamCorp"
CANARY_MODEL = "Witness Model 7"
CANARY_TEXT = "CANARY-victim-name-Amina"
CANARY_XMP = b'<x:xmpmeta xmlns:x="adobe:ns:meta/">CANARY-xmp-owner</x:xmpmeta>'

Size = tuple[int, int]
Gps = tuple[float, float, float]


def _write(path: Path | None, data: bytes) -> bytes:
    if path is not None:
        path.write_bytes(data)
    return data


def _picture(size: Size, mode: str = "RGB") -> Image.Image:
    """A picture whose top-left quarter is red, so orientation is visible in pixels."""
    image = Image.new(mode, size, "blue" if mode != "L" else 200)
    image.paste("red" if mode != "L" else 20, (0, 0, size[0] // 2, size[1] // 2))
    return image


def _dms(value: float) -> tuple[TiffImagePlugin.IFDRational, ...]:
    value = abs(value)
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    seconds = Fraction((value - degrees - minutes / 60) * 3600).limit_denominator(10_000)
    return (
        TiffImagePlugin.IFDRational(degrees, 1),
        TiffImagePlugin.IFDRational(minutes, 1),
        TiffImagePlugin.IFDRational(seconds.numerator, seconds.denominator),
    )


def make_exif(
    *,
    date: str | None = "2024:03:05 14:22:10",
    offset: str | None = None,
    make: str | None = CANARY_MAKE,
    model: str | None = CANARY_MODEL,
    gps: Gps | None = None,
    orientation: int | None = None,
    software: str | None = None,
) -> Image.Exif:
    """An EXIF block: IFD0 (camera, orientation), Exif IFD (dates) and GPS IFD."""
    exif = Image.Exif()
    if make is not None:
        exif[0x010F] = make
    if model is not None:
        exif[0x0110] = model
    if orientation is not None:
        exif[0x0112] = orientation
    if software is not None:
        exif[0x0131] = software
    if date is not None:
        exif_ifd = exif.get_ifd(0x8769)
        exif_ifd[0x9003] = date
        if offset is not None:
            exif_ifd[0x9011] = offset
    if gps is not None:
        latitude, longitude, altitude = gps
        gps_ifd = exif.get_ifd(0x8825)
        gps_ifd[1] = "N" if latitude >= 0 else "S"
        gps_ifd[2] = _dms(latitude)
        gps_ifd[3] = "E" if longitude >= 0 else "W"
        gps_ifd[4] = _dms(longitude)
        gps_ifd[5] = b"\x01" if altitude < 0 else b"\x00"
        height = Fraction(abs(altitude)).limit_denominator(100)
        gps_ifd[6] = TiffImagePlugin.IFDRational(height.numerator, height.denominator)
    return exif


def make_jpeg(
    path: Path | None = None,
    *,
    date: str | None = "2024:03:05 14:22:10",
    offset: str | None = None,
    make: str | None = CANARY_MAKE,
    model: str | None = CANARY_MODEL,
    gps: Gps | None = None,
    orientation: int | None = None,
    size: Size = (64, 48),
    extras: bool = False,
    exif: Image.Exif | None = None,
) -> bytes:
    """A JPEG with EXIF; `extras` adds an XMP packet, a comment and an sRGB ICC profile."""
    if exif is None:
        exif = make_exif(date=date, offset=offset, make=make, model=model, gps=gps)
        if orientation is not None:
            exif[0x0112] = orientation
    options: dict[str, object] = {"exif": exif, "quality": 90}
    if extras:
        options["xmp"] = CANARY_XMP
        options["comment"] = CANARY_TEXT.encode()
        options["icc_profile"] = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    out = io.BytesIO()
    _picture(size).save(out, format="JPEG", **options)
    return _write(path, out.getvalue())


def make_png(
    path: Path | None = None,
    *,
    size: Size = (40, 30),
    mode: str = "RGBA",
    text: dict[str, str] | None = None,
    exif: Image.Exif | None = None,
) -> bytes:
    """A PNG with tEXt chunks (by default one holding a canary) and optional eXIf."""
    info = PngImagePlugin.PngInfo()
    for key, value in (text if text is not None else {"Author": CANARY_TEXT}).items():
        info.add_text(key, value)
    options: dict[str, object] = {"pnginfo": info}
    if exif is not None:
        options["exif"] = exif
    out = io.BytesIO()
    image = _picture(size, "RGB").convert(mode)
    if mode == "RGBA":
        image.putalpha(128)
    image.save(out, format="PNG", **options)
    return _write(path, out.getvalue())


def make_image(
    image_format: str,
    path: Path | None = None,
    *,
    size: Size = (32, 24),
    mode: str = "RGB",
    exif: Image.Exif | None = None,
) -> bytes:
    """Any format Pillow writes (GIF, WEBP, TIFF, BMP, ...), optionally with EXIF."""
    options: dict[str, object] = {}
    if exif is not None:
        options["exif"] = exif
    if image_format == "GIF":
        options["comment"] = CANARY_TEXT.encode()
    out = io.BytesIO()
    _picture(size).convert(mode).save(out, format=image_format, **options)
    return _write(path, out.getvalue())


def make_animated_gif(path: Path | None = None, *, size: Size = (20, 10)) -> bytes:
    frames = [Image.new("P", size, index) for index in range(3)]
    out = io.BytesIO()
    frames[0].save(out, format="GIF", save_all=True, append_images=frames[1:], duration=100)
    return _write(path, out.getvalue())


def _png_chunk(kind: bytes, payload: bytes) -> bytes:
    crc = zlib.crc32(kind + payload) & 0xFFFFFFFF
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)


def make_bomb_png(path: Path | None = None, *, width: int = 40_000, height: int = 40_000) -> bytes:
    """A tiny PNG (under 100 bytes) whose IHDR declares `width` × `height` grey pixels.

    The default is far above twice Pillow's limit (Pillow raises); 10 000 × 10 000 is
    between the limit and twice it (Pillow only warns).
    """
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    data = (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", ihdr)
        + _png_chunk(b"IDAT", idat)
        + _png_chunk(b"IEND", b"")
    )
    return _write(path, data)


def make_truncated_jpeg(path: Path | None = None) -> bytes:
    """A real JPEG cut in the middle of its scan: the header reads, the pixels do not."""
    whole = make_jpeg(size=(256, 256))
    return _write(path, whole[: len(whole) // 2])


def make_corrupt_jpeg(path: Path | None = None) -> bytes:
    """The JPEG magic number followed by garbage: no valid header at all."""
    return _write(path, b"\xff\xd8\xff\xe0" + bytes(range(7, 250)) * 4)


# --- ISO base media file format ---------------------------------------------------------

MP4_EPOCH_OFFSET = 2_082_844_800  # seconds from 1904-01-01 to 1970-01-01


def box(kind: bytes, payload: bytes = b"") -> bytes:
    return struct.pack(">I4s", 8 + len(payload), kind) + payload


def mvhd(*, version: int, created: int, timescale: int, duration: int) -> bytes:
    if version == 1:
        times = struct.pack(">QQIQ", created, created, timescale, duration)
    else:
        times = struct.pack(">IIII", created, created, timescale, duration)
    rest = struct.pack(">IH10x36x24xI", 0x0001_0000, 0x0100, 2)
    return box(b"mvhd", bytes([version, 0, 0, 0]) + times + rest)


def tkhd(width: int, height: int) -> bytes:
    body = bytes(4) + bytes(76) + struct.pack(">II", width << 16, height << 16)
    return box(b"tkhd", body)


def xyz(location: str) -> bytes:
    text = location.encode()
    return box(b"\xa9xyz", struct.pack(">HH", len(text), 0x15C7) + text)


def make_mp4(
    path: Path | None = None,
    *,
    version: int = 0,
    created: int = MP4_EPOCH_OFFSET + 1_709_648_530,  # 2024-03-05T14:22:10Z
    timescale: int = 1000,
    duration: int = 12_345,
    mdat_size: int = 2 * 1024 * 1024,
    brand: bytes = b"isom",
    location: str | None = None,
    moov_first: bool = False,
) -> bytes:
    """ftyp + mdat (zeros, bigger than any box Carnet reads) + moov(mvhd, trak, udta)."""
    ftyp = box(b"ftyp", brand + struct.pack(">I", 0x200) + brand + b"iso2avc1mp41")
    trak = box(b"trak", tkhd(1920, 1080))
    children = mvhd(version=version, created=created, timescale=timescale, duration=duration) + trak
    if location is not None:
        children += box(b"udta", xyz(location))
    moov = box(b"moov", children)
    mdat = box(b"mdat", bytes(mdat_size))
    data = ftyp + moov + mdat if moov_first else ftyp + mdat + moov
    return _write(path, data)


def make_sparse_mp4(path: Path, *, mdat_payload: int) -> None:
    """An MP4 whose 64-bit mdat holds `mdat_payload` bytes of holes, moov after it.

    The file is sparse, so a multi-gigabyte video costs no disk and no time to make;
    reading it through would still take far longer than the test allows.
    """
    ftyp = box(b"ftyp", b"mp42" + bytes(4) + b"mp42isom")
    moov = box(
        b"moov",
        mvhd(version=1, created=MP4_EPOCH_OFFSET + 1_709_648_530, timescale=600, duration=600),
    )
    header = struct.pack(">I4sQ", 1, b"mdat", 16 + mdat_payload)
    with path.open("wb") as out:
        out.write(ftyp + header)
        out.seek(mdat_payload, io.SEEK_CUR)
        out.write(moov)
