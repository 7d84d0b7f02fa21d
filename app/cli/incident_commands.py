"""incident add|list|show|edit|delete, and search."""

from __future__ import annotations

import argparse
import dataclasses
from typing import Any

from app.cli.context import Context, Subcommands
from app.cli.incident_prompts import prompt_incident, require_terminal_for_prompts
from app.cli.text_input import read_json, read_text
from app.errors import UsageError
from app.incident_json import detail_to_json, input_from_json, inputs_from_json
from app.models import IncidentDetail, IncidentInput
from app.validation import parse_coordinates
from app.vocabulary import vocabularies


def register(sub: Subcommands, common: argparse.ArgumentParser) -> None:
    incident = sub.add_parser("incident", help="record and manage incidents")
    actions = incident.add_subparsers(dest="action", required=True, metavar="ACTION")

    add = actions.add_parser(
        "add",
        parents=[common],
        help="record an incident",
        description="Record an incident. Options typed at a shell are kept in its history: "
        "for sensitive text run 'carnet incident add' alone to be asked each field, "
        "or use --json-file - / --narrative-file -.",
    )
    _field_options(add)
    add.add_argument(
        "--json-file",
        metavar="F",
        help="import one incident or a list from a JSON file (- for stdin)",
    )
    add.set_defaults(handler=cmd_add)

    lst = actions.add_parser("list", parents=[common], help="list incidents, newest first")
    lst.add_argument("--json", action="store_true")
    lst.add_argument("--limit", type=int, metavar="N")
    lst.set_defaults(handler=cmd_list)

    show = actions.add_parser("show", parents=[common], help="show one incident in full")
    show.add_argument("id", type=int)
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=cmd_show)

    edit = actions.add_parser("edit", parents=[common], help="change an incident's fields")
    edit.add_argument("id", type=int)
    _field_options(edit)
    edit.add_argument("--add-violation", action="append", default=[], metavar="CODE")
    edit.add_argument("--remove-violation", action="append", default=[], metavar="CODE")
    edit.add_argument("--add-tag", action="append", default=[], metavar="TAG")
    edit.add_argument("--remove-tag", action="append", default=[], metavar="TAG")
    edit.add_argument("--clear-coordinates", action="store_true")
    edit.add_argument(
        "--json-file", metavar="F", help="apply the keys present in a JSON object (- for stdin)"
    )
    edit.set_defaults(handler=cmd_edit)

    delete = actions.add_parser("delete", parents=[common], help="delete an incident")
    delete.add_argument("id", type=int)
    delete.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    delete.set_defaults(handler=cmd_delete)

    search = sub.add_parser(
        "search",
        parents=[common],
        help="full-text search",
        description="Search titles, narratives, locations, people's names "
        "and tags. All words must match; end a word with * "
        "for a prefix. Accents and case are ignored. Newest incidents first "
        "(most recently recorded), or the most relevant first with --ranked.",
    )
    search.add_argument("query", nargs="+")
    search.add_argument("--json", action="store_true")
    search.add_argument("--limit", type=int, default=50, metavar="N")
    search.add_argument(
        "--ranked", action="store_true", help="most relevant first (bm25), not newest first"
    )
    search.set_defaults(handler=cmd_search)


def _field_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--title")
    parser.add_argument("--narrative")
    parser.add_argument(
        "--narrative-file", metavar="F", help="read the narrative from F (- = stdin)"
    )
    parser.add_argument(
        "--date",
        metavar="FROM[..TO]",
        help="YYYY-MM-DD, YYYY-MM or YYYY; ~ in front if approximate",
    )
    parser.add_argument("--location")
    parser.add_argument("--country", metavar="CC", help="ISO 3166-1 alpha-2 code, e.g. SN")
    parser.add_argument("--coordinates", metavar="LAT,LON")
    parser.add_argument(
        "--violation",
        action="append",
        metavar="CODE",
        help="violation type code (repeatable; 'carnet codes violations' lists them)",
    )
    parser.add_argument("--tag", action="append", metavar="TAG")
    parser.add_argument("--status", help="draft, documented, verified or shared")
    parser.add_argument("--sensitivity", help="low, medium or high")


def cmd_add(ctx: Context) -> int:
    args = ctx.args
    _refuse_double_stdin(args)
    interactive = not args.json_file and args.title is None
    if args.json_file:
        if _any_field_given(args):
            raise UsageError("--json-file cannot be combined with field options")
        items = inputs_from_json(read_json(args.json_file))
    elif interactive:
        require_terminal_for_prompts()
        items = []
    else:
        items = [_apply_options(IncidentInput(title=args.title), args, ctx)]
    with ctx.open_notebook() as notebook:
        # Unlock before asking the fields, so a mistyped passphrase loses nothing typed.
        if interactive:
            items = [prompt_incident()]
        ids = notebook.incidents.add_many(items, progress=ctx.progress())
    if len(ids) > 1:
        ctx.note(f"Imported {len(ids)} incidents.")
    for incident_id in ids:
        ctx.out(str(incident_id))
    return 0


def cmd_list(ctx: Context) -> int:
    with ctx.open_notebook() as notebook:
        incidents = notebook.incidents.list_newest(limit=ctx.args.limit)
    if ctx.args.json:
        ctx.out_json(
            [
                {
                    "id": i.id,
                    "title": i.title,
                    "date": i.date.text(),
                    "country": i.country,
                    "status": i.status,
                    "sensitivity": i.sensitivity,
                    "violations": list(i.violations),
                    "tags": list(i.tags),
                    "updated_at": i.updated_at,
                }
                for i in incidents
            ]
        )
        return 0
    for i in incidents:
        ctx.out(f"{i.id}\t{i.date.text() or '-'}\t{i.status}\t{i.country or '-'}\t{i.title}")
    if not incidents:
        ctx.note("No incidents yet. Record one with 'carnet incident add'.")
    return 0


