"""duress set|clear and lockout set|off|status: the protections used under coercion."""

from __future__ import annotations

import argparse

from app.cli.context import Context, Subcommands
from app.errors import UsageError


def register(sub: Subcommands, common: argparse.ArgumentParser) -> None:
    duress = sub.add_parser(
        "duress",
        parents=[common],
        help="set or clear the duress passphrase (opt-in)",
        description="A duress passphrase, typed instead of the passphrase in any command, "
        "silently wipes the vault and opens a new, empty one. Read the user guide first: "
        "destroying data in front of an official can itself be an offence.",
    )
    duress_sub = duress.add_subparsers(dest="action", required=True, metavar="ACTION")
    set_duress = duress_sub.add_parser(
        "set", parents=[common], help="set (or replace) the duress passphrase"
    )
    set_duress.add_argument(
        "--duress-passphrase-file", metavar="F", help="read it from F (- for stdin)"
    )
    set_duress.set_defaults(handler=cmd_duress_set)
    clear = duress_sub.add_parser("clear", parents=[common], help="remove the duress passphrase")
    clear.set_defaults(handler=cmd_duress_clear)

    lockout = sub.add_parser(
        "lockout",
        parents=[common],
        help="wipe the vault after N failed unlocks in a row (opt-in)",
        description="Wipe the vault after N wrong passphrases in a row, counted in the vault "
        "header. It stops guessing through Carnet; it does not stop someone who copied "
        "the vault folder and guesses on that copy.",
    )
    lockout_sub = lockout.add_subparsers(dest="action", required=True, metavar="ACTION")
    set_lockout = lockout_sub.add_parser(
        "set", parents=[common], help="turn it on: wipe after N failed unlocks"
    )
    set_lockout.add_argument("attempts", type=int, metavar="N", help="e.g. 5, 10 or 20")
    set_lockout.set_defaults(handler=cmd_lockout_set)
    off = lockout_sub.add_parser("off", parents=[common], help="turn it off")
    off.set_defaults(handler=cmd_lockout_off)
    status = lockout_sub.add_parser(
        "status", parents=[common], help="show the setting (no passphrase needed)"
    )
    status.set_defaults(handler=cmd_lockout_status)


def cmd_duress_set(ctx: Context) -> int:
    service = ctx.vault_service()
    service.read_header()
    passphrase = ctx.secrets.existing(getattr(ctx.args, "passphrase_file", None))
    duress = ctx.secrets.new(
        ctx.args.duress_passphrase_file, "duress passphrase", "--duress-passphrase-file"
    )
    service.set_duress(passphrase, duress, progress=ctx.progress())
    ctx.out("Duress passphrase set. Typed instead of the passphrase, it wipes this vault.")
    return 0


def cmd_duress_clear(ctx: Context) -> int:
    service = ctx.vault_service()
    service.read_header()
    passphrase = ctx.secrets.existing(getattr(ctx.args, "passphrase_file", None))
    service.set_duress(passphrase, None, progress=ctx.progress())
    ctx.out("Duress passphrase removed.")
    return 0


def cmd_lockout_set(ctx: Context) -> int:
    attempts: int = ctx.args.attempts
    if attempts < 1:
        raise UsageError("N must be at least 1 (use 'carnet lockout off' to turn it off)")
    service = ctx.vault_service()
    service.read_header()
    passphrase = ctx.secrets.existing(getattr(ctx.args, "passphrase_file", None))
    service.set_wipe_after(passphrase, attempts, progress=ctx.progress())
    ctx.out(f"The vault will be wiped after {attempts} failed unlocks in a row.")
    return 0


def cmd_lockout_off(ctx: Context) -> int:
    service = ctx.vault_service()
    service.read_header()
    passphrase = ctx.secrets.existing(getattr(ctx.args, "passphrase_file", None))
    service.set_wipe_after(passphrase, 0, progress=ctx.progress())
    ctx.out("Failed unlocks no longer wipe the vault.")
    return 0


def cmd_lockout_status(ctx: Context) -> int:
    state = ctx.vault_service().read_state()
    if not state.newest.wipe_after:
        ctx.out("off")
    else:
        ctx.out(
            f"wipe after {state.newest.wipe_after} failed unlocks in a row "
            f"({state.failed_unlocks} so far)"
        )
    return 0
