"""What Qt says when something is done to an object from another thread than its own.

Qt refuses such calls with a warning, not an error: the test suite turns these warnings
into failures (tests/ui/conftest.py), so a widget touched from a worker fails a test."""

from __future__ import annotations

from collections.abc import Iterable

CROSS_THREAD_SIGNS = (
    "different thread",
    "another thread",
    "outside the gui thread",
    "outside the main thread",
    "threads started with qthread",
    "event dispatcher has already been destroyed",
    "cannot send events to objects owned by a different thread",
)


def cross_thread_warnings(messages: Iterable[str]) -> list[str]:
    return [m for m in messages if any(sign in m.lower() for sign in CROSS_THREAD_SIGNS)]
