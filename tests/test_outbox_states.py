"""The delivery state machine: pure transitions under random sequences, and the real
sender and store under random send / fail / kill / cancel / resume sequences."""

from __future__ import annotations

import contextlib
import hashlib
import secrets
from collections.abc import Callable
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from app.custody import CustodyAction
from app.errors import CancelledError
from app.notebook import Notebook
from app.sending import outbox_states
from app.sending.outbox_states import DeliveryState, DeliveryStatus, TransitionError
from app.sending.sender import SendService
from app.sending.settings import TransportSettings
from sync.transport import UploadState
from tests.sending_fakes import PIECE, Faults, LocalCopyTransport
from tests.test_sending import public_key

SIZE = 6 * PIECE + 123

ops = st.lists(
    st.one_of(
        st.tuples(st.just("start"), st.booleans()),
        st.tuples(st.just("save"), st.integers(-2, SIZE)),
        st.tuples(st.just("succeed"), st.none()),
        st.tuples(st.just("fail"), st.booleans()),
        st.tuples(st.just("reset"), st.none()),
    ),
    max_size=30,
)


@given(ops)
@settings(max_examples=300, deadline=None)
def test_pure_transitions_never_leave_sent_and_keep_their_rules(
    sequence: list[tuple[str, object]],
) -> None:
    status = DeliveryStatus()
    for op, arg in sequence:
        before = status
        try:
            if op == "start":
                status = outbox_states.start(status, explicit=bool(arg))
            elif op == "save":
                status = outbox_states.save_progress(status, "loc", int(str(arg)))
            elif op == "succeed":
                status = outbox_states.succeed(status, "there", "now", SIZE)
            elif op == "fail":
                status = outbox_states.fail(status, "cut", retryable=bool(arg))
            else:
                status = outbox_states.reset(status)
        except TransitionError:
            assert status == before
            if op == "start":
                assert before.state == DeliveryState.SENT or (
                    before.state == DeliveryState.FAILED and not before.retryable and not arg
                )
            elif op == "save":
                assert before.state != DeliveryState.SENDING or int(str(arg)) < 0
            else:
                assert before.state != DeliveryState.SENDING
            continue
        if before.state == DeliveryState.SENT:
            assert status == before  # final
        if op == "start":
            assert status.state == DeliveryState.SENDING
            assert status.attempts == before.attempts + 1
        if status.state == DeliveryState.SENT:
            assert status.resume_location is None and status.confirmed == SIZE
        if status.state == DeliveryState.FAILED:
            assert status.reason is not None and status.retryable is not None


class Killed(BaseException):
    """The process dying mid-send: nothing after it runs, as with SIGKILL."""


def run_machine(notebook: Notebook, tmp_path: Path) -> None:
    class Sends(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.name = f"dest-{secrets.token_hex(4)}"
            self.folder = tmp_path / self.name
            self.folder.mkdir()
            notebook.destinations.add(
                self.name, [public_key()], TransportSettings(folder=self.folder)
            )
            bundle_id = secrets.token_hex(8)
            path = notebook.outbox.new_path(bundle_id)
            self.data = secrets.token_bytes(SIZE)
            path.write_bytes(self.data)
            notebook.outbox.register(path, bundle_id, [self.name], 1, SIZE)
            self.item = notebook.outbox.list()[-1].id
            self.bundle_id = bundle_id
            self.last_confirmed = 0
            self.sent = False

        def status(self) -> DeliveryStatus:
            [delivery] = notebook.outbox.get(self.item).deliveries
            return delivery.status

        def attempt(
            self, faults: Faults, *, explicit: bool = False, kill_at: int | None = None
        ) -> LocalCopyTransport:
            before = self.status()
            transport = LocalCopyTransport(self.folder, faults)
            if kill_at is not None:
                inner = transport.send

                def dying(
                    *args: object, save_state: Callable[[UploadState], None], **kw: object
                ) -> object:
                    def save(state: UploadState) -> None:
                        save_state(state)
                        if state.offset >= kill_at:
                            raise Killed

                    return inner(*args, save_state=save, **kw)  # type: ignore[arg-type]

                transport.send = dying  # type: ignore[method-assign]
            service = SendService(
                notebook.outbox, notebook.destinations, notebook.custody, lambda s: transport
            )
            with contextlib.suppress(Killed, CancelledError):
                service.send(self.name, self.item if explicit else None)
            if transport.calls:
                resumed = transport.calls[0]
                if before.resume_location is None:
                    assert resumed is None
                else:  # resumed exactly where the store said the destination stood
                    assert resumed == UploadState(before.resume_location, before.confirmed)
            return transport

        @rule(at=st.integers(0, SIZE + PIECE), retryable=st.booleans())
        def cut(self, at: int, retryable: bool) -> None:
            if not self.attempt(Faults(fail_at=at, retryable=retryable)).calls:
                return  # not taken (sent, or refused before and not named)
            status = self.status()
            assert status.state == DeliveryState.SENT or (
                status.state == DeliveryState.FAILED
                and status.retryable is retryable
                and status.reason == "the test cut the copy"
            )

        @rule(at=st.integers(0, SIZE))
        def kill(self, at: int) -> None:
            if self.attempt(Faults(), kill_at=at).calls:
                # As after SIGKILL: still `sending`, at the last offset saved.
                status = self.status()
                assert status.state == DeliveryState.SENDING
                assert status.confirmed >= min(at, SIZE) and status.resume_location

        @rule(at=st.integers(0, SIZE))
        def cancel(self, at: int) -> None:
            if self.attempt(Faults(cancel_at=at)).calls:
                status = self.status()
                assert status.state == DeliveryState.SENT or (
                    status.state == DeliveryState.FAILED and status.retryable is True
                )

        @rule(explicit=st.booleans())
        def send(self, explicit: bool) -> None:
            before = self.status()
            self.attempt(Faults(), explicit=explicit)
            may_start = before.can_start(explicit=explicit)
            assert (self.status().state == DeliveryState.SENT) == (may_start or self.sent)

        @invariant()
        def consistent(self) -> None:
            status = self.status()
            assert 0 <= status.confirmed <= SIZE
            events = [
                e
                for e in notebook.custody.entries()
                if e.action == CustodyAction.SEND and e.details["bundle_id"] == self.bundle_id
            ]
            if status.state == DeliveryState.SENT:
                assert len(events) == 1  # exactly one custody event, never repeated
                assert Path(str(status.location)).read_bytes() == self.data
                assert events[0].details["sha256"] == hashlib.sha256(self.data).hexdigest()
                assert notebook.outbox.get(self.item).sent_at is not None
                self.sent = True
            else:
                assert not self.sent and events == []
                assert notebook.outbox.get(self.item).sent_at is None
                finals = [p for p in self.folder.iterdir() if not p.name.startswith(".")]
                assert finals == []  # nothing under a final name before it is sent
            if status.state == DeliveryState.FAILED:
                assert status.reason and status.retryable is not None

    run_state_machine_as_test(
        Sends,
        settings=settings(
            max_examples=25,
            stateful_step_count=8,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )


def test_send_fail_kill_cancel_resume_sequences(notebook: Notebook, tmp_path: Path) -> None:
    run_machine(notebook, tmp_path)
