"""Sending a bundle to a tus 1.0 server (Carnet's intake, tusd, the Node @tus/server).

One send: OPTIONS (what the server offers), then either HEAD of the saved upload (resume)
or POST (creation, no Upload-Metadata: nothing about the bundle leaves but its length
and the SHA-256 of its sealed bytes), then PATCHes of `patch_size` bytes over one
kept-alive connection, saving the upload URL and the confirmed offset after the POST and
after every PATCH.

The POST states the bundle's SHA-256 (`Repr-Digest`, sync/digest_fields.py); a server
that holds the upload to it (Carnet's intake) confirms the digest of what it stored when
the last PATCH lands, and then no per-PATCH checksum is needed. Other servers get
`Upload-Checksum` on every PATCH when they advertise sha256, and nothing when they do
not (tusd, the Node server).

A cut connection, a timeout or a 5xx is retried within the send, with backoff and a
bounded number of attempts, from the offset a HEAD reports; an upload the server no
longer has (404/410, or 409 on resume), or discarded as not the bundle's, starts afresh,
at most MAX_RESTARTS times in one send (sync/tus_upload.py). Written in the project because
tuspy has no session, no timeouts, no pinning, and keeps upload URLs in a plaintext file.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import requests

from sync import http_failures
from sync.body import UploadCancelled
from sync.errors import FailureKind, TransportError
from sync.http_session import make_session
from sync.http_settings import HttpSettings, describe_http, read_token
from sync.transport import CancelledCheck, Delivery, ProgressCallback, UploadState
from sync.tus_protocol import TUS_VERSION, same_origin
from sync.tus_upload import GONE, TusUpload

MIB = 1024 * 1024
DEFAULT_PATCH_SIZE = 16 * MIB
MIN_PATCH_SIZE, MAX_PATCH_SIZE = 8 * MIB, 50 * MIB  # S3 parts are at least 5 MiB


def _cancelled_error() -> TransportError:
    return TransportError(FailureKind.CANCELLED, "the send was cancelled", retryable=True)


class TusTransport:
    """The HTTPS (and Tor/SOCKS) transport. `patch_size` outside 8–50 MiB, a short
    `backoff` and few `max_retries` are for tests; the defaults suit a hotel wifi."""

    def __init__(
        self,
        settings: HttpSettings,
        *,
        patch_size: int = DEFAULT_PATCH_SIZE,
        connect_timeout: float = 30.0,
        read_timeout: float = 120.0,
        max_retries: int = 6,
        backoff: float = 1.0,
        max_backoff: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if patch_size <= 0 or max_retries < 0:
            raise ValueError("patch_size must be positive and max_retries not negative")
        self.settings = settings
        self.patch_size = patch_size
        self._timeout = (connect_timeout, read_timeout)
        self._max_retries = max_retries
        self._backoff = backoff
        self._max_backoff = max_backoff
        self._sleep = sleep

    def describe(self) -> str:
        return describe_http(self.settings)

    def __repr__(self) -> str:
        return f"TusTransport({self.describe()!r})"

    def send(
        self,
        source: Path,
        size: int,
        sha256: str,
        *,
        resume: UploadState | None,
        save_state: Callable[[UploadState], None],
        progress: ProgressCallback,
        cancelled: CancelledCheck,
    ) -> Delivery:
        headers = {"Tus-Resumable": TUS_VERSION}
        if self.settings.token_file is not None:
            headers["Authorization"] = "Bearer " + read_token(self.settings.token_file)
        try:
            file = source.open("rb")
        except OSError:
            raise TransportError(
                FailureKind.STORAGE, "the bundle to send cannot be read", retryable=False
            ) from None
        with file, make_session(self.settings) as session:
            upload = TusUpload(
                self, session, headers, file, size, sha256, save_state, progress, cancelled
            )
            try:
                location = upload.run(resume)
            except UploadCancelled:
                raise _cancelled_error() from None
            except requests.RequestException as error:
                raise http_failures.from_exception(error, self.settings) from None
        return Delivery(location=location, sha256=sha256)

    def abandon(self, state: UploadState) -> None:
        """Termination: ask the server to drop an unfinished upload (outbox remove)."""
        headers = {"Tus-Resumable": TUS_VERSION}
        if self.settings.token_file is not None:
            headers["Authorization"] = "Bearer " + read_token(self.settings.token_file)
        if not same_origin(self.settings.url, state.location):
            return
        with make_session(self.settings) as session:
            try:
                answer = session.delete(
                    state.location, headers=headers, timeout=self._timeout, allow_redirects=False
                )
            except requests.RequestException as error:
                raise http_failures.from_exception(error, self.settings) from None
            if answer.status_code not in (200, 204, *GONE):
                raise http_failures.from_status(answer.status_code, self.settings, "termination")
