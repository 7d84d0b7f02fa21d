"""What every benchmark shares: a private scratch folder, statistics, tables, phase timing.

Nothing here asserts on time: benchmarks measure and print, they never pass or fail.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
RESULTS_DIR = ROOT / "bench-results"
PASSPHRASE = "correct horse battery staple"
KIB = 1024
MIB = 1024 * KIB
GIB = 1024 * MIB


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def percentile(values: Sequence[float], p: float) -> float:
    """Linear interpolation between closest ranks (numpy's default), p in 0..100."""
    ordered = sorted(values)
    if not ordered:
        return math.nan
    rank = (len(ordered) - 1) * p / 100
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def summary_ms(seconds: Sequence[float]) -> dict[str, float]:
    """p50/p95/max/mean of durations given in seconds, in milliseconds."""
    ms = [s * 1000 for s in seconds]
    return {
        "n": len(ms),
        "p50_ms": percentile(ms, 50),
        "p95_ms": percentile(ms, 95),
        "max_ms": max(ms),
        "mean_ms": statistics.fmean(ms),
    }


def ratio(a: float, b: float) -> float:
    return a / b if b else math.inf


def met_text(flag: bool) -> str:
    return "met" if flag else "NOT met"


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A plain-text table; numbers right-aligned, text left-aligned."""
    cells = [[_cell(v) for v in row] for row in rows]
    widths = [len(h) for h in headers]
    for row in cells:
        for i, value in enumerate(row):
            widths[i] = max(widths[i], len(value))
    numeric = [
        all(isinstance(row[i], int | float) for row in rows if row[i] != "") if rows else False
        for i in range(len(headers))
    ]

    def line(values: Sequence[str]) -> str:
        parts = [
            v.rjust(widths[i]) if numeric[i] else v.ljust(widths[i]) for i, v in enumerate(values)
        ]
        return "  " + "  ".join(parts).rstrip()

    out = [line(list(headers)), "  " + "  ".join("-" * w for w in widths)]
    out += [line(row) for row in cells]
    return "\n".join(out)


def _cell(value: Any) -> str:
    if isinstance(value, float):
        if math.isinf(value) or math.isnan(value):
            return str(value)
        if abs(value) >= 1000:
            return f"{value:,.0f}"
        if abs(value) >= 100:
            return f"{value:.1f}"
        return f"{value:.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def say(text: str = "") -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


@dataclass
class Phases:
    """Wall-clock time of each build or measurement phase, to keep `make bench` short."""

    seconds: dict[str, float] = field(default_factory=dict)

    @contextlib.contextmanager
    def time(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - start


class Workspace:
    """A private temporary folder for one `python -m tests.bench` run, removed at the end.

    It caches what several benchmarks share (the 100k-incident vault, the plain SQLite
    copy of the same rows) within this run only. The vault is encrypted; the plain
    SQLite file and the JSON import file hold synthetic data only, and go with the folder.
    """

    def __init__(self, quick: bool) -> None:
        self.quick = quick
        self.root = Path(tempfile.mkdtemp(prefix="carnet-bench-"))
        self.root.chmod(0o700)
        self.cache: dict[str, Any] = {}
        self.phases = Phases()
        self.results: dict[str, Any] = {}

    def path(self, name: str) -> Path:
        return self.root / name

    @contextlib.contextmanager
    def scratch(self, name: str) -> Iterator[Path]:
        """A fresh private folder for one benchmark, removed when it ends (or fails).

        Every benchmark writes its files (age identities, outputs, vault copies) here and
        nowhere else in the run folder, so no two benchmarks can meet on a file name: the
        export benchmark once stopped `make bench` because `age-keygen -o` refused to
        overwrite the identity the intake benchmark had left under the same name.
        """
        folder = Path(tempfile.mkdtemp(prefix=f"{name}-", dir=self.root))
        folder.chmod(0o700)
        try:
            yield folder
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    def env(self) -> dict[str, str]:
        """An environment for `carnet` child processes: no keyring, no D-Bus, own HOME."""
        home = self.root / "home"
        tmp = self.root / "tmp"
        for folder in (home, tmp):
            folder.mkdir(exist_ok=True)
        env = {
            k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "DBUS_", "CARNET_"))
        }
        env.update(
            HOME=str(home),
            TMPDIR=str(tmp),
            XDG_CONFIG_HOME=str(home / ".config"),
            XDG_DATA_HOME=str(home / ".local" / "share"),
            PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
            DBUS_SESSION_BUS_ADDRESS="disabled:",
            PYTHONPATH=str(ROOT),
        )
        return env

    def cached(self, key: str, build: Callable[[], Any]) -> Any:
        if key not in self.cache:
            self.cache[key] = build()
        return self.cache[key]

    def close(self) -> None:
        for value in self.cache.values():
            closer = getattr(value, "close", None)
            if callable(closer):
                with contextlib.suppress(Exception):
                    closer()
        shutil.rmtree(self.root, ignore_errors=True)


def run_child(
    ws: Workspace, module: str, request: dict[str, Any], timeout: float
) -> dict[str, Any]:
    """Run `python -m module` with one JSON request on stdin; its JSON answer from stdout.

    Children run in the workspace's environment (own HOME and XDG folders, no keyring),
    so nothing a benchmark does can touch the developer's own Carnet folders.
    """
    proc = subprocess.run(
        [sys.executable, "-m", module],
        input=json.dumps(request).encode(),
        capture_output=True,
        env=ws.env(),
        cwd=ROOT,
        timeout=timeout,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"{module} failed: " + proc.stderr.decode(errors="replace")[-800:])
    answer: dict[str, Any] = json.loads(proc.stdout)
    return answer


_LAUNCHER = (
    "import os, sys\n"
    "report = int(sys.argv[1])\n"
    "pid = os.fork()\n"
    "if pid == 0:\n"
    "    os.close(report)\n"
    "    os.execv(sys.argv[2], sys.argv[2:])\n"
    "_, status, usage = os.wait4(pid, 0)\n"
    "os.write(report, b'%d %d' % (usage.ru_maxrss, os.waitstatus_to_exitcode(status)))\n"
)


def peak_rss_mib(argv: Sequence[str], stdin: Any = None) -> float:
    """Peak RSS of one run of a command, forked from a small launcher process, untimed.

    Linux carries the peak RSS of a process across fork and exec, so wait4 on a command
    spawned straight from this benchmark process (hundreds of MiB once the 100k-incident
    rows are built) reports this process's size: age showed 385 MiB in a full run and
    45 MiB alone, where it needs about 5. Forked from a bare interpreter instead, the
    figure is max(the interpreter's ~5 MiB, the command's own peak). The launcher reports
    on a pipe of its own, so the command keeps its stdout and stderr.
    """
    read_end, write_end = os.pipe()
    try:
        launcher = [sys.executable, "-I", "-S", "-c", _LAUNCHER, str(write_end), *argv]
        proc = subprocess.run(launcher, stdin=stdin, pass_fds=(write_end,), check=False)
        os.close(write_end)
        write_end = -1
        with os.fdopen(read_end, "rb") as report:
            read_end = -1
            fields = report.read().split()
    finally:
        for fd in (read_end, write_end):
            if fd >= 0:
                os.close(fd)
    if proc.returncode != 0 or len(fields) != 2 or fields[1] != b"0":
        raise RuntimeError(f"{argv[0]} failed (peak RSS run)")
    return int(fields[0]) / 1024


def random_file(path: Path, size: int) -> None:
    """`size` bytes of os.urandom (in 8 MiB blocks, a multiple of which `size` must be)."""
    block = min(8 * MIB, size)
    with path.open("wb") as out:
        for _ in range(size // block):
            out.write(os.urandom(block))


def read_all(path: Path) -> None:
    """Read a file once, so it is in the page cache and every tool then starts equal."""
    with path.open("rb") as handle:
        while handle.read(8 * MIB):
            pass


def fsync_path(path: Path) -> None:
    """fsync a file another process wrote (Linux flushes the inode's pages, whoever wrote)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def age_recipient(folder: Path, age_keygen: str) -> str:
    """A new age identity in `folder` (a benchmark's own scratch folder); its public key."""
    identity = folder / "age-identity.txt"
    proc = subprocess.run([age_keygen, "-o", str(identity)], capture_output=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError("age-keygen failed: " + proc.stderr.decode(errors="replace").strip())
    for line in identity.read_text().splitlines():
        if line.startswith("# public key: "):
            return line.split(": ", 1)[1].strip()
    raise RuntimeError("age-keygen wrote no public key")


def refuse_outside(scratch: Path, folders: Sequence[Path]) -> str | None:
    """Why a child must not run a wipe here (a trace folder outside the scratch), or None.

    A wipe, and so a duress unlock, also removes Carnet's cache, config and state folders:
    run with the developer's HOME it would remove their own.
    """
    root = scratch.resolve()
    for folder in folders:
        if not folder.resolve().is_relative_to(root):
            return f"refusing to wipe: {folder} is outside the scratch folder"
    return None


def versions() -> dict[str, str]:
    import nacl
    import sqlcipher3

    conn = sqlcipher3.connect(":memory:")
    try:
        sqlcipher_sqlite = conn.execute("SELECT sqlite_version()").fetchone()[0]
        cipher = conn.execute("PRAGMA cipher_version").fetchone()[0]
    finally:
        conn.close()
    return {
        "python": sys.version.split()[0],
        "stdlib_sqlite": sqlite3.sqlite_version,
        "sqlcipher": str(cipher),
        "sqlcipher_sqlite": str(sqlcipher_sqlite),
        "pynacl": str(getattr(nacl, "__version__", "?")),
        "cpus": str(os.cpu_count()),
    }
