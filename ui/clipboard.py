"""What Carnet copies: marked for clipboard managers to skip, and cleared after a delay,
on lock and on quit — but only while the clipboard still holds Carnet's own copy.

KeePassXC's Clipboard.cpp is the reference: the hints are `x-kde-passwordManagerHint:
secret` (KDE's Klipper and most Unix managers), the macOS concealed type, and Windows'
exclude-from-monitoring and no-history/no-cloud formats. A manager that ignores them
still keeps a copy; the user guide says so. Never clearing what the person copied
elsewhere since is the other half: a clear must not destroy their own work.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QMimeData, QObject, QTimer
from PySide6.QtGui import QClipboard, QGuiApplication

HINT_KDE = "x-kde-passwordManagerHint"
HINT_MACOS = "application/x-nspasteboard-concealed-type"
_WIN = 'application/x-qt-windows-mime;value="{}"'
HINTS_WINDOWS = {
    _WIN.format("ExcludeClipboardContentFromMonitorProcessing"): b"\x01\x00\x00\x00",
    _WIN.format("CanIncludeInClipboardHistory"): b"\x00\x00\x00\x00",
    _WIN.format("CanUploadToCloudClipboard"): b"\x00\x00\x00\x00",
}


def _marked(text: str) -> QMimeData:
    data = QMimeData()
    data.setText(text)
    data.setData(HINT_KDE, QByteArray(b"secret"))
    data.setData(HINT_MACOS, QByteArray(b""))
    for name, value in HINTS_WINDOWS.items():
        data.setData(name, QByteArray(value))
    return data


class SecretClipboard(QObject):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.clear_now)
        self._delay_s = 30
        self._ours: str | None = None

    def set_delay_seconds(self, seconds: int) -> None:
        """0: never cleared by the timer (still cleared on lock and quit)."""
        self._delay_s = seconds

    def copy(self, text: str) -> None:
        clipboard = QGuiApplication.clipboard()
        modes = [QClipboard.Mode.Clipboard]
        if clipboard.supportsSelection():
            modes.append(QClipboard.Mode.Selection)
        for mode in modes:
            clipboard.setMimeData(_marked(text), mode)
        self._ours = text
        if self._delay_s > 0:
            self._timer.start(self._delay_s * 1000)

    def holds_ours(self, mode: QClipboard.Mode = QClipboard.Mode.Clipboard) -> bool:
        if self._ours is None:
            return False
        data = QGuiApplication.clipboard().mimeData(mode)
        return data is not None and data.hasFormat(HINT_KDE) and data.text() == self._ours

    def clear_now(self) -> None:
        self._timer.stop()
        clipboard = QGuiApplication.clipboard()
        modes = [QClipboard.Mode.Clipboard]
        if clipboard.supportsSelection():
            modes.append(QClipboard.Mode.Selection)
        for mode in modes:
            if self.holds_ours(mode):
                clipboard.clear(mode)
        self._ours = None
