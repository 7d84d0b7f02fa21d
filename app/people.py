"""People (individuals, groups, organisations, institutions) and their links to incidents.

A link carries the person's role in that incident and their informed consent for it;
export honours the consent (a person who did not consent leaves as a pseudonym).
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from app import search_index, validation
from app.clock import Clock, today_utc, utc_now
from app.errors import NotFoundError, ValidationError
from app.incidents import require_incident
from app.models import ConsentInput, Person, PersonInput, PersonLink
from app.store.database import Database
from app.vocabulary import vocabularies

_PERSON_COLUMNS = "id, uid, name, kind, notes, created_at, updated_at"
_LINK_SELECT = (
    "SELECT ip.id, ip.incident_id, ip.person_id, p.name, p.kind, ip.role, ip.consent, "
    "ip.consent_orgs, ip.consent_date, ip.consent_note FROM incident_people ip "
    "JOIN people p ON p.id = ip.person_id"
)


class PersonService:
    def __init__(self, db: Database, clock: Clock = utc_now) -> None:
        self.db = db
        self.clock = clock

    def add(self, data: PersonInput) -> int:
        item = validation.person(data)
        now = self.clock()
        with self.db.transaction() as conn:
            cursor = conn.execute(
                "INSERT INTO people (uid, name, kind, notes, created_at, updated_at) "
                "VALUES (?,?,?,?,?,?)",
                (uuid.uuid4().hex, item.name, item.kind, item.notes, now, now),
            )
            return int(cursor.lastrowid)

    def get(self, person_id: int) -> Person:
        with self.db.reading() as conn:
            row = conn.execute(
                f"SELECT {_PERSON_COLUMNS} FROM people WHERE id = ?",
                (person_id,),
            ).fetchone()
        if row is None:
            raise NotFoundError(f"no person {person_id}")
        return Person(*row)

    def list_by_name(self) -> list[Person]:
        with self.db.reading() as conn:
            rows = conn.execute(
                f"SELECT {_PERSON_COLUMNS} FROM people ORDER BY name COLLATE NOCASE, id"
            ).fetchall()
        return [Person(*row) for row in rows]

    def update(self, person_id: int, data: PersonInput) -> Person:
        item = validation.person(data)
        with self.db.transaction() as conn:
            cursor = conn.execute(
                "UPDATE people SET name=?, kind=?, notes=?, updated_at=? WHERE id=?",
                (item.name, item.kind, item.notes, self.clock(), person_id),
            )
            if cursor.rowcount == 0:
                raise NotFoundError(f"no person {person_id}")
            search_index.reindex(conn, _incidents_of(conn, person_id))
        return self.get(person_id)

    def delete(self, person_id: int) -> int:
        """Delete the person and their links; returns how many incidents lost a link."""
        with self.db.transaction() as conn:
            incidents = _incidents_of(conn, person_id)
            cursor = conn.execute("DELETE FROM people WHERE id = ?", (person_id,))
            if cursor.rowcount == 0:
                raise NotFoundError(f"no person {person_id}")
            search_index.reindex(conn, incidents)
        return len(incidents)

    def link(
        self, incident_id: int, person_id: int, role: str, consent: ConsentInput | None = None
    ) -> int:
        role = vocabularies().roles.check(role)
        checked = validation.consent(consent or ConsentInput(), today_utc())
        with self.db.transaction() as conn:
            require_incident(conn, incident_id)
            if conn.execute("SELECT 1 FROM people WHERE id = ?", (person_id,)).fetchone() is None:
                raise NotFoundError(f"no person {person_id}")
            if conn.execute(
                "SELECT 1 FROM incident_people WHERE incident_id=? AND person_id=? AND role=?",
                (incident_id, person_id, role),
            ).fetchone():
                raise ValidationError(
                    f"person {person_id} is already linked to incident {incident_id} as {role}"
                )
            cursor = conn.execute(
                "INSERT INTO incident_people (incident_id, person_id, role, consent, "
                "consent_orgs, consent_date, consent_note) VALUES (?,?,?,?,?,?,?)",
                (incident_id, person_id, role, *_consent_columns(checked)),
            )
            search_index.reindex(conn, [incident_id])
            return int(cursor.lastrowid)

    def update_link(
        self, link_id: int, *, role: str | None = None, consent: ConsentInput | None = None
    ) -> PersonLink:
        current = self.get_link(link_id)
        new_role = vocabularies().roles.check(role) if role is not None else current.role
        new_consent = validation.consent(consent or current.consent, today_utc())
        with self.db.transaction() as conn:
            conn.execute(
                "UPDATE incident_people SET role=?, consent=?, consent_orgs=?, consent_date=?, "
                "consent_note=? WHERE id=?",
                (new_role, *_consent_columns(new_consent), link_id),
            )
        return self.get_link(link_id)

    def unlink(self, link_id: int) -> None:
        with self.db.transaction() as conn:
            row = conn.execute(
                "SELECT incident_id FROM incident_people WHERE id = ?", (link_id,)
            ).fetchone()
            if row is None:
                raise NotFoundError(f"no link {link_id}")
            conn.execute("DELETE FROM incident_people WHERE id = ?", (link_id,))
            search_index.reindex(conn, [row[0]])

    def get_link(self, link_id: int) -> PersonLink:
        with self.db.reading() as conn:
            row = conn.execute(f"{_LINK_SELECT} WHERE ip.id = ?", (link_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"no link {link_id}")
        return _link(row)

    def links_for_incident(self, incident_id: int) -> list[PersonLink]:
        with self.db.reading() as conn:
            rows = conn.execute(
                f"{_LINK_SELECT} WHERE ip.incident_id = ? ORDER BY ip.id",
                (incident_id,),
            ).fetchall()
        return [_link(row) for row in rows]

    def links_for_person(self, person_id: int) -> list[PersonLink]:
        with self.db.reading() as conn:
            rows = conn.execute(
                f"{_LINK_SELECT} WHERE ip.person_id = ? ORDER BY ip.id",
                (person_id,),
            ).fetchall()
        return [_link(row) for row in rows]


def _incidents_of(conn: Any, person_id: int) -> list[int]:
    return [
        r[0]
        for r in conn.execute(
            "SELECT DISTINCT incident_id FROM incident_people WHERE person_id = ?", (person_id,)
        )
    ]


def _consent_columns(consent: ConsentInput) -> tuple[str, str, str | None, str]:
    return (
        consent.level,
        json.dumps(list(consent.organisations), ensure_ascii=False),
        consent.date,
        consent.note,
    )


def _link(row: Any) -> PersonLink:
    (ident, incident_id, person_id, name, kind, role, level, orgs, consent_date, note) = row
    return PersonLink(
        id=ident,
        incident_id=incident_id,
        person_id=person_id,
        person_name=name,
        person_kind=kind,
        role=role,
        consent=ConsentInput(level, tuple(json.loads(orgs)), consent_date, note),
    )
