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
longer has (404/410, or 409 on resume) starts afresh. Written in the project because
tuspy has no session, no timeouts, no pinning, and keeps upload URLs in a plaintext file.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

import requests

from sync import http_failures
from sync.body import FileSlice, UploadCancelled
from sync.digest_fields import format_repr_digest, parse_repr_digest
from sync.errors import FailureKind, TransportError
from sync.http_session import make_session
from sync.http_settings import HttpSettings, describe_http, read_token
from sync.transport import CancelledCheck, Delivery, ProgressCallback, UploadState
from sync.tus_protocol import (
    OFFSET_CONTENT_TYPE,
    TUS_VERSION,
    ServerOffer,
    checksum_header,
    parse_offset,
    same_origin,
    upload_url,
)

MIB = 1024 * 1024
DEFAULT_PATCH_SIZE = 16 * MIB
MIN_PATCH_SIZE, MAX_PATCH_SIZE = 8 * MIB, 50 * MIB  # S3 parts are at least 5 MiB
_GONE = (404, 410)


class _UploadGone(Exception):
    """The server no longer has the upload: start a fresh one."""


class _OffsetConflict(Exception):
    """The server's offset is not ours (409): HEAD it and go on from there."""


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
            upload = _Upload(
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
            if answer.status_code not in (200, 204, *_GONE):
                raise http_failures.from_status(answer.status_code, self.settings, "termination")


class _Upload:
    """The state of one send; `run` returns the upload URL once the server has it all."""

    def __init__(
        self,
        transport: TusTransport,
        session: requests.Session,
        headers: dict[str, str],
        file: BinaryIO,
        size: int,
        sha256: str,
        save_state: Callable[[UploadState], None],
        progress: ProgressCallback,
        cancelled: CancelledCheck,
    ) -> None:
        self.t = transport
        self.digest = bytes.fromhex(sha256)
        # Whether the server said it holds this upload to `digest` (the creation's or a
        # HEAD's Repr-Digest): then it must confirm the digest at the end, and the
        # PATCHes carry no checksum of their own.
        self.held = False
        self.settings = transport.settings
        self.session = session
        self.headers = headers
        self.file = file
        self.size = size
        self.save_state = save_state
        self.progress = progress
        self.cancelled = cancelled

    def _request(
        self, method: str, url: str, extra: dict[str, str], body: FileSlice | None = None
    ) -> requests.Response:
        headers = {**self.headers, **extra}
        answer = self.session.request(
            method, url, headers=headers, data=body, timeout=self.t._timeout, allow_redirects=False
        )
        answer.close()  # tus answers carry no body we read; frees the connection for reuse
        if answer.status_code == 412:
            raise http_failures.protocol_error(self.settings, "it does not speak tus 1.0.0")
        return answer

    def run(self, resume: UploadState | None) -> str:
        offer = self._offer()
        if offer.max_size is not None and self.size > offer.max_size:
            raise http_failures.from_status(413, self.settings, "creation")
        url: str | None = None
        offset = 0
        if resume is not None:
            found = self._resume_offset(resume.location)
            if found is not None:
                url, offset = resume.location, found
        failures = 0
        must_sync = False
        while True:
            if self.cancelled():
                raise UploadCancelled()
            try:
                if url is not None and must_sync:
                    found = self._head(url)
                    url, offset = (url, found) if found is not None else (None, 0)
                    must_sync = False
                if url is None:
                    url, offset = self._create(), 0
                    self.save_state(UploadState(url, 0))
                if offset >= self.size:
                    self.progress(self.size, self.size)
                    return url
                offset = self._patch(url, offset, offer.sha256_checksum and not self.held)
                self.save_state(UploadState(url, offset))
                failures = 0
            except (
                requests.ConnectionError,
                requests.Timeout,
                requests.exceptions.ChunkedEncodingError,
            ) as error:
                failure = http_failures.from_exception(error, self.settings)
                if failure.kind is not FailureKind.UNREACHABLE:
                    raise failure from None
                failures = self._count_failure(failures, failure)
                must_sync = True
            except TransportError as failure:
                if not (failure.retryable and failure.kind is FailureKind.UNREACHABLE):
                    raise
                failures = self._count_failure(failures, failure)
                must_sync = True
            except _OffsetConflict:
                failures = self._count_failure(failures, None)
                must_sync = True
            except _UploadGone:
                failures = self._count_failure(failures, None)
                url, must_sync = None, False

    def _count_failure(self, failures: int, failure: TransportError | None) -> int:
        """One more failed attempt in a row: give up past max_retries, else wait (1 s,
        2 s, 4 s… up to max_backoff), listening for Cancel while waiting."""
        failures += 1
        if failures > self.t._max_retries:
            raise failure or http_failures.protocol_error(
                self.settings, "the upload kept being lost or out of step"
            )
        delay = min(self.t._backoff * 2 ** (failures - 1), self.t._max_backoff)
        deadline = time.monotonic() + delay
        while (left := deadline - time.monotonic()) > 0:
            if self.cancelled():
                raise UploadCancelled()
            self.t._sleep(min(left, 0.1))
        return failures

    def _offer(self) -> ServerOffer:
        answer = self._request("OPTIONS", self.settings.url, {})
        if answer.status_code in (401, 403):
            raise http_failures.from_status(answer.status_code, self.settings, "options")
        if answer.status_code not in (200, 204):
            return ServerOffer()
        offer = ServerOffer.from_headers(answer.headers)
        if not offer.speaks_1_0:
            raise http_failures.protocol_error(self.settings, "it does not speak tus 1.0.0")
        if not offer.creation:
            raise http_failures.protocol_error(self.settings, "it does not offer creation")
        return offer

    def _resume_offset(self, location: str) -> int | None:
        """Where the saved upload stands, or None to start afresh (gone, 409, not ours)."""
        if not same_origin(self.settings.url, location):
            return None
        answer = self._request("HEAD", location, {})
        if answer.status_code in (*_GONE, 409):
            return None
        return self._offset_from_head(answer)

    def _head(self, url: str) -> int | None:
        answer = self._request("HEAD", url, {})
        if answer.status_code in _GONE:
            return None
        return self._offset_from_head(answer)

    def _offset_from_head(self, answer: requests.Response) -> int | None:
        if answer.status_code not in (200, 204):
            raise http_failures.from_status(answer.status_code, self.settings, "HEAD")
        offset = parse_offset(answer.headers.get("Upload-Offset"))
        if offset is None:
            raise http_failures.protocol_error(self.settings, "no valid Upload-Offset")
        length = parse_offset(answer.headers.get("Upload-Length"))
        if (length is not None and length != self.size) or offset > self.size:
            return None  # another file's upload under that URL: do not append to it
        held = self._digest_in(answer)
        if held is not None and held != self.digest:
            return None  # held to (or holding) another file's digest: not ours either
        self.held = held is not None
        return offset

    def _digest_in(self, answer: requests.Response) -> bytes | None:
        try:
            return parse_repr_digest(answer.headers.get("Repr-Digest"))
        except ValueError:
            raise http_failures.protocol_error(self.settings, "a malformed Repr-Digest") from None

    def _create(self) -> str:
        answer = self._request(
            "POST",
            self.settings.url,
            {
                "Upload-Length": str(self.size),
                "Content-Length": "0",
                "Repr-Digest": format_repr_digest(self.digest),
            },
        )
        if answer.status_code != 201:
            raise http_failures.from_status(answer.status_code, self.settings, "creation")
        held = self._digest_in(answer)
        if held is not None and held != self.digest:
            raise http_failures.protocol_error(
                self.settings, "it holds the upload to another digest"
            )
        self.held = held is not None
        url = upload_url(self.settings.url, answer.headers.get("Location"))
        if url is None:
            raise http_failures.protocol_error(
                self.settings, "no upload address on this server in its answer"
            )
        return url

    def _patch(self, url: str, offset: int, with_checksum: bool) -> int:
        length = min(self.t.patch_size, self.size - offset)
        extra = {
            "Upload-Offset": str(offset),
            "Content-Type": OFFSET_CONTENT_TYPE,
            "Content-Length": str(length),
        }
        if with_checksum:
            extra["Upload-Checksum"] = checksum_header(self._digest(offset, length))
        sent = offset

        def on_read(count: int) -> None:
            nonlocal sent
            sent += count
            self.progress(sent, self.size)

        body = FileSlice(self.file, offset, length, cancelled=self.cancelled, on_read=on_read)
        answer = self._request("PATCH", url, extra, body)
        if answer.status_code in _GONE:
            raise _UploadGone()
        if answer.status_code == 409:
            raise _OffsetConflict()
        if answer.status_code == 460:
            raise TransportError(
                FailureKind.UNREACHABLE, "the data arrived damaged", retryable=True
            )
        if answer.status_code not in (200, 204):
            raise http_failures.from_status(answer.status_code, self.settings, "PATCH")
        new = parse_offset(answer.headers.get("Upload-Offset"))
        if new is None or not offset < new <= offset + length:
            raise http_failures.protocol_error(self.settings, "an impossible Upload-Offset")
        if new == self.size:
            self._check_stored_digest(answer)
        return new

    def _check_stored_digest(self, answer: requests.Response) -> None:
        """The answer to the last PATCH: a server that states the digest of what it
        stored must state the bundle's, and one that held the upload to it must state
        it at all. A mismatch is not retried: the server kept other bytes than these."""
        stored = self._digest_in(answer)
        if stored is None and self.held:
            raise http_failures.protocol_error(self.settings, "it did not confirm the digest")
        if stored is not None and stored != self.digest:
            raise TransportError(
                FailureKind.STORAGE,
                f"{self.settings.host} stored other bytes than the bundle's",
                retryable=False,
            )

    def _digest(self, offset: int, length: int) -> bytes:
        digest = hashlib.sha256()
        for block in FileSlice(self.file, offset, length, cancelled=self.cancelled):
            digest.update(block)
        return digest.digest()
