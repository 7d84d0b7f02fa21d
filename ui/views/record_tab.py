"""The shape the People and Interventions tabs share: a table of the incident's records
over a form, Add and Remove above, Save and Revert below, Ctrl+S.

What is common lives here: which record the form shows (or none, or a new one), the row
guard (choosing another row with unsaved edits asks first, and a No points the table
back), the confirmation before a removal, and the buttons that follow all of it. A
subclass fills in its texts, its form and how app/ lists, loads, saves and removes its
records. The strings stay in the unnamed translation context (ui/i18n.py), so moving
them between the views and this class changes nothing for the translators.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ui.context import UiContext
from ui.errors import message_for
from ui.i18n import ui_text as _t
from ui.models.rows import RowsModel
from ui.views.forms import plain_label, set_enabled, set_shown
from ui.widgets.table import point_at, record_table


class _Record(Protocol):
    @property
    def id(self) -> int: ...


Record = TypeVar("Record", bound=_Record)


@dataclass(frozen=True)
class RecordTexts:
    """A tab's own words, each already translated by the subclass (lupdate reads them
    there). The remove button's accessible name also labels its confirmation."""

    table: str  # the table's accessible name
    add: str
    add_name: str
    remove: str
    remove_name: str
    remove_question: str
    save_name: str
    revert_name: str
    empty: str  # the note while the form shows nothing
    unsaved: str  # the question before unsaved edits are dropped


