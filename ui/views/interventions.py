"""The interventions made for the shown incident: urgent appeals, grant requests, UN
communications... Add, change and delete them; every field of InterventionInput has a
control, and the actor field suggests, as it is typed, the actors this notebook already
names and then the usual ones (app/interventions.py actor_suggestions).

The form only gathers what was typed; app/ checks it on Save, and a refusal shows the
reason, writes nothing and keeps the form as typed.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.models import Intervention, InterventionInput
from app.vocabulary import vocabularies
from ui.context import UiContext
from ui.errors import message_for
from ui.i18n import ui_text as _t
from ui.models.interventions import InterventionsModel
from ui.views.forms import day_help, plain_label, set_enabled, set_shown
from ui.widgets.suggesting_line import SuggestingLineEdit
from ui.widgets.table import record_table
from ui.widgets.vocab import VocabCombo

_EMPTY = InterventionInput(actor="")


class InterventionsView(QWidget):
    changed = Signal()  # an intervention was saved or deleted

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._incident_id: int | None = None
        self._intervention_id: int | None = None  # the one in the form; None for a new one
        self._editing = False
        self._selecting = False
        self._loaded: tuple[object, ...] = ()
        vocab, language = vocabularies(), ctx.vocabulary_language
        service = ctx.notebook.interventions

        self.model = InterventionsModel(language)
        self.table = record_table(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAccessibleName(_t("Interventions for this incident"))
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        self.add_button = self._button(
            _t("&Add an intervention"), _t("Add an intervention"), self.add_intervention
        )
        self.delete_button = self._button(
            _t("&Delete intervention…"), _t("Delete intervention"), self.delete
        )

        self.actor = SuggestingLineEdit(service.actor_suggestions, self)
        self.actor.setAccessibleName(_t("Actor"))
        self.actor.setPlaceholderText(_t("Who acted, e.g. an organisation or a UN mandate"))
        self.kind = VocabCombo(vocab.intervention_kinds, language, self)
        self.kind.setAccessibleName(_t("Kind of intervention"))
        self.status = VocabCombo(vocab.intervention_statuses, language, self)
        self.status.setAccessibleName(_t("Status of the intervention"))
        self.date = QLineEdit(self)
        self.date.setAccessibleName(_t("Date of the intervention"))
        self.date.setToolTip(day_help())
        self.notes = QPlainTextEdit(self)
        self.notes.setAccessibleName(_t("Notes about the intervention"))
        self.notes.setTabChangesFocus(True)
        self.form = QWidget(self)
        form = QFormLayout(self.form)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        for widget in (self.actor, self.kind, self.status, self.date, self.notes):
            widget.setParent(self.form)
        form.addRow(_t("A&ctor"), self.actor)
        form.addRow(_t("&Kind"), self.kind)
        form.addRow(_t("S&tatus"), self.status)
        form.addRow(_t("Dat&e"), self.date)
        form.addRow("", plain_label(day_help(), self.form))
        form.addRow(_t("&Notes"), self.notes)
        self.empty_note = plain_label(_t("Choose an intervention in the list, or add one."), self)
        self.save_button = self._button(_t("&Save"), _t("Save intervention"), self.save)
        self.save_button.setToolTip(_t("Save (Ctrl+S)"))
        self.revert_button = self._button(_t("&Revert"), _t("Revert intervention"), self.discard)
        shortcut = QShortcut(QKeySequence.StandardKey.Save, self)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(self.save)

        top = QHBoxLayout()
        top.addWidget(self.add_button)
        top.addWidget(self.delete_button)
        top.addStretch(1)
        lower = QWidget(self)
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        self.empty_note.setParent(lower)
        self.form.setParent(lower)
        lower_layout.addWidget(self.empty_note, 0, Qt.AlignmentFlag.AlignTop)
        lower_layout.addWidget(self.form, 1)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.table)
        splitter.addWidget(lower)
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
        order = (
            self.add_button,
            self.delete_button,
            self.table,
            self.actor,
            self.kind,
            self.status,
            self.date,
            self.notes,
            self.save_button,
            self.revert_button,
        )
        for first, second in itertools.pairwise(order):
            QWidget.setTabOrder(first, second)
        for line in (self.actor, self.date):
            line.textChanged.connect(self._update_buttons)
        self.notes.textChanged.connect(self._update_buttons)
        self.kind.currentIndexChanged.connect(self._update_buttons)
        self.status.currentIndexChanged.connect(self._update_buttons)
        self._show_nothing()

    def _button(self, text: str, name: str, slot: Callable[[], object]) -> QPushButton:
        button = QPushButton(text, self)
        button.setAccessibleName(name)
        button.clicked.connect(slot)
        return button

    # -- the contract ----------------------------------------------------------------
    def show_incident(self, incident_id: int | None) -> None:
        """Show an incident's interventions (None: none). Unsaved edits are dropped: the
        caller asks first, with has_unsaved_changes()."""
        self._incident_id = incident_id
        self.refresh()
        self._show_nothing()

    def has_unsaved_changes(self) -> bool:
        return self._editing and self._state() != self._loaded

    def discard(self) -> None:
        """Back to the intervention as saved (an empty form for a new one)."""
        if self._intervention_id is not None:
            self._show_intervention(self._intervention_id)
        elif self._editing:
            self.add_intervention()
        else:
            self._show_nothing()

    def discard_edits(self) -> None:
        self._show_nothing()
        self.actor.forget()

    def refresh(self) -> None:
        rows = (
            []
            if self._incident_id is None
            else self._ctx.notebook.interventions.list_for(self._incident_id)
        )
        self.model.set_rows(rows)
        self._update_buttons()

    def current(self) -> Intervention | None:
        index = self.table.currentIndex()
        return self.model.intervention(index.row()) if index.isValid() else None

    def select_row(self, row: int) -> None:
        """Make a row current and selected, as a click does. (QTableView.selectRow
        picks the column at the viewport's far edge in right-to-left layouts, where
        there can be none, and then selects nothing.)"""
        index = self.model.index(row, 0)
        flags = (
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows
        )
        self.table.selectionModel().setCurrentIndex(index, flags)

    # -- the form --------------------------------------------------------------------
    def add_intervention(self) -> None:
        if self._incident_id is None or not self._may_leave():
            return
        self._intervention_id, self._editing = None, True
        self._select(None)
        self._fill(_EMPTY)
        self._loaded = self._state()
        self._update_buttons()
        self.actor.setFocus()

    def _row_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        if self._selecting:
            return
        item = self.model.intervention(current.row()) if current.isValid() else None
        if item is None or item.id == self._intervention_id:
            return
        if not self._may_leave():
            self._select(self._intervention_id)
            return
        self._show_intervention(item.id)

    def _show_intervention(self, intervention_id: int) -> None:
        try:
            item = self._ctx.notebook.interventions.get(intervention_id)
        except Exception as exc:  # message_for never shows what it does not know
            self._ctx.dialogs.warn(self, message_for(exc))
            self.refresh()
            self._show_nothing()
            return
        self._intervention_id, self._editing = intervention_id, True
        self._fill(item.to_input())
        self._loaded = self._state()
        self._select(intervention_id)
        self._update_buttons()

    def _show_nothing(self) -> None:
        self._intervention_id, self._editing = None, False
        self._fill(_EMPTY)
        self._loaded = self._state()
        self._select(None)
        self._update_buttons()

    def _may_leave(self) -> bool:
        return not self.has_unsaved_changes() or self._ctx.dialogs.confirm(
            self,
            _t("This intervention's changes are not saved. Discard them?"),
            _t("Discard changes"),
        )

    def _select(self, intervention_id: int | None) -> None:
        self._selecting = True
        try:
            for row in range(self.model.rowCount()):
                item = self.model.intervention(row)
                if item is not None and item.id == intervention_id:
                    self.select_row(row)
                    return
            self.table.clearSelection()
            self.table.setCurrentIndex(QModelIndex())
        finally:
            self._selecting = False

    def value(self) -> InterventionInput:
        return InterventionInput(
            actor=self.actor.text(),
            kind=self.kind.code() or "",
            status=self.status.code() or "",
            date=self.date.text().strip() or None,
            notes=self.notes.toPlainText(),
        )

    def _fill(self, data: InterventionInput) -> None:
        self.actor.setText(data.actor)
        self.kind.set_code(data.kind)
        self.status.set_code(data.status)
        self.date.setText(data.date or "")
        self.notes.setPlainText(data.notes)

    def _state(self) -> tuple[object, ...]:
        return (
            self.actor.text(),
            self.kind.currentIndex(),
            self.status.currentIndex(),
            self.date.text(),
            self.notes.toPlainText(),
        )

    # -- saving and deleting ---------------------------------------------------------
    def save(self) -> bool:
        incident_id = self._incident_id
        if incident_id is None or not self._editing:
            return False
        service = self._ctx.notebook.interventions
        try:
            data = self.value()
            if self._intervention_id is None:
                saved = service.add(incident_id, data)
            else:
                saved = service.update(self._intervention_id, data).id
        except Exception as exc:  # message_for never shows what it does not know
            self._ctx.dialogs.warn(self, message_for(exc))
            return False
        self.refresh()
        self._show_intervention(saved)
        self.changed.emit()
        return True

    def delete(self) -> bool:
        item = self.current()
        if item is None:
            return False
        question = _t("Delete this intervention from the notebook? This cannot be undone.")
        if not self._ctx.dialogs.confirm(self, question, _t("Delete intervention")):
            return False
        try:
            self._ctx.notebook.interventions.delete(item.id)
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
        set_enabled(self.delete_button, open_incident and self.current() is not None)
        set_enabled(self.form, self._editing)
        set_shown(self.form, self._editing)
        set_shown(self.empty_note, open_incident and not self._editing)
        set_enabled(self.save_button, self._editing)
        set_enabled(self.revert_button, self.has_unsaved_changes())
