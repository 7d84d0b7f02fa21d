"""The body of one PATCH: a bounded window onto the bundle file, read 64 KiB at a time.

requests and urllib3 stream a body that has `read` and `__len__` (Content-Length comes
from `__len__`, so no chunked encoding, which some tus servers refuse). Reading through
this window keeps the client's memory flat however large the PATCH (8–50 MiB) and lets
a Cancel stop the upload within 64 KiB instead of at the end of the piece.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import BinaryIO

from sync.transport import CancelledCheck

BLOCK_SIZE = 64 * 1024


class UploadCancelled(Exception):
    """Raised from inside the body when the person pressed Cancel.

    Deliberately not an OSError nor a urllib3 error, so that urllib3 neither retries
    nor wraps it: it reaches the tus client unchanged, which turns it into
    TransportError(CANCELLED)."""


class FileSlice:
    """Bytes [start, start + length) of an open file, handed out at most BLOCK_SIZE at a
    time. It holds no buffer of its own: each read is one `file.read` of at most 64 KiB.
    `on_read(n)` is told each block's size (for a progress line), and `cancelled()` is
    asked before each block."""

    def __init__(
        self,
        file: BinaryIO,
        start: int,
        length: int,
        *,
        cancelled: CancelledCheck,
        on_read: Callable[[int], None] | None = None,
    ) -> None:
        if start < 0 or length < 0:
            raise ValueError("a file slice needs a non-negative start and length")
        self._file = file
        self._start = start
        self._length = length
        self._position = 0
        self._cancelled = cancelled
        self._on_read = on_read
        self._file.seek(start)

    def __len__(self) -> int:
        return self._length

    @property
    def position(self) -> int:
        """How many bytes of the slice were handed out so far."""
        return self._position

    def read(self, size: int = -1) -> bytes:
        """At most min(size, 64 KiB, what is left) bytes; b"" at the end of the slice."""
        left = self._length - self._position
        if left <= 0:
            return b""
        if self._cancelled():
            raise UploadCancelled()
        want = BLOCK_SIZE if size is None or size < 0 else min(size, BLOCK_SIZE)
        want = min(want, left)
        data = self._file.read(want)
        if not data and want > 0:
            # The file is shorter than the slice: it changed under us. Sending fewer
            # bytes than Content-Length would hang the server until its timeout.
            raise OSError("the bundle file is shorter than expected")
        self._position += len(data)
        if self._on_read is not None:
            self._on_read(len(data))
        return data

    def __iter__(self) -> Iterator[bytes]:
        while block := self.read(BLOCK_SIZE):
            yield block
