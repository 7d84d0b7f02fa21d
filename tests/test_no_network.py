"""Carnet opens no network connection unless the user sends: the proof.

Every command runs in its own process under a Python audit hook (PEP 578) installed
before Carnet is imported. The hook records every socket created, connected, bound or
sent from with an Internet address (AF_INET, AF_INET6), every name lookup, and every
child process started (a child could reach the network out of the hook's sight). The
process reports what it recorded and exits 99 if anything was. Positive controls show the
hook catching a real connection to 127.0.0.1 and a real name lookup.
"""

from __future__ import annotations

import argparse
import http.server
import json
import socket
import subprocess
import sys
import threading
from pathlib import Path
from typing import ClassVar

import pytest

from crypto.public_keys import encode_public_key
from crypto.recipient_keys import generate_key_pair
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
        self.ran: set[str] = set()

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

    def carnet(self, *args: str, stdin: str = "", code: int = 0, body: str = CLI_BODY) -> str:
        """Run a command that must use no network at all and exit with `code`."""
        proc, events = self.run(body, "--vault", str(self.cenv.vault), *args, stdin=stdin)
        assert events == [], f"carnet {' '.join(args)} used the network: {events}"
        assert proc.returncode == code, f"carnet {' '.join(args)}: {proc.stderr}"
        self.ran.add(command_of(args))
        return proc.stdout


def leaf_commands() -> set[str]:
    """Every command the parser knows ("incident add", "send", ...)."""
    from app.cli.main import build_parser

    found: set[str] = set()

    def walk(parser: argparse.ArgumentParser, prefix: list[str]) -> None:
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, child in action.choices.items():
                    if any(isinstance(a, argparse._SubParsersAction) for a in child._actions):
                        walk(child, [*prefix, name])
                    else:
                        found.add(" ".join([*prefix, name]))

    walk(build_parser(), [])
    return found


def command_of(args: tuple[str, ...]) -> str:
    words = [a for a in args if not a.startswith("-")]
    leaves = leaf_commands()
    return " ".join(words[:2]) if " ".join(words[:2]) in leaves else (words[0] if words else "")


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


# `carnet` with the transport seam (app/sending/transports.py) patched to the tests'
# stand-ins: a local copy for folders, an HTTP POST for URLs (until sync/'s land).
FAKE_CLI_BODY = (
    "import app.sending.transports as seam\n"
    "from tests import sending_fakes\n"
    "def _make(settings):\n"
    "    if settings.folder is not None:\n"
    "        return sending_fakes.LocalCopyTransport(settings.folder)\n"
    "    return sending_fakes.http_factory(settings)\n"
    "seam.make_transport = _make\n" + CLI_BODY
)


def jpeg(path: Path) -> Path:
    from PIL import Image

    Image.new("RGB", (32, 24), (200, 30, 30)).save(path, "JPEG")
    return path


