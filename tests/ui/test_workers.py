"""WorkerPool: a job runs off the GUI thread; its progress, result, error and end reach
their slots on the GUI thread; a lock's cancel_all stops it and drops what comes late."""

from __future__ import annotations

import threading
import time

import pytest
from pytestqt.qtbot import QtBot

from app.progress import CancelToken, Progress
from ui.workers import Worker, WorkerPool, WrongThreadError, gui_slot, require_gui_thread


@pytest.fixture
def pool(qtbot: QtBot) -> WorkerPool:
    workers = WorkerPool()
    yield workers
    workers.cancel_all()


def test_every_slot_runs_on_the_gui_thread(qtbot: QtBot, pool: WorkerPool) -> None:
    gui = threading.get_ident()
    job_thread: list[int] = []
    slot_threads: dict[str, int] = {}

    def job(progress: Progress, cancel: CancelToken) -> str:
        job_thread.append(threading.get_ident())
        for done in range(3):
            progress(done, 3, "working")
        return "result"

    def failing(progress: Progress, cancel: CancelToken) -> None:
        raise ValueError("broken input")

    worker = pool.start(
        job,
        succeeded=lambda _r: slot_threads.setdefault("succeeded", threading.get_ident()),
        progress=lambda *_a: slot_threads.setdefault("progress", threading.get_ident()),
        finished=lambda: slot_threads.setdefault("finished", threading.get_ident()),
    )
    qtbot.waitUntil(lambda: "finished" in slot_threads, timeout=5000)
    second = pool.start(
        failing, failed=lambda _e: slot_threads.setdefault("failed", threading.get_ident())
    )
    qtbot.waitUntil(lambda: "failed" in slot_threads, timeout=5000)
    assert worker.done and second.wait(5)
    assert job_thread and job_thread[0] != gui
    assert slot_threads == dict.fromkeys(("succeeded", "progress", "finished", "failed"), gui)


def test_require_gui_thread_refuses_a_worker_thread(qtbot: QtBot) -> None:
    require_gui_thread()  # here: fine
    seen: list[BaseException] = []

    def elsewhere() -> None:
        try:
            require_gui_thread()
        except WrongThreadError as exc:
            seen.append(exc)

    thread = threading.Thread(target=elsewhere)
    thread.start()
    thread.join()
    assert len(seen) == 1


def test_a_slot_reached_from_a_worker_thread_is_refused(qtbot: QtBot) -> None:
    """Were a signal ever delivered directly on the worker's thread, the slot would not
    run: the widget it would touch stays untouched and the error is loud."""
    ran: list[str] = []
    errors: list[BaseException] = []
    slot = gui_slot(Worker(lambda p, c: None), ran.append)

    def from_a_worker() -> None:
        try:
            slot("result")
        except WrongThreadError as exc:
            errors.append(exc)

    thread = threading.Thread(target=from_a_worker)
    thread.start()
    thread.join()
    assert ran == [] and len(errors) == 1
    slot("result")  # on the GUI thread it runs
    assert ran == ["result"]


def test_cancel_all_stops_the_job_and_drops_late_results(qtbot: QtBot, pool: WorkerPool) -> None:
    started = threading.Event()
    delivered: list[str] = []

    def slow(progress: Progress, cancel: CancelToken) -> str:
        started.set()
        while not cancel.cancelled:
            time.sleep(0.005)
        return "too late"

    worker = pool.start(slow, succeeded=delivered.append, finished=lambda: delivered.append("end"))
    assert started.wait(5)
    pool.cancel_all()
    assert worker.done and pool.running == 0
    qtbot.wait(100)  # let any queued signal arrive
    assert delivered == []


def test_qt_cross_thread_warnings_are_recognised(qtbot: QtBot) -> None:
    """The suite-wide check (conftest's no_cross_thread_qt_calls) sees the warning Qt gives
    when a worker thread creates a child of a widget, and nothing in an ordinary one."""
    from PySide6.QtCore import QObject, qInstallMessageHandler
    from PySide6.QtWidgets import QLabel

    from tests.ui.cross_thread import cross_thread_warnings

    label = QLabel("here")
    qtbot.addWidget(label)
    said: list[str] = []
    previous = qInstallMessageHandler(lambda _kind, _context, message: said.append(message))
    try:
        thread = threading.Thread(target=lambda: QObject(label))
        thread.start()
        thread.join()
    finally:
        qInstallMessageHandler(previous)
    assert cross_thread_warnings(said) == said and len(said) == 1
    assert cross_thread_warnings(["This plugin does not support propagateSizeHints()"]) == []
