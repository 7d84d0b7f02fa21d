"""Changing the language in Settings while the notebook is open: the whole main window
follows (tabs, buttons, column headers, filters, vocabularies), Arabic turns it right to
left, and what the person was doing survives: selection, tab, filters, unsaved text."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QComboBox

from app.models import IncidentInput
from tests.ui.app_driver import create_through_wizard, make_app, wait_until
from ui.app import CarnetApp
from ui.windows.main_window import MainWindow
from ui.windows.settings import SettingsDialog

ENGLISH_TABS = {"Details", "Evidence", "Custody"}


@pytest.fixture
def app(qtbot: object, tmp_path: Path) -> Iterator[CarnetApp]:
    carnet = make_app(tmp_path)
    yield carnet
    carnet.shutdown()
    carnet.translations.apply("en")


def _open_with_an_incident(app: CarnetApp) -> tuple[MainWindow, int]:
    create_through_wizard(app)
    assert app.notebook is not None and app.main_window is not None
    incident = app.notebook.incidents.add(
        IncidentInput(
            title="Detention at the border",
            country="KE",
            violations=("arbitrary-detention",),
            status="verified",
        )
    )
    window = app.main_window
    window.incidents.refresh_and_select(incident)
    window.panel.show_incident(incident)
    return window, incident


def _choose_language_in_settings(app: CarnetApp, language: str) -> None:
    """Settings from the toolbar, the language picked in its combo, OK."""

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, SettingsDialog)
        combo = dialog.language
        assert isinstance(combo, QComboBox)
        combo.setCurrentIndex(combo.findData(language))
        dialog.accept()

    assert app.main_window is not None
    QTimer.singleShot(0, answer)
    app.main_window.settings_action.trigger()


def test_the_main_window_follows_a_language_change(app: CarnetApp) -> None:
    window, incident = _open_with_an_incident(app)
    list_view = window.incidents
    QTest.keyClicks(list_view.search, "border")
    list_view.apply_filter()
    list_view.select(incident)
    window.panel.editor.narrative.setPlainText("Typed, not saved yet")
    assert window.panel.has_unsaved_changes()

    _choose_language_in_settings(app, "fr")

    assert app.main_window is window  # the same window, still unlocked
    panel, list_view = window.panel, window.incidents
    tabs = {panel.tabText(i) for i in range(panel.count())}
    assert {"Détails", "Preuves", "Chaîne de possession"} <= tabs
    assert not tabs & ENGLISH_TABS
    assert window.new_action.text() == "Nouvel incident"
    assert window.lock_action.text() == "Verrouiller"
    assert panel.editor.save_button.text() == "&Enregistrer"
    model = list_view.model
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers[1:5] == ["Titre", "Date", "Statut", "Pays"]
    assert list_view.from_label.text() == "Du"
    assert list_view.date_from.placeholderText() == "AAAA-MM-JJ"
    assert list_view.status.itemText(0) == "Statut\xa0: indifférent"
    # Vocabularies: the filter's terms, the list's cells and the form's combos.
    assert list_view.violation.findText("Arrestation ou détention arbitraire") > 0
    assert model.data(model.index(0, 3)) == "Vérifié"
    assert panel.editor.status.currentText() == "Vérifié"
    # What the person was doing is still there.
    assert list_view.search.text() == "border"
    assert list_view.chosen_id() == incident
    assert panel.incident_id == incident
    assert panel.editor.narrative.toPlainText() == "Typed, not saved yet"
    assert panel.has_unsaved_changes()

    _choose_language_in_settings(app, "ar")
    assert QApplication.layoutDirection() == Qt.LayoutDirection.RightToLeft
    assert window.isRightToLeft() and window.incidents.isRightToLeft()
    assert window.panel.isRightToLeft()
    assert window.panel.tabText(0) == "التفاصيل"
    assert window.panel.editor.status.currentText() == "تم التحقق منه"
    assert window.panel.editor.narrative.toPlainText() == "Typed, not saved yet"


def test_the_views_wait_for_a_running_job(app: CarnetApp) -> None:
    """A job reports to the view that started it: the views are rebuilt once it is done,
    not under it."""
    window, _incident = _open_with_an_incident(app)
    release = threading.Event()
    window.ctx.workers.start(lambda progress, cancel: release.wait(10))
    old_panel = window.panel
    _choose_language_in_settings(app, "fr")
    assert window.new_action.text() == "Nouvel incident"  # the window's own texts at once
    QTest.qWait(300)
    assert window.panel is old_panel
    release.set()
    wait_until(lambda: window.panel is not old_panel)
    assert window.panel.tabText(0) == "Détails"


def test_the_views_wait_for_an_unsaved_intervention(app: CarnetApp) -> None:
    """Only the Details form's draft survives a rebuild: an intervention being written
    keeps the old views (and the text) until it is saved or reverted, then they follow."""
    window, _incident = _open_with_an_incident(app)
    interventions = window.panel.interventions
    interventions.add_intervention()
    QTest.keyClicks(interventions.notes, "Called the lawyer at 9")
    assert window.panel.has_unsaved_changes()
    old_panel = window.panel
    _choose_language_in_settings(app, "fr")
    QTest.qWait(300)
    assert window.panel is old_panel
    assert interventions.notes.toPlainText() == "Called the lawyer at 9"
    interventions.discard_edits()
    wait_until(lambda: window.panel is not old_panel)
    assert window.panel.tabText(0) == "Détails"
