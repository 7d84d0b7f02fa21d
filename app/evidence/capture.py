"""Capture metadata of evidence files: when, where and with what a file was made.

Read once, at intake, from the source file, and stored next to the attachment so a
reviewer can see when and where a photo or video says it was taken without opening
it. Everything that reads it parses files that came from outside, so every reader is
defensive, one module a format: images (app/evidence/capture_exif.py), MP4-family
videos (capture_bmff.py), PDFs (capture_pdf.py); what they return is
app/evidence/capture_metadata.py.

Nothing raises but RefusedFileError (a decompression bomb) and OSError (the file cannot
be opened at all).
"""

from __future__ import annotations

from pathlib import Path

from app.evidence.capture_bmff import BMFF_MEDIA_TYPES, bmff_metadata
from app.evidence.capture_exif import image_metadata
from app.evidence.capture_metadata import CaptureMetadata
from app.evidence.capture_pdf import pdf_metadata


def read_capture_metadata(path: Path, media_type: str) -> CaptureMetadata:
    """The capture metadata of the file at `path`, whose content type is `media_type`.

    Raises RefusedFileError for a decompression bomb and OSError when the file cannot
    be opened; damaged content gives a note or nothing, never an exception.
    """
    if media_type.startswith("image/"):
        return image_metadata(path, media_type)
    if media_type in BMFF_MEDIA_TYPES:
        with path.open("rb") as source:
            return bmff_metadata(source)
    if media_type == "application/pdf":
        with path.open("rb") as source:
            return pdf_metadata(source)
    return CaptureMetadata(None, {})
