"""The attachments table: its columns, a row as an Attachment, and the insert of a
sealed file with its custody row in the same transaction, so no attachment exists
without the record of how it came."""

from __future__ import annotations

import json
import uuid
from typing import Any

from app.clock import Clock
from app.custody import CustodyAction, CustodyLog
from app.errors import NotFoundError
from app.evidence import streaming
from app.evidence.capture_metadata import CaptureMetadata
from app.incidents import require_incident
from app.models import Attachment
from app.store.database import Database

COLUMNS = (
    "id, uid, incident_id, original_name, media_type, size, sha256, added_at, "
    "captured_at, metadata, derived_from, derivation"
)
DERIVATION_STRIPPED = "stripped"


def register(
    db: Database,
    custody: CustodyLog,
    clock: Clock,
    incident_id: int,
    sealed: streaming.SealedFile,
    name: str,
    media_type: str,
    capture: CaptureMetadata,
    derived_from: int | None,
) -> Attachment:
    """Record a sealed blob as an attachment (a stripped copy when `derived_from` names
    its original) and its custody row, in one transaction."""
    with db.transaction() as conn:
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
                clock(),
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
        custody.append(
            conn,
            CustodyAction.STRIP if derived_from is not None else CustodyAction.ATTACH,
            subject(attachment_id),
            incident_id,
            details,
        )
        return attachment_from_row(fetch_row(conn, attachment_id))


def subject(attachment_id: int) -> str:
    """How custody rows name an attachment."""
    return f"attachment {attachment_id}"


def fetch_row(conn: Any, attachment_id: int) -> Any:
    """The row of one attachment (COLUMNS), or NotFoundError."""
    row = conn.execute(
        f"SELECT {COLUMNS} FROM attachments WHERE id = ?",  # noqa: S608
        (attachment_id,),
    ).fetchone()
    if row is None:
        raise NotFoundError(f"no attachment {attachment_id}")
    return row


def attachment_from_row(row: Any) -> Attachment:
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
