"""Attachments: evidence files attached to incidents, kept as encrypted blobs.

Intake of one file is: sniff the media type and read capture metadata from the source,
seal it into a blob (one pass: read, SHA-256, encrypt), then register it in one
transaction together with its custody row. The blob is on disk and fsynced before the
row exists, so the database never names a missing blob; a crash in between leaves an
orphan that the next unlock sweeps. Each file is its own transaction, so one failure in
a batch loses nothing else.
"""

from __future__ import annotations

import hashlib
import io
import os
from collections.abc import Iterator, Sequence
from pathlib import Path

from app.clock import Clock, utc_now
from app.custody import CustodyAction, CustodyLog
from app.errors import (
    CancelledError,
    CarnetError,
    IntegrityError,
    NotFoundError,
    RefusedFileError,
    UsageError,
)
from app.evidence import streaming
from app.evidence.attach_sources import NO_SUCH_FILE, expand_sources, os_reason
from app.evidence.attachment_rows import (
    COLUMNS,
    DERIVATION_STRIPPED,
    attachment_from_row,
    fetch_row,
    register,
    subject,
)
from app.evidence.blobs import BlobStore
from app.evidence.capture import read_capture_metadata
from app.evidence.capture_metadata import CaptureMetadata
from app.evidence.file_names import safe_file_name, stripped_name
from app.evidence.media import HEAD_BYTES, sniff_media_type
from app.evidence.source_removal import delete_verified_source
from app.evidence.strip import can_strip, max_strip_bytes, strip_file
from app.fsutil import write_then_rename
from app.incidents import require_incident
from app.models import Attachment, AttachOutcome
from app.progress import CancelToken, Progress, no_progress
from app.store.database import Database
from crypto.blob_stream import DEFAULT_CHUNK_SIZE

STAGE_ATTACHING = "attaching"
STAGE_VERIFYING = "verifying"
STAGE_EXTRACTING = "extracting"


