"""The incident list: search as you type, filters, sortable columns, lazy pages.

Every keystroke restarts a short timer; the query then runs in SQL (the core's fast
plan), one page at a time, so typing stays smooth at 100,000 incidents. A query the core
refuses (only punctuation, say) shows its reason under the box and leaves the list as it
was.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QItemSelection, QModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QStyle,
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
from ui.widgets.flow_layout import FlowLayout
from ui.widgets.table import point_at, record_table

SEARCH_DELAY_MS = 150
TITLE_COLUMN = 1
MARGIN = 6
ROW_PADDING = 6  # pixels above and below a line of text in a row, together
CELL_PADDING = 8  # pixels beside a cell's text, beyond the style's focus margin
MAX_COLUMN_CHARS = 24  # a column wider than this many average characters elides
WIDEST_DATE = "0000-00-00..0000-00-00"  # a range of two days (EventDate.text())


@dataclass(frozen=True, repr=False)
class ListState:
    """What the person set in the list (search, filters, sort, selection): handed from
    the old list to the new one when the views are rebuilt in another language."""

    search: str
    date_from: str
    date_to: str
    codes: tuple[str | None, str | None, str | None]  # violation, status, country
    sort_column: int
    sort_order: Qt.SortOrder
    chosen: int | None


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
        self.date_from = self._date_field(_t("From date"))
        self.date_to = self._date_field(_t("To date"))
        self.from_label = self._date_label(_t("From"), self.date_from)
        self.to_label = self._date_label(_t("To"), self.date_to)
        self.problem = QLabel("", self)
        self.problem.setTextFormat(Qt.TextFormat.PlainText)
        self.problem.setWordWrap(True)
        self.problem.setAccessibleName(_t("Search problem"))
        self.problem.hide()

        self.model = IncidentListModel(ctx.notebook.lister, language)
        self.table = record_table(self)
        self.table.setAccessibleName(_t("Incidents"))
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        # Every row the same height, and no column sized by measuring rows: at 100,000
        # rows ResizeToContents read thousands of cells through data() at each layout,
        # which stalled the first show and every page fetched while scrolling.
        rows = self.table.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.table.fontMetrics().height() + ROW_PADDING)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(TITLE_COLUMN, QHeaderView.ResizeMode.Stretch)
        header.setSortIndicator(0, Qt.SortOrder.DescendingOrder)
        self.table.setSortingEnabled(True)  # after the indicator: one sort, newest first
        self._sized_by_hand: set[int] = set()  # columns the person resized: left alone
        self._sizing = False
        self._size_columns()
        header.sectionResized.connect(self._section_resized)
        self.model.modelReset.connect(self._rows_reset)
        self.table.selectionModel().selectionChanged.connect(self._selected)

        # One item per filter, wrapping onto a new line rather than clipping; the two
        # dates stay together, each behind its label.
        self.filter_bar = QWidget(self)
        dates = QWidget(self.filter_bar)
        dates_row = QHBoxLayout(dates)
        dates_row.setContentsMargins(0, 0, 0, 0)
        dates_row.addWidget(self.from_label)
        dates_row.addWidget(self.date_from)
        dates_row.addWidget(self.to_label)
        dates_row.addWidget(self.date_to)
        flow = FlowLayout(self.filter_bar)
        for widget in (self.violation, self.status, self.country, dates):
            flow.addWidget(widget)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(MARGIN, 0, MARGIN, 0)  # off the window edge, either side
        layout.addWidget(self.search)
        layout.addWidget(self.filter_bar)
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
        # No query here: setSortingEnabled has already fetched the first page, unfiltered,
        # as the empty fields ask (a second, identical query cost the first show ~20 ms).

    def _size_columns(self, *, grow_only: bool = False) -> None:
        """Each column but the title as wide as its header and the widest text of the
        first page (numbers and dates at their widest), up to MAX_COLUMN_CHARS (longer
        texts are elided and shown whole in the tooltip). Measured from the first page
        only, never from every row; and again, only ever wider, at each new first page
        (a search, a filter, an incident saved), since the list may have been empty when
        it was built: sized from its headers alone, the Arabic statuses, longer than
        their header, were elided. A column the person has resized is theirs."""
        header = self.table.horizontalHeader()
        metrics = self.table.fontMetrics()
        margin = self.table.style().pixelMetric(
            QStyle.PixelMetric.PM_FocusFrameHMargin, None, self.table
        )
        padding = 2 * (margin + 1) + CELL_PADDING
        # A long country name elides; a date, even a range of two days, never does.
        chars = metrics.averageCharWidth() * MAX_COLUMN_CHARS
        widest = max(chars, metrics.horizontalAdvance(WIDEST_DATE)) + padding
        self._sizing = True
        try:
            for column in range(self.model.columnCount()):
                if column == TITLE_COLUMN or column in self._sized_by_hand:
                    continue
                texts = set(self.model.column_texts(column))  # a page repeats its labels
                content = max((metrics.horizontalAdvance(text) for text in texts), default=0)
                width = max(min(content + padding, widest), header.sectionSizeHint(column))
                if not grow_only or width > header.sectionSize(column):
                    header.resizeSection(column, width)
        finally:
            self._sizing = False

    def _rows_reset(self) -> None:
        self._size_columns(grow_only=True)

    def _section_resized(self, column: int, _old: int, _new: int) -> None:
        if not self._sizing and column != TITLE_COLUMN:
            self._sized_by_hand.add(column)

    def _combo(self, name: str, vocab: Vocabulary, language: str) -> QComboBox:
        """As wide as its "any" entry, not as its longest term (a country's name would
        take the whole bar); the list that drops down is as wide as the longest term."""
        combo = QComboBox(self)
        combo.setAccessibleName(name)
        anything = _t("{name}: any").format(name=name)
        combo.addItem(anything, None)
        for term in vocab.terms:
            combo.addItem(term.label(language), term.code)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(len(anything))
        view = combo.view()
        view.setMinimumWidth(
            view.sizeHintForColumn(0) + view.verticalScrollBar().sizeHint().width()
        )
        return combo

    def _date_field(self, name: str) -> QLineEdit:
        field = QLineEdit(self)
        field.setAccessibleName(name)
        field.setPlaceholderText(_t("YYYY-MM-DD"))
        sample = max(field.placeholderText(), "0000-00-00", key=len) + "00"
        field.setMinimumWidth(field.fontMetrics().horizontalAdvance(sample))
        field.setMaximumWidth(field.minimumWidth() * 2)
        return field

    def _date_label(self, text: str, buddy: QLineEdit) -> QLabel:
        label = QLabel(text, self)
        label.setBuddy(buddy)
        return label

    def state(self) -> ListState:
        header = self.table.horizontalHeader()
        return ListState(
            self.search.text(),
            self.date_from.text(),
            self.date_to.text(),
            (self.violation.currentData(), self.status.currentData(), self.country.currentData()),
            header.sortIndicatorSection(),
            header.sortIndicatorOrder(),
            self.chosen_id(),
        )

    def restore(self, state: ListState) -> None:
        """Set what `state` holds, run the query once and select the incident again,
        without announcing the choice (the panel is given it by the caller)."""
        combos = (self.violation, self.status, self.country)
        for widget in (self.search, self.date_from, self.date_to, *combos):
            widget.blockSignals(True)
        self.search.setText(state.search)
        self.date_from.setText(state.date_from)
        self.date_to.setText(state.date_to)
        for combo, code in zip(combos, state.codes, strict=True):
            combo.setCurrentIndex(max(0, combo.findData(code)))
        for widget in (self.search, self.date_from, self.date_to, *combos):
            widget.blockSignals(False)
        self.table.horizontalHeader().setSortIndicator(state.sort_column, state.sort_order)
        self.apply_filter()
        if state.chosen is not None:
            self.select(state.chosen)

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
            self.problem.show()
            return
        self.problem.setText("")
        self.problem.hide()

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
                point_at(self.table, row)
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