def test_every_command_of_the_cli_journey_opens_no_connection(
    hooked: Hooked, tmp_path: Path
) -> None:
    """init → records → attach → export → every other command, each in a hooked
    process: not one socket, lookup or child process. `send` to a folder is in it too;
    only `send` to a URL may connect (the next test). The journey must cover every
    command the parser knows, so a new command cannot skip this proof."""
    cenv = hooked.cenv
    first = cenv.secret_file("first passphrase here", "first")
    second = cenv.secret_file("second passphrase here", "second")
    third = cenv.secret_file("third passphrase here", "third")
    duress = cenv.secret_file("a duress passphrase", "duress")
    org_pass = cenv.secret_file("organisation key passphrase", "org")
    token = cenv.secret_file("intake-token-value", "token")
    run = hooked.carnet

    created = run(
        "init", "--kdf-profile", "interactive", "--no-keyring", "--new-passphrase-file", str(first)
    )
    recovery_key = next(
        line.strip() for line in created.splitlines() if line.strip().count("-") == 13
    )
    recovery = cenv.secret_file(recovery_key, "recovery")
    pw = ("--passphrase-file", str(first))

    incident = run("incident", "add", *pw, "--title", "Raid", "--country", "KE").split()[-1]
    other = run("incident", "add", *pw, "--title", "To delete").split()[-1]
    run("incident", "list", *pw)
    run("incident", "show", incident, *pw)
    run("incident", "edit", incident, *pw, "--status", "documented")
    run("incident", "delete", other, *pw, "--yes")
    run("search", "Raid", *pw)
    run("codes", "countries")
    person = run("person", "add", *pw, "--name", "A witness").split()[-1]
    run("person", "list", *pw)
    run("person", "show", person, *pw)
    run("person", "edit", person, *pw, "--notes", "met twice")
    link = run("person", "link", person, *pw, "--incident", incident, "--role", "witness").split()[
        -1
    ]
    run("person", "link-edit", link, *pw, "--consent", "share", "--consent-org", "FLD")
    run("person", "unlink", link, *pw)
    run("person", "delete", person, *pw, "--yes")
    action = run(
        "intervention", "add", incident, *pw, "--actor", "FLD", "--kind", "urgent-appeal"
    ).split()[-1]
    run("intervention", "list", *pw)
    run("intervention", "edit", action, *pw, "--notes", "sent")
    run("intervention", "actors")
    run("intervention", "delete", action, *pw, "--yes")

    photo = run("attach", incident, str(jpeg(tmp_path / "photo.jpg")), *pw).split()[0]
    run("attachment", "list", incident, *pw)
    run("attachment", "extract", photo, "--out", str(tmp_path / "out.jpg"), *pw)
    stripped = run("attachment", "strip", photo, *pw).split()[0]
    run("attachment", "delete", stripped, *pw, "--yes")

    key_file = tmp_path / "org.key"
    public = run(
        "keygen",
        "--out",
        str(key_file),
        "--new-passphrase-file",
        str(org_pass),
        "--kdf-profile",
        "interactive",
    ).splitlines()[0]
    usb = tmp_path / "usb"
    usb.mkdir()
    run("destination", "add", "USB", "--key", public, "--folder", str(usb), *pw)
    run(
        "destination",
        "add",
        "Intake",
        "--key",
        public,
        "--url",
        "https://intake.example.org/files/",
        "--tor",
        "--pin-cert",
        "ab" * 32,
        "--token-file",
        str(token),
        *pw,
    )
    run(
        "destination",
        "edit",
        "Intake",
        "--url",
        "https://intake.example.org/files/",
        "--proxy",
        "socks5h://127.0.0.1:1080",
        *pw,
    )
    run("destination", "list", *pw)
    run("destination", "show", "Intake", *pw)
    run("export", "--to", "USB", "--all", *pw)
    bundle = tmp_path / "bundle.carnet"
    run("export", "--to", "Intake", "--all", "--out", str(bundle), *pw)
    run("export", "--to", "Intake", "--all", *pw)
    listed = json.loads(run("outbox", "list", "--json", *pw))
    run("outbox", "list", *pw)
    run("outbox", "remove", str(listed[-1]["id"]), "--yes", *pw)
    # The product's folder transport: no network; then the stand-in sends the rest.
    run("send", "USB", *pw)
    run("send", *pw, body=FAKE_CLI_BODY)
    verified = run(
        "bundle", "verify", str(bundle), "--key", str(key_file), "--passphrase-file", str(org_pass)
    )
    sender = next(
        line.removeprefix("signed by ")
        for line in verified.splitlines()
        if line.startswith("signed by")
    )
    run(
        "bundle",
        "open",
        str(bundle),
        "--key",
        str(key_file),
        "--passphrase-file",
        str(org_pass),
        "--out",
        str(tmp_path / "opened"),
    )
    run("sender", "add", "Field team", sender, "--key", str(key_file))
    run("sender", "list", "--key", str(key_file))
    run("sender", "remove", "Field team", "--key", str(key_file))
    run("custody", "show", *pw)
    run("custody", "verify", *pw)

    run("lockout", "set", "10", *pw)
    run("lockout", "status")
    run("lockout", "off", *pw)
    run("duress", "set", *pw, "--duress-passphrase-file", str(duress))
    run("duress", "clear", *pw)
    run("passwd", *pw, "--new-passphrase-file", str(second))
    run("recover", "--recovery-key-file", str(recovery), "--new-passphrase-file", str(third))
    pw = ("--passphrase-file", str(third))
    run("rekey", *pw, "--recovery-key-file", str(recovery))
    backup = tmp_path / "travel.carnet"
    run("travel", "prepare", "--out", str(backup), "--recovery-key-file", str(recovery), *pw)
    run("destination", "remove", "USB", "--yes", *pw)
    run("wipe", "--yes", *pw)
    run(
        "travel",
        "restore",
        str(backup),
        "--recovery-key-file",
        str(recovery),
        "--new-passphrase-file",
        str(first),
        "--kdf-profile",
        "interactive",
        "--no-keyring",
    )
    run("custody", "verify", "--passphrase-file", str(first))
    from sync.intake.store import UploadStore

    store = tmp_path / "intake-store"
    UploadStore(store, create=True)  # as `intake serve` leaves it
    run("intake", "list", "--store", str(store))

    # `intake serve` is the other command allowed to use the network; it runs until
    # stopped, so it has its own proof (test_intake_serve_listens_where_told_and_connects_nowhere).
    listens = {"intake serve"}
    assert leaf_commands() - listens - hooked.ran == set(), "commands the journey did not run"


