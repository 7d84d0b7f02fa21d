"""The sender over a real vault: states written before and after each step, resumes from
the saved offset, failures recorded (what was sent stays sent), the custody event."""

from __future__ import annotations

import hashlib
import secrets
from pathlib import Path
from typing import Any

import pytest

from app.custody import CustodyAction
from app.errors import CancelledError, IntegrityError, TransportFailedError, UsageError
from app.notebook import Notebook
from app.progress import CancelToken
from app.sending.outbox_states import DeliveryState
from app.sending.sender import SendService
from app.sending.settings import TransportSettings
from crypto.public_keys import encode_public_key
from crypto.recipient_keys import generate_key_pair
from sync.errors import FailureKind
from tests.sending_fakes import Faults, LocalCopyTransport, local_factory

SIZE = 50_000


def public_key() -> str:
    return encode_public_key(generate_key_pair().public_key)


def queue(notebook: Notebook, *names: str, size: int = SIZE) -> tuple[int, bytes]:
    """A bundle in the outbox sealed (by name) to `names`: opaque bytes will do here."""
    bundle_id = secrets.token_hex(8)
    path = notebook.outbox.new_path(bundle_id)
    data = secrets.token_bytes(size)
    path.write_bytes(data)
    notebook.outbox.register(path, bundle_id, list(names), 1, size)
    return notebook.outbox.list()[-1].id, data


def destination(notebook: Notebook, name: str, folder: Path | None) -> None:
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)
    notebook.destinations.add(
        name, [public_key()], None if folder is None else TransportSettings(folder=folder)
    )


def sender(notebook: Notebook, faults: Faults | None = None) -> SendService:
    return SendService(
        notebook.outbox, notebook.destinations, notebook.custody, local_factory(faults)
    )


def only_delivery(notebook: Notebook, item: int) -> Any:
    [delivery] = notebook.outbox.get(item).deliveries
    return delivery


def test_send_copies_the_bundle_and_records_custody(notebook: Notebook, tmp_path: Path) -> None:
    destination(notebook, "Lifeline", tmp_path / "usb")
    item, data = queue(notebook, "Lifeline")
    report = sender(notebook).send()
    digest = hashlib.sha256(data).hexdigest()
    [sent] = report.sent
    assert Path(str(sent.status.location)).read_bytes() == data
    assert sent.status.state == DeliveryState.SENT and sent.status.confirmed == SIZE
    assert notebook.outbox.get(item).sent_at is not None
    assert notebook.outbox.get(item).sha256 == digest
    [event] = [e for e in notebook.custody.entries() if e.action == CustodyAction.SEND]
    assert event.details == {
        "bundle_id": notebook.outbox.get(item).bundle_id,
        "destination": "Lifeline",
        "transport": f"test copy to {tmp_path / 'usb'}",
        "sha256": digest,
    }
    assert notebook.custody.verify() >= 1
    assert sender(notebook).plan() == []  # sent is final


def test_a_cut_copy_fails_retryably_then_resumes_from_the_saved_offset(
    notebook: Notebook, tmp_path: Path
) -> None:
    destination(notebook, "Lifeline", tmp_path / "usb")
    item, data = queue(notebook, "Lifeline")
    faults = Faults(fail_at=20_000)
    report = sender(notebook, faults).send()
    [failure] = report.failed
    assert failure.reason == "the test cut the copy"
    saved = only_delivery(notebook, item).status
    assert (saved.state, saved.retryable, saved.reason) == (
        DeliveryState.FAILED,
        True,
        "the test cut the copy",
    )
    assert saved.confirmed == 20_480 and saved.resume_location is not None
    with pytest.raises(TransportFailedError, match=r"could not send bundle .* the test cut"):
        report.raise_for_failures()

    transport = LocalCopyTransport(tmp_path / "usb")
    service = SendService(
        notebook.outbox, notebook.destinations, notebook.custody, lambda s: transport
    )
    [sent] = service.send().sent
    assert transport.calls[0] is not None and transport.calls[0].offset == 20_480
    assert Path(str(sent.status.location)).read_bytes() == data
    assert [p.name for p in (tmp_path / "usb").iterdir()] == [Path(str(sent.status.location)).name]


def test_a_refusal_is_not_retried_unless_the_bundle_is_named(
    notebook: Notebook, tmp_path: Path
) -> None:
    destination(notebook, "Lifeline", tmp_path / "usb")
    item, _ = queue(notebook, "Lifeline")
    faults = Faults(fail_at=0, kind=FailureKind.REFUSED, retryable=False)
    sender(notebook, faults).send()
    assert only_delivery(notebook, item).status.retryable is False
    assert sender(notebook).plan() == []
    assert [d.id for d in sender(notebook).plan(bundle=item)] == [only_delivery(notebook, item).id]
    assert len(sender(notebook).send(bundle=item).sent) == 1


