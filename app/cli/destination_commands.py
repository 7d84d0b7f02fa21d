"""destination add|edit|list|show|remove, and keygen (the organisation's side)."""

from __future__ import annotations

import argparse
from pathlib import Path

from app.cli.context import Context, Subcommands
from app.destinations import Destination
from app.key_files import create_key_file
from app.sending import transports
from app.sending.settings import TransportSettings, settings_from_options
from crypto.kdf import KdfProfile


def register(sub: Subcommands, common: argparse.ArgumentParser) -> None:
    destination = sub.add_parser("destination", help="trusted networks that bundles are sealed to")
    actions = destination.add_subparsers(dest="action", required=True, metavar="ACTION")

    add = actions.add_parser("add", parents=[common], help="add a destination and its keys")
    add.add_argument("name", help="e.g. 'Front Line Defenders'")
    add.add_argument(
        "--key",
        action="append",
        required=True,
        metavar="PUBKEY",
        help="a public key (carnetpk1...), as the organisation gave it; repeatable",
    )
    _transport_options(add)
    add.set_defaults(handler=cmd_add)

    edit = actions.add_parser(
        "edit",
        parents=[common],
        help="new keys or a new transport (unsent bundles to it start over)",
    )
    edit.add_argument("name")
    edit.add_argument(
        "--key",
        action="append",
        metavar="PUBKEY",
        help="replace the keys (for bundles sealed from now on); repeatable",
    )
    _transport_options(edit)
    edit.add_argument(
        "--no-transport", action="store_true", help="forget how to send to it (bundles stay)"
    )
    edit.set_defaults(handler=cmd_edit)

    lst = actions.add_parser("list", parents=[common], help="list destinations")
    lst.add_argument("--json", action="store_true")
    lst.set_defaults(handler=cmd_list)

    show = actions.add_parser(
        "show", parents=[common], help="a destination's keys and their fingerprints"
    )
    show.add_argument("name")
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=cmd_show)

    remove = actions.add_parser("remove", parents=[common], help="remove a destination")
    remove.add_argument("name")
    remove.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    remove.set_defaults(handler=cmd_remove)

    keygen = sub.add_parser(
        "keygen",
        help="(organisations) make a key pair for receiving bundles; the key file is "
        "encrypted under a passphrase",
    )
    keygen.add_argument("--out", required=True, type=Path, metavar="KEYFILE")
    keygen.add_argument("--new-passphrase-file", metavar="F")
    keygen.add_argument(
        "--kdf-profile",
        choices=[p.value for p in KdfProfile],
        default=KdfProfile.MODERATE.value,
    )
    keygen.set_defaults(handler=cmd_keygen)


def _transport_options(parser: argparse.ArgumentParser) -> None:
    """How to send to it: one of --folder and --url; the rest only with --url."""
    group = parser.add_argument_group("transport (how `carnet send` reaches it)")
    group.add_argument("--folder", metavar="DIR", help="a folder: a USB drive, or one synced")
    group.add_argument(
        "--url", metavar="URL", help="a tus upload address (https://, or http:// to loopback)"
    )
    group.add_argument("--tor", action="store_true", help="through Tor at 127.0.0.1:9050")
    group.add_argument(
        "--proxy", metavar="socks5h://HOST:PORT", help="through this SOCKS5 proxy (remote DNS)"
    )
    group.add_argument(
        "--pin-cert", metavar="SHA256", help="accept only the certificate with this SHA-256"
    )
    group.add_argument("--token-file", metavar="F", help="a bearer token, read from F when sending")


def _transport(ctx: Context) -> TransportSettings | None:
    args = ctx.args
    return settings_from_options(
        folder=args.folder,
        url=args.url,
        tor=args.tor,
        proxy=args.proxy,
        pin_cert=args.pin_cert,
        token_file=args.token_file,
    )


