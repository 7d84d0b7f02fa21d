"""Hostile and broken clients against a real intake: garbage on the wire, slow-loris
stalls, floods. The server stays up, keeps what a cut upload delivered, and presents
nothing half-stored as finished."""

from __future__ import annotations

import hashlib
import http.client
import os
import socket
import time
from collections.abc import Iterator

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sync.intake.store import UploadStore
from tests.intake_helpers import AUTH, OCTETS, TOKEN, Intake, intake_config, running_intake

TIMEOUT = 1.0


@pytest.fixture(scope="module")
def intake(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Intake]:
    store = tmp_path_factory.mktemp("hostile") / "store"
    config = intake_config(store, max_size=1_000_000, header_timeout=TIMEOUT, body_timeout=TIMEOUT)
    with running_intake(config) as server:
        yield server


def still_up(intake: Intake) -> None:
    assert requests.options(intake.url, headers=AUTH, timeout=10).status_code == 204


def nothing_half_finished(intake: Intake) -> None:
    for item in UploadStore(intake.store, create=False).list_finished():
        data = (intake.store / "finished" / item.sha256).read_bytes()
        assert hashlib.sha256(data).hexdigest() == item.sha256


def closed_within(sock: socket.socket, seconds: float) -> float:
    """Seconds until the server closed the connection (recv returns b"" or resets)."""
    started = time.monotonic()
    sock.settimeout(seconds)
    try:
        while sock.recv(4096):
            pass
    except ConnectionResetError:
        pass
    return time.monotonic() - started


def raw(intake: Intake) -> socket.socket:
    return socket.create_connection(("127.0.0.1", intake.port), timeout=10)


def patch_head(intake: Intake, url: str, offset: int, length: int) -> bytes:
    path = url.removeprefix(intake.base)
    return (
        f"PATCH {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {TOKEN}\r\n"
        f"Tus-Resumable: 1.0.0\r\nUpload-Offset: {offset}\r\nContent-Type: {OCTETS}\r\n"
        f"Content-Length: {length}\r\n\r\n"
    ).encode()


def test_stalled_headers_are_closed_by_the_timeout(intake: Intake) -> None:
    with raw(intake) as sock:
        sock.sendall(b"PATCH /files/" + b"0" * 32 + b" HTTP/1.1\r\nHost: x\r\n")
        elapsed = closed_within(sock, 10 * TIMEOUT)
    assert TIMEOUT * 0.5 <= elapsed < 5 * TIMEOUT
    still_up(intake)


def test_headers_trickled_a_byte_at_a_time_are_closed(intake: Intake) -> None:
    request = b"OPTIONS /files/ HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 100
    with raw(intake) as sock:
        started = time.monotonic()
        closed = False
        for byte in request:
            try:
                sock.sendall(bytes([byte]))
            except (BrokenPipeError, ConnectionResetError):
                closed = True
                break
            time.sleep(0.1)
            if time.monotonic() - started > 6 * TIMEOUT:
                break
        if not closed:
            closed = closed_within(sock, 0.5) < 0.5
    assert closed
    assert time.monotonic() - started < 6 * TIMEOUT
    still_up(intake)


def test_a_body_that_stalls_is_closed_and_its_bytes_kept(intake: Intake) -> None:
    url = intake.create(1000)
    with raw(intake) as sock:
        sock.sendall(patch_head(intake, url, 0, 1000) + b"s" * 300)
        elapsed = closed_within(sock, 10 * TIMEOUT)
    assert elapsed < 5 * TIMEOUT
    assert intake.offset(url) == 300  # resumable from where it stopped
    assert hashlib.sha256(b"s" * 300).hexdigest() not in intake.finished()
    assert intake.patch(url, 300, b"t" * 700).status_code == 204
    assert intake.finished()[hashlib.sha256(b"s" * 300 + b"t" * 700).hexdigest()]
    still_up(intake)


def test_a_trickled_body_is_closed(intake: Intake) -> None:
    url = intake.create(100_000)
    with raw(intake) as sock:
        sock.sendall(patch_head(intake, url, 0, 100_000))
        started = time.monotonic()
        closed = False
        while time.monotonic() - started < 8 * TIMEOUT:
            try:
                sock.sendall(b"z" * 10)  # 10 bytes every 0.2 s: far below 1 KiB per window
            except (BrokenPipeError, ConnectionResetError):
                closed = True
                break
            time.sleep(0.2)
        if not closed:
            closed = closed_within(sock, 0.5) < 0.5
    assert closed
    assert intake.offset(url) < 1024
    still_up(intake)


