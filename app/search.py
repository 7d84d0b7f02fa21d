"""Full-text search over titles, narratives, locations, people's names and tags.

What the user types is never handed to FTS5's query language as it is (a stray quote or
a word like NOT would be a syntax error or change the meaning): each word becomes a
quoted phrase, all words must match, and a trailing * asks for a prefix.
"""

from __future__ import annotations

from app.dates import EventDate
from app.errors import ValidationError
from app.models import SearchHit
from app.store.database import Database

MAX_QUERY_CHARS = 1000
DEFAULT_LIMIT = 50

SEARCH_SQL = """SELECT s.rowid, i.title, i.date_from, i.date_to, i.date_precision, i.status,
    snippet(incident_search, -1, '[', ']', '…', 10), s.rank
    FROM incident_search s JOIN incidents i ON i.id = s.rowid
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

    def search(self, text: str, limit: int = DEFAULT_LIMIT) -> list[SearchHit]:
        query = fts_query(text)
        with self.db.reading() as conn:
            rows = conn.execute(SEARCH_SQL, (query, limit)).fetchall()
        return [
            SearchHit(
                incident_id=row[0],
                title=row[1],
                date=EventDate(row[2], row[3], row[4]).text(),
                status=row[5],
                snippet=row[6],
                score=float(row[7]),
            )
            for row in rows
        ]
