"""Run the curated mutation catalogue: each security check broken once, its tests run.

    python -m tests.mutation.run [--only NAME ...] [--jobs N] [--timeout S] [--list]

For every entry of tests/mutation/catalogue.toml: in a scratch copy of the tree (never
the real checkout), replace the entry's `original` fragment (which must occur exactly
once in its file) by its `replacement`, run pytest on the entry's `tests` with
PYTHONPATH set to the scratch copy, then put the file back. pytest exiting 1 (a test
failed) means the mutant was KILLED; 0 means it SURVIVED: the tests did not notice the
check was gone. Anything else (fragment missing or not unique, a replacement that
changes nothing, pytest exit 2/3/4/5: collection error, no tests, timeout) is a BROKEN
entry, to be fixed, never counted as killed. An entry may carry `equivalent = "why"`: a
reviewed reason why no test can tell that mutant from the original (another check makes
it redundant); if it survives it is reported EQUIVALENT and does not fail the run.

Scratch copies are made once per job from the files git knows (tracked and untracked,
not ignored) and removed at the end, also after Ctrl-C or SIGTERM. The exit status is
non-zero when any mutant survived or any entry broke. A table is printed and a JSON
summary written to bench-results/mutants-<UTC time>.json (git-ignored).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import tomllib
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass
from pathlib import Path
from types import FrameType

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = Path(__file__).resolve().parent / "catalogue.toml"
RESULTS = ROOT / "bench-results"
KILLED, SURVIVED, BROKEN = "killed", "survived", "broken"
EQUIVALENT = "equivalent"  # survived, and the entry explains why no test can tell
STATUSES = (KILLED, SURVIVED, EQUIVALENT, BROKEN)
DEFAULT_TIMEOUT = 300.0
_RUNNING: set[subprocess.Popen[bytes]] = set()  # pytest runs to end if we are interrupted
_RUNNING_LOCK = threading.Lock()


@dataclass(frozen=True)
class Mutant:
    name: str
    why: str
    file: str
    original: str
    replacement: str
    tests: tuple[str, ...]
    equivalent: str = ""  # why no test can tell this mutant from the original, if so


@dataclass(frozen=True)
class Outcome:
    name: str
    file: str
    status: str
    detail: str
    seconds: float


class CatalogueError(ValueError):
    """The catalogue itself is malformed (a missing key, a duplicate name)."""


def load_catalogue(path: Path = CATALOGUE) -> list[Mutant]:
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    mutants: list[Mutant] = []
    seen: set[str] = set()
    for raw in data.get("mutant", []):
        try:
            mutant = Mutant(
                name=str(raw["name"]),
                why=str(raw["why"]),
                file=str(raw["file"]),
                original=str(raw["original"]),
                replacement=str(raw["replacement"]),
                tests=tuple(str(t) for t in raw["tests"]),
                equivalent=str(raw.get("equivalent", "")),
            )
        except KeyError as exc:
            raise CatalogueError(f"entry {raw.get('name', '?')!r} lacks {exc}") from None
        if mutant.name in seen:
            raise CatalogueError(f"entry name {mutant.name!r} is used twice")
        if not mutant.tests:
            raise CatalogueError(f"entry {mutant.name!r} names no tests")
        seen.add(mutant.name)
        mutants.append(mutant)
    return mutants


def source_files(root: Path) -> list[str]:
    """Tracked and untracked (not ignored) files of the checkout, as git lists them."""
    listing = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=root,
        capture_output=True,
        check=True,
    )
    names = [n for n in listing.stdout.decode("utf-8").split("\0") if n]
    return sorted({n for n in names if (root / n).is_file()})


def make_scratch(root: Path, files: list[str], parent: Path, index: int) -> Path:
    """A copy of `files` under `parent`: the tree a job mutates."""
    scratch = parent / f"tree-{index}"
    for name in files:
        target = scratch / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / name, target, follow_symlinks=False)
    return scratch


def _pytest_env(scratch: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(scratch)
    env["PYTHONDONTWRITEBYTECODE"] = "1"  # an edit of the same size must never meet a stale .pyc
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    return env


def _run_pytest(scratch: Path, tests: tuple[str, ...], timeout: float) -> tuple[int | None, str]:
    """pytest's exit code (None on timeout) and the tail of its output."""
    command = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *tests]
    proc = subprocess.Popen(
        command,
        cwd=scratch,
        env=_pytest_env(scratch),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group, so a timeout ends all of it
    )
    with _RUNNING_LOCK:
        _RUNNING.add(proc)
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        proc.communicate()
        return None, "timeout"
    except BaseException:
        _kill_group(proc)
        proc.communicate()
        raise
    finally:
        with _RUNNING_LOCK:
            _RUNNING.discard(proc)
    if proc.returncode < 0:  # killed: by our own interrupt, or from outside
        return proc.returncode, f"pytest was killed by signal {-proc.returncode}"
    lines = out.decode("utf-8", "replace").strip().splitlines()
    return proc.returncode, lines[-1] if lines else ""


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)


