"""Versioned schema migrations, applied in order at unlock.

PRAGMA user_version holds the version reached. Each migration runs in its own
transaction together with the version bump, so a crash leaves the store at the old
version or the new one. Never edit a released migration: add a new one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Connection = Any  # sqlcipher3 connection: the module ships no type information


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    apply: Callable[[Connection], None]


def _v1_core(conn: Connection) -> None:
    for statement in (
        """CREATE TABLE meta (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        ) STRICT""",
        """CREATE TABLE incidents (
            id INTEGER PRIMARY KEY,
            uid TEXT NOT NULL UNIQUE,
            title TEXT NOT NULL,
            narrative TEXT NOT NULL DEFAULT '',
            date_from TEXT,
            date_to TEXT,
            date_precision TEXT NOT NULL DEFAULT 'unknown',
            location TEXT NOT NULL DEFAULT '',
            country TEXT,
            latitude REAL,
            longitude REAL,
            status TEXT NOT NULL DEFAULT 'draft',
            sensitivity TEXT NOT NULL DEFAULT 'medium',
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        ) STRICT""",
        "CREATE INDEX incidents_date ON incidents(date_from)",
        """CREATE TABLE incident_violations (
            incident_id INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
            code TEXT NOT NULL,
            PRIMARY KEY (incident_id, code)
        ) STRICT, WITHOUT ROWID""",
        """CREATE TABLE incident_tags (
            incident_id INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
            tag TEXT NOT NULL,
            PRIMARY KEY (incident_id, tag)
        ) STRICT, WITHOUT ROWID""",
        "CREATE INDEX incident_tags_tag ON incident_tags(tag)",
        """CREATE TABLE people (
            id INTEGER PRIMARY KEY,
            uid TEXT NOT NULL UNIQUE,
            name TEXT NOT NULL,
            kind TEXT NOT NULL,
            notes TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        ) STRICT""",
        """CREATE TABLE incident_people (
            id INTEGER PRIMARY KEY,
            incident_id INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
            person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
            role TEXT NOT NULL,
            consent TEXT NOT NULL DEFAULT 'none',
            consent_orgs TEXT NOT NULL DEFAULT '[]',
            consent_date TEXT,
            consent_note TEXT NOT NULL DEFAULT '',
            UNIQUE (incident_id, person_id, role)
        ) STRICT""",
        "CREATE INDEX incident_people_person ON incident_people(person_id)",
        """CREATE TABLE interventions (
            id INTEGER PRIMARY KEY,
            uid TEXT NOT NULL UNIQUE,
            incident_id INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
            date TEXT,
            actor TEXT NOT NULL,
            kind TEXT NOT NULL,
            status TEXT NOT NULL,
            notes TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        ) STRICT""",
        "CREATE INDEX interventions_incident ON interventions(incident_id)",
    ):
        conn.execute(statement)


SEARCH_TABLE_SQL = """CREATE VIRTUAL TABLE incident_search USING fts5(
    title, narrative, location, people, tags,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3'
)"""

# One row per incident; rowid = incidents.id. Kept in step by app/search_index.py.
SEARCH_ROW_SELECT = """SELECT i.id, i.title, i.narrative, i.location,
    COALESCE((SELECT group_concat(p.name, ' ') FROM incident_people ip
              JOIN people p ON p.id = ip.person_id WHERE ip.incident_id = i.id), ''),
    COALESCE((SELECT group_concat(t.tag, ' ') FROM incident_tags t
              WHERE t.incident_id = i.id), '')
    FROM incidents i"""


def _v2_search(conn: Connection) -> None:
    """Full-text search over titles, narratives, locations, people's names and tags."""
    conn.execute(SEARCH_TABLE_SQL)
    conn.execute(
        "INSERT INTO incident_search(rowid, title, narrative, location, people, tags) "
        + SEARCH_ROW_SELECT
    )


def _v3_evidence(conn: Connection) -> None:
    """Attachments (evidence files) and the signed, hash-chained custody log.

    An attachment row holds everything about the file, its per-file key included; the
    blob on disk is named by a random id only. A stripped copy is a row of its own that
    points at its original (`derived_from`). Custody rows have no foreign keys: they
    outlive what they describe, and are never updated or deleted.
    """
    for statement in (
        """CREATE TABLE attachments (
            id INTEGER PRIMARY KEY,
            uid TEXT NOT NULL UNIQUE,
            incident_id INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
            blob_id TEXT NOT NULL UNIQUE,
            file_key BLOB NOT NULL,
            chunk_size INTEGER NOT NULL,
            original_name TEXT NOT NULL,
            media_type TEXT NOT NULL,
            size INTEGER NOT NULL,
            sha256 TEXT NOT NULL,
            added_at TEXT NOT NULL,
            captured_at TEXT,
            metadata TEXT NOT NULL DEFAULT '{}',
            derived_from INTEGER REFERENCES attachments(id) ON DELETE CASCADE,
            derivation TEXT
        ) STRICT""",
        "CREATE INDEX attachments_incident ON attachments(incident_id)",
        "CREATE INDEX attachments_derived ON attachments(derived_from)",
        """CREATE TABLE custody_log (
            seq INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            action TEXT NOT NULL,
            subject TEXT NOT NULL,
            incident_id INTEGER,
            details TEXT NOT NULL,
            actor TEXT NOT NULL,
            prev_hash TEXT NOT NULL,
            signature TEXT NOT NULL,
            row_hash TEXT NOT NULL
        ) STRICT""",
        "CREATE INDEX custody_log_incident ON custody_log(incident_id)",
    ):
        conn.execute(statement)


