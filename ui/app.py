"""The desktop app: the QApplication's set-up and the lock state machine.

    first run ──created──▶ locked ──unlocked──▶ unlocked ──lock──▶ locked

Only this object holds the open `Notebook`, and only while unlocked. A lock never waits
for the user (KeePassXC's users' top complaint is a dialog or an unsaved edit blocking
it): it closes every modal dialog, cancels the running jobs and waits for them, clears
the clipboard, deletes the main window with all its views and models (deleted, not
hidden), empties the pixmap cache, closes the session and shows the unlock window. The
deletion runs once every dialog's nested event loop has returned, so no code runs on in
a deleted widget; until then the main window is already hidden and its title constant.
"""

from __future__ import annotations

import enum
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer
from PySide6.QtGui import QPixmapCache
from PySide6.QtWidgets import QApplication, QWidget

from app.errors import CarnetError, DeviceShareMissingError
from app.preferences import Preferences, load_preferences, save_preferences
from app.progress import CancelToken, Progress
from ui.clipboard import SecretClipboard
from ui.dialogs import Dialogs
from ui.errors import message_for
from ui.i18n import Translations
from ui.i18n import ui_text as _t
from ui.idle_lock import IdleLock
from ui.locking import ScreenLockListener
from ui.windows.unlock import UnlockWindow
from ui.workers import WorkerPool

# Only the unlock window is needed to start: the main window, its views and the other
# windows are imported when first shown (issue 12: the unlock window within 1.5 s).
if TYPE_CHECKING:
    from app.notebook import Notebook
    from app.opening import NotebookOpener
    from app.session import CreatedVault
    from ui.windows.first_run import FirstRunWizard, VaultChoices
    from ui.windows.main_window import MainWindow


class State(enum.Enum):
    FIRST_RUN = "first-run"
    LOCKED = "locked"
    UNLOCKED = "unlocked"
    LOCKING = "locking"
    CLOSED = "closed"


