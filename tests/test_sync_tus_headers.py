"""Property tests of the tus header parsing and the destination settings checks: offsets
are plain decimal digits only, lists are comma-separated tokens, upload URLs stay on the
endpoint's origin, and the scheme/proxy/pin rules refuse what would leak."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sync.destinations import TransportSettings, build_transport
from sync.errors import DestinationConfigError
from sync.folder import FolderTransport
from sync.http_settings import check_http_settings, normalise_pin
from sync.tus_client import TusTransport
from sync.tus_protocol import ServerOffer, parse_list, parse_offset, upload_url


@given(st.integers(0, 10**19 - 1))
def test_offset_round_trips(value: int) -> None:
    assert parse_offset(str(value)) == value
    assert parse_offset(f" {value}\t") == value


@given(st.text())
def test_offset_is_digits_or_nothing(text: str) -> None:
    parsed = parse_offset(text)
    stripped = text.strip(" \t")
    if parsed is None:
        assert not (stripped.isascii() and stripped.isdigit() and len(stripped) <= 19)
    else:
        assert stripped.isascii() and stripped.isdigit() and parsed == int(stripped)


@pytest.mark.parametrize("bad", ["", "-1", "+1", "1e3", "0x10", "1 2", "١٢", "1" * 20, None])
def test_offset_rejects(bad: str | None) -> None:
    assert parse_offset(bad) is None


@given(st.lists(st.from_regex(r"[a-z0-9-]{1,12}", fullmatch=True), max_size=6))
def test_list_round_trips(items: list[str]) -> None:
    assert parse_list(" , ".join(item.upper() for item in items)) == frozenset(items)


def test_checksum_only_when_sha256_is_advertised() -> None:
    both = {"Tus-Extension": "creation,checksum", "Tus-Checksum-Algorithm": "md5,sha256"}
    assert ServerOffer.from_headers(both).sha256_checksum
    assert not ServerOffer.from_headers({**both, "Tus-Checksum-Algorithm": "sha1"}).sha256_checksum
    assert not ServerOffer.from_headers({**both, "Tus-Extension": "creation"}).sha256_checksum
    node = {"Tus-Version": "1.0.0", "Tus-Extension": "creation,creation-with-upload,termination"}
    assert ServerOffer.from_headers(node).creation
    assert not ServerOffer.from_headers(node).sha256_checksum


@pytest.mark.parametrize(
    ("location", "expected"),
    [
        ("/files/abc", "https://h.example:8443/files/abc"),
        ("abc", "https://h.example:8443/abc"),  # RFC 3986 resolution, as tus-js-client
        ("https://h.example:8443/files/abc", "https://h.example:8443/files/abc"),
        ("http://h.example:8443/files/abc", None),  # a downgrade
        ("https://other.example/files/abc", None),  # the token would go elsewhere
        ("https://h.example/files/abc", None),  # another port
        ("", None),
        (None, None),
    ],
)
def test_upload_url_stays_on_the_endpoints_origin(
    location: str | None, expected: str | None
) -> None:
    assert upload_url("https://h.example:8443/files", location) == expected


@pytest.mark.parametrize(
    "url",
    [
        "http://example.org/files",
        "http://192.168.1.5/files",
        "http://10.0.0.1:1080/files",
        "ftp://127.0.0.1/files",
        "https://user:pw@example.org/files",
        "https:///files",
        "https://example.org:99999/files",
        "not a url",
    ],
)
def test_refused_addresses(url: str) -> None:
    with pytest.raises(DestinationConfigError) as failure:
        check_http_settings(url)
    assert "\n" not in failure.value.message and "pw" not in failure.value.message


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1:8080/files", "http://127.9.9.9/f", "http://[::1]:1/f", "http://localhost/f"],
)
def test_http_is_allowed_to_this_machine(url: str) -> None:
    assert check_http_settings(url).proxy is None


def test_onion_needs_a_proxy_and_may_use_http() -> None:
    onion = "http://" + "a" * 56 + ".onion/files"
    with pytest.raises(DestinationConfigError):
        check_http_settings(onion)
    assert check_http_settings(onion, tor=True).proxy == "socks5h://127.0.0.1:9050"


@pytest.mark.parametrize(
    "proxy",
    [
        "socks5://127.0.0.1:9050",
        "http://127.0.0.1:8080",
        "socks5h://127.0.0.1",
        "socks5h://:9050",
        "socks5h://h:1/x",
    ],
)
def test_proxies_must_be_socks5h_host_port(proxy: str) -> None:
    with pytest.raises(DestinationConfigError):
        check_http_settings("https://example.org/files", proxy=proxy)


def test_tor_and_proxy_together_is_refused() -> None:
    with pytest.raises(DestinationConfigError):
        check_http_settings("https://example.org/f", tor=True, proxy="socks5h://127.0.0.1:1080")


@given(st.binary(min_size=32, max_size=32))
def test_pin_accepts_openssl_and_plain_hex(digest: bytes) -> None:
    assert normalise_pin(digest.hex(":").upper()) == digest.hex()
    assert normalise_pin(digest.hex()) == digest.hex()


@pytest.mark.parametrize("pin", ["", "ab" * 31, "ab" * 33, "zz" * 32, "sha256:" + "ab" * 32])
def test_bad_pins_are_refused(pin: str) -> None:
    with pytest.raises(DestinationConfigError):
        check_http_settings("https://example.org/f", pin_cert=pin)


def test_a_pin_needs_https() -> None:
    with pytest.raises(DestinationConfigError):
        check_http_settings("http://127.0.0.1/f", pin_cert="ab" * 32)


def test_token_file_is_checked_and_never_quoted(tmp_path: Path) -> None:
    token = tmp_path / "token"
    for bad in (b"", b"two\nlines", b"\xff\xfe", b"sp ace"):
        token.write_bytes(bad)
        with pytest.raises(DestinationConfigError) as failure:
            check_http_settings("https://example.org/f", token_file=token)
        assert str(token) not in failure.value.message
    with pytest.raises(DestinationConfigError):
        check_http_settings("https://example.org/f", token_file=tmp_path / "missing")
    token.write_bytes(b"abc.DEF-123\n")
    t = build_transport(TransportSettings(url="https://example.org/f", token_file=token))
    assert "abc.DEF" not in t.describe() and "abc.DEF" not in repr(t)


def test_factory_picks_and_checks(tmp_path: Path) -> None:
    assert isinstance(build_transport(TransportSettings(folder=tmp_path)), FolderTransport)
    http = build_transport(TransportSettings(url="https://example.org/f", tor=True))
    assert isinstance(http, TusTransport)
    assert (
        http.describe()
        == "tus upload to https://example.org/f through the SOCKS proxy 127.0.0.1:9050"
    )
    for bad in (
        TransportSettings(),
        TransportSettings(folder=tmp_path, url="https://example.org/f"),
        TransportSettings(folder=tmp_path, tor=True),
        TransportSettings(folder=Path("relative/dir")),
        TransportSettings(url="http://example.org/f"),
    ):
        with pytest.raises(DestinationConfigError):
            build_transport(bad)


def test_socks5_without_h_is_refused_with_the_reason() -> None:
    with pytest.raises(DestinationConfigError) as failure:
        check_http_settings("https://example.org/f", proxy="socks5://127.0.0.1:9050")
    assert "socks5h://" in failure.value.message and "looks up names" in failure.value.message
