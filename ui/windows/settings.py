"""The settings dialog: language, when to lock, and how long a copy stays copied.

What it edits lives in the small preferences file of app/preferences.py, which names
nothing from the notebook and which the wipe removes. The lock triggers the desktop
cannot report are shown as unavailable rather than offered as if they worked.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.preferences import Preferences
from ui.i18n import LANGUAGE_NAMES
from ui.i18n import ui_text as _t
from ui.locking import Availability

LOCK_CHOICES: tuple[int | None, ...] = (1, 5, 15, 30, 60, None)


class SettingsDialog(QDialog):
    def __init__(
        self, current: Preferences, available: Availability, parent: QWidget | None
    ) -> None:
        super().__init__(parent)
        self._current = current
        self.setWindowTitle(_t("Carnet — settings"))
        self.language = QComboBox(self)
        self.language.setAccessibleName(_t("Language"))
        for code, name in LANGUAGE_NAMES.items():
            self.language.addItem(name, code)
        self.language.setCurrentIndex(max(0, self.language.findData(current.language)))
        self.lock_delay = QComboBox(self)
        self.lock_delay.setAccessibleName(_t("Lock after this long without use"))
        for minutes in LOCK_CHOICES:
            label = _t("Never") if minutes is None else self.tr("%n minute(s)", "", minutes)
            self.lock_delay.addItem(label, minutes)
        self.lock_delay.setCurrentIndex(max(0, LOCK_CHOICES.index(current.lock_minutes)))
        self.on_screen_lock = self._check(
            _t("Lock when the screen locks"), current.lock_on_screen_lock, available.screen_lock
        )
        self.on_suspend = self._check(
            _t("Lock when the computer sleeps"), current.lock_on_suspend, available.suspend
        )
        self.on_minimise = self._check(_t("Lock when minimised"), current.lock_on_minimise, True)
        self.clipboard = QSpinBox(self)
        self.clipboard.setRange(0, 600)
        self.clipboard.setSuffix(_t(" s"))
        self.clipboard.setSpecialValueText(_t("Never clear"))
        self.clipboard.setValue(current.clipboard_seconds)
        self.clipboard.setAccessibleName(_t("Clear copied text after"))
        form = QFormLayout()
        form.addRow(_t("Language"), self.language)
        form.addRow(_t("Lock after"), self.lock_delay)
        form.addRow("", self.on_screen_lock)
        form.addRow("", self.on_suspend)
        form.addRow("", self.on_minimise)
        form.addRow(_t("Clear copied text after"), self.clipboard)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def _check(self, text: str, checked: bool, available: bool) -> QCheckBox:
        if not available:
            text = _t("{setting} (not available on this desktop)").format(setting=text)
        box = QCheckBox(text, self)
        box.setAccessibleName(text)
        box.setChecked(checked and available)
        box.setEnabled(available)
        box.setProperty("available", available)
        box.setLayoutDirection(Qt.LayoutDirection.LayoutDirectionAuto)
        return box

    def preferences(self) -> Preferences:
        return replace(
            self._current,
            language=str(self.language.currentData()),
            lock_minutes=self.lock_delay.currentData(),
            lock_on_screen_lock=self.on_screen_lock.isChecked()
            if self.on_screen_lock.isEnabled()
            else self._current.lock_on_screen_lock,
            lock_on_suspend=self.on_suspend.isChecked()
            if self.on_suspend.isEnabled()
            else self._current.lock_on_suspend,
            lock_on_minimise=self.on_minimise.isChecked(),
            clipboard_seconds=self.clipboard.value(),
        )