def _v4_destinations(conn: Connection) -> None:
    """Trusted networks (a name and the public keys bundles for it are sealed to), and
    the outbox: bundles written and waiting for an explicit send."""
    conn.execute(
        """CREATE TABLE destinations (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE COLLATE NOCASE,
            keys TEXT NOT NULL,
            created_at TEXT NOT NULL
        ) STRICT"""
    )
    conn.execute(
        """CREATE TABLE outbox (
            id INTEGER PRIMARY KEY,
            bundle_id TEXT NOT NULL UNIQUE,
            file_name TEXT NOT NULL UNIQUE,
            recipients TEXT NOT NULL,
            incidents INTEGER NOT NULL,
            size INTEGER NOT NULL,
            created_at TEXT NOT NULL,
            sent_at TEXT
        ) STRICT"""
    )


# The incident list's sort keys (app/incident_list.py). Each index orders by the same
# expression the list's ORDER BY and keyset WHERE use, then by id, so every sort is an
# index scan in either direction and unknown values (no date, no country) sort as ''.
LIST_SORT_EXPRESSIONS = {
    "date": "COALESCE(date_from, '')",
    "title": "title COLLATE NOCASE",
    "status": "status",
    "country": "COALESCE(country, '')",
    "updated": "updated_at",
}


def _v5_list_indexes(conn: Connection) -> None:
    """Indexes for the desktop app's incident list: one per sort key, and one to find
    the incidents of a violation type."""
    for key, expression in LIST_SORT_EXPRESSIONS.items():
        conn.execute(f"CREATE INDEX incidents_list_{key} ON incidents({expression}, id)")
    conn.execute("CREATE INDEX incident_violations_code ON incident_violations(code)")


def _v6_sending(conn: Connection) -> None:
    """How each destination is reached (its transport settings as JSON; a token file's
    path, never the token), the bundle's SHA-256 once computed, and one delivery row per
    bundle and destination: its state (pending, sending, sent, failed), the offset the
    destination confirmed and what is needed to resume (an upload URL or a partial file's
    name) — here in the encrypted store, never in a plaintext file.

    Bundles already waiting get a pending delivery for each destination they were sealed
    to by name."""
    conn.execute("ALTER TABLE destinations ADD COLUMN transport TEXT")
    conn.execute("ALTER TABLE outbox ADD COLUMN sha256 TEXT")
    conn.execute(
        """CREATE TABLE outbox_deliveries (
            id INTEGER PRIMARY KEY,
            outbox_id INTEGER NOT NULL REFERENCES outbox(id) ON DELETE CASCADE,
            destination_id INTEGER NOT NULL REFERENCES destinations(id) ON DELETE CASCADE,
            state TEXT NOT NULL DEFAULT 'pending'
                CHECK (state IN ('pending', 'sending', 'sent', 'failed')),
            confirmed INTEGER NOT NULL DEFAULT 0,
            resume_location TEXT,
            attempts INTEGER NOT NULL DEFAULT 0,
            sent_at TEXT,
            location TEXT,
            reason TEXT,
            retryable INTEGER,
            updated_at TEXT NOT NULL,
            UNIQUE (outbox_id, destination_id)
        ) STRICT"""
    )
    conn.execute("CREATE INDEX outbox_deliveries_destination ON outbox_deliveries(destination_id)")
    conn.execute(
        """INSERT INTO outbox_deliveries (outbox_id, destination_id, updated_at)
        SELECT o.id, d.id, o.created_at FROM outbox o, json_each(o.recipients) r
        JOIN destinations d ON d.name = r.value
        WHERE o.sent_at IS NULL"""
    )


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "core tables", _v1_core),
    Migration(2, "full-text search index", _v2_search),
    Migration(3, "attachments and custody log", _v3_evidence),
    Migration(4, "destinations and outbox", _v4_destinations),
    Migration(5, "incident list indexes", _v5_list_indexes),
    Migration(6, "transports and delivery states", _v6_sending),
)
LATEST_VERSION = MIGRATIONS[-1].version
