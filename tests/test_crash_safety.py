"""Crash safety: kill -9 at random moments loses nothing that was committed.

A child process adds incidents one per transaction and prints each id, flushed, right
after add() returns. The parent SIGKILLs it at a random moment: after a random number of
ids, in the middle of the unlock (key derivation, opening the store), or in the middle of
the migration of a version-1 store. After every kill the vault must open, pass SQLite's
and SQLCipher's integrity checks, hold every incident whose id was printed with its exact
title, and its search index must agree. A kill in the middle of a bulk import leaves all
of that batch or none of it.

The runs are random on purpose; the seed is in every failure message, and CRASH_SEED=N
replays a run.
"""

from __future__ import annotations

import importlib.util
import os
import queue
import random
import secrets
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

from app.device_share import NoDeviceShares
from app.notebook import Notebook
from app.paths import VaultPaths
from app.store.database import Database
from app.store.migrations import LATEST_VERSION, MIGRATIONS
from app.vault import VaultService
from crypto.kdf import KdfProfile, normalize_passphrase, stretch_passphrase
from crypto.vault_keys import open_with_passphrase
from tests.conftest import ROOT, CarnetEnv

KILL_RUNS = 22
MIGRATION_KILLS = 4
MAX_IDS_PER_RUN = 40
V1_EXTRA_INCIDENTS = 5000  # enough rows that building the search index takes a while
BATCH = 3000
BATCH_KILLS = 5
LINE_TIMEOUT = 60.0

CHILD = r"""
import sys
from pathlib import Path

from app.device_share import NoDeviceShares
from app.models import IncidentInput
from app.notebook import Notebook
from app.paths import VaultPaths
from app.vault import VaultService

root, run, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3]
passphrase = sys.stdin.readline().rstrip("\n")


def progress(done, total, stage):
    if stage == "unlocked":  # key derived; the store is opened (and migrated) next
        print("kdf-done", flush=True)


print("start", flush=True)
service = VaultService(VaultPaths(Path(root)), NoDeviceShares())
notebook = Notebook(service.unlock(passphrase, progress=progress))
print("unlocked", flush=True)
if mode == "single":
    for n in range(100_000):
        ident = notebook.incidents.add(
            IncidentInput(
                title=f"crash run {run} item {n} u{run}z{n}q",
                narrative=f"Narrative of item {n} of run {run}. " * 20,
                tags=(f"run{run}",),
            )
        )
        print(f"{ident} {n}", flush=True)
else:
    size = int(sys.argv[4])
    items = [
        IncidentInput(title=f"bulk run {run} item {n} b{run}y{n}q", tags=(f"batch{run}",))
        for n in range(size)
    ]
    print("begin", flush=True)
    ids = notebook.incidents.add_many(items)
    print(f"done {len(ids)}", flush=True)
notebook.close()
"""


def load_fixture_builder() -> ModuleType:
    path = ROOT / "scripts" / "make_v1_fixture.py"
    spec = importlib.util.spec_from_file_location("make_v1_fixture", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Child:
    """The child process and a thread turning its stdout into a queue of lines."""

    def __init__(self, cenv: CarnetEnv, vault: Path, passphrase: str, *args: str) -> None:
        self.started = time.monotonic()
        self.proc = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(vault), *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=cenv.env,
            cwd=cenv.root,
        )
        assert self.proc.stdin is not None
        self.proc.stdin.write(passphrase + "\n")
        self.proc.stdin.close()
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self._lines.put(line.rstrip("\n"))
        self._lines.put(None)

    def line(self) -> str:
        """The next line; fails the test if the child ended or stalled instead."""
        try:
            got = self._lines.get(timeout=LINE_TIMEOUT)
        except queue.Empty:
            self.kill()
            raise AssertionError("the child printed nothing for a minute") from None
        if got is None:
            self.proc.wait(timeout=10)
            assert self.proc.stderr is not None
            raise AssertionError(f"the child ended early: {self.proc.stderr.read()[-2000:]}")
        return got

    def wait_for(self, wanted: str) -> float:
        while (got := self.line()) != wanted:
            assert not got[:1].isdigit(), f"unexpected line {got!r} before {wanted!r}"
        return time.monotonic()

    def kill(self) -> list[str]:
        """SIGKILL; returns the lines printed before death that were not read yet."""
        self.proc.kill()
        self.proc.wait(timeout=10)
        self._reader.join(timeout=10)
        rest = []
        while (got := self._lines.get(timeout=10)) is not None:
            rest.append(got)
        for stream in (self.proc.stdout, self.proc.stderr):
            if stream is not None:
                stream.close()
        return rest


