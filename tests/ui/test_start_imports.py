"""`carnet --vault DIR` shows the unlock window without loading what only an open
notebook needs (issue 12: the unlock window within 1.5 s).

Importing the command line, the notebook's services and the media/PDF libraries took
about a second before the unlock window could show. The check is structural, not timed:
a child runs the real entry point on a real vault up to the event loop (QApplication.exec
is replaced by one that notes sys.modules and returns), so a time budget never decides a
test, and an eager import anywhere on the way fails it. Timing is the benchmark's job
(`python -m tests.bench gui`).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from app.device_share import NoDeviceShares
from app.opening import NotebookOpener
from app.paths import VaultPaths
from tests.conftest import PASSPHRASE, ROOT, isolated_env

CHILD = """
import json, sys
from PySide6.QtWidgets import QApplication

def noted_exec(self):
    shown = [type(w).__name__ for w in QApplication.topLevelWidgets() if w.isVisible()]
    print(json.dumps({"modules": sorted(sys.modules), "shown": shown}))
    return 0

QApplication.exec = noted_exec
from app.__main__ import main
sys.exit(main(sys.argv[1:]))
"""

# What an unlocked notebook needs, and nothing before it: the command line, the
# notebook's services, the main window and its views, the media and PDF libraries.
NOT_BEFORE_UNLOCK = (
    "app.cli",
    "app.notebook",
    "app.evidence",
    "app.export",
    "ui.windows.main_window",
    "ui.views",
    "PIL",
    "av",
    "pikepdf",
)


def started(tmp_path: Path, argv: list[str]) -> dict[str, list[str]]:
    env = isolated_env(tmp_path / "user")
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, *argv],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    answer: dict[str, list[str]] = json.loads(proc.stdout.splitlines()[-1])
    return answer


def test_the_unlock_window_shows_before_the_notebook_code_is_imported(tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    NotebookOpener(VaultPaths(vault), NoDeviceShares(), "interactive").create(
        PASSPHRASE, use_keyring=False
    )
    for argv in (["--vault", str(vault)], [f"--vault={vault}"]):
        answer = started(tmp_path, argv)
        assert answer["shown"] == ["UnlockWindow"]
        loaded = [
            name
            for name in answer["modules"]
            if any(name == top or name.startswith(top + ".") for top in NOT_BEFORE_UNLOCK)
        ]
        assert loaded == [], argv


UNLOCK_CHILD = """
import sys
from app.device_share import NoDeviceShares
from app.opening import NotebookOpener
from app.paths import VaultPaths
from pathlib import Path
book = NotebookOpener(VaultPaths(Path(sys.argv[1])), NoDeviceShares()).unlock(sys.argv[2])
print(" ".join(sorted(name for name in ("av", "pikepdf") if name in sys.modules)))
book.close()
"""


def test_opening_a_notebook_loads_no_video_or_pdf_library(tmp_path: Path) -> None:
    # PyAV (FFmpeg) and pikepdf (qpdf) load at the first strip, not with the notebook.
    vault = tmp_path / "vault"
    NotebookOpener(VaultPaths(vault), NoDeviceShares(), "interactive").create(
        PASSPHRASE, use_keyring=False
    )
    proc = subprocess.run(
        [sys.executable, "-c", UNLOCK_CHILD, str(vault), PASSPHRASE],
        capture_output=True,
        text=True,
        env=isolated_env(tmp_path / "user"),
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.strip() == ""
