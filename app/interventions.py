"""Interventions made for an incident: urgent appeals, grant requests, UN communications."""

from __future__ import annotations

import unicodedata
import uuid

from app import validation
from app.clock import Clock, utc_now
from app.errors import NotFoundError, ValidationError
from app.incidents import require_incident
from app.models import Intervention, InterventionInput
from app.store.database import Database
from app.vocabulary import vocabularies

_COLUMNS = "id, uid, incident_id, actor, kind, status, date, notes, created_at, updated_at"
MAX_SUGGESTIONS = 200


class InterventionService:
    def __init__(self, db: Database, clock: Clock = utc_now) -> None:
        self.db = db
        self.clock = clock

    def add(self, incident_id: int, data: InterventionInput) -> int:
        item = validation.intervention(data)
        now = self.clock()
        with self.db.transaction() as conn:
            require_incident(conn, incident_id)
            cursor = conn.execute(
                "INSERT INTO interventions (uid, incident_id, date, actor, kind, status, notes, "
                "created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?)",
                (
                    uuid.uuid4().hex,
                    incident_id,
                    item.date,
                    item.actor,
                    item.kind,
                    item.status,
                    item.notes,
                    now,
                    now,
                ),
            )
            return int(cursor.lastrowid)

    def get(self, intervention_id: int) -> Intervention:
        with self.db.reading() as conn:
            row = conn.execute(
                f"SELECT {_COLUMNS} FROM interventions WHERE id = ?",
                (intervention_id,),
            ).fetchone()
        if row is None:
            raise NotFoundError(f"no intervention {intervention_id}")
        return Intervention(*row)

    def list_for(self, incident_id: int | None = None) -> list[Intervention]:
        query = f"SELECT {_COLUMNS} FROM interventions"
        params: tuple[int, ...] = ()
        if incident_id is not None:
            query += " WHERE incident_id = ?"
            params = (incident_id,)
        query += " ORDER BY date IS NULL, date, id"
        with self.db.reading() as conn:
            return [Intervention(*row) for row in conn.execute(query, params).fetchall()]

    def update(self, intervention_id: int, data: InterventionInput) -> Intervention:
        item = validation.intervention(data)
        with self.db.transaction() as conn:
            cursor = conn.execute(
                "UPDATE interventions SET date=?, actor=?, kind=?, status=?, notes=?, updated_at=? "
                "WHERE id=?",
                (
                    item.date,
                    item.actor,
                    item.kind,
                    item.status,
                    item.notes,
                    self.clock(),
                    intervention_id,
                ),
            )
            if cursor.rowcount == 0:
                raise NotFoundError(f"no intervention {intervention_id}")
        return self.get(intervention_id)

    def delete(self, intervention_id: int) -> None:
        with self.db.transaction() as conn:
            cursor = conn.execute("DELETE FROM interventions WHERE id = ?", (intervention_id,))
            if cursor.rowcount == 0:
                raise NotFoundError(f"no intervention {intervention_id}")

    def actor_suggestions(self, prefix: str, limit: int = 20) -> list[str]:
        """Actors to offer while an actor is typed: those this vault already names, most
        used first, then the vocabulary's suggestions; each once (case-insensitively),
        each starting with `prefix` (case-insensitively; "" matches all)."""
        if not isinstance(prefix, str):
            raise ValidationError("the actor prefix must be text")
        if (
            isinstance(limit, bool)
            or not isinstance(limit, int)
            or not 1 <= limit <= MAX_SUGGESTIONS
        ):
            raise ValidationError(f"the number of suggestions is 1 to {MAX_SUGGESTIONS}")
        if len(prefix) > validation.MAX_SHORT_TEXT:
            raise ValidationError(f"the actor prefix is longer than {validation.MAX_SHORT_TEXT}")
        # Leading blanks are dropped as validation drops them from actors; a trailing one
        # is kept ("UN " is not "UNICEF").
        folded = unicodedata.normalize("NFC", prefix).lstrip().casefold()
        with self.db.reading() as conn:
            used = conn.execute(
                "SELECT actor, count(*) AS uses, max(id) AS latest FROM interventions "
                "GROUP BY actor"
            ).fetchall()
        # Spellings that differ only in case count as one actor, shown as its most used.
        totals: dict[str, int] = {}
        spelling: dict[str, tuple[int, int, str]] = {}
        for actor, uses, latest in used:
            key = actor.casefold()
            totals[key] = totals.get(key, 0) + uses
            spelling[key] = max(spelling.get(key, (0, 0, actor)), (uses, latest, actor))
        own = sorted(totals, key=lambda key: (-totals[key], key))
        chosen: dict[str, str] = {}
        for key in own:
            if key.startswith(folded):
                chosen.setdefault(key, spelling[key][2])
        for actor in vocabularies().intervention_actor_suggestions:
            if actor.casefold().startswith(folded):
                chosen.setdefault(actor.casefold(), actor)
        return list(chosen.values())[:limit]
