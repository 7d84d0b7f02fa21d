"""Starting the desktop app: `carnet` with no command, or `carnet --vault DIR`.

Before any window: Qt is told to keep its settings (QtProject.conf, the file dialog's
history) off the disk, the desktop's file dialogs and platform theme stay unused, and
nothing is fetched from the network (no fonts, no update check, no telemetry exist).
"""

from __future__ import annotations

import os
import sys


def prepare_qt() -> None:
    """What must hold before the QApplication exists; the no-trace test's child process
    (tests/ui/journey_child.py) calls it too, so it checks what a real start does."""
    # The desktop's platform theme would bring its own file dialogs (recent files) and
    # icon lookups; Qt's built-in style needs none of it.
    os.environ.pop("QT_QPA_PLATFORMTHEME", None)
    from PySide6.QtWidgets import QApplication

    from ui.dialogs import keep_qt_settings_off_disk

    keep_qt_settings_off_disk()
    QApplication.setApplicationName("Carnet")
    QApplication.setOrganizationName("Carnet")
    QApplication.setDesktopFileName("carnet")


def launch_gui(vault_dir: str | None = None) -> int:
    from PySide6.QtWidgets import QApplication

    from app.opening import NotebookOpener
    from app.paths import preferences_path, resolve_vault_dir
    from ui.app import CarnetApp

    prepare_qt()
    qapp = QApplication.instance() or QApplication(sys.argv[:1])
    if not isinstance(qapp, QApplication):
        raise RuntimeError("another kind of Qt application is already running")
    qapp.setQuitOnLastWindowClosed(False)  # the app quits itself, after locking
    app = CarnetApp(qapp, NotebookOpener(resolve_vault_dir(vault_dir)), preferences_path())
    app.start()
    return int(qapp.exec())
