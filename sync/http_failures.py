"""Turning what requests/urllib3/PySocks raise, and what a server answers, into one-line
TransportErrors a defender can act on.

requests wraps urllib3's errors, which wrap PySocks' and ssl's, so the cause is found by
walking the chain (`__cause__`, `__context__`, urllib3's `.reason`, `args`). A proxy that
cannot be reached and a server the proxy cannot reach both surface as a
requests.ConnectionError; only PySocks' ProxyConnectionError in the chain says which.
Messages name the host or the proxy (settings the person typed), never a token, a URL
path (it identifies the upload) or a server's reply body.
"""

from __future__ import annotations

from collections.abc import Iterator

import requests
import socks

from sync.errors import FailureKind, TransportError
from sync.http_settings import HttpSettings

_PIN_MISMATCH = "Fingerprints did not match"


def _chain(error: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    todo: list[BaseException] = [error]
    while todo:
        current = todo.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        linked = [current.__cause__, current.__context__, getattr(current, "reason", None)]
        linked.extend(current.args)
        todo.extend(item for item in linked if isinstance(item, BaseException))


def _proxy_unreachable(error: BaseException) -> bool:
    return any(isinstance(e, socks.ProxyConnectionError) for e in _chain(error))


def _pin_mismatch(error: BaseException) -> bool:
    return any(_PIN_MISMATCH in str(e) for e in _chain(error))


def from_exception(error: requests.RequestException, settings: HttpSettings) -> TransportError:
    """The TransportError for a request that got no HTTP answer."""
    host = settings.host
    if settings.proxy is not None and _proxy_unreachable(error):
        return TransportError(
            FailureKind.PROXY_DOWN,
            f"the proxy at {settings.proxy_address} is not reachable — is Tor running?",
            retryable=True,
        )
    if _pin_mismatch(error):
        return TransportError(
            FailureKind.PIN_MISMATCH,
            f"the certificate of {host} is not the pinned one — not sent",
            retryable=False,
        )
    if isinstance(error, requests.exceptions.SSLError):
        # Retryable: a hotel's captive portal intercepts TLS until one has logged in.
        return TransportError(
            FailureKind.TLS,
            f"the secure connection to {host} failed (certificate not trusted or TLS error)",
            retryable=True,
        )
    if isinstance(error, requests.exceptions.ProxyError):
        return TransportError(
            FailureKind.PROXY_DOWN,
            f"the proxy at {settings.proxy_address} refused the connection",
            retryable=True,
        )
    if isinstance(error, requests.exceptions.Timeout):
        return TransportError(
            FailureKind.UNREACHABLE, f"the server {host} did not answer in time", retryable=True
        )
    return TransportError(
        FailureKind.UNREACHABLE,
        f"the server {host} is not reachable or the connection was cut",
        retryable=True,
    )


def from_status(status: int, settings: HttpSettings, what: str) -> TransportError:
    """The TransportError for an HTTP answer the tus client cannot go on with."""
    host = settings.host
    if status in (401, 403):
        return TransportError(
            FailureKind.REFUSED,
            f"{host} refused the upload (HTTP {status}): check the token file",
            retryable=False,
        )
    if status == 413:
        return TransportError(
            FailureKind.REFUSED,
            f"{host} refused the upload: the bundle is larger than it accepts (HTTP 413)",
            retryable=False,
        )
    if status == 429 or status >= 500:
        return TransportError(
            FailureKind.UNREACHABLE,
            f"{host} could not take the upload now (HTTP {status})",
            retryable=True,
        )
    return TransportError(
        FailureKind.PROTOCOL,
        f"{host} gave an unexpected answer to the {what} (HTTP {status})",
        retryable=False,
    )


def protocol_error(settings: HttpSettings, problem: str) -> TransportError:
    return TransportError(
        FailureKind.PROTOCOL, f"{settings.host} broke the tus protocol: {problem}", retryable=False
    )
