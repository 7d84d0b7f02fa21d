"""Custody log entries as a table: time, action, subject, details summarised."""

from __future__ import annotations

from collections.abc import Sequence

from app.custody import CustodyEntry
from ui.i18n import ui_text as _t
from ui.models.rows import RowsModel

_SUMMARY_CHARS = 120


def summarise(details: dict[str, object]) -> str:
    parts = []
    for key in sorted(details):
        value = details[key]
        text = str(value)
        if key == "sha256" and isinstance(value, str):
            text = value[:12]
        parts.append(f"{key}: {text}")
    summary = ", ".join(parts)
    return summary if len(summary) <= _SUMMARY_CHARS else summary[: _SUMMARY_CHARS - 1] + "…"


class CustodyModel(RowsModel[CustodyEntry]):
    def entry(self, row: int) -> CustodyEntry | None:
        return self.row(row)

    def headers(self) -> Sequence[str]:
        return (_t("Time"), _t("Action"), _t("Subject"), _t("Details"))

    def cells(self, item: CustodyEntry) -> Sequence[object]:
        return (item.at, item.action, item.subject, summarise(dict(item.details)))