class CarnetApp(QObject):
    def __init__(
        self,
        qapp: QApplication,
        opener: NotebookOpener,
        preferences_path: Path,
        *,
        dialogs: Dialogs | None = None,
        screen_locks: ScreenLockListener | None = None,
    ) -> None:
        super().__init__()
        self.qapp = qapp
        self.opener = opener
        self.preferences_path = preferences_path
        self.preferences: Preferences = load_preferences(preferences_path)
        self.translations = Translations(qapp)
        self.translations.apply(self.preferences.language)
        self.dialogs = dialogs or Dialogs()
        self.dialogs.lock_requested = lambda: self.lock("user")
        self.workers = WorkerPool(parent=self)
        self.clipboard = SecretClipboard(self)
        self.idle = IdleLock(self)
        self.screen_locks = screen_locks or ScreenLockListener(parent=self)
        self.state = State.LOCKED
        self.notebook: Notebook | None = None
        self.main_window: MainWindow | None = None
        self.unlock_window: UnlockWindow | None = None
        self.wizard: FirstRunWizard | None = None
        self._apply_preferences()
        self.idle.idle.connect(lambda: self.lock("idle"))
        self.screen_locks.screen_locked.connect(self._screen_locked)
        self.screen_locks.suspending.connect(self._suspending)
        qapp.aboutToQuit.connect(self._quitting)

    # -- start -----------------------------------------------------------------------
    def start(self) -> None:
        if self.opener.exists():
            self.show_unlock()
        else:
            self.show_first_run()

    def _apply_preferences(self) -> None:
        self.idle.set_delay_minutes(self.preferences.lock_minutes)
        self.clipboard.set_delay_seconds(self.preferences.clipboard_seconds)

    def set_preferences(self, preferences: Preferences) -> None:
        language_changed = preferences.language != self.preferences.language
        self.preferences = preferences
        try:
            save_preferences(self.preferences_path, preferences)
        except (CarnetError, OSError) as exc:  # a read-only or full disk: used, not kept
            self.dialogs.warn(
                self.main_window or self.unlock_window or self.wizard, message_for(exc)
            )
        self._apply_preferences()
        if language_changed:
            self.translations.apply(preferences.language)
            if self.state is State.UNLOCKED and self.main_window is not None:
                self.main_window.retranslate(preferences.language)
            elif self.state is State.LOCKED:
                self.show_unlock()

    # -- first run -------------------------------------------------------------------
    def show_first_run(self, language: str | None = None) -> None:
        from ui.windows.first_run import FirstRunWizard

        self.state = State.FIRST_RUN
        old = self.wizard
        wizard = FirstRunWizard(
            language or self.preferences.language,
            self.opener.min_passphrase_chars,
            self.opener.max_wipe_after,
            self.opener.keyring_available(),
        )
        wizard.language_chosen.connect(self._wizard_language)
        wizard.create_requested.connect(self._create)
        wizard.save_key_requested.connect(self._save_recovery_key)
        wizard.accepted.connect(self._wizard_finished)
        wizard.rejected.connect(self._wizard_cancelled)
        self.wizard = wizard
        wizard.show()
        if old is not None:
            old.rejected.disconnect(self._wizard_cancelled)
            old.close()
            old.deleteLater()

    def _wizard_language(self, language: str) -> None:
        # Rebuilt in the new language: Arabic turns the whole wizard right to left at once.
        self.set_preferences(_with(self.preferences, language=language))
        self.show_first_run(language)

    def _create(self, choices: VaultChoices) -> None:
        def job(progress: Progress, cancel: CancelToken) -> CreatedVault:
            return self.opener.create(
                choices.passphrase,
                duress_passphrase=choices.duress_passphrase,
                wipe_after=choices.wipe_after,
                progress=progress,
            )

        def created(result: CreatedVault) -> None:
            if self.wizard is not None:
                self.wizard.creation_succeeded(result.recovery_key)

        def failed(exc: BaseException) -> None:
            if self.wizard is not None:
                self.wizard.creation_failed(message_for(exc))

        self.workers.start(job, succeeded=created, failed=failed)

    def _save_recovery_key(self, key: str) -> None:
        path = self.dialogs.save_file(self.wizard, _t("Save the recovery key"), "recovery-key.txt")
        if path is None:
            return
        try:
            with open(path, "x", encoding="utf-8") as out:
                out.write(key + "\n")
        except OSError as exc:
            self.dialogs.warn(self.wizard, message_for(exc))

    def _wizard_finished(self) -> None:
        wizard, self.wizard = self.wizard, None
        if wizard is None:
            return
        passphrase = wizard.take_passphrase()
        wizard.key_page.forget()
        wizard.deleteLater()
        self.show_unlock()
        self.unlock(passphrase)

    def _wizard_cancelled(self) -> None:
        if self.state is State.CLOSED:
            return
        wizard, self.wizard = self.wizard, None
        if wizard is not None:
            wizard.deleteLater()
        if self.opener.exists():
            self.show_unlock()  # created, then closed on the recovery key page
        else:
            self.qapp.quit()

    # -- unlock ----------------------------------------------------------------------
    def show_unlock(self) -> None:
        if self.state is State.CLOSED:
            return
        self.state = State.LOCKED
        old = self.unlock_window
        window = UnlockWindow()
        window.unlock_requested.connect(self.unlock)
        window.recovery_requested.connect(lambda: self.show_recovery(missing_share=False))
        window.settings_requested.connect(self.show_settings)
        window.quit_requested.connect(self.qapp.quit)
        self.unlock_window = window
        window.show()
        window.activateWindow()
        if old is not None:
            old.close()
            old.deleteLater()

    def unlock(self, passphrase: str) -> None:
        window = self.unlock_window
        if window is None or self.state is not State.LOCKED:
            return
        window.set_busy(True)
        self.workers.start(
            lambda progress, cancel: _with_views_loaded(self.opener.unlock(passphrase, progress)),
            succeeded=self._unlocked,
            failed=self._unlock_failed,
        )

    def _unlock_failed(self, exc: BaseException) -> None:
        if isinstance(exc, DeviceShareMissingError):
            if self.unlock_window is not None:
                self.unlock_window.set_busy(False)
            self.show_recovery(missing_share=True)
        elif self.unlock_window is not None:
            self.unlock_window.show_failure(message_for(exc))

    def show_recovery(self, *, missing_share: bool) -> None:
        from ui.windows.recovery import RecoveryDialog

        dialog = RecoveryDialog(self.opener.min_passphrase_chars, missing_share, self.unlock_window)

        def recover(key: str, passphrase: str) -> None:
            def recovered(_result: object) -> None:
                dialog.accept()
                self.unlock(passphrase)

            self.workers.start(
                lambda progress, cancel: self.opener.recover(key, passphrase, progress),
                succeeded=recovered,
                failed=lambda exc: dialog.failed(message_for(exc)),
            )

        dialog.recover_requested.connect(recover)
        self.dialogs.run(dialog)
        dialog.deleteLater()

    def _unlocked(self, notebook: Notebook) -> None:
        if self.state is not State.LOCKED:
            notebook.close()
            return
        from ui.context import UiContext
        from ui.windows.main_window import MainWindow

        self.notebook = notebook
        ctx = UiContext(
            notebook, self.dialogs, self.workers, self.clipboard, self.translations.language
        )
        window = MainWindow(ctx, self.preferences.lock_on_minimise)
        window.lock_requested.connect(self.lock)
        window.settings_requested.connect(self.show_settings)
        window.quit_requested.connect(self.qapp.quit)
        self.main_window = window
        self.state = State.UNLOCKED
        window.show()
        window.activateWindow()
        if self.unlock_window is not None:
            self.unlock_window.close()
            self.unlock_window.deleteLater()
            self.unlock_window = None
        self.idle.start()
        for note in self.opener.take_notes():
            self.dialogs.inform(window, note)

    # -- settings --------------------------------------------------------------------
    def show_settings(self) -> None:
        from ui.windows.settings import SettingsDialog

        parent: QWidget | None = self.main_window or self.unlock_window
        dialog = SettingsDialog(self.preferences, self.screen_locks.availability(), parent)
        if self.dialogs.run(dialog) and self.state in (State.LOCKED, State.UNLOCKED):
            self.set_preferences(dialog.preferences())
        dialog.deleteLater()

    # -- lock ------------------------------------------------------------------------
    def _screen_locked(self, _source: str) -> None:
        if self.preferences.lock_on_screen_lock:
            self.lock("screen-lock")

    def _suspending(self) -> None:
        if self.preferences.lock_on_suspend:
            self.lock("suspend")

    def lock(self, reason: str = "user") -> None:
        if self.state is not State.UNLOCKED:
            return
        self.state = State.LOCKING
        self.idle.stop()
        self.dialogs.close_all()
        self._close_stray_modals()
        window = self.main_window
        if window is not None:
            window.hide()
        self.workers.cancel_all()
        self.clipboard.clear_now()
        self._finish_lock()

    def _close_stray_modals(self) -> None:
        popup = QApplication.activePopupWidget()
        while popup is not None:
            popup.close()
            popup = QApplication.activePopupWidget()
        modal = QApplication.activeModalWidget()
        while modal is not None and modal is not self.main_window:
            modal.close()
            if QApplication.activeModalWidget() is modal:
                break
            modal = QApplication.activeModalWidget()

    def _finish_lock(self) -> None:
        if self.dialogs.depth > 0:
            # A dialog's event loop has been told to end but is still on the stack.
            QTimer.singleShot(0, self._finish_lock)
            return
        window, self.main_window = self.main_window, None
        if window is not None:
            window.discard_edits()
            window.close()
            window.deleteLater()
            QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        QPixmapCache.clear()
        notebook, self.notebook = self.notebook, None
        if notebook is not None:
            notebook.close()
        self.show_unlock()

    def _quitting(self) -> None:
        self.shutdown()

    def shutdown(self) -> None:
        """Quit: lock, then close every window without moving to another state."""
        if self.state is State.CLOSED:
            return
        if self.state is State.UNLOCKED:
            self.lock("quit")
        self.state = State.CLOSED
        self.idle.stop()
        self.dialogs.close_all()
        self.workers.cancel_all()
        self.clipboard.close()
        for window in (self.wizard, self.unlock_window, self.main_window):
            if window is not None:
                window.hide()
                window.deleteLater()
        self.wizard = self.unlock_window = self.main_window = None


def _with_views_loaded(notebook: Notebook) -> Notebook:
    """On the worker that unlocked, once the passphrase is checked: import the main
    window's modules and read the vocabularies, so that the GUI thread only builds and
    shows the window (issue 12: no GUI-thread gap over 100 ms; importing them there took
    ~50 ms, several times that on a busy machine). Nothing here creates a Qt object."""
    try:
        import ui.windows.main_window  # noqa: F401
        from app.vocabulary import vocabularies

        vocabularies()
    except BaseException:
        notebook.close()
        raise
    return notebook


def _with(preferences: Preferences, **changes: object) -> Preferences:
    from dataclasses import replace

    return replace(preferences, **changes)  # type: ignore[arg-type]
