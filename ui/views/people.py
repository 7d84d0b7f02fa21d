"""The people of the shown incident: who they are, their role and their consent.

Add a new person or link one already in the notebook, change a link's role and consent
(and the person's own name, kind and notes), unlink after a confirmation. Export honours
the consent recorded here, so a refused save shows the app's reason and writes nothing:
everything typed is checked by app/ before the first write.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app import validation
from app.clock import today_utc
from app.models import PersonLink
from app.vocabulary import vocabularies
from ui.context import UiContext
from ui.errors import message_for
from ui.i18n import ui_text as _t
from ui.models.people import PersonLinksModel
from ui.views.forms import plain_label, set_enabled, set_shown
from ui.views.person_link_form import PersonLinkForm
from ui.widgets.table import record_table


class PeopleView(QWidget):
    changed = Signal()  # a person or a link was saved or removed

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._incident_id: int | None = None
        self._link_id: int | None = None  # the link in the form; None for a new one
        self._editing = False  # False: the form shows nothing
        self._loaded: tuple[object, ...] = ()
        self._selecting = False  # the table is being pointed at a link by the code
        self.model = PersonLinksModel(ctx.vocabulary_language)
        self.table = record_table(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAccessibleName(_t("People linked to this incident"))
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        self.add_button = self._button(_t("&Add a person"), _t("Add a person"), self.add_link)
        self.unlink_button = self._button(_t("&Unlink…"), _t("Unlink"), self.unlink)
        self.form = PersonLinkForm(ctx.vocabulary_language, self)
        self.form.edited.connect(self._update_buttons)
        self.save_button = self._button(_t("&Save"), _t("Save person"), self.save)
        self.save_button.setToolTip(_t("Save (Ctrl+S)"))
        self.revert_button = self._button(_t("&Revert"), _t("Revert person"), self.discard)
        self.empty_note = plain_label(_t("Choose a person in the list, or add one."), self)
        shortcut = QShortcut(QKeySequence.StandardKey.Save, self)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(self.save)

        top = QHBoxLayout()
        top.addWidget(self.add_button)
        top.addWidget(self.unlink_button)
        top.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        # The fields inside take the focus (the area scrolls to them): no extra tab stop.
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        scroll.setAccessibleName(_t("Person and consent"))
        holder = QWidget(scroll)
        inner = QVBoxLayout(holder)
        inner.addWidget(self.empty_note)
        inner.addWidget(self.form)
        inner.addStretch(1)
        scroll.setWidget(holder)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.table)
        splitter.addWidget(scroll)
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
        QWidget.setTabOrder(self.add_button, self.unlink_button)
        QWidget.setTabOrder(self.unlink_button, self.table)
        QWidget.setTabOrder(self.table, self.form.person)
        QWidget.setTabOrder(self.form.consent.note, self.save_button)
        QWidget.setTabOrder(self.save_button, self.revert_button)
        self._show_nothing()

    def _button(self, text: str, name: str, slot: Callable[[], object]) -> QPushButton:
        button = QPushButton(text, self)
        button.setAccessibleName(name)
        button.clicked.connect(slot)
        return button

    # -- the contract ----------------------------------------------------------------
    def show_incident(self, incident_id: int | None) -> None:
        """Show an incident's people (None: none). Unsaved edits are dropped: the caller
        asks first, with has_unsaved_changes()."""
        self._incident_id = incident_id
        self.refresh()
        self._show_nothing()

    def has_unsaved_changes(self) -> bool:
        return self._editing and self.form.state() != self._loaded

    def discard(self) -> None:
        """Back to the link as saved (an empty form for a new one)."""
        if self._link_id is not None:
            self._show_link(self._link_id)
        elif self._editing:
            self.add_link()
        else:
            self._show_nothing()

    def discard_edits(self) -> None:
        self._show_nothing()

    def refresh(self) -> None:
        links = (
            []
            if self._incident_id is None
            else self._ctx.notebook.people.links_for_incident(self._incident_id)
        )
        self.model.set_rows(links)
        self._update_buttons()

    def current(self) -> PersonLink | None:
        index = self.table.currentIndex()
        return self.model.link(index.row()) if index.isValid() else None

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
    def add_link(self) -> None:
        """An empty form: Save adds the person (or links the one chosen)."""
        if self._incident_id is None or not self._may_leave():
            return
        try:
            people = self._ctx.notebook.people.list_by_name()
        except Exception as exc:  # message_for never shows what it does not know
            self._ctx.dialogs.warn(self, message_for(exc))
            return
        self._link_id, self._editing = None, True
        self._select(None)
        self.form.new_link(people)
        self._loaded = self.form.state()
        self._update_buttons()
        self.form.person.setFocus()

    def _row_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        if self._selecting:
            return
        link = self.model.link(current.row()) if current.isValid() else None
        if link is None or link.id == self._link_id:
            return
        if not self._may_leave():
            self._select(self._link_id)
            return
        self._show_link(link.id)

    def _show_link(self, link_id: int) -> None:
        people = self._ctx.notebook.people
        try:
            link = people.get_link(link_id)
            person = people.get(link.person_id)
        except Exception as exc:  # message_for never shows what it does not know
            self._ctx.dialogs.warn(self, message_for(exc))
            self.refresh()
            self._show_nothing()
            return
        self._link_id, self._editing = link_id, True
        self.form.show_link(link, person)
        self._loaded = self.form.state()
        self._select(link_id)
        self._update_buttons()

    def _show_nothing(self) -> None:
        self._link_id, self._editing = None, False
        self.form.clear()
        self._loaded = self.form.state()
        self._select(None)
        self._update_buttons()

    def _may_leave(self) -> bool:
        return not self.has_unsaved_changes() or self._ctx.dialogs.confirm(
            self,
            _t("This person's changes are not saved. Discard them?"),
            _t("Discard changes"),
        )

    def _select(self, link_id: int | None) -> None:
        """Point the table at a link without loading it again."""
        self._selecting = True
        try:
            for row in range(self.model.rowCount()):
                link = self.model.link(row)
                if link is not None and link.id == link_id:
                    self.select_row(row)
                    return
            self.table.clearSelection()
            self.table.setCurrentIndex(QModelIndex())
        finally:
            self._selecting = False

    # -- saving ----------------------------------------------------------------------
    def save(self) -> bool:
        """Add or change the link (and the person); on a refusal the reason is shown,
        nothing is written and the form keeps what was typed."""
        incident_id = self._incident_id
        if incident_id is None or not self._editing:
            return False
        people = self._ctx.notebook.people
        form = self.form
        person_id = form.person_id() if self._link_id is None else self._current_person_id()
        try:
            # Everything is checked before the first write, as the CLI does.
            person = validation.person(form.person_value())
            role = vocabularies().roles.check(form.role_code())
            consent = validation.consent(form.consent_value(), today_utc())
            if self._role_taken(person_id, role):
                self._ctx.dialogs.warn(
                    self, _t("This person already has this role in this incident.")
                )
                return False
            if person_id is None:
                person_id = people.add(person)
                try:
                    link_id = people.link(incident_id, person_id, role, consent)
                except BaseException:
                    people.delete(person_id)
                    raise
            else:
                if form.person_changed():
                    people.update(person_id, person)
                if self._link_id is None:
                    link_id = people.link(incident_id, person_id, role, consent)
                else:
                    link_id = people.update_link(self._link_id, role=role, consent=consent).id
        except Exception as exc:  # message_for never shows what it does not know
            self._ctx.dialogs.warn(self, message_for(exc))
            return False
        self.refresh()
        self._show_link(link_id)
        self.changed.emit()
        return True

    def _current_person_id(self) -> int | None:
        link = next(
            (item for item in self._links() if item.id == self._link_id),
            None,
        )
        return None if link is None else link.person_id

    def _role_taken(self, person_id: int | None, role: str) -> bool:
        """Whether another link already gives this person this role here (the vault
        holds one such link; saving a second would be refused with a database error)."""
        return person_id is not None and any(
            link.person_id == person_id and link.role == role and link.id != self._link_id
            for link in self._links()
        )

    def _links(self) -> list[PersonLink]:
        return [
            link
            for row in range(self.model.rowCount())
            if (link := self.model.link(row)) is not None
        ]

    def unlink(self) -> bool:
        link = self.current()
        if link is None or self._incident_id is None:
            return False
        question = _t(
            "Remove this person from this incident? The person stays in the notebook "
            "and in their other incidents."
        )
        if not self._ctx.dialogs.confirm(self, question, _t("Unlink")):
            return False
        try:
            self._ctx.notebook.people.unlink(link.id)
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
        set_enabled(self.unlink_button, open_incident and self.current() is not None)
        set_enabled(self.form, self._editing)
        set_shown(self.form, self._editing)
        set_shown(self.empty_note, open_incident and not self._editing)
        set_enabled(self.save_button, self._editing)
        set_enabled(self.revert_button, self.has_unsaved_changes())