def check_scratch_imports(scratch: Path) -> None:
    """Refuse to run if the scratch copy's packages are not the ones Python imports (the
    editable install of the real checkout must not win over PYTHONPATH)."""
    probe = "import app, crypto; print(app.__file__); print(crypto.__file__)"
    done = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=scratch,
        env=_pytest_env(scratch),
        capture_output=True,
        text=True,
        check=True,
    )
    for line in done.stdout.split():
        if not Path(line).resolve().is_relative_to(scratch.resolve()):
            raise RuntimeError(f"the scratch copy is not what Python imports: {line}")


def entry_problem(mutant: Mutant, tree: Path) -> str | None:
    """Why the entry cannot be applied to `tree`, or None."""
    path = tree / mutant.file
    if not path.is_file():
        return f"no file {mutant.file}"
    missing = [t for t in mutant.tests if not (tree / t.split("::")[0]).exists()]
    if missing:
        return f"no test file {missing[0]}"
    found = path.read_text(encoding="utf-8").count(mutant.original)
    if found != 1:
        return f"fragment found {found} times in {mutant.file}, not once"
    if mutant.original == mutant.replacement:
        return "the replacement changes nothing"
    return None


def run_mutant(mutant: Mutant, scratch: Path, timeout: float) -> Outcome:
    start = time.monotonic()

    def outcome(status: str, detail: str) -> Outcome:
        return Outcome(mutant.name, mutant.file, status, detail, time.monotonic() - start)

    problem = entry_problem(mutant, scratch)
    if problem is not None:
        return outcome(BROKEN, problem)
    path = scratch / mutant.file
    original = path.read_bytes()
    mutated = original.decode("utf-8").replace(mutant.original, mutant.replacement)
    try:
        path.write_text(mutated, encoding="utf-8")
        code, tail = _run_pytest(scratch, mutant.tests, timeout)
    finally:
        path.write_bytes(original)
    if code == 1:
        return outcome(KILLED, tail)
    if code == 0 and mutant.equivalent:
        return outcome(EQUIVALENT, mutant.equivalent)
    if code == 0:
        return outcome(SURVIVED, tail)
    if code is None:
        return outcome(BROKEN, f"pytest timed out after {timeout:.0f} s")
    return outcome(BROKEN, f"pytest exit {code}: {tail}")


def _on_stop(_signum: int, _frame: FrameType | None) -> None:
    """SIGTERM or SIGHUP: stop like Ctrl-C, so the scratch copies and pytest runs go."""
    raise KeyboardInterrupt


