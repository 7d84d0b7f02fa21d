"""The incident list as a Qt model: keyset pages fetched as the view scrolls.

Sorting, filtering and search are the core's (SQL, app/incident_list.py): a
QSortFilterProxyModel would only see the rows already fetched. `fetchMore` is guarded
against re-entry, because Qt (and QAbstractItemModelTester) call it from inside checks.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
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


# One fetched row as the view shows it: (its id, each column's text), made once when
# the page arrives. Plain tuples of an int and strings, which Python's garbage collector
# stops tracking (a class instance, even a NamedTuple, stays tracked: 100,000 of them made
# each full collection take ~90 ms on the GUI thread while scrolling to the end).
_Line = tuple[int, tuple[str, ...]]


class IncidentListModel(QAbstractTableModel):
    def __init__(self, lister: IncidentLister, language: str) -> None:
        super().__init__()
        self._lister = lister
        self._language = language
        self._filter = IncidentFilter()
        self._sort = DEFAULT_SORT
        self._descending = True
        self._rows: list[_Line] = []
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
        line = self._rows[index.row()]
        if role == Qt.ItemDataRole.UserRole:
            return line[0]
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        return line[1][index.column()]

    def _lines(self, rows: Sequence[IncidentRow]) -> list[_Line]:
        """A page's rows as the columns show them (labels in the list's language)."""
        locale = QLocale()
        vocab = vocabularies()
        language = self._language
        labels: dict[tuple[str, str], str] = {}  # a page repeats its few statuses

        def label(kind: str, code: str | None) -> str:
            if not code:
                return ""
            text = labels.get((kind, code))
            if text is None:
                terms = vocab.statuses if kind == "status" else vocab.countries
                text = labels[kind, code] = terms.label(code, language)
            return text

        shown: dict[IncidentSort, Callable[[IncidentRow], str]] = {
            IncidentSort.RECORDED: lambda row: locale.toString(row.id),
            IncidentSort.TITLE: lambda row: row.title,
            IncidentSort.DATE: lambda row: row.date or "",
            IncidentSort.STATUS: lambda row: label("status", row.status),
            IncidentSort.COUNTRY: lambda row: label("country", row.country),
            IncidentSort.UPDATED: lambda row: row.updated_at[:10],
        }
        columns = [shown[kind] for _name, kind in COLUMNS]
        return [(row.id, tuple([text(row) for text in columns])) for row in rows]

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and not self._exhausted

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or self._exhausted or self._fetching:
            return
        self._fetching = True
        try:
            page = self._next_page()
            if page.rows:
                lines = self._lines(page.rows)
                first = len(self._rows)
                self.beginInsertRows(QModelIndex(), first, first + len(lines) - 1)
                self._take(page, lines)
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

    def _take(self, page: IncidentPage, lines: list[_Line] | None = None) -> None:
        self._rows.extend(self._lines(page.rows) if lines is None else lines)
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

    def column_texts(self, column: int) -> list[str]:
        """What `column` shows for the rows fetched so far, and the widest it can show
        for the numbers and dates: the view sizes its columns from these once, rather
        than have Qt measure every row (ResizeToContents) at each layout."""
        texts = [line[1][column] for line in self._rows]
        kind = COLUMNS[column][1]
        if kind is IncidentSort.RECORDED:
            texts.append(QLocale().toString(max(9_999, 10 * len(self._rows))))
        elif kind in (IncidentSort.DATE, IncidentSort.UPDATED):
            texts.append("0000-00-00")
        return texts

    def incident_id(self, row: int) -> int | None:
        return self._rows[row][0] if 0 <= row < len(self._rows) else None

    def row_of(self, incident_id: int) -> int | None:
        for number, line in enumerate(self._rows):
            if line[0] == incident_id:
                return number
        return None
