"""Stripped copies of images: the same picture, with nothing else in the file.

A photo's EXIF block can name the camera and its serial number, the place (GPS), the
time, the editing software and its owner; XMP, IPTC, PNG text chunks, GIF comments and
maker notes can hold even more. A defender who shares a photo of a checkpoint must be
able to share only the pixels. So the copy is made by decoding the image and encoding a
brand-new one from the pixels alone: there is nothing to forget to remove, because
nothing is copied over.

Decisions:
- Orientation is applied first (`ImageOps.exif_transpose`), so the copy looks the way
  the camera meant even though it carries no orientation tag.
- ICC colour profiles are not kept. Most are generic, but a profile can name a device,
  a calibration date or the software that made it. Instead, when a profile is present
  the pixels are converted to sRGB with it, so colours stay right without the profile.
- JPEG stays JPEG and WebP stays WebP (quality 92); PNG stays PNG; GIF (first frame),
  TIFF, BMP and AVIF become PNG.
- HEIC/HEIF (the iPhone's default, read through pillow-heif) becomes JPEG, quality 92:
  every recipient can open a JPEG, while HEIC needs a codec Windows does not ship, and
  a photo in PNG would be several times larger. Writing HEIF again would also mean
  running an HEVC encoder whose own settings string lands in the file. Depth maps,
  auxiliary images and thumbnails inside the HEIF are not carried over: only the
  primary image's pixels are.
- Everything happens in memory. Nothing ever touches the disk: a temporary file would
  be plaintext evidence left behind.

The decompression-bomb guard is shared with `app.evidence.capture`: Pillow's pixel limit
stays at its default and its warning is an error too, so an image that declares more
pixels than Carnet will open is refused before a single pixel is decoded.
"""

from __future__ import annotations

import io
import re
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from PIL import Image, ImageCms, ImageOps

from app.errors import RefusedFileError

MAX_STRIP_BYTES = 256 * 1024 * 1024
"""The largest encoded image Carnet re-encodes; the whole file is held in memory."""

JPEG_QUALITY = 92
WEBP_QUALITY = 92

# Media type -> the one Pillow format allowed to read it. Opening with a single format
# keeps Pillow from trying its other ~40 readers (EPS, for one, calls Ghostscript) on a
# file that claims to be something else.
PILLOW_FORMATS = {
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "image/gif": "GIF",
    "image/webp": "WEBP",
    "image/tiff": "TIFF",
    "image/bmp": "BMP",
    "image/avif": "AVIF",
    "image/heic": "HEIF",
    "image/heif": "HEIF",
}

# Input media type -> (Pillow format to write, media type written).
_OUTPUTS = {
    "image/jpeg": ("JPEG", "image/jpeg"),
    "image/png": ("PNG", "image/png"),
    "image/webp": ("WEBP", "image/webp"),
    "image/heic": ("JPEG", "image/jpeg"),
    "image/heif": ("JPEG", "image/jpeg"),
}
_PNG_OUTPUT = ("PNG", "image/png")

# Modes each output format can hold without loss worth keeping.
_KEPT_MODES = {
    "JPEG": frozenset({"L", "RGB"}),
    "PNG": frozenset({"L", "LA", "RGB", "RGBA", "I;16"}),
    "WEBP": frozenset({"RGB", "RGBA"}),
}
_ICC_CONVERTIBLE_MODES = frozenset({"RGB", "RGBA", "CMYK"})
_ALPHA_MODES = frozenset({"RGBA", "LA", "PA", "RGBa", "La"})

# Keys Pillow puts in `.info` when a file carries metadata; none may survive a strip.
_METADATA_KEYS = frozenset(
    {"exif", "xmp", "XML:com.adobe.xmp", "icc_profile", "comment", "photoshop", "iptc"}
)
_BOMB_PIXELS = re.compile(r"\((\d+) pixels\)")

# warnings.catch_warnings() swaps process-wide state; two threads using it at once can
# restore each other's filters. Carnet's own guarded sections therefore run one at a
# time, and every opened image is also checked against the limit directly.
_GUARD_LOCK = threading.Lock()
_HEIF_LOCK = threading.Lock()
HEIF_FORMAT = "HEIF"


@dataclass(frozen=True)
class StrippedImage:
    """A re-encoded image holding pixels only; `data` is kept out of the repr."""

    data: bytes = field(repr=False)
    media_type: str
    width: int
    height: int


def strip_image(data: bytes, media_type: str) -> StrippedImage:
    """Decode `data` and re-encode its pixels, upright, with no metadata at all.

    Raises RefusedFileError for an image that is too large, a type Carnet cannot
    re-encode, a decompression bomb, or data that does not decode.
    """
    if len(data) > MAX_STRIP_BYTES:
        raise RefusedFileError(
            f"the image is larger than {MAX_STRIP_BYTES // (1024 * 1024)} MiB; "
            "Carnet will not re-encode it"
        )
    read_format = PILLOW_FORMATS.get(media_type)
    if read_format is None or not pillow_can_read(read_format):
        raise RefusedFileError(f"Carnet cannot re-encode {media_type} images")
    write_format, out_type = _OUTPUTS.get(media_type, _PNG_OUTPUT)
    try:
        with bomb_guard("the image"):
            encoded, (width, height) = _reencode(data, read_format, write_format)
    except RefusedFileError:
        raise
    except Exception as exc:
        # Pillow raises many types on hostile input (OSError, ValueError, SyntaxError,
        # struct.error, EOFError, ...). Their messages are not shown: some quote bytes
        # from the file.
        raise RefusedFileError(
            "the image could not be decoded: it is damaged or not really "
            f"{media_type}; the original is kept unchanged"
        ) from exc
    _require_clean(encoded, write_format)
    return StrippedImage(data=encoded, media_type=out_type, width=width, height=height)


