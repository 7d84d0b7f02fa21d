"""What every benchmark shares: a private scratch folder, statistics, tables, phase timing.

Nothing here asserts on time: benchmarks measure and print, they never pass or fail.
"""

from __future__ import annotations

import contextlib
import math
import os
import shutil
import sqlite3
import statistics
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
