"""Wipe of a 10 GiB vault (256 MiB with --quick) against `shred -u` on the same files.

Each round builds a real vault in the scratch folder, then times one tool on it:

- Carnet: `WipeService(paths, NoDeviceShares()).wipe()`, the real path of `carnet wipe`,
  in a child process (`python -m tests.bench.wipe`, JSON on stdin and stdout) whose HOME
  and XDG folders are the scratch folder's, because a wipe also removes Carnet's cache,
  config and state folders: run here it would remove the developer's own. The child
  reports the wipe's own two figures: time to unreadable (header overwritten and fsynced,
  device share deleted) and time to done (every file removed), and the `sync` after it.
- shred -u: the same layout (same paths, same sizes, random-looking bytes) rebuilt as
  plain files, then `shred -u FILE...` (3 passes, GNU's default) and the empty folders
  removed, timed from the first spawn to the last exit. A file is only unreadable once
  its passes end, so its time to unreadable is its time to done.
- shred -u -n 1: the same with one pass.
- rm -rf: the same layout, `rm -rf ROOT`, for reference only: it overwrites nothing, so
  plaintext files removed that way are never unreadable, only hard to find.

Before each timed run the build is flushed (`os.sync()`), so no tool is helped or
hindered by the build's dirty pages. Disk use stays at about one vault: each copy is
removed before the next is built.
"""

from __future__ import annotations

import json
import os
import random
import secrets
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from app.device_share import NoDeviceShares
from app.models import IncidentInput
from app.notebook import Notebook
from app.paths import VaultPaths
from app.vault import VaultService
from app.wipe import WipeService, own_trace_dirs
from crypto.kdf import KdfProfile
from tests.bench.common import (
    GIB,
    KIB,
    MIB,
    PASSPHRASE,
    ROOT,
    Workspace,
    median,
    ratio,
    refuse_outside,
    say,
    table,
)

FULL_GIB = 10.0
QUICK_GIB = 0.25  # --quick: keeps the whole quick run within a few minutes
FULL_ROUNDS = 1  # one full build is ~1 min of writing per tool on a ~250 MB/s disk
QUICK_ROUNDS = 2
SPARE_BYTES = 2 * GIB
WRITE_BLOCK = MIB
POOL_BYTES = 4 * MIB  # the random-looking bytes every filler file is cut from
SHRED_BATCH = 1000  # files per shred command line

# Real evidence attached through AttachmentService: a video clip, photos, documents.
REAL_FILES = (32 * MIB, 4 * MIB, 4 * MIB, 4 * MIB, 4 * MIB, 256 * KIB, 256 * KIB)
INCIDENTS = 20
# What one GiB of filler blobs looks like: 2 videos, 5 clips, 40 photos, 24 documents,
# 64 small files (1024 MiB, 135 files), in a fixed shuffled order so that a vault cut
# short of a whole unit still holds a mix; cycled until the vault reaches its size.
FILLER_UNIT = (
    (256 * MIB,) * 2 + (64 * MIB,) * 5 + (4 * MIB,) * 40 + (1 * MIB,) * 24 + (128 * KIB,) * 64
)
FILLER_ORDER = random.Random(20240305).sample(FILLER_UNIT, len(FILLER_UNIT))
TOOLS = ("carnet", "shred", "shred1", "rm")
LABELS = {
    "carnet": "Carnet wipe (header + share, then files)",
    "shred": "shred -u (3 passes)",
    "shred1": "shred -u -n 1",
    "rm": "rm -rf (overwrites nothing)",
}

Layout = list[tuple[str, int]]  # (path relative to the vault folder, size in bytes)


def run(ws: Workspace, quick: bool) -> dict[str, Any]:
    size_gib = QUICK_GIB if quick else FULL_GIB
    rounds = QUICK_ROUNDS if quick else FULL_ROUNDS
    size = int(size_gib * GIB)
    say(f"== wipe: a {size_gib:g} GiB vault, Carnet wipe against shred -u on the same files ==")
    shred, rm = shutil.which("shred"), shutil.which("rm")
    if shred is None or rm is None:
        say("  shred or rm is not installed (GNU coreutils)")
        return {"skipped": "shred not installed"}
    free = shutil.disk_usage(ws.root).free
    if free < size + SPARE_BYTES:
        say(
            f"  skipped: {free / GIB:.1f} GiB free in {ws.root.parent}, "
            f"{(size + SPARE_BYTES) / GIB:.0f} GiB needed"
        )
        return {"skipped": f"{free} bytes free, {size + SPARE_BYTES} needed"}
    pool = os.urandom(POOL_BYTES)
    runs: dict[str, list[dict[str, Any]]] = {tool: [] for tool in TOOLS}
    layout: Layout = []
    with ws.scratch("wipe") as folder:
        vault = folder / "vault"
        for index in range(rounds):
            shift = index % len(TOOLS)
            for tool in TOOLS[shift:] + TOOLS[:shift]:  # a different tool first each round
                with ws.phases.time("wipe/build"):
                    if tool == "carnet":
                        layout = _build_vault(folder, vault, size, pool)
                    else:
                        _build_plain(vault, layout, pool)
                    os.sync()
                with ws.phases.time("wipe/timed"):
                    if tool == "carnet":
                        runs[tool].append(_carnet_once(ws, vault))
                    elif tool == "rm":
                        runs[tool].append(_command_once([[rm, "-rf", str(vault)]], vault))
                    else:
                        passes = ["-n", "1"] if tool == "shred1" else []
                        runs[tool].append(_shred_once(shred, passes, vault, layout))
                if vault.exists():  # never expected: say so, and keep disk use flat anyway
                    say(f"  warning: {LABELS[tool]} left files behind")
                    shutil.rmtree(vault, ignore_errors=True)
    return _report(size_gib, rounds, layout, runs)


