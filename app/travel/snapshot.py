"""The database part of a travel backup: every record table as columns and rows (JSON).

Dumped generically from the live schema so that a column added by a later migration is
carried without code here changing. What is left out, and why:
  - attachments' blob_id, file_key and chunk_size: the restore re-encrypts each file
    under a fresh key into a blob with a fresh name;
  - the search index: it is rebuilt from the records;
  - the outbox: its bundles are files that stay behind (the wipe warns about them);
  - meta: only the device signing keys travel, so the restored custody log verifies.
Loading checks every table and column name against the new vault's own schema, so the
document can only ever fill the tables Carnet has.
"""

from __future__ import annotations

import json
from typing import Any

from app.custody import META_PREVIOUS_SIGNING_KEYS, META_SIGNING_KEY
from app.errors import IntegrityError
from app.store.migrations import SEARCH_ROW_SELECT

FORMAT = "carnet-travel-database"
# In the order they are loaded (a row's foreign keys point at rows loaded before it).
TABLES = (
    "incidents",
    "incident_violations",
    "incident_tags",
    "people",
    "incident_people",
    "interventions",
    "attachments",
    "custody_log",
    "destinations",
)
RE_ENCRYPTED = ("blob_id", "file_key", "chunk_size")


def dump(conn: Any, schema_version: int) -> dict[str, Any]:
    """The document for one read transaction's view of the database."""
    tables: dict[str, Any] = {}
    for table in TABLES:
        columns = [
            c for c in _columns(conn, table) if table != "attachments" or c not in RE_ENCRYPTED
        ]
        names = ", ".join(columns)
        rows = conn.execute(f"SELECT {names} FROM {table} ORDER BY 1, 2").fetchall()  # noqa: S608 (names from the schema)
        tables[table] = {"columns": columns, "rows": [[_plain(v) for v in row] for row in rows]}
    keys = [_meta(conn, META_SIGNING_KEY)]
    previous = _meta(conn, META_PREVIOUS_SIGNING_KEYS)
    if previous is not None:
        keys = [*json.loads(previous), *keys]
    return {
        "format": FORMAT,
        "schema_version": schema_version,
        "tables": tables,
        "signing_keys": [k for k in keys if k is not None],
    }


def parse(data: bytes, schema_version: int) -> dict[str, Any]:
    """The document, shape-checked; IntegrityError says what is wrong."""
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise IntegrityError("the backup's database is not valid JSON") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise IntegrityError("the backup's database is not a Carnet travel database")
    if document.get("schema_version") != schema_version:
        raise IntegrityError(
            "the backup was made by a different version of Carnet "
            f"(database version {document.get('schema_version')}, this one reads "
            f"{schema_version}); restore it with that version"
        )
    tables = document.get("tables")
    if not isinstance(tables, dict) or set(tables) != set(TABLES):
        raise IntegrityError("the backup's database does not hold the expected tables")
    for table in TABLES:
        body = tables[table]
        if not (
            isinstance(body, dict)
            and isinstance(body.get("columns"), list)
            and isinstance(body.get("rows"), list)
            and all(isinstance(r, list) and len(r) == len(body["columns"]) for r in body["rows"])
        ):
            raise IntegrityError(f"the backup's table {table!r} is malformed")
    keys = document.get("signing_keys")
    if not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
        raise IntegrityError("the backup's signing keys are malformed")
    return document


def load(conn: Any, document: dict[str, Any], blobs: dict[str, tuple[str, bytes, int]]) -> None:
    """Insert every row inside the caller's transaction; `blobs` maps attachment uid to
    its new (blob_id, file_key, chunk_size)."""
    for table in TABLES:
        body = document["tables"][table]
        columns: list[str] = body["columns"]
        known = set(_columns(conn, table))
        if not set(columns) <= known or len(set(columns)) != len(columns):
            raise IntegrityError(f"the backup's table {table!r} has columns Carnet does not know")
        rows = [[_typed(v) for v in row] for row in body["rows"]]
        if table == "attachments":
            uid_at = columns.index("uid")
            columns = [*columns, *RE_ENCRYPTED]
            try:
                rows = [[*row, *blobs[str(row[uid_at])]] for row in rows]
            except KeyError:
                raise IntegrityError("the backup lacks the file of an attachment") from None
        marks = ", ".join("?" for _ in columns)
        conn.executemany(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",  # noqa: S608 (checked names)
            rows,
        )
    conn.execute(
        "INSERT INTO incident_search(rowid, title, narrative, location, people, tags) "
        + SEARCH_ROW_SELECT
    )
    conn.execute(
        "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
        (META_PREVIOUS_SIGNING_KEYS, json.dumps(document["signing_keys"])),
    )


def attachment_rows(document: dict[str, Any]) -> dict[str, tuple[str, int]]:
    """uid -> (sha256, size) of every attachment the document lists."""
    body = document["tables"]["attachments"]
    columns: list[str] = body["columns"]
    try:
        uid, sha, size = (columns.index(c) for c in ("uid", "sha256", "size"))
        return {str(r[uid]): (str(r[sha]), int(r[size])) for r in body["rows"]}
    except (ValueError, TypeError):
        raise IntegrityError("the backup's attachment records are malformed") from None


def count(document: dict[str, Any], table: str) -> int:
    return len(document["tables"][table]["rows"])


def _columns(conn: Any, table: str) -> list[str]:
    return [str(row[1]) for row in conn.execute(f"PRAGMA table_info({table})")]


def _meta(conn: Any, key: str) -> str | None:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return None if row is None else str(row[0])


def _plain(value: Any) -> Any:
    if isinstance(value, bytes):
        return {"hex": value.hex()}
    return value


def _typed(value: Any) -> Any:
    if isinstance(value, dict) and set(value) == {"hex"} and isinstance(value["hex"], str):
        try:
            return bytes.fromhex(value["hex"])
        except ValueError:
            raise IntegrityError("the backup's database holds malformed bytes") from None
    if isinstance(value, list | dict):
        raise IntegrityError("the backup's database holds a value of an unknown kind")
    return value
