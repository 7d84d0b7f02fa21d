"""The interventions made for the shown incident: urgent appeals, grant requests, UN
communications... Add, change and delete them; every field of InterventionInput has a
control, and the actor field suggests, as it is typed, the actors this notebook already
names and then the usual ones (app/interventions.py actor_suggestions).

The form only gathers what was typed; app/ checks it on Save, and a refusal shows the
reason, writes nothing and keeps the form as typed. The table, the row guard and the
buttons are ui/views/record_tab.py's.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from PySide6.QtWidgets import QFormLayout, QLineEdit, QPlainTextEdit, QWidget

from app.models import Intervention, InterventionInput
from app.vocabulary import vocabularies
from ui.context import UiContext
from ui.i18n import ui_text as _t
from ui.models.interventions import InterventionsModel
from ui.views.forms import day_help, plain_label
from ui.views.record_tab import RecordTab, RecordTexts
from ui.widgets.suggesting_line import SuggestingLineEdit
from ui.widgets.vocab import VocabCombo

_EMPTY = InterventionInput(actor="")


class InterventionsView(RecordTab[Intervention]):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        texts = RecordTexts(
            table=_t("Interventions for this incident"),
            add=_t("&Add an intervention"),
            add_name=_t("Add an intervention"),
            remove=_t("&Delete intervention…"),
            remove_name=_t("Delete intervention"),
            remove_question=_t(
                "Delete this intervention from the notebook? This cannot be undone."
            ),
            save_name=_t("Save intervention"),
            revert_name=_t("Revert intervention"),
            empty=_t("Choose an intervention in the list, or add one."),
            unsaved=_t("This intervention's changes are not saved. Discard them?"),
        )
        super().__init__(ctx, InterventionsModel(ctx.vocabulary_language), texts, parent)
        self.delete_button = self.remove_button

    def add_intervention(self) -> None:
        self.add_record()

    def delete(self) -> bool:
        return self.remove()

    def discard_edits(self) -> None:
        super().discard_edits()
        self.actor.forget()

    # -- the form --------------------------------------------------------------------
    def _make_form(self) -> QWidget:
        vocab, language = vocabularies(), self._ctx.vocabulary_language
        form_widget = QWidget(self)
        self.actor = SuggestingLineEdit(
            self._ctx.notebook.interventions.actor_suggestions, form_widget
        )
        self.actor.setAccessibleName(_t("Actor"))
        self.actor.setPlaceholderText(_t("Who acted, e.g. an organisation or a UN mandate"))
        self.kind = VocabCombo(vocab.intervention_kinds, language, form_widget)
        self.kind.setAccessibleName(_t("Kind of intervention"))
        self.status = VocabCombo(vocab.intervention_statuses, language, form_widget)
        self.status.setAccessibleName(_t("Status of the intervention"))
        self.date = QLineEdit(form_widget)
        self.date.setAccessibleName(_t("Date of the intervention"))
        self.date.setToolTip(day_help())
        self.notes = QPlainTextEdit(form_widget)
        self.notes.setAccessibleName(_t("Notes about the intervention"))
        self.notes.setTabChangesFocus(True)
        form = QFormLayout(form_widget)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.addRow(_t("A&ctor"), self.actor)
        form.addRow(_t("&Kind"), self.kind)
        form.addRow(_t("S&tatus"), self.status)
        form.addRow(_t("Dat&e"), self.date)
        form.addRow("", plain_label(day_help(), form_widget))
        form.addRow(_t("&Notes"), self.notes)
        order = (self.actor, self.kind, self.status, self.date, self.notes)
        for first, second in itertools.pairwise(order):
            QWidget.setTabOrder(first, second)
        for line in (self.actor, self.date):
            line.textChanged.connect(self._update_buttons)
        self.notes.textChanged.connect(self._update_buttons)
        self.kind.currentIndexChanged.connect(self._update_buttons)
        self.status.currentIndexChanged.connect(self._update_buttons)
        return form_widget

    def _first_field(self) -> QWidget:
        return self.actor

    def _last_field(self) -> QWidget:
        return self.notes

    def _records_of(self, incident_id: int) -> Sequence[Intervention]:
        return self._ctx.notebook.interventions.list_for(incident_id)

    def _fill_new(self) -> None:
        self._fill(_EMPTY)

    def _fill_record(self, record_id: int) -> None:
        self._fill(self._ctx.notebook.interventions.get(record_id).to_input())

    def _clear_form(self) -> None:
        self._fill(_EMPTY)

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
    def _save_record(self, incident_id: int, record_id: int | None) -> int:
        service = self._ctx.notebook.interventions
        if record_id is None:
            return service.add(incident_id, self.value())
        return service.update(record_id, self.value()).id

    def _remove_record(self, record_id: int) -> None:
        self._ctx.notebook.interventions.delete(record_id)
