"""Pieces the editing views share: help texts for the core's date forms, plain labels,
comma-separated lists, and the consent fields of a person's link to an incident."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QPlainTextEdit, QWidget

from app.models import ConsentInput
from app.vocabulary import vocabularies
from ui.i18n import ui_text as _t
from ui.widgets.vocab import VocabCombo


def event_date_help() -> str:
    """The forms app/dates.py accepts for the date of an event."""
    return _t(
        "A day 2024-03-05, a month 2024-03 or a year 2024. Put ~ in front if it is "
        "approximate (~2024-03); FROM..TO for a span (2024-03-01..2024-04). "
        "Leave empty if unknown."
    )


def day_help() -> str:
    return _t("A day, written 2024-03-05. Leave empty if unknown.")


def plain_label(text: str, parent: QWidget, *, wrap: bool = True) -> QLabel:
    label = QLabel(text, parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(wrap)
    return label


def split_list(text: str) -> tuple[str, ...]:
    """'a, b,, c' -> ('a', 'b', 'c'); the app checks each item."""
    return tuple(part.strip() for part in text.split(",") if part.strip())


def join_list(items: tuple[str, ...]) -> str:
    return ", ".join(items)


class ConsentFields(QWidget):
    """Level, organisations (only for "share"), date and note of one consent."""

    edited = Signal()

    def __init__(self, language: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.level = VocabCombo(vocabularies().consents, language, self)
        self.level.setAccessibleName(_t("Consent"))
        self.organisations = QLineEdit(self)
        self.organisations.setAccessibleName(_t("Organisations the consent covers"))
        self.organisations.setPlaceholderText(_t("Names separated by commas"))
        self.date = QLineEdit(self)
        self.date.setAccessibleName(_t("Consent date"))
        self.date.setToolTip(day_help())
        self.note = QPlainTextEdit(self)
        self.note.setAccessibleName(_t("Consent note"))
        self.note.setTabChangesFocus(True)
        self.note.setMaximumHeight(80)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow(_t("C&onsent"), self.level)
        form.addRow(_t("Or&ganisations"), self.organisations)
        form.addRow(_t("Consent &date"), self.date)
        form.addRow("", plain_label(_t("A day, written 2024-03-05; empty means today."), self))
        form.addRow(_t("Consent no&te"), self.note)
        # Signal-to-signal connections: PySide6 6.12's emit() from Python drops a
        # reference to True on each call, which a signal per keystroke soon exhausts.
        self.level.currentIndexChanged.connect(self._level_changed)
        self.level.currentIndexChanged.connect(self.edited)
        for field in (self.organisations, self.date):
            field.textEdited.connect(self.edited)
        self.note.textChanged.connect(self.edited)
        self._level_changed()

    def _level_changed(self) -> None:
        self.organisations.setEnabled(self.level.code() == "share")

    def value(self) -> ConsentInput:
        level = self.level.code() or "none"
        organisations = split_list(self.organisations.text()) if level == "share" else ()
        return ConsentInput(
            level=level,
            organisations=organisations,
            date=self.date.text().strip() or None,
            note=self.note.toPlainText(),
        )

    def set_value(self, consent: ConsentInput) -> None:
        self.level.set_code(consent.level)
        self.organisations.setText(join_list(consent.organisations))
        self.date.setText(consent.date or "")
        self.note.setPlainText(consent.note)


def set_enabled(widget: QWidget, enabled: bool) -> None:
    """setEnabled only when it changes. Views refresh their buttons on every keystroke,
    and PySide6 6.12 under Python 3.11 drops a reference to None on each call of a
    void method: calls that change nothing are not made."""
    # The widget's own setting, whatever its parents' (isEnabled() includes theirs).
    if widget.testAttribute(Qt.WidgetAttribute.WA_ForceDisabled) == enabled:
        widget.setEnabled(enabled)


def set_shown(widget: QWidget, shown: bool) -> None:
    """setVisible only when it changes (see set_enabled)."""
    if widget.isHidden() == shown:
        widget.setVisible(shown)