def cmd_show(ctx: Context) -> int:
    with ctx.open_notebook() as notebook:
        detail = notebook.incidents.detail(ctx.args.id)
    if ctx.args.json:
        ctx.out_json(detail_to_json(detail))
    else:
        _print_detail(ctx, detail)
    return 0


def cmd_edit(ctx: Context) -> int:
    args = ctx.args
    _refuse_double_stdin(args)
    json_changes = read_json(args.json_file) if args.json_file else None
    with ctx.open_notebook() as notebook:
        current = notebook.incidents.get(args.id).to_input()
        if json_changes is not None:
            current = input_from_json(json_changes, base=current)
        changed = _apply_options(current, args, ctx)
        violations = [v for v in changed.violations if v not in args.remove_violation]
        violations += args.add_violation
        removed_tags = {t.casefold() for t in args.remove_tag}
        tags = [t for t in changed.tags if t.casefold() not in removed_tags] + args.add_tag
        changed = dataclasses.replace(
            changed,
            violations=tuple(violations),
            tags=tuple(tags),
            coordinates=None if args.clear_coordinates else changed.coordinates,
        )
        if changed == current and json_changes is None:
            raise UsageError("nothing to change; give at least one field option")
        notebook.incidents.update(args.id, changed)
    ctx.out(str(args.id))
    return 0


def cmd_delete(ctx: Context) -> int:
    with ctx.open_notebook() as notebook:
        incident = notebook.incidents.get(ctx.args.id)
        if not ctx.confirm(
            f"Delete incident {incident.id} ({incident.title}) and everything linked to it?"
        ):
            ctx.note("Nothing deleted.")
            return 0
        notebook.incidents.delete(incident.id)
    ctx.note(f"Incident {ctx.args.id} deleted.")
    return 0


def cmd_search(ctx: Context) -> int:
    query = " ".join(ctx.args.query)
    with ctx.open_notebook() as notebook:
        hits = notebook.search.search(query, limit=max(1, ctx.args.limit), ranked=ctx.args.ranked)
    if ctx.args.json:
        ctx.out_json(
            [
                {
                    "id": h.incident_id,
                    "title": h.title,
                    "date": h.date,
                    "status": h.status,
                    "snippet": h.snippet,
                }
                for h in hits
            ]
        )
        return 0
    for hit in hits:
        ctx.out(f"{hit.incident_id}\t{hit.date or '-'}\t{hit.status}\t{hit.title}")
    if not hits:
        ctx.note("No match.")
    return 0


def _refuse_double_stdin(args: argparse.Namespace) -> None:
    stdin = "-"
    if stdin == args.passphrase_file and stdin in (args.json_file, args.narrative_file):
        raise UsageError(
            "standard input cannot hold both the passphrase and the incident; "
            "put the passphrase in a file"
        )


def _any_field_given(args: argparse.Namespace) -> bool:
    names = (
        "title",
        "narrative",
        "narrative_file",
        "date",
        "location",
        "country",
        "coordinates",
        "violation",
        "tag",
        "status",
        "sensitivity",
    )
    return any(getattr(args, name) is not None for name in names)


def _apply_options(base: IncidentInput, args: argparse.Namespace, ctx: Context) -> IncidentInput:
    changes: dict[str, Any] = {}
    for name in ("title", "date", "location", "country", "status", "sensitivity"):
        value = getattr(args, name)
        if value is not None:
            changes[name] = value
    if args.narrative is not None and args.narrative_file is not None:
        raise UsageError("give --narrative or --narrative-file, not both")
    if args.narrative is not None:
        changes["narrative"] = args.narrative
    if args.narrative_file is not None:
        changes["narrative"] = read_text(args.narrative_file)
    if args.coordinates is not None:
        changes["coordinates"] = parse_coordinates(args.coordinates)
    if args.violation is not None:
        changes["violations"] = tuple(args.violation)
    if args.tag is not None:
        changes["tags"] = tuple(args.tag)
    return dataclasses.replace(base, **changes)


def _print_detail(ctx: Context, detail: IncidentDetail) -> None:
    i = detail.incident
    vocab = vocabularies()
    ctx.out(f"Incident {i.id}: {i.title}")
    ctx.out(f"  Date:        {i.date.text() or 'unknown'} ({i.date.precision})")
    ctx.out(
        f"  Location:    {i.location or '-'}"
        + (f", {vocab.countries.label(i.country)} ({i.country})" if i.country else "")
    )
    if i.coordinates:
        ctx.out(f"  Coordinates: {i.coordinates[0]}, {i.coordinates[1]}")
    ctx.out(f"  Status:      {i.status}    Sensitivity: {i.sensitivity}")
    ctx.out("  Violations:  " + (", ".join(vocab.violations.label(v) for v in i.violations) or "-"))
    ctx.out("  Tags:        " + (", ".join(i.tags) or "-"))
    ctx.out(f"  Recorded:    {i.created_at}    Updated: {i.updated_at}")
    if i.narrative:
        ctx.out("")
        for line in i.narrative.splitlines():
            ctx.out(f"  {line}")
    if detail.people:
        ctx.out("")
        ctx.out("  People:")
        for link in detail.people:
            consent = link.consent.level
            if link.consent.organisations:
                consent += " with " + ", ".join(link.consent.organisations)
            ctx.out(
                f"    [link {link.id}] person {link.person_id} {link.person_name} — "
                f"{link.role}; consent: {consent}"
            )
    if detail.interventions:
        ctx.out("")
        ctx.out("  Interventions:")
        for item in detail.interventions:
            ctx.out(
                f"    [{item.id}] {item.date or '-'} {item.kind} by {item.actor}: {item.status}"
            )
