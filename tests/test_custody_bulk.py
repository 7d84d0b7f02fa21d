"""A bulk import's custody rows (CustodyAppender.append_many): the same rows `append`
makes one by one, signed on a worker while the caller's other work runs, and nothing
inserted or moved when either side fails."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable

import pytest
import sqlcipher3

from app.custody import _OVERLAP_FROM, CustodyAction, CustodyLog
from app.errors import ValidationError
from app.models import IncidentInput
from app.notebook import Notebook
from crypto.signing import DeviceSigner

SEED = bytes(range(32))
ROWS = _OVERLAP_FROM + 6  # enough for the worker thread


def nb(notebook: object) -> Notebook:
    assert isinstance(notebook, Notebook)
    return notebook


def ticking_log(notebook: Notebook) -> CustodyLog:
    """A log whose clock moves a second per row, so each row's `at` differs."""
    ticks = itertools.count(1)

    def clock() -> str:
        tick = next(ticks)
        return f"2026-01-01T00:{tick // 60:02d}:{tick % 60:02d}Z"

    return CustodyLog(notebook.session.db, DeviceSigner(SEED), clock=clock)


def wanted(count: int) -> list[tuple[CustodyAction, str, int | None, dict[str, object] | None]]:
    return [
        (CustodyAction.ATTACH, f"attachment {n}", n % 3 or None, {"n": n, "name": "Genève"})
        if n % 2
        else (CustodyAction.CREATE, f"incident {n}", n, None)
        for n in range(count)
    ]


def stored(notebook: Notebook) -> list[tuple[object, ...]]:
    with notebook.session.db.reading() as conn:
        return list(conn.execute("SELECT * FROM custody_log ORDER BY seq"))


class Undo(Exception):
    """Raised to roll a transaction back on purpose."""


@pytest.mark.parametrize("count", [3, ROWS])
def test_append_many_stores_the_rows_append_stores_one_by_one(notebook: object, count: int) -> None:
    notebook = nb(notebook)
    ticking_log(notebook).record(CustodyAction.BACKUP, "vault", None)  # a head to chain to
    with pytest.raises(Undo), notebook.session.db.transaction() as conn:
        appender = ticking_log(notebook).appender(conn)
        for row in wanted(count):
            appender.append(*row)
        one_by_one = stored(notebook)
        raise Undo
    assert len(stored(notebook)) == 1
    ran_on: list[int] = []
    with notebook.session.db.transaction() as conn:
        ticking_log(notebook).appender(conn).append_many(
            wanted(count), alongside=lambda: ran_on.append(threading.get_ident())
        )
    assert stored(notebook) == one_by_one
    assert len(one_by_one) == count + 1
    assert ran_on == [threading.get_ident()]  # the caller's work stays on its thread
    assert notebook.custody.verify() == count + 1


def test_the_work_alongside_writes_in_the_same_transaction(notebook: object) -> None:
    notebook = nb(notebook)
    with notebook.session.db.transaction() as conn:
        notebook.custody.appender(conn).append_many(
            wanted(ROWS),
            alongside=lambda: conn.execute("INSERT INTO meta (key, value) VALUES ('x', 'y')"),
        )
    with notebook.session.db.reading() as conn:
        assert conn.execute("SELECT value FROM meta WHERE key = 'x'").fetchone() == ("y",)
    assert notebook.custody.verify() == ROWS


def fails() -> None:
    raise RuntimeError("the reindex failed")


@pytest.mark.parametrize(
    ("rows", "alongside", "error"),
    [
        (wanted(ROWS), fails, RuntimeError),
        (wanted(3), fails, RuntimeError),
        ([*wanted(ROWS), (CustodyAction.EDIT, "x", 1, {"v": float("nan")})], None, ValidationError),
        (
            [*wanted(ROWS), (CustodyAction.EDIT, "x", 1, {"v": float("inf")})],
            lambda: None,
            ValidationError,
        ),
    ],
    ids=["alongside-fails", "alongside-fails-small", "row-refused", "row-refused-on-worker"],
)
def test_a_failure_on_either_side_inserts_nothing_and_leaves_the_head(
    notebook: object,
    rows: list[tuple[CustodyAction, str, int | None, dict[str, object] | None]],
    alongside: Callable[[], None] | None,
    error: type[Exception],
) -> None:
    notebook = nb(notebook)
    notebook.custody.record(CustodyAction.BACKUP, "vault", None)
    with notebook.session.db.transaction() as conn:
        appender = notebook.custody.appender(conn)
        with pytest.raises(error):
            appender.append_many(rows, alongside=alongside)
        assert len(stored(notebook)) == 1
        entry = appender.append(CustodyAction.EDIT, "incident 1", 1)
    assert entry.seq == 2
    assert notebook.custody.verify() == 2


def test_a_bulk_import_large_enough_for_the_worker_chains_indexes_and_verifies(
    notebook: object,
) -> None:
    notebook = nb(notebook)
    first = notebook.incidents.add(IncidentInput("before the batch"))
    ids = notebook.incidents.add_many(
        [IncidentInput(f"raid {n}", narrative=f"checkpoint{n}") for n in range(ROWS)]
    )
    entries = notebook.custody.entries()
    assert [e.incident_id for e in entries] == [first, *ids]
    assert [e.seq for e in entries] == list(range(1, ROWS + 2))
    assert {e.action for e in entries} == {"create"}
    assert notebook.custody.verify() == ROWS + 1
    assert [hit.incident_id for hit in notebook.search.search(f"checkpoint{ROWS - 1}")] == [ids[-1]]


def test_a_stale_appender_is_refused_by_the_seq_key_and_the_batch_rolls_back(
    notebook: object,
) -> None:
    # As for `append`: a row that went in on the same transaction behind the appender's
    # back takes the seq its first row would have had, and the PRIMARY KEY refuses it.
    notebook = nb(notebook)
    notebook.custody.record(CustodyAction.BACKUP, "vault", None)
    with pytest.raises(sqlcipher3.IntegrityError), notebook.session.db.transaction() as conn:
        appender = notebook.custody.appender(conn)
        notebook.custody.append(conn, CustodyAction.EDIT, "incident 1", 1)
        appender.append_many(wanted(ROWS), alongside=lambda: None)
    assert [e.seq for e in notebook.custody.entries()] == [1]
    assert notebook.custody.verify() == 1


def test_an_empty_import_adds_no_custody_row(notebook: object) -> None:
    notebook = nb(notebook)
    assert notebook.incidents.add_many([]) == []
    assert notebook.custody.entries() == []
