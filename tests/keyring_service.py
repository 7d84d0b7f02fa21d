"""A real Secret Service for tests: gnome-keyring-daemon on a private D-Bus session bus.

`secret_service` starts, for one test's `carnet_env`, its own `dbus-daemon` (a minimal
session config: no service activation, so nothing but our daemon can appear on the bus)
and `gnome-keyring-daemon --unlock --components=secrets`, its keyring files under that
test's HOME. It waits, by bounded polling, until org.freedesktop.secrets is on the bus and
its default collection is unlocked, then points `carnet_env.env` at the bus: child
processes (`run_carnet`) find the keyring the way they would on a desktop, through the
keyring package's own backend resolution. The test process's os.environ is left alone,
so an in-process keyring (which caches its backend) never sees a daemon that will die.

`start_secret_service(cenv)` does the same for a second user (another computer).

Without dbus-daemon or gnome-keyring-daemon the tests are skipped, unless
CARNET_REQUIRE_KEYRING_TESTS=1 (CI), where they fail. Every daemon is stopped, by process
group, when the test ends.
"""

from __future__ import annotations

import contextlib
import json
import os
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from tests.conftest import CarnetEnv

# Read at import: the carnet_env fixture removes CARNET_* from os.environ.
REQUIRE_KEYRING_TESTS = os.environ.get("CARNET_REQUIRE_KEYRING_TESTS") == "1"
KEYRING_PASSWORD = "test"
SECRETS_BUS_NAME = "org.freedesktop.secrets"
STARTUP_TIMEOUT = 15.0
STOP_TIMEOUT = 5.0

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

_GET_PASSWORD = """
import json, sys, keyring
print(json.dumps(keyring.get_password(sys.argv[1], sys.argv[2])))
"""

_DELETE_PASSWORD = """
import sys, keyring
keyring.delete_password(sys.argv[1], sys.argv[2])
"""

_ALL_ITEMS = """
import json, secretstorage
conn = secretstorage.dbus_init()
items = []
for collection in secretstorage.get_all_collections(conn):
    for item in collection.get_all_items():
        items.append({"label": item.get_label(), "attributes": item.get_attributes()})
print(json.dumps(items))
"""

_BACKEND = """
import keyring
print(type(keyring.get_keyring()).__module__)
"""


@dataclass
class SecretService:
    """A running Secret Service, and ways to look into it from a child process."""

    cenv: CarnetEnv
    address: str

    @property
    def keyrings_dir(self) -> Path:
        """Where gnome-keyring keeps its (encrypted) keyring files."""
        return Path(self.cenv.env["XDG_DATA_HOME"]) / "keyrings"

    def python(self, code: str, *args: str) -> str:
        """Run `code` in a child python with the user's environment; its stdout."""
        proc = subprocess.run(
            [sys.executable, "-c", code, *args],
            capture_output=True,
            text=True,
            env=self.cenv.env,
            timeout=30,
        )
        if proc.returncode != 0:
            raise AssertionError(f"keyring helper failed: {proc.stderr}")
        return proc.stdout

    def get_password(self, service: str, username: str) -> str | None:
        value: str | None = json.loads(self.python(_GET_PASSWORD, service, username))
        return value

    def delete_password(self, service: str, username: str) -> None:
        self.python(_DELETE_PASSWORD, service, username)

    def all_items(self) -> list[dict[str, Any]]:
        """Every item in every collection, as label and attributes."""
        items: list[dict[str, Any]] = json.loads(self.python(_ALL_ITEMS))
        return items

    def backend_module(self) -> str:
        """The module of the backend the keyring package resolves to for this user."""
        return self.python(_BACKEND).strip()


