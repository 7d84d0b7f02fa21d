"""The incident list (app/incident_list.py) over a real SQLCipher vault.

The reference every page is checked against is computed here in Python from the
incidents themselves (IncidentService.get), not from the lister's own SQL: filters by
their documented meaning (a date range overlapping the filter's days), order by the
documented key (unknown values as '', titles ASCII-case-insensitive), then by id.
"""

from __future__ import annotations

import calendar
import datetime as dt
import itertools
import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.device_share import NoDeviceShares
from app.errors import ValidationError
from app.incident_list import (
    MAX_PAGE,
    IncidentFilter,
    IncidentLister,
    IncidentSort,
    ListCursor,
    check_filter,
    page_query,
)
from app.models import Incident, IncidentInput
from app.notebook import Notebook
from app.paths import VaultPaths
from app.vault import VaultService
from crypto.kdf import KdfProfile
from tests.conftest import PASSPHRASE

TITLES = ("alpha", "Alpha", "ALPHA", "beta", "Éclair", "eclair", "zèbre", "Zulu", "_under")
DATES = (
    None,
    "2023",
    "2024",
    "2024-03",
    "2024-03-05",
    "2024-03-31",
    "~2024-02",
    "2024-03-01..2024-04",
    "2022..2023-06",
    "2024-12-31",
)
COUNTRIES = (None, "SN", "CD", "GN")
STATUSES = ("draft", "verified", "shared", "draft")
VIOLATIONS = ("arbitrary-detention", "raid", "surveillance")
WORDS = ("police raid", "market", "police", "gendarmerie station", "")


def _stamps() -> Iterator[str]:
    # Few distinct times, so updated_at has many ties to page through.
    for n in itertools.count():
        yield f"2025-01-0{1 + (n * 7) % 3}T10:00:00Z"


@pytest.fixture(scope="module")
def listed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Notebook, list[Incident]]]:
    folder: Path = tmp_path_factory.mktemp("list") / "vault"
    service = VaultService(VaultPaths(folder), NoDeviceShares())
    service.create(PASSPHRASE, profile=KdfProfile.INTERACTIVE, use_keyring=False)
    stamps = _stamps()
    rng = random.Random(12)
    with Notebook(service.unlock(PASSPHRASE), clock=lambda: next(stamps)) as notebook:
        items = [
            IncidentInput(
                title=rng.choice(TITLES),
                narrative=rng.choice(WORDS),
                date=rng.choice(DATES),
                country=rng.choice(COUNTRIES),
                status=rng.choice(STATUSES),
                violations=tuple(v for v in VIOLATIONS if rng.random() < 0.4),
            )
            for _ in range(90)
        ]
        ids = notebook.incidents.add_many(items)
        for incident_id in ids[::7]:  # edits move updated_at
            notebook.incidents.update(incident_id, notebook.incidents.get(incident_id).to_input())
        notebook.incidents.delete(ids[10])  # a gap in the ids
        incidents = [notebook.incidents.get(i) for i in ids if i != ids[10]]
        yield notebook, incidents


def _span(text: str) -> tuple[dt.date, dt.date]:
    parts = [int(p) for p in text.split("-")]
    if len(parts) == 1:
        return dt.date(parts[0], 1, 1), dt.date(parts[0], 12, 31)
    if len(parts) == 2:
        last = calendar.monthrange(parts[0], parts[1])[1]
        return dt.date(parts[0], parts[1], 1), dt.date(parts[0], parts[1], last)
    day = dt.date(*parts)
    return day, day


def _matches(incident: Incident, f: IncidentFilter, text_ids: set[int] | None) -> bool:
    if f.violation is not None and f.violation not in incident.violations:
        return False
    if f.status is not None and incident.status != f.status:
        return False
    if f.country is not None and incident.country != f.country.upper():
        return False
    if f.date_from is not None or f.date_to is not None:
        if incident.date.start is None:
            return False
        start = _span(incident.date.start)[0]
        end = _span(incident.date.end or incident.date.start)[1]
        if f.date_from is not None and end < dt.date.fromisoformat(f.date_from):
            return False
        if f.date_to is not None and start > dt.date.fromisoformat(f.date_to):
            return False
    return text_ids is None or incident.id in text_ids


def _ascii_fold(text: str) -> str:
    return "".join(ch.lower() if ch.isascii() else ch for ch in text)


def _key(incident: Incident, sort: IncidentSort) -> str | int:
    return {
        IncidentSort.RECORDED: incident.id,
        IncidentSort.DATE: incident.date.start or "",
        IncidentSort.TITLE: _ascii_fold(incident.title),
        IncidentSort.STATUS: incident.status,
        IncidentSort.COUNTRY: incident.country or "",
        IncidentSort.UPDATED: incident.updated_at,
    }[sort]


