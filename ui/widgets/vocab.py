"""Controls over a controlled vocabulary: codes are stored, labels are shown.

`VocabCombo` picks one code (optionally "none", optionally searchable by typing part of a
label); `CheckList` picks any number of codes. Both show labels in the language given and
hand back codes only; the app checks the codes when saving.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QCompleter, QListWidget, QListWidgetItem, QWidget

from app.vocabulary import Vocabulary
from ui.i18n import ui_text as _t

_CODE = Qt.ItemDataRole.UserRole
_NONE = ""  # the data of the "(none)" entry (a None in a QVariant upsets PySide's refcounts)


class VocabCombo(QComboBox):
    """One code of a vocabulary. With `searchable`, typing filters the labels."""

    def __init__(
        self,
        vocabulary: Vocabulary,
        language: str,
        parent: QWidget | None = None,
        *,
        allow_none: bool = False,
        searchable: bool = False,
    ) -> None:
        super().__init__(parent)
        self._allow_none = allow_none
        if allow_none:
            self.addItem(_t("(none)"), _NONE)
        for term in vocabulary.terms:
            self.addItem(term.label(language), term.code)
        if searchable:
            self.setEditable(True)
            self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
            completer = QCompleter(self.model(), self)
            completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            completer.setFilterMode(Qt.MatchFlag.MatchContains)
            completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
            self.setCompleter(completer)

    def code(self) -> str | None:
        """The chosen code; for a searchable combo whose text matches no label, the text
        itself (the app then refuses it with the reason), or None when empty."""
        if self.isEditable():
            text = self.currentText().strip()
            if not text:
                return None
            index = self.findText(text, Qt.MatchFlag.MatchFixedString)
            if index < 0:
                return text
            data = self.itemData(index, _CODE)
            return str(data) or None if data is not None else None
        data = self.currentData(_CODE)
        return str(data) or None if data is not None else None

    def set_code(self, code: str | None) -> None:
        index = self.findData(code, _CODE) if code else (0 if self._allow_none else -1)
        if index < 0 and code:
            # A code the vocabulary no longer has: shown as it is, kept as it is.
            self.addItem(code, code)
            index = self.count() - 1
        self.setCurrentIndex(max(index, 0))


class CheckList(QListWidget):
    """Any number of codes of a vocabulary, each a checkable row (Space toggles it)."""

    toggled = Signal()

    def __init__(self, vocabulary: Vocabulary, language: str, parent: QWidget | None = None):
        super().__init__(parent)
        for term in vocabulary.terms:
            item = QListWidgetItem(term.label(language), self)
            item.setData(_CODE, term.code)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
        self.itemChanged.connect(self._item_changed)

    def _item_changed(self, _item: QListWidgetItem) -> None:
        self.toggled.emit()

    def codes(self) -> tuple[str, ...]:
        return tuple(
            str(self.item(row).data(_CODE))
            for row in range(self.count())
            if self.item(row).checkState() == Qt.CheckState.Checked
        )

    def set_codes(self, codes: Iterable[str]) -> None:
        wanted = set(codes)
        for row in range(self.count()):
            item = self.item(row)
            code = str(item.data(_CODE))
            item.setCheckState(Qt.CheckState.Checked if code in wanted else Qt.CheckState.Unchecked)
            wanted.discard(code)
        for code in sorted(wanted):  # codes the vocabulary no longer has are kept
            item = QListWidgetItem(code, self)
            item.setData(_CODE, code)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)

    def check_code(self, code: str, checked: bool = True) -> None:
        for row in range(self.count()):
            item = self.item(row)
            if item.data(_CODE) == code:
                state = Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked
                item.setCheckState(state)
