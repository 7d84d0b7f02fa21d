"""The intake's room and durability: a creation must fit beside what unfinished uploads
may still bring (counted from partial/, past a damaged record, never raced by a second
creation), an upload never sent a byte gives its room back within the hour, a finished
upload reaches the disk before it is named, and an upload nothing checks as a whole is
fsynced before each offset is acknowledged."""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from hashlib import sha256
from pathlib import Path

import pytest
import requests

from sync.digest_fields import format_repr_digest
from sync.intake.app import _expire_once
from sync.intake.handlers import TusHandlers
from sync.intake.limits import IntakeLimits
from sync.intake.store import EMPTY_MAX_AGE, UploadStore
from sync.tus_client import MIB
from tests.intake_helpers import AUTH, Intake, intake_config, running_intake

RESERVE = 64 * MIB  # IntakeLimits' default margin


@pytest.fixture
def intake(tmp_path: Path) -> Iterator[Intake]:
    with running_intake(intake_config(tmp_path / "store", max_size=50 * MIB)) as server:
        yield server


def create(intake: Intake, length: int) -> requests.Response:
    return requests.post(intake.url, headers={**AUTH, "Upload-Length": str(length)}, timeout=10)


@pytest.fixture
def room_of_30_mib(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(UploadStore, "free_bytes", lambda self: RESERVE + 30 * MIB)


@pytest.mark.usefixtures("room_of_30_mib")
def test_room_promised_to_unfinished_uploads_is_not_offered_twice(intake: Intake) -> None:
    first = create(intake, 20 * MIB)
    assert first.status_code == 201
    assert create(intake, 20 * MIB).status_code == 507  # 20 + 20 > 30
    assert create(intake, 10 * MIB).status_code == 201  # 20 + 10 fits
    url = intake.base + first.headers["Location"]
    assert requests.delete(url, headers=AUTH, timeout=10).status_code == 204
    assert create(intake, 20 * MIB).status_code == 201  # its room is free again


@pytest.mark.usefixtures("room_of_30_mib")
def test_bytes_that_arrived_are_no_longer_promised(intake: Intake) -> None:
    # The disk's free space already counts what arrived: only the rest is promised.
    url = intake.base + create(intake, 20 * MIB).headers["Location"]
    assert intake.patch(url, 0, os.urandom(15 * MIB)).status_code == 204
    assert create(intake, 24 * MIB).status_code == 201  # 5 still promised + 24 fits


@pytest.mark.usefixtures("room_of_30_mib")
@pytest.mark.parametrize("damage", ["garbled", "a folder"])
def test_a_damaged_record_does_not_refuse_every_sender(intake: Intake, damage: str) -> None:
    damaged = "0" * 32
    (intake.store / "partial" / damaged).write_bytes(b"")
    record = intake.store / "uploads" / f"{damaged}.json"
    if damage == "garbled":
        record.write_text("{not json")
    else:
        record.mkdir()  # unreadable as a file: an OSError, not a parse error
    assert create(intake, 10 * MIB).status_code == 201


def test_two_creations_at_once_do_not_both_take_the_same_room(
    intake: Intake, monkeypatch: pytest.MonkeyPatch
) -> None:
    both_looking = threading.Barrier(2, timeout=2)

    def slow_free_bytes(self: UploadStore) -> int:
        # Without the creation lock both requests look at the room before either
        # takes it; with it the second waits here alone and the barrier times out.
        with contextlib.suppress(threading.BrokenBarrierError):
            both_looking.wait()
        return RESERVE + 30 * MIB

    monkeypatch.setattr(UploadStore, "free_bytes", slow_free_bytes)
    with ThreadPoolExecutor(2) as pool:
        answers = sorted(pool.map(lambda _: create(intake, 20 * MIB).status_code, range(2)))
    assert answers == [201, 507]


def test_a_creation_behind_a_hung_disk_is_503_not_a_wait_for_ever(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def hung_free_bytes(self: UploadStore) -> int:
        time.sleep(1.5)
        return RESERVE + 30 * MIB

    monkeypatch.setattr(UploadStore, "free_bytes", hung_free_bytes)
    config = intake_config(tmp_path / "store", max_size=50 * MIB, lock_wait=0.3)
    with running_intake(config) as server, ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(lambda _: create(server, MIB), range(2)))
    codes = sorted(answer.status_code for answer in answers)
    assert codes == [201, 503]
    assert [a.headers.get("Retry-After") for a in answers if a.status_code == 503] == ["10"]


def test_a_head_waits_for_the_patch_streaming_into_its_upload(tmp_path: Path) -> None:
    # Asked mid-PATCH, a HEAD would report an offset about to change (or, during the
    # finish, 404 between the rename and the record): it waits, and is 423 past
    # lock_wait, which clients retry.
    config = intake_config(tmp_path / "store", max_size=50 * MIB, lock_wait=0.3)
    with running_intake(config) as server:
        url = server.create(4 * MIB)
        path = url[len(server.base) :]
        head = (
            f"PATCH {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Authorization: {AUTH['Authorization']}\r\nTus-Resumable: 1.0.0\r\n"
            f"Upload-Offset: 0\r\nContent-Type: application/offset+octet-stream\r\n"
            f"Content-Length: {4 * MIB}\r\n\r\n"
        ).encode("ascii")
        with socket.create_connection(("127.0.0.1", server.port), timeout=30) as patching:
            patching.sendall(head + os.urandom(MIB))
            partial = server.store / "partial" / url.rsplit("/", 1)[1]
            deadline = time.monotonic() + 10
            while partial.stat().st_size == 0 and time.monotonic() < deadline:
                time.sleep(0.01)  # bytes on disk: the PATCH holds the upload now
            assert requests.head(url, headers=AUTH, timeout=10).status_code == 423
            patching.sendall(os.urandom(3 * MIB))
            assert patching.recv(100).startswith(b"HTTP/1.1 204")
        assert server.offset(url) == 4 * MIB


def test_an_upload_never_sent_a_byte_gives_its_room_back_within_the_hour(
    tmp_path: Path,
) -> None:
    store = UploadStore(tmp_path / "store", create=True)
    empty, started = store.create(100), store.create(100)
    with (store.partial / started).open("ab") as handle:
        handle.write(b"x")
    an_hour_on = time.time() + EMPTY_MAX_AGE + 1
    assert store.expire(72 * 3600, now=an_hour_on) == [empty]
    assert store.status(started) is not None and store.status(empty) is None


class _DiskCalls:
    """os.fsync and os.replace as the intake makes them, by file name, in order."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, store: Path) -> None:
        self.calls: list[tuple[str, str]] = []
        real_fsync, real_replace = os.fsync, os.replace

        def fsync(fd: int) -> None:
            self.calls.append(("fsync", os.readlink(f"/proc/self/fd/{fd}")))
            real_fsync(fd)

        def replace(source: object, target: object) -> None:
            self.calls.append(("replace", str(source)))
            real_replace(source, target)  # type: ignore[arg-type]

        monkeypatch.setattr(os, "fsync", fsync)
        monkeypatch.setattr(os, "replace", replace)
        self.store = store

    def of(self, path: Path) -> list[str]:
        return [what for what, name in self.calls if name == str(path)]


def test_a_finished_upload_reaches_the_disk_before_it_is_named(
    intake: Intake, monkeypatch: pytest.MonkeyPatch
) -> None:
    disk = _DiskCalls(monkeypatch, intake.store)
    url = intake.create(6)
    partial = intake.store / "partial" / url.rsplit("/", 1)[1]
    assert intake.patch(url, 0, b"abc").status_code == 204
    assert disk.of(partial) == ["fsync"]  # nothing checks this one as a whole
    assert intake.patch(url, 3, b"def").status_code == 204
    assert disk.of(partial) == ["fsync", "fsync", "fsync", "replace"]


def test_an_upload_held_to_its_digest_waits_for_the_disk_only_at_its_finish(
    intake: Intake, monkeypatch: pytest.MonkeyPatch
) -> None:
    disk = _DiskCalls(monkeypatch, intake.store)
    url = intake.create(6, **{"Repr-Digest": format_repr_digest(sha256(b"abcdef").digest())})
    partial = intake.store / "partial" / url.rsplit("/", 1)[1]
    assert intake.patch(url, 0, b"abc").status_code == 204
    assert disk.of(partial) == []  # checked as a whole at its finish instead
    assert intake.patch(url, 3, b"def").status_code == 204
    assert disk.of(partial) == ["fsync", "replace"]


def test_expiry_leaves_an_upload_a_request_holds(tmp_path: Path) -> None:
    # The upload is stale by its file's age, but a PATCH holds it: expiry passes it by,
    # and takes it once the request is over and it is still stale.
    store = UploadStore(tmp_path / "store", create=True)
    handlers = TusHandlers(store, IntakeLimits())
    upload_id = store.create(100)
    old = time.time() - 2 * EMPTY_MAX_AGE
    os.utime(store.partial / upload_id, (old, old))

    async def scenario() -> tuple[list[str], list[str]]:
        holding, release = asyncio.Event(), asyncio.Event()

        async def patch_in_progress() -> None:
            async with handlers.locks.hold(upload_id, 1):
                holding.set()
                await release.wait()

        request = asyncio.create_task(patch_in_progress())
        await holding.wait()
        during = await _expire_once(store, handlers, 72 * 3600)
        release.set()
        await request
        after = await _expire_once(store, handlers, 72 * 3600)
        return during, after

    during, after = asyncio.run(scenario())
    assert during == [] and after == [upload_id]
    assert store.status(upload_id) is None
