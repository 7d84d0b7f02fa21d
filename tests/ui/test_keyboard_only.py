"""The app used with the keyboard alone, as a person who cannot or will not use a mouse:
every key goes to the widget that has the focus, as the window system would send it;
controls are reached with Tab, tabs with Ctrl+PageDown, buttons pressed with Space, a
file chosen by typing its path into Qt's file dialog.
No widget is clicked, no text set, no method of a view called."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from tests.ui.app_driver import PASSPHRASE, make_app, wait_until
from ui.app import CarnetApp, State

CTRL = Qt.KeyboardModifier.ControlModifier
TITLE = "Checkpoint detention"


@pytest.fixture
def app(qtbot: object, tmp_path: Path) -> Iterator[CarnetApp]:
    carnet = make_app(tmp_path)
    yield carnet
    carnet.shutdown()


def _focus() -> QWidget:
    wait_until(lambda: QApplication.focusWidget() is not None, timeout_ms=5_000)
    widget = QApplication.focusWidget()
    assert widget is not None
    return widget


def focus_in(window: QWidget) -> None:
    """Activate `window`, as the window system does for the window a person looks at, and
    wait until the keyboard focus is inside it."""
    window.activateWindow()

    def inside() -> bool:
        focus = QApplication.focusWidget()
        return focus is not None and (focus is window or window.isAncestorOf(focus))

    wait_until(inside, timeout_ms=5_000)


def press(key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    QTest.keyClick(_focus(), key, modifier)


def type_text(text: str) -> None:
    QTest.keyClicks(_focus(), text)


def tab_to(name: str, limit: int = 60) -> QWidget:
    """Press Tab until the control whose accessible name is `name` has the focus: it is
    reachable from the keyboard, in the window's tab order."""
    for _ in range(limit):
        if _focus().accessibleName() == name:
            return _focus()
        press(Qt.Key.Key_Tab)
    raise AssertionError(f"{name!r} cannot be reached with Tab: {_chain()}")


def _chain(presses: int = 30) -> list[str]:
    seen = []
    for _ in range(presses):
        widget = _focus()
        seen.append(f"{type(widget).__name__}:{widget.accessibleName()}")
        press(Qt.Key.Key_Tab)
    return seen


def test_first_run_record_lock_and_unlock_with_the_keyboard_alone(
    app: CarnetApp, tmp_path: Path
) -> None:
    app.start()
    wizard = app.wizard
    assert wizard is not None
    wait_until(lambda: wizard.isVisible())
    focus_in(wizard)
    press(Qt.Key.Key_Return)  # the language page: English, Next
    wait_until(lambda: wizard.currentPage() is wizard.passphrase_page)
    type_text(PASSPHRASE)  # the first field has the focus
    press(Qt.Key.Key_Tab)
    type_text(PASSPHRASE)
    press(Qt.Key.Key_Return)
    wait_until(lambda: wizard.currentPage() is wizard.safety_page)
    press(Qt.Key.Key_Return)  # no duress passphrase: create
    wait_until(lambda: wizard.currentPage() is wizard.key_page, timeout_ms=60_000)
    key_page = wizard.key_page
    asked = key_page.key.text().split("-")[key_page._asked]  # read off the screen
    wait_until(lambda: QApplication.focusWidget() is key_page.confirm)
    type_text(asked)
    press(Qt.Key.Key_Return)  # Finish
    wait_until(lambda: app.state is State.UNLOCKED)
    window = app.main_window
    assert window is not None
    focus_in(window)

    # A new incident (Ctrl+N), its title, saved with Ctrl+S.
    press(Qt.Key.Key_N, CTRL)
    tab_to("Title")
    type_text(TITLE)
    press(Qt.Key.Key_S, CTRL)
    wait_until(lambda: window.incidents.model.rowCount() == 1)
    assert window.incidents.model.index(0, 1).data() == TITLE

    # The other tabs with Ctrl+PageDown; a person added by Tab and Space.
    panel = window.panel
    tab_to("Title")
    press(Qt.Key.Key_PageDown, CTRL)
    assert panel.currentWidget() is panel.people
    add = tab_to("Add a person")
    press(Qt.Key.Key_Space)
    assert panel.people.form.isVisible()
    tab_to("Name")
    type_text("Amina Diallo")
    press(Qt.Key.Key_S, CTRL)
    wait_until(lambda: panel.people.model.rowCount() == 1)
    assert add.isEnabled()

    # Evidence: Ctrl+Shift+A opens Qt's file dialog; the path typed, Return.
    press(Qt.Key.Key_PageDown, CTRL)
    press(Qt.Key.Key_PageDown, CTRL)
    assert panel.currentWidget() is panel.evidence
    source = tmp_path / "outside" / "statement.txt"
    source.parent.mkdir()
    source.write_text("statement", encoding="utf-8")

    def type_the_path() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(20, type_the_path)
            return
        focus_in(dialog)
        type_text(str(source))
        press(Qt.Key.Key_Return)

    QTimer.singleShot(0, type_the_path)
    press(Qt.Key.Key_A, CTRL | Qt.KeyboardModifier.ShiftModifier)
    wait_until(lambda: panel.evidence.model.rowCount() == 1)
    focus_in(window)  # back from the dialog

    # The search box, then Lock with Ctrl+L, then the passphrase and Return.
    tab_to("Search")
    type_text("Checkpoint")
    wait_until(lambda: window.incidents.model.rowCount() == 1)
    press(Qt.Key.Key_L, CTRL)
    wait_until(lambda: app.state is State.LOCKED)
    unlock = app.unlock_window
    assert unlock is not None
    focus_in(unlock)
    assert QApplication.focusWidget() is unlock.passphrase  # where the passphrase goes
    type_text(PASSPHRASE)
    press(Qt.Key.Key_Return)
    wait_until(lambda: app.state is State.UNLOCKED)
    assert app.main_window is not None
    wait_until(lambda: app.main_window.incidents.model.rowCount() == 1)  # type: ignore[union-attr]
