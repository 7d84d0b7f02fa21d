"""The window `carnet` opens until the desktop app exists: it points to the command line."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMainWindow, QVBoxLayout, QWidget


class PlaceholderWindow(QMainWindow):
    def __init__(self) -> None:
        super().__init__()
        self.setWindowTitle(self.tr("Carnet"))
        body = QWidget(self)
        layout = QVBoxLayout(body)
        heading = QLabel(self.tr("Carnet"), body)
        font = heading.font()
        font.setPointSize(font.pointSize() * 2)
        heading.setFont(font)
        text = QLabel(
            self.tr(
                "The desktop app is not ready yet.\n"
                "Everything works from the command line today: open a terminal and run\n"
                "carnet --help"
            ),
            body,
        )
        text.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(heading)
        layout.addWidget(text)
        layout.addStretch(1)
        self.setCentralWidget(body)
        self.resize(520, 220)
