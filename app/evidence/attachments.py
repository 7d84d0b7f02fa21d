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
import json
import os
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path, PurePath
from typing import Any

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
from app.evidence.blobs import BlobStore
from app.evidence.capture import read_capture_metadata
from app.evidence.capture_metadata import CaptureMetadata
from app.evidence.media import HEAD_BYTES, sniff_media_type
from app.evidence.strip import can_strip, max_strip_bytes, strip_file
from app.fsutil import UnlinkFailedError, overwrite_and_unlink, write_then_rename
from app.incidents import require_incident
from app.models import Attachment, AttachOutcome
from app.progress import CancelToken, Progress, no_progress
from app.store.database import Database
from crypto.blob_stream import DEFAULT_CHUNK_SIZE

_COLUMNS = (
    "id, uid, incident_id, original_name, media_type, size, sha256, added_at, "
    "captured_at, metadata, derived_from, derivation"
)
DERIVATION_STRIPPED = "stripped"
STAGE_ATTACHING = "attaching"
STAGE_VERIFYING = "verifying"
STAGE_EXTRACTING = "extracting"
MAX_NAME_CHARS = 255
NO_SUCH_FILE = "no such file"


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
        found = list(_expand(sources))
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
                    AttachOutcome(
                        str(path), error=_os_reason(exc), error_code=CarnetError.exit_code
                    )
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
                    attachment = self._register(
                        incident_id, sealed, name, media_type, capture, derived_from=None
                    )
                except BaseException:
                    self.blobs.remove([sealed.blob_id])
                    raise
        if not delete_source:
            return AttachOutcome(str(path), attachment)
        return self._delete_source(path, attachment, sealed, identity)

    def _delete_source(
        self,
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
            digest, size = streaming.digest(
                self.blobs, sealed.blob_id, sealed.key, sealed.chunk_size
            )
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
                source_error=f"{done} could not be deleted: {_os_reason(exc)}",
                source_overwritten=exc.overwritten,
            )
        except OSError as exc:
            return AttachOutcome(str(path), attachment, source_error=_os_reason(exc))
        return AttachOutcome(
            str(path),
            attachment,
            source_deleted=True,
            source_overwritten=removal.overwritten,
            source_target=str(removal.removed) if removal.link is not None else None,
            source_link_kept=not removal.link_removed,
        )

    def _register(
        self,
        incident_id: int,
        sealed: streaming.SealedFile,
        name: str,
        media_type: str,
        capture: CaptureMetadata,
        derived_from: int | None,
    ) -> Attachment:
        with self.db.transaction() as conn:
            require_incident(conn, incident_id)
            cursor = conn.execute(
                "INSERT INTO attachments (uid, incident_id, blob_id, file_key, chunk_size, "
                "original_name, media_type, size, sha256, added_at, captured_at, metadata, "
                "derived_from, derivation) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    uuid.uuid4().hex,
                    incident_id,
                    sealed.blob_id,
                    sealed.key,
                    sealed.chunk_size,
                    name,
                    media_type,
                    sealed.size,
                    sealed.sha256,
                    self.clock(),
                    capture.captured_at,
                    json.dumps(capture.fields, ensure_ascii=False, sort_keys=True),
                    derived_from,
                    DERIVATION_STRIPPED if derived_from is not None else None,
                ),
            )
            attachment_id = int(cursor.lastrowid)
            details: dict[str, object] = {
                "sha256": sealed.sha256,
                "size": sealed.size,
                "media_type": media_type,
            }
            if derived_from is not None:
                details["derived_from"] = derived_from
            self.custody.append(
                conn,
                CustodyAction.STRIP if derived_from is not None else CustodyAction.ATTACH,
                _subject(attachment_id),
                incident_id,
                details,
            )
            return _attachment(_fetch_row(conn, attachment_id))

    # Reading -------------------------------------------------------------------------

    def get(self, attachment_id: int) -> Attachment:
        with self.db.reading() as conn:
            return _attachment(_fetch_row(conn, attachment_id))

    def list_for(self, incident_id: int) -> list[Attachment]:
        with self.db.reading() as conn:
            require_incident(conn, incident_id)
            rows = conn.execute(
                f"SELECT {_COLUMNS} FROM attachments WHERE incident_id = ? ORDER BY id",  # noqa: S608
                (incident_id,),
            ).fetchall()
        return [_attachment(row) for row in rows]

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
            _subject(attachment_id),
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
        name = _stripped_name(original.original_name, stripped.media_type)
        with self.blobs.intake_lock():
            sealed = streaming.seal(
                io.BytesIO(stripped.data), self.blobs, chunk_size=self.chunk_size
            )
            try:
                return self._register(
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
                f"SELECT {_COLUMNS} FROM attachments WHERE derived_from = ? AND derivation = ?",  # noqa: S608
                (attachment_id, DERIVATION_STRIPPED),
            ).fetchone()
        return _attachment(row) if row is not None else None

    def delete(self, attachment_id: int) -> None:
        """Delete an attachment (and its stripped copy): rows first, then the blobs."""
        with self.db.transaction() as conn:
            attachment = _attachment(_fetch_row(conn, attachment_id))
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
                _subject(attachment_id),
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


