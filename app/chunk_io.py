"""A readable file object over an iterator of byte chunks (a decrypting stream).

tarfile reads members from file objects; the decrypted payload of a blob or a bundle
comes as an iterator of ~1 MiB chunks. This adapter hands out slices of the current
chunk through a memoryview, without copying the rest of the chunk on every read.
"""

from __future__ import annotations

import io
import queue
import threading
from collections.abc import Callable, Generator, Iterator
from typing import Any


def _ignore(size: int) -> None:
    return None


class ChunkReader(io.RawIOBase):
    def __init__(self, chunks: Iterator[bytes], on_chunk: Callable[[int], None] = _ignore) -> None:
        self._chunks = chunks
        self._view = memoryview(b"")
        self._on_chunk = on_chunk
        self.finished = False  # the iterator ran out (for a verifying stream: all checked)

    def readable(self) -> bool:
        return True

    def readinto(self, target: Any) -> int:
        while not self._view:
            try:
                chunk = next(self._chunks)
            except StopIteration:
                self.finished = True
                return 0
            self._view = memoryview(chunk)
            self._on_chunk(len(chunk))
        size = min(len(target), len(self._view))
        target[:size] = self._view[:size]
        self._view = self._view[size:]
        return size


class _Done:
    """Marks the end of a prefetched iterator."""


def prefetch(items: Iterator[bytes], depth: int = 4) -> Generator[bytes, None, None]:
    """Run `items` in a thread, `depth` chunks ahead, so producing and consuming overlap.

    For a decrypting, hash-checking stream feeding an encrypting one: libsodium and
    hashlib release the GIL, so the two halves use both cores. An exception in the
    producer is raised here, in the consumer, at the point it happened in the stream.
    Closing the returned generator early stops the producer.
    """
    channel: queue.Queue[bytes | BaseException | _Done] = queue.Queue(depth)
    stop = threading.Event()

    def produce() -> None:
        try:
            for item in items:
                if not _offer(channel, item, stop):
                    return
            _offer(channel, _Done(), stop)
        except BaseException as exc:
            _offer(channel, exc, stop)

    worker = threading.Thread(target=produce, name="carnet-prefetch", daemon=True)
    worker.start()
    try:
        while True:
            item = channel.get()
            if isinstance(item, _Done):
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        while True:
            try:
                channel.get_nowait()
            except queue.Empty:
                break
        worker.join()


def _offer(channel: queue.Queue[Any], item: Any, stop: threading.Event) -> bool:
    while not stop.is_set():
        try:
            channel.put(item, timeout=0.1)
            return True
        except queue.Full:
            continue
    return False