def expected(
    notebook: Notebook,
    incidents: list[Incident],
    f: IncidentFilter,
    sort: IncidentSort,
    descending: bool,
) -> list[int]:
    text_ids = None
    if f.text is not None:
        text_ids = {h.incident_id for h in notebook.search.search(f.text, limit=MAX_PAGE)}
    chosen = [i for i in incidents if _matches(i, f, text_ids)]
    chosen.sort(key=lambda i: (_key(i, sort), i.id), reverse=descending)
    return [i.id for i in chosen]


def all_pages(
    lister: IncidentLister,
    f: IncidentFilter,
    sort: IncidentSort,
    descending: bool,
    sizes: list[int],
) -> list[int]:
    seen: list[int] = []
    cursor: ListCursor | None = None
    for size in itertools.cycle(sizes):
        page = lister.page(f, sort, descending, after=cursor, limit=size)
        assert len(page.rows) <= size
        assert page.rows or cursor is None  # a cursor is given only when more rows follow
        seen += [row.id for row in page.rows]
        if page.next_cursor is None:
            return seen
        assert len(page.rows) == size  # a page is short only when it is the last
        cursor = page.next_cursor
    raise AssertionError("unreachable")


FILTERS = st.builds(
    IncidentFilter,
    violation=st.none() | st.sampled_from(VIOLATIONS),
    status=st.none() | st.sampled_from(("draft", "verified", "shared", "documented")),
    country=st.none() | st.sampled_from(("SN", "cd", "GN")),
    date_from=st.none() | st.sampled_from(("2024-03-05", "2024-03-31", "2023-06-30", "2024-04-30")),
    date_to=st.none() | st.sampled_from(("2024-03-05", "2024-12-31", "2025-01-01")),
    text=st.none() | st.sampled_from(("police", "raid", "gendarm*", "nothingmatches")),
)


@settings(
    suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None, max_examples=150
)
@given(
    f=FILTERS,
    sort=st.sampled_from(list(IncidentSort)),
    descending=st.booleans(),
    sizes=st.lists(st.integers(1, 40), min_size=1, max_size=5),
)
def test_paging_yields_the_ordered_rows_once_each(
    listed: tuple[Notebook, list[Incident]],
    f: IncidentFilter,
    sort: IncidentSort,
    descending: bool,
    sizes: list[int],
) -> None:
    notebook, incidents = listed
    if f.date_from and f.date_to and f.date_to < f.date_from:
        with pytest.raises(ValidationError, match="end date comes before"):
            notebook.lister.page(f, sort, descending)
        return
    want = expected(notebook, incidents, f, sort, descending)
    unpaged = [r.id for r in notebook.lister.page(f, sort, descending, limit=MAX_PAGE).rows]
    paged = all_pages(notebook.lister, f, sort, descending, sizes)
    assert unpaged == want
    assert paged == want
    assert len(set(paged)) == len(paged)
    assert notebook.lister.count(f) == len(want)


def test_the_data_has_what_the_property_needs(listed: tuple[Notebook, list[Incident]]) -> None:
    """Ties, unknown dates and countries, spans: or the property above proves little."""
    _, incidents = listed
    assert any(i.date.start is None for i in incidents)
    assert any(i.country is None for i in incidents)
    assert any(i.date.end is not None for i in incidents)
    assert len({i.updated_at for i in incidents}) < len(incidents) // 5
    assert {i.title for i in incidents} >= {"alpha", "Alpha", "ALPHA"}


def test_rows_carry_the_list_columns(listed: tuple[Notebook, list[Incident]]) -> None:
    notebook, incidents = listed
    by_id = {i.id: i for i in incidents}
    for row in notebook.lister.page(limit=MAX_PAGE).rows:
        incident = by_id[row.id]
        assert row.title == incident.title
        assert row.date == incident.date.text()
        assert (row.status, row.country) == (incident.status, incident.country)
        assert row.violations == incident.violations
        assert row.updated_at == incident.updated_at


def test_pages_stay_consistent_when_rows_change_between_them(
    listed: tuple[Notebook, list[Incident]],
) -> None:
    notebook, _ = listed
    first = notebook.lister.page(sort=IncidentSort.TITLE, descending=False, limit=10)
    assert first.next_cursor is not None
    new = notebook.incidents.add(IncidentInput("aaa first of all"))  # sorts before the cursor
    try:
        rest = all_pages(
            notebook.lister, IncidentFilter(), IncidentSort.TITLE, False, [7]
        )  # from the start, for the reference
        second = notebook.lister.page(
            sort=IncidentSort.TITLE, descending=False, after=first.next_cursor, limit=10
        )
        shown = [r.id for r in first.rows]
        assert new not in [r.id for r in second.rows]
        assert not set(shown) & {r.id for r in second.rows}
        after_first = rest[rest.index(shown[-1]) + 1 :]
        assert [r.id for r in second.rows] == after_first[:10]
    finally:
        notebook.incidents.delete(new)


