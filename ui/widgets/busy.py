"""A busy bar for work whose length is unknown (the key derivation)."""

from __future__ import annotations

from PySide6.QtWidgets import QProgressBar, QWidget

from ui.i18n import ui_text as _t


class BusyBar(QProgressBar):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRange(0, 0)  # Qt animates a range of 0..0 as "busy"
        self.setTextVisible(False)
        self.setAccessibleName(_t("Working"))
        self.setMaximumHeight(8)
        self.hide()