class AttachmentService:
    def __init__(
        self,
        db: Database,
        blobs: BlobStore,
        custody: CustodyLog,
        clock: Clock = utc_now,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
    ) -> None:
        self.db = db
        self.blobs = blobs
        self.custody = custody
        self.clock = clock
        self.chunk_size = chunk_size

    def __repr__(self) -> str:
        return f"AttachmentService({self.blobs.root})"

    # Intake -------------------------------------------------------------------------

    def attach(
        self,
        incident_id: int,
        sources: Sequence[Path],
        *,
        delete_source: bool = False,
        progress: Progress = no_progress,
        cancel: CancelToken | None = None,
    ) -> list[AttachOutcome]:
        """Attach files (folders are walked) to an incident, one transaction per file.

        Returns one outcome per file found, in order. A cancel stops before the next
        chunk: the file in progress is not registered, and the remaining files are
        reported as not attached; the files already attached stay attached.
        """
        with self.db.reading() as conn:
            require_incident(conn, incident_id)
        found = list(expand_sources(sources))
        total = sum(size for _, _, size, _ in found)
        done_before = 0
        outcomes: list[AttachOutcome] = []
        for index, (path, name, size, problem) in enumerate(found):
            if problem is not None:
                code = NotFoundError.exit_code if problem == NO_SUCH_FILE else UsageError.exit_code
                outcomes.append(AttachOutcome(str(path), error=problem, error_code=code))
                continue
            base = done_before

            def report(done: int, base: int = base) -> None:
                progress(base + done, total, STAGE_ATTACHING)

            try:
                outcomes.append(
                    self._attach_one(incident_id, path, name, delete_source, report, cancel)
                )
            except CancelledError as exc:
                outcomes.extend(
                    AttachOutcome(str(p), error="cancelled", error_code=exc.exit_code)
                    for p, _, _, _ in found[index:]
                )
                break
            except CarnetError as exc:
                outcomes.append(
                    AttachOutcome(str(path), error=exc.message, error_code=exc.exit_code)
                )
            except OSError as exc:
                outcomes.append(
                    AttachOutcome(str(path), error=os_reason(exc), error_code=CarnetError.exit_code)
                )
            done_before += size
        progress(total, total, STAGE_ATTACHING)
        return outcomes

    def _attach_one(
        self,
        incident_id: int,
        path: Path,
        name: str,
        delete_source: bool,
        report: streaming.ByteProgress,
        cancel: CancelToken | None,
    ) -> AttachOutcome:
        with path.open("rb") as source:
            opened = os.fstat(source.fileno())
            identity = (opened.st_dev, opened.st_ino)
            head = source.read(HEAD_BYTES)
            media_type = sniff_media_type(head, name)
            capture = read_capture_metadata(path, media_type)
            source.seek(0)
            with self.blobs.intake_lock():
                sealed = streaming.seal(
                    source, self.blobs, chunk_size=self.chunk_size, progress=report, cancel=cancel
                )
                try:
                    attachment = register(
                        self.db,
                        self.custody,
                        self.clock,
                        incident_id,
                        sealed,
                        name,
                        media_type,
                        capture,
                        derived_from=None,
                    )
                except BaseException:
                    self.blobs.remove([sealed.blob_id])
                    raise
        if not delete_source:
            return AttachOutcome(str(path), attachment)
        return delete_verified_source(self.blobs, path, attachment, sealed, identity)

    # Reading -------------------------------------------------------------------------

    def get(self, attachment_id: int) -> Attachment:
        with self.db.reading() as conn:
            return attachment_from_row(fetch_row(conn, attachment_id))

    def list_for(self, incident_id: int) -> list[Attachment]:
        with self.db.reading() as conn:
            require_incident(conn, incident_id)
            rows = conn.execute(
                f"SELECT {COLUMNS} FROM attachments WHERE incident_id = ? ORDER BY id",  # noqa: S608
                (incident_id,),
            ).fetchall()
        return [attachment_from_row(row) for row in rows]

    def chunks(self, attachment_id: int) -> Iterator[bytes]:
        """The plaintext, verified chunk by chunk (the stream fails if anything was changed).

        The last chunk is followed by a check of the whole file's SHA-256 against the
        hash fixed at intake. For export: a consumer must not trust the bytes before the
        iterator has finished without raising.
        """
        blob_id, key, chunk_size, expected = self._secret_row(attachment_id)
        hasher = hashlib.sha256()
        for chunk in streaming.open_chunks(self.blobs, blob_id, key, chunk_size):
            hasher.update(chunk)
            yield chunk
        if hasher.hexdigest() != expected:
            raise IntegrityError(f"attachment {attachment_id} does not match its recorded hash")

    def extract(
        self,
        attachment_id: int,
        out: Path,
        *,
        progress: Progress = no_progress,
        cancel: CancelToken | None = None,
    ) -> Path:
        """Decrypt to `out` (a new file, or a folder to put it in under its own name).

        The plaintext goes to a temporary file beside the target, renamed into place only
        after every chunk and the whole-file hash verified; on any failure it is removed,
        so no partial output is left behind.
        """
        attachment = self.get(attachment_id)
        target = out / safe_file_name(attachment.original_name) if out.is_dir() else out
        if target.exists() or target.is_symlink():
            raise UsageError(f"{target} already exists; choose another path")
        if not target.parent.is_dir():
            raise UsageError(f"no folder {target.parent}")
        done = 0
        with write_then_rename(target, target.name) as handle:
            for chunk in self.chunks(attachment_id):
                if cancel is not None:
                    cancel.raise_if_cancelled()
                handle.write(chunk)
                done += len(chunk)
                progress(done, attachment.size, STAGE_EXTRACTING)
        self.custody.record(
            CustodyAction.EXTRACT,
            subject(attachment_id),
            attachment.incident_id,
            {"sha256": attachment.sha256, "size": attachment.size},
        )
        return target

    # Changes -------------------------------------------------------------------------

    def strip(self, attachment_id: int) -> Attachment:
        """Make (or return) the copy of a file without its metadata (app.evidence.strip).

        The original is never altered: its hash is the evidence. The copy is made in
        memory only (the decrypted original and the copy, nothing on disk), then sealed
        like any attachment.
        """
        original = self.get(attachment_id)
        if original.derived_from is not None:
            raise UsageError(f"attachment {attachment_id} is already a stripped copy")
        with self.db.reading() as conn:
            existing = conn.execute(
                "SELECT id FROM attachments WHERE derived_from = ? AND derivation = ?",
                (attachment_id, DERIVATION_STRIPPED),
            ).fetchone()
        if existing is not None:
            return self.get(int(existing[0]))
        if not can_strip(original.media_type):
            raise RefusedFileError(
                f"attachment {attachment_id} is {original.media_type}; Carnet cannot strip "
                "metadata from that type (images; video and audio in MP4, MOV, 3GP, M4A, "
                "WebM, MKV, Ogg, MP3, WAV, FLAC; PDF)"
            )
        cap = max_strip_bytes(original.media_type)
        if original.size > cap:
            raise RefusedFileError(
                f"attachment {attachment_id} is larger than {cap // (1024 * 1024)} MiB, "
                "the most Carnet strips (in memory)"
            )
        # bytes, not a bytearray: io.BytesIO over bytes shares the buffer instead of
        # copying it, which matters for a 1 GiB video.
        data = b"".join(self.chunks(attachment_id))
        stripped = strip_file(data, original.media_type)
        del data
        name = stripped_name(original.original_name, stripped.media_type)
        with self.blobs.intake_lock():
            sealed = streaming.seal(
                io.BytesIO(stripped.data), self.blobs, chunk_size=self.chunk_size
            )
            try:
                return register(
                    self.db,
                    self.custody,
                    self.clock,
                    original.incident_id,
                    sealed,
                    name,
                    stripped.media_type,
                    CaptureMetadata(None, stripped.fields),
                    derived_from=attachment_id,
                )
            except BaseException:
                self.blobs.remove([sealed.blob_id])
                raise

    def stripped_copy(self, attachment_id: int) -> Attachment | None:
        with self.db.reading() as conn:
            row = conn.execute(
                f"SELECT {COLUMNS} FROM attachments WHERE derived_from = ? AND derivation = ?",  # noqa: S608
                (attachment_id, DERIVATION_STRIPPED),
            ).fetchone()
        return attachment_from_row(row) if row is not None else None

    def delete(self, attachment_id: int) -> None:
        """Delete an attachment (and its stripped copy): rows first, then the blobs."""
        with self.db.transaction() as conn:
            attachment = attachment_from_row(fetch_row(conn, attachment_id))
            blob_ids = [
                str(row[0])
                for row in conn.execute(
                    "SELECT blob_id FROM attachments WHERE id = ? OR derived_from = ?",
                    (attachment_id, attachment_id),
                )
            ]
            conn.execute("DELETE FROM attachments WHERE id = ?", (attachment_id,))
            self.custody.append(
                conn,
                CustodyAction.DELETE,
                subject(attachment_id),
                attachment.incident_id,
                {"sha256": attachment.sha256},
            )
        self.blobs.remove(blob_ids)

    def sweep_orphans(self) -> int | None:
        """Remove blobs no row names (left by a crash). None if an intake is running."""
        with self.db.reading() as conn:
            known = {str(row[0]) for row in conn.execute("SELECT blob_id FROM attachments")}
        return self.blobs.sweep(known)

    def _secret_row(self, attachment_id: int) -> tuple[str, bytes, int, str]:
        with self.db.reading() as conn:
            row = conn.execute(
                "SELECT blob_id, file_key, chunk_size, sha256 FROM attachments WHERE id = ?",
                (attachment_id,),
            ).fetchone()
        if row is None:
            raise NotFoundError(f"no attachment {attachment_id}")
        return str(row[0]), bytes(row[1]), int(row[2]), str(row[3])
