"""SecretClipboard on the real (offscreen) clipboard: what it marks, what it clears, and
what it must leave alone."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtGui import QClipboard, QGuiApplication
from pytestqt.qtbot import QtBot

from ui.clipboard import (
    DEFAULT_DELAY_SECONDS,
    KDE_HINT,
    MAC_CONCEALED,
    WIN_EXCLUDE_MONITORS,
    WIN_NO_CLOUD,
    WIN_NO_HISTORY,
    SecretClipboard,
    marker_format,
    secret_mime_data,
)

SECRET = "Amal Haddad, +961 3 555 0199"


@pytest.fixture
def clipboard(qapp: QGuiApplication) -> Iterator[QClipboard]:
    board = QGuiApplication.clipboard()
    board.clear()
    yield board
    board.clear()


@pytest.fixture
def secret(clipboard: QClipboard) -> Iterator[SecretClipboard]:
    copier = SecretClipboard(clipboard=clipboard)
    yield copier
    copier.clear_now()


def _wait_no_signal(qtbot: QtBot, ms: int) -> None:
    reference = QTimer()
    reference.setSingleShot(True)
    with qtbot.waitSignal(reference.timeout, timeout=ms + 5000):
        reference.start(ms)


def test_copy_marks_the_secret(clipboard: QClipboard, secret: SecretClipboard) -> None:
    secret.copy(SECRET)
    mime = clipboard.mimeData()
    assert mime is not None
    assert mime.text() == SECRET
    assert "text/plain" in mime.formats()
    assert KDE_HINT in mime.formats()
    assert mime.data(KDE_HINT).data() == b"secret"
    assert secret.holds_secret()
    assert secret.delay_ms() == DEFAULT_DELAY_SECONDS * 1000
    assert secret.is_pending()


def test_other_platforms_markers() -> None:
    """Windows and macOS cannot run here: at least the data they would get is checked."""
    windows = secret_mime_data(SECRET, "win32")
    assert windows.text() == SECRET
    for name in (
        "ExcludeClipboardContentFromMonitorProcessing",
        "CanIncludeInClipboardHistory",
        "CanUploadToCloudClipboard",
    ):
        assert f'application/x-qt-windows-mime;value="{name}"' in windows.formats()
    assert windows.data(WIN_NO_HISTORY).data() == b"\x00\x00\x00\x00"
    assert windows.data(WIN_NO_CLOUD).data() == b"\x00\x00\x00\x00"
    assert KDE_HINT not in windows.formats()
    mac = secret_mime_data(SECRET, "darwin")
    assert MAC_CONCEALED in mac.formats()
    assert mac.text() == SECRET
    assert marker_format("win32") == WIN_EXCLUDE_MONITORS
    assert marker_format("darwin") == MAC_CONCEALED
    assert marker_format("linux") == KDE_HINT


def test_cleared_after_the_delay_when_unchanged(
    qtbot: QtBot, clipboard: QClipboard, secret: SecretClipboard
) -> None:
    secret.set_delay_ms(200)
    secret.copy(SECRET)
    assert clipboard.text() == SECRET
    qtbot.waitUntil(lambda: clipboard.text() == "", timeout=5000)
    assert not secret.holds_secret()
    assert not secret.is_pending()


def test_a_new_copy_restarts_the_countdown(
    qtbot: QtBot, clipboard: QClipboard, secret: SecretClipboard
) -> None:
    secret.set_delay_ms(200)
    secret.copy("first")
    secret.copy(SECRET)
    qtbot.waitUntil(lambda: clipboard.text() == "", timeout=5000)


@pytest.mark.parametrize(
    ("theirs", "marked"),
    [
        ("the user's own note", False),
        # The same words, copied from another program: no marker, so theirs.
        (SECRET, False),
        # Another password manager (KeePassXC) sets the same KDE hint: other text, theirs.
        ("a KeePassXC password", True),
    ],
)
def test_user_copy_since_is_left_alone(
    qtbot: QtBot, clipboard: QClipboard, secret: SecretClipboard, theirs: str, marked: bool
) -> None:
    """Something copied since is the user's: neither the timer nor clear_now() touches it."""
    secret.set_delay_ms(200)
    secret.copy(SECRET)
    if marked:
        clipboard.setMimeData(secret_mime_data(theirs))
    else:
        clipboard.setText(theirs)
    qtbot.waitUntil(lambda: not secret.is_pending(), timeout=5000)
    assert clipboard.text() == theirs
    secret.clear_now()
    assert clipboard.text() == theirs


