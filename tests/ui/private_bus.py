"""A private D-Bus daemon for tests: it plays the session bus (a screensaver) or the
system bus (logind). Minimal config, no service activation, so only what a test
registers is on it; signals are sent with dbus-send, as a screensaver or logind would."""

from __future__ import annotations

import itertools
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

import pytest
from PySide6.QtDBus import QDBusConnection

_BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir={socket_dir}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""

_names = itertools.count()


class PrivateBus:
    """A dbus-daemon of our own; connections to it are closed when the test ends."""

    def __init__(self) -> None:
        daemon = shutil.which("dbus-daemon")
        if daemon is None or shutil.which("dbus-send") is None:
            pytest.fail("dbus-daemon or dbus-send is missing: scripts/install-system-deps.sh test")
        # A short folder: a unix socket path must fit in 108 bytes.
        self.folder = Path(tempfile.mkdtemp(prefix="carnet-bus-", dir="/tmp"))
        config = self.folder / "bus.conf"
        config.write_text(_BUS_CONFIG.format(socket_dir=self.folder), encoding="utf-8")
        proc = subprocess.run(
            [daemon, f"--config-file={config}", "--print-address=1", "--print-pid=1", "--fork"],
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        )
        lines = proc.stdout.split()
        self.address, self.pid = lines[0], int(lines[1])
        self._connections: list[str] = []

    def connect(self) -> QDBusConnection:
        name = f"carnet-test-{os.getpid()}-{next(_names)}"
        bus = QDBusConnection.connectToBus(self.address, name)
        assert bus.isConnected()
        self._connections.append(name)
        return bus

    def send_signal(self, path: str, member: str, *args: str) -> None:
        subprocess.run(
            ["dbus-send", f"--bus={self.address}", "--type=signal", path, member, *args],
            check=True,
            timeout=30,
        )

    def close(self) -> None:
        for name in self._connections:
            QDBusConnection.disconnectFromBus(name)
        os.kill(self.pid, signal.SIGTERM)
        shutil.rmtree(self.folder, ignore_errors=True)
