"""Intake of a large file (hash + encrypt + fsync) against `age -r` on the same file.

One file of random bytes (1 GiB; 256 MiB with --quick) is read once to warm the page
cache, then, alternating the order each round, encrypted by:

- Carnet: a child process unlocks a vault and runs `AttachmentService.attach` on it,
  the real path of `carnet attach` (media sniffing, SHA-256 and secretstream in one
  pass, fsync, the database row and its signed custody row). The child reports the
  attach time and its peak RSS before and after, so RSS growth is the intake's alone.
- age: `age -r <recipient> -o OUT FILE`, timed from spawn to exit, its peak RSS from
  wait4. age does not hash the file and does not fsync its output; Carnet does both.

`sha256sum` on the same file is timed too, to show what hashing alone costs.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from tests.bench.common import ROOT, Workspace, median, ratio, say, table

TARGET_RATIO = 1.5
TARGET_RSS_GROWTH_MIB = 64
MIB = 1024 * 1024


def run(ws: Workspace) -> dict[str, Any]:
    size_mib = 256 if ws.quick else 1024
    rounds = 2 if ws.quick else 3
    say(f"== intake: one {size_mib} MiB file, Carnet attach against age -r ==")
    age = shutil.which("age")
    age_keygen = shutil.which("age-keygen")
    if age is None or age_keygen is None:
        say("  age is not installed (scripts/install-system-deps.sh bench installs it)")
        return {"skipped": "age not installed"}
    source = ws.path("intake-source.bin")
    with ws.phases.time("intake/make file"):
        _random_file(source, size_mib * MIB)
        _read_all(source)  # warm the page cache so both tools start equal
    recipient = _age_recipient(ws, age_keygen)
    carnet_runs: list[dict[str, Any]] = []
    age_runs: list[dict[str, float]] = []
    sha_runs: list[float] = []
    with ws.phases.time("intake/timed"):
        for index in range(rounds):
            order = ("carnet", "age") if index % 2 == 0 else ("age", "carnet")
            for tool in order:
                if tool == "carnet":
                    carnet_runs.append(_carnet_once(ws, source, index))
                else:
                    age_runs.append(_age_once(ws, age, recipient, source))
            sha_runs.append(_timed([shutil.which("sha256sum") or "sha256sum", str(source)]))
    size = source.stat().st_size
    source.unlink()
    carnet_s = median([r["attach_s"] for r in carnet_runs])
    age_s = median([r["wall_s"] for r in age_runs])
    growth = max(r["rss_growth_mib"] for r in carnet_runs)
    results = {
        "size_mib": size_mib,
        "rounds": rounds,
        "carnet_mib_s": size / MIB / carnet_s,
        "age_mib_s": size / MIB / age_s,
        "sha256sum_mib_s": size / MIB / median(sha_runs),
        "throughput_ratio": ratio(age_s, carnet_s),
        "carnet_rss_growth_mib_max": growth,
        "carnet_peak_rss_mib": max(r["rss_after_mib"] for r in carnet_runs),
        "age_peak_rss_mib": max(r["rss_mib"] for r in age_runs),
        "carnet_runs": carnet_runs,
        "age_runs": age_runs,
        "sha256sum_s": sha_runs,
        "target_ratio": TARGET_RATIO,
        "target_rss_growth_mib": TARGET_RSS_GROWTH_MIB,
    }
    results["met_ratio"] = results["throughput_ratio"] >= TARGET_RATIO
    results["met_rss"] = growth <= TARGET_RSS_GROWTH_MIB
    say(
        table(
            ["tool", "MiB/s (median)", "peak RSS MiB"],
            [
                [
                    "Carnet attach (hash+encrypt+fsync)",
                    results["carnet_mib_s"],
                    results["carnet_peak_rss_mib"],
                ],
                ["age -r", results["age_mib_s"], results["age_peak_rss_mib"]],
                ["sha256sum (hash alone)", results["sha256sum_mib_s"], "-"],
            ],
        )
    )
    say(
        f"  → {results['throughput_ratio']:.2f}× age (target ≥ {TARGET_RATIO}×: "
        f"{'met' if results['met_ratio'] else 'NOT met'}); RSS growth during intake "
        f"{growth:.1f} MiB (target ≤ {TARGET_RSS_GROWTH_MIB}: "
        f"{'met' if results['met_rss'] else 'NOT met'})"
    )
    say()
    return results


def _random_file(path: Path, size: int) -> None:
    block = 8 * MIB
    with path.open("wb") as out:
        for _ in range(size // block):
            out.write(os.urandom(block))


def _read_all(path: Path) -> None:
    with path.open("rb") as handle:
        while handle.read(8 * MIB):
            pass


def _age_recipient(ws: Workspace, age_keygen: str) -> str:
    identity = ws.path("age-identity.txt")
    subprocess.run([age_keygen, "-o", str(identity)], check=True, capture_output=True)
    for line in identity.read_text().splitlines():
        if line.startswith("# public key: "):
            return line.split(": ", 1)[1].strip()
    raise RuntimeError("age-keygen wrote no public key")


def _age_once(ws: Workspace, age: str, recipient: str, source: Path) -> dict[str, float]:
    out = ws.path("age-out.age")
    out.unlink(missing_ok=True)
    start = time.perf_counter()
    proc = subprocess.Popen([age, "-r", recipient, "-o", str(out), str(source)])
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError("age failed")
    out.unlink()
    return {"wall_s": wall, "rss_mib": usage.ru_maxrss / 1024}


def _timed(argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, check=True, capture_output=True)
    return time.perf_counter() - start


def _carnet_once(ws: Workspace, source: Path, index: int) -> dict[str, Any]:
    vault = ws.path(f"intake-vault-{index}")
    request = {"vault": str(vault), "source": str(source)}
    proc = subprocess.run(
        [sys.executable, "-m", "tests.bench.intake_child"],
        input=json.dumps(request).encode(),
        capture_output=True,
        env=ws.env(),
        cwd=ROOT,
        timeout=900,
        check=False,
    )
    shutil.rmtree(vault, ignore_errors=True)
    if proc.returncode != 0:
        raise RuntimeError("the intake child failed: " + proc.stderr.decode()[-800:])
    result: dict[str, Any] = json.loads(proc.stdout)
    return result
