"""StrengthHint's pool when the hint is deleted: checks not yet started are dropped and
the running one gives no result, instead of ~QThreadPool running the whole queue (with
the GIL held, as in a deletion inside QTest.qWait, that wait never ended)."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from ui.widgets import strength
from ui.widgets.strength import StrengthHint


def test_deleting_the_hint_drops_its_queued_checks(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    parent = QWidget()
    hint = StrengthHint(parent)
    scored: list[str] = []
    started = threading.Event()

    def slow_score(text: str) -> int:
        scored.append(text)
        started.set()
        # Held until the hint is being deleted. Without the stop the flag is never set:
        # after 10 s this returns and the queued check runs, which the assertion sees.
        hint_stopped.wait(10)
        return 2

    hint_stopped = hint._stopped
    monkeypatch.setattr(strength, "score_of", slow_score)
    hint.text_changed("first words")
    hint._check()
    assert started.wait(10)
    hint.text_changed("second words")
    hint._check()  # queued behind the running one
    parent.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert scored == ["first words"]


def test_a_live_hint_still_scores(qtbot: QtBot) -> None:
    hint = StrengthHint()
    qtbot.addWidget(hint)
    hint.text_changed("correct horse battery staple orbit")
    qtbot.waitUntil(lambda: hint.score is not None, timeout=10_000)
    assert hint.text()
