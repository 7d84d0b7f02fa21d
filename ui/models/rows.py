"""A table over a short list the view hands in whole (one incident's attachments, its
custody entries): the rows, the headers and each row's cells, nothing more.

Long lists (the incidents) page through the core instead: ui/models/incident_list.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

Row = TypeVar("Row")
_Index = QModelIndex | QPersistentModelIndex


class RowsModel(QAbstractTableModel, Generic[Row]):
    def __init__(self) -> None:
        super().__init__()
        self._rows: list[Row] = []

    def headers(self) -> Sequence[str]:
        """The translated column titles."""
        raise NotImplementedError

    def cells(self, item: Row) -> Sequence[object]:
        """What each column shows for one row."""
        raise NotImplementedError

    def set_rows(self, rows: Sequence[Row]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row(self, number: int) -> Row | None:
        return self._rows[number] if 0 <= number < len(self._rows) else None

    def row_of(self, item_id: int | None) -> int | None:
        """The row showing the item whose `id` is `item_id`, if one does."""
        for number, item in enumerate(self._rows):
            if item_id is not None and getattr(item, "id", None) == item_id:
                return number
        return None

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers())

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        names = self.headers()
        return names[section] if 0 <= section < len(names) else None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        item = self.row(index.row())
        if item is None:
            return None
        values = self.cells(item)
        return values[index.column()] if 0 <= index.column() < len(values) else None
