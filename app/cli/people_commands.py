"""person add|list|show|edit|delete|link|link-edit|unlink."""

from __future__ import annotations

import argparse

from app.cli.context import Context, Subcommands
from app.errors import UsageError
from app.incident_json import link_to_json
from app.models import ConsentInput, PersonInput
from app.vocabulary import vocabularies


def register(sub: Subcommands, common: argparse.ArgumentParser) -> None:
    person = sub.add_parser(
        "person", help="people, groups and organisations, and their links to incidents"
    )
    actions = person.add_subparsers(dest="action", required=True, metavar="ACTION")

    add = actions.add_parser(
        "add",
        parents=[common],
        help="add a person (optionally linked)",
        description="Add a person. With --incident and --role the person is "
        "linked to that incident at once.",
    )
    _person_options(add, required=True)
    add.add_argument("--incident", type=int, metavar="ID", help="link to this incident")
    add.add_argument("--role", help="victim, perpetrator, witness, source or defender")
    _consent_options(add)
    add.set_defaults(handler=cmd_add)

    lst = actions.add_parser("list", parents=[common], help="list people")
    lst.add_argument("--json", action="store_true")
    lst.set_defaults(handler=cmd_list)

    show = actions.add_parser("show", parents=[common], help="show a person and their links")
    show.add_argument("id", type=int)
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=cmd_show)

    edit = actions.add_parser("edit", parents=[common], help="change a person")
    edit.add_argument("id", type=int)
    _person_options(edit, required=False)
    edit.set_defaults(handler=cmd_edit)

    delete = actions.add_parser(
        "delete", parents=[common], help="delete a person and their links to incidents"
    )
    delete.add_argument("id", type=int)
    delete.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    delete.set_defaults(handler=cmd_delete)

    link = actions.add_parser("link", parents=[common], help="link a person to an incident")
    link.add_argument("id", type=int, help="person id")
    link.add_argument("--incident", type=int, required=True, metavar="ID")
    link.add_argument(
        "--role", required=True, help="victim, perpetrator, witness, source or defender"
    )
    _consent_options(link)
    link.set_defaults(handler=cmd_link)

    link_edit = actions.add_parser(
        "link-edit", parents=[common], help="change a link's role or consent"
    )
    link_edit.add_argument("link_id", type=int)
    link_edit.add_argument("--role")
    _consent_options(link_edit)
    link_edit.set_defaults(handler=cmd_link_edit)

    unlink = actions.add_parser("unlink", parents=[common], help="remove a link")
    unlink.add_argument("link_id", type=int)
    unlink.set_defaults(handler=cmd_unlink)


def _person_options(parser: argparse.ArgumentParser, *, required: bool) -> None:
    parser.add_argument("--name", required=required)
    parser.add_argument("--kind", help="individual (default), group, organisation or institution")
    parser.add_argument("--notes")


def _consent_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--consent",
        choices=["none", "share", "publish"],
        help="informed consent: none, share (with --consent-org), publish",
    )
    parser.add_argument(
        "--consent-org",
        action="append",
        metavar="ORG",
        help="an organisation the person agreed to share with (repeatable)",
    )
    parser.add_argument("--consent-date", metavar="YYYY-MM-DD", help="default: today")
    parser.add_argument("--consent-note")


def _consent(args: argparse.Namespace, base: ConsentInput | None = None) -> ConsentInput | None:
    given = (args.consent, args.consent_org, args.consent_date, args.consent_note)
    if all(value is None for value in given):
        return base
    base = base or ConsentInput()
    return ConsentInput(
        level=args.consent or base.level,
        organisations=tuple(args.consent_org)
        if args.consent_org is not None
        else base.organisations,
        date=args.consent_date or base.date,
        note=args.consent_note if args.consent_note is not None else base.note,
    )


