"""What an export with --strip-metadata ships for each attachment.

A file whose metadata Carnet cannot remove is never shipped silently as if it had been
stripped. The export first lists every such file: a type Carnet has no strip for (an
office document, an archive, MP3's ID3 tags), one above its strip's size cap, and one
whose strip failed (damaged, encrypted, a copy that still held metadata). If there is
any, the export stops and names them all (attachment and incident ids and media types,
never file names: error messages hold no user data), unless the user chose what to do
with them: `include` ships those originals unstripped (incidents.json marks each file
"stripped": false), `exclude` leaves them out of the bundle.

Cheap checks run before any strip, so an export that will stop anyway does not first
spend minutes remuxing videos. Stripped copies made before a stop are kept in the vault
(they are ordinary derived attachments, reused by the next export).
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass

from app.errors import RefusedFileError
from app.evidence.attachments import AttachmentService
from app.evidence.strip import can_strip, max_strip_bytes, needs_no_strip
from app.models import Attachment

UNSTRIPPED_OPTION = "--unstripped-files"


class Unstripped(enum.StrEnum):
    """The user's choice for files Carnet cannot strip."""

    INCLUDE = "include"
    EXCLUDE = "exclude"


@dataclass(frozen=True)
class UnstrippedFile:
    attachment_id: int
    incident_id: int
    media_type: str
    reason: str

    def describe(self) -> str:
        return (
            f"attachment {self.attachment_id} of incident {self.incident_id} "
            f"({self.media_type}: {self.reason})"
        )


@dataclass(frozen=True)
class StripPlan:
    """original id -> what to ship; an original absent from `shipped` is left out."""

    shipped: dict[int, Attachment]
    unstripped: tuple[UnstrippedFile, ...]


def plan(
    attachments: AttachmentService,
    originals: Sequence[Attachment],
    choice: Unstripped | None,
) -> StripPlan:
    """Strip every original that can be, and apply `choice` to the rest (or stop)."""
    problems = [p for p in (_cheap_problem(a) for a in originals) if p is not None]
    _stop_unless_chosen(problems, choice)
    refused = {p.attachment_id for p in problems}
    shipped: dict[int, Attachment] = {}
    for original in originals:
        if original.id in refused:
            continue
        if needs_no_strip(original.media_type):
            shipped[original.id] = original
            continue
        try:
            shipped[original.id] = attachments.strip(original.id)
        except RefusedFileError as exc:
            problems.append(_problem(original, exc.message))
    _stop_unless_chosen(problems, choice)
    if choice is Unstripped.INCLUDE:
        for original in originals:
            if original.id not in shipped:
                shipped[original.id] = original
    return StripPlan(shipped, tuple(problems))


def _cheap_problem(original: Attachment) -> UnstrippedFile | None:
    media_type = original.media_type
    if needs_no_strip(media_type):
        return None
    if not can_strip(media_type):
        return _problem(original, "Carnet has no metadata strip for this type")
    cap = max_strip_bytes(media_type)
    if original.size > cap:
        return _problem(original, f"larger than {cap // (1024 * 1024)} MiB, the strip's limit")
    return None


def _problem(original: Attachment, reason: str) -> UnstrippedFile:
    return UnstrippedFile(original.id, original.incident_id, original.media_type, reason)


def _stop_unless_chosen(problems: Sequence[UnstrippedFile], choice: Unstripped | None) -> None:
    if not problems or choice is not None:
        return
    count = len(problems)
    raise RefusedFileError(
        f"--strip-metadata: {count} file{'s' if count != 1 else ''} cannot be stripped, so "
        "nothing was exported: "
        + "; ".join(p.describe() for p in problems)
        + f". Add {UNSTRIPPED_OPTION} include to ship them with their metadata, or "
        f"{UNSTRIPPED_OPTION} exclude to leave them out"
    )
