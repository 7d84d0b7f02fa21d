"""Launching the desktop app (a placeholder window until the GUI issue lands)."""

from __future__ import annotations

import sys


def launch_gui(vault_dir: str | None = None) -> int:
    from PySide6.QtWidgets import QApplication

    from ui.placeholder import PlaceholderWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Carnet")
    window = PlaceholderWindow()
    window.show()
    return int(app.exec())