def cmd_add(ctx: Context) -> int:
    args = ctx.args
    if (args.incident is None) != (args.role is None):
        raise UsageError("--incident and --role go together")
    consent = _consent(args)
    if consent is not None and args.incident is None:
        raise UsageError("consent belongs to a link: add --incident and --role")
    data = PersonInput(args.name, args.kind or "individual", args.notes or "")
    if args.role is not None:
        vocabularies().roles.check(args.role)  # refuse before anything is written
    with ctx.open_notebook() as notebook:
        person_id = notebook.people.add(data)
        if args.incident is not None:
            try:
                link_id = notebook.people.link(args.incident, person_id, args.role, consent)
            except BaseException:
                notebook.people.delete(person_id)
                raise
            ctx.note(f"Linked to incident {args.incident} as {args.role} (link {link_id}).")
    ctx.out(str(person_id))
    return 0


def cmd_list(ctx: Context) -> int:
    with ctx.open_notebook() as notebook:
        people = notebook.people.list_by_name()
    if ctx.args.json:
        ctx.out_json(
            [{"id": p.id, "name": p.name, "kind": p.kind, "notes": p.notes} for p in people]
        )
        return 0
    for p in people:
        ctx.out(f"{p.id}\t{p.kind}\t{p.name}")
    if not people:
        ctx.note("No people yet. Add one with 'carnet person add --name NAME'.")
    return 0


def cmd_show(ctx: Context) -> int:
    with ctx.open_notebook() as notebook:
        person = notebook.people.get(ctx.args.id)
        links = notebook.people.links_for_person(person.id)
    if ctx.args.json:
        ctx.out_json(
            {
                "id": person.id,
                "uid": person.uid,
                "name": person.name,
                "kind": person.kind,
                "notes": person.notes,
                "created_at": person.created_at,
                "updated_at": person.updated_at,
                "links": [dict(link_to_json(link), incident_id=link.incident_id) for link in links],
            }
        )
        return 0
    ctx.out(f"Person {person.id}: {person.name} ({person.kind})")
    if person.notes:
        ctx.out(f"  {person.notes}")
    for link in links:
        orgs = ", ".join(link.consent.organisations)
        ctx.out(
            f"  [link {link.id}] incident {link.incident_id}: {link.role}; consent "
            f"{link.consent.level}"
            + (f" with {orgs}" if orgs else "")
            + (f" on {link.consent.date}" if link.consent.date else "")
        )
    return 0


def cmd_edit(ctx: Context) -> int:
    args = ctx.args
    if args.name is None and args.kind is None and args.notes is None:
        raise UsageError("nothing to change; give --name, --kind or --notes")
    with ctx.open_notebook() as notebook:
        current = notebook.people.get(args.id)
        notebook.people.update(
            args.id,
            PersonInput(
                args.name if args.name is not None else current.name,
                args.kind if args.kind is not None else current.kind,
                args.notes if args.notes is not None else current.notes,
            ),
        )
    ctx.out(str(args.id))
    return 0


def cmd_delete(ctx: Context) -> int:
    with ctx.open_notebook() as notebook:
        person = notebook.people.get(ctx.args.id)
        if not ctx.confirm(f"Delete person {person.id} ({person.name}) and their links?"):
            ctx.note("Nothing deleted.")
            return 0
        unlinked = notebook.people.delete(person.id)
    ctx.note(f"Person {ctx.args.id} deleted; unlinked from {unlinked} incident(s).")
    return 0


def cmd_link(ctx: Context) -> int:
    args = ctx.args
    with ctx.open_notebook() as notebook:
        link_id = notebook.people.link(args.incident, args.id, args.role, _consent(args))
    ctx.out(str(link_id))
    return 0


def cmd_link_edit(ctx: Context) -> int:
    args = ctx.args
    with ctx.open_notebook() as notebook:
        current = notebook.people.get_link(args.link_id)
        consent = _consent(args, current.consent)
        if args.role is None and consent is current.consent:
            raise UsageError("nothing to change; give --role or a --consent option")
        notebook.people.update_link(args.link_id, role=args.role, consent=consent)
    ctx.out(str(args.link_id))
    return 0


def cmd_unlink(ctx: Context) -> int:
    with ctx.open_notebook() as notebook:
        notebook.people.unlink(ctx.args.link_id)
    ctx.note(f"Link {ctx.args.link_id} removed.")
    return 0
