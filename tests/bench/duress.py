"""Duress unlock against a normal and a wrong unlock of the same vault.

DESIGN.md asks for "indistinguishable medians": someone watching a duress unlock at a
checkpoint must not be able to tell it from a normal one by how long it takes. So the
three are timed on the same vault, with the passphrase, a wrong passphrase and the
duress passphrase, interleaved (normal, wrong, duress, normal, ...) so that drift in the
machine's speed (other processes, thermal limits, the page cache) falls on all three.

The vault: `VaultService.create` with a duress passphrase, no device share (as
`carnet init --no-keyring`), the `interactive` KDF profile with --quick and `moderate`
(the default) otherwise, then 20 incidents and 1,000 small attachments (4 to 64 KiB)
through the real `AttachmentService.attach`, so there are real blobs for the duress
wipe to remove and real rows for the CLI to list.

Each cycle starts from a fresh copy of that prepared vault (copied and flushed with
os.sync() outside the timed region: a duress unlock wipes the vault it opens and builds
a new one). Two measurements:

- in-process: the call the CLI makes, `VaultService(paths, shares).unlock(passphrase)`,
  timed in a child process (`python -m tests.bench.duress`) whose HOME and XDG folders
  are the run's scratch folder: a duress unlock wipes, and a wipe also removes Carnet's
  cache, config and state folders, which here would be the developer's own. One
  untimed cycle first warms imports and the Argon2id memory. If the duress unlock starts
  work in the background and the session offers a way to wait for it
  (`VaultSession.wait()`), the time until it finished is reported as well, and the old
  files are checked to be gone only then.
- the command: `carnet --vault V --passphrase-file F incident list --json` as a new
  process, from spawn to exit (Python's start-up and imports included, and any
  removal the command finishes before it exits), fewer rounds.

Each run is checked for what it claims: a normal unlock sees the incidents, a wrong one
raises WrongPassphraseError (the CLI exits 3), a duress one opens an empty vault and
the old blobs are gone. Nothing is asserted about time.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from app.device_share import NoDeviceShares
from app.errors import WrongPassphraseError
from app.models import IncidentInput
from app.notebook import Notebook
from app.paths import VaultPaths
from app.session import VaultSession
from app.vault import VaultService
from app.wipe import own_trace_dirs
from crypto.kdf import KdfProfile
from tests.bench.common import (
    KIB,
    PASSPHRASE,
    ROOT,
    Workspace,
    median,
    percentile,
    ratio,
    refuse_outside,
    run_child,
    say,
    table,
)

DURESS_PASSPHRASE = "the checkpoint passphrase, empty notebook"
WRONG_PASSPHRASE = "correct horse battery stable"  # one letter off, as a real mistake
KINDS = ("normal", "wrong", "duress")
PASSPHRASES = {"normal": PASSPHRASE, "wrong": WRONG_PASSPHRASE, "duress": DURESS_PASSPHRASE}
EXIT_WRONG = 3  # the CLI's "cannot unlock"
INCIDENTS = 20
BLOBS = 1000
BLOB_SIZES = (4 * KIB, 16 * KIB, 64 * KIB)  # cycled: photos' thumbnails, notes, documents
RUNS = {"quick": 20, "full": 30}  # in-process runs of each kind
CLI_RUNS = {"quick": 3, "full": 10}
WAIT_NAME = "wait"  # VaultSession.wait(): joins work left running after an unlock, if any


def run(ws: Workspace) -> dict[str, Any]:
    mode = "quick" if ws.quick else "full"
    profile = KdfProfile.INTERACTIVE if ws.quick else KdfProfile.MODERATE
    runs, cli_runs = RUNS[mode], CLI_RUNS[mode]
    say(
        f"== duress: normal, wrong and duress unlock of one vault ({BLOBS:,} blobs, "
        f"{profile.value} KDF), interleaved =="
    )
    with ws.scratch("duress") as folder:
        prepared = folder / "prepared"
        with ws.phases.time("duress/build vault"):
            _prepare(folder, prepared, profile)
            os.sync()
        work = folder / "vault"
        with ws.phases.time("duress/in-process"):
            request = {
                "prepared": str(prepared),
                "work": str(work),
                "scratch": str(ws.root),
                "runs": runs,
            }
            inproc = run_child(ws, "tests.bench.duress", request, 3600)
        with ws.phases.time("duress/cli"):
            cli = _cli(ws, folder, prepared, work, cli_runs)
    return _report(profile, runs, cli_runs, inproc, cli)


def _prepare(folder: Path, vault: Path, profile: KdfProfile) -> None:
    """The vault every run starts from: incidents and real attachments, no device share."""
    service = VaultService(VaultPaths(vault), NoDeviceShares())
    service.create(
        PASSPHRASE, profile=profile, use_keyring=False, duress_passphrase=DURESS_PASSPHRASE
    )
    sources = folder / "sources"
    sources.mkdir()
    files = []
    for number in range(BLOBS):
        path = sources / f"evidence-{number:04d}.bin"
        path.write_bytes(os.urandom(BLOB_SIZES[number % len(BLOB_SIZES)]))
        files.append(path)
    per_incident = -(-BLOBS // INCIDENTS)
    with Notebook(service.unlock(PASSPHRASE)) as notebook:
        for number in range(INCIDENTS):
            incident = notebook.incidents.add(
                IncidentInput(
                    f"Benchmark duress incident {number}",
                    narrative="Detained at the checkpoint; the phone was searched. " * 10,
                )
            )
            batch = files[number * per_incident : (number + 1) * per_incident]
            failed = [o for o in notebook.attachments.attach(incident, batch) if not o.attachment]
            if failed:
                raise RuntimeError(f"attach failed: {failed[0].error}")
    shutil.rmtree(sources)


def fresh_copy(prepared: Path, work: Path) -> None:
    """`work` becomes a copy of the prepared vault, flushed to disk like a vault at rest.

    os.sync() so a duress wipe removes files that are on disk, as a real vault's are,
    not dirty pages the kernel can simply drop.
    """
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(prepared, work)
    os.sync()


def blob_files(vault: Path) -> int:
    """Encrypted attachment files anywhere under the vault folder (…/blobs/<2 hex>/<id>),
    also in a folder the old files were moved to for removal; the lock file aside."""
    return sum(1 for p in vault.rglob("*") if p.is_file() and p.parent.parent.name == "blobs")


def _spread(seconds: Sequence[float]) -> dict[str, float]:
    ms = [s * 1000 for s in seconds]
    return {
        "n": len(ms),
        "median_ms": median(ms),
        "p10_ms": percentile(ms, 10),
        "p90_ms": percentile(ms, 90),
    }


def _cli(
    ws: Workspace, folder: Path, prepared: Path, work: Path, rounds: int
) -> dict[str, list[float]]:
    """`carnet incident list` with each passphrase, interleaved, spawn to exit."""
    files = {}
    for kind, passphrase in PASSPHRASES.items():
        files[kind] = folder / f"passphrase-{kind}.txt"
        files[kind].write_text(passphrase + "\n", "utf-8")
    env = ws.env()
    timings: dict[str, list[float]] = {kind: [] for kind in KINDS}
    for _ in range(rounds):
        fresh_copy(prepared, work)
        for kind in KINDS:
            argv = [sys.executable, "-m", "app", "--vault", str(work)]
            argv += ["--passphrase-file", str(files[kind]), "incident", "list", "--json"]
            start = time.perf_counter()
            proc = subprocess.run(argv, env=env, cwd=ROOT, capture_output=True, check=False)
            timings[kind].append(time.perf_counter() - start)
            _check_cli(kind, proc)
    shutil.rmtree(work, ignore_errors=True)
    return timings


def _check_cli(kind: str, proc: subprocess.CompletedProcess[bytes]) -> None:
    """Each command did what its passphrase means (a wrong one exits 3; duress lists none)."""
    expected = EXIT_WRONG if kind == "wrong" else 0
    if proc.returncode != expected:
        raise RuntimeError(
            f"carnet incident list ({kind}) exited {proc.returncode}, not {expected}: "
            + proc.stderr.decode(errors="replace")[-400:]
        )
    if kind == "wrong":
        return
    listed = len(json.loads(proc.stdout or b"[]"))
    if listed != (INCIDENTS if kind == "normal" else 0):
        raise RuntimeError(f"carnet incident list ({kind}) listed {listed} incidents")


def _report(
    profile: KdfProfile,
    runs: int,
    cli_runs: int,
    inproc: dict[str, Any],
    cli: dict[str, list[float]],
) -> dict[str, Any]:
    unlock = {kind: _spread(inproc["unlock_s"][kind]) for kind in KINDS}
    command = {kind: _spread(cli[kind]) for kind in KINDS}
    results: dict[str, Any] = {
        "profile": profile.value,
        "blobs": BLOBS,
        "incidents": INCIDENTS,
        "runs": runs,
        "cli_runs": cli_runs,
        "unlock": unlock,
        "cli": command,
        "unlock_s": inproc["unlock_s"],
        "cli_s": cli,
        "background_wait": inproc.get("cleanup_s") is not None,
        "fresh_copy_s": inproc["copy_s"],
    }
    rows = [["VaultService.unlock", kind, *_cols(unlock[kind])] for kind in KINDS]
    if inproc.get("cleanup_s"):
        results["duress_until_cleanup"] = _spread(inproc["cleanup_s"])
        rows.append(
            ["  … until background removal done", "duress", *_cols(results["duress_until_cleanup"])]
        )
    rows += [["carnet incident list", kind, *_cols(command[kind])] for kind in KINDS]
    for name, figures in (("unlock", unlock), ("cli", command)):
        normal = figures["normal"]["median_ms"]
        results[f"{name}_ratio_duress_normal"] = ratio(figures["duress"]["median_ms"], normal)
        results[f"{name}_ratio_wrong_normal"] = ratio(figures["wrong"]["median_ms"], normal)
        results[f"{name}_duress_minus_normal_ms"] = figures["duress"]["median_ms"] - normal
    say(f"  {runs} runs of each in-process, {cli_runs} of each command; medians, p10, p90")
    say(table(["what", "passphrase", "median ms", "p10 ms", "p90 ms"], rows))
    say(
        f"  → unlock: duress/normal {results['unlock_ratio_duress_normal']:.2f}× "
        f"({results['unlock_duress_minus_normal_ms']:+.1f} ms), wrong/normal "
        f"{results['unlock_ratio_wrong_normal']:.2f}×; command: duress/normal "
        f"{results['cli_ratio_duress_normal']:.2f}× "
        f"({results['cli_duress_minus_normal_ms']:+.1f} ms), wrong/normal "
        f"{results['cli_ratio_wrong_normal']:.2f}× (target: indistinguishable medians)"
    )
    say(
        f"  (untimed: a fresh copy of the vault, flushed with os.sync(), before each cycle: "
        f"median {median(inproc['copy_s']):.2f} s)"
    )
    if results["background_wait"]:
        until = results["duress_until_cleanup"]["median_ms"]
        results["unlock_ratio_cleanup_normal"] = ratio(until, unlock["normal"]["median_ms"])
        say(
            f"  → duress until its background removal finished: "
            f"{results['unlock_ratio_cleanup_normal']:.2f}× a normal unlock"
        )
    else:
        say("  (the API offers no way to wait for background removal: the unlock call alone)")
    say()
    return results


def _cols(spread: dict[str, float]) -> list[float]:
    return [spread["median_ms"], spread["p10_ms"], spread["p90_ms"]]


# The child process ---------------------------------------------------------------------


def _timed_unlock(service: VaultService, kind: str) -> tuple[float, VaultSession | None]:
    start = time.perf_counter()
    try:
        session = service.unlock(PASSPHRASES[kind])
    except WrongPassphraseError:
        elapsed = time.perf_counter() - start
        if kind != "wrong":
            raise
        return elapsed, None
    elapsed = time.perf_counter() - start
    if kind == "wrong":
        session.close()
        raise RuntimeError("the wrong passphrase unlocked the vault")
    return elapsed, session


def _background_wait(session: VaultSession) -> Callable[[], Any] | None:
    """The session's way to wait for work an unlock left running, if this API has one."""
    wait = getattr(session, WAIT_NAME, None)
    return wait if callable(wait) else None


