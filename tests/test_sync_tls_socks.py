"""Certificate pinning and SOCKS5 (microsocks) with the Node tus server on 127.0.0.1:
the pin holds directly and through the proxy, the proxy resolves the host name (Carnet
looks up nothing itself), and a dead proxy fails the send without any direct
connection."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sync.errors import FailureKind, TransportError
from sync.http_settings import TOR_PROXY, check_http_settings
from sync.transport import Delivery
from sync.tus_client import MIB, TusTransport
from tests.sync_servers import (
    Certificate,
    Microsocks,
    NodeTus,
    counting_listener,
    make_certificate,
    microsocks,
    node_tus,
    sha256_of,
    write_bundle,
)


@pytest.fixture
def cert(tmp_path: Path) -> Certificate:
    return make_certificate(tmp_path)


@pytest.fixture
def tls_server(tmp_path: Path, cert: Certificate) -> Iterator[NodeTus]:
    store = tmp_path / "store"
    store.mkdir()
    with node_tus(store_dir=store, tls=cert) as running:
        yield running


@pytest.fixture
def proxy(tmp_path: Path) -> Iterator[Microsocks]:
    with microsocks(tmp_path) as running:
        yield running


def send(url: str, bundle: Path, sha: str, **settings: Any) -> Delivery:
    t = TusTransport(check_http_settings(url, **settings), patch_size=MIB, max_retries=0)
    return t.send(
        bundle,
        bundle.stat().st_size,
        sha,
        resume=None,
        save_state=lambda state: None,
        progress=lambda done, total: None,
        cancelled=lambda: False,
    )


@pytest.fixture
def bundle(tmp_path: Path) -> tuple[Path, str]:
    path = tmp_path / "bundle"
    return path, write_bundle(path, 2 * MIB + 1)


def test_right_pin_accepts_a_self_signed_certificate(
    tls_server: NodeTus, cert: Certificate, bundle: tuple[Path, str]
) -> None:
    send(tls_server.endpoint(), *bundle, pin_cert=cert.sha256)
    [stored] = tls_server.uploads()
    assert sha256_of(stored) == bundle[1]


def test_without_a_pin_a_self_signed_certificate_is_not_trusted(
    tls_server: NodeTus, bundle: tuple[Path, str]
) -> None:
    with pytest.raises(TransportError) as failure:
        send(tls_server.endpoint(), *bundle)
    assert failure.value.kind is FailureKind.TLS
    assert tls_server.uploads() == []


def test_an_http_upload_address_from_an_https_server_is_refused(
    tmp_path: Path, cert: Certificate, bundle: tuple[Path, str]
) -> None:
    # Without relativeLocation the Node server behind TLS hands out http:// URLs.
    store = tmp_path / "plain-location"
    store.mkdir()
    with node_tus(store_dir=store, tls=cert, relative_location=False) as running:
        with pytest.raises(TransportError) as failure:
            send(running.endpoint(), *bundle, pin_cert=cert.sha256)
        assert failure.value.kind is FailureKind.PROTOCOL
        assert len(running.uploads()) == 1 and running.uploads()[0].stat().st_size == 0


def test_wrong_pin_fails_directly(tls_server: NodeTus, bundle: tuple[Path, str]) -> None:
    with pytest.raises(TransportError) as failure:
        send(tls_server.endpoint(), *bundle, pin_cert="ab" * 32)
    assert failure.value.kind is FailureKind.PIN_MISMATCH and not failure.value.retryable
    assert tls_server.uploads() == []


def test_wrong_pin_fails_through_the_socks_proxy(
    tls_server: NodeTus, proxy: Microsocks, bundle: tuple[Path, str]
) -> None:
    with pytest.raises(TransportError) as failure:
        send(tls_server.endpoint("localhost"), *bundle, pin_cert="ab" * 32, proxy=proxy.url)
    assert failure.value.kind is FailureKind.PIN_MISMATCH
    assert proxy.connections() == [f"localhost:{tls_server.port}"]  # it did go through
    assert tls_server.uploads() == []


def test_right_pin_through_the_socks_proxy(
    tls_server: NodeTus, cert: Certificate, proxy: Microsocks, bundle: tuple[Path, str]
) -> None:
    send(tls_server.endpoint("localhost"), *bundle, pin_cert=cert.sha256, proxy=proxy.url)
    [stored] = tls_server.uploads()
    assert sha256_of(stored) == bundle[1]


def test_the_proxy_resolves_the_name_not_carnet(
    tmp_path: Path, proxy: Microsocks, bundle: tuple[Path, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    looked_up: list[object] = []
    real = socket.getaddrinfo

    def recording(host: object, *args: Any, **kwargs: Any) -> Any:
        looked_up.append(host)
        return real(host, *args, **kwargs)  # type: ignore[arg-type]

    store = tmp_path / "store"
    store.mkdir()
    with node_tus(store_dir=store) as running:
        monkeypatch.setattr(socket, "getaddrinfo", recording)
        send(running.endpoint("localhost"), *bundle, proxy=proxy.url)
        monkeypatch.undo()
        [stored] = running.uploads()
    assert sha256_of(stored) == bundle[1]
    assert proxy.connections() == [f"localhost:{running.port}"]  # one connection, by name
    assert "localhost" not in looked_up  # only the proxy's own address was looked up
    assert looked_up and set(looked_up) <= {"127.0.0.1"}


def test_proxy_down_fails_closed_without_a_direct_connection(
    tmp_path: Path, bundle: tuple[Path, str]
) -> None:
    with counting_listener() as target:
        dead_proxy = f"socks5h://127.0.0.1:{_closed_port()}"
        with pytest.raises(TransportError) as failure:
            send(f"http://127.0.0.1:{target.port}/files", *bundle, proxy=dead_proxy)
    assert failure.value.kind is FailureKind.PROXY_DOWN
    assert failure.value.message.startswith(f"the proxy at {dead_proxy[10:]} is not reachable")
    assert target.accepted == 0  # no fallback to a direct connection


def test_tor_means_127_0_0_1_9050_with_remote_dns() -> None:
    settings = check_http_settings("https://example.org/files", tor=True)
    assert settings.proxy == TOR_PROXY == "socks5h://127.0.0.1:9050"


def test_tor_down_says_is_tor_running(bundle: tuple[Path, str]) -> None:
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", 9050)) == 0:
            pytest.fail("something listens on 127.0.0.1:9050: this test needs it free")
    with pytest.raises(TransportError) as failure:
        send("http://127.0.0.1:1/files", *bundle, tor=True)
    assert failure.value.kind is FailureKind.PROXY_DOWN
    assert failure.value.message == "the proxy at 127.0.0.1:9050 is not reachable — is Tor running?"


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])  # closed again when the probe goes