def _report(
    size_gib: float, rounds: int, layout: Layout, runs: dict[str, list[dict[str, Any]]]
) -> dict[str, Any]:
    carnet_unreadable = median([r["unreadable_s"] for r in runs["carnet"]])
    done = {tool: median([r["done_s"] for r in runs[tool]]) for tool in TOOLS}
    shred_s = done["shred"]
    results: dict[str, Any] = {
        "size_gib": size_gib,
        "rounds": rounds,
        "files": len(layout),
        "bytes": sum(n for _, n in layout),
        "attached_bytes": sum(REAL_FILES),
        "carnet_unreadable_s": carnet_unreadable,
        "carnet_done_s": done["carnet"],
        "carnet_sync_after_s": median([r["sync_after_s"] for r in runs["carnet"]]),
        "shred_s": shred_s,
        "shred_n1_s": done["shred1"],
        "rm_rf_s": done["rm"],
        "ratio_shred_to_unreadable": ratio(shred_s, carnet_unreadable),
        "ratio_shred_to_done": ratio(shred_s, done["carnet"]),
        "runs": runs,
    }
    say(
        f"  {len(layout):,} files, {results['bytes'] / GIB:.2f} GiB "
        f"({sum(REAL_FILES) / MIB:.1f} MiB attached through AttachmentService, the rest "
        f"filler blobs); " + (f"{rounds} rounds, medians" if rounds > 1 else "1 round")
    )
    rows: list[list[Any]] = []
    for tool in TOOLS:
        unreadable: Any = ""
        if tool == "carnet":
            unreadable = carnet_unreadable * 1000
        elif tool != "rm":
            unreadable = done[tool] * 1000  # shred: unreadable only once done
        rows.append(
            [
                LABELS[tool],
                unreadable,
                done[tool] * 1000,
                ratio(shred_s, unreadable / 1000) if unreadable != "" else "",
                ratio(shred_s, done[tool]),
            ]
        )
    say(
        table(
            [
                "tool",
                "to unreadable ms",
                "to done ms",
                "shred -u ÷ unreadable",
                "shred -u ÷ done",
            ],
            rows,
        )
    )
    say(
        "  shred: unreadable = done (each file's data is gone only when its passes end); "
        "rm -rf: never unreadable (the bytes stay on disk)"
    )
    say(
        f"  → Carnet makes the vault unreadable in {carnet_unreadable * 1000:.1f} ms, "
        f"{results['ratio_shred_to_unreadable']:,.0f}× sooner than shred -u finishes; done in "
        f"{done['carnet']:.2f} s ({results['ratio_shred_to_done']:.1f}× shred -u); "
        f"a sync after it took {results['carnet_sync_after_s']:.2f} s"
    )
    say()
    return results


def _filler(pool: bytes) -> Iterator[memoryview]:
    """Endless 1 MiB slices of the pool, each starting elsewhere: no two blocks alike."""
    view = memoryview(pool)
    span = len(pool) - WRITE_BLOCK
    offset = 0
    while True:
        yield view[offset : offset + WRITE_BLOCK]
        offset = (offset + 4096 + 512) % span


def _write_file(path: Path, size: int, blocks: Iterator[memoryview]) -> None:
    with path.open("wb") as out:
        remaining = size
        while remaining > 0:
            block = next(blocks)[: min(remaining, WRITE_BLOCK)]
            out.write(block)
            remaining -= len(block)


