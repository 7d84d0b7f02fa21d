"""The intake and a whole upload's `Repr-Digest`: held to the digest its creation
states, said so at creation and in HEAD, the stored digest confirmed when the last PATCH
lands, and an upload that does not match discarded whole, never finished; and Carnet's
client against it: no per-PATCH checksums, a finish it never saw confirmed, a bounded
number of fresh starts."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from sync.digest_fields import format_repr_digest, parse_repr_digest
from sync.errors import FailureKind, TransportError
from sync.http_settings import check_http_settings
from sync.intake.store import UploadStore
from sync.transport import UploadState
from sync.tus_client import MIB, TusTransport
from sync.tus_upload import MAX_RESTARTS
from tests.intake_helpers import AUTH, TOKEN, Intake, intake_config, running_intake


@pytest.fixture
def intake(tmp_path: Path) -> Iterator[Intake]:
    with running_intake(intake_config(tmp_path / "store", max_size=50 * MIB)) as server:
        yield server


def digest_of(data: bytes) -> str:
    return format_repr_digest(hashlib.sha256(data).digest())


def create(intake: Intake, length: int, digest: str | None) -> requests.Response:
    headers = {**AUTH, "Upload-Length": str(length)}
    if digest is not None:
        headers["Repr-Digest"] = digest
    return requests.post(intake.url, headers=headers, timeout=10)


def client(intake: Intake, tmp_path: Path) -> TusTransport:
    """Carnet's own tus client, with the intake's token, in 1 MiB PATCHes, retrying
    after 10 ms."""
    token = tmp_path / "token"
    token.write_text(TOKEN)
    token.chmod(0o600)
    settings = check_http_settings(intake.url, token_file=token)
    return TusTransport(settings, patch_size=MIB, backoff=0.01)


def test_an_upload_held_to_its_digest_is_confirmed(intake: Intake) -> None:
    data = os.urandom(3000)
    created = create(intake, len(data), digest_of(data))
    assert created.status_code == 201
    assert parse_repr_digest(created.headers["Repr-Digest"]) == hashlib.sha256(data).digest()
    url = intake.base + created.headers["Location"]
    assert intake.patch(url, 0, data[:1000]).headers.get("Repr-Digest") is None  # not yet
    head = requests.head(url, headers=AUTH, timeout=10)
    assert head.headers["Repr-Digest"] == digest_of(data)  # what it is held to
    last = intake.patch(url, 1000, data[1000:])
    assert last.status_code == 204 and last.headers["Repr-Digest"] == digest_of(data)
    assert intake.finished() == {hashlib.sha256(data).hexdigest(): data}
    assert requests.head(url, headers=AUTH, timeout=10).headers["Repr-Digest"] == digest_of(data)
    again = intake.patch(url, len(data), b"")  # the last answer lost: asked again
    assert again.status_code == 204 and again.headers["Repr-Digest"] == digest_of(data)


def test_an_upload_that_is_not_its_digest_is_discarded(intake: Intake) -> None:
    data = os.urandom(3000)
    created = create(intake, len(data), digest_of(b"the bundle the sender meant"))
    url = intake.base + created.headers["Location"]
    assert intake.patch(url, 0, data[:1000]).status_code == 204
    last = intake.patch(url, 1000, data[1000:])
    assert last.status_code == 460
    assert requests.head(url, headers=AUTH, timeout=10).status_code == 404
    assert intake.finished() == {}
    assert list((intake.store / "partial").iterdir()) == []


def test_an_empty_upload_is_held_to_its_digest_too(intake: Intake) -> None:
    refused = create(intake, 0, digest_of(b"not empty"))
    assert refused.status_code == 460 and intake.finished() == {}
    created = create(intake, 0, digest_of(b""))
    assert created.status_code == 201 and created.headers["Repr-Digest"] == digest_of(b"")
    assert intake.finished() == {hashlib.sha256(b"").hexdigest(): b""}


@pytest.mark.parametrize(
    "value",
    [
        "sha-256=abc",
        "sha-256=:AAAA:",  # 3 bytes, not 32
        "sha-256=:" + "A" * 43 + "=:, sha-256=:" + "A" * 43 + "=:",  # twice
        "sha-256",
        "SHA-256=:" + "A" * 43 + "=:",  # keys are lower case
        "x" * 2000,
    ],
)
def test_a_malformed_digest_is_400_and_creates_nothing(intake: Intake, value: str) -> None:
    assert create(intake, 10, value).status_code == 400
    assert list((intake.store / "partial").iterdir()) == []


def test_only_other_algorithms_is_no_digest(intake: Intake) -> None:
    created = create(intake, 3, "sha-512=:" + "A" * 86 + "==:")
    assert created.status_code == 201 and "Repr-Digest" not in created.headers
    url = intake.base + created.headers["Location"]
    last = intake.patch(url, 0, b"abc")
    assert last.headers["Repr-Digest"] == digest_of(b"abc")  # still says what it stored


def test_carnets_client_sends_no_checksums_to_an_intake_holding_the_digest(
    intake: Intake, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sync.intake.handlers as handlers

    seen: list[str | None] = []
    real = handlers.parse_checksum

    def recording(value: str | None) -> object:
        seen.append(value)
        return real(value)

    monkeypatch.setattr(handlers, "parse_checksum", recording)
    data = os.urandom(3 * MIB + 7)
    bundle = tmp_path / "bundle"
    bundle.write_bytes(data)
    sha = hashlib.sha256(data).hexdigest()
    states: list[UploadState] = []
    t = client(intake, tmp_path)
    stop_after_two = iter([False] * 40 + [True])
    with pytest.raises(TransportError, match="cancelled"):
        t.send(
            bundle,
            len(data),
            sha,
            resume=None,
            save_state=states.append,
            progress=lambda done, total: None,
            cancelled=lambda: next(stop_after_two, True),
        )
    assert states and 0 < states[-1].offset < len(data)
    # Resumed from the saved state: the HEAD says the upload is held, so still none.
    t.send(
        bundle,
        len(data),
        sha,
        resume=states[-1],
        save_state=states.append,
        progress=lambda done, total: None,
        cancelled=lambda: False,
    )
    assert seen and set(seen) == {None}
    assert intake.finished() == {sha: data}


def test_a_resume_never_appends_to_an_upload_held_to_another_digest(
    intake: Intake, tmp_path: Path
) -> None:
    # Another bundle of the same length, half sent; a saved state that points at it
    # (a mix-up, or a hostile server's answer) must not make this bundle continue it.
    other = os.urandom(2 * MIB)
    created = create(intake, len(other), digest_of(other))
    theirs = intake.base + created.headers["Location"]
    assert intake.patch(theirs, 0, other[:MIB]).status_code == 204
    data = os.urandom(2 * MIB)
    bundle = tmp_path / "bundle"
    bundle.write_bytes(data)
    t = client(intake, tmp_path)
    delivery = t.send(
        bundle,
        len(data),
        hashlib.sha256(data).hexdigest(),
        resume=UploadState(theirs, MIB),
        save_state=lambda state: None,
        progress=lambda done, total: None,
        cancelled=lambda: False,
    )
    assert delivery.location != theirs
    assert intake.offset(theirs) == MIB  # untouched
    assert intake.finished() == {hashlib.sha256(data).hexdigest(): data}


def send_file(t: TusTransport, data: bytes, tmp_path: Path) -> str:
    bundle = tmp_path / "bundle"
    bundle.write_bytes(data)
    delivery = t.send(
        bundle,
        len(data),
        hashlib.sha256(data).hexdigest(),
        resume=None,
        save_state=lambda state: None,
        progress=lambda done, total: None,
        cancelled=lambda: False,
    )
    return delivery.location


def test_a_finish_the_client_never_saw_is_confirmed_before_it_says_sent(
    intake: Intake, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every byte arrived but the finish failed (a disk error, a crash): a HEAD then says
    # the offset is the length. The client must not call that sent until the intake
    # has finished the upload and stated its digest; an empty PATCH does both.
    real = UploadStore.finish
    failures = iter([OSError(5, "Input/output error")])

    def finish_once_failing(self: UploadStore, upload_id: str, sha256: str) -> Path:
        failure = next(failures, None)
        if failure is not None:
            raise failure
        return real(self, upload_id, sha256)

    monkeypatch.setattr(UploadStore, "finish", finish_once_failing)
    data = os.urandom(2 * MIB + 3)
    t = client(intake, tmp_path)
    send_file(t, data, tmp_path)
    assert intake.finished() == {hashlib.sha256(data).hexdigest(): data}


def test_an_intake_that_keeps_storing_other_bytes_is_given_up_on(
    intake: Intake, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sync.intake.handlers as handlers

    real = handlers._write
    posts: list[int] = []

    def damaging(handle: object, data: bytes, running: object, piece: object) -> None:
        real(handle, b"X" + data[1:], running, piece)  # type: ignore[arg-type]

    real_create = UploadStore.create

    def counting(self: UploadStore, length: int, expected: str | None = None) -> str:
        posts.append(length)
        return real_create(self, length, expected)

    monkeypatch.setattr(handlers, "_write", damaging)
    monkeypatch.setattr(UploadStore, "create", counting)
    t = client(intake, tmp_path)
    t._max_retries = 0  # fresh starts are bounded on their own, not by the retries
    with pytest.raises(TransportError) as caught:
        send_file(t, os.urandom(3 * MIB), tmp_path)
    assert caught.value.kind is FailureKind.STORAGE and not caught.value.retryable
    assert len(posts) == MAX_RESTARTS + 1
    assert intake.finished() == {}


def test_a_finish_whose_answer_was_lost_is_confirmed_by_an_empty_patch(
    intake: Intake, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = UploadStore.finish
    lost = iter([OSError(5, "Input/output error")])

    def finish_then_fail(self: UploadStore, upload_id: str, sha256: str) -> Path:
        finished = real(self, upload_id, sha256)
        failure = next(lost, None)
        if failure is not None:
            raise failure  # finished on disk, but the PATCH is answered 500
        return finished

    monkeypatch.setattr(UploadStore, "finish", finish_then_fail)
    data = os.urandom(2 * MIB + 3)
    t = client(intake, tmp_path)
    send_file(t, data, tmp_path)
    assert intake.finished() == {hashlib.sha256(data).hexdigest(): data}
