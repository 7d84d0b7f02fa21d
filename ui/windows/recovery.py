"""Opening with the recovery key: the key, then a new passphrase (typed twice).

The core checks the key and rewrites the header; the controller then unlocks with the new
passphrase. Reached from the unlock window, and on its own when this computer's keyring
no longer holds the device share the notebook needs.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from ui.i18n import ui_text as _t
from ui.widgets.busy import BusyBar
from ui.widgets.secret_field import SecretField


class RecoveryDialog(QDialog):
    recover_requested = Signal(str, str)  # recovery key, new passphrase

    def __init__(self, min_chars: int, explain_missing_share: bool, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.min_chars = min_chars
        self.setWindowTitle(_t("Carnet — recovery key"))
        intro = QLabel(
            _t(
                "This computer no longer holds the key part this notebook needs, so the "
                "passphrase alone cannot open it. Type your recovery key and choose a "
                "passphrase for this computer."
            )
            if explain_missing_share
            else _t("Type your recovery key and choose a new passphrase."),
            self,
        )
        intro.setWordWrap(True)
        self.key = SecretField(_t("Recovery key"), self)
        self.key.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        self.first = SecretField(_t("New passphrase"), self)
        self.second = SecretField(_t("New passphrase again"), self)
        self.busy = BusyBar(self)
        self.message = QLabel("", self)
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.buttons = QDialogButtonBox(self)
        self.ok = self.buttons.addButton(_t("Recover"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._recover)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow(_t("Recovery key"), self.key)
        form.addRow(_t("New passphrase"), self.first)
        form.addRow(_t("Again"), self.second)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.busy)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.resize(520, 280)

    def _recover(self) -> None:
        if self.busy.isVisible():
            return
        first, second = self.first.text(), self.second.text()
        if len(first) < self.min_chars:
            self.message.setText(_t("At least {n} characters.").format(n=self.min_chars))
            return
        if first != second:
            self.message.setText(_t("The two passphrases are not the same."))
            return
        self.set_busy(True)
        self.recover_requested.emit(self.key.text(), first)

    def set_busy(self, busy: bool) -> None:
        self.busy.setVisible(busy)
        for widget in (self.key, self.first, self.second, self.ok):
            widget.setEnabled(not busy)

    def failed(self, text: str) -> None:
        self.set_busy(False)
        self.message.setText(text)

    def done(self, result: int) -> None:
        for field in (self.key, self.first, self.second):
            field.clear()
        super().done(result)