def _check_session(kind: str, session: VaultSession) -> None:
    with session.db.reading() as conn:
        incidents = conn.execute("SELECT count(*) FROM incidents").fetchone()[0]
        attachments = conn.execute("SELECT count(*) FROM attachments").fetchone()[0]
    expected = (INCIDENTS, BLOBS) if kind == "normal" else (0, 0)
    if (incidents, attachments) != expected:
        raise RuntimeError(f"{kind} unlock saw {incidents} incidents, {attachments} attachments")


def _child() -> int:
    """In the child: the interleaved in-process runs on fresh copies of the vault."""
    request = json.loads(sys.stdin.read())
    refusal = refuse_outside(Path(request["scratch"]), own_trace_dirs())
    if refusal is not None:  # a duress unlock wipes these: never the developer's own
        sys.stderr.write(refusal + "\n")
        return 2
    prepared, work = Path(request["prepared"]), Path(request["work"])
    blobs_before = blob_files(prepared)
    unlock_s: dict[str, list[float]] = {kind: [] for kind in KINDS}
    cleanup_s: list[float] = []
    copy_s: list[float] = []
    for cycle in range(request["runs"] + 1):  # cycle 0 warms up, untimed
        start = time.perf_counter()
        fresh_copy(prepared, work)
        copy_s.append(time.perf_counter() - start)
        for kind in KINDS:
            service = VaultService(VaultPaths(work), NoDeviceShares())
            start = time.perf_counter()
            elapsed, session = _timed_unlock(service, kind)
            if session is None:
                if cycle:
                    unlock_s[kind].append(elapsed)
                continue
            try:
                wait = _background_wait(session) if kind == "duress" else None
                if wait is not None:
                    wait()
                    if cycle:
                        cleanup_s.append(time.perf_counter() - start)
                _check_session(kind, session)
            finally:
                session.close()
            if cycle:
                unlock_s[kind].append(elapsed)
        left = blob_files(work)
        if blobs_before != BLOBS or left:
            raise RuntimeError(f"after the duress unlock {left} of {blobs_before} blobs remain")
    shutil.rmtree(work, ignore_errors=True)
    answer = {"unlock_s": unlock_s, "cleanup_s": cleanup_s or None, "copy_s": copy_s}
    json.dump(answer, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(_child())
