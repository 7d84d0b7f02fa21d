"""Long work off the GUI thread: a QRunnable per job, its signals, and the pool.

A job is a plain function `job(progress, cancel)` calling app/ services; it never
touches a widget. Its progress, result and error reach the GUI thread through a signals
QObject created there (queued connections). `cancel_all()` is what a lock calls: every
job's CancelToken is set and the pool waits for them to return (a thread is never
terminated), and results that arrive after the lock are dropped, so no slot runs against
a closed notebook or deleted widgets.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QRunnable, QThread, QThreadPool, Signal

from app.progress import CancelToken, Progress

Job = Callable[[Progress, CancelToken], Any]


class WrongThreadError(RuntimeError):
    """A job's result reached its slot on another thread than the GUI's: a widget would be
    touched from a worker. A programming error, raised so that no test can miss it."""


def require_gui_thread() -> None:
    app = QCoreApplication.instance()
    if app is not None and QThread.currentThread() is not app.thread():
        raise WrongThreadError("a slot that touches widgets ran outside the GUI thread")


class WorkerSignals(QObject):
    progress = Signal(int, int, str)
    succeeded = Signal(object)
    failed = Signal(object)
    finished = Signal()


class Worker(QRunnable):
    def __init__(self, job: Job) -> None:
        super().__init__()
        self.setAutoDelete(False)  # the pool keeps it until its signals are delivered
        self.signals = WorkerSignals()
        self.cancel_token = CancelToken()
        self.discarded = False
        self._job = job
        self._done = threading.Event()

    def run(self) -> None:
        try:
            result = self._job(self._progress, self.cancel_token)
        except BaseException as exc:
            self.signals.failed.emit(exc)
        else:
            self.signals.succeeded.emit(result)
        finally:
            self._done.set()
            self.signals.finished.emit()

    def _progress(self, done: int, total: int, stage: str) -> None:
        self.signals.progress.emit(done, total, stage)

    def cancel(self) -> None:
        self.cancel_token.cancel()

    def wait(self, timeout: float | None = None) -> bool:
        return self._done.wait(timeout)

    @property
    def done(self) -> bool:
        return self._done.is_set()


def gui_slot(worker: Worker, slot: Callable[..., None] | None) -> Callable[..., None]:
    """`slot` as the pool connects it: only on the GUI thread, and not once the worker's
    results are discarded (after a lock)."""

    def call(*args: Any) -> None:
        # The signals object lives on the GUI thread, so Qt queues each emit from run()
        # to it; this holds every slot given to the pool to that promise.
        require_gui_thread()
        if slot is not None and not worker.discarded:
            slot(*args)

    return call


class WorkerPool(QObject):
    """Starts jobs and remembers them until they finish, so a lock can stop them all."""

    def __init__(self, max_threads: int = 4, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(max_threads)
        self._running: list[Worker] = []

    def start(
        self,
        job: Job,
        *,
        succeeded: Callable[[Any], None] | None = None,
        failed: Callable[[BaseException], None] | None = None,
        progress: Callable[[int, int, str], None] | None = None,
        finished: Callable[[], None] | None = None,
    ) -> Worker:
        worker = Worker(job)

        worker.signals.succeeded.connect(gui_slot(worker, succeeded))
        worker.signals.failed.connect(gui_slot(worker, failed))
        worker.signals.progress.connect(gui_slot(worker, progress))
        worker.signals.finished.connect(gui_slot(worker, finished))
        worker.signals.finished.connect(lambda: self._forget(worker))
        self._running.append(worker)
        self._pool.start(worker)
        return worker

    def _forget(self, worker: Worker) -> None:
        if worker in self._running:
            self._running.remove(worker)

    @property
    def running(self) -> int:
        return sum(1 for worker in self._running if not worker.done)

    def cancel_all(self) -> None:
        """Cancel every job, wait until each has returned, and drop what they report."""
        workers = list(self._running)
        for worker in workers:
            worker.discarded = True
            worker.cancel()
        self._pool.waitForDone()
        for worker in workers:
            worker.wait()
        self._running.clear()
