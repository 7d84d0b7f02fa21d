"""How a destination is reached: a folder, or a tus upload URL (optionally through SOCKS).

These are plain values, checked when a person types them (`destination add|edit`) so a
bad option is refused before anything is stored, and kept as JSON in the encrypted
database. Which options go together is checked here; the address, proxy and pin by
sync/'s one checker (sync.http_settings.check_http_settings), the rules the transport
itself holds to. The bearer token is never stored: only the path of the file holding it, read
by the transport when it sends.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.errors import UsageError, ValidationError
from sync.errors import DestinationConfigError
from sync.http_settings import TOR_PROXY, check_http_settings


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
    token = None if token_file is None else _token_file(token_file)
    try:
        checked = check_http_settings(
            str(url), tor=tor, proxy=proxy, pin_cert=pin_cert, token_file=token
        )
    except DestinationConfigError as exc:
        raise ValidationError(exc.message) from None
    return TransportSettings(
        url=checked.url,
        proxy=checked.proxy,
        pin_sha256=checked.pin_sha256,
        token_file=checked.token_file,
    )


def _folder(text: str) -> Path:
    if not text.strip() or "\x00" in text:
        raise ValidationError("--folder: give a folder path")
    # Absolute, so sending works whatever folder `carnet send` runs from. The folder may
    # be missing now (a USB drive not plugged in); the transport checks it when sending.
    return Path(text).expanduser().absolute()


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