# --- the plans: every sort an index scan -------------------------------------------------------


def _plan(
    notebook: Notebook, f: IncidentFilter, sort: IncidentSort, desc: bool, after: bool
) -> str:
    bound = (("m" if sort is not IncidentSort.RECORDED else 40), 40) if after else None
    sql, params = page_query(check_filter(f), sort, desc, bound, 201)
    with notebook.session.db.reading() as conn:
        return " | ".join(r[3] for r in conn.execute(f"EXPLAIN QUERY PLAN {sql}", params))


@pytest.mark.parametrize("sort", list(IncidentSort))
@pytest.mark.parametrize("descending", [True, False])
@pytest.mark.parametrize("after", [False, True])
def test_every_sort_is_an_index_scan(
    listed: tuple[Notebook, list[Incident]], sort: IncidentSort, descending: bool, after: bool
) -> None:
    notebook, _ = listed
    plan = _plan(notebook, IncidentFilter(), sort, descending, after)
    assert "TEMP B-TREE" not in plan
    if sort is IncidentSort.RECORDED:
        assert "INTEGER PRIMARY KEY" in plan or plan.startswith("SCAN i")
    else:
        assert f"INDEX incidents_list_{sort.value}" in plan
        if after:  # a deep page seeks to the cursor, it does not scan from the start
            assert plan.startswith("SEARCH i USING COVERING INDEX"), plan


@pytest.mark.parametrize("descending", [True, False])
def test_text_in_the_default_order_streams_from_the_search_index(
    listed: tuple[Notebook, list[Incident]], descending: bool
) -> None:
    notebook, _ = listed
    for after in (False, True):
        plan = _plan(
            notebook, IncidentFilter(text="police"), IncidentSort.RECORDED, descending, after
        )
        assert plan.startswith("SCAN s VIRTUAL TABLE"), plan
        assert "TEMP B-TREE" not in plan


# --- refusals -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("f", "message"),
    [
        (IncidentFilter(violation="arbitrary_detention"), "unknown violation type"),
        (IncidentFilter(status="open"), "unknown status"),
        (IncidentFilter(country="XX"), "unknown country code"),
        (IncidentFilter(date_from="2024-02-30"), "use YYYY-MM-DD"),
        (IncidentFilter(date_to="2024-03"), "use YYYY-MM-DD"),
        (IncidentFilter(date_from="2024-03-02", date_to="2024-03-01"), "end date comes before"),
        (IncidentFilter(text="* ( )"), "type at least one word"),
        (IncidentFilter(text="x" * 1001), "longer than"),
    ],
)
def test_a_bad_filter_is_refused_with_what_to_fix(
    listed: tuple[Notebook, list[Incident]], f: IncidentFilter, message: str
) -> None:
    notebook, _ = listed
    with pytest.raises(ValidationError, match=message):
        notebook.lister.page(f)
    with pytest.raises(ValidationError, match=message):
        notebook.lister.count(f)


def test_blank_text_is_no_filter(listed: tuple[Notebook, list[Incident]]) -> None:
    notebook, incidents = listed
    assert notebook.lister.count(IncidentFilter(text="  ")) == len(incidents)


@pytest.mark.parametrize("limit", [0, -1, MAX_PAGE + 1, True])
def test_a_page_size_out_of_range_is_refused(
    listed: tuple[Notebook, list[Incident]], limit: int
) -> None:
    notebook, _ = listed
    with pytest.raises(ValidationError, match="a page holds"):
        notebook.lister.page(limit=limit)


def test_a_cursor_only_continues_its_own_list(listed: tuple[Notebook, list[Incident]]) -> None:
    notebook, _ = listed
    cursor = notebook.lister.page(sort=IncidentSort.TITLE, limit=3).next_cursor
    assert cursor is not None
    for other in (
        {"sort": IncidentSort.DATE},
        {"sort": IncidentSort.TITLE, "descending": False},
        {"sort": IncidentSort.TITLE, "filter": IncidentFilter(status="draft")},
    ):
        with pytest.raises(ValidationError, match="another filter or sort"):
            notebook.lister.page(after=cursor, **other)  # type: ignore[arg-type]


def test_reprs_hold_no_user_data(listed: tuple[Notebook, list[Incident]]) -> None:
    notebook, _ = listed
    f = IncidentFilter(text="police", country="SN")
    page = notebook.lister.page(f, IncidentSort.TITLE, limit=1)
    assert page.next_cursor is not None
    row = page.rows[0]
    texts = [repr(f), repr(page), repr(row), repr(page.next_cursor), repr(page.rows)]
    for text in texts:
        assert "police" not in text
        assert row.title not in text
        assert "SN" not in text
    assert repr(row) == f"<IncidentRow id={row.id}>"
