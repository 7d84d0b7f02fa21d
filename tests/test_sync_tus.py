"""The tus client against the Node reference server (@tus/server, file store) on
127.0.0.1: identical bytes, one connection for the whole send, resume after cut
connections and after a restart, a fresh upload when the saved one is gone, refusals,
Cancel, and a body that never holds more than a small buffer."""

from __future__ import annotations

import http.server
import socket
import threading
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest

from sync.errors import FailureKind, TransportError
from sync.http_settings import check_http_settings
from sync.transport import Delivery, UploadState
from sync.tus_client import MIB, TusTransport
from tests.sync_servers import (
    NodeTus,
    counting_listener,
    cutting_relay,
    free_port,
    node_tus,
    sha256_of,
    write_bundle,
)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[NodeTus]:
    store = tmp_path / "store"
    store.mkdir()
    with node_tus(store_dir=store) as running:
        yield running


def transport(url: str, **options: object) -> TusTransport:
    settings = check_http_settings(url, token_file=options.pop("token_file", None))  # type: ignore[arg-type]
    options.setdefault("patch_size", 1 * MIB)
    options.setdefault("backoff", 0.01)
    return TusTransport(settings, **options)  # type: ignore[arg-type]


class Recorder:
    def __init__(self, cancel_after: int | None = None) -> None:
        self.states: list[UploadState] = []
        self.progress: list[tuple[int, int]] = []
        self.cancel_after = cancel_after

    def send(
        self, t: TusTransport, bundle: Path, sha: str, resume: UploadState | None = None
    ) -> Delivery:
        return t.send(
            bundle,
            bundle.stat().st_size,
            sha,
            resume=resume,
            save_state=self.states.append,
            progress=lambda done, total: self.progress.append((done, total)),
            cancelled=self.cancelled,
        )

    def cancelled(self) -> bool:
        return self.cancel_after is not None and len(self.states) >= self.cancel_after


def test_upload_is_byte_identical_and_saves_state_after_each_patch(
    tmp_path: Path, server: NodeTus
) -> None:
    bundle = tmp_path / "bundle"
    sha = write_bundle(bundle, 3 * MIB + 12345)
    rec = Recorder()
    delivery = rec.send(transport(server.endpoint()), bundle, sha)
    [stored] = server.uploads()
    assert sha256_of(stored) == sha
    assert delivery == Delivery(location=delivery.location, sha256=sha)
    assert delivery.location.startswith(server.endpoint() + "/")
    assert [s.offset for s in rec.states] == [0, MIB, 2 * MIB, 3 * MIB, 3 * MIB + 12345]
    assert {s.location for s in rec.states} == {delivery.location}
    assert rec.progress[-1] == (3 * MIB + 12345, 3 * MIB + 12345)


def test_one_connection_serves_the_whole_send(tmp_path: Path, server: NodeTus) -> None:
    bundle = tmp_path / "bundle"
    sha = write_bundle(bundle, 4 * MIB)
    with cutting_relay(server.port) as relay:
        Recorder().send(transport(f"http://127.0.0.1:{relay.port}/files"), bundle, sha)
    assert relay.accepted == 1  # OPTIONS, POST and four PATCHes on one kept-alive connection