class _Intake(http.server.BaseHTTPRequestHandler):
    received: ClassVar[list[bytes]] = []

    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        self.received.append(self.rfile.read(length))
        self.send_response(201)
        self.send_header("Location", f"/files/{len(self.received)}")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        return None


def test_send_to_an_http_destination_connects_only_to_it(hooked: Hooked, tmp_path: Path) -> None:
    """The one command that may connect connects to the destination and nowhere else:
    a real HTTP server on 127.0.0.1, every socket event of the send checked."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Intake)
    port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        cenv = hooked.cenv
        pw_file = cenv.secret_file("a passphrase for sending", "send")
        pw = ("--passphrase-file", str(pw_file))
        hooked.carnet(
            "init",
            "--kdf-profile",
            "interactive",
            "--no-keyring",
            "--new-passphrase-file",
            str(pw_file),
        )
        hooked.carnet("incident", "add", *pw, "--title", "Raid")
        public = encode_public_key(generate_key_pair().public_key)
        url = f"http://127.0.0.1:{port}/files/"
        hooked.carnet("destination", "add", "Intake", "--key", public, "--url", url, *pw)
        hooked.carnet("destination", "show", "Intake", *pw)  # describing it connects nowhere
        path = Path(hooked.carnet("export", "--to", "Intake", "--all", *pw).strip())
        proc, events = hooked.run(FAKE_CLI_BODY, "--vault", str(cenv.vault), "send", *pw)
    finally:
        server.shutdown()
        thread.join()
    assert proc.returncode == HOOKED, proc.stderr  # it did connect (the hook says so)
    assert proc.stdout.startswith("sent\t1\tIntake\t")
    assert _Intake.received == [path.read_bytes()]
    destination = f"('127.0.0.1', {port})"
    kinds = {event for event, _ in events}
    assert "socket.connect" in kinds
    for event, detail in events:
        if event == "socket.__new__":
            assert detail == f"family={int(socket.AF_INET)}", events
        else:  # a lookup or a connect: of the destination only
            assert event in ("socket.getaddrinfo", "socket.connect"), events
            assert detail == destination, events


# `carnet` unpatched (sync/'s real transports), reporting its own exit code on the last
# line of stderr: the hook's exit code (99) hides it whenever the process connected.
REAL_SEND_BODY = CLI_BODY + "print(f'exit {result}', file=sys.stderr)\n"

# urllib3 checks, when imported, whether this machine has IPv6 (urllib3.util.connection.
# _has_ipv6): it creates an AF_INET6 socket, binds it to ('::1', 0) and closes it. That
# socket is never connected and nothing leaves the machine. Exactly that pair of events
# (the socket's creation, then at once its bind to ('::1', 0)) is allowed; nothing broader.
IPV6_PROBE = [["socket.__new__", f"family={int(socket.AF_INET6)}"], ["socket.bind", "('::1', 0)"]]


def without_urllib3_ipv6_probe(events: list[list[str]]) -> list[list[str]]:
    kept: list[list[str]] = []
    index = 0
    while index < len(events):
        if events[index : index + 2] == IPV6_PROBE:
            index += 2
            continue
        kept.append(events[index])
        index += 1
    return kept


def assert_only_reached(events: list[list[str]], address: str) -> None:
    """Every socket IPv4, every lookup and connect of `address` alone, at least one
    connect: the process reached `address` and nothing else."""
    remaining = without_urllib3_ipv6_probe(events)
    assert ["socket.connect", address] in remaining, events
    for event, detail in remaining:
        if event == "socket.__new__":
            assert detail == f"family={int(socket.AF_INET)}", events
        else:
            assert event in ("socket.getaddrinfo", "socket.connect"), events
            assert detail == address, events


def test_only_the_exact_ipv6_probe_pair_is_allowed() -> None:
    """The allowance cannot hide anything else: a connect of an IPv6 socket, a bind
    elsewhere, or a probe socket's bind separated from its creation all stay."""
    six = ["socket.__new__", f"family={int(socket.AF_INET6)}"]
    assert without_urllib3_ipv6_probe([*IPV6_PROBE, *IPV6_PROBE]) == []
    kept = [
        [six, ["socket.connect", "('::1', 80, 0, 0)"]],
        [six, ["socket.bind", "('::', 0)"]],
        [six, ["socket.getaddrinfo", "('x', 1)"], ["socket.bind", "('::1', 0)"]],
        [["socket.bind", "('::1', 0)"]],
    ]
    for events in kept:
        assert without_urllib3_ipv6_probe(events) == events
    assert without_urllib3_ipv6_probe([*IPV6_PROBE, ["socket.connect", "('::1', 80, 0, 0)"]]) == [
        ["socket.connect", "('::1', 80, 0, 0)"]
    ]


