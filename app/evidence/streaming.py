"""Sealing a file into a blob, and opening a blob back, in one pass with flat memory.

Sealing reads the source once: a reader thread reads fixed-size chunks and feeds
SHA-256 while the calling thread encrypts the chunk before and writes it. hashlib and
libsodium both release the GIL on large buffers, so on two cores hashing and encryption
overlap. A bounded queue keeps at most a few chunks in memory whatever the file's size.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import IO, BinaryIO

import nacl.utils

from app.chunk_io import prefetch
from app.errors import IntegrityError
from app.evidence.blobs import BlobStore
from app.evidence.media import HEAD_BYTES
from app.progress import CancelToken
from crypto.blob_stream import (
    DEFAULT_CHUNK_SIZE,
    KEY_BYTES,
    BlobEncryptor,
    BlobIntegrityError,
    decrypt_stream,
    read_exactly,
)
from crypto.errors import MalformedError

QUEUE_CHUNKS = 4
ByteProgress = Callable[[int], None]


def _no_byte_progress(done: int) -> None:
    pass


@dataclass(frozen=True)
class SealedFile:
    """A blob written and fsynced, not yet registered in the database."""

    blob_id: str
    key: bytes = field(repr=False)
    chunk_size: int
    size: int
    sha256: str
    head: bytes = field(repr=False)


def seal(
    source: IO[bytes],
    blobs: BlobStore,
    *,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    progress: ByteProgress = _no_byte_progress,
    cancel: CancelToken | None = None,
) -> SealedFile:
    """Read `source` to its end, hashing and encrypting it into a new blob."""
    key = nacl.utils.random(KEY_BYTES)
    blob_id = blobs.new_id()
    hasher = hashlib.sha256()

    def read_and_hash() -> Iterator[bytes]:
        while True:
            chunk = read_exactly(source, chunk_size)
            hasher.update(chunk)
            if chunk:
                yield chunk
            if len(chunk) < chunk_size:
                return

    chunks = prefetch(read_and_hash(), QUEUE_CHUNKS)  # hashing overlaps encryption
    encryptor = BlobEncryptor(key, chunk_size)
    size = 0
    head = b""
    try:
        with blobs.writing(blob_id) as out:
            out.write(encryptor.start())
            pending: bytes | None = None
            for item in chunks:
                if cancel is not None:
                    cancel.raise_if_cancelled()
                if pending is not None:
                    _write_all(out, encryptor.push(pending, final=False))
                if len(head) < HEAD_BYTES:
                    head += item[: HEAD_BYTES - len(head)]
                pending = item
                size += len(item)
                progress(size)
            _write_all(out, encryptor.push(pending or b"", final=True))
    finally:
        chunks.close()  # stops and joins the reader thread if we left early
    return SealedFile(blob_id, key, chunk_size, size, hasher.hexdigest(), head)


def open_chunks(blobs: BlobStore, blob_id: str, key: bytes, chunk_size: int) -> Iterator[bytes]:
    """The blob's plaintext chunks, authenticated as they come (see decrypt_stream)."""
    with blobs.open(blob_id) as handle:
        try:
            yield from decrypt_stream(key, handle, chunk_size)
        except (BlobIntegrityError, MalformedError) as exc:
            raise IntegrityError(f"the attachment failed verification: {exc.message}") from None


def digest(
    blobs: BlobStore,
    blob_id: str,
    key: bytes,
    chunk_size: int,
    progress: ByteProgress = _no_byte_progress,
) -> tuple[str, int]:
    """SHA-256 and size of a blob's plaintext, decrypting it completely."""
    hasher = hashlib.sha256()
    size = 0
    for chunk in open_chunks(blobs, blob_id, key, chunk_size):
        hasher.update(chunk)
        size += len(chunk)
        progress(size)
    return hasher.hexdigest(), size


def _write_all(out: BinaryIO, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = out.write(view)
        if written is None:  # a non-blocking stream; blobs are regular files
            raise OSError("short write")
        view = view[written:]
