"""export, bundle open|verify (the outbox and send: app/cli/send_commands.py)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from app.cli.context import Context, Subcommands
from app.errors import UsageError
from app.export.bundle_reader import BundleSummary, ReadPolicy, open_bundle_to, verify_bundle
from app.export.exporter import ExportRequest
from app.export.senders import KnownSender, known_as, load_senders, senders_path
from app.export.stripping import Unstripped
from app.export.tar_stream import printable
from app.key_files import load_key_file
from crypto.recipient_keys import RecipientKeyPair

LANGUAGES = ("en", "fr", "ar")


def register(sub: Subcommands, common: argparse.ArgumentParser) -> None:
    export = sub.add_parser(
        "export",
        parents=[common],
        help="seal incidents, their evidence and custody trail into a .carnet bundle",
    )
    export.add_argument(
        "--to",
        action="append",
        required=True,
        metavar="NAME|PUBKEY",
        help="a destination's name, or a public key (carnetpk1...); repeatable, 16 keys at most",
    )
    which = export.add_mutually_exclusive_group(required=True)
    which.add_argument("--incident", type=int, action="append", metavar="ID")
    which.add_argument("--all", action="store_true", help="every incident")
    export.add_argument("--out", type=Path, metavar="FILE", help="write here instead of the outbox")
    export.add_argument(
        "--strip-metadata",
        action="store_true",
        help="ship copies without metadata: images (EXIF/GPS/XMP/IPTC), video and audio "
        "(MP4, MOV, 3GP, M4A, WebM, MKV, Ogg, MP3, WAV, FLAC: tags, location, device), "
        "PDF (Info, XMP); the "
        "manifest records the originals' hashes",
    )
    export.add_argument(
        "--unstripped-files",
        choices=[choice.value for choice in Unstripped],
        help="with --strip-metadata, for files Carnet cannot strip: include them with their "
        "metadata, or exclude them (default: list them and stop)",
    )
    export.add_argument("--no-sign", action="store_true", help="do not sign the manifest")
    export.add_argument(
        "--include-nonconsenting",
        action="store_true",
        help="name people whose consent does not cover these recipients (recorded as such)",
    )
    export.add_argument("--language", choices=LANGUAGES, help="language of report.html")
    export.set_defaults(handler=cmd_export)

    bundle = sub.add_parser("bundle", help="(organisations) open or verify a received bundle")
    bundle_actions = bundle.add_subparsers(dest="action", required=True, metavar="ACTION")
    for name, text in (
        ("verify", "check a bundle completely without writing anything"),
        ("open", "check a bundle and extract it into a new folder"),
    ):
        action = bundle_actions.add_parser(name, help=text)
        action.add_argument("file", type=Path)
        action.add_argument("--key", required=True, type=Path, metavar="KEYFILE")
        action.add_argument("--passphrase-file", metavar="F")
        if name == "open":
            action.add_argument("--out", required=True, type=Path, metavar="DIR")
        action.add_argument(
            "--accept-unsigned",
            action="store_true",
            help="accept a bundle whose sender did not sign it (anyone with your public key "
            "could have made it)",
        )
        action.add_argument(
            "--accept-resealed",
            action="store_true",
            help="accept a bundle signed for other recipients and re-sealed to this key",
        )
        action.set_defaults(handler=cmd_bundle_open if name == "open" else cmd_bundle_verify)


def _default_language() -> str:
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(variable, "")
        if value[:2] in LANGUAGES:
            return value[:2]
    return "en"


def cmd_export(ctx: Context) -> int:
    args = ctx.args
    if args.unstripped_files is not None and not args.strip_metadata:
        raise UsageError("--unstripped-files is only meaningful with --strip-metadata")
    request = ExportRequest(
        recipients=args.to,
        incident_ids=None if args.all else args.incident,
        strip_metadata=args.strip_metadata,
        unstripped_files=(
            Unstripped(args.unstripped_files) if args.unstripped_files is not None else None
        ),
        sign=not args.no_sign,
        include_nonconsenting=args.include_nonconsenting,
        language=args.language or _default_language(),
    )
    with ctx.open_notebook() as notebook:
        result = notebook.exporter.export(request, args.out, progress=ctx.progress())
    ctx.note(
        f"Sealed {result.incidents} incident{'s' if result.incidents != 1 else ''} and "
        f"{result.files} file{'s' if result.files != 1 else ''} for "
        f"{len(result.recipients)} recipient key{'s' if len(result.recipients) != 1 else ''}."
    )
    for item in result.unstripped:
        what = (
            "shipped WITH its metadata"
            if args.unstripped_files == Unstripped.INCLUDE
            else "left out of the bundle"
        )
        ctx.note(f"Not stripped, {what}: {item.describe()}")
    if result.pseudonymised:
        ctx.note(
            f"{result.pseudonymised} person(s) appear under a pseudonym: their consent does "
            "not cover these recipients (see the report)."
        )
    if args.out is None:
        ctx.note("The bundle is in the outbox; nothing has been sent.")
    ctx.out(str(result.path))
    return 0


def _keys(ctx: Context) -> RecipientKeyPair:
    passphrase = ctx.secrets.existing(ctx.args.passphrase_file, "key file passphrase")
    return load_key_file(ctx.args.key, passphrase)


def _policy(ctx: Context) -> ReadPolicy:
    return ReadPolicy(
        accept_unsigned=ctx.args.accept_unsigned, accept_resealed=ctx.args.accept_resealed
    )


def _plain(value: str) -> str:
    """A value from the bundle, escaped but not quoted (ids, times, fingerprints)."""
    return printable(value, quote=False)


def _describe(ctx: Context, summary: BundleSummary, senders: list[KnownSender]) -> None:
    """What the organisation needs to judge the bundle; every value from it escaped."""
    ctx.out(f"bundle {_plain(summary.bundle_id)}")
    ctx.out(f"created {_plain(summary.created_at)} by Carnet {_plain(summary.app_version)}")
    if summary.signed:
        ctx.out(f"signed by {summary.sender_fingerprint}")
        name = known_as(senders, summary.sender_fingerprint)
        if name is not None:
            ctx.out(f"known sender: {printable(name)}")
        else:
            ctx.out(f"UNKNOWN sender: this fingerprint is not in {senders_path(ctx.args.key)}")
            ctx.note(
                "WARNING: the sender is not among your known senders. Compare the fingerprint "
                "with the defender over another channel, then: carnet sender add NAME "
                "FINGERPRINT --key KEYFILE"
            )
    else:
        ctx.out("NOT signed: the sender cannot be verified")
        ctx.note(
            "WARNING: this bundle is NOT signed: anyone holding your public key could have "
            "made it. Treat its content as unverified."
        )
    for recipient in summary.recipients:
        label = printable(recipient.destination) if recipient.destination else "(a raw key)"
        ctx.out(f"recipient {_plain(recipient.fingerprint)} {label}")
    if summary.addressed_to_reader:
        ctx.out("this key is among the recipients the sender signed for")
    else:
        ctx.out("this key is NOT among the recipients the sender signed for")
        ctx.note(
            "WARNING: this bundle was made for other recipients; one of them re-sealed it to you."
            if summary.signed
            else "WARNING: the unsigned manifest does not name this key among its recipients."
        )
    for original, disk in summary.renamed:
        ctx.out(f"renamed on extraction: {printable(original)} -> {printable(disk)}")
    ctx.out(f"{summary.incidents} incidents, {summary.files} files, {summary.bytes} bytes")


def cmd_bundle_verify(ctx: Context) -> int:
    senders = load_senders(ctx.args.key)  # a malformed list is refused before any work
    summary = verify_bundle(ctx.args.file, _keys(ctx), _policy(ctx))
    ctx.note("The bundle verifies: every file matches its manifest hash.")
    _describe(ctx, summary, senders)
    return 0


def cmd_bundle_open(ctx: Context) -> int:
    senders = load_senders(ctx.args.key)
    summary = open_bundle_to(ctx.args.file, _keys(ctx), ctx.args.out, _policy(ctx))
    ctx.note(
        f"The bundle verifies; extracted to {summary.out}. Its report.html was rendered by "
        "this Carnet from incidents.json (the sender's own HTML is not kept)."
    )
    _describe(ctx, summary, senders)
    return 0
