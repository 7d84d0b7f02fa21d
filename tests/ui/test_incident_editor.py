"""The incident editor on a real vault: typing, saving, refusals, unsaved changes."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from app.models import IncidentInput
from ui.context import UiContext
from ui.views.incident_editor import IncidentEditor


def make(qtbot: QtBot, ctx: UiContext) -> IncidentEditor:
    editor = IncidentEditor(ctx)
    qtbot.addWidget(editor)
    editor.show()
    return editor


def test_typing_and_save_creates_the_incident(qtbot: QtBot, ui_ctx: UiContext) -> None:
    editor = make(qtbot, ui_ctx)
    editor.new_incident()
    QTest.keyClicks(editor.title, "Night raid")
    QTest.keyClicks(editor.date, "~2024-03")
    QTest.keyClicks(editor.location, "Dakar")
    editor.country.setEditText("Senegal")
    QTest.keyClicks(editor.coordinates, "14.69, -17.44")
    editor.violations.check_code("arbitrary-detention")
    QTest.keyClicks(editor.tags, "night, raid,")
    QTest.keyClicks(editor.narrative, "They came at 3.")
    editor.status.set_code("documented")
    editor.sensitivity.set_code("high")
    assert editor.has_unsaved_changes()
    with qtbot.waitSignal(editor.saved) as blocker:
        QTest.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    incident = ui_ctx.notebook.incidents.get(blocker.args[0])
    assert incident.title == "Night raid"
    assert incident.date.text() == "~2024-03"
    assert incident.location == "Dakar"
    assert incident.country == "SN"
    assert incident.coordinates == (14.69, -17.44)
    assert incident.violations == ("arbitrary-detention",)
    assert set(incident.tags) == {"night", "raid"}
    assert incident.narrative == "They came at 3."
    assert (incident.status, incident.sensitivity) == ("documented", "high")
    assert not editor.has_unsaved_changes()
    assert editor.incident_id == incident.id
    assert ui_ctx.dialogs.shown == []


def test_ctrl_s_saves_an_edit(qtbot: QtBot, ui_ctx: UiContext) -> None:
    incident_id = ui_ctx.notebook.incidents.add(IncidentInput(title="Before"))
    editor = make(qtbot, ui_ctx)
    editor.show_incident(incident_id)
    assert editor.title.text() == "Before"
    editor.activateWindow()
    qtbot.waitUntil(editor.isActiveWindow)
    editor.title.setFocus()
    editor.title.selectAll()
    QTest.keyClicks(editor.title, "After")
    with qtbot.waitSignal(editor.changed):
        QTest.keyClick(editor.title, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert ui_ctx.notebook.incidents.get(incident_id).title == "After"


def test_a_refused_date_is_shown_and_the_form_kept(qtbot: QtBot, ui_ctx: UiContext) -> None:
    editor = make(qtbot, ui_ctx)
    editor.new_incident()
    QTest.keyClicks(editor.title, "Kept")
    QTest.keyClicks(editor.date, "March 2024")
    QTest.keyClicks(editor.narrative, "All of it")
    ui_ctx.dialogs.answer_next(None)
    assert not editor.save()
    assert len(ui_ctx.dialogs.shown) == 1
    assert "YYYY-MM-DD" in ui_ctx.dialogs.shown[0]
    assert ui_ctx.notebook.incidents.count() == 0
    assert (editor.title.text(), editor.date.text()) == ("Kept", "March 2024")
    assert editor.narrative.toPlainText() == "All of it"
    assert editor.has_unsaved_changes()


def test_bad_coordinates_and_a_missing_title_are_refused(qtbot: QtBot, ui_ctx: UiContext) -> None:
    editor = make(qtbot, ui_ctx)
    editor.new_incident()
    QTest.keyClicks(editor.title, "Somewhere")
    QTest.keyClicks(editor.coordinates, "95, 10")
    ui_ctx.dialogs.answer_next(None, None)
    assert not editor.save()
    assert "out of range" in ui_ctx.dialogs.shown[-1]
    editor.coordinates.clear()
    editor.title.clear()
    assert not editor.save()
    assert "title is required" in ui_ctx.dialogs.shown[-1]
    assert ui_ctx.notebook.incidents.count() == 0


def test_unsaved_changes_are_tracked_and_revert_restores(qtbot: QtBot, ui_ctx: UiContext) -> None:
    incident_id = ui_ctx.notebook.incidents.add(
        IncidentInput(title="Loaded", tags=("a",), violations=("enforced-disappearance",))
    )
    editor = make(qtbot, ui_ctx)
    editor.show_incident(incident_id)
    assert not editor.has_unsaved_changes()
    assert not editor.revert_button.isEnabled()
    QTest.keyClicks(editor.title, "!")
    assert editor.has_unsaved_changes()
    QTest.keyClick(editor.title, Qt.Key.Key_Backspace)
    assert not editor.has_unsaved_changes()  # typed back: nothing to save
    editor.violations.check_code("enforced-disappearance", False)
    assert editor.has_unsaved_changes()
    assert editor.revert_button.isEnabled()
    QTest.mouseClick(editor.revert_button, Qt.MouseButton.LeftButton)
    assert not editor.has_unsaved_changes()
    assert editor.violations.codes() == ("enforced-disappearance",)
    editor.show_incident(None)
    assert not editor.has_unsaved_changes()
    assert not editor.title.isEnabled()


def test_delete_asks_first(qtbot: QtBot, ui_ctx: UiContext) -> None:
    incident_id = ui_ctx.notebook.incidents.add(IncidentInput(title="Gone soon"))
    editor = make(qtbot, ui_ctx)
    editor.show_incident(incident_id)
    ui_ctx.dialogs.answer_next(False)
    QTest.mouseClick(editor.delete_button, Qt.MouseButton.LeftButton)
    assert ui_ctx.notebook.incidents.count() == 1
    ui_ctx.dialogs.answer_next(True)
    with qtbot.waitSignal(editor.deleted):
        QTest.mouseClick(editor.delete_button, Qt.MouseButton.LeftButton)
    assert ui_ctx.notebook.incidents.count() == 0
    assert editor.incident_id is None
    assert editor.title.text() == ""


def test_french_labels_come_from_the_vocabulary(qtbot: QtBot, ui_ctx: UiContext) -> None:
    ui_ctx.language = "fr"
    editor = make(qtbot, ui_ctx)
    editor.new_incident()
    assert editor.status.currentText() == "Brouillon"
    assert editor.violations.item(0).text() == "Arrestation ou détention arbitraire"
    assert editor.country.findText("Andorre") >= 0


def test_every_control_has_an_accessible_name(qtbot: QtBot, ui_ctx: UiContext) -> None:
    from PySide6.QtWidgets import QWidget

    editor = make(qtbot, ui_ctx)
    editor.new_incident()
    for widget in editor.findChildren(QWidget):
        focusable = widget.focusPolicy() != Qt.FocusPolicy.NoFocus
        if focusable and widget.isVisibleTo(editor) and widget.parent() is editor:
            assert widget.accessibleName(), type(widget).__name__