def _missing(message: str) -> None:
    if REQUIRE_KEYRING_TESTS:
        pytest.fail(f"{message} (CARNET_REQUIRE_KEYRING_TESTS=1)")
    pytest.skip(message)


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """Stop a daemon and everything in its process group; never leave one behind."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
        try:
            proc.wait(timeout=STOP_TIMEOUT)
            break
        except subprocess.TimeoutExpired:
            continue
    # The leader is gone; anything it left in its group goes too.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)


def _read_address(proc: subprocess.Popen[bytes], deadline: float) -> str:
    """The first line dbus-daemon prints (--print-address), within the deadline."""
    assert proc.stdout is not None
    data = b""
    with selectors.DefaultSelector() as sel:
        sel.register(proc.stdout, selectors.EVENT_READ)
        while b"\n" not in data:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not sel.select(timeout=remaining):
                raise TimeoutError("dbus-daemon printed no address")
            chunk = os.read(proc.stdout.fileno(), 4096)
            if not chunk:
                raise RuntimeError("dbus-daemon exited before printing its address")
            data += chunk
    return data.split(b"\n", 1)[0].decode("ascii").strip()


def _secrets_ready(address: str) -> bool:
    """org.freedesktop.secrets is owned and its default collection exists, unlocked."""
    from jeepney import DBusAddress, MessageType, Properties, new_method_call
    from jeepney.bus_messages import message_bus
    from jeepney.io.blocking import open_dbus_connection

    with open_dbus_connection(bus=address) as conn:
        reply = conn.send_and_get_reply(message_bus.NameHasOwner(SECRETS_BUS_NAME), timeout=5)
        if reply.header.message_type is MessageType.error or not reply.body[0]:
            return False
        service = DBusAddress(
            "/org/freedesktop/secrets",
            bus_name=SECRETS_BUS_NAME,
            interface="org.freedesktop.Secret.Service",
        )
        reply = conn.send_and_get_reply(
            new_method_call(service, "ReadAlias", "s", ("default",)), timeout=5
        )
        if reply.header.message_type is MessageType.error or reply.body[0] == "/":
            return False
        collection = DBusAddress(
            reply.body[0], bus_name=SECRETS_BUS_NAME, interface="org.freedesktop.Secret.Collection"
        )
        reply = conn.send_and_get_reply(Properties(collection).get("Locked"), timeout=5)
        if reply.header.message_type is MessageType.error:
            return False
        locked: bool = reply.body[0][1]
        return not locked


@contextlib.contextmanager
def start_secret_service(cenv: CarnetEnv) -> Iterator[SecretService]:
    """Run a private bus and gnome-keyring for `cenv`; point `cenv.env` at them."""
    dbus_daemon = shutil.which("dbus-daemon")
    keyring_daemon = shutil.which("gnome-keyring-daemon")
    if dbus_daemon is None or keyring_daemon is None:
        missing = [
            name
            for name, path in (
                ("dbus-daemon", dbus_daemon),
                ("gnome-keyring-daemon", keyring_daemon),
            )
            if path is None
        ]
        _missing(f"no real Secret Service: {', '.join(missing)} not installed")
    assert dbus_daemon is not None and keyring_daemon is not None

    # Unix socket paths are limited to ~108 bytes: a short private folder for the bus
    # socket and gnome-keyring's control socket, outside the scanned HOME.
    run_dir = Path(
        tempfile.mkdtemp(prefix="carnet-ss-", dir="/tmp" if Path("/tmp").is_dir() else None)
    )
    run_dir.chmod(0o700)
    sockets = run_dir / "run"
    sockets.mkdir(mode=0o700)
    config = run_dir / "bus.conf"
    config.write_text(_BUS_CONFIG.format(socket_dir=sockets), encoding="utf-8")
    daemon_env = dict(cenv.env)
    daemon_env["XDG_RUNTIME_DIR"] = str(sockets)
    daemon_env.pop("PYTHON_KEYRING_BACKEND", None)
    daemon_env.pop("DBUS_SESSION_BUS_ADDRESS", None)

    started: list[subprocess.Popen[bytes]] = []
    logs = [(run_dir / "dbus.log").open("wb"), (run_dir / "keyring.log").open("wb")]
    saved_env = dict(cenv.env)
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        bus = subprocess.Popen(
            [
                dbus_daemon,
                f"--config-file={config}",
                "--print-address=1",
                "--nofork",
                "--nopidfile",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=logs[0],
            env=daemon_env,
            start_new_session=True,
        )
        started.append(bus)
        address = _read_address(bus, deadline)
        daemon_env["DBUS_SESSION_BUS_ADDRESS"] = address

        keyring = subprocess.Popen(
            [keyring_daemon, "--unlock", "--components=secrets", "--foreground"],
            stdin=subprocess.PIPE,
            stdout=logs[1],
            stderr=logs[1],
            env=daemon_env,
            cwd=cenv.root,
            start_new_session=True,
        )
        started.append(keyring)
        assert keyring.stdin is not None
        keyring.stdin.write(KEYRING_PASSWORD.encode("ascii"))
        keyring.stdin.close()

        last_error: Exception | None = None
        while True:
            for proc, name in ((bus, "dbus-daemon"), (keyring, "gnome-keyring-daemon")):
                if proc.poll() is not None:
                    log = b"".join(p.read_bytes() for p in run_dir.glob("*.log"))
                    pytest.fail(
                        f"{name} exited ({proc.returncode}): {log.decode(errors='replace')}"
                    )
            try:
                if _secrets_ready(address):
                    break
            except Exception as exc:  # the bus or the service is still coming up
                last_error = exc
            if time.monotonic() > deadline:
                log = b"".join(p.read_bytes() for p in run_dir.glob("*.log"))
                pytest.fail(
                    f"the Secret Service did not come up in {STARTUP_TIMEOUT:.0f} s "
                    f"({last_error!r}): {log.decode(errors='replace')}"
                )
            time.sleep(0.02)  # polling interval, bounded by the deadline above

        cenv.env["DBUS_SESSION_BUS_ADDRESS"] = address
        cenv.env.pop("PYTHON_KEYRING_BACKEND", None)
        yield SecretService(cenv=cenv, address=address)
    finally:
        cenv.env.clear()
        cenv.env.update(saved_env)
        for proc in reversed(started):
            _stop(proc)
        for log_file in logs:
            log_file.close()
        shutil.rmtree(run_dir, ignore_errors=True)


@pytest.fixture
def secret_service(carnet_env: CarnetEnv) -> Iterator[SecretService]:
    """gnome-keyring on a private D-Bus session, for `carnet_env`'s child processes."""
    with start_secret_service(carnet_env) as service:
        yield service
