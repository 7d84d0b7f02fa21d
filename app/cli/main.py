"""Parsing the command line and mapping errors to exit codes: the one place for both.

Expected errors print one line, `carnet: error: ...`, on standard error and return the
error's exit code (DESIGN.md). Anything unexpected prints its type only, never its
message or a traceback, since either could hold user data; CARNET_DEBUG=1 shows the
traceback for a developer.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import traceback
from collections.abc import Callable
from typing import Any, NoReturn

import sqlcipher3

from app import __version__
from app.cli import (
    attachment_commands,
    bundle_commands,
    custody_commands,
    destination_commands,
    duress_commands,
    incident_commands,
    intake_commands,
    intervention_commands,
    people_commands,
    send_commands,
    sender_commands,
    travel_commands,
    vault_commands,
    wipe_commands,
)
from app.cli.context import Context
from app.errors import CarnetError
from app.preferences import LANGUAGES
from app.vocabulary import vocabularies

EXIT_USAGE = 2


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line like every other error."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A value starting with a minus and a digit is a value, not an option: argparse
        # only knows plain negative numbers, so `--coordinates -33.92,18.42` (any southern
        # latitude) was refused as a missing argument.
        self._negative_number_matcher = re.compile(r"^-\.?\d")

    def error(self, message: str) -> NoReturn:
        sys.stderr.write(f"carnet: error: {message} (see '{self.prog} --help')\n")
        raise SystemExit(EXIT_USAGE)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="carnet",
        description="Carnet: an offline, encrypted notebook for documenting human rights "
        "violations. Run without a command to open the desktop app.",
    )
    parser.add_argument("--version", action="version", version=f"carnet {__version__}")
    parser.add_argument(
        "--vault",
        metavar="DIR",
        help="the vault folder (default: $CARNET_VAULT, else the user data dir)",
    )
    parser.add_argument(
        "--passphrase-file",
        metavar="F",
        help="read the passphrase from the first line of F (- for stdin)",
    )
    # Accepted after the command too; SUPPRESS keeps a global value from being reset.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--vault", metavar="DIR", default=argparse.SUPPRESS, help="vault folder")
    common.add_argument(
        "--passphrase-file",
        metavar="F",
        default=argparse.SUPPRESS,
        help="read the passphrase from F (- for stdin)",
    )

    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    vault_commands.register(sub, common)
    incident_commands.register(sub, common)
    people_commands.register(sub, common)
    intervention_commands.register(sub, common)
    attachment_commands.register(sub, common)
    destination_commands.register(sub, common)
    bundle_commands.register(sub, common)
    send_commands.register(sub, common)
    sender_commands.register(sub, common)
    custody_commands.register(sub, common)
    wipe_commands.register(sub, common)
    duress_commands.register(sub, common)
    travel_commands.register(sub, common)
    intake_commands.register(sub, common)

    codes = sub.add_parser("codes", help="list the codes of a controlled vocabulary")
    codes.add_argument(
        "list",
        nargs="?",
        default="violations",
        choices=[
            "violations",
            "countries",
            "statuses",
            "sensitivities",
            "roles",
            "person-kinds",
            "consents",
            "intervention-kinds",
            "intervention-statuses",
        ],
    )
    codes.add_argument("--language", default="en", choices=list(LANGUAGES))
    codes.set_defaults(handler=cmd_codes)
    return parser


def cmd_codes(ctx: Context) -> int:
    vocab = getattr(vocabularies(), ctx.args.list.replace("-", "_"))
    for term in vocab.terms:
        ctx.out(f"{term.code}\t{term.label(ctx.args.language)}")
    return 0


def run(
    argv: list[str],
    *,
    detach_background: bool = False,
    open_gui: Callable[[str], int] | None = None,
) -> int:
    """Run one command. `carnet --vault DIR` and nothing else calls `open_gui(DIR)` (the
    entry point passes the desktop app's launcher), after the real parser has read the
    line, so --help, --version and a bad option behave as with any command."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    handler = getattr(args, "handler", None)
    if handler is None:
        if args.command is None and args.vault and open_gui is not None:
            if args.passphrase_file is not None:
                return _fail(
                    "--passphrase-file needs a command; the desktop app asks for the passphrase",
                    EXIT_USAGE,
                )
            return int(open_gui(args.vault))
        parser.print_help()
        return EXIT_USAGE
    ctx = Context(args)
    try:
        return int(handler(ctx))
    except CarnetError as exc:
        return _fail(exc.message, exc.exit_code)
    except sqlcipher3.Error as exc:
        # SQLite's messages name the problem ("database or disk is full", "database is
        # locked"), never the data.
        return _fail(f"the vault database reported: {exc}", 1)
    except KeyboardInterrupt:
        return _fail("interrupted; the last complete change is saved", 130)
    except BrokenPipeError:
        return 0
    except Exception as exc:
        if os.environ.get("CARNET_DEBUG") == "1":
            traceback.print_exc()
        return _fail(
            f"unexpected {type(exc).__name__}; nothing more is shown to protect your "
            "data (CARNET_DEBUG=1 shows details)",
            1,
        )
    finally:
        ctx.finish(detach=detach_background)


def _fail(message: str, code: int) -> int:
    sys.stderr.write(f"carnet: error: {message}\n")
    return code


def main() -> int:
    return run(sys.argv[1:], detach_background=True)
