"""Intake of a large file (hash + encrypt + fsync) against what a user would run instead.

One file of random bytes (1 GiB; 256 MiB with --quick) is read once to warm the page
cache, then, the order rotating each round, processed by:

- Carnet: a child process unlocks a vault and runs `AttachmentService.attach` on it,
  the real path of `carnet attach` (media sniffing, SHA-256 and secretstream in one
  pass, fsync, the database row and its signed custody row). The child reports the
  attach time and its peak RSS before and after, so RSS growth is the intake's alone.
- the same guarantees by hand: `sha256sum FILE`, then `age -r KEY -o OUT FILE`, then an
  fsync of OUT (os.fsync here: `sync -f` would flush the whole filesystem), timed from
  the first spawn to the end of the fsync. Each step is timed too; the `age -r` step
  alone, spawn to exit, is the plain-age figure (age neither hashes nor fsyncs). age's
  peak RSS comes from one more, untimed run (common.peak_rss_mib says why).
- the machine's limit (tests/bench/limit.py): SHA-256 and secretstream on two threads
  over the same bytes, and write + fsync of as many bytes; limit = the slower stage.

Every file of this benchmark (the source, age's identity and output, the vaults) lives
in its own scratch folder, removed at the end, also when a step fails.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

from tests.bench import limit
from tests.bench.common import (
    MIB,
    Workspace,
    age_recipient,
    fsync_path,
    median,
    met_text,
    peak_rss_mib,
    random_file,
    ratio,
    read_all,
    run_child,
    say,
    table,
)

TARGET_RATIO_USER = 1.5  # against sha256sum + age -r + fsync (DESIGN.md)
TARGET_RATIO_LIMIT = 0.8  # against the machine's limit
TARGET_RSS_GROWTH_MIB = 64
TOOLS = ("carnet", "user", "limit")


def run(ws: Workspace) -> dict[str, Any]:
    size_mib = 256 if ws.quick else 1024
    rounds = 2 if ws.quick else 3
    say(
        f"== intake: one {size_mib} MiB file, Carnet attach against sha256sum + age -r + fsync "
        "and the machine's limit =="
    )
    age, age_keygen, sha256sum = (shutil.which(t) for t in ("age", "age-keygen", "sha256sum"))
    if age is None or age_keygen is None or sha256sum is None:
        say("  age is not installed (scripts/install-system-deps.sh bench installs it)")
        return {"skipped": "age not installed"}
    with ws.scratch("intake") as folder:
        source = folder / "intake-source.bin"
        with ws.phases.time("intake/make file"):
            random_file(source, size_mib * MIB)
            read_all(source)  # warm the page cache so every tool starts equal
        recipient = age_recipient(folder, age_keygen)
        carnet_runs: list[dict[str, Any]] = []
        user_runs: list[dict[str, float]] = []
        limit_runs: list[dict[str, float]] = []
        with ws.phases.time("intake/timed"):
            for index in range(rounds):
                shift = index % len(TOOLS)
                for tool in TOOLS[shift:] + TOOLS[:shift]:  # a different one first each round
                    if tool == "carnet":
                        carnet_runs.append(_carnet_once(ws, folder, source, index))
                    elif tool == "user":
                        user_runs.append(_user_once(folder, sha256sum, age, recipient, source))
                    else:
                        limit_runs.append(limit.measure([source], folder))
        out = folder / "age-rss.age"
        age_rss = peak_rss_mib([age, "-r", recipient, "-o", str(out), str(source)])
        out.unlink()
        size = source.stat().st_size
    machine = limit.summarise(limit_runs)
    return _report(size_mib, rounds, size, carnet_runs, user_runs, machine, age_rss)


def _report(
    size_mib: int,
    rounds: int,
    size: int,
    carnet_runs: list[dict[str, Any]],
    user_runs: list[dict[str, float]],
    machine: dict[str, Any],
    age_rss: float,
) -> dict[str, Any]:
    mib = size / MIB
    carnet_s = median([r["attach_s"] for r in carnet_runs])
    user_s = median([r["wall_s"] for r in user_runs])
    age_s = median([r["age_s"] for r in user_runs])
    sha_s = median([r["sha256sum_s"] for r in user_runs])
    growth = max(r["rss_growth_mib"] for r in carnet_runs)
    carnet_mib_s = mib / carnet_s
    results: dict[str, Any] = {
        "size_mib": size_mib,
        "rounds": rounds,
        "carnet_mib_s": carnet_mib_s,
        "user_pipeline_mib_s": mib / user_s,
        "age_mib_s": mib / age_s,
        "sha256sum_mib_s": mib / sha_s,
        "fsync_after_age_s": median([r["fsync_s"] for r in user_runs]),
        "limit": machine,
        "ratio_vs_user_pipeline": ratio(user_s, carnet_s),
        "ratio_vs_limit": ratio(carnet_mib_s, machine["limit_mib_s"]),
        "ratio_vs_plain_age": ratio(age_s, carnet_s),
        "throughput_ratio": ratio(age_s, carnet_s),  # the plain-age ratio, as before
        "carnet_rss_growth_mib_max": growth,
        "carnet_peak_rss_mib": max(r["rss_after_mib"] for r in carnet_runs),
        "age_peak_rss_mib": age_rss,
        "carnet_runs": carnet_runs,
        "user_runs": user_runs,
        "target_ratio_user_pipeline": TARGET_RATIO_USER,
        "target_ratio_limit": TARGET_RATIO_LIMIT,
        "target_rss_growth_mib": TARGET_RSS_GROWTH_MIB,
    }
    results["met_ratio_user_pipeline"] = results["ratio_vs_user_pipeline"] >= TARGET_RATIO_USER
    results["met_ratio_limit"] = results["ratio_vs_limit"] >= TARGET_RATIO_LIMIT
    results["met_rss"] = growth <= TARGET_RSS_GROWTH_MIB
    say(
        table(
            ["what", "MiB/s (median)", "peak RSS MiB"],
            [
                [
                    "Carnet attach (hash+encrypt+fsync)",
                    carnet_mib_s,
                    results["carnet_peak_rss_mib"],
                ],
                ["sha256sum, then age -r, then fsync", results["user_pipeline_mib_s"], "-"],
                ["  of which age -r alone", results["age_mib_s"], results["age_peak_rss_mib"]],
                ["  of which sha256sum alone", results["sha256sum_mib_s"], "-"],
                *limit.table_rows(machine),
            ],
        )
    )
    limit.explain()
    say(
        f"  → {results['ratio_vs_user_pipeline']:.2f}× sha256sum + age + fsync (target ≥ "
        f"{TARGET_RATIO_USER}×: {met_text(results['met_ratio_user_pipeline'])}); "
        f"{results['ratio_vs_limit']:.2f}× the machine's limit (target ≥ "
        f"{TARGET_RATIO_LIMIT}×: {met_text(results['met_ratio_limit'])}); "
        f"{results['ratio_vs_plain_age']:.2f}× plain age -r (hashes nothing, fsyncs nothing)"
    )
    say(
        f"  RSS growth during intake {growth:.1f} MiB (target ≤ {TARGET_RSS_GROWTH_MIB}: "
        f"{met_text(results['met_rss'])})"
    )
    say()
    return results


def _user_once(
    folder: Path, sha256sum: str, age: str, recipient: str, source: Path
) -> dict[str, float]:
    """sha256sum, then age -r, then fsync of age's output: each step and the whole timed."""
    out = folder / "age-out.age"
    out.unlink(missing_ok=True)
    start = time.perf_counter()
    subprocess.run([sha256sum, str(source)], check=True, capture_output=True)
    hashed = time.perf_counter()
    subprocess.run([age, "-r", recipient, "-o", str(out), str(source)], check=True)
    encrypted = time.perf_counter()
    fsync_path(out)
    end = time.perf_counter()
    out.unlink()
    return {
        "wall_s": end - start,
        "sha256sum_s": hashed - start,
        "age_s": encrypted - hashed,
        "fsync_s": end - encrypted,
    }


def _carnet_once(ws: Workspace, folder: Path, source: Path, index: int) -> dict[str, Any]:
    vault = folder / f"intake-vault-{index}"
    try:
        return run_child(
            ws, "tests.bench.intake_child", {"vault": str(vault), "source": str(source)}, 900
        )
    finally:
        shutil.rmtree(vault, ignore_errors=True)
