"""Building the two stores the insert and search benchmarks share, once per run.

- the Carnet vault: `VaultService.create` (moderate profile, no keyring), then
  `IncidentService.add_many` batch by batch, exactly as `carnet incident add --json-file`
  and the GUI's import do it (validation, one transaction per batch, FTS5 reindex);
- plain SQLite: the standard library's sqlite3, the same schema (Carnet's own
  migrations, so the same tables, indexes and FTS5 table), the same rows in the same
  order and batches, the same FTS5 row SQL (app.search_index.reindex); same journal
  (WAL) and durability (synchronous=FULL), no encryption, otherwise SQLite's defaults.

Row ids are 1..N in both, so a search can be compared hit by hit.
"""

from __future__ import annotations

import hashlib
import sqlite3
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app import search_index
from app.clock import utc_now
from app.device_share import NoDeviceShares
from app.incidents import column_values
from app.models import IncidentInput
from app.notebook import Notebook
from app.paths import VaultPaths
from app.store.migrations import MIGRATIONS
from app.vault import VaultService
from crypto.kdf import KdfProfile
from tests.bench import data
from tests.bench.common import PASSPHRASE, Workspace

PLAIN_PRAGMAS = (
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = FULL",
    "PRAGMA foreign_keys = ON",
)
_INSERT_SQL = (
    "INSERT INTO incidents (uid, title, narrative, date_from, date_to, date_precision, "
    "location, country, latitude, longitude, status, sensitivity, created_at, updated_at) "
    "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
)


@dataclass
class Built:
    """A store with N incidents, and how long building it took."""

    path: Path
    count: int
    batch_size: int
    batch_seconds: list[float] = field(default_factory=list)
    setup_seconds: float = 0.0
    vault: VaultService | None = None

    @property
    def insert_seconds(self) -> float:
        return sum(self.batch_seconds)

    @property
    def rate(self) -> float:
        return self.count / self.insert_seconds if self.insert_seconds else 0.0

    def size_bytes(self) -> int:
        folder = self.path if self.path.is_dir() else self.path.parent
        stem = self.path.name
        return sum(
            p.stat().st_size
            for p in folder.iterdir()
            if p.is_file() and (self.path.is_dir() or p.name.startswith(stem))
        )


def items(ws: Workspace, count: int) -> list[IncidentInput]:
    def build() -> list[IncidentInput]:
        with ws.phases.time("build/generate incidents"):
            return list(data.incidents(count))

    result: list[IncidentInput] = ws.cached(f"items-{count}", build)
    return result


def vault(ws: Workspace, count: int, batch_size: int) -> Built:
    def build() -> Built:
        rows = items(ws, count)
        with ws.phases.time("build/carnet vault"):
            return build_vault(ws.path(f"vault-{count}"), rows, batch_size)

    result: Built = ws.cached(f"vault-{count}-{batch_size}", build)
    return result


def plain(ws: Workspace, count: int, batch_size: int) -> Built:
    def build() -> Built:
        rows = items(ws, count)
        with ws.phases.time("build/plain sqlite"):
            return build_plain(ws.path(f"plain-{count}.sqlite"), rows, batch_size)

    result: Built = ws.cached(f"plain-{count}-{batch_size}", build)
    return result


def build_vault(root: Path, rows: Sequence[IncidentInput], batch_size: int) -> Built:
    start = time.perf_counter()
    service = VaultService(VaultPaths(root), NoDeviceShares())
    service.create(PASSPHRASE, profile=KdfProfile.MODERATE, use_keyring=False)
    session = service.unlock(PASSPHRASE)
    built = Built(root, len(rows), batch_size, setup_seconds=time.perf_counter() - start)
    built.vault = service
    try:
        incidents = Notebook(session).incidents
        for batch in data.batches(list(rows), batch_size):
            start = time.perf_counter()
            incidents.add_many(batch)
            built.batch_seconds.append(time.perf_counter() - start)
    finally:
        session.close()
    return built


def connect_plain(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    for pragma in PLAIN_PRAGMAS:
        conn.execute(pragma).fetchall()
    return conn


def build_plain(path: Path, rows: Sequence[IncidentInput], batch_size: int) -> Built:
    start = time.perf_counter()
    conn = connect_plain(path)
    built = Built(path, len(rows), batch_size)
    try:
        for migration in MIGRATIONS:
            conn.execute("BEGIN IMMEDIATE")
            migration.apply(conn)
            conn.execute(f"PRAGMA user_version = {int(migration.version)}")
            conn.execute("COMMIT")
        built.setup_seconds = time.perf_counter() - start
        for batch in data.batches(list(rows), batch_size):
            start = time.perf_counter()
            insert_plain(conn, batch)
            built.batch_seconds.append(time.perf_counter() - start)
    finally:
        conn.close()
    return built


def insert_plain(conn: sqlite3.Connection, batch: Sequence[IncidentInput]) -> list[int]:
    """What a hand-written importer on plain SQLite does: the same statements, no checks."""
    now = utc_now()
    ids = []
    conn.execute("BEGIN IMMEDIATE")
    try:
        for item in batch:
            cursor = conn.execute(_INSERT_SQL, (uuid.uuid4().hex, *column_values(item), now, now))
            incident_id = int(cursor.lastrowid or 0)
            conn.executemany(
                "INSERT INTO incident_violations (incident_id, code) VALUES (?, ?)",
                [(incident_id, code) for code in item.violations],
            )
            conn.executemany(
                "INSERT INTO incident_tags (incident_id, tag) VALUES (?, ?)",
                [(incident_id, tag) for tag in item.tags],
            )
            ids.append(incident_id)
        search_index.reindex(conn, ids)
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    return ids


def content_digest(conn: Any) -> tuple[int, str]:
    """Row count and a digest of every incident's searchable content, in id order."""
    digest = hashlib.blake2b(digest_size=16)
    count = 0
    for row in conn.execute(
        "SELECT id, title, narrative, location, country, date_from, date_to, "
        "(SELECT group_concat(tag, ' ') FROM incident_tags t WHERE t.incident_id = i.id) "
        "FROM incidents i ORDER BY id"
    ):
        digest.update(repr(row).encode("utf-8"))
        count += 1
    return count, digest.hexdigest()
