"""The desktop app's child processes for the gui benchmark (tests/bench/gui.py).

    python -m tests.bench.gui_child start --vault DIR   # what `carnet --vault DIR` runs
    python -m tests.bench.gui_child floor               # PySide6 + one empty window
    python -m tests.bench.gui_child stalls              # JSON request on stdin

`start` and `floor` print one line, `exposed <time.monotonic()>`, when their first window
is first exposed, then quit; the parent subtracts the monotonic time it took just before
spawning the process (CLOCK_MONOTONIC is one clock for every process). `start` runs the
real entry point (`app.__main__.main` through runpy, with `--vault DIR` as its only
arguments); the only thing added is an import hook that, once ui.app is imported, wraps
`CarnetApp.show_unlock` to install an application-wide event filter noting the unlock
window's first Expose. No product code knows about it.

`stalls` opens the given vault in the real app (CarnetApp, offscreen, real workers),
unlocks it through the unlock window, and runs each scenario while a `GapProbe` records
the gaps between event-loop iterations; see `scenarios.py`. The answer is one JSON object.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import json
import runpy
import sys
import time
from collections.abc import Sequence
from types import ModuleType
from typing import Any


def _print_exposed() -> None:
    sys.stdout.write(f"exposed {time.monotonic():.6f}\n")
    sys.stdout.flush()


def _expose_filter(qapp: Any, window_class: type | None) -> Any:
    """An application-wide event filter: on the first Expose of a top-level window (of
    `window_class`, when given), print the time and quit."""
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtGui import QWindow

    class ExposeFilter(QObject):
        seen = False

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if (
                not self.seen
                and event.type() == QEvent.Type.Expose
                and isinstance(watched, QWindow)
                and watched.isExposed()
            ):
                widget = _widget_of(qapp, watched)
                if window_class is None or isinstance(widget, window_class):
                    self.seen = True
                    _print_exposed()
                    QTimer.singleShot(0, qapp.quit)
            return False

    expose = ExposeFilter(qapp)
    qapp.installEventFilter(expose)
    return expose


def _widget_of(qapp: Any, window: Any) -> Any:
    for widget in qapp.topLevelWidgets():
        if widget.windowHandle() is window:
            return widget
    return None


class _AfterImport(importlib.abc.MetaPathFinder):
    """Calls `patch(module)` right after `name` is first imported."""

    def __init__(self, name: str, patch: Any) -> None:
        self.name = name
        self.patch = patch

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != self.name:
            return None
        sys.meta_path.remove(self)
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or spec.loader is None:
            return spec
        loader = spec.loader
        original_exec = loader.exec_module
        patch = self.patch

        def exec_module(module: ModuleType) -> None:
            original_exec(module)
            patch(module)

        loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


def _patch_ui_app(module: ModuleType) -> None:
    from ui.windows.unlock import UnlockWindow

    carnet_app = module.CarnetApp
    original = carnet_app.show_unlock
    filters: list[Any] = []

    def show_unlock(self: Any) -> None:
        if not filters:
            filters.append(_expose_filter(self.qapp, UnlockWindow))
        original(self)

    carnet_app.show_unlock = show_unlock


def start(vault: str) -> int:
    sys.meta_path.insert(0, _AfterImport("ui.app", _patch_ui_app))
    sys.argv = ["carnet", "--vault", vault]
    try:
        runpy.run_module("app", run_name="__main__", alter_sys=True)
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


def floor() -> int:
    from PySide6.QtWidgets import QApplication, QWidget

    qapp = QApplication(sys.argv[:1])
    _keep = _expose_filter(qapp, None)
    window = QWidget()
    window.setWindowTitle("Carnet")
    window.show()
    return int(qapp.exec())


def main(argv: list[str]) -> int:
    if argv[:1] == ["start"] and len(argv) == 3 and argv[1] == "--vault":
        return start(argv[2])
    if argv == ["floor"]:
        return floor()
    if argv == ["stalls"]:
        from tests.bench.scenarios import run_stalls

        request = json.loads(sys.stdin.read())
        result = run_stalls(request)
        sys.stdout.write(json.dumps(result))
        return 0
    sys.stderr.write(__doc__ or "")
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
