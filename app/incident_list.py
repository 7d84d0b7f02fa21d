"""The incident list the desktop app shows: filtered, sorted and paged in SQL.

Pages are keyset pages: each ends with a cursor holding the last row's sort value and
id, and the next page is `WHERE (sort value, id) < (?, ?)` (or `>` ascending), never an
OFFSET, so page 500 costs what page 1 does and a row added or removed meanwhile neither
repeats nor skips another. Every sort key has an index on exactly the expression used
here (app/store/migrations.py, LIST_SORT_EXPRESSIONS), so a sort is an index scan.
Unknown values (no date, no country) sort as the empty string: first ascending, last
descending, and page like any other value.

The default order, most recently recorded first (by id), is the one full-text search
uses (app/search.py): with a text filter it streams from the FTS index and stops after
one page, however many incidents match.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, fields
from typing import Any

from app import validation
from app.dates import EventDate
from app.errors import ValidationError
from app.models import _IdOnlyRepr
from app.search import fts_query
from app.store.database import Database
from app.vocabulary import vocabularies

DEFAULT_PAGE = 200
MAX_PAGE = 1000


class IncidentSort(enum.Enum):
    RECORDED = "recorded"  # by id: the order incidents were recorded in
    DATE = "date"  # when it happened (the start of its date); undated as ''
    TITLE = "title"  # case-insensitive for ASCII letters (SQLite NOCASE)
    STATUS = "status"  # by status code
    COUNTRY = "country"  # by ISO code; none as ''
    UPDATED = "updated"  # last change


DEFAULT_SORT = IncidentSort.RECORDED

# The expression each sort orders by, over the table alias `i`: the same expression as
# its index (migrations.LIST_SORT_EXPRESSIONS), or SQLite would sort instead of scanning
# (tests/test_incident_list.py checks every plan).
_SORT_SQL = {
    IncidentSort.RECORDED: "i.id",
    IncidentSort.DATE: "COALESCE(i.date_from, '')",
    IncidentSort.TITLE: "i.title COLLATE NOCASE",
    IncidentSort.STATUS: "i.status",
    IncidentSort.COUNTRY: "COALESCE(i.country, '')",
    IncidentSort.UPDATED: "i.updated_at",
}


@dataclass(frozen=True, repr=False)
class IncidentFilter:
    """What the list shows; every field None means everything.

    date_from / date_to are ISO days (YYYY-MM-DD): an incident matches when its date
    range overlaps theirs (an undated incident never matches a date filter). `text` is
    what the user typed in the search box, searched as app.search does it.
    """

    violation: str | None = None
    status: str | None = None
    country: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    text: str | None = None

    def __repr__(self) -> str:
        # Which fields are set, never their values: search text is the user's own words.
        used = [f.name for f in fields(self) if getattr(self, f.name) is not None]
        return f"<IncidentFilter {' '.join(used) or 'all'}>"


@dataclass(frozen=True, repr=False)
class IncidentRow(_IdOnlyRepr):
    """One line of the list: what its columns show."""

    id: int
    title: str
    date: str | None  # EventDate.text(): "2024-03-05", "~2024-03", "2024..2025", or None
    status: str
    country: str | None
    violations: tuple[str, ...]
    updated_at: str


@dataclass(frozen=True, repr=False)
class ListCursor(_IdOnlyRepr):
    """Where a page ended. Opaque to callers: hand it back as `after` for the next page
    of the same filter and sort. It holds the last row's sort value (a title, say), so
    its repr shows the id only."""

    id: int
    key: str | int
    sort: IncidentSort
    descending: bool
    filter: IncidentFilter


@dataclass(frozen=True, repr=False)
class IncidentPage:
    rows: tuple[IncidentRow, ...]
    next_cursor: ListCursor | None  # None: this was the last page

    def __repr__(self) -> str:
        return f"<IncidentPage rows={len(self.rows)} more={self.next_cursor is not None}>"


@dataclass(frozen=True)
class _Checked:
    violation: str | None
    status: str | None
    country: str | None
    date_from: str | None
    date_to: str | None
    match: str | None  # the FTS5 MATCH string, never what was typed


def check_filter(data: IncidentFilter) -> _Checked:
    """Validate a filter against the vocabularies; ValidationError says what is wrong."""
    vocab = vocabularies()

    def code(value: str | None, vocabulary: Any, field: str) -> str | None:
        if value is None:
            return None
        if not isinstance(value, str):
            raise ValidationError(f"the {field} filter must be a code")
        return str(vocabulary.check(value.strip()))

    country = data.country
    if isinstance(country, str):
        country = country.strip().upper()
    date_from = validation.day(data.date_from, "filter start date")
    date_to = validation.day(data.date_to, "filter end date")
    if date_from is not None and date_to is not None and date_to < date_from:
        raise ValidationError("the filter's end date comes before its start date")
    match = None
    if data.text is not None:
        if not isinstance(data.text, str):
            raise ValidationError("the search text must be text")
        if data.text.strip():
            match = fts_query(data.text)
    return _Checked(
        violation=code(data.violation, vocab.violations, "violation"),
        status=code(data.status, vocab.statuses, "status"),
        country=code(country, vocab.countries, "country"),
        date_from=date_from,
        date_to=date_to,
        match=match,
    )


def _where(checked: _Checked, *, text_in_subquery: bool) -> tuple[list[str], list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    if checked.violation is not None:
        clauses.append(
            "EXISTS (SELECT 1 FROM incident_violations v WHERE v.incident_id = i.id AND v.code = ?)"
        )
        params.append(checked.violation)
    if checked.status is not None:
        clauses.append("i.status = ?")
        params.append(checked.status)
    if checked.country is not None:
        clauses.append("i.country = ?")
        params.append(checked.country)
    if checked.date_from is not None:
        # Stored dates are "YYYY", "YYYY-MM" or "YYYY-MM-DD"; '~' sorts after '-' and
        # every digit, so "2024-03~" is at or after each day of March 2024.
        clauses.append("COALESCE(i.date_to, i.date_from) || '~' >= ?")
        params.append(checked.date_from)
    if checked.date_to is not None:
        # "2024-03" sorts before "2024-03-01": a month or year starts at its first day.
        clauses.append("i.date_from <= ?")
        params.append(checked.date_to)
    if checked.match is not None and text_in_subquery:
        clauses.append("i.id IN (SELECT rowid FROM incident_search WHERE incident_search MATCH ?)")
        params.append(checked.match)
    return clauses, params


ROW_SQL = (
    "SELECT i.id, i.title, i.date_from, i.date_to, i.date_precision, i.status, i.country, "
    "i.updated_at, (SELECT group_concat(v.code, ' ') FROM incident_violations v "
    "WHERE v.incident_id = i.id) FROM incidents i WHERE i.id IN "
)


def page_query(
    checked: _Checked,
    sort: IncidentSort,
    descending: bool,
    after: tuple[str | int, int] | None,
    limit: int,
) -> tuple[str, list[Any]]:
    """The SQL choosing one page: (id, sort value) of up to `limit` rows, in order.

    Only ids and sort values go through the ordering (a sort of every match, when a text
    filter is ordered by something other than the default); the rows' columns are read
    afterwards for the page alone.
    """
    key = _SORT_SQL[sort]
    direction = "DESC" if descending else "ASC"
    beyond = "<" if descending else ">"
    streamed = checked.match is not None and sort is IncidentSort.RECORDED
    clauses, params = _where(checked, text_in_subquery=not streamed)
    if streamed:
        # Driven by the FTS index in rowid order, as app.search.SEARCH_SQL is.
        source = "incident_search s CROSS JOIN incidents i ON i.id = s.rowid"
        clauses.insert(0, "incident_search MATCH ?")
        params.insert(0, checked.match)
        if after is not None:
            clauses.append(f"s.rowid {beyond} ?")
            params.append(after[1])
        order = f"s.rowid {direction}"
    else:
        source = "incidents i"
        if after is not None:
            if sort is IncidentSort.RECORDED:
                clauses.append(f"i.id {beyond} ?")
                params.append(after[1])
            else:
                # The first condition is implied by the second; it is there because
                # SQLite seeks an expression index on a plain comparison, not on a row
                # value, so without it a deep page would scan from the start.
                clauses.append(f"{key} {beyond}= ?")
                clauses.append(f"({key}, i.id) {beyond} (?, ?)")
                params.extend((after[0], *after))
        order = f"{key} {direction}, i.id {direction}"
    where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
    sql = f"SELECT i.id, {key} FROM {source}{where} ORDER BY {order} LIMIT ?"
    params.append(limit)
    return sql, params


class IncidentLister:
    """Pages of incident rows for the list view; read-only, safe from a worker thread."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def page(
        self,
        filter: IncidentFilter | None = None,
        sort: IncidentSort = DEFAULT_SORT,
        descending: bool = True,
        after: ListCursor | None = None,
        limit: int = DEFAULT_PAGE,
    ) -> IncidentPage:
        """One page of rows; pass its `next_cursor` as `after` for the next one."""
        wanted = IncidentFilter() if filter is None else filter
        if not isinstance(sort, IncidentSort):
            raise ValidationError("unknown sort order")
        if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_PAGE:
            raise ValidationError(f"a page holds 1 to {MAX_PAGE} incidents")
        if after is not None and (
            after.sort is not sort or after.descending != descending or after.filter != wanted
        ):
            raise ValidationError("this page cursor belongs to another filter or sort order")
        checked = check_filter(wanted)
        bound = None if after is None else (after.key, after.id)
        sql, params = page_query(checked, sort, descending, bound, limit + 1)
        with self.db.reading() as conn:
            found = conn.execute(sql, params).fetchall()
            ids = [int(r[0]) for r in found[:limit]]
            by_id = {}
            if ids:
                marks = ",".join("?" * len(ids))
                by_id = {r[0]: r for r in conn.execute(f"{ROW_SQL}({marks})", ids)}
        rows = tuple(make_row(by_id[i]) for i in ids)
        cursor = None
        if len(found) > limit:
            last = found[limit - 1]
            cursor = ListCursor(
                id=int(last[0]), key=last[-1], sort=sort, descending=descending, filter=wanted
            )
        return IncidentPage(rows, cursor)

    def count(self, filter: IncidentFilter | None = None) -> int:
        """How many incidents the filter matches (one pass over an index or the FTS)."""
        checked = check_filter(IncidentFilter() if filter is None else filter)
        clauses, params = _where(checked, text_in_subquery=True)
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        with self.db.reading() as conn:
            row = conn.execute(f"SELECT count(*) FROM incidents i{where}", params).fetchone()
        return int(row[0])


def make_row(r: Any) -> IncidentRow:
    return IncidentRow(
        id=int(r[0]),
        title=r[1],
        date=EventDate(r[2], r[3], r[4]).text(),
        status=r[5],
        country=r[6],
        violations=tuple(sorted(r[8].split(" "))) if r[8] else (),
        updated_at=r[7],
    )