def test_a_cut_checksummed_patch_is_rolled_back(intake: Intake) -> None:
    url = intake.create(1000)
    with raw(intake) as sock:
        head = patch_head(intake, url, 0, 1000).replace(
            b"\r\n\r\n", b"\r\nUpload-Checksum: sha256 " + b"A" * 43 + b"=\r\n\r\n"
        )
        sock.sendall(head + b"c" * 500)
        time.sleep(0.2)
    # An empty PATCH waits for the cut one to let go of the upload, then checks the offset.
    assert intake.patch(url, 0, b"").status_code == 204
    assert intake.offset(url) == 0
    assert (intake.store / "partial" / url.rsplit("/", 1)[1]).read_bytes() == b""


def test_body_longer_than_content_length_is_not_appended(intake: Intake) -> None:
    url = intake.create(100)
    with raw(intake) as sock:
        sock.sendall(patch_head(intake, url, 0, 10) + b"0123456789")
        time.sleep(0.3)  # sent together, aiohttp refuses the whole batch with one 400
        sock.sendall(os.urandom(90))
        closed_within(sock, 3)
    assert intake.offset(url) == 10
    still_up(intake)


GARBAGE = [
    b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + os.urandom(64),  # a TLS hello
    b"GET / HTTP/1.1\r\nBad Header Line\r\n\r\n",
    b"PATCH /files/x HTTP/1.1\r\nContent-Length: -5\r\n\r\n",
    b"POST /files/ HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n",
    b"OPTIONS /files/ HTTP/1.1\r\nX: " + b"a" * 100_000 + b"\r\n\r\n",
    b"\r\n\r\n\r\n" * 1000,
    os.urandom(4096),
]


@pytest.mark.parametrize("garbage", GARBAGE, ids=range(len(GARBAGE)))
def test_garbage_on_the_wire(intake: Intake, garbage: bytes) -> None:
    with raw(intake) as sock:
        try:
            sock.sendall(garbage)
            reply = sock.recv(200)
        except (ConnectionResetError, BrokenPipeError):
            reply = b""
    assert not reply.startswith(b"HTTP/1.1 2")
    assert not reply.startswith(b"HTTP/1.1 5")
    still_up(intake)
    nothing_half_finished(intake)


header_text = st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=40)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    offset=header_text,
    length=header_text,
    checksum=st.one_of(st.none(), header_text),
    body=st.binary(max_size=64),
)
def test_random_header_values_never_break_the_server(
    intake: Intake, offset: str, length: str, checksum: str | None, body: bytes
) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", intake.port, timeout=10)
    try:
        connection.request("POST", "/files/", headers={**AUTH, "Upload-Length": length})
        created = connection.getresponse()
        created.read()
        assert created.status in (201, 400, 413), created.status
        target = created.getheader("Location") or "/files/" + "0" * 32
        headers = {**AUTH, "Upload-Offset": offset, "Content-Type": OCTETS}
        if checksum is not None:
            headers["Upload-Checksum"] = checksum
        connection.close()
        connection = http.client.HTTPConnection("127.0.0.1", intake.port, timeout=10)
        connection.request("PATCH", target, body=body, headers=headers)
        reply = connection.getresponse()
        reply.read()
        assert reply.status < 500, reply.status
    finally:
        connection.close()
    nothing_half_finished(intake)


def test_the_server_survived_everything(intake: Intake) -> None:
    still_up(intake)
    nothing_half_finished(intake)
    partial = {path.name for path in (intake.store / "partial").iterdir()}
    listed = {item.sha256 for item in UploadStore(intake.store, create=False).list_finished()}
    assert not partial & listed


def expect_continue(intake: Intake, url: str, offset: int, token: str = TOKEN) -> bytes:
    """The first answer to a PATCH sent with `Expect: 100-continue` and no body yet."""
    head = patch_head(intake, url, offset, 10).replace(
        b"\r\n\r\n", b"\r\nExpect: 100-continue\r\n\r\n"
    )
    with raw(intake) as sock:
        sock.sendall(head.replace(TOKEN.encode(), token.encode()))
        sock.settimeout(5)
        first = sock.recv(1000)
        if first.startswith(b"HTTP/1.1 100"):
            sock.sendall(b"0123456789")
            first += sock.recv(1000)
    return first


def test_expect_100_continue_only_once_every_check_passed(intake: Intake) -> None:
    url = intake.create(10)
    stranger = expect_continue(intake, url, 0, token="x" * len(TOKEN))
    assert stranger.startswith(b"HTTP/1.1 401")
    assert expect_continue(intake, url, 3).startswith(b"HTTP/1.1 409")
    accepted = expect_continue(intake, url, 0)
    assert accepted.startswith(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204")
    assert intake.offset(url) == 10
