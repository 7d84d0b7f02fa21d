"""The form under the people table: who (a new person or one already in the notebook),
their name, kind and notes, and the link's role and consent.

It only gathers what was typed; ui/views/people.py hands it to app/, which checks it.
The name, kind and notes belong to the person, not to the link: a change to them shows
in every incident the person is linked to, and the form says so.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QLineEdit, QPlainTextEdit, QWidget

from app.models import ConsentInput, Person, PersonInput, PersonLink
from app.vocabulary import vocabularies
from ui.i18n import ui_text as _t
from ui.views.forms import ConsentFields, plain_label
from ui.widgets.vocab import VocabCombo

_NEW = -1  # the data of the "New person" entry of the person chooser
_State = tuple[object, ...]


class PersonLinkForm(QWidget):
    edited = Signal()

    def __init__(self, language: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        vocab = vocabularies()
        self._language = language
        self._people: dict[int, Person] = {}
        self.person = QComboBox(self)
        self.person.setAccessibleName(_t("Person"))
        self.person.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.person.setMinimumContentsLength(12)
        self.name = QLineEdit(self)
        self.name.setAccessibleName(_t("Name"))
        self.kind = VocabCombo(vocab.person_kinds, language, self)
        self.kind.setAccessibleName(_t("Kind of person"))
        self.notes = QPlainTextEdit(self)
        self.notes.setAccessibleName(_t("Notes about the person"))
        self.notes.setTabChangesFocus(True)
        self.notes.setMaximumHeight(80)
        self.role = VocabCombo(vocab.roles, language, self)
        self.role.setAccessibleName(_t("Role in this incident"))
        self.consent = ConsentFields(language, self)
        self.shared_note = plain_label(
            _t(
                "The name, kind and notes are the person's own: a change shows in every "
                "incident they are linked to."
            ),
            self,
        )
        form = QFormLayout(self)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.addRow(_t("&Person"), self.person)
        form.addRow(_t("&Name"), self.name)
        form.addRow(_t("&Kind"), self.kind)
        form.addRow(_t("Notes about the person"), self.notes)
        form.addRow("", self.shared_note)
        form.addRow(_t("Ro&le"), self.role)
        form.addRow(self.consent)
        order: Sequence[QWidget] = (
            self.person,
            self.name,
            self.kind,
            self.notes,
            self.role,
            self.consent.level,
            self.consent.organisations,
            self.consent.date,
            self.consent.note,
        )
        for first, second in itertools.pairwise(order):
            QWidget.setTabOrder(first, second)
        # Signal to signal, never a Python emit() per keystroke (see ConsentFields).
        self.person.currentIndexChanged.connect(self._person_chosen)
        self.person.currentIndexChanged.connect(self.edited)
        self.name.textEdited.connect(self.edited)
        self.notes.textChanged.connect(self.edited)
        self.kind.currentIndexChanged.connect(self.edited)
        self.role.currentIndexChanged.connect(self.edited)
        self.consent.edited.connect(self.edited)

    # -- filling ---------------------------------------------------------------------
    def new_link(self, people: Sequence[Person]) -> None:
        """An empty form: a new person, or one chosen among `people`."""
        self._people = {person.id: person for person in people}
        self.person.blockSignals(True)
        self.person.clear()
        self.person.addItem(_t("New person"), _NEW)
        kinds = vocabularies().person_kinds
        for person in people:
            label = _t("{name} ({kind})").format(
                name=person.name, kind=kinds.label(person.kind, self._language)
            )
            self.person.addItem(label, person.id)
        self.person.setCurrentIndex(0)
        self.person.blockSignals(False)
        self.person.setEnabled(True)
        self._fill_person(PersonInput(name=""))
        self.role.setCurrentIndex(0)
        self.consent.set_value(ConsentInput())

    def show_link(self, link: PersonLink, person: Person) -> None:
        """An existing link: its person cannot change (unlink, then link another)."""
        self._people = {person.id: person}
        self.person.blockSignals(True)
        self.person.clear()
        self.person.addItem(person.name, person.id)
        self.person.blockSignals(False)
        self.person.setEnabled(False)
        self._fill_person(person.to_input())
        self.role.set_code(link.role)
        self.consent.set_value(link.consent)

    def clear(self) -> None:
        self._people = {}
        self.person.clear()
        self._fill_person(PersonInput(name=""))
        self.role.setCurrentIndex(0)
        self.consent.set_value(ConsentInput())

    def _person_chosen(self, _index: int) -> None:
        person = self._people.get(self.person_id() or _NEW)
        self._fill_person(person.to_input() if person else PersonInput(name=""))

    def _fill_person(self, data: PersonInput) -> None:
        self.name.setText(data.name)
        self.kind.set_code(data.kind)
        self.notes.setPlainText(data.notes)

    # -- reading ---------------------------------------------------------------------
    def person_id(self) -> int | None:
        """The chosen person's id; None for a new person."""
        data = self.person.currentData()
        return None if data is None or int(data) == _NEW else int(data)

    def person_value(self) -> PersonInput:
        return PersonInput(
            name=self.name.text(), kind=self.kind.code() or "", notes=self.notes.toPlainText()
        )

    def role_code(self) -> str:
        return self.role.code() or ""

    def consent_value(self) -> ConsentInput:
        return self.consent.value()

    def person_changed(self) -> bool:
        """Whether the name, kind or notes differ from the chosen person's."""
        person = self._people.get(self.person_id() or _NEW)
        return person is None or person.to_input() != self.person_value()

    def state(self) -> _State:
        consent = self.consent
        return (
            self.person.currentIndex(),
            self.name.text(),
            self.kind.currentIndex(),
            self.notes.toPlainText(),
            self.role.currentIndex(),
            consent.level.currentIndex(),
            consent.organisations.text(),
            consent.date.text(),
            consent.note.toPlainText(),
        )
