"""attach INCIDENT FILE..., attachment list|extract|strip|delete."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from app.cli.context import Context, Subcommands
from app.fsutil import OVERWRITE_CAVEAT
from app.models import Attachment, AttachOutcome


def register(sub: Subcommands, common: argparse.ArgumentParser) -> None:
    attach = sub.add_parser(
        "attach",
        parents=[common],
        help="encrypt files (or folders of files) into the vault as an incident's evidence",
    )
    attach.add_argument("incident", type=int, help="incident id")
    attach.add_argument("files", nargs="+", type=Path, metavar="FILE", help="files or folders")
    attach.add_argument(
        "--delete-source",
        action="store_true",
        help="once the encrypted copy is verified, overwrite and remove each original (for a "
        "symbolic link: the file it points to, then the link)",
    )
    attach.add_argument("--json", action="store_true")
    attach.set_defaults(handler=cmd_attach)

    attachment = sub.add_parser("attachment", help="evidence files kept in the vault")
    actions = attachment.add_subparsers(dest="action", required=True, metavar="ACTION")

    lst = actions.add_parser("list", parents=[common], help="an incident's attachments")
    lst.add_argument("incident", type=int)
    lst.add_argument("--json", action="store_true")
    lst.set_defaults(handler=cmd_list)

    extract = actions.add_parser(
        "extract", parents=[common], help="decrypt an attachment to a file, verifying it"
    )
    extract.add_argument("id", type=int)
    extract.add_argument(
        "--out", required=True, type=Path, metavar="PATH", help="a new file, or a folder"
    )
    extract.set_defaults(handler=cmd_extract)

    strip = actions.add_parser(
        "strip",
        parents=[common],
        help="make a copy without metadata (images, video/audio, PDF); the original is kept",
    )
    strip.add_argument("id", type=int)
    strip.add_argument("--json", action="store_true")
    strip.set_defaults(handler=cmd_strip)

    delete = actions.add_parser("delete", parents=[common], help="delete an attachment")
    delete.add_argument("id", type=int)
    delete.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    delete.set_defaults(handler=cmd_delete)


def cmd_attach(ctx: Context) -> int:
    args = ctx.args
    with ctx.open_notebook() as notebook:
        outcomes = notebook.attachments.attach(
            args.incident,
            args.files,
            delete_source=args.delete_source,
            progress=ctx.progress(),
        )
    if args.json:
        ctx.out_json([_outcome_json(o) for o in outcomes])
    else:
        for outcome in outcomes:
            if outcome.attachment is not None:
                a = outcome.attachment
                ctx.out(f"{a.id} {a.sha256} {a.original_name}")
    failed = [o for o in outcomes if o.attachment is None]
    for outcome in failed:
        ctx.note(f"carnet: error: {outcome.source}: {outcome.error}")
    for outcome in outcomes:
        if outcome.source_deleted:
            ctx.note(_removal_note(outcome))
        elif outcome.source_error is not None:
            ctx.note(f"Original kept: {outcome.source}: {outcome.source_error}")
    if any(o.source_deleted for o in outcomes):
        ctx.note(f"Note: {OVERWRITE_CAVEAT}.")
    attached = len(outcomes) - len(failed)
    ctx.note(
        f"Attached {attached} of {len(outcomes)} file{'s' if len(outcomes) != 1 else ''} "
        f"to incident {args.incident}" + (f"; {len(failed)} failed." if failed else ".")
    )
    if not failed:
        return 0
    return max(o.error_code for o in failed)


def _removal_note(outcome: AttachOutcome) -> str:
    how = (
        "overwritten with zeros, then deleted"
        if outcome.source_overwritten
        else "deleted, but NOT overwritten (it could not be opened for writing)"
    )
    if outcome.source_target is not None:
        return (
            f"Original removed: {outcome.source} is a symbolic link; the file it pointed "
            f"to, {outcome.source_target}, was {how}, and "
            + (
                "the link could NOT be removed"
                if outcome.source_link_kept
                else "the link was removed"
            )
        )
    return f"Original removed ({how}): {outcome.source}"


def cmd_list(ctx: Context) -> int:
    with ctx.open_notebook() as notebook:
        items = notebook.attachments.list_for(ctx.args.incident)
    if ctx.args.json:
        ctx.out_json([attachment_json(a) for a in items])
        return 0
    for a in items:
        extra = f"stripped copy of {a.derived_from}" if a.derived_from is not None else ""
        captured = a.captured_at or "-"
        ctx.out(
            f"{a.id}\t{a.media_type}\t{_size(a.size)}\t{captured}\t{a.sha256[:16]}…\t"
            f"{a.original_name}" + (f"\t({extra})" if extra else "")
        )
    if not items:
        ctx.note("No attachments.")
    return 0


def cmd_extract(ctx: Context) -> int:
    with ctx.open_notebook() as notebook:
        target = notebook.attachments.extract(ctx.args.id, ctx.args.out, progress=ctx.progress())
    ctx.note(f"Extracted and verified (SHA-256 matches the hash fixed at intake): {target}")
    ctx.out(str(target))
    return 0


def cmd_strip(ctx: Context) -> int:
    with ctx.open_notebook() as notebook:
        copy = notebook.attachments.strip(ctx.args.id)
    if ctx.args.json:
        ctx.out_json(attachment_json(copy))
    else:
        ctx.note(f"Copy without metadata of attachment {ctx.args.id} (the original is unchanged):")
        ctx.out(f"{copy.id} {copy.sha256} {copy.original_name}")
    return 0


def cmd_delete(ctx: Context) -> int:
    with ctx.open_notebook() as notebook:
        attachment = notebook.attachments.get(ctx.args.id)
        if not ctx.confirm(
            f"Delete attachment {attachment.id} ({attachment.original_name}) "
            "and its stripped copy, if any?"
        ):
            ctx.note("Nothing deleted.")
            return 0
        notebook.attachments.delete(attachment.id)
    ctx.note(f"Attachment {ctx.args.id} deleted.")
    return 0


def attachment_json(a: Attachment) -> dict[str, Any]:
    return {
        "id": a.id,
        "uid": a.uid,
        "incident": a.incident_id,
        "name": a.original_name,
        "media_type": a.media_type,
        "size": a.size,
        "sha256": a.sha256,
        "added_at": a.added_at,
        "captured_at": a.captured_at,
        "metadata": a.metadata,
        "derived_from": a.derived_from,
        "derivation": a.derivation,
    }


def _outcome_json(outcome: AttachOutcome) -> dict[str, Any]:
    result: dict[str, Any] = {"source": outcome.source}
    if outcome.attachment is not None:
        result.update(attachment_json(outcome.attachment))
    else:
        result["error"] = outcome.error
    result["source_deleted"] = outcome.source_deleted
    if outcome.source_deleted:
        result["source_overwritten"] = outcome.source_overwritten
        result["source_target"] = outcome.source_target
    if outcome.source_error is not None:
        result["source_error"] = outcome.source_error
    return result


def _size(size: int) -> str:
    value = float(size)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"
