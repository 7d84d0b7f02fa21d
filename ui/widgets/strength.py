"""The advisory passphrase strength hint of the first-run wizard.

zxcvbn is a hint, never the gate: its dictionaries are English only (an Arabic phrase
scores 4 of 4 whatever it is), so only the core's minimum length decides. It is slow on
long input and raises above 72 characters, so only the first 72 are scored; it writes a
module-level dict on every call, so it runs on a pool of one thread, never two at once,
and never on the GUI thread. Typing is debounced so a fast typist queues no backlog.

When the hint is deleted its pool is stopped before Qt deletes it: checks not started are
dropped, a running one returns without a result, and the wait for it lets the GIL go.
Left to ~QThreadPool, the wait would run every queued check, and while the GIL is held
(a deletion inside QTest.qWait, or any Python caller) the worker, which needs the GIL,
would never finish.
"""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QLabel, QWidget

from ui.i18n import ui_text as _t

MAX_SCORED_CHARS = 72
DEBOUNCE_MS = 250


def score_of(passphrase: str) -> int:
    """zxcvbn's score 0..4 of the first 72 characters."""
    import zxcvbn

    return int(zxcvbn.zxcvbn(passphrase[:MAX_SCORED_CHARS])["score"])


class _Signals(QObject):
    scored = Signal(int, int)  # request number, score


class _Check(QRunnable):
    def __init__(self, number: int, text: str, signals: _Signals, stopped: threading.Event) -> None:
        super().__init__()
        self._number, self._text, self._signals = number, text, signals
        self._stopped = stopped

    def run(self) -> None:
        if self._stopped.is_set():
            return  # the hint is being deleted
        score = score_of(self._text)
        if not self._stopped.is_set():
            self._signals.scored.emit(self._number, score)


def _stop(pool: QThreadPool, stopped: threading.Event) -> None:
    """Run when the hint is destroyed, before its children (the pool, the signals) are:
    at most the one running check is waited for (tens of milliseconds for 72
    characters), and waitForDone releases the GIL while it waits."""
    stopped.set()
    pool.clear()
    pool.waitForDone()


class StrengthHint(QLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setAccessibleName(_t("Passphrase strength"))
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._stopped = threading.Event()
        # A plain function, not a method: the hint itself is half destroyed by then.
        pool, stopped = self._pool, self._stopped
        self.destroyed.connect(lambda: _stop(pool, stopped))
        self._signals = _Signals(self)
        self._signals.scored.connect(self._show)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self._check)
        self._pending = ""
        self._number = 0
        self.score: int | None = None
        # Imported here, on the GUI thread, never first in a worker: a first import in a
        # thread runs shiboken's import hook there and can deadlock against the GUI
        # thread waiting for that pool when the wizard is deleted.
        import zxcvbn  # noqa: F401

    def text_changed(self, text: str) -> None:
        self._pending = text
        self._number += 1
        self.score = None
        if not text:
            self._timer.stop()
            self.setText("")
            return
        self._timer.start()

    def _check(self) -> None:
        check = _Check(self._number, self._pending[:MAX_SCORED_CHARS], self._signals, self._stopped)
        self._pool.start(check)
        self._pending = ""

    def _show(self, number: int, score: int) -> None:
        if number != self._number:
            return  # the text changed since: a newer check is on its way
        self.score = score
        self.setText(
            [
                _t("Hint: very easy to guess. Add more unusual words."),
                _t("Hint: easy to guess. Add more unusual words."),
                _t("Hint: could be stronger. A few more words would help."),
                _t("Hint: strong."),
                _t("Hint: very strong."),
            ][score]
        )

    def wait(self) -> None:
        """For tests and for closing: let the running check finish."""
        self._pool.waitForDone()
