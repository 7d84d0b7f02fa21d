"""The incident list: search as you type, filters, sortable columns, lazy pages.

Every keystroke restarts a short timer; the query then runs in SQL (the core's fast
plan), one page at a time, so typing stays smooth at 100,000 incidents. A query the core
refuses (only punctuation, say) shows its reason under the box and leaves the list as it
was.
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelection, QModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGridLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.errors import CarnetError
from app.incident_list import IncidentFilter
from app.vocabulary import Vocabulary, vocabularies
from ui.context import UiContext
from ui.errors import message_for
from ui.i18n import ui_text as _t
from ui.models.incident_list import IncidentListModel

SEARCH_DELAY_MS = 150


class IncidentListView(QWidget):
    incident_chosen = Signal(object)  # int | None

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._selecting = False
        language = ctx.vocabulary_language
        vocab = vocabularies()
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(_t("Search titles, narratives, places, people, tags"))
        self.search.setAccessibleName(_t("Search"))
        self.search.setClearButtonEnabled(True)
        self.violation = self._combo(_t("Violation"), vocab.violations, language)
        self.status = self._combo(_t("Status"), vocab.statuses, language)
        self.country = self._combo(_t("Country"), vocab.countries, language)
        self.date_from = QLineEdit(self)
        self.date_from.setPlaceholderText(_t("From (YYYY-MM-DD)"))
        self.date_from.setAccessibleName(_t("From date"))
        self.date_to = QLineEdit(self)
        self.date_to.setPlaceholderText(_t("To (YYYY-MM-DD)"))
        self.date_to.setAccessibleName(_t("To date"))
        self.problem = QLabel("", self)
        self.problem.setTextFormat(Qt.TextFormat.PlainText)
        self.problem.setWordWrap(True)
        self.problem.setAccessibleName(_t("Search problem"))

        self.model = IncidentListModel(ctx.notebook.lister, language)
        self.table = QTableView(self)
        self.table.setAccessibleName(_t("Incidents"))
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.DescendingOrder)
        self.table.setSortingEnabled(True)  # after the indicator: one sort, newest first
        self.table.selectionModel().selectionChanged.connect(self._selected)

        filters = QGridLayout()
        filters.addWidget(self.violation, 0, 0)
        filters.addWidget(self.status, 0, 1)
        filters.addWidget(self.country, 1, 0)
        dates = QGridLayout()
        dates.addWidget(self.date_from, 0, 0)
        dates.addWidget(self.date_to, 0, 1)
        filters.addLayout(dates, 1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search)
        layout.addLayout(filters)
        layout.addWidget(self.problem)
        layout.addWidget(self.table, 1)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.apply_filter)
        for line in (self.search, self.date_from, self.date_to):
            line.textChanged.connect(self._timer.start)
        for combo in (self.violation, self.status, self.country):
            combo.currentIndexChanged.connect(self.apply_filter)
        self.apply_filter()

    def _combo(self, name: str, vocab: Vocabulary, language: str) -> QComboBox:
        combo = QComboBox(self)
        combo.setAccessibleName(name)
        combo.addItem(_t("{name}: any").format(name=name), None)
        for term in vocab.terms:
            combo.addItem(term.label(language), term.code)
        return combo

    def current_filter(self) -> IncidentFilter:
        return IncidentFilter(
            violation=self.violation.currentData(),
            status=self.status.currentData(),
            country=self.country.currentData(),
            date_from=self.date_from.text().strip() or None,
            date_to=self.date_to.text().strip() or None,
            text=self.search.text().strip() or None,
        )

    def apply_filter(self) -> None:
        try:
            self.model.set_filter(self.current_filter())
        except CarnetError as exc:
            self.problem.setText(message_for(exc))
            return
        self.problem.setText("")

    def refresh(self) -> None:
        chosen = self.chosen_id()
        self.apply_filter()
        if chosen is not None:
            self.select(chosen)

    def refresh_and_select(self, incident_id: int) -> None:
        self.apply_filter()
        self.select(incident_id)

    def select(self, incident_id: int) -> None:
        # A selection made here is not the person choosing: the panel keeps what it
        # shows (blocking the table's signals would not do: the selection model emits).
        row = self.model.row_of(incident_id)
        if row is not None:
            self._selecting = True
            try:
                self.table.selectRow(row)
            finally:
                self._selecting = False

    def chosen_id(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.incident_id(rows[0].row()) if rows else None

    def _selected(self, _new: QItemSelection, _old: QItemSelection) -> None:
        if not self._selecting:
            self.incident_chosen.emit(self.chosen_id())

    def current_index(self) -> QModelIndex:
        return self.table.currentIndex()
