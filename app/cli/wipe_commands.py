"""wipe [--yes]: make the vault unreadable now, then remove it and Carnet's traces."""

from __future__ import annotations

import argparse

from app.cli.context import Context, Subcommands
from app.device_share import KeyringDeviceShares
from app.errors import VaultNotFoundError
from app.wipe import WipeService


def register(sub: Subcommands, common: argparse.ArgumentParser) -> None:
    wipe = sub.add_parser(
        "wipe",
        parents=[common],
        help="destroy the vault: unreadable in about a second, no passphrase needed",
    )
    wipe.add_argument("--yes", action="store_true", help="do not ask (the warning still shows)")
    wipe.set_defaults(handler=cmd_wipe)


def cmd_wipe(ctx: Context) -> int:
    service = WipeService(ctx.paths, KeyringDeviceShares())
    if not ctx.paths.root.exists():
        raise VaultNotFoundError(f"no vault at {ctx.paths.root}")
    pending = service.pending_outbox()
    ctx.note(
        f"Warning: wiping destroys every record and evidence file in {ctx.paths.root}, "
        "for good"
        + (f"; {pending} bundle(s) in the outbox will be lost unsent." if pending else ".")
    )
    if not ctx.confirm("Wipe the vault now?"):
        ctx.note("Nothing wiped.")
        return 0
    report = service.wipe()
    ctx.out(f"unreadable after {report.unreadable_s:.3f} s")
    ctx.out(f"done after {report.done_s:.3f} s ({report.files_removed} files removed)")
    return 0