def cmd_add(ctx: Context) -> int:
    transport = _transport(ctx)  # checked before the vault is opened
    with ctx.open_notebook() as notebook:
        added = notebook.destinations.add(ctx.args.name, ctx.args.key, transport)
    ctx.note(f"Destination {added.name!r} added. Compare these fingerprints with the organisation:")
    _print_keys(ctx, added)
    _print_transport(ctx, added)
    return 0


def cmd_edit(ctx: Context) -> int:
    transport = _transport(ctx)
    with ctx.open_notebook() as notebook:
        edited = notebook.destinations.edit(
            ctx.args.name,
            keys=ctx.args.key,
            transport=transport,
            clear_transport=ctx.args.no_transport,
        )
    ctx.note(f"Destination {edited.name!r} changed.")
    if ctx.args.key:
        _print_keys(ctx, edited)
    _print_transport(ctx, edited)
    return 0


def cmd_list(ctx: Context) -> int:
    with ctx.open_notebook() as notebook:
        items = notebook.destinations.list()
    if ctx.args.json:
        ctx.out_json([_json(d) for d in items])
        return 0
    for item in items:
        ctx.out(
            f"{item.name}\t{len(item.keys)} key{'s' if len(item.keys) != 1 else ''}\t"
            + ("no transport" if item.transport is None else item.transport.kind)
        )
    if not items:
        ctx.note("No destinations. Add one with: carnet destination add NAME --key PUBKEY")
    return 0


def cmd_show(ctx: Context) -> int:
    with ctx.open_notebook() as notebook:
        item = notebook.destinations.get(ctx.args.name)
    if ctx.args.json:
        ctx.out_json(_json(item))
        return 0
    ctx.out(item.name)
    _print_keys(ctx, item)
    _print_transport(ctx, item)
    return 0


def cmd_remove(ctx: Context) -> int:
    with ctx.open_notebook() as notebook:
        item = notebook.destinations.get(ctx.args.name)
        if not ctx.confirm(f"Remove the destination {item.name!r}?"):
            ctx.note("Nothing removed.")
            return 0
        notebook.destinations.remove(item.name)
    ctx.note(f"Destination {item.name!r} removed.")
    return 0


def cmd_keygen(ctx: Context) -> int:
    passphrase = ctx.secrets.new(ctx.args.new_passphrase_file, "key file passphrase")
    created = create_key_file(ctx.args.out, passphrase, KdfProfile(ctx.args.kdf_profile))
    ctx.out(created.public_key)
    ctx.out(f"fingerprint: {created.fingerprint}")
    ctx.note(
        f"Key file written to {ctx.args.out}. Give the public key (first line) to the "
        "defenders who will send you bundles; they should compare the fingerprint with you "
        "over another channel. Keep the key file and its passphrase safe: without them no "
        "bundle sealed to this key can be opened."
    )
    return 0


def _print_keys(ctx: Context, item: Destination) -> None:
    for key, fingerprint in zip(item.keys, item.fingerprints(), strict=True):
        ctx.out(f"  {key}")
        ctx.out(f"    fingerprint: {fingerprint}")


def _transport_line(item: Destination) -> str:
    if item.transport is None:
        return "none (add one with: carnet destination edit NAME --folder DIR | --url URL)"
    return transports.describe(item.transport)


def _print_transport(ctx: Context, item: Destination) -> None:
    ctx.out(f"  transport: {_transport_line(item)}")


def _json(item: Destination) -> dict[str, object]:
    settings = item.transport
    return {
        "transport": None
        if settings is None
        else {
            "kind": settings.kind,
            "description": transports.describe(settings),
            "folder": None if settings.folder is None else str(settings.folder),
            "url": settings.url,
            "proxy": settings.proxy,
            "pin_sha256": settings.pin_sha256,
            "token_file": None if settings.token_file is None else str(settings.token_file),
        },
        "name": item.name,
        "keys": [
            {"key": key, "fingerprint": fp}
            for key, fp in zip(item.keys, item.fingerprints(), strict=True)
        ],
        "created_at": item.created_at,
    }
