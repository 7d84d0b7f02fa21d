"""CustodyView on a real vault: entries, verify intact, verify after tampering."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtTest import QAbstractItemModelTester

from app.models import IncidentInput
from ui.context import UiContext
from ui.views.custody import CustodyView


def test_entries_and_verify(qtbot: object, ui_ctx: UiContext, tmp_path: Path) -> None:
    incident = ui_ctx.notebook.incidents.add(IncidentInput(title="Raid"))
    other = ui_ctx.notebook.incidents.add(IncidentInput(title="Other"))
    view = CustodyView(ui_ctx)
    qtbot.addWidget(view)  # type: ignore[attr-defined]
    view.show_incident(incident)
    QAbstractItemModelTester(view.model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    shown = view.model.rowCount()
    assert shown >= 1
    view.whole.setChecked(True)
    assert view.model.rowCount() > shown
    assert other
    with qtbot.waitSignal(view.verified, timeout=10000) as blocker:  # type: ignore[attr-defined]
        view.verify_button.click()
    assert "the chain is intact" in blocker.args[0]


def test_verify_names_the_tampered_row(qtbot: object, ui_ctx: UiContext) -> None:
    ui_ctx.notebook.incidents.add(IncidentInput(title="Raid"))
    ui_ctx.notebook.incidents.add(IncidentInput(title="Other"))
    with ui_ctx.notebook.session.db.transaction() as conn:
        conn.execute("UPDATE custody_log SET subject = 'incident 99' WHERE seq = 2")
    view = CustodyView(ui_ctx)
    qtbot.addWidget(view)  # type: ignore[attr-defined]
    ui_ctx.dialogs.answer_next(None)
    with qtbot.waitSignal(view.verified, timeout=10000) as blocker:  # type: ignore[attr-defined]
        view.verify_button.click()
    assert "custody log row 2" in blocker.args[0]
