"""A line edit whose completer is fed, as the user types, by a function of what is typed
(the intervention actors app/ suggests: those the notebook already names, then the
vocabulary's).

The completer and its string model are children of the line edit, so deleting the view
deletes every suggestion with it; `forget()` empties the list before that, and a lock
leaves no notebook text in any completer.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QStringListModel, Qt
from PySide6.QtWidgets import QCompleter, QLineEdit, QWidget

from app.errors import CarnetError

Suggest = Callable[[str], Sequence[str]]


class SuggestingLineEdit(QLineEdit):
    def __init__(self, suggest: Suggest, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._suggest = suggest
        self.suggestions = QCompleter(self)
        self.suggestions_model = QStringListModel(self.suggestions)
        self.suggestions.setModel(self.suggestions_model)
        self.suggestions.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.suggestions.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.suggestions.setModelSorting(QCompleter.ModelSorting.UnsortedModel)
        self.setCompleter(self.suggestions)
        # Connected before QLineEdit's own completion step runs (it follows textEdited),
        # so the popup filters the list made for the text just typed.
        self.textEdited.connect(self._refresh)

    def _refresh(self, text: str) -> None:
        try:
            found = list(self._suggest(text))
        except CarnetError:
            found = []  # e.g. a prefix longer than any actor: nothing to offer
        if found != self.suggestions_model.stringList():
            self.suggestions_model.setStringList(found)

    def forget(self) -> None:
        """Drop every suggestion (they are notebook text)."""
        popup = self.suggestions.popup()
        if popup is not None:
            popup.hide()
        self.suggestions_model.setStringList([])
