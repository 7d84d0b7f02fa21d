"""One tus upload of one bundle: the state machine `TusTransport.send` runs (see
sync/tus_client.py for the protocol as a whole). Kept apart from the transport so each
file holds one job: here the requests, the retries and the digest checks of one send.
"""

from __future__ import annotations

import hashlib
import time
from typing import TYPE_CHECKING, BinaryIO

import requests

from sync import http_failures
from sync.body import FileSlice, UploadCancelled
from sync.digest_fields import format_repr_digest, parse_repr_digest
from sync.errors import FailureKind, TransportError
from sync.transport import CancelledCheck, ProgressCallback, UploadState
from sync.tus_protocol import (
    OFFSET_CONTENT_TYPE,
    ServerOffer,
    checksum_header,
    parse_offset,
    same_origin,
    upload_url,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from sync.tus_client import TusTransport

GONE = (404, 410)
# Fresh uploads one send may start after the server lost or discarded one: bounded, and
# never reset by a PATCH that went through, so a server that keeps storing other bytes
# (or keeps forgetting) cannot make a defender send the same bundle without end.
MAX_RESTARTS = 3


class _UploadGone(Exception):
    """The server no longer has the upload: start a fresh one."""


class _UploadDiscarded(Exception):
    """The server discarded the upload it held to the bundle's digest (460 on the PATCH
    that completed it): the bytes it stored were not the bundle's. Start a fresh one."""


class _OffsetConflict(Exception):
    """The server's offset is not ours (409), or the upload is busy with a request of
    ours it has not finished (423): HEAD it and go on from there."""


class TusUpload:
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
        self.confirmed = False  # the server stated the digest of what it stored
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
        # A saved upload is asked about first (HEAD); if it is gone or not ours, a fresh
        # one starts without counting as a restart.
        resuming = False
        if resume is not None and same_origin(self.settings.url, resume.location):
            url, resuming = resume.location, True
        failures = restarts = 0
        must_sync = resuming
        while True:
            if self.cancelled():
                raise UploadCancelled()
            try:
                if url is not None and must_sync:
                    must_sync = False
                    found = self._head(url, resuming)
                    if found is None and not resuming:
                        raise _UploadGone()  # counted as a restart, like a 404 to a PATCH
                    resuming = False
                    if found is None:
                        url, offset = None, 0
                    else:
                        offset = found
                if url is None:
                    url, offset = self._create(), 0
                    self.save_state(UploadState(url, 0))
                if offset >= self.size:
                    if self.held and not self.confirmed:
                        # Every byte is there but nothing said the upload was finished
                        # (the last answer was lost, or the server stopped before it):
                        # an empty PATCH at the end finishes it and states its digest.
                        self._confirm(url)
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
            except (_UploadGone, _UploadDiscarded) as lost:
                restarts += 1
                if restarts > MAX_RESTARTS:
                    raise self._restarts_failure(lost) from None
                self._pause(restarts)
                url, must_sync = None, False
                self.held = self.confirmed = False

    def _restarts_failure(self, lost: Exception) -> TransportError:
        if isinstance(lost, _UploadDiscarded):
            return TransportError(
                FailureKind.STORAGE,
                f"{self.settings.host} kept storing other bytes than the bundle's",
                retryable=False,
            )
        return http_failures.protocol_error(self.settings, "it kept losing the upload")

    def _count_failure(self, failures: int, failure: TransportError | None) -> int:
        """One more failed attempt in a row: give up past max_retries, else wait (1 s,
        2 s, 4 s… up to max_backoff), listening for Cancel while waiting."""
        failures += 1
        if failures > self.t._max_retries:
            raise failure or http_failures.protocol_error(
                self.settings, "the upload kept being lost or out of step"
            )
        self._pause(failures)
        return failures

    def _pause(self, attempt: int) -> None:
        """The wait before attempt `attempt` + 1: backoff doubling up to max_backoff,
        listening for Cancel while waiting."""
        delay = min(self.t._backoff * 2 ** (attempt - 1), self.t._max_backoff)
        deadline = time.monotonic() + delay
        while (left := deadline - time.monotonic()) > 0:
            if self.cancelled():
                raise UploadCancelled()
            self.t._sleep(min(left, 0.1))

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

    def _head(self, url: str, resuming: bool) -> int | None:
        """Where the upload stands, or None when it is gone or not ours (on resume a
        409 too). Busy (423, tusd locks uploads on HEAD) is retried with backoff."""
        answer = self._request("HEAD", url, {})
        if answer.status_code == 423:
            raise _OffsetConflict()
        if answer.status_code in GONE or (resuming and answer.status_code == 409):
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
        if held is None and self.held:
            raise http_failures.protocol_error(
                self.settings, "it no longer holds the upload to the bundle's digest"
            )
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
        self._check_patch_status(answer, completes=offset + length == self.size)
        new = parse_offset(answer.headers.get("Upload-Offset"))
        if new is None or not offset < new <= offset + length:
            raise http_failures.protocol_error(self.settings, "an impossible Upload-Offset")
        if new == self.size:
            self._check_stored_digest(answer)
        return new

    def _confirm(self, url: str) -> None:
        """An empty PATCH at the end of a held upload: the server finishes it if it had
        not, and states the digest of what it stored either way."""
        extra = {
            "Upload-Offset": str(self.size),
            "Content-Type": OFFSET_CONTENT_TYPE,
            "Content-Length": "0",
        }
        answer = self._request("PATCH", url, extra)
        self._check_patch_status(answer, completes=True)
        if parse_offset(answer.headers.get("Upload-Offset")) != self.size:
            raise http_failures.protocol_error(self.settings, "an impossible Upload-Offset")
        self._check_stored_digest(answer)

    def _check_patch_status(self, answer: requests.Response, *, completes: bool) -> None:
        status = answer.status_code
        if status in GONE:
            raise _UploadGone()
        if status in (409, 423):
            raise _OffsetConflict()
        if status == 460 and completes and self.held:
            raise _UploadDiscarded()
        if status == 460:
            raise TransportError(
                FailureKind.UNREACHABLE, "the data arrived damaged", retryable=True
            )
        if status not in (200, 204):
            raise http_failures.from_status(status, self.settings, "PATCH")

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
        self.confirmed = stored is not None

    def _digest(self, offset: int, length: int) -> bytes:
        digest = hashlib.sha256()
        for block in FileSlice(self.file, offset, length, cancelled=self.cancelled):
            digest.update(block)
        return digest.digest()
