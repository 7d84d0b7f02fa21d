"""Upload of a large bundle to Carnet's own intake: Carnet's tus client against curl.

One file of random bytes (500 MiB; 64 MiB with --quick) is read once to warm the page
cache. `carnet intake serve` runs as a child process on 127.0.0.1 (any free port, a
bearer token from a file) for the whole benchmark. Then, the order rotating each round:

- Carnet: a child process builds the transport as `carnet send` does
  (sync.destinations.build_transport) and calls `send` on the file: OPTIONS, POST
  stating the file's SHA-256 (Repr-Digest), then 16 MiB PATCHes; the intake holds the
  upload to that digest and confirms the digest of what it stored in its answer to the
  last PATCH, which the client checks (so no PATCH carries an Upload-Checksum), and
  fsyncs the upload before it finishes it. The child times the
  send and reports its peak RSS growth during it (VmHWM after, against VmRSS after the
  imports with the peak mark reset).
- curl: `curl -X POST` creates an upload on the same server (Location parsed from the
  answer), then one `curl -X PATCH -T FILE` sends the whole file in one request with no
  checksum and no digest: one fsync, no hashing on the client. The PATCH is timed alone
  (the headline figure), and POST + PATCH too. The token reaches curl through a header file
  (`-H @FILE`), never on its command line.

After each upload the file the intake finished is checked (size and SHA-256 name) and
deleted, so every round starts from an empty store (the intake keeps a bundle that
arrives twice once, and would skip the rename the first time did). Every file lives in
the benchmark's own scratch folder, removed at the end; the server is stopped also when
a step fails.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import select
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from tests.bench.common import (
    MIB,
    ROOT,
    Workspace,
    median,
    met_text,
    random_file,
    ratio,
    read_all,
    run_child,
    say,
    table,
)

TARGET_RATIO = 0.9  # Carnet's throughput against curl's single PATCH
TARGET_RSS_GROWTH_MIB = 64
TOOLS = ("carnet", "curl")
START_TIMEOUT_S = 30.0


def run(ws: Workspace) -> dict[str, Any]:
    size_mib = 64 if ws.quick else 500
    rounds = 3  # cheap even at full size; two were too few against a shared machine's noise
    say(f"== upload: one {size_mib} MiB file to `carnet intake serve`, Carnet's client vs curl ==")
    curl = shutil.which("curl")
    if curl is None:
        say("  curl is not installed (scripts/install-system-deps.sh bench installs it)")
        return {"skipped": "curl not installed"}
    with ws.scratch("upload") as folder:
        source = folder / "bundle.bin"
        with ws.phases.time("upload/make file"):
            random_file(source, size_mib * MIB)
            read_all(source)
            sha256 = _sha256(source)
        token_file = folder / "token"
        token = secrets.token_urlsafe(32)
        token_file.write_text(token + "\n")
        auth_header = folder / "auth-header"
        auth_header.write_text(f"Authorization: Bearer {token}\n")
        store = folder / "store"
        server, url = _start_intake(ws, store, token_file, folder / "intake.log")
        carnet_runs: list[dict[str, Any]] = []
        curl_runs: list[dict[str, float]] = []
        try:
            with ws.phases.time("upload/timed"):
                for index in range(rounds):
                    shift = index % len(TOOLS)
                    for tool in TOOLS[shift:] + TOOLS[:shift]:
                        if tool == "carnet":
                            request = {
                                "url": url,
                                "token_file": str(token_file),
                                "source": str(source),
                                "sha256": sha256,
                            }
                            carnet_runs.append(
                                run_child(ws, "tests.bench.upload_child", request, 900)
                            )
                        else:
                            curl_runs.append(_curl_once(curl, url, auth_header, source))
                        _check_and_clear(store, sha256, source.stat().st_size, tool)
        finally:
            _stop(server)
        size = source.stat().st_size
    return _report(size_mib, rounds, size, carnet_runs, curl_runs)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(8 * MIB):
            digest.update(block)
    return digest.hexdigest()


def _start_intake(
    ws: Workspace, store: Path, token_file: Path, log: Path
) -> tuple[subprocess.Popen[bytes], str]:
    """`carnet intake serve` on any free loopback port; its URL once it listens (the
    command prints it on stdout when the socket is bound)."""
    argv = [sys.executable, "-m", "app", "intake", "serve", "--store", str(store)]
    argv += ["--host", "127.0.0.1", "--port", "0", "--token-file", str(token_file)]
    with log.open("wb") as errors:
        server = subprocess.Popen(
            argv, stdout=subprocess.PIPE, stderr=errors, env=ws.env(), cwd=ROOT
        )
    assert server.stdout is not None
    deadline = time.monotonic() + START_TIMEOUT_S
    line = b""
    while not line.endswith(b"\n"):
        left = deadline - time.monotonic()
        ready, _, _ = select.select([server.stdout], [], [], max(left, 0))
        if not ready:
            _stop(server)
            raise RuntimeError("carnet intake serve did not start listening in time")
        byte = os.read(server.stdout.fileno(), 1)  # unbuffered: select sees the rest
        if not byte:
            _stop(server)
            raise RuntimeError("carnet intake serve ended: " + log.read_text()[-800:])
        line += byte
    return server, line.decode().strip()


def _stop(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    if server.stdout is not None:
        server.stdout.close()


def _curl_once(curl: str, url: str, auth_header: Path, source: Path) -> dict[str, float]:
    """POST (creation), then one PATCH of the whole file; each timed spawn to exit."""
    size = source.stat().st_size
    start = time.perf_counter()
    post = [curl, "-s", "-S", "-i", "-X", "POST", "-H", "Tus-Resumable: 1.0.0"]
    post += ["-H", f"Upload-Length: {size}", "-H", f"@{auth_header}", url]
    created = subprocess.run(post, capture_output=True, check=True)
    posted = time.perf_counter()
    location = _location(created.stdout)
    patch = [curl, "-s", "-S", "-o", "/dev/null", "-w", "%{http_code}", "-X", "PATCH"]
    patch += ["-T", str(source), "-H", "Tus-Resumable: 1.0.0", "-H", "Upload-Offset: 0"]
    patch += ["-H", "Content-Type: application/offset+octet-stream", "-H", f"@{auth_header}"]
    patch.append(urljoin(url, location))
    patched = subprocess.run(patch, capture_output=True, check=True)
    end = time.perf_counter()
    if patched.stdout.strip() != b"204":
        raise RuntimeError(f"curl's PATCH got HTTP {patched.stdout.decode(errors='replace')}")
    return {"patch_s": end - posted, "post_patch_s": end - start, "post_s": posted - start}


def _location(answer: bytes) -> str:
    head = answer.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    if not head[0].split()[1:2] == ["201"]:
        raise RuntimeError(f"curl's POST got {head[0]!r}")
    for line in head[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "location":
            return value.strip()
    raise RuntimeError("curl's POST answer has no Location")


def _check_and_clear(store: Path, sha256: str, size: int, tool: str) -> None:
    """The intake finished the upload under its SHA-256 at full size: delete it."""
    finished = store / "finished" / sha256
    if not finished.is_file() or finished.stat().st_size != size:
        raise RuntimeError(f"the intake did not finish {tool}'s upload")
    finished.unlink()


def _report(
    size_mib: int,
    rounds: int,
    size: int,
    carnet_runs: list[dict[str, Any]],
    curl_runs: list[dict[str, float]],
) -> dict[str, Any]:
    mib = size / MIB
    carnet_s = median([r["send_s"] for r in carnet_runs])
    patch_s = median([r["patch_s"] for r in curl_runs])
    post_patch_s = median([r["post_patch_s"] for r in curl_runs])
    growth = max(r["rss_growth_mib"] for r in carnet_runs)
    results: dict[str, Any] = {
        "size_mib": size_mib,
        "rounds": rounds,
        "carnet_send_s": carnet_s,
        "curl_patch_s": patch_s,
        "curl_post_patch_s": post_patch_s,
        "carnet_mib_s": mib / carnet_s,
        "curl_patch_mib_s": mib / patch_s,
        "curl_post_patch_mib_s": mib / post_patch_s,
        "throughput_ratio": ratio(patch_s, carnet_s),
        "ratio_vs_curl_post_patch": ratio(post_patch_s, carnet_s),
        "carnet_rss_growth_mib_max": growth,
        "carnet_peak_rss_mib": max(r["rss_after_mib"] for r in carnet_runs),
        "carnet_patches": carnet_runs[0]["patches"],
        "carnet_runs": carnet_runs,
        "curl_runs": curl_runs,
        "target_ratio": TARGET_RATIO,
        "target_rss_growth_mib": TARGET_RSS_GROWTH_MIB,
    }
    results["met_ratio"] = results["throughput_ratio"] >= TARGET_RATIO
    results["met_rss"] = growth <= TARGET_RSS_GROWTH_MIB
    say(
        table(
            ["what", "seconds (median)", "MiB/s", "peak RSS growth MiB"],
            [
                [
                    f"Carnet send ({results['carnet_patches']} PATCHes, digest confirmed)",
                    carnet_s,
                    results["carnet_mib_s"],
                    growth,
                ],
                [
                    "curl PATCH (one request, no checksum)",
                    patch_s,
                    results["curl_patch_mib_s"],
                    "-",
                ],
                ["curl POST + PATCH", post_patch_s, results["curl_post_patch_mib_s"], "-"],
            ],
        )
    )
    say(
        f"  → Carnet {results['throughput_ratio']:.2f}× curl's PATCH (target ≥ {TARGET_RATIO}×: "
        f"{met_text(results['met_ratio'])}); {results['ratio_vs_curl_post_patch']:.2f}× curl's "
        "POST + PATCH"
    )
    say(
        f"  RSS growth during the send {growth:.1f} MiB (target ≤ {TARGET_RSS_GROWTH_MIB}: "
        f"{met_text(results['met_rss'])})"
    )
    say()
    return results
