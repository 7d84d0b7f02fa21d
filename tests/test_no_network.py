"""Carnet opens no network connection unless the user sends: the proof.

Every command runs in its own process under a Python audit hook (PEP 578) installed
before Carnet is imported. The hook records every socket created, connected, bound or
sent from with an Internet address (AF_INET, AF_INET6), every name lookup, and every
child process started (a child could reach the network out of the hook's sight). The
process reports what it recorded and exits 99 if anything was. Positive controls show the
hook catching a real connection to 127.0.0.1 and a real name lookup.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import CarnetEnv

HOOKED = 99

# Installed first thing; argv[1] is the report file, argv[2] the body to run after it.
HOOK = r"""
import json
import socket
import sys

_report, _body = sys.argv[1], sys.argv[2]
del sys.argv[1:3]
_events = []
_INET = (socket.AF_INET, socket.AF_INET6)
_LOOKUPS = {
    "socket.getaddrinfo",
    "socket.gethostbyname",
    "socket.gethostbyname_ex",
    "socket.gethostbyaddr",
    "socket.getnameinfo",
}
_WITH_ADDRESS = {"socket.connect", "socket.bind", "socket.sendto", "socket.sendmsg"}
_SPAWNS = {"subprocess.Popen", "os.system", "os.posix_spawn", "os.spawn", "os.exec", "os.fork"}


def _hook(event, args):
    if event in _LOOKUPS:
        _events.append([event, repr(args[:2])])
    elif event in _WITH_ADDRESS:
        sock, address = args[0], args[1]
        if getattr(sock, "family", None) in _INET or isinstance(address, tuple):
            _events.append([event, repr(address)])
    elif event == "socket.__new__":
        if args[1] in _INET:
            _events.append([event, f"family={args[1]!r}"])
    elif event in _SPAWNS:
        _events.append([event, repr(args[:1])])


sys.addaudithook(_hook)
_code = 1
try:
    _code = 0
    exec(compile(_body, "<body>", "exec"))
    _code = int(globals().get("result", 0) or 0)
finally:
    with open(_report, "w", encoding="utf-8") as _handle:
        json.dump(_events, _handle)
sys.exit(HOOKED_EXIT if _events else _code)
""".replace("HOOKED_EXIT", str(HOOKED))

CLI_BODY = "from app.__main__ import main\nresult = main(sys.argv[1:])\n"

GUI_BODY = r"""
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

app = QApplication(["carnet"])
shown = []


def finish():
    shown.extend(type(w).__name__ for w in app.topLevelWidgets() if w.isVisible())
    for widget in app.topLevelWidgets():
        widget.close()
    app.quit()


QTimer.singleShot(300, finish)
from app.__main__ import main  # noqa: E402

result = main([])  # `carnet` without arguments: the desktop app (no vault yet: first run)
print("shown:", ",".join(shown))
print("qtnetwork:", "PySide6.QtNetwork" in sys.modules)
"""


class Hooked:
    """Runs bodies under the hook in the isolated environment; keeps every report."""

    def __init__(self, cenv: CarnetEnv, reports: Path) -> None:
        self.cenv = cenv
        self.reports = reports
        reports.mkdir(exist_ok=True)
        self.count = 0

    def run(
        self, body: str, *args: str, stdin: str = "", timeout: float = 120
    ) -> tuple[subprocess.CompletedProcess[str], list[list[str]]]:
        self.count += 1
        report = self.reports / f"report-{self.count}.json"
        proc = subprocess.run(
            [sys.executable, "-c", HOOK, str(report), body, *args],
            input=stdin,
            capture_output=True,
            text=True,
            env=self.cenv.env,
            cwd=self.cenv.root,
            timeout=timeout,
        )
        assert report.exists(), f"the hooked process wrote no report: {proc.stderr[-2000:]}"
        return proc, json.loads(report.read_text(encoding="utf-8"))

    def carnet(self, *args: str, stdin: str = "") -> str:
        proc, events = self.run(CLI_BODY, "--vault", str(self.cenv.vault), *args, stdin=stdin)
        assert events == [], f"carnet {' '.join(args)} used the network: {events}"
        assert proc.returncode == 0, f"carnet {' '.join(args)}: {proc.stderr}"
        return proc.stdout


@pytest.fixture
def hooked(carnet_env: CarnetEnv, tmp_path: Path) -> Hooked:
    return Hooked(carnet_env, tmp_path / "reports")


def test_hook_catches_a_real_connection_to_localhost(hooked: Hooked) -> None:
    """Positive control: a connection attempt is seen, and the process fails."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        listener.settimeout(30)
        port = listener.getsockname()[1]
        body = (
            "s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)\n"
            f"s.connect(('127.0.0.1', {port}))\n"
            "s.sendall(b'hello')\n"
            "s.close()\n"
        )
        proc, events = hooked.run(body)
        conn, _ = listener.accept()  # the connection was real
        conn.close()
    assert proc.returncode == HOOKED, proc.stderr
    kinds = [event for event, _ in events]
    assert "socket.connect" in kinds
    assert f"('127.0.0.1', {port})" in [detail for event, detail in events]


