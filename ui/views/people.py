"""The people of the shown incident: who they are, their role and their consent.

Add a new person or link one already in the notebook, change a link's role and consent
(and the person's own name, kind and notes), unlink after a confirmation. Export honours
the consent recorded here, so a refused save shows the app's reason and writes nothing:
everything typed is checked by app/ before the first write. The table, the row guard and
the buttons are ui/views/record_tab.py's.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QScrollArea, QVBoxLayout, QWidget

from app import validation
from app.clock import today_utc
from app.models import PersonLink
from app.vocabulary import vocabularies
from ui.context import UiContext
from ui.i18n import ui_text as _t
from ui.models.people import PersonLinksModel
from ui.views.person_link_form import PersonLinkForm
from ui.views.record_tab import RecordTab, RecordTexts


class PeopleView(RecordTab[PersonLink]):
    form: PersonLinkForm

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        texts = RecordTexts(
            table=_t("People linked to this incident"),
            add=_t("&Add a person"),
            add_name=_t("Add a person"),
            remove=_t("&Unlink…"),
            remove_name=_t("Unlink"),
            remove_question=_t(
                "Remove this person from this incident? The person stays in the notebook "
                "and in their other incidents."
            ),
            save_name=_t("Save person"),
            revert_name=_t("Revert person"),
            empty=_t("Choose a person in the list, or add one."),
            unsaved=_t("This person's changes are not saved. Discard them?"),
        )
        super().__init__(ctx, PersonLinksModel(ctx.vocabulary_language), texts, parent)
        self.unlink_button = self.remove_button

    def add_link(self) -> None:
        """An empty form: Save adds the person (or links the one chosen)."""
        self.add_record()

    def unlink(self) -> bool:
        return self.remove()

    # -- the form --------------------------------------------------------------------
    def _make_form(self) -> PersonLinkForm:
        form = PersonLinkForm(self._ctx.vocabulary_language, self)
        form.edited.connect(self._update_buttons)
        return form

    def _form_area(self) -> QWidget:
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
        return scroll

    def _first_field(self) -> QWidget:
        return self.form.person

    def _last_field(self) -> QWidget:
        return self.form.consent.note

    def _records_of(self, incident_id: int) -> Sequence[PersonLink]:
        return self._ctx.notebook.people.links_for_incident(incident_id)

    def _fill_new(self) -> None:
        self.form.new_link(self._ctx.notebook.people.list_by_name())

    def _fill_record(self, record_id: int) -> None:
        people = self._ctx.notebook.people
        link = people.get_link(record_id)
        self.form.show_link(link, people.get(link.person_id))

    def _clear_form(self) -> None:
        self.form.clear()

    def _state(self) -> tuple[object, ...]:
        return self.form.state()

    # -- saving ----------------------------------------------------------------------
    def _save_record(self, incident_id: int, record_id: int | None) -> int | None:
        """Add or change the link (and the person), everything checked before the first
        write, as the CLI does."""
        people = self._ctx.notebook.people
        form = self.form
        person_id = form.person_id() if record_id is None else self._current_person_id()
        person = validation.person(form.person_value())
        role = vocabularies().roles.check(form.role_code())
        consent = validation.consent(form.consent_value(), today_utc())
        if self._role_taken(person_id, role):
            self._ctx.dialogs.warn(self, _t("This person already has this role in this incident."))
            return None
        if person_id is None:
            person_id = people.add(person)
            try:
                return people.link(incident_id, person_id, role, consent)
            except BaseException:
                people.delete(person_id)
                raise
        if form.person_changed():
            people.update(person_id, person)
        if record_id is None:
            return people.link(incident_id, person_id, role, consent)
        return people.update_link(record_id, role=role, consent=consent).id

    def _remove_record(self, record_id: int) -> None:
        self._ctx.notebook.people.unlink(record_id)

    def _current_person_id(self) -> int | None:
        link = next((item for item in self.records() if item.id == self._record_id), None)
        return None if link is None else link.person_id

    def _role_taken(self, person_id: int | None, role: str) -> bool:
        """Whether another link already gives this person this role here (the vault
        holds one such link; saving a second would be refused with a database error)."""
        return person_id is not None and any(
            link.person_id == person_id and link.role == role and link.id != self._record_id
            for link in self.records()
        )