def test_resumes_after_cut_connections_to_one_identical_upload(
    tmp_path: Path, server: NodeTus
) -> None:
    bundle = tmp_path / "bundle"
    size = 7 * MIB + 777
    sha = write_bundle(bundle, size)
    # Every one of the first four connections dies after 1.5 MiB from the client.
    with cutting_relay(server.port, cut_after=3 * MIB // 2, cuts=4) as relay:
        rec = Recorder()
        rec.send(transport(f"http://127.0.0.1:{relay.port}/files", max_retries=6), bundle, sha)
    assert relay.cut == 4 and relay.accepted == 5
    [stored] = server.uploads()  # one upload, resumed, not five
    assert sha256_of(stored) == sha
    assert len({s.location for s in rec.states}) == 1


def test_gives_up_after_bounded_attempts(tmp_path: Path, server: NodeTus) -> None:
    bundle = tmp_path / "bundle"
    sha = write_bundle(bundle, 3 * MIB)
    with (
        cutting_relay(server.port, cut_after=MIB // 2, cuts=1000) as relay,
        pytest.raises(TransportError) as failure,
    ):
        Recorder().send(
            transport(f"http://127.0.0.1:{relay.port}/files", max_retries=3), bundle, sha
        )
    assert failure.value.kind is FailureKind.UNREACHABLE and failure.value.retryable
    assert relay.accepted == 4  # the first try and three retries


def test_next_send_resumes_from_the_servers_offset(tmp_path: Path, server: NodeTus) -> None:
    bundle = tmp_path / "bundle"
    sha = write_bundle(bundle, 4 * MIB)
    first = Recorder(cancel_after=3)  # stop after creation and two PATCHes
    with pytest.raises(TransportError) as failure:
        first.send(transport(server.endpoint()), bundle, sha)
    assert failure.value.kind is FailureKind.CANCELLED and failure.value.retryable
    saved = first.states[-1]
    assert saved.offset == 2 * MIB
    second = Recorder()
    delivery = second.send(transport(server.endpoint()), bundle, sha, resume=saved)
    assert delivery.location == saved.location
    assert [s.offset for s in second.states] == [3 * MIB, 4 * MIB]  # no creation, no re-send
    [stored] = server.uploads()
    assert sha256_of(stored) == sha


def test_a_gone_upload_on_resume_starts_a_fresh_one(tmp_path: Path, server: NodeTus) -> None:
    bundle = tmp_path / "bundle"
    sha = write_bundle(bundle, 2 * MIB)
    gone = UploadState(server.endpoint() + "/0123456789abcdef0123456789abcdef", MIB)
    rec = Recorder()
    delivery = rec.send(transport(server.endpoint()), bundle, sha, resume=gone)
    assert delivery.location != gone.location
    assert rec.states[0] == UploadState(delivery.location, 0)
    [stored] = server.uploads()
    assert sha256_of(stored) == sha


def test_a_terminated_upload_is_gone_and_resume_starts_afresh(
    tmp_path: Path, server: NodeTus
) -> None:
    bundle = tmp_path / "bundle"
    sha = write_bundle(bundle, 3 * MIB)
    first = Recorder(cancel_after=2)
    with pytest.raises(TransportError):
        first.send(transport(server.endpoint()), bundle, sha)
    transport(server.endpoint()).abandon(first.states[-1])
    assert server.uploads() == []
    delivery = Recorder().send(transport(server.endpoint()), bundle, sha, resume=first.states[-1])
    assert delivery.location != first.states[-1].location
    [stored] = server.uploads()
    assert sha256_of(stored) == sha


def test_body_memory_stays_flat_during_a_real_send(tmp_path: Path, server: NodeTus) -> None:
    bundle = tmp_path / "bundle"
    sha = write_bundle(bundle, 24 * MIB)
    t = transport(server.endpoint(), patch_size=12 * MIB)
    tracemalloc.start()
    try:
        Recorder().send(t, bundle, sha)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 2 * MIB  # two 12 MiB PATCHes, never a 12 MiB buffer
    [stored] = server.uploads()
    assert sha256_of(stored) == sha


def test_wrong_or_missing_token_is_refused_and_never_echoed(tmp_path: Path) -> None:
    store = tmp_path / "store"
    store.mkdir()
    bundle = tmp_path / "bundle"
    sha = write_bundle(bundle, MIB)
    good, bad = tmp_path / "good", tmp_path / "bad"
    good.write_text("s3cret-token-value\n")
    bad.write_text("wrong-token-value\n")
    with node_tus(store_dir=store, token="s3cret-token-value") as running:
        for token_file in (None, bad):
            with pytest.raises(TransportError) as failure:
                Recorder().send(transport(running.endpoint(), token_file=token_file), bundle, sha)
            assert failure.value.kind is FailureKind.REFUSED and not failure.value.retryable
            assert "token-value" not in str(failure.value)
        Recorder().send(transport(running.endpoint(), token_file=good), bundle, sha)
        [stored] = running.uploads()
        assert sha256_of(stored) == sha


def test_too_large_is_refused_before_any_byte(tmp_path: Path) -> None:
    store = tmp_path / "store"
    store.mkdir()
    bundle = tmp_path / "bundle"
    sha = write_bundle(bundle, 2 * MIB)
    with node_tus(store_dir=store, max_size=MIB) as running:
        rec = Recorder()
        with pytest.raises(TransportError) as failure:
            rec.send(transport(running.endpoint()), bundle, sha)
        assert failure.value.kind is FailureKind.REFUSED and not failure.value.retryable
        assert "413" in failure.value.message and rec.states == []
        assert running.uploads() == []


def test_nothing_listening_is_unreachable(tmp_path: Path) -> None:
    bundle = tmp_path / "bundle"
    sha = write_bundle(bundle, 1000)
    with pytest.raises(TransportError) as failure:
        Recorder().send(
            transport(f"http://127.0.0.1:{free_port()}/files", max_retries=1), bundle, sha
        )
    assert failure.value.kind is FailureKind.UNREACHABLE and failure.value.retryable
    assert "\n" not in failure.value.message


def test_environment_proxies_are_ignored(
    tmp_path: Path, server: NodeTus, monkeypatch: pytest.MonkeyPatch
) -> None:
    bundle = tmp_path / "bundle"
    sha = write_bundle(bundle, MIB)
    with counting_listener() as trap:
        for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
            monkeypatch.setenv(name, f"http://127.0.0.1:{trap.port}")
        for name in ("NO_PROXY", "no_proxy"):
            monkeypatch.delenv(name, raising=False)
        Recorder().send(transport(server.endpoint()), bundle, sha)
    assert trap.accepted == 0
    [stored] = server.uploads()
    assert sha256_of(stored) == sha


class _Redirecting(http.server.BaseHTTPRequestHandler):
    target = ""

    def _redirect(self) -> None:
        self.send_response(307)
        self.send_header("Location", self.target)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_OPTIONS = do_POST = do_HEAD = do_PATCH = _redirect

    def log_message(self, format: str, *args: object) -> None:
        del format, args


def test_redirects_are_not_followed(tmp_path: Path) -> None:
    bundle = tmp_path / "bundle"
    sha = write_bundle(bundle, 1000)
    token = tmp_path / "token"
    token.write_text("redirect-me-not")
    with counting_listener() as elsewhere:
        _Redirecting.target = f"http://127.0.0.1:{elsewhere.port}/files"
        httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Redirecting)
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        try:
            with pytest.raises(TransportError) as failure:
                Recorder().send(
                    transport(f"http://127.0.0.1:{httpd.server_port}/files", token_file=token),
                    bundle,
                    sha,
                )
        finally:
            httpd.shutdown()
            httpd.server_close()
    assert failure.value.kind is FailureKind.PROTOCOL
    assert elsewhere.accepted == 0


def test_cancel_mid_patch_stops_within_a_block_and_resumes(tmp_path: Path, server: NodeTus) -> None:
    bundle = tmp_path / "bundle"
    sha = write_bundle(bundle, 3 * MIB)
    sent: list[int] = []

    def stop_mid_second_patch() -> bool:
        return bool(sent) and sent[-1] >= MIB + MIB // 2

    saved: list[UploadState] = []
    t = transport(server.endpoint())
    with pytest.raises(TransportError) as failure:
        t.send(
            bundle,
            3 * MIB,
            sha,
            resume=None,
            save_state=saved.append,
            progress=lambda done, total: sent.append(done),
            cancelled=stop_mid_second_patch,
        )
    assert failure.value.kind is FailureKind.CANCELLED
    assert max(sent) <= MIB + MIB // 2 + 64 * 1024  # stopped within one 64 KiB block
    assert saved[-1].offset == MIB
    rec = Recorder()
    delivery = rec.send(transport(server.endpoint()), bundle, sha, resume=saved[-1])
    assert delivery.location == saved[-1].location
    [stored] = server.uploads()
    assert sha256_of(stored) == sha


@pytest.mark.timeout(60)
def test_a_server_that_never_answers_times_out(tmp_path: Path) -> None:
    bundle = tmp_path / "bundle"
    sha = write_bundle(bundle, 1000)
    with socket.create_server(("127.0.0.1", 0), backlog=8) as silent:  # never accepts
        port = silent.getsockname()[1]
        with pytest.raises(TransportError) as failure:
            Recorder().send(
                transport(f"http://127.0.0.1:{port}/files", read_timeout=0.5, max_retries=1),
                bundle,
                sha,
            )
    assert failure.value.kind is FailureKind.UNREACHABLE and failure.value.retryable
    assert "did not answer in time" in failure.value.message
