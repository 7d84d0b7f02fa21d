"""The pinned PySide6 must keep Python's reference counts of None and True right.

PySide6-Essentials 6.12.0 does not on Python 3.11: every `Signal.emit()` drops a
reference to True, every void setter (`QLineEdit.setText`) or null getter
(`QApplication.activeModalWidget()`) one to None. None starts with about 5,000, True
with about 500, so a few minutes of typing or the progress signals of one big attach
abort Python ("none_dealloc"/"bool_dealloc") and the window goes with whatever was being
typed. Python 3.12 made those objects immortal, which hides the bug there; on 3.11 it
is fatal. Carnet pins 6.11.2, which is clean. This test runs the calls that leaked in
a child process and fails (the child aborts) on a PySide6 that has the bug, so an
upgrade cannot bring it back unnoticed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

_CALLS = textwrap.dedent(
    """
    import json
    import sys
    from PySide6.QtCore import QObject, Signal
    from PySide6.QtWidgets import QApplication, QLineEdit

    app = QApplication([])

    class Source(QObject):
        ping = Signal(int)

    source = Source()
    source.ping.connect(lambda n: None)
    field = QLineEdit()
    before = {name: sys.getrefcount(obj) for name, obj in (("None", None), ("True", True))}
    for n in range(20_000):
        source.ping.emit(n)
        field.setText(str(n))
        QApplication.activeModalWidget()
        QApplication.activePopupWidget()
    after = {name: sys.getrefcount(obj) for name, obj in (("None", None), ("True", True))}
    print(json.dumps({name: after[name] - before[name] for name in before}))
    """
)


def test_pyside_calls_do_not_drop_references_to_singletons() -> None:
    result = subprocess.run(
        [sys.executable, "-c", _CALLS],
        capture_output=True,
        text=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    drift = json.loads(result.stdout)
    # A few references may come and go with caches; a leak per call would be -20,000+.
    assert all(abs(change) < 1000 for change in drift.values()), drift
