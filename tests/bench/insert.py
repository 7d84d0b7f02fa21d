"""Bulk insert: N realistic incidents into a real vault, and the same rows into plain SQLite.

Also 10k incidents through the command line once (`carnet incident add --json-file`),
the path the issue measures as "10k incidents in seconds": a new process, Argon2id
unlock (moderate), JSON parsing, validation, one transaction.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from app.device_share import NoDeviceShares
from app.paths import VaultPaths
from app.vault import VaultService
from crypto.kdf import KdfProfile, normalize_passphrase, stretch_passphrase
from tests.bench import data, stores
from tests.bench.common import PASSPHRASE, ROOT, Workspace, median, ratio, say, table


def run(ws: Workspace, count: int, batch_size: int, cli_count: int) -> dict[str, Any]:
    say(f"== insert: {count:,} incidents, {batch_size:,} per add_many call ==")
    fresh_items = f"items-{count}" not in ws.cache
    rows = stores.items(ws, count)
    if fresh_items:
        generated = ws.phases.seconds["build/generate incidents"]
        say(f"  generated {count:,} incidents in {generated:.1f} s")
    carnet = stores.vault(ws, count, batch_size)
    plain = stores.plain(ws, count, batch_size)
    result: dict[str, Any] = {
        "count": count,
        "batch_size": batch_size,
        "carnet": _figures(carnet),
        "plain": _figures(plain),
        "ratio_plain_over_carnet_rate": ratio(plain.rate, carnet.rate),
    }
    say(
        table(
            ["store", "total s", "incidents/s", "batch median s", "slowest batch s", "size MiB"],
            [
                [
                    "Carnet (add_many, SQLCipher)",
                    carnet.insert_seconds,
                    carnet.rate,
                    median(carnet.batch_seconds),
                    max(carnet.batch_seconds),
                    carnet.size_bytes() / 2**20,
                ],
                [
                    "plain sqlite3 (same SQL)",
                    plain.insert_seconds,
                    plain.rate,
                    median(plain.batch_seconds),
                    max(plain.batch_seconds),
                    plain.size_bytes() / 2**20,
                ],
            ],
        )
    )
    say(
        f"  Carnet takes {ratio(carnet.insert_seconds, plain.insert_seconds):.2f}× the time of "
        f"plain SQLite (vault create + unlock before the first batch: "
        f"{carnet.setup_seconds:.2f} s, not counted)"
    )
    if cli_count:
        with ws.phases.time("insert/cli json-file"), ws.scratch("insert-cli") as folder:
            result["cli"] = _cli(ws, folder, rows[:cli_count])
        cli = result["cli"]
        say(
            f"  CLI `incident add --json-file` with {cli_count:,} incidents: "
            f"{cli['wall_s']:.2f} s wall "
            f"(process start ≈ {cli['startup_s']:.2f} s, Argon2id moderate ≈ {cli['kdf_s']:.2f} s; "
            f"the rest ≈ {cli['rest_s']:.2f} s = {cli['rest_rate']:,.0f} incidents/s)"
        )
    say()
    return result


def _figures(built: stores.Built) -> dict[str, Any]:
    return {
        "total_s": built.insert_seconds,
        "incidents_per_s": built.rate,
        "batch_s": built.batch_seconds,
        "setup_s": built.setup_seconds,
        "size_bytes": built.size_bytes(),
    }


def _cli(ws: Workspace, folder: Path, rows: list[Any]) -> dict[str, Any]:
    json_path = folder / "import.json"
    json_path.write_text(json.dumps([data.to_json(r) for r in rows], ensure_ascii=False), "utf-8")
    secret = folder / "passphrase.txt"
    secret.write_text(PASSPHRASE + "\n", "utf-8")
    root = folder / "vault-cli"
    service = VaultService(VaultPaths(root), NoDeviceShares())
    service.create(PASSPHRASE, profile=KdfProfile.MODERATE, use_keyring=False)
    header = service.read_header()
    env = ws.env()

    def carnet(*args: str) -> tuple[float, subprocess.CompletedProcess[bytes]]:
        start = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-m", "app", *args],
            env=env,
            cwd=ROOT,
            capture_output=True,
            timeout=600,
            check=False,
        )
        return time.perf_counter() - start, proc

    startup = median([carnet("--version")[0] for _ in range(3)])
    start = time.perf_counter()
    stretch_passphrase(normalize_passphrase(PASSPHRASE), header.salt, header.profile)
    kdf = time.perf_counter() - start
    wall, proc = carnet(
        "--vault", str(root), "--passphrase-file", str(secret), "incident", "add",
        "--json-file", str(json_path),
    )  # fmt: skip
    if proc.returncode != 0:
        raise RuntimeError(
            f"carnet incident add --json-file failed ({proc.returncode}): "
            + proc.stderr.decode(errors="replace")[-500:]
        )
    imported = len(proc.stdout.split())
    if imported != len(rows):
        raise RuntimeError(f"the CLI imported {imported} incidents, not {len(rows)}")
    rest = max(wall - startup - kdf, 1e-9)
    return {
        "count": len(rows),
        "wall_s": wall,
        "startup_s": startup,
        "kdf_s": kdf,
        "rest_s": rest,
        "rest_rate": len(rows) / rest,
        "overall_rate": len(rows) / wall,
    }
