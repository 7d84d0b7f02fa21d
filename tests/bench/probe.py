"""A child process that runs Carnet's code with `cipher_memory_security` left OFF.

SQLCipher's memory security is process-wide and, once ON, cannot be turned off for the
life of the process (SQLCipher 4.5.0 changelog), so the search benchmark measures its
cost here, in a separate interpreter that never turns it on. Everything else is the real
code path: `Database.open` with its `_configure` (every other PRAGMA unchanged),
`SearchService.search`, `IncidentService.add_many`. Only the one statement
`PRAGMA cipher_memory_security = ON` is skipped.

Protocol: one JSON object on stdin (the benchmark vault's store path and its database
key, which only opens this run's synthetic vault; never on the command line), one JSON
object on stdout.
"""

from __future__ import annotations

import json
import sqlite3
import sys
import time
from pathlib import Path
from typing import Any

import sqlcipher3

from app.store import database

SKIPPED = "PRAGMA cipher_memory_security = ON"


class _WithoutMemorySecurity:
    """A sqlcipher3 connection that ignores the one PRAGMA turning memory security on."""

    def __init__(self, conn: Any) -> None:
        self._conn = conn

    def execute(self, sql: str, *args: Any) -> Any:
        if sql.strip() == SKIPPED:
            return self._conn.execute("PRAGMA cipher_memory_security")
        return self._conn.execute(sql, *args)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)


def _connect(*args: Any, **kwargs: Any) -> Any:
    return _WithoutMemorySecurity(sqlcipher3.connect(*args, **kwargs))


def main() -> int:
    from app.search import SEARCH_SQL, SearchService, fts_query
    from tests.bench import data, search, stores

    request = json.loads(sys.stdin.read())
    database.sqlcipher3 = _PatchedModule()  # type: ignore[assignment]
    result: dict[str, Any] = {}

    db = database.Database.open(Path(request["store"]), bytes.fromhex(request["key"]))
    with db.reading() as conn:
        result["memory_security"] = str(conn.execute("PRAGMA cipher_memory_security").fetchone()[0])
    plain = sqlite3.connect(request["plain"], isolation_level=None)
    service = SearchService(db)
    queries = data.queries()

    def carnet_search(text: str) -> list[int]:
        return [hit.incident_id for hit in service.search(text)]

    def plain_search(text: str) -> list[int]:
        rows = plain.execute(SEARCH_SQL, search._params(SEARCH_SQL, fts_query(text))).fetchall()
        return [row[0] for row in rows]

    timings, same, _hits = search.measure_pair(
        queries, carnet_search, plain_search, request["rounds"]
    )
    result["search"] = timings
    result["same_hits"] = same
    plain.close()
    db.close()

    if request.get("insert_count"):
        # One batch into a new vault, as the parent's first batch was.
        rows = list(data.incidents(request["insert_count"]))
        root = Path(request["scratch"])
        built = stores.build_vault(root, rows, len(rows))
        result["insert_s"] = built.insert_seconds
        result["insert_count"] = len(rows)
    sys.stdout.write(json.dumps(result))
    return 0


class _PatchedModule:
    """sqlcipher3 as app.store.database sees it, with `connect` wrapped."""

    def __getattr__(self, name: str) -> Any:
        if name == "connect":
            return _connect
        return getattr(sqlcipher3, name)


def run_probe(request: dict[str, Any], env: dict[str, str], cwd: Path) -> dict[str, Any]:
    import subprocess

    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "tests.bench.probe"],
        input=json.dumps(request).encode(),
        capture_output=True,
        env=env,
        cwd=cwd,
        timeout=900,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError("the memory-security probe failed: " + proc.stderr.decode()[-800:])
    result: dict[str, Any] = json.loads(proc.stdout)
    result["wall_s"] = time.perf_counter() - start
    return result


if __name__ == "__main__":
    sys.exit(main())
