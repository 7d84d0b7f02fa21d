"""Custody log entries as a table: time, action, subject, details summarised."""

from __future__ import annotations

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)

from app.custody import CustodyEntry
from ui.i18n import ui_text as _t

_Index = QModelIndex | QPersistentModelIndex
_SUMMARY_CHARS = 120


def summarise(details: dict[str, object]) -> str:
    parts = []
    for key in sorted(details):
        value = details[key]
        text = str(value)
        if key == "sha256" and isinstance(value, str):
            text = value[:12]
        parts.append(f"{key}: {text}")
    summary = ", ".join(parts)
    return summary if len(summary) <= _SUMMARY_CHARS else summary[: _SUMMARY_CHARS - 1] + "…"


class CustodyModel(QAbstractTableModel):
    COLUMNS = 4

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[CustodyEntry] = []

    def set_rows(self, rows: list[CustodyEntry]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def entry(self, row: int) -> CustodyEntry | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self.COLUMNS

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        names = (_t("Time"), _t("Action"), _t("Subject"), _t("Details"))
        return names[section] if 0 <= section < len(names) else None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        entry = self.entry(index.row())
        if entry is None:
            return None
        values = (entry.at, entry.action, entry.subject, summarise(dict(entry.details)))
        return values[index.column()] if 0 <= index.column() < len(values) else None
