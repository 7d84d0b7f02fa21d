"""Send: what is waiting in the outbox goes to its destinations, explicitly, resumably.

For each delivery the state is written in a transaction before the transport starts
(`sending`), after every piece the destination confirms (offset and where to resume),
and when it ends (`sent` with the custody row in the same transaction, or `failed` with
its reason). Whatever stops the process, the next send finds a state to carry on from.
Deliveries are independent: one failing does not undo or stop the others.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from app.clock import Clock, utc_now
from app.custody import CustodyAction, CustodyLog
from app.destinations import Destination, DestinationService
from app.errors import (
    CancelledError,
    CarnetError,
    IntegrityError,
    StorageError,
    TransportFailedError,
    UsageError,
)
from app.export.outbox import Outbox
from app.progress import CancelToken, Progress, no_progress
from app.sending import outbox_states, transports
from app.sending.deliveries import Delivery
from app.sending.transports import TransportFactory
from sync.errors import FailureKind
from sync.transport import Transport, UploadState

STAGE_SENDING = "sending"
SEND_LOCK = ".send.lock"  # in the outbox folder; holds nothing
STAGE_CHECKING = "checking-bundle"
_READ = 1 << 20


@dataclass(frozen=True)
class Failure:
    delivery: Delivery
    reason: str


@dataclass
class SendReport:
    """What one send did; `sent` stays sent whatever failed after it."""

    sent: list[Delivery] = field(default_factory=list)
    failed: list[Failure] = field(default_factory=list)
    skipped: list[Failure] = field(default_factory=list)  # no transport, or refused before

    def raise_for_failures(self) -> None:
        if not self.failed:
            return
        first = self.failed[0]
        where = f"bundle {first.delivery.outbox_id} to {first.delivery.destination!r}"
        if len(self.failed) == 1:
            raise TransportFailedError(f"could not send {where}: {first.reason}")
        raise TransportFailedError(
            f"{len(self.failed)} deliveries failed (sent: {len(self.sent)}); the first, "
            f"{where}: {first.reason}"
        )


class SendService:
    def __init__(
        self,
        outbox: Outbox,
        destinations: DestinationService,
        custody: CustodyLog,
        make_transport: TransportFactory | None = None,
        clock: Clock = utc_now,
    ) -> None:
        self.outbox = outbox
        self.destinations = destinations
        self.custody = custody
        # Looked up at call time so the one seam (app/sending/transports.py) decides.
        self.make_transport = make_transport or (lambda s: transports.make_transport(s))
        self.clock = clock

    def __repr__(self) -> str:
        return "SendService()"

    def plan(self, destination: str | None = None, bundle: int | None = None) -> list[Delivery]:
        """The deliveries a send would take, in order; refuses a request that names a
        destination without a transport or a bundle not sealed to it."""
        target = None if destination is None else self.destinations.get(destination)
        if target is not None and target.transport is None:
            raise UsageError(_no_transport(target))
        if bundle is not None:
            self.outbox.get(bundle)  # NotFoundError when there is no such bundle
        found = self.outbox.deliveries.matching(None if target is None else target.id, bundle)
        if bundle is not None and not found:
            if target is not None:
                raise UsageError(f"bundle {bundle} is not sealed to {target.name!r}")
            raise UsageError(
                f"bundle {bundle} was sealed to keys, not to a destination: copy its file "
                "yourself (carnet outbox list --json gives the path)"
            )
        return [d for d in found if d.status.can_start(explicit=bundle is not None)]

    def send(
        self,
        destination: str | None = None,
        bundle: int | None = None,
        *,
        progress: Progress = no_progress,
        announce: Callable[[Delivery], None] = lambda delivery: None,
        on_sent: Callable[[Delivery], None] = lambda delivery: None,
        cancel: CancelToken | None = None,
    ) -> SendReport:
        """Send every delivery the plan holds. A transport failure is recorded and the
        next delivery goes on; a damaged bundle file or the person's cancel stops it all
        (what was sent stays sent: `on_sent` has been told of each)."""
        with self._the_only_send():
            return self._send_all(destination, bundle, progress, announce, on_sent, cancel)

    @contextlib.contextmanager
    def _the_only_send(self) -> Iterator[None]:
        """One send of this notebook at a time: two (two terminals, or the app and a
        terminal) would each take the same pending delivery and upload it twice. The lock
        is an flock on a file in the outbox, released by the kernel if the process dies."""
        self.outbox.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(self.outbox.folder / SEND_LOCK, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise UsageError(
                    "another send of this notebook is running: wait for it to finish"
                ) from None
            yield
        finally:
            os.close(fd)

    def _send_all(
        self,
        destination: str | None,
        bundle: int | None,
        progress: Progress,
        announce: Callable[[Delivery], None],
        on_sent: Callable[[Delivery], None],
        cancel: CancelToken | None,
    ) -> SendReport:
        report = SendReport()
        explicit = bundle is not None
        settings = {d.name: d for d in self.destinations.list()}
        for delivery in self.plan(destination, bundle):
            target = settings[delivery.destination]
            if target.transport is None:
                report.skipped.append(Failure(delivery, _no_transport(target)))
                continue
            announce(delivery)
            path = delivery.path(self.outbox.folder)
            sha256 = self._checked_sha256(delivery, path, progress)
            try:
                transport = self.make_transport(target.transport)
            except CarnetError as exc:
                report.failed.append(Failure(delivery, exc.message))
                continue
            try:
                sent = self._send_one(delivery, path, sha256, transport, explicit, progress, cancel)
            except CarnetError as exc:
                report.failed.append(Failure(delivery, exc.message))
                if isinstance(exc, CancelledError):
                    raise
                continue
            report.sent.append(sent)
            on_sent(sent)
        return report

    def _send_one(
        self,
        delivery: Delivery,
        path: Path,
        sha256: str,
        transport: Transport,
        explicit: bool,
        progress: Progress,
        cancel: CancelToken | None,
    ) -> Delivery:
        store = self.outbox.deliveries
        status = outbox_states.start(delivery.status, explicit=explicit)
        store.save(delivery.id, status)  # `sending`, before the first byte
        resume = (
            None
            if status.resume_location is None
            else UploadState(status.resume_location, status.confirmed)
        )

        def save_state(state: UploadState) -> None:
            nonlocal status
            status = outbox_states.save_progress(status, state.location, state.offset)
            store.save(delivery.id, status)

        try:
            with transports.sync_errors():
                arrived = transport.send(
                    path,
                    delivery.size,
                    sha256,
                    resume=resume,
                    save_state=save_state,
                    progress=lambda done, total: progress(done, total, STAGE_SENDING),
                    cancelled=lambda: cancel is not None and cancel.cancelled,
                )
        except CarnetError as exc:
            retryable = isinstance(exc, TransportFailedError) and exc.retryable
            store.save(delivery.id, outbox_states.fail(status, exc.message, retryable=retryable))
            if isinstance(exc, TransportFailedError) and exc.kind == FailureKind.CANCELLED.value:
                raise CancelledError(
                    "cancelled; what was sent stays sent, the rest resumes at the next send"
                ) from None
            raise
        done = outbox_states.succeed(status, arrived.location, self.clock(), delivery.size)
        with self.outbox.db.transaction() as conn:
            store.write(conn, delivery.id, done)
            # The location is left out: a tus upload URL lets whoever holds it change
            # the upload, and custody rows travel in later bundles.
            self.custody.append(
                conn,
                CustodyAction.SEND,
                f"bundle {delivery.bundle_id}",
                None,
                {
                    "bundle_id": delivery.bundle_id,
                    "destination": delivery.destination,
                    "transport": transport.describe(),
                    "sha256": sha256,
                },
            )
            self.outbox.mark_sent_if_complete(conn, delivery.outbox_id)
        return store.get(delivery.id)

    def _checked_sha256(self, delivery: Delivery, path: Path, progress: Progress) -> str:
        """The bundle's SHA-256, read from its file; the first send remembers it, later
        ones check the file has not changed (a resumed upload must continue the same
        bytes)."""
        digest = hashlib.sha256()
        done = 0
        try:
            with path.open("rb") as handle:
                while chunk := handle.read(_READ):
                    digest.update(chunk)
                    done += len(chunk)
                    progress(done, delivery.size, STAGE_CHECKING)
        except FileNotFoundError:
            raise StorageError(
                f"bundle {delivery.outbox_id}'s file is missing from the outbox"
            ) from None
        except OSError as exc:
            raise StorageError(
                f"could not read bundle {delivery.outbox_id}: {exc.strerror}"
            ) from None
        sha256 = digest.hexdigest()
        if done != delivery.size or (delivery.sha256 is not None and delivery.sha256 != sha256):
            raise IntegrityError(
                f"bundle {delivery.outbox_id}'s file has changed since it was sealed; "
                "nothing was sent"
            )
        if delivery.sha256 is None:
            self.outbox.remember_sha256(delivery.outbox_id, sha256)
        return sha256


def _no_transport(target: Destination) -> str:
    return (
        f"{target.name!r} has no transport: add one with carnet destination edit "
        f"{target.name!r} --folder DIR (or --url URL)"
    )
