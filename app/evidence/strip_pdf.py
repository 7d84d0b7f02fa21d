"""Stripped copies of PDF documents: the same pages, without the document's metadata.

A PDF's Info dictionary names its author, the software that made it and when; its XMP
packet (the catalog's /Metadata stream) repeats that and can hold much more (the
editing history, the original file name, a device). Pages, images and fonts can carry
their own /Metadata streams, and applications keep private data in /PieceInfo. An
incrementally updated PDF still holds every earlier revision, old metadata included.

The copy is written by qpdf (pikepdf) from the parsed objects, so earlier revisions and
unreferenced objects are gone. Removed: the trailer's /Info, and every /Metadata stream
and /PieceInfo dictionary (application private data) named by any object, the catalog
and the pages included. The trailer /ID is regenerated from the content (deterministic),
so it no longer matches the one the author's copy carries.

Not removed, and said so in the README: the document's own visible content (text,
annotations and their author names, form field values, embedded files), and metadata
inside embedded images' own bytes (a JPEG photo placed on a page keeps its EXIF: the
image streams are copied, not re-encoded).

In memory only, like the other strips; the output is opened again and checked.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

import pikepdf

from app.errors import RefusedFileError

MAX_STRIP_PDF_BYTES = 256 * 1024 * 1024
"""The largest PDF Carnet rewrites; the original and the copy are both held in memory."""

_METADATA_KEYS = (pikepdf.Name.Metadata, pikepdf.Name.PieceInfo)


@dataclass(frozen=True)
class StrippedPdf:
    """A rewritten PDF with no document metadata; `data` is kept out of the repr."""

    data: bytes = field(repr=False)
    pages: int


def strip_pdf(data: bytes) -> StrippedPdf:
    """Rewrite `data` without its Info dictionary, XMP or other metadata streams.

    Raises RefusedFileError for a file that is too large, encrypted with a password,
    damaged beyond what qpdf can read, or a copy that still holds metadata.
    """
    if len(data) > MAX_STRIP_PDF_BYTES:
        raise RefusedFileError(
            f"the PDF is larger than {MAX_STRIP_PDF_BYTES // (1024 * 1024)} MiB; "
            "Carnet will not rewrite it"
        )
    try:
        rewritten = _rewrite(data)
        pages = _require_clean(rewritten)
    except RefusedFileError:
        raise
    except pikepdf.PasswordError as exc:
        raise RefusedFileError(
            "the PDF is password-protected; Carnet cannot strip it (the original is kept)"
        ) from exc
    except Exception as exc:
        # qpdf's messages quote object numbers and sometimes strings from the file.
        raise RefusedFileError(
            "the PDF could not be read: it is damaged or truncated; the original is kept unchanged"
        ) from exc
    return StrippedPdf(rewritten, pages)


def _rewrite(data: bytes) -> bytes:
    # Recovery is off: a PDF qpdf has to reconstruct is refused rather than guessed at.
    with pikepdf.open(io.BytesIO(data), attempt_recovery=False) as pdf:
        if pdf.is_encrypted:
            raise RefusedFileError(
                "the PDF is encrypted; Carnet cannot strip it (the original is kept)"
            )
        remove_metadata(pdf)
        out = io.BytesIO()
        # Streams are copied as they are, never decoded or recompressed: a small PDF can
        # hold a stream that inflates to gigabytes, and the page content needs no change.
        pdf.save(
            out,
            deterministic_id=True,
            linearize=False,
            compress_streams=False,
            stream_decode_level=pikepdf.StreamDecodeLevel.none,
        )
    return out.getvalue()


def remove_metadata(pdf: pikepdf.Pdf) -> None:
    """Drop the Info dictionary and every /Metadata and /PieceInfo entry, everywhere."""
    if pikepdf.Name.Info in pdf.trailer:
        del pdf.trailer[pikepdf.Name.Info]
    for obj in _dictionaries(pdf):
        for key in _METADATA_KEYS:
            if key in obj:
                del obj[key]


def _dictionaries(pdf: pikepdf.Pdf) -> list[pikepdf.Object]:
    """Every dictionary and stream in the file, direct ones inside other objects too.

    Direct objects cannot form cycles (only references can), so the walk below each
    indirect object ends; references are not followed, since each indirect object is
    visited from `pdf.objects` anyway.
    """
    found: list[pikepdf.Object] = []
    pending: list[pikepdf.Object] = [pdf.Root, *pdf.objects]
    while pending:
        obj = pending.pop()
        if isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
            found.append(obj)
            children = list(obj.values())
        elif isinstance(obj, pikepdf.Array):
            children = list(obj)
        else:
            continue
        pending.extend(
            child
            for child in children
            if isinstance(child, pikepdf.Dictionary | pikepdf.Array) and not child.is_indirect
        )
    return found


def _require_clean(rewritten: bytes) -> int:
    """Open the copy again: no Info, no XMP, no metadata stream anywhere."""
    with pikepdf.open(io.BytesIO(rewritten), attempt_recovery=False) as check:
        leaked = pikepdf.Name.Info in check.trailer
        leaked = leaked or any(key in obj for obj in _dictionaries(check) for key in _METADATA_KEYS)
        pages = len(check.pages)
    if leaked:
        raise RefusedFileError("the stripped copy still held metadata; it was not kept")
    return pages