def exit_code(proc: subprocess.CompletedProcess[str]) -> int:
    last = proc.stderr.rstrip("\n").rsplit("\n", 1)[-1]
    assert last.startswith("exit "), proc.stderr[-2000:]
    return int(last.removeprefix("exit "))


def prepare_send(hooked: Hooked, url: str, *transport: str) -> tuple[tuple[str, str], Path]:
    """A vault with one incident exported to destination "Intake" at `url` (with the
    intake's token and `transport` options); every step hooked and offline."""
    from tests.intake_helpers import TOKEN

    cenv = hooked.cenv
    pw_file = cenv.secret_file("a passphrase for sending", "send")
    token = cenv.secret_file(TOKEN, "intake-token")
    pw = ("--passphrase-file", str(pw_file))
    hooked.carnet(
        "init",
        "--kdf-profile",
        "interactive",
        "--no-keyring",
        "--new-passphrase-file",
        str(pw_file),
    )
    hooked.carnet("incident", "add", *pw, "--title", "Raid")
    public = encode_public_key(generate_key_pair().public_key)
    hooked.carnet(
        "destination",
        "add",
        "Intake",
        "--key",
        public,
        "--url",
        url,
        "--token-file",
        str(token),
        *transport,
        *pw,
    )
    hooked.carnet("destination", "show", "Intake", *pw)  # describing it connects nowhere
    bundle = Path(hooked.carnet("export", "--to", "Intake", "--all", *pw).strip())
    return pw, bundle


def test_send_through_the_real_tus_transport_connects_only_to_the_intake(
    hooked: Hooked, tmp_path: Path
) -> None:
    """`carnet send` with sync/'s tus client, unpatched, to the embedded intake on
    127.0.0.1: the lookups and connections of the send are of the intake's address only."""
    from tests.intake_helpers import intake_config, running_intake

    with running_intake(intake_config(tmp_path / "store")) as intake:
        pw, bundle = prepare_send(hooked, intake.url)
        proc, events = hooked.run(REAL_SEND_BODY, "--vault", str(hooked.cenv.vault), "send", *pw)
        arrived = intake.finished()
    assert_only_reached(events, f"('127.0.0.1', {intake.port})")
    assert exit_code(proc) == 0, proc.stderr
    assert proc.returncode == HOOKED  # it did connect (the hook says so)
    assert proc.stdout.startswith("sent\t1\tIntake\t")
    assert list(arrived.values()) == [bundle.read_bytes()]


def test_send_through_socks5_connects_only_to_the_proxy_and_looks_nothing_up(
    hooked: Hooked, tmp_path: Path
) -> None:
    """Through microsocks (`--proxy socks5h://`): Carnet connects to the proxy and to
    nothing else, and never looks up the destination's name (`localhost` here): the proxy
    resolves it (its log says so), as Tor would resolve an onion address."""
    from tests.intake_helpers import intake_config, running_intake
    from tests.sync_servers import microsocks

    with (
        running_intake(intake_config(tmp_path / "store")) as intake,
        microsocks(tmp_path) as proxy,
    ):
        url = f"http://localhost:{intake.port}/files/"
        pw, bundle = prepare_send(hooked, url, "--proxy", proxy.url)
        proc, events = hooked.run(REAL_SEND_BODY, "--vault", str(hooked.cenv.vault), "send", *pw)
        arrived = intake.finished()
        through = proxy.connections()
    assert_only_reached(events, f"('127.0.0.1', {proxy.port})")
    assert not any("localhost" in detail or str(intake.port) in detail for _, detail in events)
    assert exit_code(proc) == 0, proc.stderr
    assert proc.stdout.startswith("sent\t1\tIntake\t")
    assert list(arrived.values()) == [bundle.read_bytes()]
    assert through and set(through) == {f"localhost:{intake.port}"}, through


