"""What tells the lock state machine to lock: the user went idle, the screen locked, or the
computer is about to sleep.

Two small pieces, each with one job, so the lock state machine (which decides what a lock
does) can be tested apart from where the reasons to lock come from:

- `IdleLock` says "idle" when no user input reached any window of the app for a while.
- `ScreenLockListener` says "the screen locked" or "the computer is suspending", from the
  desktop's own signals.

Both only ever *ask* for a lock. A signal that arrives twice, or while already locked,
must be harmless for the receiver: locking a locked notebook is a no-op. The listeners
err on the side of locking: a forged D-Bus signal can only cause a lock, never prevent
or undo one, so signals are accepted from any sender on the bus.

The model is KeePassXC: its InactivityTimer (one app-wide event filter restarting one
single-shot timer) and its ScreenLockListenerDBus / ScreenLockListenerWin. Unlike
KeePassXC, GNOME's Presence "idle" status is not a reason to lock: its users reported
unwanted locks from it (keepassxc #10317, #12607), and our own idle timer already covers
a user who walked away.
"""

from __future__ import annotations

import ctypes
import os
import sys
from dataclasses import dataclass
from typing import Final, cast

from PySide6.QtCore import (
    QAbstractNativeEventFilter,
    QByteArray,
    QCoreApplication,
    QEvent,
    QObject,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtDBus import (
    QDBus,
    QDBusConnection,
    QDBusMessage,
    QDBusObjectPath,
    QDBusPendingCallWatcher,
)

__all__ = [
    "SOURCE_FREEDESKTOP",
    "SOURCE_GNOME",
    "SOURCE_LOGIND_SESSION",
    "SOURCE_WINDOWS",
    "SOURCE_XFCE",
    "Availability",
    "IdleLock",
    "ScreenLockListener",
]

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


@dataclass(frozen=True)
class Availability:
    """Which reasons to lock this desktop can actually report.

    `screen_lock` is True when a screensaver service that sends ActiveChanged owns its
    name on the session bus (or, on Windows, session notifications were registered).
    `suspend` is True when logind owns its name on the system bus (or on Windows).
    The settings dialog shows "not available on this desktop" for a False one: a user of
    a desktop that sends nothing (i3 with i3lock, xscreensaver: keepassxc #6913, #5586)
    must not believe that locking the screen locks Carnet.

    A name having an owner is the best check D-Bus offers, not a promise: a program may
    own org.freedesktop.ScreenSaver only to implement Inhibit and never send
    ActiveChanged. logind's Session.Lock does not count for `screen_lock`: logind sends
    it only when something runs `loginctl lock-session`, which many lockers never do.
    """

    screen_lock: bool
    suspend: bool


SOURCE_FREEDESKTOP: Final = "org.freedesktop.ScreenSaver"
SOURCE_GNOME: Final = "org.gnome.ScreenSaver"
SOURCE_XFCE: Final = "org.xfce.ScreenSaver"
SOURCE_LOGIND_SESSION: Final = "org.freedesktop.login1.Session"
SOURCE_WINDOWS: Final = "WTS_SESSION_LOCK"

# (bus name = interface, object path): every screensaver that says ActiveChanged(bool).
_SCREENSAVERS: Final = (
    (SOURCE_FREEDESKTOP, "/org/freedesktop/ScreenSaver"),
    (SOURCE_FREEDESKTOP, "/ScreenSaver"),
    (SOURCE_GNOME, "/org/gnome/ScreenSaver"),
    (SOURCE_XFCE, "/org/xfce/ScreenSaver"),
)
_LOGIND: Final = "org.freedesktop.login1"
_LOGIND_PATH: Final = "/org/freedesktop/login1"
_LOGIND_MANAGER: Final = "org.freedesktop.login1.Manager"
# A blocking call never waits longer than this (availability() runs on the GUI thread).
_CALL_TIMEOUT_MS: Final = 1000
# The slot every D-Bus signal arrives at (Qt's SLOT() code "1" + the signature). PySide6
# 6.12 accepts it only as a str although its stubs say bytes: hence the cast.
_DBUS_SLOT: Final = cast(bytes, "1_on_dbus_signal(QDBusMessage)")


def _bus_or_none(
    bus: QDBusConnection | None, fallback: QDBusConnection.BusType
) -> QDBusConnection | None:
    """The injected bus, or the default one; None when it is not connected."""
    try:
        if bus is None:
            bus = (
                QDBusConnection.sessionBus()
                if fallback == QDBusConnection.BusType.SessionBus
                else QDBusConnection.systemBus()
            )
        return bus if bus.isConnected() else None
    except Exception:  # never let a missing bus stop the app
        return None


def _name_has_owner(bus: QDBusConnection | None, name: str) -> bool:
    if bus is None or not bus.isConnected():
        return False
    call = QDBusMessage.createMethodCall(
        "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus", "NameHasOwner"
    )
    call.setArguments([name])
    reply = bus.call(call, QDBus.CallMode.Block, _CALL_TIMEOUT_MS)
    if reply.type() != QDBusMessage.MessageType.ReplyMessage:
        return False
    arguments = reply.arguments()
    return bool(arguments) and arguments[0] is True


class ScreenLockListener(QObject):
    """Emits `screen_locked(source)` when the desktop locks its screen, `suspending()`
    when the computer is about to sleep.

    Linux and other D-Bus desktops: on the session bus, `ActiveChanged(true)` of the
    freedesktop, GNOME and XFCE screensavers (false, the screen unlocking, is ignored: only
    the user's passphrase unlocks Carnet); on the system bus, logind's
    `PrepareForSleep(true)` (suspending) and the `Lock` signal of this login session
    (screen_locked), the session being found with GetSession($XDG_SESSION_ID), or
    GetSession("auto") (the caller's session) when that is unset. The session lookup is
    asynchronous so a slow logind never delays start-up. A missing bus (no session bus in
    a bare X session, no system bus in a container) only means fewer signals: nothing here
    raises for it.

    Windows (not testable on this project's CI, kept small and guarded by
    sys.platform == "win32"): a native event filter sees WM_WTSSESSION_CHANGE with
    WTS_SESSION_LOCK, after WTSRegisterSessionNotification on a hidden window of our own,
    and WM_POWERBROADCAST with PBT_APMSUSPEND.

    macOS: nothing is wired. Qt offers no screen-lock or sleep signal there; the system
    posts `com.apple.screenIsLocked` on NSDistributedNotificationCenter and
    NSWorkspaceWillSleepNotification, which need PyObjC (not a dependency). Qt's
    applicationStateChanged only says the app lost focus, which is not a lock.
    `availability()` reports both False on macOS, so the settings dialog says so; the
    idle timer still locks.

    `session_bus` and `system_bus` may be injected (tests pass private buses made with
    QDBusConnection.connectToBus); by default the desktop's own buses are used.
    """

    screen_locked = Signal(str)
    suspending = Signal()

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        session_bus: QDBusConnection | None = None,
        system_bus: QDBusConnection | None = None,
    ) -> None:
        super().__init__(parent)
        self._session_path: str | None = None
        self._watcher: QDBusPendingCallWatcher | None = None
        self._windows: _WindowsSessionFilter | None = None
        self._session: QDBusConnection | None = None
        self._system: QDBusConnection | None = None
        if sys.platform == "win32":
            self._windows = _WindowsSessionFilter.install(self)
        elif sys.platform != "darwin":
            self._listen_on_dbus(session_bus, system_bus)

    def _listen_on_dbus(
        self, session_bus: QDBusConnection | None, system_bus: QDBusConnection | None
    ) -> None:
        self._session = _bus_or_none(session_bus, QDBusConnection.BusType.SessionBus)
        self._system = _bus_or_none(system_bus, QDBusConnection.BusType.SystemBus)
        if self._session is not None:
            for name, path in _SCREENSAVERS:
                self._session.connect("", path, name, "ActiveChanged", "b", self, _DBUS_SLOT)
        if self._system is not None:
            self._system.connect(
                "", _LOGIND_PATH, _LOGIND_MANAGER, "PrepareForSleep", "b", self, _DBUS_SLOT
            )
            self._find_login_session(self._system)

    def availability(self) -> Availability:
        """What this desktop can report now (asks the buses: call it when showing the
        settings, not in a loop)."""
        if self._windows is not None:
            return Availability(screen_lock=self._windows.registered, suspend=True)
        screen = any(_name_has_owner(self._session, name) for name, _ in _SCREENSAVERS)
        return Availability(screen_lock=screen, suspend=_name_has_owner(self._system, _LOGIND))

    def login_session_path(self) -> str | None:
        """The logind session object whose Lock signal is watched, once found."""
        return self._session_path

    def close(self) -> None:
        """Stop listening (on quit); the signals are not emitted afterwards."""
        if self._windows is not None:
            self._windows.uninstall()
            self._windows = None
        if self._session is not None:
            for name, path in _SCREENSAVERS:
                self._session.disconnect("", path, name, "ActiveChanged", "b", self, _DBUS_SLOT)
            self._session = None
        if self._system is not None:
            self._system.disconnect(
                "", _LOGIND_PATH, _LOGIND_MANAGER, "PrepareForSleep", "b", self, _DBUS_SLOT
            )
            if self._session_path is not None:
                self._system.disconnect(
                    "", self._session_path, SOURCE_LOGIND_SESSION, "Lock", "", self, _DBUS_SLOT
                )
            self._system = None

    # D-Bus ------------------------------------------------------------------------------

    def _find_login_session(self, bus: QDBusConnection) -> None:
        # "auto" makes logind look the caller's session up from its credentials (what
        # GetSessionByPID would do, without QtDBus having to send a uint32 from Python).
        session_id = os.environ.get("XDG_SESSION_ID", "") or "auto"
        call = QDBusMessage.createMethodCall(_LOGIND, _LOGIND_PATH, _LOGIND_MANAGER, "GetSession")
        call.setArguments([session_id])
        watcher = QDBusPendingCallWatcher(bus.asyncCall(call, _CALL_TIMEOUT_MS * 5), self)
        watcher.finished.connect(self._on_session_found)
        self._watcher = watcher

    @Slot(QDBusPendingCallWatcher)
    def _on_session_found(self, watcher: QDBusPendingCallWatcher) -> None:
        watcher.deleteLater()
        self._watcher = None
        bus = self._system
        if bus is None or watcher.isError():
            return
        reply = watcher.reply()
        arguments = reply.arguments()
        if not arguments or not isinstance(arguments[0], QDBusObjectPath):
            return  # not logind's answer ("o"): no session Lock signal, the others still work
        path = arguments[0].path()
        if not path.startswith(_LOGIND_PATH + "/"):
            return
        if bus.connect("", path, SOURCE_LOGIND_SESSION, "Lock", "", self, _DBUS_SLOT):
            self._session_path = path

    @Slot(QDBusMessage)
    def _on_dbus_signal(self, message: QDBusMessage) -> None:
        interface = message.interface()
        member = message.member()
        arguments = message.arguments()
        if member == "ActiveChanged":
            if arguments and arguments[0] is True:
                self.screen_locked.emit(interface)
        elif member == "PrepareForSleep":
            # False is the resume: the notebook is already locked by then.
            if arguments and arguments[0] is True:
                self.suspending.emit()
        elif member == "Lock" and interface == SOURCE_LOGIND_SESSION:
            self.screen_locked.emit(SOURCE_LOGIND_SESSION)

    # Windows ----------------------------------------------------------------------------

    def _windows_locked(self) -> None:
        self.screen_locked.emit(SOURCE_WINDOWS)

    def _windows_suspending(self) -> None:
        self.suspending.emit()