@dataclass
class Ledger:
    """What the children reported: every id whose add() had returned."""

    seed: int
    reported: dict[int, tuple[int, int]] = field(default_factory=dict)  # id -> (run, n)
    plans: list[str] = field(default_factory=list)

    def note(self, line: str, run: int) -> None:
        if not line[:1].isdigit():
            return
        ident, n = (int(part) for part in line.split())
        assert ident not in self.reported, f"id {ident} reported twice ({self})"
        self.reported[ident] = (run, n)

    def __str__(self) -> str:
        return f"seed={self.seed} plans={self.plans}"


def title(run: int, n: int) -> str:
    return f"crash run {run} item {n} u{run}z{n}q"


def raw_checks(db: Database, where: str) -> None:
    assert db.integrity_check() == [], f"cipher_integrity_check failed {where}"
    with db.reading() as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)], where
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == [], where
        if db.schema_version() >= 2:
            indexed = {r[0] for r in conn.execute("SELECT rowid FROM incident_search")}
            stored = {r[0] for r in conn.execute("SELECT id FROM incidents")}
            assert indexed == stored, f"search index disagrees with the incidents {where}"
            # FTS5's own check that its index matches its content; raises if not.
            conn.execute("INSERT INTO incident_search(incident_search) VALUES ('integrity-check')")


def open_without_migrating(vault: Path, db_key: bytes) -> Database:
    return Database.open(vault / "store.db", db_key, migrations=MIGRATIONS[:1])


def verify(vault: Path, passphrase: str, db_key: bytes, ledger: Ledger, run: int) -> int:
    """Everything reported is there; returns the store's schema version."""
    where = f"after run {run} ({ledger})"
    db = open_without_migrating(vault, db_key)
    try:
        version = db.schema_version()
        # Each migration commits on its own: a kill between two leaves any version from
        # the fixture's 1 to the newest, and the next open carries on from there.
        assert 1 <= version <= LATEST_VERSION, where
        raw_checks(db, where)
    finally:
        db.close()
    service = VaultService(VaultPaths(vault), NoDeviceShares())
    if version < LATEST_VERSION:
        # Killed before the last migration committed: nothing can have been added yet. The
        # passphrase still opens the header (a full unlock would migrate; the next child
        # does that, and may be killed in the middle too).
        assert not ledger.reported, where
        header = service.read_header()
        stretched = stretch_passphrase(
            normalize_passphrase(passphrase), header.salt, header.profile
        )
        assert open_with_passphrase(header, stretched, None).master_key is not None
        return version

    with Notebook(service.unlock(passphrase)) as notebook:
        with notebook.session.db.reading() as conn:
            rows = conn.execute(
                "SELECT id, title FROM incidents WHERE title LIKE 'crash run %'"
            ).fetchall()
        stored = dict(rows)
        for ident, (r, n) in ledger.reported.items():
            assert stored.get(ident) == title(r, n), f"id {ident} lost or changed {where}"
        # The index holds exactly the stored rows (checked above, FTS5 integrity-check
        # included); a search for each incident's own word finds it: every one of this
        # run's, and a sample of the earlier ones.
        this_run = [i for i, (r, _) in ledger.reported.items() if r == run]
        earlier = [i for i, (r, _) in ledger.reported.items() if r != run]
        for ident in this_run + random.Random(run).sample(earlier, min(25, len(earlier))):
            r, n = ledger.reported[ident]
            hits = notebook.search.search(f"u{r}z{n}q")
            assert [hit.incident_id for hit in hits] == [ident], f"search u{r}z{n}q {where}"
        # An add that committed but was killed before it printed is allowed: at most one
        # per run, and only the one right after the last printed.
        last: dict[int, int] = {}
        for r, n in ledger.reported.values():
            last[r] = max(last.get(r, -1), n)
        for ident, text in rows:
            if ident in ledger.reported:
                continue
            words = text.split()
            r, n = int(words[2]), int(words[4])
            assert text == title(r, n), where
            assert n == last.get(r, -1) + 1, f"unreported incident {ident} ({text}) {where}"
            last[r] = n
    return version


