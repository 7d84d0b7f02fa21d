"""wipe [--yes]: make the vault unreadable now, then remove it and Carnet's traces."""

from __future__ import annotations

import argparse

from app.cli.context import Context, Subcommands
from app.device_share import KeyringDeviceShares
from app.errors import CarnetError, VaultNotFoundError, WipeIncompleteError
from app.unsent import Unsent, count_unsent
from app.wipe import WipeService


def register(sub: Subcommands, common: argparse.ArgumentParser) -> None:
    wipe = sub.add_parser(
        "wipe",
        parents=[common],
        help="destroy the vault: unreadable in about a second, no passphrase needed",
        description="Destroy the vault. No passphrase is needed; with --passphrase-file "
        "the warning also counts the incidents never exported.",
    )
    wipe.add_argument("--yes", action="store_true", help="do not ask (the warning still shows)")
    wipe.set_defaults(handler=cmd_wipe)


def cmd_wipe(ctx: Context) -> int:
    service = WipeService(ctx.paths, KeyringDeviceShares())
    if not ctx.paths.root.exists():
        raise VaultNotFoundError(f"no vault at {ctx.paths.root}")
    unsent = Unsent(service.pending_outbox(), None)
    if getattr(ctx.args, "passphrase_file", None) is not None:
        try:
            with ctx.open_notebook() as notebook:
                unsent = count_unsent(notebook)
        except CarnetError:
            pass  # a wipe must never be stopped by what only feeds its warning
    return wipe_after_warning(ctx, service, unsent)


def wipe_after_warning(ctx: Context, service: WipeService, unsent: Unsent) -> int:
    """The one-line warning, the question (skipped by --yes), the wipe and its times."""
    ctx.note(
        f"Warning: wiping destroys every record and evidence file in {ctx.paths.root}, "
        f"for good. {unsent_line(unsent)}"
    )
    if not ctx.confirm("Wipe the vault now?"):
        ctx.note("Nothing wiped.")
        return 0
    report = service.wipe()
    erase = report.erase
    if erase.had_share:
        ctx.out(
            "device share: deleted from the system keyring"
            if erase.share_deleted
            else "device share: NOT deleted from the system keyring"
        )
    else:
        ctx.out("device share: none (this vault did not use the system keyring)")
    if report.unreadable:
        ctx.out(f"unreadable after {report.unreadable_s:.3f} s")
    ctx.out(f"done after {report.done_s:.3f} s ({report.files_removed} files removed)")
    if not report.unreadable:
        for problem in erase.problems:
            ctx.note(f"carnet: error: {problem}")
        raise WipeIncompleteError(
            "the wipe is NOT complete: the vault may still be readable with its passphrase; "
            "destroy the disk or the device if you cannot fix the cause and wipe again"
        )
    return 0


def unsent_line(unsent: Unsent) -> str:
    bundles = f"{unsent.outbox_bundles} bundle(s) in the outbox"
    if unsent.incidents_never_exported is None:
        return (
            f"Not sent yet: {bundles}; incidents never exported: not counted while locked "
            "(add --passphrase-file to count them)."
        )
    return f"Not sent yet: {bundles}, {unsent.incidents_never_exported} incident(s) never exported."