def test_send_with_the_proxy_down_fails_closed(hooked: Hooked, tmp_path: Path) -> None:
    """No proxy listening: exit 6, "is Tor running?", and no direct connection to the
    destination (a listener there would have been reached): only the proxy was tried."""
    from tests.sync_servers import free_port

    reached: list[object] = []
    stop = threading.Event()
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as destination:
        destination.bind(("127.0.0.1", 0))
        destination.listen(8)
        destination.settimeout(0.1)
        port = destination.getsockname()[1]

        def watch() -> None:  # counts and closes any direct connection to the destination
            while not stop.is_set():
                try:
                    conn, peer = destination.accept()
                except TimeoutError:
                    continue
                reached.append(peer)
                conn.close()

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        dead_proxy = free_port()
        url = f"http://127.0.0.1:{port}/files/"
        pw, _bundle = prepare_send(hooked, url, "--proxy", f"socks5h://127.0.0.1:{dead_proxy}")
        proc, events = hooked.run(REAL_SEND_BODY, "--vault", str(hooked.cenv.vault), "send", *pw)
        stop.set()
        watcher.join()
    assert reached == [], "the send went to the destination directly"
    assert_only_reached(events, f"('127.0.0.1', {dead_proxy})")
    assert exit_code(proc) == 6, proc.stderr
    [message] = proc.stderr.splitlines()[:-1]
    assert message.startswith("carnet: error: could not send bundle 1 to 'Intake': ")
    assert message.endswith(
        f"the proxy at 127.0.0.1:{dead_proxy} is not reachable — is Tor running?"
    )
    assert proc.stdout == ""


def test_intake_serve_listens_where_told_and_connects_nowhere(
    hooked: Hooked, tmp_path: Path
) -> None:
    """The organisation's server, hooked, receives a real upload and is stopped with
    SIGTERM: it creates and binds only its listening socket on the address it was given
    (and the sockets of the connections it accepts); it connects nowhere, looks up no
    other name, and starts no child process."""
    import signal

    import requests

    store = tmp_path / "org-store"
    store.mkdir()
    hooked.count += 1
    report = hooked.reports / f"report-{hooked.count}.json"
    serve = ("intake", "serve", "--store", str(store), "--host", "127.0.0.1", "--port", "0")
    proc = subprocess.Popen(
        [sys.executable, "-c", HOOK, str(report), CLI_BODY, *serve],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=hooked.cenv.env,
        cwd=hooked.cenv.root,
    )
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:"), url
        body = b"sealed bundle bytes " * 100
        tus = {"Tus-Resumable": "1.0.0"}
        created = requests.post(url, headers={**tus, "Upload-Length": str(len(body))}, timeout=30)
        assert created.status_code == 201, created.status_code
        upload = requests.compat.urljoin(url, created.headers["Location"])
        patched = requests.patch(
            upload,
            data=body,
            timeout=30,
            headers={
                **tus,
                "Upload-Offset": "0",
                "Content-Type": "application/offset+octet-stream",
            },
        )
        assert patched.status_code == 204, patched.status_code
    finally:
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
    events = json.loads(report.read_text(encoding="utf-8"))
    port = int(url.rsplit(":", 1)[1].split("/")[0])
    assert [name for name in (store / "finished").iterdir()], err  # it did receive
    for event, detail in events:
        if event == "socket.__new__":
            assert detail == f"family={int(socket.AF_INET)}", events
        elif event == "socket.bind":
            assert detail in ("('127.0.0.1', 0)", f"('127.0.0.1', {port})"), events
        elif event == "socket.getaddrinfo":
            assert detail.startswith("('127.0.0.1',"), events  # its own address, no name
        else:
            pytest.fail(f"the intake did more than listen: {event} {detail} ({events})")
    assert any(event == "socket.bind" for event, _ in events), events  # not vacuous
    assert proc.returncode == HOOKED  # it used the network (listening), as it should
