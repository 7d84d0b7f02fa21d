"""send, outbox list|remove: thin over app/sending (the GUI calls the same services)."""

from __future__ import annotations

import argparse
import sys

from app.cli.context import Context, Subcommands
from app.export.outbox import OutboxItem
from app.progress import Progress
from app.sending.deliveries import Delivery
from app.sending.outbox_states import DeliveryState, DeliveryStatus


def register(sub: Subcommands, common: argparse.ArgumentParser) -> None:
    outbox = sub.add_parser("outbox", help="bundles waiting to be sent")
    actions = outbox.add_subparsers(dest="action", required=True, metavar="ACTION")
    lst = actions.add_parser(
        "list", parents=[common], help="each bundle's destinations, size, state and progress"
    )
    lst.add_argument("--json", action="store_true")
    lst.set_defaults(handler=cmd_outbox_list)
    remove = actions.add_parser(
        "remove", parents=[common], help="delete a bundle from the outbox (its records stay)"
    )
    remove.add_argument("id", type=int, metavar="ID")
    remove.add_argument("--yes", action="store_true", help="do not ask, even if it is unsent")
    remove.set_defaults(handler=cmd_outbox_remove)

    send = sub.add_parser(
        "send",
        parents=[common],
        help="send what is waiting in the outbox (the only command that uses the network)",
    )
    send.add_argument(
        "destination", nargs="?", metavar="DESTINATION", help="only to this one (default: all)"
    )
    send.add_argument(
        "--bundle",
        type=int,
        metavar="ID",
        help="only this bundle (retries it even after a refusal)",
    )
    send.set_defaults(handler=cmd_send)


def cmd_send(ctx: Context) -> int:
    args = ctx.args
    with ctx.open_notebook() as notebook:
        sender = notebook.sender
        if not sender.plan(args.destination, args.bundle):
            ctx.note("Nothing to send.")
            return 0
        line = _ProgressLine()
        report = sender.send(
            args.destination,
            args.bundle,
            progress=line.progress,
            announce=line.start,
            on_sent=lambda d: line.print_above(_sent_line(d)),
        )
        line.clear()
    for skipped in report.skipped:
        ctx.note(f"Not sent: bundle {skipped.delivery.outbox_id}: {skipped.reason}")
    report.raise_for_failures()
    return 0


def cmd_outbox_list(ctx: Context) -> int:
    with ctx.open_notebook() as notebook:
        items = notebook.outbox.list()
    if ctx.args.json:
        ctx.out_json([_item_json(i) for i in items])
        return 0
    for item in items:
        if not item.deliveries:
            ctx.out(
                f"{item.id}\t-\t{item.size} B\tsealed to keys, not to a destination "
                f"(copy {item.path} yourself)\t{item.created_at}"
            )
        for delivery in item.deliveries:
            ctx.out(
                f"{item.id}\t{delivery.destination}\t{item.size} B\t"
                f"{_state_text(delivery.status, item.id, item.size)}\t{item.created_at}"
            )
    if not items:
        ctx.note("The outbox is empty.")
    return 0


def cmd_outbox_remove(ctx: Context) -> int:
    with ctx.open_notebook() as notebook:
        item = notebook.outbox.get(ctx.args.id)
        unsent = [d for d in item.deliveries if d.status.state != DeliveryState.SENT]
        if unsent and not ctx.confirm(
            f"Bundle {item.id} has not reached {', '.join(repr(d.destination) for d in unsent)}. "
            "Remove it anyway?"
        ):
            ctx.note("Nothing removed.")
            return 0
        notebook.outbox.remove(item.id)
    ctx.note(f"Bundle {item.id} removed from the outbox; the incidents it held are unchanged.")
    return 0


def _sent_line(delivery: Delivery) -> str:
    return f"sent\t{delivery.outbox_id}\t{delivery.destination}\t{delivery.status.location}"


def _percent(done: int, size: int) -> int:
    return 100 if size <= 0 else min(100, done * 100 // size)


def _state_text(status: DeliveryStatus, item_id: int, size: int) -> str:
    if status.state == DeliveryState.SENT:
        return f"sent {status.sent_at} to {status.location}"
    if status.state == DeliveryState.SENDING:
        return f"sending {_percent(status.confirmed, size)}% (interrupted: carnet send resumes it)"
    if status.state == DeliveryState.FAILED:
        then = (
            "carnet send retries it"
            if status.retryable
            else f"not retried unless named: carnet send --bundle {item_id}"
        )
        return f"failed at {_percent(status.confirmed, size)}%: {status.reason} ({then})"
    return "pending"


def _item_json(item: OutboxItem) -> dict[str, object]:
    return {
        "id": item.id,
        "bundle_id": item.bundle_id,
        "path": str(item.path),
        "recipients": list(item.recipients),
        "incidents": item.incidents,
        "size": item.size,
        "sha256": item.sha256,
        "created_at": item.created_at,
        "sent_at": item.sent_at,
        "deliveries": [
            {
                "destination": d.destination,
                "state": str(d.status.state),
                "confirmed": d.status.confirmed,
                "progress": _percent(d.status.confirmed, item.size),
                "attempts": d.status.attempts,
                "sent_at": d.status.sent_at,
                "location": d.status.location,
                "reason": d.status.reason,
                "retryable": d.status.retryable,
            }
            for d in item.deliveries
        ],
    }


class _ProgressLine:
    """`Sending bundle 3 to 'Lifeline' 42%` on standard error, only on a terminal."""

    def __init__(self) -> None:
        self.enabled = sys.stderr.isatty()
        self.label = ""
        self.shown = False

    def start(self, delivery: Delivery) -> None:
        self.label = f"bundle {delivery.outbox_id} to {delivery.destination!r}"

    @property
    def progress(self) -> Progress:
        def show(done: int, total: int, stage: str) -> None:
            if not self.enabled or total <= 0:
                return
            verb = "Checking" if stage == "checking-bundle" else "Sending"
            sys.stderr.write(f"\r\x1b[2K{verb} {self.label} {_percent(done, total)}%")
            sys.stderr.flush()
            self.shown = True

        return show

    def print_above(self, text: str) -> None:
        """A result on standard output, with the progress line out of its way."""
        self.clear()
        sys.stdout.write(text + "\n")
        sys.stdout.flush()

    def clear(self) -> None:
        if self.shown:
            sys.stderr.write("\r\x1b[2K")
            sys.stderr.flush()
            self.shown = False
