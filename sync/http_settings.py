"""The settings of an HTTPS (tus) destination, checked before anything is sent.

The rules that keep a send from leaking: `https://` unless the server is on this machine
(loopback) or an onion service (Tor encrypts and authenticates that path); a proxy is
always SOCKS5 with remote DNS (`socks5h://`) so no name is looked up on the local network,
and a configured proxy is never bypassed; an `.onion` host needs a proxy; credentials go
in a token file, never in the address (addresses are shown and stored in plain sight).
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import SplitResult, urlsplit

from sync.errors import DestinationConfigError

TOR_PROXY = "socks5h://127.0.0.1:9050"
MAX_URL = 2000
_PIN = re.compile(r"[0-9a-f]{64}")
_HOSTNAME = re.compile(r"[A-Za-z0-9]([A-Za-z0-9-]{0,62}\.)*[A-Za-z0-9-]{1,63}\.?")
_TOKEN = re.compile(r"[\x21-\x7e]+")  # visible ASCII: what fits in one header line


@dataclass(frozen=True)
class HttpSettings:
    """A checked destination: build it with `check_http_settings`, not directly."""

    url: str
    proxy: str | None = None  # socks5h://host:port, or None for a direct connection
    pin_sha256: str | None = None  # lower-case hex SHA-256 of the leaf certificate (DER)
    token_file: Path | None = None

    @property
    def host(self) -> str:
        return urlsplit(self.url).hostname or ""

    @property
    def proxy_address(self) -> str | None:
        """host:port of the proxy, for messages."""
        if self.proxy is None:
            return None
        parts = urlsplit(self.proxy)
        return f"{parts.hostname}:{parts.port}"


def is_loopback_host(host: str) -> bool:
    """127.0.0.0/8, ::1 and `localhost` (RFC 6761: it never leaves the machine)."""
    host = host.lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def is_onion_host(host: str) -> bool:
    return host.lower().rstrip(".").endswith(".onion")


def check_upload_url(url: str) -> SplitResult:
    """The scheme rule, for the endpoint and for every upload URL a server hands back."""
    try:
        parts = urlsplit(url)
        _ = parts.port  # raises ValueError for a port that is not a number in range
    except ValueError:
        raise DestinationConfigError("the address is not a valid URL") from None
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise DestinationConfigError(
            "give an https:// address, e.g. https://intake.example.org/files/"
        )
    if parts.username is not None or parts.password is not None:
        raise DestinationConfigError("no user name or password in the URL; use --token-file")
    if parts.scheme == "http" and not (
        is_loopback_host(parts.hostname) or is_onion_host(parts.hostname)
    ):
        raise DestinationConfigError(
            "https:// is required (plain http:// only to this computer or a .onion)"
        )
    return parts


def check_endpoint(url: str) -> SplitResult:
    """The address a person types: the scheme rule, and what an upload endpoint never
    holds (control characters, a query or fragment, port 0, a malformed host name)."""
    if len(url) > MAX_URL or any(ord(c) < 33 or ord(c) == 127 for c in url):
        raise DestinationConfigError("not a valid URL (spaces or control characters)")
    parts = check_upload_url(url)
    if parts.query or parts.fragment:
        raise DestinationConfigError("no query or fragment in an upload URL")
    if parts.port == 0:
        raise DestinationConfigError("the port is not a number from 1 to 65535")
    if not _is_host(parts.hostname or ""):
        raise DestinationConfigError("the host name is not valid")
    return parts


def _is_host(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        return bool(_HOSTNAME.fullmatch(host)) and len(host) <= 253


def normalise_pin(pin: str) -> str:
    """Accept `AB:CD:…` or plain hex, as `openssl x509 -fingerprint -sha256` prints it."""
    value = pin.strip().replace(":", "").lower()
    if value.startswith("sha256="):
        value = value[len("sha256=") :]
    if not _PIN.fullmatch(value):
        raise DestinationConfigError(
            "the certificate pin must be its SHA-256 fingerprint (64 hex digits)"
        )
    return value


def check_proxy(proxy: str) -> str:
    try:
        parts = urlsplit(proxy)
        port = parts.port
    except ValueError:
        raise DestinationConfigError("the proxy is not a valid socks5h://host:port") from None
    if parts.scheme == "socks5":
        raise DestinationConfigError(
            "use socks5h:// for the proxy, so that it, not this computer, looks up names"
        )
    if parts.scheme != "socks5h" or not parts.hostname or port is None:
        raise DestinationConfigError("the proxy must be given as socks5h://host:port")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise DestinationConfigError("the proxy must be given as socks5h://host:port")
    return f"socks5h://{parts.netloc}"


def read_token(token_file: Path) -> str:
    """The bearer token: one line of visible ASCII. The message never quotes it."""
    try:
        raw = token_file.read_bytes()
    except OSError:
        raise DestinationConfigError("the token file cannot be read") from None
    try:
        token = raw.decode("ascii").strip()
    except UnicodeDecodeError:
        raise DestinationConfigError("the token file must hold one line of ASCII") from None
    if not _TOKEN.fullmatch(token):
        raise DestinationConfigError("the token file must hold one line of ASCII")
    return token


def check_http_settings(
    url: str,
    *,
    tor: bool = False,
    proxy: str | None = None,
    pin_cert: str | None = None,
    token_file: Path | None = None,
) -> HttpSettings:
    """Validate plain settings (from the CLI or the store) into HttpSettings."""
    parts = check_endpoint(url.strip())
    if tor and proxy is not None:
        raise DestinationConfigError("give either --tor or --proxy, not both")
    chosen = TOR_PROXY if tor else (check_proxy(proxy.strip()) if proxy is not None else None)
    if is_onion_host(parts.hostname or "") and chosen is None:
        raise DestinationConfigError("an .onion address needs --tor or --proxy")
    pin = normalise_pin(pin_cert) if pin_cert is not None else None
    if pin is not None and parts.scheme != "https":
        raise DestinationConfigError("a certificate pin needs an https:// address")
    if token_file is not None:
        read_token(token_file)
    return HttpSettings(url=parts.geturl(), proxy=chosen, pin_sha256=pin, token_file=token_file)


def describe_http(settings: HttpSettings) -> str:
    """One line for `destination show`: where, through what, pinned or not; never the
    token (only that there is one). Needs no network library, so describing a destination
    loads none (urllib3 probes IPv6 with a socket when it is imported)."""
    parts = urlsplit(settings.url)
    text = f"tus upload to {parts.scheme}://{parts.netloc}{parts.path}"
    if settings.proxy is not None:
        text += f" through the SOCKS proxy {settings.proxy_address}"
    if settings.pin_sha256 is not None:
        text += f", certificate pinned (SHA-256 {settings.pin_sha256[:16]}…)"
    if settings.token_file is not None:
        text += ", with a bearer token"
    return text
