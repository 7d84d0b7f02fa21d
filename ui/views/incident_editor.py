"""The form of one incident: every field of IncidentInput, Save (Ctrl+S), Revert, Delete.

The form only gathers what was typed: the app checks and normalises it when saving
(dates in the core's forms, country and violation codes, tags, coordinates). A refused
save shows the reason and leaves every field as typed. Whether the form holds unsaved
changes is a comparison of what it shows with what was loaded, so typing a change and
typing it back is not "unsaved".
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.errors import CarnetError
from app.models import IncidentInput
from app.validation import parse_coordinates
from app.vocabulary import vocabularies
from ui.context import UiContext
from ui.errors import message_for
from ui.i18n import ui_text as _t
from ui.views.forms import event_date_help, join_list, plain_label, split_list
from ui.widgets.vocab import CheckList, VocabCombo

_EMPTY = IncidentInput(title="")
_State = tuple[object, ...]


@dataclass(frozen=True, repr=False)
class EditorDraft:
    """An unsaved form, in codes rather than labels, so that a form rebuilt in another
    language (the main window's language change) gets it back as typed."""

    incident_id: int | None
    data: IncidentInput
    coordinates: str  # as typed: it may not parse yet
    tags: str  # as typed


def _coordinates_text(value: tuple[float, float] | None) -> str:
    return "" if value is None else f"{value[0]:g}, {value[1]:g}"


class IncidentEditor(QWidget):
    changed = Signal()  # something was saved or deleted (the list refreshes)
    saved = Signal(int)  # the incident's id, after add or update
    deleted = Signal(int)  # the id of the incident just deleted

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._incident_id: int | None = None
        self._editing = False  # False: nothing selected and no new incident
        self._loaded: _State = ()
        vocab, language = vocabularies(), ctx.vocabulary_language

        self.title = QLineEdit(self)
        self.title.setAccessibleName(_t("Title"))
        self.date = QLineEdit(self)
        self.date.setAccessibleName(_t("Date"))
        self.date.setToolTip(event_date_help())
        self.location = QLineEdit(self)
        self.location.setAccessibleName(_t("Location"))
        self.country = VocabCombo(vocab.countries, language, self, allow_none=True, searchable=True)
        self.country.setAccessibleName(_t("Country"))
        self.coordinates = QLineEdit(self)
        self.coordinates.setAccessibleName(_t("Coordinates"))
        self.coordinates.setPlaceholderText(_t("latitude, longitude (optional)"))
        self.status = VocabCombo(vocab.statuses, language, self)
        self.status.setAccessibleName(_t("Status"))
        self.sensitivity = VocabCombo(vocab.sensitivities, language, self)
        self.sensitivity.setAccessibleName(_t("Sensitivity"))
        self.violations = CheckList(vocab.violations, language, self)
        self.violations.setAccessibleName(_t("Violations"))
        self.tags = QLineEdit(self)
        self.tags.setAccessibleName(_t("Tags"))
        self.tags.setPlaceholderText(_t("Separated by commas"))
        self.narrative = QPlainTextEdit(self)
        self.narrative.setAccessibleName(_t("Narrative"))
        self.narrative.setTabChangesFocus(True)

        self.save_button = QPushButton(_t("&Save"), self)
        self.save_button.setAccessibleName(_t("Save"))
        self.save_button.setToolTip(_t("Save (Ctrl+S)"))
        self.revert_button = QPushButton(_t("&Revert"), self)
        self.revert_button.setAccessibleName(_t("Revert"))
        self.delete_button = QPushButton(_t("&Delete incident…"), self)
        self.delete_button.setAccessibleName(_t("Delete incident"))
        self.empty_note = plain_label(_t("Choose an incident in the list, or add one."), self)

        form = QFormLayout()
        form.addRow(_t("&Title"), self.title)
        form.addRow(_t("D&ate"), self.date)
        form.addRow("", plain_label(event_date_help(), self))
        form.addRow(_t("&Location"), self.location)
        form.addRow(_t("C&ountry"), self.country)
        form.addRow(_t("Coord&inates"), self.coordinates)
        form.addRow(_t("Stat&us"), self.status)
        form.addRow(_t("Sensiti&vity"), self.sensitivity)
        form.addRow(_t("Vio&lations"), self.violations)
        form.addRow(_t("Ta&gs"), self.tags)
        form.addRow(_t("&Narrative"), self.narrative)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.revert_button)
        buttons.addStretch(1)
        buttons.addWidget(self.delete_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.empty_note)
        layout.addLayout(form)
        layout.addLayout(buttons)
        self._fields: tuple[QWidget, ...] = (
            self.title,
            self.date,
            self.location,
            self.country,
            self.coordinates,
            self.status,
            self.sensitivity,
            self.violations,
            self.tags,
            self.narrative,
        )
        for first, second in zip(self._fields, self._fields[1:], strict=False):
            QWidget.setTabOrder(first, second)
        QWidget.setTabOrder(self.narrative, self.save_button)
        QWidget.setTabOrder(self.save_button, self.revert_button)
        QWidget.setTabOrder(self.revert_button, self.delete_button)

        shortcut = QShortcut(QKeySequence.StandardKey.Save, self)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(self.save)
        self.save_button.clicked.connect(self.save)
        self.revert_button.clicked.connect(self.discard)
        self.delete_button.clicked.connect(self.delete)
        for line in (self.title, self.date, self.location, self.coordinates, self.tags):
            line.textChanged.connect(self._update_buttons)
        self.narrative.textChanged.connect(self._update_buttons)
        self.country.currentTextChanged.connect(self._update_buttons)
        self.status.currentIndexChanged.connect(self._update_buttons)
        self.sensitivity.currentIndexChanged.connect(self._update_buttons)
        self.violations.toggled.connect(self._update_buttons)
        self.show_incident(None)

    # -- the contract --------------------------------------------------------------------
    @property
    def incident_id(self) -> int | None:
        return self._incident_id

    def show_incident(self, incident_id: int | None) -> None:
        """Load an incident (None: nothing selected). Unsaved changes are dropped: the
        caller asks first, with has_unsaved_changes()."""
        if incident_id is None:
            self._incident_id, self._editing = None, False
            self._fill(_EMPTY)
        else:
            try:
                incident = self._ctx.notebook.incidents.get(incident_id)
            except CarnetError as exc:
                self._ctx.dialogs.warn(self, message_for(exc))
                self.show_incident(None)
                return
            self._incident_id, self._editing = incident_id, True
            self._fill(incident.to_input())
        self._loaded = self._state()
        self._update_buttons()

    def new_incident(self) -> None:
        """An empty form; Save creates the incident."""
        self._incident_id, self._editing = None, True
        self._fill(_EMPTY)
        self._loaded = self._state()
        self._update_buttons()
        self.title.setFocus()

    def has_unsaved_changes(self) -> bool:
        return self._editing and self._state() != self._loaded

    def draft(self) -> EditorDraft | None:
        """The unsaved changes, or None when there are none."""
        if not self.has_unsaved_changes():
            return None
        data = IncidentInput(
            title=self.title.text(),
            narrative=self.narrative.toPlainText(),
            date=self.date.text(),
            location=self.location.text(),
            country=self.country.code(),
            violations=self.violations.codes(),
            status=self.status.code() or "",
            sensitivity=self.sensitivity.code() or "",
        )
        return EditorDraft(self._incident_id, data, self.coordinates.text(), self.tags.text())

    def restore_draft(self, draft: EditorDraft) -> None:
        """Put a draft back over the incident it was made on (shown first by the caller,
        or a new one): the form is then unsaved again, compared with what is stored."""
        if draft.incident_id is None:
            self.new_incident()
        elif draft.incident_id != self._incident_id:
            self.show_incident(draft.incident_id)
        self._fill(draft.data)
        self.tags.setText(draft.tags)
        self.coordinates.setText(draft.coordinates)
        self._update_buttons()

    def discard(self) -> None:
        """Back to what was last loaded or saved (an empty form for a new incident)."""
        if self._incident_id is None:
            if self._editing:
                self.new_incident()
            else:
                self.show_incident(None)
        else:
            self.show_incident(self._incident_id)

    def save(self) -> bool:
        """Add or update; on a refusal the reason is shown and the form is kept."""
        if not self._editing:
            return False
        incidents = self._ctx.notebook.incidents
        try:
            data = self.value()
            if self._incident_id is None:
                incident_id = incidents.add(data)
            else:
                incident_id = incidents.update(self._incident_id, data).id
        except CarnetError as exc:
            self._ctx.dialogs.warn(self, message_for(exc))
            return False
        self.show_incident(incident_id)
        self.saved.emit(incident_id)
        self.changed.emit()
        return True

    def delete(self) -> bool:
        incident_id = self._incident_id
        if incident_id is None:
            return False
        question = _t(
            "Delete this incident, its people links, interventions and evidence files? "
            "This cannot be undone."
        )
        if not self._ctx.dialogs.confirm(self, question, _t("Delete incident")):
            return False
        try:
            self._ctx.notebook.incidents.delete(incident_id)
        except CarnetError as exc:
            self._ctx.dialogs.warn(self, message_for(exc))
            return False
        self.show_incident(None)
        self.deleted.emit(incident_id)
        self.changed.emit()
        return True

    # -- the form ------------------------------------------------------------------------
    def value(self) -> IncidentInput:
        """What the form holds. Raises ValidationError for coordinates it cannot read."""
        coordinates_text = self.coordinates.text().strip()
        return IncidentInput(
            title=self.title.text(),
            narrative=self.narrative.toPlainText(),
            date=self.date.text().strip() or None,
            location=self.location.text(),
            country=self.country.code(),
            coordinates=parse_coordinates(coordinates_text) if coordinates_text else None,
            violations=self.violations.codes(),
            tags=split_list(self.tags.text()),
            status=self.status.code() or "",
            sensitivity=self.sensitivity.code() or "",
        )

    def _fill(self, data: IncidentInput) -> None:
        self.title.setText(data.title)
        self.narrative.setPlainText(data.narrative)
        self.date.setText(data.date or "")
        self.location.setText(data.location)
        self.country.set_code(data.country)
        self.coordinates.setText(_coordinates_text(data.coordinates))
        self.violations.set_codes(data.violations)
        self.tags.setText(join_list(data.tags))
        self.status.set_code(data.status)
        self.sensitivity.set_code(data.sensitivity)

    def _state(self) -> _State:
        return (
            self.title.text(),
            self.narrative.toPlainText(),
            self.date.text(),
            self.location.text(),
            self.country.currentText(),
            self.coordinates.text(),
            self.violations.codes(),
            self.tags.text(),
            self.status.currentIndex(),
            self.sensitivity.currentIndex(),
        )

    def _update_buttons(self) -> None:
        for field in self._fields:
            field.setEnabled(self._editing)
        self.empty_note.setVisible(not self._editing)
        unsaved = self.has_unsaved_changes()
        self.save_button.setEnabled(self._editing)
        self.revert_button.setEnabled(unsaved)
        self.delete_button.setEnabled(self._incident_id is not None)
