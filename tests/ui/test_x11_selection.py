"""The X11 PRIMARY selection on a real X server (Xvfb): what a person selects in a
Carnet field is marked, the lock clears it while Carnet owns it, and another program's
selection is left alone. The rest of the suite runs offscreen, where Qt has no selection
(supportsSelection() is False), so this runs in a child process on Xvfb."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.ui.x11_selection_child import CANARY, FOREIGN

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def x_display(tmp_path: Path) -> Iterator[str]:
    xvfb = shutil.which("Xvfb")
    if xvfb is None:
        pytest.skip("Xvfb is not installed (scripts/install-system-deps.sh test installs it)")
    read, write = os.pipe()
    server = subprocess.Popen(
        [xvfb, "-displayfd", str(write), "-nolisten", "tcp", "-screen", "0", "800x600x24"],
        pass_fds=(write,),
        stderr=subprocess.DEVNULL,
    )
    os.close(write)
    with os.fdopen(read) as numbers:
        display = numbers.readline().strip()
    try:
        yield f":{display}"
    finally:
        server.terminate()
        server.wait()


def test_the_lock_clears_a_selection_made_in_carnet_and_only_that(
    x_display: str, tmp_path: Path
) -> None:
    env = {
        **os.environ,
        "DISPLAY": x_display,
        "QT_QPA_PLATFORM": "xcb",
        "PYTHONPATH": str(ROOT),
        "HOME": str(tmp_path),
        "XDG_RUNTIME_DIR": str(tmp_path),
        "DBUS_SESSION_BUS_ADDRESS": "disabled:",
    }
    done = subprocess.run(
        [sys.executable, "-m", "tests.ui.x11_selection_child", "carnet"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["supports"] is True
    assert seen["owned"] is True
    assert seen["selected"] == CANARY
    assert seen["marked"] is True  # a clipboard manager keeping selections skips it
    assert seen["after_lock"] == ""  # the lock leaves nothing for a middle click
    assert seen["foreign_after_lock"] == FOREIGN  # another program's selection: theirs
