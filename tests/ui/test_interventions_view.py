"""InterventionsView on a real vault: add, change and delete through the widgets, the
actor's suggestions from app/ in the completer as it is typed, a bad date refused with
nothing written, and suggestions gone when the view is."""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from app.models import IncidentInput, InterventionInput
from ui.context import UiContext
from ui.views.interventions import InterventionsView
from ui.widgets.vocab import VocabCombo


def _view(qtbot: QtBot, ctx: UiContext) -> tuple[InterventionsView, int]:
    incident = ctx.notebook.incidents.add(IncidentInput(title="Raid"))
    view = InterventionsView(ctx)
    qtbot.addWidget(view)
    view.show_incident(incident)
    view.show()
    return view, incident


def _choose(combo: VocabCombo, code: str) -> None:
    index = combo.findData(code)
    assert index >= 0, code
    combo.setCurrentIndex(index)


def _completions(view: InterventionsView) -> list[str]:
    model = view.actor.suggestions.completionModel()
    return [str(model.index(row, 0).data()) for row in range(model.rowCount())]


def test_add_change_and_delete(qtbot: QtBot, ui_ctx: UiContext) -> None:
    view, incident = _view(qtbot, ui_ctx)
    service = ui_ctx.notebook.interventions
    assert not view.form.isVisible()
    view.add_button.click()
    assert view.form.isVisible()
    QTest.keyClicks(view.actor, "Front Line Defenders")
    _choose(view.kind, "emergency-grant-request")
    _choose(view.status, "sent")
    QTest.keyClicks(view.date, "2024-03-07")
    QTest.keyClicks(view.notes, "Asked for relocation costs")
    assert view.has_unsaved_changes()
    with qtbot.waitSignal(view.changed, timeout=2000):
        view.save_button.click()
    assert ui_ctx.dialogs.shown == []
    (stored,) = service.list_for(incident)
    assert stored.to_input() == InterventionInput(
        "Front Line Defenders", "emergency-grant-request", "sent", "2024-03-07",
        "Asked for relocation costs",
    )  # fmt: skip
    assert [view.model.index(0, c).data() for c in range(4)] == [
        "2024-03-07",
        "Front Line Defenders",
        "Emergency grant request",
        "Sent or requested",
    ]
    assert not view.has_unsaved_changes()

    # Reopened in a fresh view, the form shows what app/ stored; a change is saved.
    again = InterventionsView(ui_ctx)
    qtbot.addWidget(again)
    again.show_incident(incident)
    again.table.selectRow(0)
    assert again.value() == stored.to_input()
    _choose(again.status, "completed")
    again.date.clear()
    assert again.save()
    assert service.get(stored.id).status == "completed"
    assert service.get(stored.id).date is None

    ui_ctx.dialogs.answer_next(False)
    again.delete_button.click()
    assert "Delete this intervention" in ui_ctx.dialogs.shown[-1]
    assert len(service.list_for(incident)) == 1
    ui_ctx.dialogs.answer_next(True)
    again.delete_button.click()
    assert service.list_for(incident) == []
    assert again.model.rowCount() == 0
    assert not again.delete_button.isEnabled()


def test_bad_input_gives_a_message_and_changes_nothing(qtbot: QtBot, ui_ctx: UiContext) -> None:
    view, incident = _view(qtbot, ui_ctx)
    service = ui_ctx.notebook.interventions
    view.add_button.click()
    QTest.keyClicks(view.actor, "OMCT")
    QTest.keyClicks(view.date, "07/03/2024")
    ui_ctx.dialogs.answer_next(None)
    assert not view.save()
    assert "Please check what you typed" in ui_ctx.dialogs.shown[-1]
    assert "YYYY-MM-DD" in ui_ctx.dialogs.shown[-1]
    assert service.list_for(incident) == []
    assert view.date.text() == "07/03/2024"  # kept as typed
    # An existing intervention whose actor is emptied is refused and left as it was.
    kept = service.add(incident, InterventionInput("OHCHR"))
    ui_ctx.dialogs.answer_next(True)  # discard the refused new one
    view.refresh()
    view.table.selectRow(0)
    view.actor.clear()
    ui_ctx.dialogs.answer_next(None)
    assert not view.save()
    assert "actor is required" in ui_ctx.dialogs.shown[-1]
    assert service.get(kept).actor == "OHCHR"


def test_actor_suggestions_follow_what_is_typed(qtbot: QtBot, ui_ctx: UiContext) -> None:
    service = ui_ctx.notebook.interventions
    other = ui_ctx.notebook.incidents.add(IncidentInput(title="Earlier"))
    service.add(other, InterventionInput("Comité de soutien local"))
    view, _ = _view(qtbot, ui_ctx)
    view.add_button.click()
    QTest.keyClicks(view.actor, "Com")
    assert view.actor.suggestions_model.stringList() == service.actor_suggestions("Com")
    assert _completions(view) == ["Comité de soutien local"]
    view.actor.clear()
    QTest.keyClicks(view.actor, "un sp")
    found = _completions(view)
    assert found and all(name.startswith("UN Special Rapporteur") for name in found)
    view.actor.clear()
    QTest.keyClicks(view.actor, "x" * 501)  # longer than any actor: nothing, no error
    assert view.actor.suggestions_model.stringList() == []
    assert ui_ctx.dialogs.shown == []


def test_suggestions_go_with_the_view(qtbot: QtBot, ui_ctx: UiContext) -> None:
    service = ui_ctx.notebook.interventions
    other = ui_ctx.notebook.incidents.add(IncidentInput(title="Earlier"))
    service.add(other, InterventionInput("Canary Collective"))
    view, _ = _view(qtbot, ui_ctx)
    view.add_button.click()
    QTest.keyClicks(view.actor, "Can")
    assert "Canary Collective" in view.actor.suggestions_model.stringList()
    view.discard_edits()  # what a lock does first
    assert view.actor.suggestions_model.stringList() == []
    assert view.actor.text() == ""
    QTest.keyClicks(view.actor, "Can")
    model, completer = view.actor.suggestions_model, view.actor.suggestions
    view.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert not shiboken6.isValid(model)
    assert not shiboken6.isValid(completer)


def test_unsaved_edits_are_guarded(qtbot: QtBot, ui_ctx: UiContext) -> None:
    service = ui_ctx.notebook.interventions
    view, incident = _view(qtbot, ui_ctx)
    for actor in ("FIDH", "OMCT"):
        service.add(incident, InterventionInput(actor))
    view.refresh()
    view.table.selectRow(0)
    QTest.keyClicks(view.notes, "draft")
    ui_ctx.dialogs.answer_next(False)
    view.table.selectRow(1)
    assert view.notes.toPlainText() == "draft"
    view.revert_button.click()
    assert view.notes.toPlainText() == ""
    assert not view.has_unsaved_changes()


def test_model_and_accessible_names(qtbot: QtBot, ui_ctx: UiContext, qtmodeltester: object) -> None:
    service = ui_ctx.notebook.interventions
    view, incident = _view(qtbot, ui_ctx)
    service.add(incident, InterventionInput("FIDH", "urgent-appeal", "sent", "2024-01-02"))
    service.add(incident, InterventionInput("A lawyer"))
    view.refresh()
    qtmodeltester.check(view.model)  # type: ignore[attr-defined]
    view.add_button.click()
    unnamed = [
        type(w).__name__
        for w in view.findChildren(QWidget)
        if w.isVisible() and w.focusPolicy() != Qt.FocusPolicy.NoFocus and not w.accessibleName()
    ]
    assert unnamed == []
