"""The unlock window: a passphrase, Unlock, and a way to the recovery key. Nothing else.

While locked, this is all an onlooker, a screen reader or another process reading the
accessibility tree can see: no counts, titles, paths or dates from the notebook. Every
failure reads the same sentence (ui/errors.py), and the duress passphrase is handled by
the core, so this window cannot tell the two apart either.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ui.i18n import ui_text as _t
from ui.widgets.busy import BusyBar
from ui.widgets.secret_field import SecretField


class UnlockWindow(QWidget):
    unlock_requested = Signal(str)
    recovery_requested = Signal()
    settings_requested = Signal()
    quit_requested = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.setWindowTitle(_t("Carnet"))
        self.setAccessibleName(_t("Carnet is locked"))
        heading = QLabel(_t("Carnet"), self)
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.8)
        heading.setFont(font)
        prompt = QLabel(_t("Type your passphrase to open your notebook."), self)
        prompt.setWordWrap(True)
        self.passphrase = SecretField(_t("Passphrase"), self)
        prompt.setBuddy(self.passphrase)
        self.unlock_button = QPushButton(_t("Unlock"), self)
        self.unlock_button.setDefault(True)
        self.unlock_button.setAccessibleName(_t("Unlock"))
        self.recovery_button = QPushButton(_t("Use the recovery key"), self)
        self.recovery_button.setAccessibleName(_t("Use the recovery key"))
        self.settings_button = QPushButton(_t("Settings"), self)
        self.settings_button.setAccessibleName(_t("Settings"))
        self.busy = BusyBar(self)
        self.message = QLabel("", self)
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setAccessibleName(_t("Message"))

        buttons = QHBoxLayout()
        buttons.addWidget(self.recovery_button)
        buttons.addWidget(self.settings_button)
        buttons.addStretch(1)
        buttons.addWidget(self.unlock_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 32, 32, 32)
        layout.addWidget(heading)
        layout.addWidget(prompt)
        layout.addWidget(self.passphrase)
        layout.addWidget(self.busy)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        layout.addStretch(1)
        self.resize(460, 260)

        self.passphrase.returnPressed.connect(self._unlock)
        self.unlock_button.clicked.connect(self._unlock)
        self.recovery_button.clicked.connect(self.recovery_requested)
        self.settings_button.clicked.connect(self.settings_requested)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.passphrase.clear)

    def closeEvent(self, event: QCloseEvent) -> None:
        super().closeEvent(event)
        if event.spontaneous():  # the person closed it, not the app swapping windows
            self.quit_requested.emit()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.passphrase.setFocus(Qt.FocusReason.ActiveWindowFocusReason)

    def _unlock(self) -> None:
        if self.busy.isVisible() or not self.passphrase.text():
            return
        self.unlock_requested.emit(self.passphrase.take())

    def set_busy(self, busy: bool) -> None:
        self.busy.setVisible(busy)
        for widget in (
            self.passphrase,
            self.unlock_button,
            self.recovery_button,
            self.settings_button,
        ):
            widget.setEnabled(not busy)
        if busy:
            self.message.setText(_t("Opening…"))
        else:
            self.passphrase.setFocus()

    def show_failure(self, text: str) -> None:
        self.set_busy(False)
        self.message.setText(text)
