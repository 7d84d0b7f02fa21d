"""A busy bar for work whose length is unknown (the key derivation)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QProgressBar, QWidget


class BusyBar(QProgressBar):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRange(0, 0)  # Qt animates a range of 0..0 as "busy"
        self.setTextVisible(False)
        self.setAccessibleName(QCoreApplication.translate("BusyBar", "Working"))
        self.setMaximumHeight(8)
        self.hide()
