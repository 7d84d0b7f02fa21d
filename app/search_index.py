"""Keeping the FTS5 table `incident_search` in step with the rows it indexes.

Called inside the writer's transaction whenever an incident, its tags, or the people
linked to it change, so the index can never disagree with a committed row.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from app.store.migrations import SEARCH_ROW_SELECT

_CHUNK = 500


def reindex(conn: Any, incident_ids: Iterable[int]) -> None:
    ids = list(dict.fromkeys(incident_ids))
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        marks = ",".join("?" * len(chunk))
        conn.execute(f"DELETE FROM incident_search WHERE rowid IN ({marks})", chunk)
        conn.execute(
            "INSERT INTO incident_search(rowid, title, narrative, location, people, tags) "
            f"{SEARCH_ROW_SELECT} WHERE i.id IN ({marks})",
            chunk,
        )


def remove(conn: Any, incident_id: int) -> None:
    conn.execute("DELETE FROM incident_search WHERE rowid = ?", (incident_id,))
