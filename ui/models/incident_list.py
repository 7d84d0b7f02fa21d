"""The incident list as a Qt model: keyset pages fetched as the view scrolls.

Sorting, filtering and search are the core's (SQL, app/incident_list.py): a
QSortFilterProxyModel would only see the rows already fetched. `fetchMore` is guarded
against re-entry, because Qt (and QAbstractItemModelTester) call it from inside checks.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QT_TR_NOOP,
    QAbstractTableModel,
    QLocale,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)

from app.incident_list import (
    DEFAULT_SORT,
    IncidentFilter,
    IncidentLister,
    IncidentPage,
    IncidentRow,
    IncidentSort,
    ListCursor,
)
from app.vocabulary import vocabularies
from ui.i18n import ui_text as _t

PAGE_ROWS = 200
COLUMNS: tuple[tuple[object, IncidentSort], ...] = (
    (QT_TR_NOOP("No."), IncidentSort.RECORDED),
    (QT_TR_NOOP("Title"), IncidentSort.TITLE),
    (QT_TR_NOOP("Date"), IncidentSort.DATE),
    (QT_TR_NOOP("Status"), IncidentSort.STATUS),
    (QT_TR_NOOP("Country"), IncidentSort.COUNTRY),
    (QT_TR_NOOP("Updated"), IncidentSort.UPDATED),
)

Index = QModelIndex | QPersistentModelIndex


class IncidentListModel(QAbstractTableModel):
    def __init__(self, lister: IncidentLister, language: str) -> None:
        super().__init__()
        self._lister = lister
        self._language = language
        self._filter = IncidentFilter()
        self._sort = DEFAULT_SORT
        self._descending = True
        self._rows: list[IncidentRow] = []
        self._cursor: ListCursor | None = None
        self._exhausted = False
        self._fetching = False

    def __repr__(self) -> str:
        return "IncidentListModel()"

    # -- what the view asks ----------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(COLUMNS)
        ):
            return _t(str(COLUMNS[section][0]))
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.UserRole:
            return row.id
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        vocab = vocabularies()
        column = COLUMNS[index.column()][1]
        if column is IncidentSort.RECORDED:
            return QLocale().toString(row.id)
        if column is IncidentSort.TITLE:
            return row.title
        if column is IncidentSort.DATE:
            return row.date or ""
        if column is IncidentSort.STATUS:
            return vocab.statuses.label(row.status, self._language)
        if column is IncidentSort.COUNTRY:
            return vocab.countries.label(row.country, self._language) if row.country else ""
        return row.updated_at[:10]

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and not self._exhausted

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or self._exhausted or self._fetching:
            return
        self._fetching = True
        try:
            page = self._next_page()
            if page.rows:
                first = len(self._rows)
                self.beginInsertRows(QModelIndex(), first, first + len(page.rows) - 1)
                self._take(page)
                self.endInsertRows()
            else:
                self._take(page)
        finally:
            self._fetching = False

    def _next_page(self) -> IncidentPage:
        return self._lister.page(
            self._filter,
            self._sort,
            descending=self._descending,
            after=self._cursor,
            limit=PAGE_ROWS,
        )

    def _take(self, page: IncidentPage) -> None:
        self._rows.extend(page.rows)
        self._cursor = page.next_cursor
        self._exhausted = page.next_cursor is None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        self._sort = COLUMNS[column][1]
        self._descending = order == Qt.SortOrder.DescendingOrder
        self.reload()

    # -- what the list view sets -----------------------------------------------------
    def set_filter(self, incident_filter: IncidentFilter) -> None:
        self._filter = incident_filter
        self.reload()

    def reload(self) -> None:
        """Back to the first page, fetched inside the reset: a view (or Qt's model tester)
        that reacts to the reset sees the new first page, never an insert in mid-reset."""
        self.beginResetModel()
        self._rows = []
        self._cursor = None
        self._exhausted = False
        self._fetching = True  # until the reset's signals are out (Qt's tester fetches in them)
        try:
            self._take(self._next_page())
        finally:
            self.endResetModel()
            self._fetching = False

    def incident_id(self, row: int) -> int | None:
        return self._rows[row].id if 0 <= row < len(self._rows) else None

    def row_of(self, incident_id: int) -> int | None:
        for number, row in enumerate(self._rows):
            if row.id == incident_id:
                return number
        return None
