"""Copying a secret to the clipboard so that it does not linger there.

What a defender copies out of Carnet (a name, an address, a passphrase) must not outlive
the need for it: a clipboard manager's history, a cloud clipboard or the next program
that reads the clipboard would keep it. So every copy:

- is marked as secret in the formats clipboard managers honour: KDE's
  `x-kde-passwordManagerHint: secret` (Klipper, and others on X11 and Wayland), macOS's
  concealed type (nspasteboard.org), and on Windows the formats that keep it out of
  clipboard monitors, the clipboard history and the cloud clipboard;
- is cleared after a delay (30 s by default), on lock and on quit, but only while the
  clipboard still holds what Carnet put there. Clearing something the user copied
  afterwards from another program would destroy their data and teach them to turn the
  feature off.

The reference is KeePassXC's src/gui/Clipboard.cpp. Unlike it, the clipboard and the
X11 selection each get their own QMimeData (Qt takes ownership of what it is given, so
one object must not be handed over twice), and Carnet keeps no copy of the text to
compare with, only a keyed hash of it.

The X11 PRIMARY selection needs more than KeePassXC gives it. Selecting text in any of
Carnet's fields (a name, a narrative) puts it there, no copy asked for, and any program
of the session can read it with a middle click, after the lock as well. So, where the
platform has a selection (X11; not Windows, macOS or offscreen): a selection Carnet's
widgets make is marked like a copy (so a clipboard manager that keeps selections skips
it), and the lock and quit clear the selection while Carnet still owns it
(`ownsSelection()`: once another program selects something, it is theirs). The timer
does not clear a selection the person is making; it clears only Carnet's own copies.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import sys
from typing import Final

from PySide6.QtCore import QMimeData, QObject, QTimer, Slot
from PySide6.QtGui import QClipboard, QGuiApplication

__all__ = ["DEFAULT_DELAY_SECONDS", "SecretClipboard", "marker_format", "secret_mime_data"]

DEFAULT_DELAY_SECONDS: Final = 30

KDE_HINT: Final = "x-kde-passwordManagerHint"
MAC_CONCEALED: Final = "application/x-nspasteboard-concealed-type"


def _windows_format(name: str) -> str:
    """Qt's name for a Windows clipboard format registered by `name`."""
    return f'application/x-qt-windows-mime;value="{name}"'


WIN_EXCLUDE_MONITORS: Final = _windows_format("ExcludeClipboardContentFromMonitorProcessing")
WIN_NO_HISTORY: Final = _windows_format("CanIncludeInClipboardHistory")
WIN_NO_CLOUD: Final = _windows_format("CanUploadToCloudClipboard")
_DWORD_ZERO: Final = b"\x00\x00\x00\x00"


def marker_format(platform: str = sys.platform) -> str:
    """The format whose presence says "this clipboard content is Carnet's secret"."""
    if platform == "win32":
        return WIN_EXCLUDE_MONITORS
    if platform == "darwin":
        return MAC_CONCEALED
    return KDE_HINT


def secret_mime_data(text: str, platform: str = sys.platform) -> QMimeData:
    """`text` as text/plain, with the platform's "do not keep this" formats.

    Windows: any data in ExcludeClipboardContentFromMonitorProcessing keeps clipboard
    monitors away; a DWORD 0 in CanIncludeInClipboardHistory and CanUploadToCloudClipboard
    keeps it out of Win+V history and the cloud clipboard (Microsoft's documented formats).
    macOS: the concealed type (its content is ignored; KeePassXC puts the text there too).
    Elsewhere: KDE's hint, with the value "secret".
    """
    mime = QMimeData()
    mime.setText(text)
    if platform == "win32":
        mime.setData(WIN_EXCLUDE_MONITORS, _DWORD_ZERO)
        mime.setData(WIN_NO_HISTORY, _DWORD_ZERO)
        mime.setData(WIN_NO_CLOUD, _DWORD_ZERO)
    elif platform == "darwin":
        mime.setData(MAC_CONCEALED, text.encode("utf-8"))
    else:
        mime.setData(KDE_HINT, b"secret")
    return mime


