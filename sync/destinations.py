"""Building a Transport from a destination's plain settings (what app/ stores and the
CLI's `destination add` flags give): a folder, or a URL with its network options.

app/ keeps settings as plain values; this is the one place that checks them and picks
the transport, so `destination add` can refuse bad settings before anything is saved.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sync.errors import DestinationConfigError
from sync.folder import FolderTransport
from sync.http_settings import HttpSettings, check_http_settings, describe_http
from sync.transport import Transport


@dataclass(frozen=True)
class TransportSettings:
    """Exactly one of `folder` and `url`; the rest only go with `url`."""

    folder: Path | None = None
    url: str | None = None
    tor: bool = False
    proxy: str | None = None
    pin_cert: str | None = None
    token_file: Path | None = None


def build_transport(settings: TransportSettings) -> Transport:
    """The transport for these settings, or DestinationConfigError saying what is wrong.
    The HTTP client (requests, urllib3, PySocks) is imported here, when a send needs it."""
    checked = _checked(settings)
    if isinstance(checked, Path):
        return FolderTransport(checked)
    from sync.tus_client import TusTransport

    return TusTransport(checked)


def describe_transport(settings: TransportSettings) -> str:
    """What `destination show` prints, checked as build_transport checks it, without
    importing the HTTP client."""
    checked = _checked(settings)
    if isinstance(checked, Path):
        return FolderTransport(checked).describe()
    return describe_http(checked)


def _checked(settings: TransportSettings) -> Path | HttpSettings:
    if (settings.folder is None) == (settings.url is None):
        raise DestinationConfigError("give either a folder or a URL for the destination")
    if settings.folder is not None:
        network = (settings.tor, settings.proxy, settings.pin_cert, settings.token_file)
        if any(value not in (None, False) for value in network):
            raise DestinationConfigError(
                "--tor, --proxy, --pin-cert and --token-file go with --url, not --folder"
            )
        if not settings.folder.is_absolute():
            raise DestinationConfigError("the destination folder must be an absolute path")
        return settings.folder
    url: str = settings.url  # type: ignore[assignment]  # not None: checked above
    return check_http_settings(
        url,
        tor=settings.tor,
        proxy=settings.proxy,
        pin_cert=settings.pin_cert,
        token_file=settings.token_file,
    )
