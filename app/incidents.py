"""Incidents: add (one or a batch), read, list, update, delete."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Sequence
from typing import Any

from app import search_index, validation
from app.clock import Clock, utc_now
from app.custody import CustodyAction, CustodyLog
from app.dates import EventDate, parse_event_date
from app.errors import NotFoundError, ValidationError
from app.evidence.blobs import BlobStore
from app.models import Incident, IncidentDetail, IncidentInput
from app.progress import CancelToken, Progress, no_progress
from app.store.database import Database

_COLUMNS = (
    "id, uid, title, narrative, date_from, date_to, date_precision, location, country, "
    "latitude, longitude, status, sensitivity, created_at, updated_at"
)
BATCH_PROGRESS_EVERY = 250


class IncidentService:
    """Incidents, each change recorded in the custody log in the same transaction.

    Deleting an incident deletes its attachments: their rows go with the incident's
    (ON DELETE CASCADE) and their blobs are removed once that has committed.
    """

    def __init__(
        self, db: Database, custody: CustodyLog, blobs: BlobStore, clock: Clock = utc_now
    ) -> None:
        self.db = db
        self.custody = custody
        self.blobs = blobs
        self.clock = clock

    def add(self, data: IncidentInput) -> int:
        return self.add_many([data])[0]

    def add_many(
        self,
        items: Sequence[IncidentInput],
        progress: Progress = no_progress,
        cancel: CancelToken | None = None,
    ) -> list[int]:
        """Validate everything first, then insert all in one transaction (all or none)."""
        checked = []
        for index, item in enumerate(items):
            try:
                checked.append(validation.incident_and_date(item))
            except ValidationError as exc:
                if len(items) == 1:
                    raise
                raise ValidationError(f"incident #{index + 1}: {exc.message}") from None
        ids: list[int] = []
        now = self.clock()
        with self.db.transaction() as conn:
            custody = self.custody.appender(conn)  # the chain head read once per batch
            for index, (item, event) in enumerate(checked):
                if cancel is not None and index % BATCH_PROGRESS_EVERY == 0:
                    cancel.raise_if_cancelled()
                ids.append(self._insert(conn, item, now, event))
                if index % BATCH_PROGRESS_EVERY == 0:
                    progress(index, len(checked), "importing")
            # The FTS5 reindex runs while a worker signs the custody rows (append_many).
            custody.append_many(
                [(CustodyAction.CREATE, _subject(i), i, None) for i in ids],
                alongside=lambda: search_index.reindex(conn, ids),
            )
            if cancel is not None:
                cancel.raise_if_cancelled()
        progress(len(checked), len(checked), "importing")
        return ids

    def get(self, incident_id: int) -> Incident:
        with self.db.reading() as conn:
            row = conn.execute(
                f"SELECT {_COLUMNS} FROM incidents WHERE id = ?",
                (incident_id,),
            ).fetchone()
            if row is None:
                raise NotFoundError(f"no incident {incident_id}")
            return _incident(conn, row)

    def detail(self, incident_id: int) -> IncidentDetail:
        from app.interventions import InterventionService
        from app.people import PersonService

        incident = self.get(incident_id)
        return IncidentDetail(
            incident=incident,
            people=tuple(PersonService(self.db, self.clock).links_for_incident(incident_id)),
            interventions=tuple(InterventionService(self.db, self.clock).list_for(incident_id)),
        )

    def list_newest(self, *, limit: int | None = None, offset: int = 0) -> list[Incident]:
        """Newest event first (undated last), then newest id."""
        with self.db.reading() as conn:
            rows = conn.execute(
                f"SELECT {_COLUMNS} FROM incidents "
                "ORDER BY date_from IS NULL, date_from DESC, id DESC LIMIT ? OFFSET ?",
                (-1 if limit is None else limit, offset),
            ).fetchall()
            return [_incident(conn, row) for row in rows]

    def count(self) -> int:
        with self.db.reading() as conn:
            return int(conn.execute("SELECT count(*) FROM incidents").fetchone()[0])

    def update(self, incident_id: int, data: IncidentInput) -> Incident:
        item = validation.incident(data)
        with self.db.transaction() as conn:
            row = conn.execute(
                f"SELECT {_COLUMNS} FROM incidents WHERE id = ?",
                (incident_id,),
            ).fetchone()
            if row is None:
                raise NotFoundError(f"no incident {incident_id}")
            before = _incident(conn, row).to_input()
            conn.execute(
                "UPDATE incidents SET title=?, narrative=?, date_from=?, date_to=?, "
                "date_precision=?, location=?, country=?, latitude=?, longitude=?, status=?, "
                "sensitivity=?, updated_at=? WHERE id=?",
                (*column_values(item), self.clock(), incident_id),
            )
            conn.execute("DELETE FROM incident_violations WHERE incident_id = ?", (incident_id,))
            conn.execute("DELETE FROM incident_tags WHERE incident_id = ?", (incident_id,))
            self._insert_lists(conn, incident_id, item)
            search_index.reindex(conn, [incident_id])
            changed = _changed_fields(before, item)
            self.custody.append(
                conn, CustodyAction.EDIT, _subject(incident_id), incident_id, {"changed": changed}
            )
        return self.get(incident_id)

    def delete(self, incident_id: int) -> None:
        with self.db.transaction() as conn:
            blob_ids = [
                str(row[0])
                for row in conn.execute(
                    "SELECT blob_id FROM attachments WHERE incident_id = ?", (incident_id,)
                )
            ]
            cursor = conn.execute("DELETE FROM incidents WHERE id = ?", (incident_id,))
            if cursor.rowcount == 0:
                raise NotFoundError(f"no incident {incident_id}")
            search_index.remove(conn, incident_id)
            self.custody.append(
                conn,
                CustodyAction.DELETE,
                _subject(incident_id),
                incident_id,
                {"attachments_deleted": len(blob_ids)},
            )
        self.blobs.remove(blob_ids)

    def _insert(self, conn: Any, item: IncidentInput, now: str, event: EventDate) -> int:
        cursor = conn.execute(
            "INSERT INTO incidents (uid, title, narrative, date_from, date_to, date_precision, "
            "location, country, latitude, longitude, status, sensitivity, created_at, updated_at) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (uuid.uuid4().hex, *column_values(item, event), now, now),
        )
        incident_id = int(cursor.lastrowid)
        self._insert_lists(conn, incident_id, item)
        return incident_id

    @staticmethod
    def _insert_lists(conn: Any, incident_id: int, item: IncidentInput) -> None:
        conn.executemany(
            "INSERT INTO incident_violations (incident_id, code) VALUES (?, ?)",
            [(incident_id, code) for code in item.violations],
        )
        conn.executemany(
            "INSERT INTO incident_tags (incident_id, tag) VALUES (?, ?)",
            [(incident_id, tag) for tag in item.tags],
        )


def column_values(item: IncidentInput, event: EventDate | None = None) -> tuple[Any, ...]:
    """title .. sensitivity, in the column order both INSERT and UPDATE use. `event` is
    item.date already parsed (validation parses it; a bulk import need not twice)."""
    if event is None:
        event = parse_event_date(item.date)
    lat, lon = item.coordinates or (None, None)
    return (
        item.title,
        item.narrative,
        event.start,
        event.end,
        event.precision,
        item.location,
        item.country,
        lat,
        lon,
        item.status,
        item.sensitivity,
    )


_TRACKED_FIELDS = tuple(f.name for f in dataclasses.fields(IncidentInput))


_UNORDERED_FIELDS = ("violations", "tags")


def _changed_fields(before: IncidentInput, after: IncidentInput) -> list[str]:
    """Names of the fields an edit changed, for its custody row (values stay out of it)."""

    def value(item: IncidentInput, name: str) -> object:
        raw = getattr(item, name)
        return sorted(raw) if name in _UNORDERED_FIELDS else raw

    return [name for name in _TRACKED_FIELDS if value(before, name) != value(after, name)]


def _subject(incident_id: int) -> str:
    return f"incident {incident_id}"


def require_incident(conn: Any, incident_id: int) -> None:
    if conn.execute("SELECT 1 FROM incidents WHERE id = ?", (incident_id,)).fetchone() is None:
        raise NotFoundError(f"no incident {incident_id}")


def _incident(conn: Any, row: Any) -> Incident:
    (
        ident,
        uid,
        title,
        narrative,
        date_from,
        date_to,
        precision,
        location,
        country,
        lat,
        lon,
        status,
        sensitivity,
        created_at,
        updated_at,
    ) = row
    violations = tuple(
        r[0]
        for r in conn.execute(
            "SELECT code FROM incident_violations WHERE incident_id = ? ORDER BY code", (ident,)
        )
    )
    tags = tuple(
        r[0]
        for r in conn.execute(
            "SELECT tag FROM incident_tags WHERE incident_id = ? ORDER BY tag", (ident,)
        )
    )
    return Incident(
        id=ident,
        uid=uid,
        title=title,
        narrative=narrative,
        date=EventDate(date_from, date_to, precision),
        location=location,
        country=country,
        coordinates=None if lat is None or lon is None else (lat, lon),
        violations=violations,
        tags=tags,
        status=status,
        sensitivity=sensitivity,
        created_at=created_at,
        updated_at=updated_at,
    )
