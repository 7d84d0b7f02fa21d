"""The one seam between app/ and sync/'s transports, and the one place sync/'s errors
become app/'s.

app/ keeps plain settings (app/sending/settings.py); sync/ builds the transport from
them (sync.destinations.build_transport), imported only when a transport is made, so a
command that sends nothing never loads requests or PySocks. Tests pass their own factory
to the sender (collaborators passed in).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from app.errors import CarnetError, TransportFailedError, ValidationError
from app.sending.settings import TransportSettings
from sync.errors import DestinationConfigError, SyncError, TransportError
from sync.transport import Transport

if TYPE_CHECKING:
    from sync.destinations import TransportSettings as SyncSettings

TransportFactory = Callable[[TransportSettings], Transport]


def make_transport(settings: TransportSettings) -> Transport:
    """sync/'s transport for these settings. Building one opens no connection."""
    from sync.destinations import build_transport

    with sync_errors():
        return build_transport(_for_sync(settings))


def _for_sync(settings: TransportSettings) -> SyncSettings:
    from sync.destinations import TransportSettings as SyncTransportSettings

    return SyncTransportSettings(
        folder=settings.folder,
        url=settings.url,
        proxy=settings.proxy,
        pin_cert=settings.pin_sha256,
        token_file=settings.token_file,
    )


def describe(settings: TransportSettings) -> str:
    """The transport's own one-line description (never the token), made without loading
    the HTTP client; the settings' summary if sync/ refuses them."""
    from sync.destinations import describe_transport

    try:
        with sync_errors():
            return describe_transport(_for_sync(settings))
    except CarnetError:
        return settings.summary()


def translate(exc: SyncError) -> CarnetError:
    """sync/'s error as app/'s: a transport failure exits 6, bad settings exit 2."""
    if isinstance(exc, TransportError):
        return TransportFailedError(exc.message, kind=exc.kind.value, retryable=exc.retryable)
    if isinstance(exc, DestinationConfigError):
        return ValidationError(exc.message)
    return TransportFailedError(exc.message, kind="protocol", retryable=False)


@contextlib.contextmanager
def sync_errors() -> Iterator[None]:
    """Run sync/ code; its errors leave as app/'s (translate)."""
    try:
        yield
    except SyncError as exc:
        raise translate(exc) from None
