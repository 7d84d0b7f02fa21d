"""The GUI-thread stall scenarios of the gui benchmark, run inside `gui_child stalls`.

A `GapProbe` is a QTimer with interval 0: it fires once per event-loop iteration, so the
time between two of its ticks is how long the GUI thread was away doing something else
(a slot, a paint, a page fetch). Each scenario is a generator of steps; the runner runs
one step per timer callback and returns to the event loop in between, so the probe sees
exactly what one user action (a key, a click, a page of scrolling) costs the GUI thread,
the product code it triggers included, and the driver's own bookkeeping (microseconds).

Scenarios, on the real app (CarnetApp, offscreen, real vault, real workers):
- unlock: Return in the unlock window until the main window shows its first page (the
  KDF runs in a worker; building the main window runs on the GUI thread);
- scroll: Ctrl+End in the incident list until every page is fetched (the view's own
  fetchMore at the bottom, 200 rows a page);
- search: a word typed one letter every 200 ms (longer than the 150 ms debounce, so
  every prefix runs its query: the worst case), then its results;
- open: clicking ten rows one after another (editor, evidence and custody tabs load);
- attach: one large file attached to the open incident (the worker encrypts it; the GUI
  thread only gets progress), until its result line shows.
"""

from __future__ import annotations

import time
from array import array
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QEventLoop, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from app.device_share import NoDeviceShares
from app.opening import NotebookOpener
from app.paths import VaultPaths
from tests.bench.common import percentile

Step = float | Callable[[], bool] | None  # sleep seconds, wait until true, or next step
WAIT_LIMIT_S = 600.0
TYPING_DELAY_S = 0.200


class GapProbe(QObject):
    """Longest gaps between event-loop iterations on the GUI thread."""

    def __init__(self) -> None:
        super().__init__()
        self._timer = QTimer(self)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._tick)
        self._gaps = array("d")
        self._last = 0.0

    def start(self) -> None:
        self._gaps = array("d")
        self._last = time.perf_counter()
        self._timer.start()

    def _tick(self) -> None:
        now = time.perf_counter()
        self._gaps.append(now - self._last)
        self._last = now

    def stop(self) -> dict[str, Any]:
        self._timer.stop()
        self._tick()
        gaps_ms = [g * 1000 for g in self._gaps]
        return {
            "iterations": len(gaps_ms),
            "max_gap_ms": max(gaps_ms),
            "p99_gap_ms": percentile(gaps_ms, 99),
            "p999_gap_ms": percentile(gaps_ms, 99.9),
            "gaps_over_16ms": sum(1 for g in gaps_ms if g > 16),
            "gaps_over_100ms": sum(1 for g in gaps_ms if g > 100),
            "slowest_ms": sorted(gaps_ms, reverse=True)[:5],
        }


def run_scenario(probe: GapProbe, steps: Iterator[Step]) -> dict[str, Any]:
    """Run `steps` one per event-loop turn while the probe records; its figures."""
    loop = QEventLoop()
    started = time.perf_counter()
    failure: list[BaseException] = []

    def advance() -> None:
        try:
            step = next(steps)
        except StopIteration:
            loop.quit()
            return
        except BaseException as exc:  # reported to the parent after the loop ends
            failure.append(exc)
            loop.quit()
            return
        if step is None:
            QTimer.singleShot(0, advance)
        elif isinstance(step, float | int):
            QTimer.singleShot(int(step * 1000), advance)
        else:
            wait(step, time.perf_counter())

    def wait(condition: Callable[[], bool], since: float) -> None:
        if condition():
            QTimer.singleShot(0, advance)
        elif time.perf_counter() - since > WAIT_LIMIT_S:
            failure.append(TimeoutError("a scenario step did not finish"))
            loop.quit()
        else:
            QTimer.singleShot(5, lambda: wait(condition, since))

    probe.start()
    QTimer.singleShot(0, advance)
    loop.exec()
    figures = probe.stop()
    if failure:
        raise failure[0]
    figures["wall_s"] = time.perf_counter() - started
    return figures


def run_stalls(request: dict[str, Any]) -> dict[str, Any]:
    from tests.ui.app_driver import make_app

    qapp = QApplication.instance() or QApplication(["carnet"])
    assert isinstance(qapp, QApplication)
    root = Path(request["root"])
    app = make_app(root)
    app.opener = NotebookOpener(VaultPaths(Path(request["vault"])), NoDeviceShares())
    probe = GapProbe()
    result: dict[str, Any] = {}
    app.start()
    result["unlock"] = run_scenario(probe, _unlock(app, request["passphrase"]))
    window = app.main_window
    assert window is not None
    result["scroll"] = run_scenario(probe, _scroll(window))
    result["scroll"]["rows"] = window.incidents.model.rowCount()
    result["search"] = run_scenario(probe, _search(window, request["word"]))
    result["search"]["rows"] = window.incidents.model.rowCount()
    result["open"] = run_scenario(probe, _open(window))
    outcomes: list[Any] = []
    window.panel.evidence.attached.connect(outcomes.extend)
    result["attach"] = run_scenario(probe, _attach(window, Path(request["big_file"])))
    result["attach"]["attached"] = sum(1 for o in outcomes if o.attachment is not None)
    result["messages"] = list(app.dialogs.shown)  # synthetic data only
    app.shutdown()
    return result


def _unlock(app: Any, passphrase: str) -> Iterator[Step]:
    from ui.app import State

    unlock_window = app.unlock_window
    QTest.keyClicks(unlock_window.passphrase, passphrase)
    yield None
    QTest.keyClick(unlock_window.passphrase, Qt.Key.Key_Return)
    yield lambda: app.state is State.UNLOCKED
    yield lambda: app.main_window.incidents.model.rowCount() > 0
    yield 0.2


def _scroll(window: Any) -> Iterator[Step]:
    table = window.incidents.table
    model = window.incidents.model
    table.setFocus()
    table.selectRow(0)
    yield 0.1
    while model.canFetchMore():
        before = model.rowCount()
        _press(table, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
        yield None
        if model.rowCount() == before:
            # The view fetches when the scroll bar reaches the bottom; give it one turn.
            def grown(before: int = before) -> bool:
                return bool(model.rowCount() > before or not model.canFetchMore())

            yield grown
    yield 0.1


def _press(widget: Any, key: Qt.Key, modifiers: Qt.KeyboardModifier) -> None:
    # QTest.keyClick with a modifier, called a few hundred times, crashed PySide6 6.x
    # ("deallocating None"); a plain key event does the same to the view.
    for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
        QApplication.sendEvent(widget, QKeyEvent(kind, key, modifiers))


def _search(window: Any, word: str) -> Iterator[Step]:
    box = window.incidents.search
    box.setFocus()
    for letter in word:
        QTest.keyClicks(box, letter)
        yield TYPING_DELAY_S
    yield 0.4


def _open(window: Any) -> Iterator[Step]:
    table = window.incidents.table
    model = window.incidents.model
    rows = min(model.rowCount(), 10)
    for row in range(rows):
        table.selectRow(row)
        yield 0.3


def _attach(window: Any, path: Path) -> Iterator[Step]:
    panel = window.panel
    evidence = panel.evidence
    panel.setCurrentWidget(evidence)
    yield 0.1
    evidence.attach_paths([path])
    yield lambda: evidence._job is None
    yield 0.1
