"""The tus 1.0 requests the intake answers: creation (POST), offset (HEAD), append
(PATCH), termination (DELETE). Authentication and `Tus-Resumable` were checked by the
middleware (app.py) before any of these runs, so no body byte is read for a stranger.

Every refusal that leaves body bytes unread closes the connection; the bytes of a PATCH
cut short are kept (that is what resuming is for) unless it carried a checksum, which
cannot be verified on part of a body, so that PATCH is rolled back whole.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import hashlib
import logging
import os
from collections.abc import AsyncIterator, Callable
from typing import TYPE_CHECKING, BinaryIO, TypeVar

import aiohttp
from aiohttp import web

from sync.digest_fields import format_repr_digest
from sync.intake.limits import (
    BodyPacer,
    BodyStalledError,
    IntakeLimits,
    UploadGate,
    UploadLockedError,
    UploadLocks,
)
from sync.intake.protocol import (
    Checksum,
    check_offset_content_type,
    parse_checksum,
    parse_expected_digest,
    parse_number,
    parse_upload_id,
    parse_upload_length,
)
from sync.intake.store import UploadStatus, UploadStore

if TYPE_CHECKING:
    from _hashlib import HASH

log = logging.getLogger("sync.intake")

READ_SIZE = 1024 * 1024  # largest piece taken from aiohttp's buffer at once
FLUSH_SIZE = 1024 * 1024  # bytes gathered before one write to disk
UPLOADS_PATH = "/files/"
T = TypeVar("T")


def refuse(status: int, reason: str, *, close: bool = False) -> web.Response:
    response = web.Response(status=status, text=reason + "\n")
    if close:
        response.force_close()
    return response


async def in_thread(function: Callable[..., T], *args: object) -> T:
    """Blocking file work off the event loop, finished even if the request is cancelled
    (a shutdown): a write still running when the lock is released would race the next."""
    future = asyncio.get_running_loop().run_in_executor(None, function, *args)
    try:
        return await asyncio.shield(future)
    except asyncio.CancelledError:
        await asyncio.wait([future])
        raise


def digest_headers(sha256: str | None) -> dict[str, str]:
    """`Repr-Digest` for an upload: the digest it is held to, or once finished the
    digest of what is stored (the two are equal by then). See sync/digest_fields.py."""
    return {} if sha256 is None else {"Repr-Digest": format_repr_digest(bytes.fromhex(sha256))}


def _write(handle: BinaryIO, data: bytes, running: HASH, piece: HASH | None) -> None:
    handle.write(data)
    running.update(data)
    if piece is not None:
        piece.update(data)


def _settle(handle: BinaryIO, durable: bool) -> None:
    """The end of an accepted PATCH. An upload held to a Repr-Digest is only flushed:
    its answer does not wait for the disk (an fsync per PATCH held Carnet's client to
    0.7x curl's speed), because nothing of it is finished unless the whole matches
    that digest, and the finished upload is fsynced first. If a power cut loses or
    garbles acknowledged bytes, the client resends from the offset a HEAD reports, or
    the finish discards the upload and the client starts it afresh. An upload nothing
    checks as a whole is fsynced before its offset is acknowledged."""
    handle.flush()
    if durable:
        os.fsync(handle.fileno())


async def _continue_if_expected(request: web.Request) -> None:
    """The "100 Continue" app.defer_continue held back, now that the PATCH is accepted."""
    if request.headers.get("Expect", "").lower() == "100-continue":
        await request.writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        request.writer.output_size = 0  # the answer proper has not started


class TusHandlers:
    def __init__(self, store: UploadStore, limits: IntakeLimits) -> None:
        self.store = store
        self.limits = limits
        self.locks = UploadLocks()
        self.gate = UploadGate(limits.max_concurrent)
        # The SHA-256 of each partial so far, kept while it streams in; recomputed from
        # disk when missing (after a restart).
        self._running: dict[str, HASH] = {}
        self._creating = asyncio.Lock()

    def forget(self, upload_ids: list[str]) -> None:
        """Drop the running hashes of uploads that expired."""
        for upload_id in upload_ids:
            self._running.pop(upload_id, None)

    # -- creation --------------------------------------------------------------------

    @contextlib.asynccontextmanager
    async def _creation_slot(self) -> AsyncIterator[None]:
        """One creation at a time, from the room check to the new upload on disk, so
        two never both count the same room; a disk that hangs makes the next ones 503
        after lock_wait rather than wait for ever."""
        try:
            async with asyncio.timeout(self.limits.lock_wait):
                await self._creating.acquire()
        except TimeoutError:
            raise UploadLockedError() from None
        try:
            yield
        finally:
            self._creating.release()

    async def create(self, request: web.Request) -> web.StreamResponse:
        # Upload-Metadata is accepted and never read: the intake stores nothing the
        # client says about its file.
        if request.headers.get("Upload-Defer-Length") is not None:
            return refuse(400, "creation-defer-length is not offered", close=True)
        length = parse_upload_length(request.headers.get("Upload-Length"), self.limits.max_size)
        expected = parse_expected_digest(request.headers.get("Repr-Digest"))
        if request.content_length or request.headers.get("Transfer-Encoding"):
            return refuse(400, "creation-with-upload is not offered: PATCH the bytes", close=True)
        try:
            async with self._creation_slot():
                if await in_thread(self.store.partial_count) >= self.limits.max_partials:
                    return refuse(503, "too many unfinished uploads; try again later", close=True)
                free = await in_thread(self.store.free_bytes)
                promised = await in_thread(self.store.promised_bytes)
                if free - promised < length + self.limits.reserve_bytes:
                    return refuse(507, "not enough space on the intake for this upload")
                upload_id = await in_thread(self.store.create, length, expected)
        except UploadLockedError:
            response = refuse(503, "the intake is busy creating uploads; try again shortly")
            response.headers["Retry-After"] = "10"
            return response
        if length == 0 and await self._finish(upload_id, expected) is None:
            return refuse(460, "Repr-Digest is not the digest of an empty upload")
        return web.Response(
            status=201,
            headers={"Location": UPLOADS_PATH + upload_id, **digest_headers(expected)},
        )

    # -- offset ----------------------------------------------------------------------

    async def head(self, request: web.Request) -> web.StreamResponse:
        # Under the upload's lock: a HEAD while a PATCH streams or an upload is being
        # finished would report an offset about to change, or 404 between the rename
        # and the record. Busy past lock_wait is 423, which clients retry.
        upload_id = parse_upload_id(request.match_info["upload_id"])
        try:
            async with self.locks.hold(upload_id, self.limits.lock_wait):
                status = await in_thread(self.store.status, upload_id)
        except UploadLockedError:
            return refuse(423, "the upload is busy with another request")
        if status is None:
            return web.Response(status=404, headers={"Cache-Control": "no-store"})
        return web.Response(
            status=200,
            headers={
                "Upload-Offset": str(status.offset),
                "Upload-Length": str(status.length),
                "Cache-Control": "no-store",
                **digest_headers(status.sha256 or status.expected),
            },
        )

    # -- termination -----------------------------------------------------------------

    async def delete(self, request: web.Request) -> web.StreamResponse:
        upload_id = parse_upload_id(request.match_info["upload_id"])
        try:
            async with self.locks.hold(upload_id, self.limits.lock_wait):
                status = await in_thread(self.store.status, upload_id)
                if status is None:
                    return refuse(404, "no such upload")
                if status.sha256 is not None:
                    # Received evidence is the organisation's to remove, not a token
                    # holder's: a stolen token cannot erase what arrived.
                    return refuse(403, "a finished upload is kept")
                await in_thread(self.store.terminate, upload_id)
                self._running.pop(upload_id, None)
        except UploadLockedError:
            return refuse(423, "the upload is busy with another request")
        return web.Response(status=204)

    # -- append ----------------------------------------------------------------------

    async def patch(self, request: web.Request) -> web.StreamResponse:
        upload_id = parse_upload_id(request.match_info["upload_id"])
        check_offset_content_type(request.headers.get("Content-Type"))
        offset = parse_number(request.headers.get("Upload-Offset"), "Upload-Offset")
        checksum = parse_checksum(request.headers.get("Upload-Checksum"))
        size = request.content_length
        if size is None:
            return refuse(411, "a PATCH needs a Content-Length", close=True)
        if not self.gate.try_enter():
            response = refuse(503, "too many uploads at once; try again shortly", close=True)
            response.headers["Retry-After"] = "10"
            return response
        try:
            async with self.locks.hold(upload_id, self.limits.lock_wait):
                status = await in_thread(self.store.status, upload_id)
                if status is None:
                    return refuse(404, "no such upload", close=True)
                if offset != status.offset:
                    return refuse(409, "Upload-Offset is not the upload's offset", close=True)
                if offset + size > status.length:
                    return refuse(413, "this PATCH would pass the declared length", close=True)
                if status.sha256 is not None:  # finished: an empty PATCH at its end
                    return web.Response(
                        status=204,
                        headers={"Upload-Offset": str(offset), **digest_headers(status.sha256)},
                    )
                return await self._append(request, upload_id, status, size, checksum)
        except UploadLockedError:
            return refuse(423, "the upload is busy with another request", close=True)
        finally:
            self.gate.leave()

    async def _append(
        self,
        request: web.Request,
        upload_id: str,
        status: UploadStatus,
        size: int,
        expected: Checksum | None,
    ) -> web.StreamResponse:
        # Taken out of the table for the length of the PATCH: if anything unforeseen
        # happens (a cancelled task, a failed write) no hash that disagrees with the
        # file stays behind; the next PATCH recomputes it from disk.
        previous = self._running.pop(upload_id, None)
        if previous is None:
            previous = await in_thread(self.store.hash_of_partial, upload_id)
        working = previous.copy()
        piece = hashlib.sha256() if expected is not None else None
        handle = await in_thread(self.store.open_for_append, upload_id)
        try:
            await _continue_if_expected(request)
            try:
                received, cut = await self._receive(request, handle, size, working, piece)
            except OSError as exc:
                # The disk refused a write (full, gone read-only): the PATCH is undone
                # whole, and said so.
                with contextlib.suppress(OSError):
                    await in_thread(self.store.roll_back, handle, status.offset)
                    self._running[upload_id] = previous
                log.error("could not store an upload's bytes: %s", exc.strerror)
                if exc.errno == errno.ENOSPC:
                    return refuse(507, "the intake's disk is full", close=True)
                return refuse(500, "the intake could not store the bytes", close=True)
            verified = expected is None or (
                cut is None and piece is not None and piece.digest() == expected.digest
            )
            if verified:
                await in_thread(_settle, handle, status.expected is None)
                self._running[upload_id] = working
            else:
                await in_thread(self.store.roll_back, handle, status.offset)
                self._running[upload_id] = previous
        finally:
            await in_thread(handle.close)
        if cut == "stalled":
            return refuse(408, "the body stopped arriving", close=True)
        if cut is not None:
            return refuse(400, "the body ended early", close=True)
        if not verified:
            return refuse(460, "Upload-Checksum does not match the body")
        new_offset = status.offset + received
        headers = {"Upload-Offset": str(new_offset)}
        if new_offset == status.length:
            stored = await self._finish(upload_id, status.expected)
            if stored is None:
                return refuse(460, "the upload does not match its Repr-Digest and was discarded")
            headers.update(digest_headers(stored))
        return web.Response(status=204, headers=headers)

    async def _receive(
        self,
        request: web.Request,
        handle: BinaryIO,
        size: int,
        running: HASH,
        piece: HASH | None,
    ) -> tuple[int, str | None]:
        """Stream up to `size` body bytes to `handle` in FLUSH_SIZE writes; returns how
        many arrived and whether the body stalled ("stalled") or ended early ("cut")."""
        received = 0
        cut: str | None = None
        buffer = bytearray()
        pacer = BodyPacer(self.limits.body_timeout)
        try:
            while received < size:
                chunk = await pacer.read(request.content, min(READ_SIZE, size - received))
                if not chunk:
                    break
                received += len(chunk)
                buffer += chunk
                if len(buffer) >= FLUSH_SIZE:
                    await in_thread(_write, handle, bytes(buffer), running, piece)
                    buffer.clear()
        except BodyStalledError:
            cut = "stalled"
        except (aiohttp.ClientError, ConnectionError):
            cut = "cut"
        if buffer:
            await in_thread(_write, handle, bytes(buffer), running, piece)
        if cut is None and received < size:
            cut = "cut"
        return received, cut

    async def _finish(self, upload_id: str, expected: str | None) -> str | None:
        """Move a complete upload in under its SHA-256, and return it; or, when that is
        not the digest its creation stated, discard it whole (the bytes are not the
        sender's bundle, and the sender starts afresh) and return None."""
        running = self._running.pop(upload_id, None)
        if running is None:
            running = await in_thread(self.store.hash_of_partial, upload_id)
        sha256 = running.hexdigest()
        if expected is not None and sha256 != expected:
            await in_thread(self.store.terminate, upload_id)
            log.warning("discarded an upload that did not match its Repr-Digest")
            return None
        await in_thread(self.store.finish, upload_id, sha256)
        status = await in_thread(self.store.status, upload_id)
        log.info("received %s (%d bytes)", sha256, status.length if status else 0)
        return sha256