def test_clear_now_clears_ours(clipboard: QClipboard, secret: SecretClipboard) -> None:
    secret.copy(SECRET)
    secret.clear_now()
    assert clipboard.text() == ""
    mime = clipboard.mimeData()
    assert mime is None or KDE_HINT not in mime.formats()
    assert not secret.is_pending()


def test_clear_now_leaves_a_foreign_copy(clipboard: QClipboard, secret: SecretClipboard) -> None:
    secret.copy(SECRET)
    clipboard.setText("copied from the browser")
    secret.clear_now()
    assert clipboard.text() == "copied from the browser"
    # Nothing of ours was there when nothing was copied at all, either.
    fresh = SecretClipboard(clipboard=clipboard)
    fresh.clear_now()
    assert clipboard.text() == "copied from the browser"


def test_delay_zero_never_clears_by_timer(
    qtbot: QtBot, clipboard: QClipboard, secret: SecretClipboard
) -> None:
    secret.set_delay_seconds(0)
    secret.copy(SECRET)
    assert not secret.is_pending()
    _wait_no_signal(qtbot, 300)
    assert clipboard.text() == SECRET
    # Lock and quit still clear it.
    secret.clear_now()
    assert clipboard.text() == ""


def test_delay_change_applies_to_a_waiting_copy(
    qtbot: QtBot, clipboard: QClipboard, secret: SecretClipboard
) -> None:
    secret.copy(SECRET)
    secret.set_delay_seconds(0)
    assert not secret.is_pending()
    secret.set_delay_ms(100)
    assert secret.is_pending()
    qtbot.waitUntil(lambda: clipboard.text() == "", timeout=5000)


def test_bad_delays(secret: SecretClipboard) -> None:
    secret.set_delay_seconds(12)
    assert secret.delay_ms() == 12000
    with pytest.raises(ValueError):
        secret.set_delay_seconds(-1)
    with pytest.raises(ValueError):
        secret.set_delay_ms(-1)
    assert secret.delay_ms() == 12000


def test_no_plaintext_kept_by_the_object(secret: SecretClipboard) -> None:
    """Carnet compares a keyed hash, so the copier itself holds no copy of the secret."""
    secret.copy(SECRET)
    held = [value for value in vars(secret).values() if isinstance(value, str | bytes)]
    assert all(SECRET not in str(value) for value in held)
    assert SECRET.encode() not in b"".join(v for v in held if isinstance(v, bytes))


def test_a_copy_from_a_carnet_field_is_marked_and_cleared(qtbot: QtBot) -> None:
    """Ctrl+C in one of Carnet's own fields goes through Qt, not through copy(): it is
    taken over all the same, marked, and cleared on lock."""
    from PySide6.QtWidgets import QLineEdit

    secret = SecretClipboard()
    field = QLineEdit()
    qtbot.addWidget(field)
    field.setText("Heron-Canary-8812")
    field.show()
    field.activateWindow()
    qtbot.waitUntil(lambda: QGuiApplication.focusWindow() is not None)
    field.selectAll()
    field.copy()
    mime = QGuiApplication.clipboard().mimeData()
    assert mime.hasFormat(marker_format())
    assert secret.holds_secret() and secret.is_pending()
    secret.clear_now()
    assert QGuiApplication.clipboard().text() == ""


def test_an_empty_clipboard_costs_no_reference_to_none(
    clipboard: QClipboard, secret: SecretClipboard
) -> None:
    """PySide6 loses a reference to None each time QClipboard.mimeData() returns None
    (an empty clipboard): asked often enough, Python aborts with none_dealloc. The
    copier asks text() first."""
    import sys

    secret.copy(SECRET)
    clipboard.clear()  # someone emptied it: the copier still has a copy to look for
    before = sys.getrefcount(None)
    for _ in range(500):
        assert not secret.holds_secret()
    assert before - sys.getrefcount(None) < 50
