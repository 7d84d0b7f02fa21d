"""The settings dialog, opened from the app, says which reasons to lock this desktop
cannot report ("not available on this desktop"), from what answers on its buses: private
D-Bus daemons, one with a screensaver owning its name and one without."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QCheckBox

from tests.ui.app_driver import create_through_wizard, make_app
from tests.ui.private_bus import PrivateBus
from ui.app import CarnetApp
from ui.locking import ScreenLockListener
from ui.windows.settings import SettingsDialog

UNAVAILABLE = "(not available on this desktop)"


@pytest.fixture
def app(
    qtbot: object, tmp_path: Path, session_bus: PrivateBus, system_bus: PrivateBus
) -> Iterator[CarnetApp]:
    listener = ScreenLockListener(
        session_bus=session_bus.connect(), system_bus=system_bus.connect()
    )
    carnet = make_app(tmp_path, screen_locks=listener)
    yield carnet
    carnet.shutdown()


def _settings_as_shown(app: CarnetApp) -> dict[str, tuple[str, bool, bool]]:
    """Open the settings the way the person does, read the two lock boxes, cancel."""
    seen: dict[str, tuple[str, bool, bool]] = {}

    def read() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, SettingsDialog):
            QTimer.singleShot(20, read)
            return
        for name in ("on_screen_lock", "on_suspend"):
            box = getattr(dialog, name)
            assert isinstance(box, QCheckBox)
            seen[name] = (box.text(), box.isEnabled(), box.isChecked())
        dialog.reject()

    QTimer.singleShot(0, read)
    if app.main_window is not None:
        app.main_window.settings_action.trigger()
    else:
        app.show_settings()
    return seen


def test_nothing_answers_so_both_say_not_available(app: CarnetApp) -> None:
    create_through_wizard(app)
    seen = _settings_as_shown(app)
    for name in ("on_screen_lock", "on_suspend"):
        text, enabled, checked = seen[name]
        assert text.endswith(UNAVAILABLE) and not enabled and not checked
        assert app.preferences.lock_on_screen_lock  # the stored choice is kept for later


def test_a_screensaver_on_the_bus_makes_screen_lock_available(
    app: CarnetApp, session_bus: PrivateBus
) -> None:
    screensaver = session_bus.connect()
    assert screensaver.registerService("org.freedesktop.ScreenSaver")
    create_through_wizard(app)
    seen = _settings_as_shown(app)
    text, enabled, checked = seen["on_screen_lock"]
    assert UNAVAILABLE not in text and enabled and checked
    assert seen["on_suspend"][0].endswith(UNAVAILABLE)
    assert screensaver.unregisterService("org.freedesktop.ScreenSaver")
    assert _settings_as_shown(app)["on_screen_lock"][0].endswith(UNAVAILABLE)