def safe_file_name(name: str) -> str:
    """The last component of a stored name, made safe to create in a folder."""
    base = PurePath(name.replace("\\", "/")).name
    cleaned = "".join(ch for ch in base if ch.isprintable() and ch not in "/\x00")
    cleaned = cleaned.lstrip(".").strip()
    return cleaned[:MAX_NAME_CHARS] or "attachment"


def _expand(sources: Sequence[Path]) -> Iterator[tuple[Path, str, int, str | None]]:
    """(path, name to record, size, problem) for every file named or inside a named folder.

    Symbolic links inside folders are skipped (reported), so walking a folder never
    leaves it; a link named on the command line is followed, since the user chose it.
    """
    for source in sources:
        try:
            source.stat()
        except FileNotFoundError:
            yield source, source.name, 0, NO_SUCH_FILE
            continue
        except OSError as exc:  # a name too long, a folder we may not enter, ...
            yield source, source.name[:MAX_NAME_CHARS], 0, exc.strerror or "cannot be read"
            continue
        if source.is_dir():
            for root, dirs, files in os.walk(source):
                dirs.sort()
                for name in sorted(files):
                    path = Path(root) / name
                    relative = path.relative_to(source.parent).as_posix()
                    if path.is_symlink():
                        yield path, relative, 0, "a symbolic link inside a folder; skipped"
                    elif not path.is_file():
                        yield path, relative, 0, "not a regular file; skipped"
                    else:
                        yield path, relative, path.stat().st_size, None
        elif source.is_file():
            yield source, source.name, source.stat().st_size, None
        elif source.exists():
            yield source, source.name, 0, "not a regular file"
        else:
            yield source, source.name, 0, NO_SUCH_FILE


_STRIPPED_EXTENSIONS = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/webp": ".webp",
    "video/mp4": ".mp4",
    "video/quicktime": ".mov",
    "video/3gpp": ".3gp",
    "video/3gpp2": ".3g2",
    "audio/mp4": ".m4a",
    "video/webm": ".webm",
    "video/matroska": ".mkv",
    "audio/ogg": ".ogg",
    "audio/mpeg": ".mp3",
    "audio/wav": ".wav",
    "audio/flac": ".flac",
    "application/pdf": ".pdf",
}


def _stripped_name(original: str, media_type: str) -> str:
    extension = _STRIPPED_EXTENSIONS.get(media_type, "")
    stem = PurePath(original.replace("\\", "/")).stem or "file"
    return f"{stem}-stripped{extension}"


def _subject(attachment_id: int) -> str:
    return f"attachment {attachment_id}"


def _fetch_row(conn: Any, attachment_id: int) -> Any:
    row = conn.execute(
        f"SELECT {_COLUMNS} FROM attachments WHERE id = ?",  # noqa: S608
        (attachment_id,),
    ).fetchone()
    if row is None:
        raise NotFoundError(f"no attachment {attachment_id}")
    return row


def _attachment(row: Any) -> Attachment:
    return Attachment(
        id=int(row[0]),
        uid=str(row[1]),
        incident_id=int(row[2]),
        original_name=str(row[3]),
        media_type=str(row[4]),
        size=int(row[5]),
        sha256=str(row[6]),
        added_at=str(row[7]),
        captured_at=row[8],
        metadata=json.loads(row[9]),
        derived_from=row[10],
        derivation=row[11],
    )


def _os_reason(exc: OSError) -> str:
    return exc.strerror.lower() if exc.strerror else "I/O error"
