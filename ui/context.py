"""What every view of an open notebook is given: the notebook and the app's services.

Views hold this and nothing global, so a lock that deletes the main window leaves no
reference to the notebook behind, and a test builds a view with a real notebook alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from ui.dialogs import Dialogs
from ui.i18n import vocabulary_language
from ui.workers import WorkerPool

if TYPE_CHECKING:  # imported at unlock, not at start (evidence, media, export code)
    from app.notebook import Notebook


class Clipboard(Protocol):
    def copy(self, text: str) -> None: ...


@dataclass(eq=False)
class UiContext:
    notebook: Notebook
    dialogs: Dialogs
    workers: WorkerPool
    clipboard: Clipboard
    language: str = "en"

    def __repr__(self) -> str:
        return "UiContext()"

    @property
    def vocabulary_language(self) -> str:
        return vocabulary_language(self.language)
