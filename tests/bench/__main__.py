"""`python -m tests.bench [NAME...] [--quick] [--rounds N] [--diagnose]`.

NAME is unlock, duress, insert, search, list, gui, intake, export, upload or wipe. Runs the chosen
benchmarks (all by default) in one scratch folder, prints a table per benchmark and writes every
figure to bench-results/bench-YYYYmmdd-HHMMSS.json. Each benchmark keeps its files in its
own subfolder, removed when it ends, so none can trip over another's; only the 100k
vault and its plain SQLite twin, shared by insert, search, list and gui, live in the run folder
itself. wipe builds a 10 GiB vault (256 MiB with --quick) and needs that much free disk
plus 2 GiB. The whole scratch folder (encrypted vaults, the synthetic plain SQLite
file) is deleted at the end, also on Ctrl-C or SIGTERM.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import signal
import sys
import time
from types import FrameType
from typing import Any

from tests.bench import (
    duress,
    export,
    gui,
    insert,
    intake,
    listing,
    search,
    unlock,
    upload,
    wipe,
)
from tests.bench.common import RESULTS_DIR, Workspace, say, table, versions

BENCHMARKS = (
    "unlock",
    "duress",
    "insert",
    "search",
    "list",
    "gui",
    "intake",
    "export",
    "upload",
    "wipe",
)
FULL = {"count": 100_000, "batch": 10_000, "cli": 10_000, "rounds": 3, "gui_rounds": 10}
QUICK = {"count": 20_000, "batch": 10_000, "cli": 2_000, "rounds": 2, "gui_rounds": 5}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench", description=__doc__)
    parser.add_argument("benchmarks", nargs="*", choices=[*BENCHMARKS, []], metavar="NAME")
    parser.add_argument("--quick", action="store_true", help="smaller sizes (20k incidents)")
    parser.add_argument("--rounds", type=int, help="timed rounds over the search queries")
    parser.add_argument(
        "--diagnose", action="store_true", help="search: also time SQL variants and cache sizes"
    )
    args = parser.parse_args(argv)
    chosen = [b for b in BENCHMARKS if b in (args.benchmarks or BENCHMARKS)]
    sizes = dict(QUICK if args.quick else FULL)
    if args.rounds:
        sizes["rounds"] = args.rounds

    def stop(signum: int, frame: FrameType | None) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, stop)
    started = time.perf_counter()
    ws = Workspace(quick=args.quick)
    report: dict[str, Any] = {
        "started": dt.datetime.now().isoformat(timespec="seconds"),
        "quick": args.quick,
        "sizes": sizes,
        "versions": versions(),
    }
    say(f"Carnet benchmarks ({'quick' if args.quick else 'full'}): {', '.join(chosen)}")
    say("  " + ", ".join(f"{k} {v}" for k, v in report["versions"].items()))
    say()
    try:
        if "unlock" in chosen:
            report["unlock"] = unlock.run(ws)
        if "duress" in chosen:
            report["duress"] = duress.run(ws)
        if "insert" in chosen:
            report["insert"] = insert.run(ws, sizes["count"], sizes["batch"], sizes["cli"])
        if "search" in chosen:
            report["search"] = search.run(
                ws, sizes["count"], sizes["batch"], sizes["rounds"], args.diagnose
            )
        if "list" in chosen:
            report["list"] = listing.run(ws, sizes["count"], sizes["batch"])
        if "gui" in chosen:
            report["gui"] = gui.run(ws, sizes["count"], sizes["batch"], sizes["gui_rounds"])
        if "intake" in chosen:
            report["intake"] = intake.run(ws)
        if "export" in chosen:
            report["export"] = export.run(ws)
        if "upload" in chosen:
            report["upload"] = upload.run(ws)
        if "wipe" in chosen:
            report["wipe"] = wipe.run(ws, args.quick)
    finally:
        ws.close()
    report["phases_s"] = ws.phases.seconds
    report["total_s"] = time.perf_counter() - started
    say("== phases ==")
    say(table(["phase", "seconds"], [[k, v] for k, v in ws.phases.seconds.items()]))
    say(f"  total {report['total_s']:.1f} s")
    RESULTS_DIR.mkdir(exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    out = RESULTS_DIR / f"bench-{stamp}{'-quick' if args.quick else ''}.json"
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", "utf-8")
    say(f"  figures written to {out.relative_to(RESULTS_DIR.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
