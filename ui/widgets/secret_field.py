"""A passphrase field: hidden echo, no context menu, no undo history to read back."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QWidget


class SecretField(QLineEdit):
    def __init__(self, accessible_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEchoMode(QLineEdit.EchoMode.Password)
        self.setAccessibleName(accessible_name)
        # Password echo already disables copy and undo in Qt; the context menu would only
        # offer paste and delete, and an input method would see the text: keep both off.
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
        self.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, False)

    def take(self) -> str:
        """The text, and the field emptied: a secret is read once."""
        text = self.text()
        self.clear()
        return text
