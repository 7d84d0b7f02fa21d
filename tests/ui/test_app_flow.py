"""The lock state machine with real windows: first run, unlock, failures, duress, lock.

Each step asserts what the person sees. The canary is a title typed into the notebook:
after a lock no live widget, model, title or accessible text may hold it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from app.models import IncidentInput
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
from ui.errors import unlock_failed

CANARY = "Canary-Kestrel-4471"


@pytest.fixture
def app(qtbot: object, tmp_path: Path) -> CarnetApp:
    carnet = make_app(tmp_path)
    yield carnet
    carnet.shutdown()


def _add_canary(app: CarnetApp) -> int:
    assert app.notebook is not None and app.main_window is not None
    incident = app.notebook.incidents.add(IncidentInput(title=CANARY, narrative=CANARY))
    app.main_window.incidents.refresh_and_select(incident)
    app.main_window.panel.show_incident(incident)
    return incident


def _visible_top_levels() -> list[QWidget]:
    return [w for w in QApplication.topLevelWidgets() if w.isVisible()]


def test_first_run_creates_and_opens_the_notebook(app: CarnetApp) -> None:
    create_through_wizard(app)
    assert app.state is State.UNLOCKED
    assert app.main_window is not None and app.main_window.isVisible()
    assert app.main_window.windowTitle() == "Carnet"
    assert app.opener.exists()


def test_wizard_refuses_a_short_or_mismatched_passphrase(app: CarnetApp) -> None:
    from PySide6.QtWidgets import QWizard

    app.start()
    wizard = app.wizard
    assert wizard is not None
    wizard.next()
    page = wizard.passphrase_page
    short = "x" * (app.opener.min_passphrase_chars - 1)
    QTest.keyClicks(page.first, short)
    QTest.keyClicks(page.second, short)
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    page.first.setText(PASSPHRASE)
    page.second.setText(PASSPHRASE + "!")
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    assert page.problem.text()
    page.second.setText(PASSPHRASE)
    assert wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    assert not app.opener.exists()


def test_the_recovery_key_must_be_retyped_before_finishing(app: CarnetApp) -> None:
    from PySide6.QtWidgets import QWizard

    wizard = create_through_wizard(app, finish=False)
    finish = wizard.button(QWizard.WizardButton.FinishButton)
    assert not finish.isEnabled()
    key_page = wizard.key_page
    groups = key_page.key.text().split("-")
    wrong = groups[(key_page._asked + 1) % len(groups)]
    if wrong != groups[key_page._asked]:
        QTest.keyClicks(key_page.confirm, wrong)
        assert not finish.isEnabled()
        key_page.confirm.clear()
    QTest.keyClicks(key_page.confirm, groups[key_page._asked])
    assert finish.isEnabled()


def test_lock_by_ctrl_l_deletes_the_notebook_views(app: CarnetApp) -> None:
    create_through_wizard(app)
    _add_canary(app)
    assert any(CANARY in text for text in all_text())
    window = app.main_window
    assert window is not None
    QTest.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    wait_until(lambda: app.state is State.LOCKED)
    assert app.main_window is None and app.notebook is None
    assert not any(CANARY in text for text in all_text())
    assert [(type(w).__name__, w.windowTitle()) for w in _visible_top_levels()] == [
        ("UnlockWindow", "Carnet")
    ]
    assert app.unlock_window is not None
    assert not any(CANARY in text for text in accessible_text(app.unlock_window))


def test_unlock_failure_reads_the_same_and_unlock_works(app: CarnetApp) -> None:
    create_through_wizard(app)
    app.lock()
    window = unlock_with(app, "not the passphrase")
    wait_until(lambda: window.message.text() == unlock_failed())
    assert window.passphrase.text() == ""
    assert window.passphrase.isEnabled()
    unlock_with(app, PASSPHRASE)
    wait_until(lambda: app.state is State.UNLOCKED)


def test_duress_passphrase_opens_an_empty_notebook_without_a_banner(app: CarnetApp) -> None:
    create_through_wizard(app, duress=DURESS)
    _add_canary(app)
    app.lock()
    unlock_with(app, DURESS)
    wait_until(lambda: app.state is State.UNLOCKED)
    assert app.notebook is not None
    assert app.notebook.incidents.count() == 0
    assert app.main_window is not None and app.main_window.incidents.model.rowCount() == 0
    assert not any(CANARY in text for text in all_text())
    assert app.dialogs.shown == []  # no notice, no banner
    app.notebook.session.wait()


def test_lock_closes_an_open_modal_dialog(app: CarnetApp) -> None:
    create_through_wizard(app)
    _add_canary(app)
    window = app.main_window
    assert window is not None
    locked: list[bool] = []

    def lock_while_asking() -> None:
        assert app.dialogs.open_count == 1
        app.lock("idle")
        locked.append(True)

    from PySide6.QtCore import QTimer

    QTimer.singleShot(50, lock_while_asking)
    answer = app.dialogs.confirm(window, CANARY, "Delete")
    assert answer is False  # a lock answers "no" to whatever was being asked
    assert locked
    wait_until(lambda: app.state is State.LOCKED)
    assert not any(isinstance(w, QMessageBox) and w.isVisible() for w in QApplication.allWidgets())
    assert not any(CANARY in text for text in all_text())


def test_idle_timeout_locks(app: CarnetApp) -> None:
    create_through_wizard(app)
    app.idle.set_delay_ms(200)
    app.idle.start()
    wait_until(lambda: app.state is State.LOCKED, timeout_ms=5_000)
    assert app.unlock_window is not None and app.unlock_window.isVisible()


def test_preferences_on_a_read_only_disk_are_used_not_kept(app: CarnetApp, tmp_path: Path) -> None:
    """Saving the settings where the disk refuses: a message, no traceback, and the
    choice still applies for this run."""
    from dataclasses import replace

    app.preferences_path = tmp_path / "not-a-folder" / "preferences.json"
    (tmp_path / "not-a-folder").write_text("a file where a folder should be")
    app.dialogs.answer_next(None)
    app.set_preferences(replace(app.preferences, clipboard_seconds=5))
    assert app.preferences.clipboard_seconds == 5
    assert app.clipboard.delay_ms() == 5000
    assert app.dialogs.shown  # the person was told
