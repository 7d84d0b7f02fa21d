"""A process of its own on a real X server (tests/ui/test_x11_selection.py starts it):
the test run's QApplication is offscreen, which has no selection at all.

`carnet`: selects text in a field, checks that SecretClipboard marks the selection and
that clear_now() (the lock) empties it; then lets another X client (`owner`) select
something and checks that clear_now() leaves that alone. Prints what it saw as JSON.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QClipboard
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit

CANARY = "Canary-Selected-3301"
FOREIGN = "selected in another program"
SELECTION = QClipboard.Mode.Selection


def _wait(app: QApplication, condition: Callable[[], bool], seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        app.processEvents()
        time.sleep(0.02)
    return True


def _owner(app: QApplication) -> None:
    app.clipboard().setText(FOREIGN, SELECTION)
    print("owning", flush=True)
    while True:  # an X selection lives as long as its owner: until the test ends us
        app.processEvents()
        time.sleep(0.02)


def _carnet(app: QApplication) -> dict[str, object]:
    from ui.clipboard import SecretClipboard, marker_format

    board = app.clipboard()
    secret = SecretClipboard()
    seen: dict[str, object] = {"supports": board.supportsSelection()}
    field = QLineEdit()
    field.setText(CANARY)
    field.show()
    _wait(app, field.isVisible)
    # As a person selects: Shift+End (selectAll() from code does not set the selection).
    QTest.keyClick(field, Qt.Key.Key_Home)
    QTest.keyClick(field, Qt.Key.Key_End, Qt.KeyboardModifier.ShiftModifier)
    seen["owned"] = _wait(app, board.ownsSelection)
    seen["marked"] = _wait(
        app,
        # text() first: PySide loses a reference to None when mimeData() returns None.
        lambda: (
            bool(board.text(SELECTION)) and board.mimeData(SELECTION).hasFormat(marker_format())
        ),
    )
    seen["selected"] = board.text(SELECTION)
    secret.clear_now()
    app.processEvents()
    seen["after_lock"] = board.text(SELECTION)

    owner = subprocess.Popen(
        [sys.executable, "-m", "tests.ui.x11_selection_child", "owner"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert owner.stdout is not None
        owner.stdout.readline()
        _wait(app, lambda: board.text(SELECTION) == FOREIGN)
        secret.clear_now()
        app.processEvents()
        seen["foreign_after_lock"] = board.text(SELECTION)
    finally:
        owner.kill()
        owner.wait()
    secret.close()
    return seen


def main(role: str) -> int:
    app = QApplication(sys.argv[:1])
    if role == "owner":
        _owner(app)
    print(json.dumps(_carnet(app)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
