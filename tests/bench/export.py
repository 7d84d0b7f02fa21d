"""Export of an incident carrying 1 GiB of attachments against `tar -c | age -r`.

Four files of random bytes (256 MiB each; 64 MiB with --quick) are attached to one
incident in a fresh vault (not timed). Then, alternating the order each round:

- Carnet: `Exporter.export` to a file (the real path of `carnet export --out`):
  every blob decrypted and verified chunk by chunk, tarred, padded, sealed, fsynced.
- tar | age: `tar -cf - FILES | age -r KEY -o OUT` on the same plaintext files, two
  processes joined by a pipe (no shell), timed from the first spawn to the last exit.
  That is what a user without Carnet would run; it reads plaintext, so it does no
  decryption, and it neither verifies hashes nor fsyncs.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from typing import Any

from tests.bench.common import ROOT, Workspace, median, ratio, say, table
from tests.bench.intake import MIB, _age_recipient, _random_file, _read_all

TARGET_RATIO = 1.5
FILES = 4


def run(ws: Workspace) -> dict[str, Any]:
    each_mib = 64 if ws.quick else 256
    rounds = 2 if ws.quick else 3
    say(f"== export: {FILES} × {each_mib} MiB attachments, Carnet export against tar | age -r ==")
    age, tar = shutil.which("age"), shutil.which("tar")
    if age is None or shutil.which("age-keygen") is None or tar is None:
        say("  age is not installed (scripts/install-system-deps.sh bench installs it)")
        return {"skipped": "age not installed"}
    folder = ws.path("export-files")
    folder.mkdir()
    sources = [folder / f"evidence-{n}.bin" for n in range(FILES)]
    with ws.phases.time("export/make files"):
        for source in sources:
            _random_file(source, each_mib * MIB)
            _read_all(source)
    recipient = _age_recipient(ws, shutil.which("age-keygen") or "age-keygen")
    carnet: list[dict[str, Any]] = []
    piped: list[dict[str, float]] = []
    with ws.phases.time("export/timed"):
        for index in range(rounds):
            order = ("carnet", "age") if index % 2 == 0 else ("age", "carnet")
            for tool in order:
                if tool == "carnet":
                    carnet.append(_carnet_once(ws, [str(s) for s in sources], index))
                else:
                    piped.append(_tar_age_once(ws, tar, age, recipient, folder))
    total_mib = FILES * each_mib
    carnet_s = median([r["export_s"] for r in carnet])
    age_s = median([r["wall_s"] for r in piped])
    results: dict[str, Any] = {
        "total_mib": total_mib,
        "rounds": rounds,
        "carnet_mib_s": total_mib / carnet_s,
        "tar_age_mib_s": total_mib / age_s,
        "throughput_ratio": ratio(age_s, carnet_s),
        "carnet_rss_growth_mib_max": max(r["export_rss_growth_mib"] for r in carnet),
        "age_peak_rss_mib": max(r["age_rss_mib"] for r in piped),
        "carnet_runs": carnet,
        "tar_age_runs": piped,
        "target_ratio": TARGET_RATIO,
    }
    results["met_ratio"] = results["throughput_ratio"] >= TARGET_RATIO
    say(
        table(
            ["tool", "MiB/s (median)", "memory MiB"],
            [
                [
                    "Carnet export (decrypt+verify+tar+seal+fsync)",
                    results["carnet_mib_s"],
                    f"+{results['carnet_rss_growth_mib_max']:.1f} growth",
                ],
                [
                    "tar -c | age -r",
                    results["tar_age_mib_s"],
                    f"{results['age_peak_rss_mib']:.1f} peak (age)",
                ],
            ],
        )
    )
    say(
        f"  → {results['throughput_ratio']:.2f}× tar | age (target ≥ {TARGET_RATIO}×: "
        f"{'met' if results['met_ratio'] else 'NOT met'})"
    )
    say()
    shutil.rmtree(folder, ignore_errors=True)
    return results


def _carnet_once(ws: Workspace, sources: list[str], index: int) -> dict[str, Any]:
    vault = ws.path(f"export-vault-{index}")
    out = ws.path(f"export-{index}.carnet")
    request = {"vault": str(vault), "sources": sources, "out": str(out)}
    proc = subprocess.run(
        [sys.executable, "-m", "tests.bench.export_child"],
        input=json.dumps(request).encode(),
        capture_output=True,
        env=ws.env(),
        cwd=ROOT,
        timeout=1800,
        check=False,
    )
    shutil.rmtree(vault, ignore_errors=True)
    out.unlink(missing_ok=True)
    if proc.returncode != 0:
        raise RuntimeError("the export child failed: " + proc.stderr.decode()[-800:])
    result: dict[str, Any] = json.loads(proc.stdout)
    return result


def _tar_age_once(
    ws: Workspace, tar: str, age: str, recipient: str, folder: Any
) -> dict[str, float]:
    out = ws.path("tar-age.age")
    out.unlink(missing_ok=True)
    start = time.perf_counter()
    producer = subprocess.Popen([tar, "-cf", "-", "-C", str(folder), "."], stdout=subprocess.PIPE)
    consumer = subprocess.Popen([age, "-r", recipient, "-o", str(out)], stdin=producer.stdout)
    if producer.stdout is not None:
        producer.stdout.close()
    _, age_status, age_usage = os.wait4(consumer.pid, 0)
    _, tar_status, _ = os.wait4(producer.pid, 0)
    wall = time.perf_counter() - start
    consumer.returncode = os.waitstatus_to_exitcode(age_status)
    producer.returncode = os.waitstatus_to_exitcode(tar_status)
    if consumer.returncode or producer.returncode:
        raise RuntimeError("tar | age failed")
    out.unlink()
    return {"wall_s": wall, "age_rss_mib": age_usage.ru_maxrss / 1024}