class RecordTab(QWidget, Generic[Record]):
    changed = Signal()  # a record was saved or removed

    def __init__(
        self,
        ctx: UiContext,
        model: RowsModel[Record],
        texts: RecordTexts,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._texts = texts
        self._incident_id: int | None = None
        self._record_id: int | None = None  # the record in the form; None for a new one
        self._editing = False  # False: the form shows nothing
        self._loaded: tuple[object, ...] = ()
        self._selecting = False  # the table is being pointed at a row by the code
        self.model = model
        self.table = record_table(self)
        self.table.setModel(model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAccessibleName(texts.table)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        self.add_button = self._button(texts.add, texts.add_name, self.add_record)
        self.remove_button = self._button(texts.remove, texts.remove_name, self.remove)
        self.form = self._make_form()
        self.empty_note = plain_label(texts.empty, self)
        self.save_button = self._button(_t("&Save"), texts.save_name, self.save)
        self.save_button.setToolTip(_t("Save (Ctrl+S)"))
        self.revert_button = self._button(_t("&Revert"), texts.revert_name, self.discard)
        shortcut = QShortcut(QKeySequence.StandardKey.Save, self)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(self.save)

        top = QHBoxLayout()
        top.addWidget(self.add_button)
        top.addWidget(self.remove_button)
        top.addStretch(1)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.table)
        splitter.addWidget(self._form_area())
        splitter.setStretchFactor(1, 2)
        splitter.setChildrenCollapsible(False)
        bottom = QHBoxLayout()
        bottom.addWidget(self.save_button)
        bottom.addWidget(self.revert_button)
        bottom.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)
        layout.addLayout(bottom)
        QWidget.setTabOrder(self.add_button, self.remove_button)
        QWidget.setTabOrder(self.remove_button, self.table)
        QWidget.setTabOrder(self.table, self._first_field())
        QWidget.setTabOrder(self._last_field(), self.save_button)
        QWidget.setTabOrder(self.save_button, self.revert_button)
        self._show_nothing()

    def _button(self, text: str, name: str, slot: Callable[[], object]) -> QPushButton:
        button = QPushButton(text, self)
        button.setAccessibleName(name)
        button.clicked.connect(slot)
        return button

    # -- what a subclass fills in ----------------------------------------------------
    def _make_form(self) -> QWidget:
        """The form's widget; its edits call _update_buttons (directly or by a signal)."""
        raise NotImplementedError

    def _form_area(self) -> QWidget:
        """What goes under the table: the empty note over the form."""
        lower = QWidget(self)
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        self.empty_note.setParent(lower)
        self.form.setParent(lower)
        lower_layout.addWidget(self.empty_note, 0, Qt.AlignmentFlag.AlignTop)
        lower_layout.addWidget(self.form, 1)
        return lower

    def _first_field(self) -> QWidget:
        raise NotImplementedError

    def _last_field(self) -> QWidget:
        raise NotImplementedError

    def _records_of(self, incident_id: int) -> Sequence[Record]:
        raise NotImplementedError

    def _fill_new(self) -> None:
        """An empty form for a new record; may raise (shown, nothing changes)."""
        raise NotImplementedError

    def _fill_record(self, record_id: int) -> None:
        """The saved record in the form; may raise (shown, the form then shows nothing)."""
        raise NotImplementedError

    def _clear_form(self) -> None:
        raise NotImplementedError

    def _state(self) -> tuple[object, ...]:
        """What the form holds, compared with what was loaded to find unsaved edits."""
        raise NotImplementedError

    def _save_record(self, incident_id: int, record_id: int | None) -> int | None:
        """Add (record_id None) or change the record and return its id; None when the
        subclass refused it and said why. May raise: shown, and nothing is written."""
        raise NotImplementedError

    def _remove_record(self, record_id: int) -> None:
        raise NotImplementedError

    # -- the contract ----------------------------------------------------------------
    def show_incident(self, incident_id: int | None) -> None:
        """Show an incident's records (None: none). Unsaved edits are dropped: the
        caller asks first, with has_unsaved_changes()."""
        self._incident_id = incident_id
        self.refresh()
        self._show_nothing()

    def has_unsaved_changes(self) -> bool:
        return self._editing and self._state() != self._loaded

    def discard(self) -> None:
        """Back to the record as saved (an empty form for a new one)."""
        if self._record_id is not None:
            self._show_record(self._record_id)
        elif self._editing:
            self.add_record()
        else:
            self._show_nothing()

    def discard_edits(self) -> None:
        self._show_nothing()

    def refresh(self) -> None:
        rows = [] if self._incident_id is None else self._records_of(self._incident_id)
        self.model.set_rows(rows)
        self._update_buttons()

    def current(self) -> Record | None:
        index = self.table.currentIndex()
        return self.model.row(index.row()) if index.isValid() else None

    def select_row(self, row: int) -> None:
        """Make a row current and selected, as a click does."""
        point_at(self.table, row)

    def records(self) -> list[Record]:
        """The rows the table shows."""
        rows = (self.model.row(number) for number in range(self.model.rowCount()))
        return [item for item in rows if item is not None]

    # -- the form --------------------------------------------------------------------
    def add_record(self) -> None:
        """An empty form: Save adds the record."""
        if self._incident_id is None or not self._may_leave():
            return
        try:
            self._fill_new()
        except Exception as exc:  # message_for never shows what it does not know
            self._ctx.dialogs.warn(self, message_for(exc))
            return
        self._record_id, self._editing = None, True
        self._select(None)
        self._loaded = self._state()
        self._update_buttons()
        self._first_field().setFocus()

    def _row_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        if self._selecting:
            return
        item = self.model.row(current.row()) if current.isValid() else None
        if item is None or item.id == self._record_id:
            return
        if not self._may_leave():
            self._select(self._record_id)
            return
        self._show_record(item.id)

    def _show_record(self, record_id: int) -> None:
        try:
            self._fill_record(record_id)
        except Exception as exc:  # message_for never shows what it does not know
            self._ctx.dialogs.warn(self, message_for(exc))
            self.refresh()
            self._show_nothing()
            return
        self._record_id, self._editing = record_id, True
        self._loaded = self._state()
        self._select(record_id)
        self._update_buttons()

    def _show_nothing(self) -> None:
        self._record_id, self._editing = None, False
        self._clear_form()
        self._loaded = self._state()
        self._select(None)
        self._update_buttons()

    def _may_leave(self) -> bool:
        return not self.has_unsaved_changes() or self._ctx.dialogs.confirm(
            self, self._texts.unsaved, _t("Discard changes")
        )

    def _select(self, record_id: int | None) -> None:
        """Point the table at a row without loading it again."""
        self._selecting = True
        try:
            point_at(self.table, self.model.row_of(record_id))
        finally:
            self._selecting = False

    # -- saving and removing ---------------------------------------------------------
    def save(self) -> bool:
        """Add or change the record; on a refusal the reason is shown, nothing is
        written and the form keeps what was typed."""
        incident_id = self._incident_id
        if incident_id is None or not self._editing:
            return False
        try:
            saved = self._save_record(incident_id, self._record_id)
        except Exception as exc:  # message_for never shows what it does not know
            self._ctx.dialogs.warn(self, message_for(exc))
            return False
        if saved is None:
            return False
        self.refresh()
        self._show_record(saved)
        self.changed.emit()
        return True

    def remove(self) -> bool:
        """Remove the current record after a confirmation."""
        item = self.current()
        if item is None or self._incident_id is None:
            return False
        texts = self._texts
        if not self._ctx.dialogs.confirm(self, texts.remove_question, texts.remove_name):
            return False
        try:
            self._remove_record(item.id)
        except Exception as exc:  # message_for never shows what it does not know
            self._ctx.dialogs.warn(self, message_for(exc))
            return False
        finally:
            self.refresh()
        self._show_nothing()
        self.changed.emit()
        return True

    def _update_buttons(self) -> None:
        open_incident = self._incident_id is not None
        set_enabled(self.add_button, open_incident)
        set_enabled(self.remove_button, open_incident and self.current() is not None)
        set_enabled(self.form, self._editing)
        set_shown(self.form, self._editing)
        set_shown(self.empty_note, open_incident and not self._editing)
        set_enabled(self.save_button, self._editing)
        set_enabled(self.revert_button, self.has_unsaved_changes())
