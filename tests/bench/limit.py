"""The machine's own limit for "hash + encrypt + write durably", measured in the same run.

Intake and export cannot beat what this machine's primitives and disk allow, so both are
also set against that limit rather than only against other tools. Two stages, each timed
on its own over the same bytes as the benchmark:

- compute: SHA-256 (hashlib) and secretstream (PyNaCl's
  crypto_secretstream_xchacha20poly1305_push, 1 MiB chunks, as the product seals) on
  two threads in parallel, each reading the same source files (warm in the page cache)
  on its own; both release the GIL on large buffers. Timed from the start of both
  threads to the end of the later one.
- storage: writing the same number of bytes (1 MiB writes) into a new file in the
  benchmark's folder, then fsync, timed from open to the end of the fsync.

    limit MiB/s = min(compute MiB/s, storage MiB/s)

i.e. a perfect pipeline, whose stages overlap completely, runs at the speed of its
slower stage; the product cannot do better than that, and 0.8x of it is the target.
For context the serial figure, 1 / (1/compute + 1/storage), is reported too: the
speed if the stages did not overlap at all.
"""

from __future__ import annotations

import hashlib
import os
import textwrap
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from nacl import bindings as sodium

from tests.bench.common import MIB, median, say

CHUNK = MIB
DEFINITION = (
    "machine limit = min(compute, storage): compute = SHA-256 and secretstream (1 MiB "
    "chunks) on two threads in parallel over the same bytes; storage = write + fsync of "
    "as many bytes"
)


def measure(sources: Sequence[Path], folder: Path) -> dict[str, float]:
    """One measurement of both stages over `sources`; scratch output goes in `folder`."""
    size = sum(path.stat().st_size for path in sources)
    compute_s, hash_s, seal_s = _compute(sources)
    storage_s = _storage(folder / "limit-write.bin", size)
    compute = size / MIB / compute_s
    storage = size / MIB / storage_s
    return {
        "bytes": size,
        "compute_s": compute_s,
        "sha256_thread_s": hash_s,
        "secretstream_thread_s": seal_s,
        "storage_s": storage_s,
        "compute_mib_s": compute,
        "storage_mib_s": storage,
        "limit_mib_s": min(compute, storage),
        "serial_mib_s": 1 / (1 / compute + 1 / storage),
    }


def summarise(runs: Sequence[dict[str, float]]) -> dict[str, Any]:
    """Medians over rounds; the limit from the median stage times, not a median of mins."""
    size = runs[0]["bytes"]
    compute = size / MIB / median([r["compute_s"] for r in runs])
    storage = size / MIB / median([r["storage_s"] for r in runs])
    return {
        "definition": DEFINITION,
        "compute_mib_s": compute,
        "storage_mib_s": storage,
        "sha256_mib_s": size / MIB / median([r["sha256_thread_s"] for r in runs]),
        "secretstream_mib_s": size / MIB / median([r["secretstream_thread_s"] for r in runs]),
        "limit_mib_s": min(compute, storage),
        "serial_mib_s": 1 / (1 / compute + 1 / storage),
        "runs": list(runs),
    }


def _chunks(sources: Sequence[Path]) -> Any:
    buffer = bytearray(CHUNK)
    view = memoryview(buffer)
    for path in sources:
        with path.open("rb", buffering=0) as handle:
            while True:
                got = handle.readinto(buffer)
                if not got:
                    break
                yield view[:got]


def _compute(sources: Sequence[Path]) -> tuple[float, float, float]:
    took: dict[str, float] = {}
    errors: list[BaseException] = []

    def hash_all() -> None:
        start = time.perf_counter()
        hasher = hashlib.sha256()
        for chunk in _chunks(sources):
            hasher.update(chunk)
        hasher.hexdigest()
        took["sha256"] = time.perf_counter() - start

    def seal_all() -> None:
        start = time.perf_counter()
        state = sodium.crypto_secretstream_xchacha20poly1305_state()
        key = os.urandom(sodium.crypto_secretstream_xchacha20poly1305_KEYBYTES)
        sodium.crypto_secretstream_xchacha20poly1305_init_push(state, key)
        tag = sodium.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE
        for chunk in _chunks(sources):
            sodium.crypto_secretstream_xchacha20poly1305_push(state, bytes(chunk), None, tag)
        took["secretstream"] = time.perf_counter() - start

    def guarded(work: Any) -> Any:
        def body() -> None:
            try:
                work()
            except BaseException as exc:  # re-raised in the caller
                errors.append(exc)

        return body

    threads = [threading.Thread(target=guarded(w)) for w in (hash_all, seal_all)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - start
    if errors:
        raise errors[0]
    return wall, took["sha256"], took["secretstream"]


def _storage(out: Path, size: int) -> float:
    block = os.urandom(CHUNK)
    start = time.perf_counter()
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        remaining = size
        while remaining > 0:
            remaining -= os.write(fd, block[: min(remaining, CHUNK)])
        os.fsync(fd)
    finally:
        os.close(fd)
    elapsed = time.perf_counter() - start
    out.unlink()
    return elapsed


def table_rows(machine: dict[str, Any]) -> list[list[Any]]:
    """The machine-limit lines of a three-column throughput table (intake, export)."""
    return [
        ["machine limit (slower stage)", machine["limit_mib_s"], "-"],
        ["  compute: SHA-256 ∥ secretstream, 2 threads", machine["compute_mib_s"], "-"],
        ["  storage: write + fsync", machine["storage_mib_s"], "-"],
        ["  (both stages one after the other)", machine["serial_mib_s"], "-"],
    ]


def explain() -> None:
    """Print what the limit is, under the table that shows it."""
    for line in textwrap.wrap(DEFINITION, 96):
        say("  " + line)
