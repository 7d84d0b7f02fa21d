"""One incident's interventions as a table: date, actor, kind and status, the kind and
status as vocabulary labels in the language the notebook is shown in."""

from __future__ import annotations

from collections.abc import Sequence

from app.models import Intervention
from app.vocabulary import vocabularies
from ui.i18n import ui_text as _t
from ui.models.rows import RowsModel


class InterventionsModel(RowsModel[Intervention]):
    def __init__(self, language: str) -> None:
        super().__init__()
        self._language = language

    def intervention(self, row: int) -> Intervention | None:
        return self.row(row)

    def headers(self) -> Sequence[str]:
        return (_t("Date"), _t("Actor"), _t("Kind"), _t("Status"))

    def cells(self, item: Intervention) -> Sequence[object]:
        vocab = vocabularies()
        return (
            item.date or "",
            item.actor,
            vocab.intervention_kinds.label(item.kind, self._language),
            vocab.intervention_statuses.label(item.status, self._language),
        )
