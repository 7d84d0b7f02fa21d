"""libsodium secretstream over fixed-size chunks: the one construction for long data.

Used by attachment blobs (crypto/blob_stream.py) and sealed bundles (crypto/bundle.py),
each with its own associated data. Every chunk but the last holds exactly `chunk_size`
plaintext bytes; the last holds 0 to `chunk_size` and carries the FINAL tag. Secretstream
chains the chunks, so a flipped, dropped, repeated or reordered chunk fails, and FINAL
tells a complete stream from one cut at a chunk boundary; bytes after FINAL are refused.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, BinaryIO

import nacl.bindings as sodium
import nacl.exceptions

from crypto.errors import AuthenticationError

STREAM_HEADER_BYTES = sodium.crypto_secretstream_xchacha20poly1305_HEADERBYTES  # 24
CHUNK_OVERHEAD = sodium.crypto_secretstream_xchacha20poly1305_ABYTES  # 17
KEY_BYTES = sodium.crypto_secretstream_xchacha20poly1305_KEYBYTES  # 32
MIN_CHUNK_SIZE = 1024
MAX_CHUNK_SIZE = 16 * 1024 * 1024
_TAG_MESSAGE = sodium.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE
_TAG_FINAL = sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL


class StreamIntegrityError(AuthenticationError):
    """The stream does not decrypt to a complete, untouched sequence of chunks."""


def check_chunk_size(chunk_size: int) -> None:
    if not MIN_CHUNK_SIZE <= chunk_size <= MAX_CHUNK_SIZE:
        raise ValueError("chunk size out of range")


def sealed_size(plain_size: int, chunk_size: int) -> int:
    """Bytes of chunks (without the stream header) for `plain_size` plaintext bytes."""
    chunks = max(1, -(-plain_size // chunk_size))  # an empty stream is one empty FINAL chunk
    return plain_size + chunks * CHUNK_OVERHEAD


class ChunkSealer:
    """Encrypts one stream: `start()` once, then `push()` per chunk, the last with final."""

    def __init__(self, key: bytes, chunk_size: int, ad: bytes) -> None:
        if len(key) != KEY_BYTES:
            raise ValueError("a stream key is 32 bytes")
        check_chunk_size(chunk_size)
        self.chunk_size = chunk_size
        self.ad = ad  # may be set after start(), before the first push (bundles: the MAC)
        self._key = key
        self._state = sodium.crypto_secretstream_xchacha20poly1305_state()
        self._started = False
        self._finished = False

    def __repr__(self) -> str:
        return f"ChunkSealer(chunk_size={self.chunk_size})"

    def start(self) -> bytes:
        """The 24-byte secretstream header."""
        if self._started:
            raise ValueError("already started")
        self._started = True
        return bytes(sodium.crypto_secretstream_xchacha20poly1305_init_push(self._state, self._key))

    def push(self, chunk: bytes, *, final: bool) -> bytes:
        if not self._started or self._finished:
            raise ValueError("push outside a started, unfinished stream")
        if len(chunk) > self.chunk_size or (not final and len(chunk) != self.chunk_size):
            raise ValueError("only the final chunk may be shorter than the chunk size")
        self._finished = final
        tag = _TAG_FINAL if final else _TAG_MESSAGE
        return bytes(
            sodium.crypto_secretstream_xchacha20poly1305_push(self._state, chunk, self.ad, tag)
        )


def unseal_chunks(
    key: bytes, stream_header: bytes, source: BinaryIO, chunk_size: int, ad: bytes, what: str
) -> Iterator[bytes]:
    """Yield verified plaintext chunks read from `source` (positioned after the header).

    `what` names the data in error messages ("the encrypted file", "the bundle"). The
    caller must not trust what it received until the generator ends without raising.
    """
    if len(key) != KEY_BYTES:
        raise ValueError("a stream key is 32 bytes")
    check_chunk_size(chunk_size)
    state = sodium.crypto_secretstream_xchacha20poly1305_state()
    try:
        sodium.crypto_secretstream_xchacha20poly1305_init_pull(state, stream_header, key)
    except (nacl.exceptions.CryptoError, nacl.exceptions.ValueError, TypeError):
        raise StreamIntegrityError(f"{what}'s stream header is damaged") from None
    sealed_chunk = chunk_size + CHUNK_OVERHEAD
    while True:
        sealed = read_exactly(source, sealed_chunk)
        if len(sealed) < CHUNK_OVERHEAD:
            raise StreamIntegrityError(f"{what} is truncated")
        try:
            plain, tag = sodium.crypto_secretstream_xchacha20poly1305_pull(state, sealed, ad)
        except nacl.exceptions.CryptoError:
            raise StreamIntegrityError(f"a chunk of {what} does not verify") from None
        if tag == _TAG_FINAL:
            if source.read(1):
                raise StreamIntegrityError(f"{what} has bytes after its end")
            yield bytes(plain)
            return
        if tag != _TAG_MESSAGE or len(sealed) != sealed_chunk:
            raise StreamIntegrityError(f"{what} is truncated")
        yield bytes(plain)


def read_exactly(source: IO[bytes], size: int) -> bytes:
    """Read `size` bytes, or fewer only at the end of the stream (pipes read short)."""
    data = source.read(size)
    if len(data) == size or not data:
        return data
    parts = [data]
    missing = size - len(data)
    while missing:
        more = source.read(missing)
        if not more:
            break
        parts.append(more)
        missing -= len(more)
    return b"".join(parts)