class SecretClipboard(QObject):
    """Copies secrets to the clipboard and clears them again, never anyone else's copy.

    `copy(text)` puts `text` on the clipboard (and the X11 selection, where there is one)
    and starts a single-shot timer; when it fires, each of them is cleared if it still
    holds Carnet's copy: the same text *and* Carnet's marker format. The marker matters:
    if the user copies the same words from another program, that copy is theirs.
    `clear_now()` applies the same rule at once: call it on lock and on quit.
    """

    def __init__(
        self, parent: QObject | None = None, *, clipboard: QClipboard | None = None
    ) -> None:
        super().__init__(parent)
        if clipboard is None:
            clipboard = QGuiApplication.clipboard()
        self._clipboard = clipboard
        self._delay_ms = DEFAULT_DELAY_SECONDS * 1000
        self._key = secrets.token_bytes(32)
        self._digest: bytes | None = None
        self._marker = marker_format()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._on_timeout)
        self._clipboard.dataChanged.connect(self._on_changed)
        self._clipboard.selectionChanged.connect(self._on_selection_changed)

    def set_delay_seconds(self, seconds: int) -> None:
        """Clear `seconds` after a copy; 0 means never by timer (lock and quit still do).

        A change also applies to a copy already waiting to be cleared.
        """
        if seconds < 0:
            raise ValueError("the clipboard delay cannot be negative")
        self._set_delay_ms(seconds * 1000)

    def set_delay_ms(self, milliseconds: int) -> None:
        """The same in milliseconds: for tests, which should not wait 30 seconds."""
        if milliseconds < 0:
            raise ValueError("the clipboard delay cannot be negative")
        self._set_delay_ms(milliseconds)

    def delay_ms(self) -> int:
        """The delay in milliseconds; 0 when the timer never clears."""
        return self._delay_ms

    def is_pending(self) -> bool:
        """True while a countdown to clear Carnet's copy is running."""
        return self._timer.isActive()

    def copy(self, text: str) -> None:
        """Put `text` on the clipboard, marked as secret, and start the countdown."""
        self._digest = self._hash(text)
        if self._clipboard.supportsSelection():
            self._clipboard.setMimeData(secret_mime_data(text), QClipboard.Mode.Selection)
        self._clipboard.setMimeData(secret_mime_data(text), QClipboard.Mode.Clipboard)
        self._arm()

    def holds_secret(self) -> bool:
        """True while the clipboard (or the selection) still holds Carnet's copy."""
        return any(self._is_ours(mode) for mode in self._modes())

    def clear_now(self) -> None:
        """The lock and quit: clear Carnet's copy wherever it still is, and the X11
        selection while Carnet owns it; leave anything else alone."""
        self._clear_copies()
        if self._clipboard.supportsSelection() and self._clipboard.ownsSelection():
            self._clipboard.clear(QClipboard.Mode.Selection)

    def close(self) -> None:
        """Clear Carnet's copy and stop watching the clipboard (the app is quitting)."""
        self.clear_now()
        self._clipboard.dataChanged.disconnect(self._on_changed)
        self._clipboard.selectionChanged.disconnect(self._on_selection_changed)

    # Internals --------------------------------------------------------------------------

    def _set_delay_ms(self, milliseconds: int) -> None:
        self._delay_ms = milliseconds
        if self._digest is not None:
            self._arm()

    def _arm(self) -> None:
        if self._delay_ms == 0:
            self._timer.stop()
        else:
            self._timer.start(self._delay_ms)

    def _modes(self) -> list[QClipboard.Mode]:
        modes = [QClipboard.Mode.Clipboard]
        if self._clipboard.supportsSelection():
            modes.append(QClipboard.Mode.Selection)
        return modes

    def _hash(self, text: str) -> bytes:
        return hmac.new(self._key, text.encode("utf-8", "surrogatepass"), hashlib.sha256).digest()

    def _text_mime(self, mode: QClipboard.Mode) -> QMimeData | None:
        """What `mode` holds when it holds text. PySide6 6.x loses a reference to None
        each time mimeData() returns None (an empty clipboard, offscreen): enough calls
        and Python aborts (none_dealloc). text() is asked first, which has no such bug."""
        if not self._clipboard.text(mode):
            return None
        return self._clipboard.mimeData(mode)

    def _is_ours(self, mode: QClipboard.Mode) -> bool:
        if self._digest is None:
            return False
        mime = self._text_mime(mode)
        if mime is None or not mime.hasFormat(self._marker) or not mime.hasText():
            return False
        return hmac.compare_digest(self._hash(mime.text()), self._digest)

    def _clear_copies(self) -> None:
        self._timer.stop()
        if self._digest is None:
            return
        for mode in self._modes():
            if self._is_ours(mode):
                self._clipboard.clear(mode)
        self._digest = None

    @Slot()
    def _on_timeout(self) -> None:
        self._clear_copies()

    @Slot()
    def _on_selection_changed(self) -> None:
        """Text selected in one of Carnet's fields: marked, as a copy is (once marked,
        the change it makes is not marked again)."""
        board = self._clipboard
        if not (board.supportsSelection() and board.ownsSelection()):
            return
        mime = self._text_mime(QClipboard.Mode.Selection)
        if mime is None or not mime.hasText() or mime.hasFormat(self._marker):
            return
        board.setMimeData(secret_mime_data(mime.text()), QClipboard.Mode.Selection)

    @Slot()
    def _on_changed(self) -> None:
        """A copy made in Carnet's own widgets (Ctrl+C in a field, a table) is taken
        over: marked, and cleared like any other. Qt puts it on the clipboard itself, so
        it would otherwise stay there, unmarked, after the lock. A change counts as
        Carnet's when Qt says this process owns the clipboard, or when one of Carnet's
        windows has the focus (platforms that cannot tell, such as offscreen)."""
        mime = self._text_mime(QClipboard.Mode.Clipboard)
        if mime is None or not mime.hasText() or mime.hasFormat(self._marker):
            return
        if self._clipboard.ownsClipboard() or QGuiApplication.focusWindow() is not None:
            self.copy(mime.text())
