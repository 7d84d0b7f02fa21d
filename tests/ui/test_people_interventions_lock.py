"""A lock while the People and Interventions tabs hold notebook text (a person's name in
the table and the form, an actor in the completer's list and popup, an unsaved edit)
leaves none of it in any live widget, model, completer or accessible text."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from app.models import ConsentInput, IncidentInput, InterventionInput, PersonInput
from tests.ui.app_driver import create_through_wizard, make_app, wait_until
from tests.ui.widget_text import accessible_text, all_text
from ui.app import CarnetApp, State

CANARY = "Canary-Merlin-5820"


@pytest.fixture
def app(qtbot: object, tmp_path: Path) -> Iterator[CarnetApp]:
    carnet = make_app(tmp_path)
    yield carnet
    carnet.shutdown()


def test_lock_leaves_no_person_or_actor_behind(app: CarnetApp) -> None:
    create_through_wizard(app)
    notebook, window = app.notebook, app.main_window
    assert notebook is not None and window is not None
    incident = notebook.incidents.add(IncidentInput(title="Raid"))
    person = notebook.people.add(PersonInput(f"{CANARY} person"))
    notebook.people.link(incident, person, "witness", ConsentInput("share", (f"{CANARY} org",)))
    notebook.interventions.add(incident, InterventionInput(f"{CANARY} actor"))
    window.incidents.refresh_and_select(incident)
    panel = window.panel
    panel.show_incident(incident)
    panel.setCurrentWidget(panel.people)
    panel.people.table.selectRow(0)
    panel.setCurrentWidget(panel.interventions)
    view = panel.interventions
    view.add_button.click()
    QTest.keyClicks(view.actor, "Cana")  # unsaved, and the completer offers the actor
    assert f"{CANARY} actor" in view.actor.suggestions_model.stringList()
    assert any(CANARY in text for text in all_text())
    QTest.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    wait_until(lambda: app.state is State.LOCKED)
    assert app.main_window is None
    assert not any(CANARY in text for text in all_text())
    assert app.unlock_window is not None
    assert not any(CANARY in text for text in accessible_text(app.unlock_window))
