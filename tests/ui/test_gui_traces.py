"""The desktop app leaves no trace on disk and opens no network connection: the proof.

The whole journey of tests/ui/journey_child.py (first run, an incident and two files
holding a canary, a preview, "Save a copy as…" through Qt's own file dialog, a search, a
setting changed, a copy, Ctrl+L, unlock, quit) runs as its own process under strace,
with a private HOME, XDG folders, runtime folder and TMPDIR, as a real start would.

Network: every socket(), connect(), bind(), sendto() and sendmsg() of every thread is
recorded. Allowed: Unix sockets only, connected to the D-Bus system bus socket (the
screen-lock listener watches logind's PrepareForSleep, which issue 12 asks for) or to a
socket inside the private tree (a private session bus). Seen on the reference machine:
one connect to /run/dbus/system_bus_socket (absent there: ENOENT) and nothing else. Any
other family (AF_INET, AF_INET6, AF_NETLINK…), any other Unix path (nscd, /dev/log, a
real session bus, X11) fails the test.

Disk: afterwards no file under the private tree (the vault included) holds the canary
(UTF-8, UTF-16, upper case, file names), the recovery key or the passphrase; none but
the vault's holds the vault's path, the evidence folder's, the saved copy's folder or a
file's name; the only file outside the vault is Carnet's preferences file. Qt's
QtProject.conf, a recently-used.xbel or a thumbnails folder is named outright.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import PASSPHRASE, CarnetEnv, isolated_env
from tests.test_no_plaintext import DESKTOP_TRACES, Hit, assert_private, scan

pytestmark = pytest.mark.slow

SYSTEM_BUS_SOCKETS = ("/run/dbus/system_bus_socket", "/var/run/dbus/system_bus_socket")
# Font caches fontconfig may write when the system's are stale: font paths, nothing else.
HARMLESS = ("home/.cache/fontconfig/",)
# Every thread and child (-f); seccomp-bpf stops only at these calls (the journey runs
# about twice as fast as with every syscall stopping).
TRACE_SOCKETS = ("-f", "--seccomp-bpf", "-e", "trace=socket,connect,bind,sendto,sendmsg")
_CALL = re.compile(r"^(\d+)\s+(socket|connect|bind|sendto|sendmsg)\((.*)$")
_UNIX_PATH = re.compile(r'sun_path=(@?)"((?:[^"\\]|\\.)*)"')
_FAMILY = re.compile(r"sa_family=(AF_\w+)")


def strace() -> str:
    path = shutil.which("strace")
    if path is None:
        pytest.fail("strace is missing: scripts/install-system-deps.sh test")
    return path


def socket_violations(trace: str, private: Path) -> tuple[list[str], list[str]]:
    """(the calls that break the rule, every Unix endpoint seen) in an strace log."""
    bad: list[str] = []
    seen: list[str] = []
    for line in trace.splitlines():
        match = _CALL.match(line)
        if match is None:
            continue
        call, args = match.group(2), match.group(3)
        if "AF_INET" in args:  # AF_INET and AF_INET6, in any argument
            bad.append(line)
            continue
        if call == "socket":
            if not args.startswith("AF_UNIX,"):
                bad.append(line)
            continue
        family = _FAMILY.search(args)
        if family is None:
            continue  # sendmsg/sendto on a connected socket: no address of its own
        path = _UNIX_PATH.search(args)
        if family.group(1) != "AF_UNIX" or path is None or path.group(1) == "@":
            bad.append(line)  # another family, an unnamed or an abstract socket
            continue
        seen.append(f"{call} {path.group(2)}")
        if call == "bind" or not (
            path.group(2) in SYSTEM_BUS_SOCKETS or Path(path.group(2)).is_relative_to(private)
        ):
            bad.append(line)
    return bad, seen


@dataclass
class JourneyRun:
    cenv: CarnetEnv
    outside: Path
    canary: str
    proc: subprocess.CompletedProcess[str]
    trace: str
    seen: dict[str, object]

    @property
    def user(self) -> Path:
        return self.cenv.root

    @property
    def vault(self) -> Path:
        return self.user / "home" / ".local" / "share" / "Carnet" / "vault"

    def assert_ran(self) -> None:
        """Fail with the child's stderr (minus the offscreen plugin's chatter) unless
        it exited 0."""
        if self.proc.returncode != 0:
            lines = self.proc.stderr.splitlines()
            err = "\n".join(line for line in lines if "propagateSizeHints" not in line)
            pytest.fail(f"the journey exited {self.proc.returncode}; its stderr:\n{err[-6000:]}")


def run_journey(root: Path, canary: str) -> JourneyRun:
    env = isolated_env(root / "user")
    cenv = CarnetEnv(root=root / "user", env=env, vault=root / "user" / "vault-unused")
    outside = root / "outside"
    outside.mkdir()
    (outside / "plan.json").write_text(json.dumps({"canary": canary}), encoding="utf-8")
    log = outside / "strace.log"
    command = [strace(), *TRACE_SOCKETS, "-o", str(log)]
    proc = subprocess.run(
        [*command, sys.executable, "-m", "tests.ui.journey_child", str(root)],
        capture_output=True,
        text=True,
        env=env,
        cwd=cenv.root,  # a file written "here" lands in the scanned tree
        timeout=150,
    )
    if not log.exists():
        pytest.fail(f"strace wrote no log (is ptrace allowed here?): {proc.stderr[-2000:]}")
    seen_file = outside / "seen.json"
    seen = json.loads(seen_file.read_text(encoding="utf-8")) if seen_file.exists() else {}
    return JourneyRun(cenv, outside, canary, proc, log.read_text(errors="replace"), seen)


@pytest.fixture(scope="module")
def journey(tmp_path_factory: pytest.TempPathFactory) -> JourneyRun:
    return run_journey(tmp_path_factory.mktemp("journey"), "cnry" + secrets.token_hex(10))


def relative_files(root: Path) -> list[str]:
    return sorted(
        str((Path(folder) / name).relative_to(root))
        for folder, _, names in os.walk(root)
        for name in names
    )


def unexpected_entries(user: Path, vault: Path) -> list[str]:
    """Files and folders outside the vault that are neither the preferences file nor
    harmless, plus anything named like a desktop trace."""
    vault_part = str(vault.relative_to(user))
    allowed = {"home/.config/Carnet/preferences.json"}
    found: list[str] = []
    for folder, dirs, names in os.walk(user):
        here = Path(folder).relative_to(user)
        found += [str(here / name) for name in dirs if name in DESKTOP_TRACES]
        for name in names:
            relative = str(here / name)
            if (
                name in DESKTOP_TRACES
                or Path(name).suffix in (".conf", ".ini", ".xbel")
                or not (
                    relative.startswith(vault_part + "/")
                    or relative in allowed
                    or relative.startswith(HARMLESS)
                )
            ):
                found.append(relative)
    return found


# -- positive controls ---------------------------------------------------------------


def test_the_socket_rule_catches_an_internet_socket_and_a_stray_unix_one(
    tmp_path: Path,
) -> None:
    """The same strace and parser see a real TCP connection attempt, a UDP send and a
    connect to a Unix socket that is not a bus, and say nothing of a clean process."""
    log = tmp_path / "control.log"
    body = (
        "import socket\n"
        "t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)\n"
        "try:\n    t.connect(('127.0.0.1', 9))\nexcept OSError:\n    pass\n"
        "u = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)\n"
        "try:\n    u.sendto(b'x', ('::1', 9))\nexcept OSError:\n    pass\n"
        "x = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)\n"
        "try:\n    x.connect('/run/nscd/socket')\nexcept OSError:\n    pass\n"
    )
    command = [strace(), *TRACE_SOCKETS, "-o", str(log)]
    subprocess.run([*command, sys.executable, "-c", body], check=True, timeout=60)
    bad, seen = socket_violations(log.read_text(), tmp_path)
    text = "\n".join(bad)
    assert "socket(AF_INET," in text and "socket(AF_INET6," in text
    assert "127.0.0.1" in text and "::1" in text and "/run/nscd/socket" in text
    assert seen == ["connect /run/nscd/socket"]
    subprocess.run([*command, sys.executable, "-c", "import os"], check=True, timeout=60)
    assert socket_violations(log.read_text(), tmp_path) == ([], [])


def test_the_trace_walk_names_qt_settings_and_recent_files(tmp_path: Path) -> None:
    user = tmp_path / "user"
    vault = user / "home" / ".local" / "share" / "Carnet" / "vault"
    for relative in (
        "home/.config/Carnet/preferences.json",
        "home/.local/share/Carnet/vault/store.db",
        "home/.cache/fontconfig/abc.cache-9",
        "home/.config/QtProject.conf",
        "home/.local/share/recently-used.xbel",
        "home/.cache/thumbnails/normal/x.png",
        "tmp/carnet-scratch",
    ):
        (user / relative).parent.mkdir(parents=True, exist_ok=True)
        (user / relative).write_bytes(b"")
    assert sorted(unexpected_entries(user, vault)) == [
        "home/.cache/thumbnails",
        "home/.cache/thumbnails/normal/x.png",
        "home/.config/QtProject.conf",
        "home/.local/share/recently-used.xbel",
        "tmp/carnet-scratch",
    ]


# -- the journey ---------------------------------------------------------------------


def test_the_journey_runs_to_the_end(journey: JourneyRun) -> None:
    from tests.ui.journey_child import STEPS

    journey.assert_ran()
    assert journey.seen.get("done") == [step.__name__ for step in STEPS]


def test_the_journey_opens_no_network_connection(journey: JourneyRun) -> None:
    journey.assert_ran()
    bad, seen = socket_violations(journey.trace, journey.user)
    assert bad == [], f"sockets outside the rule: {bad}\nUnix endpoints seen: {seen}"
    assert journey.trace.count("\n") > 0


def test_the_journey_leaves_no_trace_on_disk(journey: JourneyRun) -> None:
    journey.assert_ran()
    user, vault = journey.user, journey.vault
    assert (vault / "header").exists(), relative_files(user)
    assert unexpected_entries(user, vault) == [], relative_files(user)

    evidence = sorted((journey.outside / "evidence").iterdir())
    saved = journey.outside / "saved" / "copy-of-statement.txt"
    assert len(evidence) == 2 and saved.exists()
    recovery_key = str(journey.seen.get("recovery_key", ""))
    assert recovery_key
    everywhere = [journey.canary, recovery_key, recovery_key.replace("-", ""), PASSPHRASE]
    outside_vault = [
        str(vault),
        str(evidence[0].parent),
        str(saved.parent),
        saved.name,
        *(path.name for path in evidence),
    ]
    hits: list[tuple[str, Hit]] = [
        (needle, hit) for needle in everywhere for hit in scan([user], needle)
    ]
    hits += [
        (needle, hit)
        for needle in outside_vault
        for hit in scan([user], needle)
        if not hit.path.is_relative_to(vault)
    ]
    assert hits == [], f"found on disk: {hits}"
    assert_private(vault)


def test_the_vault_holds_no_plaintext_of_what_was_attached(journey: JourneyRun) -> None:
    """The child checked, before the duress unlock wiped it, that the blobs existed and
    held no plaintext (its vault_holds_only_ciphertext step); after the wipe, the new
    vault holds nothing either."""
    journey.assert_ran()
    assert scan([journey.vault], journey.canary) == []
    assert (journey.vault / "header").exists()  # the duress notebook, in the same place
