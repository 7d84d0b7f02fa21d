"""The one exception hierarchy of sync/: every way moving a bundle can fail.

Each message is one line a defender can act on ("the proxy at 127.0.0.1:9050 is not
reachable — is Tor running?"), never a secret, a token, a file name or a server's reply
body. app/ maps TransportError to its own exit code 6 (app.errors.TransportFailedError)
and the GUI to a translated message; `kind` says which case it was, for both.
"""

from __future__ import annotations

import enum


class FailureKind(enum.Enum):
    UNREACHABLE = "unreachable"  # DNS, connection refused, timeout, cut connection
    TLS = "tls"  # certificate not trusted, handshake failed
    PIN_MISMATCH = "pin-mismatch"  # the certificate is not the pinned one
    REFUSED = "refused"  # 401, 403, 413 and other definite refusals of this bundle
    PROTOCOL = "protocol"  # the server broke the tus protocol (a bad offset, no Location)
    PROXY_DOWN = "proxy-down"  # the SOCKS proxy (Tor) is not reachable
    DRIVE_REMOVED = "drive-removed"  # the folder or drive went away mid-copy
    STORAGE = "storage"  # the destination folder is full, read-only, or holds a conflict
    CANCELLED = "cancelled"  # the person pressed Cancel (or the app locked)


class SyncError(Exception):
    """Base of sync/'s errors."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class DestinationConfigError(SyncError):
    """A transport's settings are not acceptable (http:// to a remote host, a bad pin)."""


class TransportError(SyncError):
    """The bundle did not arrive (this time). `retryable` says whether sending again
    later can help (a cut connection can, a 413 cannot)."""

    def __init__(self, kind: FailureKind, message: str, *, retryable: bool) -> None:
        super().__init__(message)
        self.kind = kind
        self.retryable = retryable
