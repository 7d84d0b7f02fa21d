"""The reasons to lock: idle time (IdleLock) and the desktop's screen-lock and sleep
signals (ScreenLockListener), with real widgets offscreen and real private D-Bus buses.

Each private bus is its own dbus-daemon with a minimal config (no service activation, so
only what a test registers is on it); one plays the session bus, another the system bus
with a fake logind. Signals are sent with dbus-send, as a screensaver or logind would.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QElapsedTimer, QPoint, Qt, QTimer
from PySide6.QtDBus import QDBusConnection, QDBusMessage, QDBusObjectPath, QDBusVirtualObject
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLineEdit, QPushButton
from pytestqt.qtbot import QtBot

from tests.ui.private_bus import PrivateBus
from ui.idle_lock import IdleLock
from ui.locking import (
    SOURCE_FREEDESKTOP,
    SOURCE_GNOME,
    SOURCE_LOGIND_SESSION,
    SOURCE_XFCE,
    Availability,
    ScreenLockListener,
)

# --- idle --------------------------------------------------------------------------------


@pytest.fixture
def idle(qtbot: QtBot) -> Iterator[IdleLock]:
    lock = IdleLock()
    yield lock
    lock.stop()


def _line_edit(qtbot: QtBot) -> QLineEdit:
    edit = QLineEdit()
    qtbot.addWidget(edit)
    edit.show()
    qtbot.waitExposed(edit)
    edit.setFocus()
    return edit


def _wait_no_signal(qtbot: QtBot, ms: int) -> None:
    """Let the event loop run `ms` (a reference timer), to show a signal did not come."""
    reference = QTimer()
    reference.setSingleShot(True)
    with qtbot.waitSignal(reference.timeout, timeout=ms + 5000):
        reference.start(ms)


def test_idle_fires_after_the_interval_without_input(qtbot: QtBot, idle: IdleLock) -> None:
    idle.set_delay_ms(150)
    clock = QElapsedTimer()
    with qtbot.waitSignal(idle.idle, timeout=5000):
        clock.start()
        idle.start()
    assert clock.elapsed() >= 140
    assert not idle.is_active()


def test_input_postpones_idle_and_reaches_the_widget(qtbot: QtBot, idle: IdleLock) -> None:
    edit = _line_edit(qtbot)
    fired: list[int] = []
    idle.idle.connect(lambda: fired.append(1))
    idle.set_delay_ms(800)
    typed = itertools.count(1)
    sent: list[int] = []

    def type_one() -> None:
        QTest.keyClick(edit, Qt.Key.Key_A)
        sent.append(next(typed))
        if len(sent) == 16:
            typist.stop()

    typist = QTimer()
    typist.timeout.connect(type_one)
    idle.start()
    typist.start(100)  # 16 keys over 1.6 s: twice the delay, never 0.8 s without input
    qtbot.waitUntil(lambda: len(sent) == 16, timeout=10000)
    assert fired == [], "idle fired while the user was typing"
    # The filter let every key through: the widget got them all.
    assert edit.text() == "a" * 16
    with qtbot.waitSignal(idle.idle, timeout=5000):
        pass
    assert fired == [1]


def test_mouse_in_another_window_counts(qtbot: QtBot, idle: IdleLock) -> None:
    _line_edit(qtbot)
    other = QPushButton("other window")
    qtbot.addWidget(other)
    other.show()
    qtbot.waitExposed(other)
    clicked: list[int] = []
    other.clicked.connect(lambda: clicked.append(1))
    fired: list[int] = []
    idle.idle.connect(lambda: fired.append(1))
    idle.set_delay_ms(800)
    moves: list[int] = []

    def move() -> None:
        if len(moves) % 2:
            QTest.mouseMove(other, QPoint(5 + len(moves) % 7, 5))
        else:
            QTest.mouseClick(other, Qt.MouseButton.LeftButton)
        moves.append(1)
        if len(moves) == 16:
            mover.stop()

    mover = QTimer()
    mover.timeout.connect(move)
    idle.start()
    mover.start(100)
    qtbot.waitUntil(lambda: len(moves) == 16, timeout=10000)
    assert fired == []
    assert len(clicked) == 8  # the clicks reached the button
    with qtbot.waitSignal(idle.idle, timeout=5000):
        pass


def test_never_disables_idle(qtbot: QtBot, idle: IdleLock) -> None:
    fired: list[int] = []
    idle.idle.connect(lambda: fired.append(1))
    idle.set_delay_ms(50)
    idle.set_delay_minutes(None)
    idle.start()
    assert not idle.is_active()
    assert idle.delay_ms() is None
    _wait_no_signal(qtbot, 300)
    assert fired == []
    # Typing does not start it either.
    QTest.keyClick(_line_edit(qtbot), Qt.Key.Key_A)
    assert not idle.is_active()


def test_minutes_and_bad_delays(idle: IdleLock) -> None:
    idle.set_delay_minutes(5)
    assert idle.delay_ms() == 5 * 60 * 1000
    for bad in (0, -1):
        with pytest.raises(ValueError):
            idle.set_delay_minutes(bad)
        with pytest.raises(ValueError):
            idle.set_delay_ms(bad)
    assert idle.delay_ms() == 5 * 60 * 1000


def test_rearm_after_a_failed_lock(qtbot: QtBot, idle: IdleLock) -> None:
    idle.set_delay_ms(100)
    with qtbot.waitSignal(idle.idle, timeout=5000):
        idle.start()
    # The lock failed: without input, nothing would come again...
    assert not idle.is_active()
    # ...until the lock state machine re-arms the timer.
    with qtbot.waitSignal(idle.idle, timeout=5000):
        idle.rearm()


def test_stop_stops_and_no_reentrant_idle(qtbot: QtBot, idle: IdleLock) -> None:
    edit = _line_edit(qtbot)
    idle.set_delay_ms(100)
    calls: list[int] = []

    def slow_lock() -> None:
        # A lock slot that runs a nested event loop with input in it: no second idle.
        calls.append(1)
        if len(calls) == 1:
            QTest.keyClick(edit, Qt.Key.Key_B)
            _wait_no_signal(qtbot, 300)

    idle.idle.connect(slow_lock)
    with qtbot.waitSignal(idle.idle, timeout=5000):
        idle.start()
    assert calls == [1]
    idle.stop()
    QTest.keyClick(edit, Qt.Key.Key_C)
    assert not idle.is_active()
    _wait_no_signal(qtbot, 200)
    assert calls == [1]


# --- screen lock and suspend ---------------------------------------------------------------

_names = itertools.count()


class FakeLogind(QDBusVirtualObject):
    """org.freedesktop.login1 at /org/freedesktop/login1: answers GetSession."""

    SESSION_PATH = "/org/freedesktop/login1/session/_3142"

    def __init__(self) -> None:
        super().__init__()
        self.asked: list[str] = []

    def introspect(self, path: str) -> str:
        return ""

    def handleMessage(self, message: QDBusMessage, connection: QDBusConnection) -> bool:
        if message.member() != "GetSession":
            return False
        self.asked.append(str(message.arguments()[0]))
        connection.send(message.createReply(QDBusObjectPath(self.SESSION_PATH)))
        return True


def _fake_logind(bus: PrivateBus) -> FakeLogind:
    conn = bus.connect()
    logind = FakeLogind()
    assert conn.registerVirtualObject("/org/freedesktop/login1", logind)
    assert conn.registerService("org.freedesktop.login1")
    return logind


def _recorder(listener: ScreenLockListener) -> list[str]:
    seen: list[str] = []
    listener.screen_locked.connect(seen.append)
    listener.suspending.connect(lambda: seen.append("suspending"))
    return seen


@pytest.mark.parametrize(
    ("path", "interface"),
    [
        ("/org/gnome/ScreenSaver", SOURCE_GNOME),
        ("/org/freedesktop/ScreenSaver", SOURCE_FREEDESKTOP),
        ("/ScreenSaver", SOURCE_FREEDESKTOP),
        ("/org/xfce/ScreenSaver", SOURCE_XFCE),
    ],
)
def test_screensaver_active_locks_and_inactive_does_not(
    qtbot: QtBot, session_bus: PrivateBus, path: str, interface: str
) -> None:
    listener = ScreenLockListener(session_bus=session_bus.connect())
    seen = _recorder(listener)
    # false (the screen unlocking) and a wrongly typed argument lock nothing; then true.
    session_bus.send_signal(path, f"{interface}.ActiveChanged", "boolean:false")
    session_bus.send_signal(path, f"{interface}.ActiveChanged", "string:true")
    with qtbot.waitSignal(listener.screen_locked, timeout=10000) as blocker:
        session_bus.send_signal(path, f"{interface}.ActiveChanged", "boolean:true")
    assert blocker.args == [interface]
    assert seen == [interface]


def test_gnome_presence_idle_does_not_lock(qtbot: QtBot, session_bus: PrivateBus) -> None:
    listener = ScreenLockListener(session_bus=session_bus.connect())
    seen = _recorder(listener)
    # GNOME Presence status 3 = idle: KeePassXC locked on it, and its users complained.
    session_bus.send_signal(
        "/org/gnome/SessionManager/Presence",
        "org.gnome.SessionManager.Presence.StatusChanged",
        "uint32:3",
    )
    with qtbot.waitSignal(listener.screen_locked, timeout=10000):
        session_bus.send_signal(
            "/org/gnome/ScreenSaver", "org.gnome.ScreenSaver.ActiveChanged", "boolean:true"
        )
    assert seen == [SOURCE_GNOME]


def test_prepare_for_sleep_says_suspending(qtbot: QtBot, system_bus: PrivateBus) -> None:
    listener = ScreenLockListener(session_bus=None, system_bus=system_bus.connect())
    seen = _recorder(listener)
    member = "org.freedesktop.login1.Manager.PrepareForSleep"
    system_bus.send_signal("/org/freedesktop/login1", member, "boolean:false")  # resume
    with qtbot.waitSignal(listener.suspending, timeout=10000):
        system_bus.send_signal("/org/freedesktop/login1", member, "boolean:true")
    assert seen == ["suspending"]


def test_logind_session_lock(
    qtbot: QtBot, system_bus: PrivateBus, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_SESSION_ID", "c7")
    logind = _fake_logind(system_bus)
    listener = ScreenLockListener(system_bus=system_bus.connect())
    seen = _recorder(listener)
    qtbot.waitUntil(lambda: listener.login_session_path() == FakeLogind.SESSION_PATH)
    assert logind.asked == ["c7"]
    # Another session's Lock is not ours.
    system_bus.send_signal(
        "/org/freedesktop/login1/session/_99", "org.freedesktop.login1.Session.Lock"
    )
    with qtbot.waitSignal(listener.screen_locked, timeout=10000) as blocker:
        system_bus.send_signal(FakeLogind.SESSION_PATH, "org.freedesktop.login1.Session.Lock")
    assert blocker.args == [SOURCE_LOGIND_SESSION]
    assert seen == [SOURCE_LOGIND_SESSION]


def test_logind_session_without_xdg_session_id(
    qtbot: QtBot, system_bus: PrivateBus, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("XDG_SESSION_ID", raising=False)
    logind = _fake_logind(system_bus)
    listener = ScreenLockListener(system_bus=system_bus.connect())
    qtbot.waitUntil(lambda: listener.login_session_path() == FakeLogind.SESSION_PATH)
    assert logind.asked == ["auto"]


def test_no_buses_at_all(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    missing = QDBusConnection.connectToBus("disabled:", f"carnet-test-missing-{next(_names)}")
    gone = QDBusConnection.connectToBus(
        "unix:path=/nonexistent/carnet-bus", f"carnet-test-gone-{next(_names)}"
    )
    assert not missing.isConnected()
    assert not gone.isConnected()
    listener = ScreenLockListener(session_bus=missing, system_bus=gone)
    assert listener.availability() == Availability(screen_lock=False, suspend=False)
    assert listener.login_session_path() is None
    listener.close()


def test_default_buses_absent(monkeypatch: pytest.MonkeyPatch) -> None:
    # What a machine without D-Bus looks like to the default constructor.
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", "disabled:")
    monkeypatch.setenv("DBUS_SYSTEM_BUS_ADDRESS", "unix:path=/nonexistent/system_bus_socket")
    listener = ScreenLockListener()
    assert listener.availability() == Availability(screen_lock=False, suspend=False)


def test_availability_follows_the_owners(
    qtbot: QtBot, session_bus: PrivateBus, system_bus: PrivateBus
) -> None:
    listener = ScreenLockListener(
        session_bus=session_bus.connect(), system_bus=system_bus.connect()
    )
    assert listener.availability() == Availability(screen_lock=False, suspend=False)
    screensaver = session_bus.connect()
    assert screensaver.registerService("org.gnome.ScreenSaver")
    assert listener.availability() == Availability(screen_lock=True, suspend=False)
    _fake_logind(system_bus)
    assert listener.availability() == Availability(screen_lock=True, suspend=True)
    assert screensaver.unregisterService("org.gnome.ScreenSaver")
    assert listener.availability() == Availability(screen_lock=False, suspend=True)


def test_close_stops_the_signals(qtbot: QtBot, session_bus: PrivateBus) -> None:
    listener = ScreenLockListener(session_bus=session_bus.connect())
    seen = _recorder(listener)
    listener.close()
    # A second listener shows the signal went out; the closed one stays quiet.
    witness = ScreenLockListener(session_bus=session_bus.connect())
    with qtbot.waitSignal(witness.screen_locked, timeout=10000):
        session_bus.send_signal(
            "/org/gnome/ScreenSaver", "org.gnome.ScreenSaver.ActiveChanged", "boolean:true"
        )
    assert seen == []