def test_partial_failure_keeps_what_was_sent(notebook: Notebook, tmp_path: Path) -> None:
    destination(notebook, "Alpha", tmp_path / "alpha")
    destination(notebook, "Beta", tmp_path / "beta-gone")
    item, _data = queue(notebook, "Alpha", "Beta")
    (tmp_path / "beta-gone").rmdir()  # the drive was pulled out
    report = sender(notebook).send()
    assert [d.destination for d in report.sent] == ["Alpha"]
    assert [f.delivery.destination for f in report.failed] == ["Beta"]
    states = {d.destination: d.status.state for d in notebook.outbox.get(item).deliveries}
    assert states == {"Alpha": DeliveryState.SENT, "Beta": DeliveryState.FAILED}
    assert notebook.outbox.get(item).sent_at is None  # not everywhere yet
    (tmp_path / "beta-gone").mkdir()
    assert [d.destination for d in sender(notebook).send().sent] == ["Beta"]
    assert notebook.outbox.get(item).sent_at is not None


def test_only_the_named_destination_and_bundle(notebook: Notebook, tmp_path: Path) -> None:
    destination(notebook, "Alpha", tmp_path / "alpha")
    destination(notebook, "Beta", tmp_path / "beta")
    first, _ = queue(notebook, "Alpha", "Beta")
    second, _ = queue(notebook, "Alpha")
    assert {(d.outbox_id, d.destination) for d in sender(notebook).plan("Beta")} == {
        (first, "Beta")
    }
    assert {d.outbox_id for d in sender(notebook).plan("alpha", second)} == {second}
    with pytest.raises(UsageError, match="not sealed to 'Beta'"):
        sender(notebook).plan("Beta", second)


def test_a_destination_without_transport(notebook: Notebook, tmp_path: Path) -> None:
    destination(notebook, "Nowhere", None)
    queue(notebook, "Nowhere")
    with pytest.raises(UsageError, match="has no transport"):
        sender(notebook).plan("Nowhere")
    report = sender(notebook).send()
    assert report.sent == [] and report.failed == [] and len(report.skipped) == 1


def test_a_changed_bundle_file_is_refused_before_sending(
    notebook: Notebook, tmp_path: Path
) -> None:
    destination(notebook, "Lifeline", tmp_path / "usb")
    item, _ = queue(notebook, "Lifeline")
    sender(notebook, Faults(fail_at=10_000)).send()
    path = notebook.outbox.get(item).path
    damaged = bytearray(path.read_bytes())
    damaged[-1] ^= 1
    path.write_bytes(bytes(damaged))
    with pytest.raises(IntegrityError, match="has changed since it was sealed"):
        sender(notebook).send()
    assert only_delivery(notebook, item).status.state == DeliveryState.FAILED  # untouched


def test_cancel_keeps_the_offset_for_the_next_send(notebook: Notebook, tmp_path: Path) -> None:
    destination(notebook, "Lifeline", tmp_path / "usb")
    item, data = queue(notebook, "Lifeline")
    token = CancelToken()
    ticks = 0

    def progress(done: int, total: int, stage: str) -> None:
        nonlocal ticks
        if stage == "sending":
            ticks += 1
            if ticks == 3:
                token.cancel()

    with pytest.raises(CancelledError):
        sender(notebook).send(progress=progress, cancel=token)
    status = only_delivery(notebook, item).status
    assert status.retryable is True and status.confirmed == 3 * 4096
    [sent] = sender(notebook).send().sent
    assert Path(str(sent.status.location)).read_bytes() == data


def test_a_new_transport_starts_unsent_deliveries_over(notebook: Notebook, tmp_path: Path) -> None:
    destination(notebook, "Lifeline", tmp_path / "usb")
    item, _ = queue(notebook, "Lifeline")
    sender(notebook, Faults(fail_at=10_000)).send()
    assert only_delivery(notebook, item).status.resume_location is not None
    (tmp_path / "other").mkdir()
    notebook.destinations.edit("Lifeline", transport=TransportSettings(folder=tmp_path / "other"))
    status = only_delivery(notebook, item).status
    assert (status.state, status.confirmed, status.resume_location) == (
        DeliveryState.PENDING,
        0,
        None,
    )


def test_removing_a_bundle_deletes_its_file_and_rows(notebook: Notebook, tmp_path: Path) -> None:
    destination(notebook, "Lifeline", tmp_path / "usb")
    item, _ = queue(notebook, "Lifeline")
    path = notebook.outbox.get(item).path
    notebook.outbox.remove(item)
    assert not path.exists() and notebook.outbox.list() == []
    assert notebook.outbox.deliveries.all() == []


def test_one_send_at_a_time(notebook: Notebook, tmp_path: Path) -> None:
    """A second send while one runs is refused (it would upload the same bundle twice),
    and nothing changes; once the first is over, sending works."""
    import fcntl
    import os

    from app.sending.sender import SEND_LOCK

    destination(notebook, "Lifeline", tmp_path / "usb")
    item, _ = queue(notebook, "Lifeline")
    lock = os.open(notebook.outbox.folder / SEND_LOCK, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another process's send holds it
        with pytest.raises(UsageError, match="another send"):
            sender(notebook).send()
        assert only_delivery(notebook, item).status.state == DeliveryState.PENDING
    finally:
        os.close(lock)
    [sent] = sender(notebook).send().sent
    assert sent.status.state == DeliveryState.SENT
