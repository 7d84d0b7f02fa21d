"""In a right-to-left layout (Arabic) a row chosen by the code is really selected: in the
incident list, the evidence table, the people and the interventions tables.
(QTableView.selectRow selects nothing there when the far column is out of view.)"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.models import IncidentInput
from ui.context import UiContext
from ui.views.evidence import EvidenceView
from ui.views.incident_list import IncidentListView


@pytest.fixture
def right_to_left(qtbot: QtBot) -> Iterator[None]:
    QApplication.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
    yield
    QApplication.setLayoutDirection(Qt.LayoutDirection.LeftToRight)


def test_incident_list_selects_in_right_to_left(
    qtbot: QtBot, ui_ctx: UiContext, right_to_left: None
) -> None:
    ids = ui_ctx.notebook.incidents.add_many([IncidentInput(title=f"Raid {n}") for n in range(5)])
    view = IncidentListView(ui_ctx)
    qtbot.addWidget(view)
    view.resize(300, 400)  # narrower than its columns: the far edge holds no column
    view.show()
    view.refresh_and_select(ids[2])
    assert view.chosen_id() == ids[2]


def test_evidence_table_selects_in_right_to_left(
    qtbot: QtBot, ui_ctx: UiContext, right_to_left: None, tmp_path: Path
) -> None:
    incident = ui_ctx.notebook.incidents.add(IncidentInput(title="Raid"))
    for n in range(3):
        source = tmp_path / f"note-{n}.txt"
        source.write_text(f"note {n}", encoding="utf-8")
        ui_ctx.notebook.attachments.attach(incident, [source])
    view = EvidenceView(ui_ctx)
    qtbot.addWidget(view)
    view.resize(260, 400)
    view.show()
    view.show_incident(incident)
    view.select_row(1)
    selected = view.table.selectionModel().selectedRows()
    assert [index.row() for index in selected] == [1]
    assert view.current() == view.model.attachment(1)
