"""How a destination is reached: a folder, or a tus upload URL (optionally through SOCKS).

These are plain values, checked here when a person types them (`destination add|edit`)
so a bad option is refused before anything is stored, and kept as JSON in the encrypted
database. The bearer token is never stored: only the path of the file holding it, read
by the transport when it sends.
"""

from __future__ import annotations

import ipaddress
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from app.errors import UsageError, ValidationError

TOR_PROXY = "socks5h://127.0.0.1:9050"
MAX_URL = 2000
_PIN = re.compile(r"^[0-9a-f]{64}$")
_HOSTNAME = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9-]{0,62}\.)*[A-Za-z0-9-]{1,63}\.?$")


@dataclass(frozen=True)
class TransportSettings:
    """Exactly one of `folder` and `url`; proxy, pin and token only with a URL."""

    folder: Path | None = None
    url: str | None = None
    proxy: str | None = None
    pin_sha256: str | None = None
    token_file: Path | None = None

    @property
    def kind(self) -> str:
        return "folder" if self.folder is not None else "tus"

    def to_json(self) -> str:
        return json.dumps(
            {
                "folder": None if self.folder is None else str(self.folder),
                "url": self.url,
                "proxy": self.proxy,
                "pin_sha256": self.pin_sha256,
                "token_file": None if self.token_file is None else str(self.token_file),
            },
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, text: str) -> TransportSettings:
        data: dict[str, Any] = json.loads(text)
        folder, token = data.get("folder"), data.get("token_file")
        return cls(
            folder=None if folder is None else Path(folder),
            url=data.get("url"),
            proxy=data.get("proxy"),
            pin_sha256=data.get("pin_sha256"),
            token_file=None if token is None else Path(token),
        )

    def summary(self) -> str:
        """One line naming no secret, for when sync/ cannot describe the transport."""
        if self.folder is not None:
            return f"folder {self.folder}"
        parts = [f"tus upload to {self.url}"]
        if self.proxy == TOR_PROXY:
            parts.append("through Tor (127.0.0.1:9050)")
        elif self.proxy is not None:
            parts.append(f"through the proxy {self.proxy}")
        if self.pin_sha256 is not None:
            parts.append(f"certificate pinned to {self.pin_sha256}")
        if self.token_file is not None:
            parts.append(f"token read from {self.token_file}")
        return ", ".join(parts)


def settings_from_options(
    *,
    folder: str | None,
    url: str | None,
    tor: bool,
    proxy: str | None,
    pin_cert: str | None,
    token_file: str | None,
) -> TransportSettings | None:
    """The options of `destination add|edit`, checked; None when none was given."""
    if folder is None and url is None:
        if tor or proxy is not None or pin_cert is not None or token_file is not None:
            raise UsageError("--tor, --proxy, --pin-cert and --token-file need --url")
        return None
    if folder is not None and url is not None:
        raise UsageError("give either --folder or --url, not both")
    if folder is not None:
        if tor or proxy is not None or pin_cert is not None or token_file is not None:
            raise UsageError("--tor, --proxy, --pin-cert and --token-file go with --url only")
        return TransportSettings(folder=_folder(folder))
    if tor and proxy is not None:
        raise UsageError("give either --tor or --proxy, not both")
    return TransportSettings(
        url=check_url(str(url)),
        proxy=TOR_PROXY if tor else (None if proxy is None else check_proxy(proxy)),
        pin_sha256=None if pin_cert is None else check_pin(pin_cert),
        token_file=None if token_file is None else _token_file(token_file),
    )


def _folder(text: str) -> Path:
    if not text.strip() or "\x00" in text:
        raise ValidationError("--folder: give a folder path")
    # Absolute, so sending works whatever folder `carnet send` runs from. The folder may
    # be missing now (a USB drive not plugged in); the transport checks it when sending.
    return Path(text).expanduser().absolute()


def check_url(text: str) -> str:
    if len(text) > MAX_URL or any(ord(c) < 33 or ord(c) == 127 for c in text):
        raise ValidationError("--url: not a valid URL (spaces or control characters)")
    parts = urlsplit(text)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise ValidationError(
            "--url: give an https:// address, e.g. https://intake.example.org/files/"
        )
    if parts.username is not None or parts.password is not None:
        raise ValidationError("--url: no user name or password in the URL; use --token-file")
    if parts.query or parts.fragment:
        raise ValidationError("--url: no query or fragment in an upload URL")
    try:
        port = parts.port
    except ValueError:
        raise ValidationError("--url: the port is not a number from 1 to 65535") from None
    if port == 0:
        raise ValidationError("--url: the port is not a number from 1 to 65535")
    host = parts.hostname
    if not _is_host(host):
        raise ValidationError("--url: the host name is not valid")
    if parts.scheme == "http" and not (is_loopback(host) or host.endswith(".onion")):
        raise ValidationError(
            "--url: https:// is required (plain http:// only to this computer or a .onion)"
        )
    return text


def check_proxy(text: str) -> str:
    parts = urlsplit(text)
    if parts.scheme == "socks5":
        raise ValidationError(
            "--proxy: use socks5h:// so the proxy, not this computer, looks up host names"
        )
    if parts.scheme != "socks5h" or not parts.hostname or parts.path not in ("", "/"):
        raise ValidationError("--proxy: give socks5h://HOST:PORT, e.g. socks5h://127.0.0.1:9050")
    if parts.username is not None or parts.password is not None:
        raise ValidationError("--proxy: no user name or password in the proxy address")
    try:
        port = parts.port
    except ValueError:
        port = 0
    if not port or not _is_host(parts.hostname):
        raise ValidationError("--proxy: give socks5h://HOST:PORT, e.g. socks5h://127.0.0.1:9050")
    host = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
    return f"socks5h://{host}:{port}"


def check_pin(text: str) -> str:
    """A certificate's SHA-256, as `openssl x509 -fingerprint -sha256` prints it or plain
    hex; kept as 64 lower-case hex digits."""
    clean = text.strip().lower().replace(":", "")
    if clean.startswith("sha256="):
        clean = clean[len("sha256=") :]
    if not _PIN.fullmatch(clean):
        raise ValidationError("--pin-cert: give the certificate's SHA-256 (64 hex digits)")
    return clean


def _token_file(text: str) -> Path:
    path = Path(text).expanduser().absolute()
    if not path.is_file():
        raise ValidationError(f"--token-file: no such file: {text}")
    try:
        with path.open("rb") as handle:
            handle.read(1)
    except OSError:
        raise ValidationError(f"--token-file: cannot read {text}") from None
    return path


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _is_host(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        return bool(_HOSTNAME.fullmatch(host)) and len(host) <= 253
