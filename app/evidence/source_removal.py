"""`attach --delete-source`: the original goes only once its stored copy is proven.

The blob is decrypted again and its SHA-256 and size compared with what was read at
intake; only then is the source overwritten and unlinked (app.fsutil), and every way
that can fail is an outcome the person sees, not an exception: the file is attached
either way.
"""

from __future__ import annotations

from pathlib import Path

from app.errors import IntegrityError
from app.evidence import streaming
from app.evidence.attach_sources import os_reason
from app.evidence.blobs import BlobStore
from app.fsutil import UnlinkFailedError, overwrite_and_unlink
from app.models import Attachment, AttachOutcome


def delete_verified_source(
    blobs: BlobStore,
    path: Path,
    attachment: Attachment,
    sealed: streaming.SealedFile,
    identity: tuple[int, int],
) -> AttachOutcome:
    """Remove the original only once the blob is proven to decrypt to the same bytes.

    `identity` is the (device, inode) of the file that was read: a symbolic link's
    target is what gets overwritten and deleted (then the link), and a path that
    meanwhile names another file is left alone (app.fsutil.overwrite_and_unlink).
    """
    try:
        digest, size = streaming.digest(blobs, sealed.blob_id, sealed.key, sealed.chunk_size)
    except IntegrityError as exc:
        return AttachOutcome(str(path), attachment, source_error=exc.message)
    if digest != sealed.sha256 or size != sealed.size:
        return AttachOutcome(
            str(path), attachment, source_error="the stored copy did not verify; kept"
        )
    try:
        removal = overwrite_and_unlink(path, identity)
    except UnlinkFailedError as exc:
        done = "overwritten with zeros, but" if exc.overwritten else "not overwritten, and"
        return AttachOutcome(
            str(path),
            attachment,
            source_error=f"{done} could not be deleted: {os_reason(exc)}",
            source_overwritten=exc.overwritten,
        )
    except OSError as exc:
        return AttachOutcome(str(path), attachment, source_error=os_reason(exc))
    return AttachOutcome(
        str(path),
        attachment,
        source_deleted=True,
        source_overwritten=removal.overwritten,
        source_target=str(removal.removed) if removal.link is not None else None,
        source_link_kept=not removal.link_removed,
    )
