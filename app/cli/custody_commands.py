"""custody show [INCIDENT], custody verify."""

from __future__ import annotations

import argparse

from app.cli.context import Context, Subcommands
from app.custody import CustodyEntry

DETAIL_KEYS = ("sha256", "size", "changed", "recipients", "files", "bundle_id", "derived_from")


def register(sub: Subcommands, common: argparse.ArgumentParser) -> None:
    custody = sub.add_parser("custody", help="the signed chain-of-custody log")
    actions = custody.add_subparsers(dest="action", required=True, metavar="ACTION")
    show = actions.add_parser("show", parents=[common], help="print the log (or one incident's)")
    show.add_argument("incident", type=int, nargs="?", help="only this incident's rows")
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=cmd_show)
    verify = actions.add_parser(
        "verify", parents=[common], help="check every row's hash chain and signature"
    )
    verify.set_defaults(handler=cmd_verify)


def cmd_show(ctx: Context) -> int:
    with ctx.open_notebook() as notebook:
        entries = notebook.custody.entries(ctx.args.incident)
    if ctx.args.json:
        ctx.out_json([e.to_json() for e in entries])
        return 0
    for entry in entries:
        ctx.out(
            f"{entry.seq}\t{entry.at}\t{entry.action}\t{entry.subject}\t"
            f"{entry.actor[:9]}\t{_summary(entry)}"
        )
    if not entries:
        ctx.note("The custody log is empty.")
    return 0


def cmd_verify(ctx: Context) -> int:
    with ctx.open_notebook() as notebook:
        count = notebook.custody.verify()
    ctx.out(f"Custody log verified: {count} rows, all hashes and signatures valid.")
    return 0


def _summary(entry: CustodyEntry) -> str:
    parts = []
    for key in DETAIL_KEYS:
        if key in entry.details:
            value = entry.details[key]
            if isinstance(value, list):
                value = ",".join(str(v) for v in value) or "-"
            parts.append(f"{key}={value}")
    return " ".join(parts)
