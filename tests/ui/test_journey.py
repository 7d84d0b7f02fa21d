"""The whole journey of issue 12 through the real widgets, as a person does it: first run →
an incident with a person, their consent and an intervention → a file attached (progress
seen, then the row) → search finds it → locked by the idle timer → unlocked → a duress
unlock shows an empty notebook. Each step asserts what the person would see."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from tests.ui.app_driver import (
    DURESS,
    PASSPHRASE,
    create_through_wizard,
    make_app,
    unlock_with,
    wait_until,
)
from tests.ui.widget_text import accessible_text, all_text
from ui.app import CarnetApp, State
from ui.widgets.vocab import VocabCombo

CANARY = "Kestrel-Juniper-9043"
PERSON = "Amina Diallo"
ACTOR = "Front Line Defenders"


@pytest.fixture
def app(qtbot: object, tmp_path: Path) -> Iterator[CarnetApp]:
    carnet = make_app(tmp_path)
    yield carnet
    carnet.shutdown()


def _choose(combo: VocabCombo, code: str) -> None:
    index = combo.findData(code)
    assert index >= 0, code
    combo.setCurrentIndex(index)


def _cells(model: object, row: int) -> list[str]:
    columns = model.columnCount()  # type: ignore[attr-defined]
    return [str(model.index(row, c).data()) for c in range(columns)]  # type: ignore[attr-defined]


def _visible_windows() -> list[str]:
    return [type(w).__name__ for w in QApplication.topLevelWidgets() if w.isVisible()]


def test_the_whole_journey(app: CarnetApp, tmp_path: Path) -> None:
    # -- first run, with a duress passphrase ------------------------------------------
    create_through_wizard(app, duress=DURESS)
    window = app.main_window
    assert window is not None and window.windowTitle() == "Carnet"
    assert window.incidents.model.rowCount() == 0

    # -- an incident ------------------------------------------------------------------
    window.new_action.trigger()
    panel = window.panel
    editor = panel.editor
    QTest.keyClicks(editor.title, f"Detention {CANARY}")
    QTest.keyClicks(editor.date, "2024-03-05")
    QTest.keyClicks(editor.narrative, f"Taken at the checkpoint. {CANARY}")
    editor.save_button.click()
    wait_until(lambda: window.incidents.model.rowCount() == 1)
    assert f"Detention {CANARY}" in _cells(window.incidents.model, 0)
    assert panel.isTabEnabled(panel.indexOf(panel.people))

    # -- a person, with their consent -------------------------------------------------
    people = panel.people
    panel.setCurrentWidget(people)
    people.add_button.click()
    form = people.form
    QTest.keyClicks(form.name, PERSON)
    _choose(form.role, "witness")
    _choose(form.consent.level, "share")
    QTest.keyClicks(form.consent.organisations, "Front Line Defenders, OMCT")
    QTest.keyClicks(form.consent.date, "2024-03-06")
    people.save_button.click()
    wait_until(lambda: people.model.rowCount() == 1)
    row = _cells(people.model, 0)
    assert row[0] == PERSON and "Witness" in row
    assert any("Front Line Defenders, OMCT" in cell for cell in row)
    assert app.dialogs.shown == []

    # -- an intervention, the actor suggested -----------------------------------------
    interventions = panel.interventions
    panel.setCurrentWidget(interventions)
    interventions.add_button.click()
    QTest.keyClicks(interventions.actor, ACTOR)
    _choose(interventions.kind, "emergency-grant-request")
    QTest.keyClicks(interventions.date, "2024-03-07")
    interventions.save_button.click()
    wait_until(lambda: interventions.model.rowCount() == 1)
    assert ACTOR in _cells(interventions.model, 0)
    assert app.notebook is not None
    assert ACTOR in app.notebook.interventions.actor_suggestions("Front")

    # -- a file attached: progress, then the row --------------------------------------
    evidence = panel.evidence
    panel.setCurrentWidget(evidence)
    source = tmp_path / "outside" / "checkpoint-photo.bin"
    source.parent.mkdir()
    source.write_bytes(b"not really a photo " * 400_000)  # ~7.6 MB: several progress steps
    progress: list[int] = []
    evidence.bar.valueChanged.connect(progress.append)
    app.dialogs.answer_next([source])
    evidence.attach_button.click()
    wait_until(lambda: evidence.model.rowCount() == 1)
    assert progress, "no progress was shown"
    assert "checkpoint-photo.bin" in _cells(evidence.model, 0)
    assert evidence.results.item(0).text() == "checkpoint-photo.bin: attached"

    # -- search finds it --------------------------------------------------------------
    incidents = window.incidents
    QTest.keyClicks(incidents.search, "Kestrel")
    wait_until(lambda: incidents.model.rowCount() == 1)
    assert f"Detention {CANARY}" in _cells(incidents.model, 0)
    incidents.search.clear()
    QTest.keyClicks(incidents.search, "nothing-like-this")
    wait_until(lambda: incidents.model.rowCount() == 0)
    incidents.search.clear()
    wait_until(lambda: incidents.model.rowCount() == 1)

    # -- locked by the idle timer -----------------------------------------------------
    app.idle.set_delay_ms(300)
    app.idle.start()
    wait_until(lambda: app.state is State.LOCKED, timeout_ms=10_000)
    assert _visible_windows() == ["UnlockWindow"]
    assert not any(CANARY in text or PERSON in text for text in all_text())
    assert app.unlock_window is not None
    assert not any(CANARY in text for text in accessible_text(app.unlock_window))
    assert app.unlock_window.passphrase.hasFocus() or QApplication.focusWidget() is None

    # -- unlocked: everything is there ------------------------------------------------
    unlock_with(app, PASSPHRASE)
    wait_until(lambda: app.state is State.UNLOCKED)
    window = app.main_window
    assert window is not None
    wait_until(lambda: window.incidents.model.rowCount() == 1)
    window.incidents.table.selectRow(0)
    wait_until(lambda: window.panel.incident_id is not None)
    wait_until(lambda: window.panel.people.model.rowCount() == 1)
    assert window.panel.people.model.index(0, 0).data() == PERSON
    assert window.panel.evidence.model.rowCount() == 1

    # -- the duress passphrase: an empty notebook, no banner --------------------------
    QTest.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    wait_until(lambda: app.state is State.LOCKED)
    unlock_with(app, DURESS)
    wait_until(lambda: app.state is State.UNLOCKED)
    assert app.main_window is not None and app.notebook is not None
    assert app.main_window.incidents.model.rowCount() == 0
    assert app.notebook.incidents.count() == 0
    assert not any(CANARY in text or PERSON in text for text in all_text())
    assert app.dialogs.shown == []  # no notice, no banner
    assert _visible_windows() == ["MainWindow"]
    app.notebook.session.wait()
