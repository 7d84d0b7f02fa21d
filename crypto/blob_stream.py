"""The encrypted attachment format: libsodium secretstream in fixed-size chunks.

A blob is a 16-byte preamble, the 24-byte secretstream header, then the chunks of
crypto/chunked.py. The preamble is the associated data of every chunk, so the chunk
size cannot be changed unnoticed.

Preamble: magic ``CARNETBL`` (8 bytes), format version (u16 big-endian, 1), reserved
(u16, 0), chunk size (u32 big-endian). docs/attachment-format.md has the details.

Each blob has its own random key, kept in its database row, so no two blobs share a key
and the format needs no nonce management beyond secretstream's own.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Iterator
from typing import BinaryIO

from crypto.chunked import (
    CHUNK_OVERHEAD,
    KEY_BYTES,
    MIN_CHUNK_SIZE,
    STREAM_HEADER_BYTES,
    ChunkSealer,
    StreamIntegrityError,
    check_chunk_size,
    read_exactly,
    sealed_size,
    unseal_chunks,
)
from crypto.errors import MalformedError

__all__ = [
    "CHUNK_OVERHEAD",
    "DEFAULT_CHUNK_SIZE",
    "KEY_BYTES",
    "MIN_CHUNK_SIZE",
    "PREAMBLE_BYTES",
    "STREAM_HEADER_BYTES",
    "BlobEncryptor",
    "BlobIntegrityError",
    "decrypt_stream",
    "encrypt_chunks",
    "encrypted_size",
    "read_exactly",
]

MAGIC = b"CARNETBL"
VERSION = 1
_PREAMBLE = struct.Struct(">8sHHI")
PREAMBLE_BYTES = _PREAMBLE.size  # 16
DEFAULT_CHUNK_SIZE = 1024 * 1024
BlobIntegrityError = StreamIntegrityError
_WHAT = "the encrypted file"


def preamble(chunk_size: int) -> bytes:
    check_chunk_size(chunk_size)
    return _PREAMBLE.pack(MAGIC, VERSION, 0, chunk_size)


def encrypted_size(plain_size: int, chunk_size: int) -> int:
    """The blob's size on disk for a plaintext of `plain_size` bytes."""
    return PREAMBLE_BYTES + STREAM_HEADER_BYTES + sealed_size(plain_size, chunk_size)


class BlobEncryptor:
    """Encrypts one blob. Call `start()` once, then `push()` per chunk, the last with final."""

    def __init__(self, key: bytes, chunk_size: int = DEFAULT_CHUNK_SIZE) -> None:
        self.chunk_size = chunk_size
        self._preamble = preamble(chunk_size)
        self._sealer = ChunkSealer(key, chunk_size, self._preamble)

    def __repr__(self) -> str:
        return f"BlobEncryptor(chunk_size={self.chunk_size})"

    def start(self) -> bytes:
        """The preamble and the secretstream header: the blob's first 40 bytes."""
        return self._preamble + self._sealer.start()

    def push(self, chunk: bytes, *, final: bool) -> bytes:
        return self._sealer.push(chunk, final=final)


def encrypt_chunks(key: bytes, chunks: Iterable[bytes], chunk_size: int) -> Iterator[bytes]:
    """Encrypt a sequence of plaintext chunks (all full but the last), yielding the blob.

    Reads one chunk ahead so the last one gets the FINAL tag; an empty sequence makes a
    blob holding one empty FINAL chunk.
    """
    encryptor = BlobEncryptor(key, chunk_size)
    yield encryptor.start()
    pending: bytes | None = None
    for chunk in chunks:
        if pending is not None:
            yield encryptor.push(pending, final=False)
        pending = chunk
    yield encryptor.push(pending if pending is not None else b"", final=True)


def decrypt_stream(key: bytes, source: BinaryIO, expected_chunk_size: int) -> Iterator[bytes]:
    """Yield the plaintext chunks of the blob read from `source`, verifying as it goes.

    Raises BlobIntegrityError for anything but a complete, untouched stream: a bad
    preamble, a chunk that fails authentication, a stream that ends before its FINAL
    chunk, or bytes after it. The caller must treat what it received as untrusted until
    the generator finishes without raising.
    """
    if len(key) != KEY_BYTES:
        raise ValueError("a blob key is 32 bytes")
    head = read_exactly(source, PREAMBLE_BYTES + STREAM_HEADER_BYTES)
    if len(head) != PREAMBLE_BYTES + STREAM_HEADER_BYTES:
        raise BlobIntegrityError(f"{_WHAT} is truncated")
    ad = head[:PREAMBLE_BYTES]
    try:
        magic, version, reserved, chunk_size = _PREAMBLE.unpack(ad)
    except struct.error:
        raise MalformedError("not an attachment blob") from None
    if magic != MAGIC or version != VERSION or reserved != 0:
        raise BlobIntegrityError("not an attachment blob, or an unknown version")
    if chunk_size != expected_chunk_size:
        raise BlobIntegrityError(f"{_WHAT}'s chunk size was changed")
    yield from unseal_chunks(key, head[PREAMBLE_BYTES:], source, chunk_size, ad, _WHAT)