_WM_WTSSESSION_CHANGE: Final = 0x02B1
_WTS_SESSION_LOCK: Final = 7
_WM_POWERBROADCAST: Final = 0x0218
_PBT_APMSUSPEND: Final = 0x0004
_NOTIFY_FOR_THIS_SESSION: Final = 0


def _wtsapi32() -> ctypes.CDLL:
    """wtsapi32.dll with its two functions typed (an HWND is pointer-sized)."""
    from ctypes import wintypes

    dll = ctypes.WinDLL("wtsapi32")  # type: ignore[attr-defined,unused-ignore]
    dll.WTSRegisterSessionNotification.argtypes = [wintypes.HWND, wintypes.DWORD]
    dll.WTSRegisterSessionNotification.restype = wintypes.BOOL
    dll.WTSUnRegisterSessionNotification.argtypes = [wintypes.HWND]
    dll.WTSUnRegisterSessionNotification.restype = wintypes.BOOL
    return dll  # type: ignore[no-any-return,unused-ignore]


class _WindowsSessionFilter(QAbstractNativeEventFilter):
    """Windows only, untested here: session-lock and suspend messages to our windows.

    WM_WTSSESSION_CHANGE reaches only windows registered with
    WTSRegisterSessionNotification, so a hidden window of our own is created and
    registered (the app's main window may come and go). WM_POWERBROADCAST goes to every
    top-level window. The filter never consumes a message.
    """

    def __init__(self, listener: ScreenLockListener) -> None:
        super().__init__()
        self._listener = listener
        self._window: object | None = None
        self._hwnd = 0
        self.registered = False

    @classmethod
    def install(cls, listener: ScreenLockListener) -> _WindowsSessionFilter | None:
        try:
            from PySide6.QtGui import QWindow

            native = cls(listener)
            window = QWindow()
            native._window = window
            native._hwnd = int(window.winId())  # creates the native window, not shown
            wtsapi32 = _wtsapi32()
            native.registered = bool(
                wtsapi32.WTSRegisterSessionNotification(native._hwnd, _NOTIFY_FOR_THIS_SESSION)
            )
            app = QCoreApplication.instance()
            if app is not None:
                app.installNativeEventFilter(native)
            return native
        except Exception:  # a lock source missing is not a reason to fail start-up
            return None

    def uninstall(self) -> None:
        try:
            app = QCoreApplication.instance()
            if app is not None:
                app.removeNativeEventFilter(self)
            if self.registered:
                _wtsapi32().WTSUnRegisterSessionNotification(self._hwnd)
                self.registered = False
        except Exception:  # quitting anyway; nothing useful to do about it
            return

    def nativeEventFilter(
        self, eventType: QByteArray | bytes | bytearray | memoryview, message: int
    ) -> object:
        kind = eventType.data() if isinstance(eventType, QByteArray) else bytes(eventType)
        if kind == b"windows_generic_MSG" and message:
            from ctypes import wintypes

            msg = wintypes.MSG.from_address(message)
            if msg.message == _WM_WTSSESSION_CHANGE and msg.wParam == _WTS_SESSION_LOCK:
                self._listener._windows_locked()
            elif msg.message == _WM_POWERBROADCAST and msg.wParam == _PBT_APMSUSPEND:
                self._listener._windows_suspending()
        return False, 0
