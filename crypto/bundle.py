"""The sealed bundle container (`.carnet`): who can open it, and an authenticated payload.

Layout (docs/bundle-format.md has every byte):

    magic "CARNETBN" | version u16 | recipient count u8 | reserved u8 | chunk size u32
    stanzas: count × crypto_box_seal(file key)      (80 bytes each, no recipient id)
    secretstream header                              (24 bytes)
    MAC: BLAKE2b-256 keyed with BLAKE2b(FK, "carnet-bndl-mac") over all the above
    payload: secretstream chunks (crypto/chunked.py) under BLAKE2b(FK, "carnet-bndl-data"),
             each chunk's associated data being the MAC

A fresh 32-byte file key FK is made per bundle. A recipient finds its stanza by trying
its key on each. The MAC covers the whole header, so stanzas cannot be swapped, added or
removed, nor the chunk size changed, by anyone who is not a recipient; binding every
chunk to the MAC ties the payload to this header. The payload's plaintext is padded with
zero bytes (Padmé), so the file's size reveals only about log log of the content size.
"""

from __future__ import annotations

import hmac
import struct
from collections.abc import Iterator, Sequence
from typing import BinaryIO

import nacl.bindings as sodium
import nacl.exceptions
import nacl.utils

from crypto.chunked import (
    KEY_BYTES,
    STREAM_HEADER_BYTES,
    ChunkSealer,
    StreamIntegrityError,
    read_exactly,
    unseal_chunks,
)
from crypto.errors import AuthenticationError, MalformedError, WrongKeyError
from crypto.kdf import derive_key

MAGIC = b"CARNETBN"
VERSION = 1
MAX_RECIPIENTS = 16
_PREAMBLE = struct.Struct(">8sHBBI")
PREAMBLE_BYTES = _PREAMBLE.size  # 16
STANZA_BYTES = KEY_BYTES + sodium.crypto_box_SEALBYTES  # 80
MAC_BYTES = 32
DEFAULT_CHUNK_SIZE = 1024 * 1024
PURPOSE_MAC = b"carnet-bndl-mac"
PURPOSE_PAYLOAD = b"carnet-bndl-data"
_WHAT = "the bundle"


class BundleIntegrityError(AuthenticationError):
    """The bundle's header or payload does not verify: changed, truncated or extended."""


class NotAddressedError(WrongKeyError):
    """No stanza opens with this key: the bundle is not addressed to it."""


def header_size(recipients: int) -> int:
    return PREAMBLE_BYTES + recipients * STANZA_BYTES + STREAM_HEADER_BYTES + MAC_BYTES


def padme(length: int) -> int:
    """Padmé padding: the size `length` is rounded up to, leaking O(log log length) bits."""
    if length < 2:
        return length
    exponent = length.bit_length() - 1
    size_bits = exponent.bit_length()
    last_bits = exponent - size_bits
    mask = (1 << last_bits) - 1
    return (length + mask) & ~mask


def _mac(file_key: bytes, header: bytes) -> bytes:
    return bytes(
        sodium.crypto_generichash_blake2b_salt_personal(
            header, digest_size=MAC_BYTES, key=derive_key(file_key, PURPOSE_MAC)
        )
    )


