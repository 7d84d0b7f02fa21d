"""The attachments of one incident as a table (fetched through app/ services only)."""

from __future__ import annotations

from PySide6.QtCore import (
    QAbstractTableModel,
    QLocale,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)

from app.models import Attachment
from ui.i18n import ui_text as _t

_Index = QModelIndex | QPersistentModelIndex


class AttachmentsModel(QAbstractTableModel):
    COLUMNS = 6

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[Attachment] = []

    def set_rows(self, rows: list[Attachment]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def attachment(self, row: int) -> Attachment | None:
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
        names = (_t("Name"), _t("Type"), _t("Size"), _t("SHA-256"), _t("Added"), _t("Copy"))
        return names[section] if 0 <= section < len(names) else None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        item = self.attachment(index.row())
        if item is None:
            return None
        column = index.column()
        if column == 0:
            return item.original_name
        if column == 1:
            return item.media_type
        if column == 2:
            return QLocale().formattedDataSize(item.size)
        if column == 3:
            return item.sha256[:12]
        if column == 4:
            return item.added_at
        if column == 5:
            return _t("stripped copy") if item.derived_from is not None else ""
        return None
