"""The attachments of one incident as a table (fetched through app/ services only)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QLocale

from app.models import Attachment
from ui.i18n import ui_text as _t
from ui.models.rows import RowsModel


class AttachmentsModel(RowsModel[Attachment]):
    def attachment(self, row: int) -> Attachment | None:
        return self.row(row)

    def headers(self) -> Sequence[str]:
        return (_t("Name"), _t("Type"), _t("Size"), _t("SHA-256"), _t("Added"), _t("Copy"))

    def cells(self, item: Attachment) -> Sequence[object]:
        return (
            item.original_name,
            item.media_type,
            QLocale().formattedDataSize(item.size),
            item.sha256[:12],
            item.added_at,
            _t("stripped copy") if item.derived_from is not None else "",
        )
