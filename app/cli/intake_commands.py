"""intake serve|list: the organisation's receiving end (sync/intake/). No vault, no key:
the intake stores sealed bundles, and `carnet bundle open` runs on the machine that
holds the key."""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

from app.cli.context import Context, Subcommands
from app.errors import CarnetError, NotFoundError, TransportFailedError, UsageError
from sync.intake import DEFAULT_PORT
from sync.intake.errors import (
    IntakeBindError,
    IntakeConfigError,
    IntakeError,
    IntakeStoreMissingError,
)
from sync.intake.limits import DEFAULT_MAX_SIZE, IntakeLimits
from sync.intake.store import UploadStore

DEFAULT_EXPIRY_HOURS = 72.0


def _positive_int(text: str) -> int:
    if not text.isascii() or not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"not a whole number of at least 1: {text!r}")
    return int(text)


def _port(text: str) -> int:
    if not text.isascii() or not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"not a port number (0-65535): {text!r}")
    return int(text)


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"not a positive number: {text!r}")
    return value


def register(sub: Subcommands, common: argparse.ArgumentParser) -> None:
    del common  # no vault involved
    intake = sub.add_parser("intake", help="(organisations) receive bundles over tus uploads")
    actions = intake.add_subparsers(dest="action", required=True, metavar="ACTION")

    serve = actions.add_parser("serve", help="run the tus intake server until Ctrl-C")
    serve.add_argument("--store", required=True, type=Path, metavar="DIR")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on")
    serve.add_argument(
        "--port", type=_port, default=DEFAULT_PORT, help=f"(default {DEFAULT_PORT}; 0: any)"
    )
    serve.add_argument(
        "--max-size",
        type=_positive_int,
        default=DEFAULT_MAX_SIZE,
        metavar="BYTES",
        help="largest upload accepted",
    )
    serve.add_argument("--token-file", type=Path, metavar="F", help="bearer token clients send")
    serve.add_argument(
        "--expire-partial",
        type=_positive_float,
        default=DEFAULT_EXPIRY_HOURS,
        metavar="HOURS",
        help=f"remove unfinished uploads untouched this long (default {DEFAULT_EXPIRY_HOURS:g})",
    )
    serve.add_argument("--header-timeout", type=_positive_float, default=30.0, metavar="S")
    serve.add_argument("--body-timeout", type=_positive_float, default=30.0, metavar="S")
    serve.add_argument("--max-concurrent", type=_positive_int, default=32, metavar="N")
    serve.set_defaults(handler=cmd_intake_serve)

    listing = actions.add_parser("list", help="what has arrived: SHA-256, size, time")
    listing.add_argument("--store", required=True, type=Path, metavar="DIR")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=cmd_intake_list)


def _as_carnet_error(exc: IntakeError) -> CarnetError:
    if isinstance(exc, IntakeConfigError):
        return UsageError(exc.message)
    if isinstance(exc, IntakeStoreMissingError):
        return NotFoundError(exc.message)
    if isinstance(exc, IntakeBindError):
        return TransportFailedError(exc.message, kind="unreachable", retryable=False)
    return CarnetError(exc.message)


def cmd_intake_serve(ctx: Context) -> int:
    # aiohttp is imported here, not with the CLI: every other command starts without it.
    from sync.intake.server import IntakeConfig, read_token, run_intake

    args = ctx.args
    try:
        token = read_token(args.token_file) if args.token_file is not None else None
        config = IntakeConfig(
            store=args.store,
            host=args.host,
            port=args.port,
            token=token,
            limits=IntakeLimits(
                max_size=args.max_size,
                header_timeout=args.header_timeout,
                body_timeout=args.body_timeout,
                max_concurrent=args.max_concurrent,
            ),
            expire_after=args.expire_partial * 3600.0,
        )
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("carnet intake: %(message)s"))
        logger = logging.getLogger("sync.intake")
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)

        def ready(url: str) -> None:
            ctx.out(url)
            sys.stdout.flush()
            ctx.note(f"Carnet intake listening on {url} (Ctrl-C stops it).")

        run_intake(config, ready)
    except IntakeError as exc:
        raise _as_carnet_error(exc) from None
    ctx.note("Carnet intake stopped.")
    return 0


def _utc(timestamp: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(timestamp))


def cmd_intake_list(ctx: Context) -> int:
    try:
        arrived = UploadStore(ctx.args.store, create=False).list_finished()
    except IntakeError as exc:
        raise _as_carnet_error(exc) from None
    except FileNotFoundError:
        raise NotFoundError(f"no intake store at {ctx.args.store}") from None
    if ctx.args.json:
        ctx.out_json(
            [
                {"sha256": item.sha256, "size": item.size, "received": _utc(item.received)}
                for item in arrived
            ]
        )
        return 0
    for item in arrived:
        ctx.out(f"{item.sha256}\t{item.size}\t{_utc(item.received)}")
    if not arrived:
        ctx.note("Nothing has arrived yet.")
    return 0
