"""The idle lock: "idle" when no user input reached any window of the app for a while.

KeePassXC's InactivityTimer is the model: one app-wide event filter restarting one
single-shot timer. It only ever asks for a lock; locking a locked notebook is a no-op
for the receiver. GNOME's Presence "idle" status is not used (see ui/locking.py).
"""

from __future__ import annotations

from typing import Final

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer, Signal, Slot

# Input that shows a person is at the keyboard. Not KeyRelease or hover/enter/leave:
# those also arrive when a window merely appears under a resting pointer or loses focus.
_INPUT_EVENTS: Final = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonDblClick,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.TouchUpdate,
        QEvent.Type.TabletPress,
        QEvent.Type.TabletMove,
    }
)


class IdleLock(QObject):
    """Emits `idle` once no user input reached the app for the chosen delay.

    An event filter on the application object sees the input of every window, dialog and
    menu of the app, so a user typing in a secondary window is not "idle". Every input
    event restarts one single-shot timer (restarting a QTimer is cheap; the filter does
    nothing else, so it costs little per event). The filter never consumes an event: it
    always returns False, so the widgets get their input as if it were not there.

    After `idle` was emitted the timer stays stopped until the next input or `rearm()`:
    if the lock it asked for failed, the lock state machine calls `rearm()` so the next
    attempt comes after another interval even if nobody touches the app. Input that
    arrives while locked restarts the timer too (as in KeePassXC); the receiver ignores a
    second `idle` while already locked.

    `idle` is never emitted from inside a slot connected to it (a slot that runs a nested
    event loop would otherwise get a second `idle` while handling the first).
    """

    idle = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._on_timeout)
        self._interval_ms: int | None = 5 * 60 * 1000
        self._running = False
        self._filter_installed = False
        self._emitting = False

    # Settings ---------------------------------------------------------------------------

    def set_delay_minutes(self, minutes: int | None) -> None:
        """Lock after `minutes` without input; None means never lock for idleness."""
        if minutes is None:
            self._set_interval(None)
            return
        if minutes < 1:
            raise ValueError("the idle delay is at least one minute (or None: never)")
        self._set_interval(minutes * 60 * 1000)

    def set_delay_ms(self, milliseconds: int) -> None:
        """The same in milliseconds: for tests, which cannot wait minutes."""
        if milliseconds < 1:
            raise ValueError("the idle delay must be positive")
        self._set_interval(milliseconds)

    def delay_ms(self) -> int | None:
        """The current delay in milliseconds, or None when idle locking is off."""
        return self._interval_ms

    # Running ----------------------------------------------------------------------------

    def start(self) -> None:
        """Watch the app's input and start counting (call on unlock)."""
        app = QCoreApplication.instance()
        if app is None:
            raise RuntimeError("IdleLock needs a QApplication")
        if not self._filter_installed:
            app.installEventFilter(self)
            self._filter_installed = True
        self._running = True
        self._restart()

    def stop(self) -> None:
        """Stop counting and stop watching input (call on lock and quit)."""
        self._running = False
        self._timer.stop()
        app = QCoreApplication.instance()
        if self._filter_installed and app is not None:
            app.removeEventFilter(self)
        self._filter_installed = False

    def rearm(self) -> None:
        """Count a full interval again, with no input needed: after a lock that failed."""
        if self._running:
            self._restart()

    def is_active(self) -> bool:
        """True while the timer runs (started, enabled, and not yet fired)."""
        return self._timer.isActive()

    # Internals --------------------------------------------------------------------------

    def _set_interval(self, interval_ms: int | None) -> None:
        self._interval_ms = interval_ms
        self._restart()

    def _restart(self) -> None:
        if not self._running or self._interval_ms is None:
            self._timer.stop()
            return
        self._timer.start(self._interval_ms)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self._running and self._interval_ms is not None and event.type() in _INPUT_EVENTS:
            self._timer.start(self._interval_ms)
        return False

    @Slot()
    def _on_timeout(self) -> None:
        if self._emitting or not self._running:
            return
        self._emitting = True
        try:
            self.idle.emit()
        finally:
            self._emitting = False
