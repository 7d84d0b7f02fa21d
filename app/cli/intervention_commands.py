"""intervention add|list|edit|delete|actors."""

from __future__ import annotations

import argparse

from app.cli.context import Context, Subcommands
from app.errors import UsageError
from app.incident_json import intervention_to_json
from app.models import InterventionInput
from app.vocabulary import vocabularies


def register(sub: Subcommands, common: argparse.ArgumentParser) -> None:
    intervention = sub.add_parser("intervention", help="interventions made for incidents")
    actions = intervention.add_subparsers(dest="action", required=True, metavar="ACTION")

    add = actions.add_parser("add", parents=[common], help="record an intervention")
    add.add_argument("incident", type=int, help="incident id")
    _options(add, required=True)
    add.set_defaults(handler=cmd_add)

    lst = actions.add_parser("list", parents=[common], help="list interventions")
    lst.add_argument("incident", type=int, nargs="?", help="only this incident's")
    lst.add_argument("--json", action="store_true")
    lst.set_defaults(handler=cmd_list)

    edit = actions.add_parser("edit", parents=[common], help="change an intervention")
    edit.add_argument("id", type=int)
    _options(edit, required=False)
    edit.set_defaults(handler=cmd_edit)

    delete = actions.add_parser("delete", parents=[common], help="delete an intervention")
    delete.add_argument("id", type=int)
    delete.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    delete.set_defaults(handler=cmd_delete)

    actors = actions.add_parser("actors", help="list suggested actors (free text is fine too)")
    actors.set_defaults(handler=cmd_actors)


def _options(parser: argparse.ArgumentParser, *, required: bool) -> None:
    parser.add_argument(
        "--actor",
        required=required,
        help="who acted, e.g. 'Front Line Defenders' ('carnet intervention "
        "actors' lists suggestions)",
    )
    parser.add_argument(
        "--kind",
        help="urgent-appeal, emergency-grant-request, un-communication, trial-observation or other",
    )
    parser.add_argument("--status", help="planned, sent, acknowledged, completed or declined")
    parser.add_argument("--date", metavar="YYYY-MM-DD")
    parser.add_argument("--notes")


def cmd_add(ctx: Context) -> int:
    args = ctx.args
    data = InterventionInput(
        args.actor, args.kind or "other", args.status or "planned", args.date, args.notes or ""
    )
    with ctx.open_notebook() as notebook:
        ident = notebook.interventions.add(args.incident, data)
    ctx.out(str(ident))
    return 0


def cmd_list(ctx: Context) -> int:
    with ctx.open_notebook() as notebook:
        items = notebook.interventions.list_for(ctx.args.incident)
    if ctx.args.json:
        ctx.out_json([intervention_to_json(i) for i in items])
        return 0
    for i in items:
        ctx.out(
            f"{i.id}\tincident {i.incident_id}\t{i.date or '-'}\t{i.kind}\t{i.status}\t{i.actor}"
        )
    if not items:
        ctx.note("No interventions.")
    return 0


def cmd_edit(ctx: Context) -> int:
    args = ctx.args
    fields = ("actor", "kind", "status", "date", "notes")
    if all(getattr(args, f) is None for f in fields):
        raise UsageError("nothing to change; give at least one option")
    with ctx.open_notebook() as notebook:
        current = notebook.interventions.get(args.id).to_input()
        notebook.interventions.update(
            args.id,
            InterventionInput(
                *(
                    getattr(args, f) if getattr(args, f) is not None else getattr(current, f)
                    for f in fields
                )
            ),
        )
    ctx.out(str(args.id))
    return 0


def cmd_delete(ctx: Context) -> int:
    with ctx.open_notebook() as notebook:
        item = notebook.interventions.get(ctx.args.id)
        if not ctx.confirm(f"Delete intervention {item.id} ({item.kind} by {item.actor})?"):
            ctx.note("Nothing deleted.")
            return 0
        notebook.interventions.delete(item.id)
    ctx.note(f"Intervention {ctx.args.id} deleted.")
    return 0


def cmd_actors(ctx: Context) -> int:
    for actor in vocabularies().intervention_actor_suggestions:
        ctx.out(actor)
    return 0
