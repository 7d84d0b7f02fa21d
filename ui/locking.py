"""What tells the lock state machine to lock: the user went idle, the screen locked, or the
computer is about to sleep.

Small pieces, each with one job, so the lock state machine (which decides what a lock
does) can be tested apart from where the reasons to lock come from:

- `IdleLock` (ui/idle_lock.py) says "idle" when no user input reached any window of the
  app for a while.
- `ScreenLockListener` (here) says "the screen locked" or "the computer is suspending",
  from the desktop's own signals (D-Bus; Windows in ui/windows_session.py).

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

import os
import sys
from dataclasses import dataclass
from typing import Final, cast

from PySide6.QtCore import (
    QObject,
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

from ui.windows_session import WindowsSessionFilter

__all__ = [
    "SOURCE_FREEDESKTOP",
    "SOURCE_GNOME",
    "SOURCE_LOGIND_SESSION",
    "SOURCE_WINDOWS",
    "SOURCE_XFCE",
    "Availability",
    "ScreenLockListener",
]


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
# (6.11 and 6.12) accepts it only as a str although its stubs say bytes: hence the cast.
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
        self._windows: WindowsSessionFilter | None = None
        self._session: QDBusConnection | None = None
        self._system: QDBusConnection | None = None
        if sys.platform == "win32":
            self._windows = WindowsSessionFilter.install(
                self._windows_locked, self._windows_suspending
            )
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
