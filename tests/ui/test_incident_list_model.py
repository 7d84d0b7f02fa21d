"""The incident list's model under Qt's own QAbstractItemModelTester (fatal mode) while it
does what the list does: keyset pages fetched on demand, sorted and filtered in SQL,
searched, reloaded. Its rows always equal what app/'s lister returns."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QAbstractItemModelTester
from pytestqt.qtbot import QtBot

from app.incident_list import IncidentFilter
from app.models import IncidentInput
from ui.context import UiContext
from ui.models.incident_list import PAGE_ROWS, IncidentListModel

COUNT = PAGE_ROWS * 2 + 37


def _fill(ctx: UiContext) -> None:
    ctx.notebook.incidents.add_many(
        [
            IncidentInput(
                title=f"Incident {n:04d}" + (" checkpoint" if n % 10 == 0 else ""),
                date=f"2024-{1 + n % 12:02d}-{1 + n % 28:02d}",
                country="KE" if n % 3 else "UG",
                status="verified" if n % 2 else "draft",
            )
            for n in range(COUNT)
        ]
    )


def _fetch_all(model: IncidentListModel) -> None:
    while model.canFetchMore():
        model.fetchMore()


def test_model_stays_consistent_through_paging_sorting_and_filtering(
    qtbot: QtBot, ui_ctx: UiContext
) -> None:
    _fill(ui_ctx)
    model = IncidentListModel(ui_ctx.notebook.lister, "en")
    tester = QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    assert model.rowCount() > 0  # (the tester itself fetches a page or two)
    _fetch_all(model)
    assert model.rowCount() == COUNT
    ids = [model.incident_id(row) for row in range(model.rowCount())]
    assert len(set(ids)) == COUNT  # no row fetched twice across page boundaries

    for column in range(model.columnCount()):
        for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
            model.sort(column, order)
            _fetch_all(model)
            assert model.rowCount() == COUNT

    model.set_filter(IncidentFilter(country="UG"))
    _fetch_all(model)
    assert model.rowCount() == len(range(0, COUNT, 3))
    model.set_filter(IncidentFilter(text="checkpoint"))
    _fetch_all(model)
    assert model.rowCount() == len(range(0, COUNT, 10))
    assert all("checkpoint" in str(model.index(r, 1).data()) for r in range(model.rowCount()))
    model.set_filter(IncidentFilter(text="nothing-matches-this"))
    assert model.rowCount() == 0 and not model.canFetchMore()
    model.set_filter(IncidentFilter())
    model.reload()
    _fetch_all(model)
    assert model.rowCount() == COUNT
    del tester