def test_hook_catches_a_name_lookup_and_a_udp_send(hooked: Hooked) -> None:
    body = (
        "try:\n"
        "    socket.getaddrinfo('localhost', 80)\n"
        "except OSError:\n"
        "    pass\n"
        "u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
        "u.sendto(b'x', ('127.0.0.1', 9))\n"
        "u.close()\n"
    )
    proc, events = hooked.run(body)
    assert proc.returncode == HOOKED
    kinds = {event for event, _ in events}
    assert {"socket.getaddrinfo", "socket.__new__", "socket.sendto"} <= kinds


def test_hook_lets_a_clean_process_pass(hooked: Hooked) -> None:
    """The other side of the control: no false alarm from the hook itself."""
    proc, events = hooked.run("import app.cli.main\nresult = 0\n")
    assert (proc.returncode, events) == (0, []), proc.stderr


def test_a_full_cli_session_opens_no_connection(hooked: Hooked) -> None:
    cenv = hooked.cenv
    old = cenv.secret_file("first passphrase here", "old")
    new = cenv.secret_file("second passphrase here", "new")
    third = cenv.secret_file("third passphrase here", "third")

    assert "carnet" in hooked.carnet("--version")
    # Without --no-keyring: the keyring is probed (none here), which must stay local.
    created = hooked.carnet(
        "init", "--kdf-profile", "interactive", "--new-passphrase-file", str(old)
    )
    recovery_key = next(
        line.strip() for line in created.splitlines() if line.strip().count("-") == 13
    )
    recovery = cenv.secret_file(recovery_key, "recovery")
    pw = ("--passphrase-file", str(old))

    incident = hooked.carnet(
        "incident",
        "add",
        *pw,
        "--title",
        "Raid on the union office",
        "--date",
        "2024-02-10",
        "--country",
        "KE",
        "--violation",
        "raid",
        "--tag",
        "union",
        "--narrative-file",
        "-",
        stdin="Police entered without a warrant.\n",
    ).split()[-1]
    hooked.carnet(
        "incident",
        "add",
        *pw,
        "--json-file",
        "-",
        stdin=json.dumps([{"title": "Imported one"}, {"title": "Imported two"}]),
    )
    hooked.carnet(
        "person",
        "add",
        *pw,
        "--name",
        "Wanjiru Kamau",
        "--incident",
        incident,
        "--role",
        "victim",
        "--consent",
        "share",
        "--consent-org",
        "Front Line Defenders",
    )
    witness = hooked.carnet("person", "add", *pw, "--name", "A neighbour").split()[-1]
    hooked.carnet("person", "link", witness, *pw, "--incident", incident, "--role", "witness")
    hooked.carnet(
        "intervention",
        "add",
        incident,
        *pw,
        "--actor",
        "Front Line Defenders",
        "--kind",
        "urgent-appeal",
    )
    hooked.carnet("incident", "edit", incident, *pw, "--status", "documented")
    assert "Raid on the union office" in hooked.carnet("incident", "list", *pw)
    assert "Wanjiru Kamau" in hooked.carnet("incident", "show", incident, *pw)
    assert json.loads(hooked.carnet("incident", "show", incident, "--json", *pw))["people"]
    assert hooked.carnet("search", "union", *pw).split("\t")[0] == incident
    hooked.carnet("person", "list", *pw)
    hooked.carnet("intervention", "list", *pw)
    hooked.carnet("intervention", "actors")
    hooked.carnet("codes", "violations")

    hooked.carnet("passwd", *pw, "--new-passphrase-file", str(new))
    hooked.carnet(
        "recover", "--recovery-key-file", str(recovery), "--new-passphrase-file", str(third)
    )
    assert hooked.carnet("search", "Kamau", "--passphrase-file", str(third)).startswith(incident)

    # Errors take the same paths without the network: a wrong passphrase, a usage error.
    proc, events = hooked.run(CLI_BODY, "--vault", str(cenv.vault), "incident", "list", *pw)
    assert (proc.returncode, events) == (3, []), proc.stderr
    proc, events = hooked.run(CLI_BODY, "--vault", str(cenv.vault), "incident", "frobnicate")
    assert (proc.returncode, events) == (2, []), proc.stderr
    assert hooked.count >= 20


def test_the_desktop_app_opens_no_connection(hooked: Hooked) -> None:
    proc, events = hooked.run(GUI_BODY)
    assert events == [], f"the GUI used the network: {events}"
    assert proc.returncode == 0, proc.stderr
    assert "shown: FirstRunWizard" in proc.stdout
    assert "qtnetwork: False" in proc.stdout
