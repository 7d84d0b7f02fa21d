"""Full-text search over titles, narratives, locations, people's names and tags.

What the user types is never handed to FTS5's query language as it is (a stray quote or
a word like NOT would be a syntax error or change the meaning): each word becomes a
quoted phrase, all words must match, and a trailing * asks for a prefix.

Hits come newest first (most recently recorded incident first, i.e. by id, descending),
which FTS5 streams straight from its index: a query stops after LIMIT hits however many
incidents match, so a common word costs what a rare one does. Ranking by relevance
(bm25) has to score every match before it can show the best few, so it is asked for
explicitly (`ranked=True`, `carnet search --ranked`).
"""

from __future__ import annotations

from app.dates import EventDate
from app.errors import ValidationError
from app.models import SearchHit
from app.store.database import Database

MAX_QUERY_CHARS = 1000
DEFAULT_LIMIT = 50
MAX_LIMIT = 10_000
# Above every rowid SQLite hands out: "before the newest" for the first page.
NO_CURSOR = 2**63 - 1

_HIT_COLUMNS = """s.rowid, i.title, i.date_from, i.date_to, i.date_precision, i.status,
    snippet(incident_search, -1, '[', ']', '…', 10)"""
# CROSS JOIN keeps the FTS table as the outer loop, so its rowid order (and the LIMIT)
# drives the query; parameters: MATCH string, rowid bound (NO_CURSOR at first), limit.
SEARCH_SQL = f"""SELECT {_HIT_COLUMNS}
    FROM incident_search s CROSS JOIN incidents i ON i.id = s.rowid
    WHERE incident_search MATCH ? AND s.rowid < ? ORDER BY s.rowid DESC LIMIT ?"""
# Parameters: MATCH string, limit.
RANKED_SEARCH_SQL = f"""SELECT {_HIT_COLUMNS}, s.rank
    FROM incident_search s CROSS JOIN incidents i ON i.id = s.rowid
    WHERE incident_search MATCH ? ORDER BY s.rank LIMIT ?"""


def fts_query(text: str) -> str:
    """Turn what a person typed into a safe FTS5 query (all words, optional prefix*)."""
    if len(text) > MAX_QUERY_CHARS:
        raise ValidationError(f"the search is longer than {MAX_QUERY_CHARS} characters")
    terms = []
    # FTS5 ends a quoted string at a NUL ("unterminated string"): treat it as a space.
    for word in text.replace("\x00", " ").split():
        prefix = word.endswith("*")
        core = word.rstrip("*").replace('"', " ").strip()
        if not any(ch.isalnum() for ch in core):
            continue
        terms.append(f'"{core}"' + ("*" if prefix else ""))
    if not terms:
        raise ValidationError("type at least one word to search for")
    return " ".join(terms)


class SearchService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def search(
        self,
        text: str,
        limit: int = DEFAULT_LIMIT,
        *,
        ranked: bool = False,
        before: int | None = None,
    ) -> list[SearchHit]:
        """Up to `limit` hits, newest first; `before` (an incident id, the last hit of the
        previous page) continues the list. `ranked=True`: best bm25 first (no paging)."""
        query = fts_query(text)
        if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
            raise ValidationError(f"the number of hits is 1 to {MAX_LIMIT}")
        if ranked and before is not None:
            raise ValidationError("ranked search has no next page; search newest first to page")
        with self.db.reading() as conn:
            if ranked:
                rows = conn.execute(RANKED_SEARCH_SQL, (query, limit)).fetchall()
            else:
                bound = NO_CURSOR if before is None else int(before)
                rows = conn.execute(SEARCH_SQL, (query, bound, limit)).fetchall()
        return [
            SearchHit(
                incident_id=row[0],
                title=row[1],
                date=EventDate(row[2], row[3], row[4]).text(),
                status=row[5],
                snippet=row[6],
                score=float(row[7]) if ranked else None,
            )
            for row in rows
        ]
