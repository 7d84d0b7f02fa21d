"""The clipboard: hints set, cleared when unchanged, left alone once the person copied
something else, cleared on lock and quit (the app calls clear_now for both)."""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication

from ui.clipboard import HINT_KDE, HINT_MACOS, HINTS_WINDOWS, SecretClipboard


def test_copies_are_marked_for_clipboard_managers(qtbot: object) -> None:
    clip = SecretClipboard()
    clip.copy("Kestrel-7 incident")
    data = QGuiApplication.clipboard().mimeData()
    assert data.text() == "Kestrel-7 incident"
    assert bytes(data.data(HINT_KDE)) == b"secret"
    assert data.hasFormat(HINT_MACOS)
    for name in HINTS_WINDOWS:
        assert data.hasFormat(name)
    clip.clear_now()


def test_cleared_after_the_delay_when_unchanged(qtbot) -> None:  # type: ignore[no-untyped-def]
    clip = SecretClipboard()
    clip.set_delay_seconds(1)
    clip.copy("secret words")
    qtbot.waitUntil(lambda: QGuiApplication.clipboard().text() == "", timeout=5000)


def test_left_alone_when_the_person_copied_something_else(qtbot) -> None:  # type: ignore[no-untyped-def]
    clip = SecretClipboard()
    clip.set_delay_seconds(1)
    clip.copy("secret words")
    QGuiApplication.clipboard().setText("my own shopping list")
    qtbot.wait(1500)
    assert QGuiApplication.clipboard().text() == "my own shopping list"
    clip.clear_now()  # the lock and quit path: still not ours, still left alone
    assert QGuiApplication.clipboard().text() == "my own shopping list"


def test_clear_now_clears_ours(qtbot: object) -> None:
    clip = SecretClipboard()
    clip.set_delay_seconds(0)
    clip.copy("secret words")
    clip.clear_now()
    assert QGuiApplication.clipboard().text() == ""


def test_delay_zero_never_clears_by_timer(qtbot) -> None:  # type: ignore[no-untyped-def]
    clip = SecretClipboard()
    clip.set_delay_seconds(0)
    clip.copy("kept until lock")
    qtbot.wait(300)
    assert QGuiApplication.clipboard().text() == "kept until lock"
    clip.clear_now()
