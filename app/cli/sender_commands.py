"""sender add|list|remove: the organisation's known senders (app/export/senders.py)."""

from __future__ import annotations

import argparse
from pathlib import Path

from app.cli.context import Context, Subcommands
from app.export.senders import add_sender, load_senders, remove_sender, senders_path


def register(sub: Subcommands, common: argparse.ArgumentParser) -> None:
    del common  # no vault involved
    sender = sub.add_parser(
        "sender", help="(organisations) the defenders' signing-key fingerprints you know"
    )
    actions = sender.add_subparsers(dest="action", required=True, metavar="ACTION")
    add = actions.add_parser("add", help="remember a sender's fingerprint under a name")
    add.add_argument("name")
    add.add_argument("fingerprint", help="32 hex digits, as `bundle verify` prints them")
    add.add_argument("--key", required=True, type=Path, metavar="KEYFILE")
    add.set_defaults(handler=cmd_sender_add)
    listing = actions.add_parser("list", help="list the known senders")
    listing.add_argument("--key", required=True, type=Path, metavar="KEYFILE")
    listing.set_defaults(handler=cmd_sender_list)
    remove = actions.add_parser("remove", help="forget a sender")
    remove.add_argument("name")
    remove.add_argument("--key", required=True, type=Path, metavar="KEYFILE")
    remove.set_defaults(handler=cmd_sender_remove)


def cmd_sender_add(ctx: Context) -> int:
    sender = add_sender(ctx.args.key, ctx.args.name, ctx.args.fingerprint)
    ctx.note(f"Known sender added to {senders_path(ctx.args.key)}.")
    ctx.out(f"{sender.fingerprint}\t{sender.name}")
    return 0


def cmd_sender_list(ctx: Context) -> int:
    senders = load_senders(ctx.args.key)
    for sender in senders:
        ctx.out(f"{sender.fingerprint}\t{sender.name}")
    if not senders:
        ctx.note("No known senders yet.")
    return 0


def cmd_sender_remove(ctx: Context) -> int:
    remove_sender(ctx.args.key, ctx.args.name)
    ctx.note("Sender removed.")
    return 0