def _reencode(data: bytes, read_format: str, write_format: str) -> tuple[bytes, tuple[int, int]]:
    """Decode the first frame, turn it upright, and encode its pixels alone, in memory."""
    with Image.open(io.BytesIO(data), formats=[read_format]) as opened:
        check_pixels("the image", opened.size)
        upright = ImageOps.exif_transpose(opened)
    clean = _pixels_only(upright, write_format)
    del upright
    out = io.BytesIO()
    clean.save(out, format=write_format, **_save_options(write_format))
    return out.getvalue(), clean.size


def pillow_can_read(pillow_format: str) -> bool:
    """Whether this Pillow build has a reader for the format (HEIF needs a plugin).

    pillow-heif is registered on first need, not at import: it loads libheif, which the
    GUI's start-up does not need.
    """
    Image.init()
    if pillow_format == HEIF_FORMAT and pillow_format not in Image.OPEN:
        _register_heif()
    return pillow_format in Image.OPEN


def _register_heif() -> None:
    with _HEIF_LOCK:
        if HEIF_FORMAT in Image.OPEN:
            return
        try:
            import pillow_heif  # loaded on first need: it loads libheif
        except ImportError:
            return
        # Thumbnails and depth images are not decoded: only the primary image is used.
        pillow_heif.register_heif_opener(thumbnails=False, depth_images=False, aux_images=False)


@contextmanager
def bomb_guard(label: str) -> Iterator[None]:
    """Run Pillow work with decompression bombs refused, warning or error alike.

    `Image.MAX_IMAGE_PIXELS` keeps its default. Pillow raises DecompressionBombError
    above twice that limit and only warns above it; here the warning is an error too,
    and both become RefusedFileError. The filter is set locally, never globally.
    Pillow's other warnings ("Corrupt EXIF data", ...) only describe damage the caller
    already handles, so they are silenced here rather than printed by the CLI.
    """
    with _GUARD_LOCK, warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            yield
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise RefusedFileError(_bomb_message(label, str(exc))) from exc


def check_pixels(label: str, size: tuple[int, int]) -> None:
    """Refuse an opened image above Pillow's limit even if a warning filter was lost."""
    width, height = size
    limit = Image.MAX_IMAGE_PIXELS
    if limit is not None and max(1, width) * max(1, height) > limit:
        raise RefusedFileError(
            f"{label} declares {width}×{height} pixels, more than Carnet will open; "
            "refused as a possible decompression bomb"
        )


def _bomb_message(label: str, pillow_message: str) -> str:
    # Pillow's exception is raised before the image object exists, so only the pixel
    # count it reports is known here, not the width and height.
    match = _BOMB_PIXELS.search(pillow_message)
    declared = f"{int(match.group(1)):,} pixels" if match else "too many pixels"
    return (
        f"{label} declares {declared}, more than Carnet will open; "
        "refused as a possible decompression bomb"
    )


def _pixels_only(image: Image.Image, write_format: str) -> Image.Image:
    """A new image holding `image`'s pixels and nothing else (no info, no profile).

    JPEG input only decodes to grey, RGB or CMYK, so JPEG output never meets alpha;
    other inputs go to PNG or WebP, which keep transparency.
    """
    image = _to_srgb(image)
    if image.mode not in _KEPT_MODES[write_format]:
        if write_format == "JPEG":
            target = "L" if image.mode == "1" else "RGB"
        elif image.mode == "1" and write_format == "PNG":
            target = "L"
        else:
            has_alpha = image.mode in _ALPHA_MODES or image.has_transparency_data
            target = "RGBA" if has_alpha else "RGB"
        image = image.convert(target)
    fresh = Image.new(image.mode, image.size)
    fresh.paste(image)
    return fresh


def _to_srgb(image: Image.Image) -> Image.Image:
    """Apply an embedded ICC profile by converting to sRGB; the profile is then dropped.

    A profile that cannot be read or applied is ignored: the colours may then shift a
    little, which is better than refusing the copy or carrying the profile along.
    """
    icc = image.info.get("icc_profile")
    if not isinstance(icc, bytes) or not icc or image.mode not in _ICC_CONVERTIBLE_MODES:
        return image
    output_mode = "RGBA" if image.mode == "RGBA" else "RGB"
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        converted = ImageCms.profileToProfile(
            image, source, ImageCms.createProfile("sRGB"), outputMode=output_mode
        )
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return image
    return converted if converted is not None else image


def _save_options(write_format: str) -> dict[str, int]:
    if write_format == "JPEG":
        return {"quality": JPEG_QUALITY}
    if write_format == "WEBP":
        return {"quality": WEBP_QUALITY}
    return {}


def _require_clean(encoded: bytes, write_format: str) -> None:
    """Check the output once more: a copy with metadata in it must never leave here."""
    with Image.open(io.BytesIO(encoded), formats=[write_format]) as check:
        leaked = bool(_METADATA_KEYS.intersection(check.info)) or len(check.getexif()) > 0
    if leaked:
        raise RefusedFileError("the stripped copy still held metadata; it was not kept")
