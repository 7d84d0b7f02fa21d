"""Many uploads at once, the cap on them, and the expiry of stale partials."""

from __future__ import annotations

import hashlib
import os
import socket
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

from sync.intake.store import UploadStore
from tests.intake_helpers import AUTH, OCTETS, TOKEN, Intake, intake_config, running_intake


def upload(intake: Intake, data: bytes, piece: int) -> str:
    url = intake.create(len(data))
    with requests.Session() as session:
        for start in range(0, len(data), piece):
            reply = session.patch(
                url,
                data=data[start : start + piece],
                headers={**AUTH, "Upload-Offset": str(start), "Content-Type": OCTETS},
                timeout=30,
            )
            assert reply.status_code == 204, reply.status_code
    return hashlib.sha256(data).hexdigest()


def test_twenty_concurrent_uploads_all_stored_none_corrupt(tmp_path: Path) -> None:
    bodies = [os.urandom(512 * 1024 + 7919 * n) for n in range(20)]
    with running_intake(intake_config(tmp_path / "store")) as intake:
        with ThreadPoolExecutor(max_workers=20) as pool:
            digests = list(pool.map(lambda body: upload(intake, body, 200_000), bodies))
        finished = intake.finished()
    assert sorted(finished) == sorted(digests)
    for body in bodies:
        assert finished[hashlib.sha256(body).hexdigest()] == body
    assert list((tmp_path / "store" / "partial").iterdir()) == []


def test_over_the_concurrency_cap_is_503_before_any_byte(tmp_path: Path) -> None:
    with running_intake(intake_config(tmp_path / "store", max_concurrent=1)) as intake:
        first, second = intake.create(1000), intake.create(1000)
        path = first.removeprefix(intake.base)
        with socket.create_connection(("127.0.0.1", intake.port)) as hold:
            hold.sendall(
                (
                    f"PATCH {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {TOKEN}\r\n"
                    f"Tus-Resumable: 1.0.0\r\nUpload-Offset: 0\r\n"
                    f"Content-Type: {OCTETS}\r\nContent-Length: 1000\r\n\r\n"
                ).encode()
                + b"h" * 10
            )
            time.sleep(0.3)
            refused = intake.patch(second, 0, b"x" * 1000)
            assert refused.status_code == 503
            assert refused.headers["Retry-After"]
            assert intake.offset(second) == 0
        time.sleep(0.3)
        assert intake.patch(second, 0, b"x" * 1000).status_code == 204


def test_too_many_partials_is_503(tmp_path: Path) -> None:
    with running_intake(intake_config(tmp_path / "store", max_partials=3)) as intake:
        for _ in range(3):
            intake.create(10)
        reply = requests.post(intake.url, headers={**AUTH, "Upload-Length": "10"}, timeout=10)
        assert reply.status_code == 503


def test_stale_partials_expire_finished_files_stay(tmp_path: Path) -> None:
    store_path = tmp_path / "store"
    with running_intake(intake_config(store_path)) as intake:
        stale, fresh, done = intake.create(10), intake.create(10), intake.create(3)
        assert intake.patch(stale, 0, b"12345").ok
        assert intake.patch(done, 0, b"abc").ok
    store = UploadStore(store_path, create=False)
    stale_id = stale.rsplit("/", 1)[1]
    old = time.time() - 7200
    os.utime(store.partial / stale_id, (old, old))
    assert store.expire(3600) == [stale_id]
    assert store.status(stale_id) is None
    assert store.status(fresh.rsplit("/", 1)[1]) is not None
    assert [item.sha256 for item in store.list_finished()] == [hashlib.sha256(b"abc").hexdigest()]


def test_the_server_expires_on_its_own(tmp_path: Path) -> None:
    store_path = tmp_path / "store"
    config = intake_config(store_path)
    with running_intake(config) as intake:
        url = intake.create(10)
    upload_id = url.rsplit("/", 1)[1]
    old = time.time() - 7200
    os.utime(store_path / "partial" / upload_id, (old, old))
    from dataclasses import replace

    with running_intake(replace(config, expire_after=3600.0)) as intake:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and (store_path / "partial" / upload_id).exists():
            time.sleep(0.1)
        assert (
            requests.head(
                url.replace(url.split("/files/")[0], intake.base), headers=AUTH, timeout=10
            ).status_code
            == 404
        )


def test_one_writer_per_upload(tmp_path: Path) -> None:
    """A second PATCH at the same offset, while the first is still arriving, waits for
    it and is refused (423); it never appends alongside."""
    with running_intake(intake_config(tmp_path / "store", lock_wait=0.5)) as intake:
        url = intake.create(1000)
        with socket.create_connection(("127.0.0.1", intake.port)) as first:
            first.sendall(
                (
                    f"PATCH {url.removeprefix(intake.base)} HTTP/1.1\r\nHost: x\r\n"
                    f"Authorization: Bearer {TOKEN}\r\nTus-Resumable: 1.0.0\r\n"
                    f"Upload-Offset: 0\r\nContent-Type: {OCTETS}\r\nContent-Length: 1000\r\n\r\n"
                ).encode()
                + b"1" * 500
            )
            time.sleep(0.3)
            assert intake.patch(url, 0, b"2" * 1000).status_code == 423
            first.sendall(b"1" * 500)
            assert first.recv(100).startswith(b"HTTP/1.1 204")
        assert intake.finished() == {hashlib.sha256(b"1" * 1000).hexdigest(): b"1" * 1000}
