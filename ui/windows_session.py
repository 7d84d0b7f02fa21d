"""Windows session notifications: the screen locked, or the computer is suspending.

Untested on this project's CI (it runs on Linux); small and guarded by the caller's
`sys.platform == "win32"` check, and it never raises: a lock source missing is not a
reason to fail start-up.
"""

from __future__ import annotations

import ctypes
from collections.abc import Callable
from typing import Final

from PySide6.QtCore import QAbstractNativeEventFilter, QByteArray, QCoreApplication

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


class WindowsSessionFilter(QAbstractNativeEventFilter):
    """Windows only, untested here: session-lock and suspend messages to our windows.

    WM_WTSSESSION_CHANGE reaches only windows registered with
    WTSRegisterSessionNotification, so a hidden window of our own is created and
    registered (the app's main window may come and go). WM_POWERBROADCAST goes to every
    top-level window. The filter never consumes a message.
    """

    def __init__(self, locked: Callable[[], None], suspending: Callable[[], None]) -> None:
        super().__init__()
        self._locked = locked
        self._suspending = suspending
        self._window: object | None = None
        self._hwnd = 0
        self.registered = False

    @classmethod
    def install(
        cls, locked: Callable[[], None], suspending: Callable[[], None]
    ) -> WindowsSessionFilter | None:
        try:
            from PySide6.QtGui import QWindow

            native = cls(locked, suspending)
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
                self._locked()
            elif msg.message == _WM_POWERBROADCAST and msg.wParam == _PBT_APMSUSPEND:
                self._suspending()
        return False, 0
