"""Driving the whole desktop app as a person would, for the journey, lock and trace tests
and for `make screenshots`: real windows (offscreen), real vault, real workers."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEventLoop, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWizard

from app.device_share import NoDeviceShares
from app.opening import NotebookOpener
from app.paths import VaultPaths
from ui.app import CarnetApp, State
from ui.dialogs import Dialogs, keep_qt_settings_off_disk
from ui.locking import ScreenLockListener
from ui.windows.first_run import FirstRunWizard
from ui.windows.unlock import UnlockWindow

PASSPHRASE = "correct horse battery"
DURESS = "quiet river stone"


def wait_until(condition: object, timeout_ms: int = 30_000) -> None:
    """Run the event loop until `condition()` holds (raises after the timeout)."""
    assert callable(condition)
    waited = 0
    while not condition():
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
        QTest.qWait(10)
        waited += 10
        if waited > timeout_ms:
            raise TimeoutError("the app did not get there in time")


def make_app(
    root: Path,
    language: str = "en",
    screen_locks: ScreenLockListener | None = None,
    *,
    vault: Path | None = None,
    preferences: Path | None = None,
) -> CarnetApp:
    """The app on `root`/vault and `root`/preferences.json, or on the paths given (the
    no-trace journey uses the real default locations inside its private HOME)."""
    keep_qt_settings_off_disk()
    qapp = QApplication.instance()
    assert isinstance(qapp, QApplication)
    vault_dir = vault if vault is not None else root / "vault"
    opener = NotebookOpener(VaultPaths(vault_dir), NoDeviceShares(), "interactive")
    prefs = preferences if preferences is not None else root / "preferences.json"
    if language != "en":
        prefs.write_text(f'{{"language": "{language}"}}', encoding="utf-8")
    return CarnetApp(
        qapp,
        opener,
        prefs,
        dialogs=Dialogs(),
        screen_locks=screen_locks or ScreenLockListener(session_bus=None, system_bus=None),
    )


def create_through_wizard(
    app: CarnetApp, duress: str | None = None, *, finish: bool = True
) -> FirstRunWizard:
    app.start()
    wizard = app.wizard
    assert wizard is not None
    wizard.next()  # language page
    page = wizard.passphrase_page
    QTest.keyClicks(page.first, PASSPHRASE)
    QTest.keyClicks(page.second, PASSPHRASE)
    assert wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    wizard.next()
    if duress is not None:
        safety = wizard.safety_page
        safety.use_duress.setChecked(True)
        QTest.keyClicks(safety.duress, duress)
        QTest.keyClicks(safety.duress_again, duress)
    wizard.next()  # starts the creation in a worker
    wait_until(lambda: wizard.currentPage() is wizard.key_page)
    if finish:
        confirm_recovery_key(app, wizard)
    return wizard


def confirm_recovery_key(app: CarnetApp, wizard: FirstRunWizard) -> None:
    """Retype the group the key page asks for, press Finish, wait for the main window."""
    key_page = wizard.key_page
    group = key_page.key.text().split("-")[key_page._asked]
    QTest.keyClicks(key_page.confirm, group)
    wizard.button(QWizard.WizardButton.FinishButton).click()
    wait_until(lambda: app.state is State.UNLOCKED)


def unlock_with(app: CarnetApp, passphrase: str) -> UnlockWindow:
    window = app.unlock_window
    assert window is not None
    QTest.keyClicks(window.passphrase, passphrase)
    QTest.keyClick(window.passphrase, Qt.Key.Key_Return)
    return window
