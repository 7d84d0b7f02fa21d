"""The people linked to one incident as a table: name, kind, role and consent, with the
vocabulary labels in the language the notebook is shown in (the codes stay in app/)."""

from __future__ import annotations

from collections.abc import Sequence

from app.models import ConsentInput, PersonLink
from app.vocabulary import vocabularies
from ui.i18n import RIGHT_TO_LEFT
from ui.i18n import ui_text as _t
from ui.models.rows import RowsModel


def consent_summary(consent: ConsentInput, language: str) -> str:
    """What a person agreed to: "Share with named organisations: A, B (2024-03-05)".

    In a right-to-left language the organisations (often in Latin script) and the date
    are each isolated (U+2068...U+2069), so the bidi algorithm keeps each in one piece
    instead of reordering them with the Arabic around them."""

    def isolated(part: str) -> str:
        return f"\u2068{part}\u2069" if language in RIGHT_TO_LEFT else part

    text = vocabularies().consents.label(consent.level, language)
    if consent.organisations:
        text = _t("{level}: {organisations}").format(
            level=text, organisations=isolated(", ".join(consent.organisations))
        )
    if consent.date:
        text = _t("{consent} ({date})").format(consent=text, date=isolated(consent.date))
    return text


class PersonLinksModel(RowsModel[PersonLink]):
    def __init__(self, language: str) -> None:
        super().__init__()
        self._language = language

    def link(self, row: int) -> PersonLink | None:
        return self.row(row)

    def headers(self) -> Sequence[str]:
        return (_t("Name"), _t("Kind"), _t("Role"), _t("Consent"))

    def cells(self, item: PersonLink) -> Sequence[object]:
        vocab = vocabularies()
        return (
            item.person_name,
            vocab.person_kinds.label(item.person_kind, self._language),
            vocab.roles.label(item.role, self._language),
            consent_summary(item.consent, self._language),
        )