def test_sigkill_at_random_moments_loses_no_committed_incident(
    carnet_env: CarnetEnv, tmp_path: Path
) -> None:
    seed = int(os.environ.get("CRASH_SEED") or secrets.randbits(32))
    rng = random.Random(seed)
    ledger = Ledger(seed)
    builder = load_fixture_builder()
    passphrase = "crash test passphrase"
    vault = carnet_env.root / "vault"
    info = builder.build_v1_vault(vault, passphrase, extra_incidents=V1_EXTRA_INCIDENTS)
    db_key = bytes.fromhex(info["db_key_hex"])
    assert info["kdf_profile"] == KdfProfile.INTERACTIVE.value

    # Calibrate on a copy: how long until the key is derived, and until the store is open
    # (migrated from version 1 to the latest).
    calibration = tmp_path / "calibration"
    shutil.copytree(vault, calibration)
    child = Child(carnet_env, calibration, passphrase, "0", "single")
    kdf_done = child.wait_for("kdf-done")
    opened = child.wait_for("unlocked")
    child.kill()
    to_kdf, to_open = kdf_done - child.started, opened - kdf_done
    shutil.rmtree(calibration)

    versions = []
    for run in range(1, KILL_RUNS + 1):
        plan = "migration" if run <= MIGRATION_KILLS else "unlock" if rng.random() < 0.2 else "adds"
        child = Child(carnet_env, vault, passphrase, str(run), "single")
        if plan == "migration":
            child.wait_for("kdf-done")
            delay = rng.uniform(0, to_open * 1.2)
            time.sleep(delay)
            ledger.plans.append(f"{run}:open+{delay:.3f}s")
        elif plan == "unlock":
            delay = rng.uniform(0, to_kdf + to_open)
            time.sleep(delay)
            ledger.plans.append(f"{run}:start+{delay:.3f}s")
        else:
            child.wait_for("unlocked")
            wanted = rng.randint(0, MAX_IDS_PER_RUN)
            for _ in range(wanted):
                ledger.note(child.line(), run)
            if rng.random() < 0.5:
                time.sleep(rng.uniform(0, 0.01))  # land inside the next transaction
            ledger.plans.append(f"{run}:ids{wanted}")
        for line in child.kill():
            ledger.note(line, run)
        versions.append(verify(vault, passphrase, db_key, ledger, run))
        ledger.plans[-1] += f"->v{versions[-1]}"

    print(f"crash runs: {ledger}; {len(ledger.reported)} ids reported")
    assert versions[-1] == LATEST_VERSION
    assert len(ledger.reported) > 0, f"no run got as far as adding ({ledger})"
    # The rows the version-1 store held survived the interrupted migrations.
    with Notebook(VaultService(VaultPaths(vault), NoDeviceShares()).unlock(passphrase)) as nb:
        for item in info["incidents"]:
            assert nb.incidents.get(item["id"]).title == item["title"]
        hits = nb.search.search(f"kw{V1_EXTRA_INCIDENTS - 1:06d}")
        assert [hit.incident_id for hit in hits] == [1000 + V1_EXTRA_INCIDENTS - 1]


def count_batch(db: Database, run: int) -> int:
    with db.reading() as conn:
        return int(
            conn.execute(
                "SELECT count(*) FROM incident_tags WHERE tag = ?", (f"batch{run}",)
            ).fetchone()[0]
        )


def test_sigkill_during_a_bulk_import_keeps_all_or_none(
    carnet_env: CarnetEnv, tmp_path: Path
) -> None:
    seed = int(os.environ.get("CRASH_SEED") or secrets.randbits(32))
    rng = random.Random(seed)
    passphrase = "bulk crash passphrase"
    vault = carnet_env.root / "bulk-vault"
    service = VaultService(VaultPaths(vault), NoDeviceShares())
    service.create(passphrase, profile=KdfProfile.INTERACTIVE, use_keyring=False)

    # Run 0 completes: it measures how long one batch takes, and must all be there.
    child = Child(carnet_env, vault, passphrase, "0", "bulk", str(BATCH))
    began = child.wait_for("begin")
    assert child.line() == f"done {BATCH}"
    duration = time.monotonic() - began
    child.proc.wait(timeout=30)
    child.kill()

    complete = {0}
    outcomes: list[str] = []
    for run in range(1, BATCH_KILLS + 1):
        child = Child(carnet_env, vault, passphrase, str(run), "bulk", str(BATCH))
        child.wait_for("begin")
        delay = rng.uniform(0, duration * 1.1)
        time.sleep(delay)
        finished = any(line == f"done {BATCH}" for line in child.kill())
        where = f"run {run}, killed {delay:.3f}s after begin (seed={seed}, {outcomes})"
        with Notebook(service.unlock(passphrase)) as notebook:
            db = notebook.session.db
            raw_checks(db, where)
            present = count_batch(db, run)
            assert present in (0, BATCH), f"{present} of {BATCH} incidents kept, {where}"
            if finished:
                assert present == BATCH, where
            if present:
                complete.add(run)
            for earlier in complete:
                assert count_batch(db, earlier) == BATCH, f"batch {earlier} damaged, {where}"
                hits = notebook.search.search(f"b{earlier}y{BATCH - 1}q")
                assert len(hits) == 1, where
            assert notebook.incidents.count() == BATCH * len(complete), where
            hits = notebook.search.search(f"b{run}y0q")
            assert len(hits) == (1 if present else 0), where
        outcomes.append(f"{run}:{'all' if present else 'none'}@{delay:.2f}s")
    print(f"bulk kills (seed={seed}, one batch took {duration:.2f}s): {outcomes}")
