"""Which files Carnet can strip of metadata, and the one entry point that does it.

Three kinds of file are stripped, each by its own module:
- images (app.evidence.images): decoded and re-encoded from the pixels alone;
- video and audio containers (app.evidence.strip_video): remuxed without tags or
  metadata tracks, the streams copied bit for bit;
- PDF documents (app.evidence.strip_pdf): rewritten without Info, XMP or metadata
  streams.

A few text formats hold no metadata beyond their visible content, so there is nothing
to strip: `needs_no_strip` says so, and an export ships them as they are. Every other
type (office documents, archives, AMR, AVI, ...) is one Carnet cannot strip yet;
an export with --strip-metadata then stops and names them, unless the user says what
to do with them (app.export.exporter).

Each strip re-opens its own output and refuses it if any metadata survived.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.errors import RefusedFileError
from app.evidence.images import MAX_STRIP_BYTES, PILLOW_FORMATS, pillow_can_read, strip_image

PDF = "application/pdf"
# The video/audio and PDF strips (PyAV with FFmpeg, pikepdf with qpdf) are imported by the
# functions below, at their first use, not with this module: opening a notebook imports
# this module, and loading those libraries cost the unlock ~0.3 s (issue 12).

# Plain text has no place for hidden metadata: what it holds is what the reader sees.
# HTML is not here: its <meta> elements name authors and generators.
METADATA_FREE_TYPES = frozenset({"text/plain", "text/csv", "text/markdown", "application/json"})


@dataclass(frozen=True)
class StrippedFile:
    """A stripped copy: its bytes (not in the repr), type, and what to record about it."""

    data: bytes = field(repr=False)
    media_type: str
    fields: dict[str, Any]


def can_strip(media_type: str) -> bool:
    """Whether Carnet has a strip for files of this type (in this build)."""
    from app.evidence import strip_video  # at first use (see PDF above)

    if media_type in PILLOW_FORMATS:
        return pillow_can_read(PILLOW_FORMATS[media_type])
    return media_type in strip_video.MUXERS or media_type == PDF


def needs_no_strip(media_type: str) -> bool:
    """Whether files of this type carry no metadata beyond their visible content."""
    return media_type in METADATA_FREE_TYPES


def max_strip_bytes(media_type: str) -> int:
    """The size cap of the strip for this type: each one holds the file in memory."""
    from app.evidence import strip_pdf, strip_video  # at first use (see PDF above)

    if media_type in strip_video.MUXERS:
        return strip_video.MAX_STRIP_MEDIA_BYTES
    if media_type == PDF:
        return strip_pdf.MAX_STRIP_PDF_BYTES
    return MAX_STRIP_BYTES


def strip_file(data: bytes, media_type: str) -> StrippedFile:
    """The copy of `data` without metadata; RefusedFileError if it cannot be made."""
    from app.evidence import strip_pdf, strip_video  # at first use (see PDF above)

    if media_type in PILLOW_FORMATS:
        image = strip_image(data, media_type)
        return StrippedFile(
            image.data, image.media_type, {"width": image.width, "height": image.height}
        )
    if media_type in strip_video.MUXERS:
        media = strip_video.strip_media(data, media_type)
        fields: dict[str, Any] = {"streams": media.streams}
        if media.duration_seconds is not None:
            fields["duration_seconds"] = round(media.duration_seconds, 3)
        return StrippedFile(media.data, media.media_type, fields)
    if media_type == PDF:
        document = strip_pdf.strip_pdf(data)
        return StrippedFile(document.data, PDF, {"pages": document.pages})
    raise RefusedFileError(f"Carnet cannot strip metadata from {media_type} files")
