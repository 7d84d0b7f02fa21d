"""A whole desktop session leaves no trace and opens no network socket.

The session (tests/ui/journey_child.py) runs in its own process with a private HOME, XDG
folders and TMPDIR, under strace: Qt's own sockets are C++ and out of reach of Python's
audit hook, but not of the kernel's view. Local (AF_UNIX) sockets are allowed: they are
the display and D-Bus. Afterwards every file under the private folders is searched for
the canary and for the vault's path (QtProject.conf, recent files, thumbnails, caches and
Carnet's own preferences included); inside the vault only ciphertext may remain.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, CarnetEnv

CANARY = "Heron-Canary-8812"
STRACE = ("strace", "-f", "-qq", "-e", "trace=socket,connect", "-o")


def _run_journey(cenv: CarnetEnv, strace_log: Path | None) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "tests.ui.journey_child", str(cenv.root / "work"), CANARY]
    if strace_log is not None:
        command = [*STRACE, str(strace_log), *command]
    (cenv.root / "work").mkdir()
    return subprocess.run(
        command, env=cenv.env, cwd=ROOT, capture_output=True, text=True, timeout=240
    )


@pytest.mark.skipif(shutil.which("strace") is None, reason="strace is installed by make test")
def test_gui_session_opens_no_network_socket(carnet_env: CarnetEnv) -> None:
    log = carnet_env.root / "strace.log"
    proc = _run_journey(carnet_env, log)
    assert proc.returncode == 0, proc.stderr[-3000:]
    calls = log.read_text(encoding="utf-8").splitlines()
    inet = [line for line in calls if re.search(r"AF_INET6?\b", line)]
    assert inet == [], f"the desktop app used the network: {inet[:5]}"


@pytest.mark.skipif(shutil.which("strace") is None, reason="strace is installed by make test")
def test_strace_filter_sees_a_real_connection(tmp_path: Path) -> None:
    """The positive control: the same filter catches a Python connect to 127.0.0.1."""
    log = tmp_path / "strace.log"
    child = (
        "import socket\n"
        "s = socket.socket()\n"
        "try:\n    s.connect(('127.0.0.1', 9))\nexcept OSError:\n    pass\n"
    )
    subprocess.run(
        [
            "strace",
            "-f",
            "-qq",
            "-e",
            "trace=socket,connect",
            "-o",
            str(log),
            sys.executable,
            "-c",
            child,
        ],
        check=True,
        timeout=60,
    )
    calls = log.read_text(encoding="utf-8").splitlines()
    assert [line for line in calls if re.search(r"AF_INET6?\b", line)]


def test_gui_session_leaves_no_trace(carnet_env: CarnetEnv) -> None:
    proc = _run_journey(carnet_env, None)
    assert proc.returncode == 0, proc.stderr[-3000:]
    vault = str(carnet_env.root / "work" / "vault")
    needles = [CANARY.encode(), vault.encode(), vault.encode("utf-16-le")]
    found = []
    for folder, _dirs, files in os.walk(carnet_env.root):
        for name in files:
            path = Path(folder) / name
            if path.name == "strace.log":
                continue
            data = path.read_bytes()
            found += [(str(path), n[:20]) for n in needles if n in data]
            assert CANARY not in name, f"a file is named after notebook data: {path}"
    assert found == [], f"notebook data or the vault's path left on disk: {found}"
    assert not list(carnet_env.root.rglob("QtProject.conf"))
    assert not list(carnet_env.root.rglob("recently-used.xbel"))