class BundleWriter:
    """Writes a bundle to `out`: call `write()` with the payload, then `close()`.

    The payload is cut into chunks as it comes, so memory holds one chunk whatever the
    bundle's size. `close()` pads (inside the encryption) and writes the FINAL chunk.
    """

    def __init__(
        self,
        recipients: Sequence[bytes],
        out: BinaryIO,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
    ) -> None:
        if not 1 <= len(recipients) <= MAX_RECIPIENTS:
            raise ValueError(f"a bundle has 1 to {MAX_RECIPIENTS} recipients")
        if any(len(key) != KEY_BYTES for key in recipients):
            raise ValueError("a recipient public key is 32 bytes")
        if len(set(recipients)) != len(recipients):
            raise ValueError("a recipient is named twice")
        file_key = nacl.utils.random(KEY_BYTES)
        self._out = out
        self._sealer = ChunkSealer(derive_key(file_key, PURPOSE_PAYLOAD), chunk_size, b"")
        stanzas = b"".join(bytes(sodium.crypto_box_seal(file_key, key)) for key in recipients)
        head = _PREAMBLE.pack(MAGIC, VERSION, len(recipients), 0, chunk_size)
        head += stanzas + self._sealer.start()
        mac = _mac(file_key, head)
        self._sealer.ad = mac  # every chunk is bound to this header
        out.write(head + mac)
        self._chunk_size = chunk_size
        self._buffer = bytearray()
        self.plain_bytes = 0
        self._closed = False

    def __repr__(self) -> str:
        return f"BundleWriter(chunk_size={self._chunk_size})"

    def write(self, data: bytes) -> int:
        if self._closed:
            raise ValueError("the bundle is closed")
        self._buffer += data
        self.plain_bytes += len(data)
        while len(self._buffer) > self._chunk_size:  # keep one back: it may be the last
            chunk = bytes(self._buffer[: self._chunk_size])
            del self._buffer[: self._chunk_size]
            self._out.write(self._sealer.push(chunk, final=False))
        return len(data)

    def close(self) -> None:
        """Pad to the Padmé size, seal the FINAL chunk."""
        if self._closed:
            return
        padding = padme(self.plain_bytes) - self.plain_bytes
        while padding:
            step = min(padding, self._chunk_size)
            self._buffer += bytes(step)
            padding -= step
            while len(self._buffer) > self._chunk_size:
                chunk = bytes(self._buffer[: self._chunk_size])
                del self._buffer[: self._chunk_size]
                self._out.write(self._sealer.push(chunk, final=False))
        self._out.write(self._sealer.push(bytes(self._buffer), final=True))
        self._buffer = bytearray()
        self._closed = True


def open_bundle(source: BinaryIO, public_key: bytes, secret_key: bytes) -> Iterator[bytes]:
    """Yield the payload's verified plaintext chunks (padding included).

    Raises MalformedError for something that is not a bundle, NotAddressedError when no
    stanza opens with this key pair, BundleIntegrityError for any changed, missing or
    extra byte. The caller must not trust the plaintext before the iterator has ended.
    """
    preamble = read_exactly(source, PREAMBLE_BYTES)
    if len(preamble) != PREAMBLE_BYTES:
        raise MalformedError("not a Carnet bundle (too short)")
    magic, version, count, reserved, chunk_size = _PREAMBLE.unpack(preamble)
    if magic != MAGIC:
        raise MalformedError("not a Carnet bundle")
    if version != VERSION:
        raise MalformedError(f"a bundle of format version {version}, which this Carnet cannot read")
    if not 1 <= count <= MAX_RECIPIENTS or reserved != 0:
        raise BundleIntegrityError("the bundle's header is damaged")
    rest = read_exactly(source, count * STANZA_BYTES + STREAM_HEADER_BYTES + MAC_BYTES)
    if len(rest) != count * STANZA_BYTES + STREAM_HEADER_BYTES + MAC_BYTES:
        raise BundleIntegrityError("the bundle is truncated")
    stanzas = rest[: count * STANZA_BYTES]
    stream_header = rest[count * STANZA_BYTES : count * STANZA_BYTES + STREAM_HEADER_BYTES]
    mac = rest[-MAC_BYTES:]
    file_key = _find_file_key(stanzas, count, public_key, secret_key)
    if not hmac.compare_digest(mac, _mac(file_key, preamble + rest[:-MAC_BYTES])):
        raise BundleIntegrityError("the bundle's header does not verify (changed or forged)")
    try:
        yield from unseal_chunks(
            derive_key(file_key, PURPOSE_PAYLOAD), stream_header, source, chunk_size, mac, _WHAT
        )
    except StreamIntegrityError as exc:
        raise BundleIntegrityError(exc.message) from None
    except ValueError:
        raise BundleIntegrityError("the bundle's header is damaged") from None


def _find_file_key(stanzas: bytes, count: int, public_key: bytes, secret_key: bytes) -> bytes:
    for index in range(count):
        stanza = stanzas[index * STANZA_BYTES : (index + 1) * STANZA_BYTES]
        try:
            file_key = bytes(sodium.crypto_box_seal_open(stanza, public_key, secret_key))
        except nacl.exceptions.CryptoError:
            continue
        if len(file_key) == KEY_BYTES:
            return file_key
    raise NotAddressedError("this bundle is not addressed to this key")