def _build_vault(folder: Path, vault: Path, size: int, pool: bytes) -> Layout:
    """A real vault of `size` bytes: real incidents and attachments, then filler blobs.

    Only a few files go through AttachmentService (about 50 MiB): intake runs near
    500 MiB/s and fsyncs each blob, so 10 GiB that way would add minutes per build
    without changing what a wipe does, which never reads a blob. The rest is filler:
    files of random-looking bytes under blobs/, named and nested as real blobs are
    (blobs/<2 hex>/<32 hex>), which a wipe removes like any other. They are not in the
    database (an unlock would sweep them as orphans, but nothing unlocks it again).
    """
    paths = VaultPaths(vault)
    service = VaultService(paths, NoDeviceShares())
    service.create(PASSPHRASE, profile=KdfProfile.INTERACTIVE, use_keyring=False)
    sources = folder / "sources"
    sources.mkdir(exist_ok=True)
    blocks = _filler(pool)
    files = []
    for number, file_size in enumerate(REAL_FILES):
        source = sources / f"evidence-{number}.bin"
        _write_file(source, file_size, blocks)
        files.append(source)
    with Notebook(service.unlock(PASSPHRASE)) as notebook:
        incident_ids = [
            notebook.incidents.add(
                IncidentInput(
                    f"Benchmark wipe incident {n}",
                    narrative="Arrested at the checkpoint; the phone was taken. " * 20,
                    location="Somewhere",
                    tags=("bench",),
                )
            )
            for n in range(INCIDENTS)
        ]
        outcomes = notebook.attachments.attach(incident_ids[0], files)
    shutil.rmtree(sources, ignore_errors=True)
    failed = [o for o in outcomes if o.attachment is None]
    if failed:
        raise RuntimeError(f"attach failed: {failed[0].error}")
    remaining = size - _folder_bytes(vault)
    unit = 0
    while remaining > 0:
        file_size = min(FILLER_ORDER[unit % len(FILLER_ORDER)], remaining)
        blob_id = secrets.token_hex(16)
        folder = paths.blobs / blob_id[:2]
        folder.mkdir(mode=0o700, exist_ok=True)
        _write_file(folder / blob_id, file_size, blocks)
        remaining -= file_size
        unit += 1
    return _layout(vault)


def _folder_bytes(root: Path) -> int:
    return sum(size for _, size in _layout(root))


def _layout(root: Path) -> Layout:
    found = []
    for dirpath, _dirs, names in os.walk(root):
        for name in names:
            path = Path(dirpath) / name
            found.append((str(path.relative_to(root)), path.stat().st_size))
    return sorted(found)


def _build_plain(root: Path, layout: Layout, pool: bytes) -> None:
    """The same paths and sizes as the vault, as plain files of random-looking bytes."""
    blocks = _filler(pool)
    for relative, size in layout:
        path = root / relative
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        _write_file(path, size, blocks)


def _carnet_once(ws: Workspace, vault: Path) -> dict[str, Any]:
    request = {"vault": str(vault), "scratch": str(ws.root)}
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.bench.wipe"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=ws.env(),
        cwd=ROOT,
    )
    out, err = proc.communicate(json.dumps(request).encode(), timeout=1800)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError("the wipe child failed: " + err.decode()[-800:])
    result: dict[str, Any] = json.loads(out)
    result["child_wall_s"] = wall  # with Python's start-up and imports
    return result


def _shred_once(shred: str, passes: list[str], root: Path, layout: Layout) -> dict[str, Any]:
    names = [relative for relative, _ in layout]
    batches = [
        [shred, *passes, "-u", "--", *names[i : i + SHRED_BATCH]]
        for i in range(0, len(names), SHRED_BATCH)
    ]
    return _command_once(batches, root, cwd=root, remove_dirs=True)


def _command_once(
    commands: Sequence[list[str]], root: Path, cwd: Path | None = None, remove_dirs: bool = False
) -> dict[str, Any]:
    """Run the commands one after the other; wall time from the first spawn to the end."""
    start = time.perf_counter()
    for argv in commands:
        subprocess.run(argv, cwd=cwd, check=True)
    if remove_dirs:  # shred -u leaves the (now empty) folders
        shutil.rmtree(root)
    return {"done_s": time.perf_counter() - start, "commands": len(commands)}


def _child() -> int:
    """In the child: one timed `WipeService.wipe()` on the vault named on stdin."""
    request = json.loads(sys.stdin.read())
    refusal = refuse_outside(Path(request["scratch"]), own_trace_dirs())
    if refusal is not None:  # the wipe removes these: never the developer's own
        sys.stderr.write(refusal + "\n")
        return 2
    report = WipeService(VaultPaths(Path(request["vault"])), NoDeviceShares()).wipe()
    start = time.perf_counter()
    os.sync()
    sync_after = time.perf_counter() - start
    json.dump(
        {
            "unreadable_s": report.unreadable_s,
            "done_s": report.done_s,
            "sync_after_s": sync_after,
            "files_removed": report.files_removed,
            "share_deleted": report.share_deleted,
            "traces_removed": list(report.traces_removed),
        },
        sys.stdout,
    )
    return 0


if __name__ == "__main__":
    sys.exit(_child())
