"""A lock never waits for the person, whatever is on screen: with each kind of modal open,
or an attach running, a lock by Ctrl+L, by the desktop's screen-lock signal (a private
D-Bus session bus, dbus-send as a screensaver would) or by the idle timer leaves no
modal, cancels the job without leaving a partial blob, closes the session, and leaves
no widget, model, completer, title or accessible text holding the notebook's canary.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from app.models import IncidentInput
from app.paths import VaultPaths
from tests.ui.app_driver import PASSPHRASE, create_through_wizard, make_app, unlock_with, wait_until
from tests.ui.private_bus import PrivateBus
from tests.ui.widget_text import accessible_text, all_text
from ui.app import CarnetApp, State
from ui.locking import ScreenLockListener

CANARY = "Canary-Osprey-5826"

Trigger = Callable[[CarnetApp, PrivateBus], None]


def _press_ctrl_l(app: CarnetApp, _bus: PrivateBus) -> None:
    target = QApplication.activeModalWidget() or app.main_window
    assert target is not None
    focus = target.focusWidget() or target
    QTest.keyClick(focus, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)


def _screensaver_signal(_app: CarnetApp, bus: PrivateBus) -> None:
    bus.send_signal(
        "/org/freedesktop/ScreenSaver", "org.freedesktop.ScreenSaver.ActiveChanged", "boolean:true"
    )


def _idle(app: CarnetApp, _bus: PrivateBus) -> None:
    app.idle.set_delay_ms(300)
    app.idle.start()


TRIGGERS: dict[str, Trigger] = {
    "ctrl-l": _press_ctrl_l,
    "screen-lock": _screensaver_signal,
    "idle": _idle,
}


def _open_confirm(app: CarnetApp) -> None:
    app.dialogs.confirm(app.main_window, CANARY, "Delete")


def _open_message(app: CarnetApp) -> None:
    app.dialogs.warn(app.main_window, CANARY)


def _open_files(app: CarnetApp) -> None:
    app.dialogs.open_files(app.main_window, "Attach files")


def _open_save(app: CarnetApp) -> None:
    app.dialogs.save_file(app.main_window, "Save a copy as", f"{CANARY}.txt")


def _open_settings(app: CarnetApp) -> None:
    assert app.main_window is not None
    app.main_window.settings_action.trigger()


def _open_unsaved_question(app: CarnetApp) -> None:
    """The editor holds an unsaved change and the person picks another incident."""
    assert app.main_window is not None
    panel = app.main_window.panel
    panel.editor.title.setText(CANARY + " edited")
    panel.show_incident(None)


MODALS: dict[str, Callable[[CarnetApp], None]] = {
    "confirm": _open_confirm,
    "message": _open_message,
    "open-files": _open_files,
    "save-file": _open_save,
    "settings": _open_settings,
    "unsaved-question": _open_unsaved_question,
}


@pytest.fixture
def session_app(qtbot: object, tmp_path: Path, session_bus: PrivateBus) -> Iterator[CarnetApp]:
    app = make_app(tmp_path, screen_locks=ScreenLockListener(session_bus=session_bus.connect()))
    yield app
    app.shutdown()


def _unlocked_with_canary(app: CarnetApp) -> int:
    create_through_wizard(app)
    assert app.notebook is not None and app.main_window is not None
    incident = app.notebook.incidents.add(IncidentInput(title=CANARY, narrative=CANARY))
    app.main_window.incidents.refresh_and_select(incident)
    app.main_window.panel.show_incident(incident)
    assert any(CANARY in text for text in all_text())
    return incident


def _assert_locked_clean(app: CarnetApp, notebook: object) -> None:
    assert app.state is State.LOCKED
    assert app.main_window is None and app.notebook is None
    assert app.dialogs.open_count == 0 and app.dialogs.depth == 0
    visible = [w for w in QApplication.topLevelWidgets() if w.isVisible()]
    assert [type(w).__name__ for w in visible] == ["UnlockWindow"]
    assert not any(isinstance(w, QDialog) and w.isVisible() for w in QApplication.allWidgets())
    session = notebook.session  # type: ignore[attr-defined]
    with pytest.raises(ValueError):
        session.subkey(b"after-the-lock")  # the master key is gone
    assert not any(CANARY in text for text in all_text())
    assert app.unlock_window is not None
    assert not any(CANARY in text for text in accessible_text(app.unlock_window))


@pytest.mark.parametrize("modal", sorted(MODALS))
@pytest.mark.parametrize("trigger", sorted(TRIGGERS))
def test_a_lock_closes_every_kind_of_modal(
    session_app: CarnetApp, session_bus: PrivateBus, modal: str, trigger: str
) -> None:
    app = session_app
    _unlocked_with_canary(app)
    notebook = app.notebook
    fired: list[QWidget] = []

    def when_the_modal_is_up() -> None:
        shown = QApplication.activeModalWidget()
        if shown is None or not shown.isVisible():
            QTimer.singleShot(20, when_the_modal_is_up)
            return
        fired.append(shown)
        title = shown.windowTitle()
        assert title.startswith("Carnet") and CANARY not in title, title
        TRIGGERS[trigger](app, session_bus)
        # Should the lock not come, close the modal so the test fails instead of hanging.
        QTimer.singleShot(8_000, shown, shown.close)

    QTimer.singleShot(0, when_the_modal_is_up)
    MODALS[modal](app)  # returns once the lock has closed the modal
    wait_until(lambda: app.state is State.LOCKED, timeout_ms=10_000)
    assert fired, "the modal never showed"
    _assert_locked_clean(app, notebook)


def _blob_files(root: Path) -> set[str]:
    blobs = VaultPaths(root / "vault").blobs
    # The store's own lock file aside, every file there is a blob or a part of one.
    return {
        str(p.relative_to(blobs)) for p in blobs.rglob("*") if p.is_file() and p.name != ".lock"
    }


@pytest.mark.parametrize("trigger", sorted(TRIGGERS))
def test_a_lock_during_an_attach_cancels_it_without_a_partial_blob(
    session_app: CarnetApp, session_bus: PrivateBus, tmp_path: Path, trigger: str
) -> None:
    app = session_app
    incident = _unlocked_with_canary(app)
    notebook = app.notebook
    assert app.main_window is not None
    evidence = app.main_window.panel.evidence
    big = tmp_path / "outside" / "interview.bin"
    big.parent.mkdir()
    with big.open("wb") as out:
        for _ in range(48):
            out.write(os.urandom(1024 * 1024))
    before = _blob_files(tmp_path)
    progressed: list[int] = []
    evidence.bar.valueChanged.connect(progressed.append)
    evidence.attach_paths([big])
    wait_until(lambda: any(value > 0 for value in progressed), timeout_ms=20_000)
    assert app.workers.running == 1
    TRIGGERS[trigger](app, session_bus)
    wait_until(lambda: app.state is State.LOCKED, timeout_ms=10_000)
    assert app.workers.running == 0
    _assert_locked_clean(app, notebook)
    assert _blob_files(tmp_path) == before
    assert big.stat().st_size == 48 * 1024 * 1024  # the original is untouched
    unlock_with(app, PASSPHRASE)
    wait_until(lambda: app.state is State.UNLOCKED)
    assert app.notebook is not None
    assert app.notebook.attachments.list_for(incident) == []
    assert _blob_files(tmp_path) == before
