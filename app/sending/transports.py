"""The one seam between app/ and sync/'s transports, and the one place sync/'s errors
become app/'s.

app/ keeps plain settings (app/sending/settings.py); sync/ builds the transport from
them. Until sync/ ships its factory (`sync.factory.make_transport`, written on the
`tusclient` branch), `make_transport` says plainly that this build cannot send, rather
than guessing. Tests pass their own factory to the sender (collaborators passed in).
"""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import Callable, Iterator
from typing import Any

from app.errors import CarnetError, TransportFailedError, ValidationError
from app.sending.settings import TransportSettings
from sync.errors import DestinationConfigError, SyncError, TransportError
from sync.transport import Transport

TransportFactory = Callable[[TransportSettings], Transport]
FACTORY_MODULE = "sync.factory"


def make_transport(settings: TransportSettings) -> Transport:
    """sync/'s transport for these settings. Building one opens no connection."""
    try:
        factory: Any = importlib.import_module(FACTORY_MODULE)
    except ModuleNotFoundError:
        raise TransportFailedError(
            "this build of Carnet has no transports yet (sync.factory is missing)",
            kind="unreachable",
            retryable=True,
        ) from None
    with sync_errors():
        transport: Transport = factory.make_transport(
            folder=settings.folder,
            url=settings.url,
            proxy=settings.proxy,
            pin_sha256=settings.pin_sha256,
            token_file=settings.token_file,
        )
    return transport


def describe(settings: TransportSettings, factory: TransportFactory = make_transport) -> str:
    """The transport's own one-line description (never the token); the settings'
    summary when this build cannot make the transport."""
    try:
        return factory(settings).describe()
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
