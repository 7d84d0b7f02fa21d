"""Progress reporting and cancellation for long operations.

Services take a `Progress` callback and a `CancelToken`; the CLI draws a line on a
terminal, the GUI forwards them through a worker's signals. Services never print.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from app.errors import CancelledError

# progress(done, total, stage): stage is a short, stable, untranslated key
# ("deriving-key", "importing", ...) that the GUI maps to a translated label.
Progress = Callable[[int, int, str], None]


def no_progress(done: int, total: int, stage: str) -> None:
    return None


class CancelToken:
    """Set from any thread; the service checks it between steps and rolls back."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def raise_if_cancelled(self) -> None:
        if self._event.is_set():
            raise CancelledError("cancelled; nothing was changed")
