"""The intake's limits and the small machinery that enforces them: how big, how many at
once, how slow, and one writer per upload.

A server on the open internet (or behind an onion service) is offered slow clients on
purpose: one that sends headers a byte at a time, or opens a PATCH and stops. aiohttp's
keep-alive timer already closes a connection whose request headers are not complete in
time (it starts when the connection opens and only a complete request stops it), so the
header limit is that timer; the body limit is BodyPacer, around every read of a body.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import aiohttp

DEFAULT_MAX_SIZE = 2 * 1024**3  # a sealed bundle of evidence, with room to spare
# Bytes a body must deliver in every `body_timeout` window: a trickle below this holds
# an upload slot without sending anything worth keeping.
MIN_BYTES_PER_WINDOW = 1024


@dataclass(frozen=True)
class IntakeLimits:
    max_size: int = DEFAULT_MAX_SIZE
    header_timeout: float = 30.0  # seconds to send complete request headers
    body_timeout: float = 30.0  # seconds in which a body must deliver MIN_BYTES_PER_WINDOW
    max_concurrent: int = 32  # PATCH bodies being received at once
    max_partials: int = 256  # unfinished uploads kept at once (disk is finite)
    lock_wait: float = 5.0  # how long a request waits for another one on the same upload
    # Free space kept on the store's disk beyond the upload being created.
    reserve_bytes: int = 64 * 1024**2


class BodyStalledError(Exception):
    """The client stopped sending (or sends too slowly) in the middle of a body."""


class BodyPacer:
    """Reads a request body under the intake's body time limit: each read must return
    within `timeout` seconds, and each window of `timeout` seconds must bring at least
    MIN_BYTES_PER_WINDOW bytes (unless the body ended)."""

    def __init__(self, timeout: float) -> None:
        self._timeout = timeout
        self._loop = asyncio.get_running_loop()
        self._window_start = self._loop.time()
        self._window_bytes = 0

    async def read(self, content: aiohttp.StreamReader, limit: int) -> bytes:
        try:
            async with asyncio.timeout(self._timeout):
                chunk = await content.read(limit)
        except TimeoutError:
            raise BodyStalledError from None
        now = self._loop.time()
        self._window_bytes += len(chunk)
        if now - self._window_start >= self._timeout:
            if self._window_bytes < MIN_BYTES_PER_WINDOW and chunk:
                raise BodyStalledError
            self._window_start, self._window_bytes = now, 0
        return chunk


class UploadGate:
    """Counts PATCH bodies in progress; past the cap a new one is refused at once (503)
    rather than queued, so a flood cannot pile up open connections behind it."""

    def __init__(self, capacity: int) -> None:
        self._capacity = capacity
        self.active = 0

    def try_enter(self) -> bool:
        if self.active >= self._capacity:
            return False
        self.active += 1
        return True

    def leave(self) -> None:
        self.active -= 1


class UploadLockedError(Exception):
    """Another request holds this upload for longer than the intake waits (423)."""


class UploadLocks:
    """One request at a time per upload id: two PATCHes at the same offset (a client that
    retried while its first attempt was still arriving) must not both append. Locks are
    dropped when nobody holds or waits for them, so the table stays small."""

    def __init__(self) -> None:
        self._locks: dict[str, asyncio.Lock] = {}
        self._users: dict[str, int] = {}

    @contextlib.asynccontextmanager
    async def hold(self, upload_id: str, wait: float) -> AsyncIterator[None]:
        lock = self._locks.setdefault(upload_id, asyncio.Lock())
        self._users[upload_id] = self._users.get(upload_id, 0) + 1
        try:
            try:
                async with asyncio.timeout(wait):
                    await lock.acquire()
            except TimeoutError:
                raise UploadLockedError from None
            try:
                yield
            finally:
                lock.release()
        finally:
            self._users[upload_id] -= 1
            if self._users[upload_id] == 0:
                del self._users[upload_id]
                del self._locks[upload_id]
