"""The per-file result line of an attach."""

from __future__ import annotations

from pathlib import Path

from app.models import AttachOutcome
from ui.i18n import ui_text as _t


def result_line(outcome: AttachOutcome) -> str:
    name = Path(outcome.source).name
    if outcome.attachment is None:
        return _t("{name}: failed: {reason}").format(name=name, reason=outcome.error or "")
    if outcome.source_deleted:
        return _t("{name}: attached; the original was deleted").format(name=name)
    if outcome.source_error is not None:
        return _t("{name}: attached; the original was kept: {reason}").format(
            name=name, reason=outcome.source_error
        )
    return _t("{name}: attached").format(name=name)