def run_all(
    mutants: list[Mutant], jobs: int, timeout: float, *, baseline: bool = False
) -> list[Outcome]:
    """Every mutant, `jobs` at a time. With `baseline`, each entry's tests are first run
    unmutated: an entry whose tests do not pass as they are is broken, not killed."""
    files = source_files(ROOT)
    results: list[Outcome] = []
    parent = Path(tempfile.mkdtemp(prefix="carnet-mutants-"))
    stops = [signal.SIGTERM, *([signal.SIGHUP] if hasattr(signal, "SIGHUP") else [])]
    previous = {stop: signal.signal(stop, _on_stop) for stop in stops}
    try:
        trees: queue.Queue[Path] = queue.Queue()
        for index in range(max(1, min(jobs, len(mutants)))):
            scratch = make_scratch(ROOT, files, parent, index)
            check_scratch_imports(scratch)
            trees.put(scratch)

        failing: dict[tuple[str, ...], str] = {}

        def work(mutant: Mutant) -> Outcome:
            if mutant.tests in failing:
                detail = f"its tests fail without the mutant ({failing[mutant.tests]})"
                return Outcome(mutant.name, mutant.file, BROKEN, detail, 0.0)
            scratch = trees.get()
            try:
                return run_mutant(mutant, scratch, timeout)
            finally:
                trees.put(scratch)

        def unmutated(tests: tuple[str, ...]) -> tuple[tuple[str, ...], int | None, str]:
            scratch = trees.get()
            try:
                return (tests, *_run_pytest(scratch, tests, timeout))
            finally:
                trees.put(scratch)

        with ThreadPoolExecutor(max_workers=trees.qsize()) as pool:
            if baseline:
                sets = list(dict.fromkeys(m.tests for m in mutants))
                for tests, code, tail in pool.map(unmutated, sets):
                    print(f"baseline {'ok' if code == 0 else 'FAILS'}: {' '.join(tests)}")
                    if code != 0:
                        failing[tests] = f"exit {code}: {tail}"
            futures = [pool.submit(work, m) for m in mutants]
            try:
                for future in as_completed(futures):
                    result = future.result()
                    results.append(result)
                    print(
                        f"[{len(results)}/{len(mutants)}] {result.status:8} {result.name}"
                        f" ({result.seconds:.1f} s)",
                        flush=True,
                    )
            except BaseException:
                for future in futures:
                    future.cancel()
                with _RUNNING_LOCK:
                    for proc in list(_RUNNING):
                        _kill_group(proc)
                raise
    finally:
        for stop, handler in previous.items():
            signal.signal(stop, handler)
        shutil.rmtree(parent, ignore_errors=True)
    order = {m.name: i for i, m in enumerate(mutants)}
    return sorted(results, key=lambda r: order[r.name])


def print_table(results: list[Outcome]) -> None:
    width = max([len(r.name) for r in results] + [4])
    fwidth = max([len(r.file) for r in results] + [4])
    print(f"\n{'name':{width}}  {'file':{fwidth}}  {'result':8}  {'secs':>6}  detail")
    for r in results:
        detail = "" if r.status == KILLED else r.detail
        print(f"{r.name:{width}}  {r.file:{fwidth}}  {r.status:8}  {r.seconds:6.1f}  {detail}")
    counts = {s: sum(r.status == s for r in results) for s in STATUSES}
    print("\n" + ", ".join(f"{counts[s]} {s}" for s in STATUSES) + f" of {len(results)}")


def write_summary(results: list[Outcome], jobs: int) -> Path:
    RESULTS.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    path = RESULTS / f"mutants-{stamp}.json"
    summary = {
        "when": stamp,
        "jobs": jobs,
        "counts": {s: sum(r.status == s for r in results) for s in STATUSES},
        "results": [asdict(r) for r in results],
    }
    path.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.mutation.run", description=__doc__)
    parser.add_argument("--only", nargs="+", metavar="NAME", help="run only these entries")
    parser.add_argument("--jobs", type=int, default=2, help="mutants at a time (default 2)")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, help="per mutant, s")
    parser.add_argument("--list", action="store_true", help="list the entries and exit")
    parser.add_argument(
        "--baseline",
        action="store_true",
        help="first run each entry's tests unmutated (an entry they fail for is broken)",
    )
    parser.add_argument(
        "--check", action="store_true", help="only check that every entry applies (no pytest)"
    )
    args = parser.parse_args(argv)
    mutants = load_catalogue()
    if args.only:
        unknown = sorted(set(args.only) - {m.name for m in mutants})
        if unknown:
            parser.error(f"no such entries: {', '.join(unknown)}")
        mutants = [m for m in mutants if m.name in set(args.only)]
    if args.list:
        for m in mutants:
            print(f"{m.name}: {m.file}: {m.why}")
        return 0
    if args.check:
        problems = [(m.name, entry_problem(m, ROOT)) for m in mutants]
        for name, problem in problems:
            if problem is not None:
                print(f"broken entry {name}: {problem}")
        print(f"{len(mutants)} entries, {sum(p is not None for _, p in problems)} broken")
        return 0 if all(p is None for _, p in problems) else 1
    try:
        results = run_all(mutants, args.jobs, args.timeout, baseline=args.baseline)
    except KeyboardInterrupt:
        print("interrupted; the scratch copies are removed, the checkout is untouched")
        return 130
    print_table(results)
    print(f"summary: {write_summary(results, args.jobs)}")
    return 0 if all(r.status in (KILLED, EQUIVALENT) for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
