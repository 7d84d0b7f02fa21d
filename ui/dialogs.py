"""Every question and message the app asks or shows goes through one `Dialogs` object.

Two reasons. A lock must never wait for the user: `close_all()` rejects whatever is open,
and each question then answers "no" to its caller. And tests answer questions in advance
(`answer_next`), as KeePassXC's `MessageBox::setNextAnswer` does, instead of racing
timers against modal loops.

File dialogs are Qt's own (never the desktop's, which record recent files), and Qt's own
history file is kept from disk by `keep_qt_settings_off_disk()`.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox, QWidget

# Where QSettings would write (QtProject.conf holds the file dialog's last folder and
# history): a path under a character device, which no one can create, so every write
# fails quietly and nothing reaches the disk.
from ui.i18n import ui_text as _t

_NOWHERE = "/dev/null/carnet-no-settings"

# The lock's key, here because a modal dialog shadows the main window's shortcuts: Qt
# delivers an application shortcut only to windows no modal dialog blocks, so every
# dialog run here carries its own.
LOCK_KEYS = "Ctrl+L"


def keep_qt_settings_off_disk() -> None:
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        for scope in (QSettings.Scope.UserScope, QSettings.Scope.SystemScope):
            QSettings.setPath(fmt, scope, _NOWHERE)


class Dialogs:
    def __init__(self) -> None:
        self._answers: deque[object] = deque()
        self._open: list[QDialog] = []
        self.depth = 0  # dialogs whose event loop is still on the stack
        self.shown: list[str] = []  # the text of every message shown, for tests
        self.lock_requested: Callable[[], None] | None = None  # Ctrl+L in any dialog

    # -- for tests -------------------------------------------------------------------
    def answer_next(self, *answers: object) -> None:
        """Queue answers: True/False for questions, a Path, a list of Paths or None for
        file dialogs, None for messages."""
        self._answers.extend(answers)

    def _pre_answered(self) -> tuple[bool, object]:
        if self._answers:
            return True, self._answers.popleft()
        return False, None

    # -- for the lock ----------------------------------------------------------------
    def close_all(self) -> None:
        """Reject every dialog that is open, innermost first."""
        for dialog in reversed(list(self._open)):
            dialog.reject()
        self._open.clear()

    @property
    def open_count(self) -> int:
        return len(self._open)

    def run(self, dialog: QDialog) -> int:
        """Run any modal dialog of the app so that a lock can close it."""
        self._open.append(dialog)
        self.depth += 1
        shortcut = QShortcut(QKeySequence(LOCK_KEYS), dialog)
        # Application-wide, so it holds whichever window has the focus; a dialog opened
        # on top shadows this one, so only the innermost answers.
        shortcut.setContext(Qt.ShortcutContext.ApplicationShortcut)
        shortcut.activated.connect(self._lock_key_pressed)
        shortcut.activatedAmbiguously.connect(self._lock_key_pressed)
        try:
            return int(dialog.exec())
        finally:
            self.depth -= 1
            if dialog in self._open:
                self._open.remove(dialog)
            shortcut.setEnabled(False)
            shortcut.deleteLater()

    def _lock_key_pressed(self) -> None:
        if self.lock_requested is not None:
            self.lock_requested()

    # -- questions and messages ------------------------------------------------------
    def confirm(self, parent: QWidget | None, text: str, action: str) -> bool:
        """A yes/no question whose yes button names the action (never a bare "OK")."""
        self.shown.append(text)
        answered, answer = self._pre_answered()
        if answered:
            return bool(answer)
        box = QMessageBox(QMessageBox.Icon.Question, _t("Carnet"), text, parent=parent)
        box.setTextFormat(Qt.TextFormat.PlainText)
        yes = box.addButton(action, QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        self.run(box)
        return box.clickedButton() is yes

    def inform(self, parent: QWidget | None, text: str) -> None:
        self._message(parent, QMessageBox.Icon.Information, text)

    def warn(self, parent: QWidget | None, text: str) -> None:
        self._message(parent, QMessageBox.Icon.Warning, text)

    def _message(self, parent: QWidget | None, icon: QMessageBox.Icon, text: str) -> None:
        self.shown.append(text)
        answered, _ = self._pre_answered()
        if answered:
            return
        box = QMessageBox(icon, _t("Carnet"), text, QMessageBox.StandardButton.Ok, parent)
        box.setTextFormat(Qt.TextFormat.PlainText)
        self.run(box)

    def open_files(self, parent: QWidget | None, title: str) -> list[Path]:
        answered, answer = self._pre_answered()
        if answered:
            return list(answer) if isinstance(answer, list) else []
        dialog = self._file_dialog(parent, title)
        dialog.setFileMode(QFileDialog.FileMode.ExistingFiles)
        if self.run(dialog) != QDialog.DialogCode.Accepted:
            return []
        return [Path(name) for name in dialog.selectedFiles()]

    def save_file(self, parent: QWidget | None, title: str, suggested: str) -> Path | None:
        answered, answer = self._pre_answered()
        if answered:
            return answer if isinstance(answer, Path) else None
        dialog = self._file_dialog(parent, title)
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.selectFile(suggested)
        if self.run(dialog) != QDialog.DialogCode.Accepted or not dialog.selectedFiles():
            return None
        return Path(dialog.selectedFiles()[0])

    @staticmethod
    def _file_dialog(parent: QWidget | None, title: str) -> QFileDialog:
        # Every window's title begins with "Carnet" (and never names the notebook's files).
        dialog = QFileDialog(parent, _t("Carnet — {what}").format(what=title))
        # Qt's own dialog: the desktop's would add the file to its recent-files list.
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        dialog.setOption(QFileDialog.Option.DontUseCustomDirectoryIcons, True)
        dialog.setHistory([])
        return dialog
