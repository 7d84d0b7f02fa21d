"""The attachment blob format (crypto/blob_stream.py): round trips and every kind of tampering."""

from __future__ import annotations

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crypto.blob_stream import (
    CHUNK_OVERHEAD,
    MIN_CHUNK_SIZE,
    PREAMBLE_BYTES,
    STREAM_HEADER_BYTES,
    BlobEncryptor,
    BlobIntegrityError,
    decrypt_stream,
    encrypt_chunks,
    encrypted_size,
)
from crypto.errors import CryptoError

KEY = bytes(range(32))
CHUNK = MIN_CHUNK_SIZE
HEAD = PREAMBLE_BYTES + STREAM_HEADER_BYTES

# A blob made once by encrypt_chunks (key = bytes 0..31, chunk size 1024, plaintext
# "Carnet evidence"); docs/attachment-format.md shows the same bytes. Decrypting it
# proves the format has not drifted.
VECTOR_PLAINTEXT = b"Carnet evidence"
VECTOR_BLOB = bytes.fromhex(
    "4341524e4554424c0001000000000400"  # preamble: CARNETBL, v1, reserved, chunk 1024
    "4ecbd40dab0979ac53bfaab759f13615c5baa7d83f1cc815"  # secretstream header
    "1a05311b2c4033df94abadcaf6434542470ccd4d95284daab43cac7f2d5dd589"  # final chunk
)


def seal(data: bytes, chunk_size: int = CHUNK, key: bytes = KEY) -> bytes:
    chunks = [data[i : i + chunk_size] for i in range(0, len(data), chunk_size)]
    return b"".join(encrypt_chunks(key, chunks, chunk_size))


def open_blob(blob: bytes, chunk_size: int = CHUNK, key: bytes = KEY) -> bytes:
    return b"".join(decrypt_stream(key, io.BytesIO(blob), chunk_size))


def sealed_chunks(blob: bytes, chunk_size: int = CHUNK) -> tuple[bytes, list[bytes]]:
    step = chunk_size + CHUNK_OVERHEAD
    body = blob[HEAD:]
    return blob[:HEAD], [body[i : i + step] for i in range(0, len(body), step)]


@pytest.mark.parametrize(
    "size", [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, CHUNK * 7 // 2, 3 * CHUNK], ids=str
)
def test_round_trip_at_chunk_boundaries(size: int) -> None:
    data = bytes((i * 7 + 3) % 256 for i in range(size))
    blob = seal(data)
    assert len(blob) == encrypted_size(size, CHUNK)
    assert open_blob(blob) == data


@settings(max_examples=60, deadline=None)
@given(data=st.binary(max_size=6 * CHUNK), chunk_size=st.sampled_from([CHUNK, 1500, 4096]))
def test_round_trip_property(data: bytes, chunk_size: int) -> None:
    blob = seal(data, chunk_size)
    assert len(blob) == encrypted_size(len(data), chunk_size)
    assert open_blob(blob, chunk_size) == data


def test_ciphertext_holds_no_plaintext_and_differs_each_time() -> None:
    data = b"CANARY-blob-7f3a" * 200
    first, second = seal(data), seal(data)
    assert b"CANARY" not in first
    assert first != second  # a fresh secretstream header every time


def _flip(blob: bytes, at: int) -> bytes:
    return blob[:at] + bytes([blob[at] ^ 0x01]) + blob[at + 1 :]


DATA = bytes(range(256)) * (CHUNK * 7 // 2 // 256)  # 3.5 chunks


def tampered() -> dict[str, bytes]:
    blob = seal(DATA)
    head, chunks = sealed_chunks(blob)
    assert len(chunks) == 4
    return {
        "flip in preamble": _flip(blob, 12),
        "flip in stream header": _flip(blob, PREAMBLE_BYTES + 3),
        "flip in first chunk": _flip(blob, HEAD + 10),
        "flip in last chunk": _flip(blob, len(blob) - 1),
        "truncate mid-chunk": blob[:-5],
        "truncate at a chunk boundary": head + b"".join(chunks[:2]),
        "truncate to the header": blob[:HEAD],
        "truncate inside the header": blob[: HEAD - 1],
        "empty": b"",
        "drop a chunk": head + chunks[0] + chunks[2] + chunks[3],
        "drop the final chunk": head + b"".join(chunks[:3]),
        "swap two chunks": head + chunks[1] + chunks[0] + chunks[2] + chunks[3],
        "repeat a chunk": head + chunks[0] + chunks[0] + chunks[1] + chunks[2] + chunks[3],
        "append garbage": blob + b"\x00garbage",
        "append a copy of the final chunk": blob + chunks[3],
    }


@pytest.mark.parametrize("kind", list(tampered()))
def test_every_tampering_is_detected(kind: str) -> None:
    with pytest.raises(CryptoError):
        open_blob(tampered()[kind])


def test_wrong_key_and_changed_chunk_size_are_detected() -> None:
    blob = seal(DATA)
    with pytest.raises(BlobIntegrityError):
        open_blob(blob, key=bytes(32))
    with pytest.raises(BlobIntegrityError):
        open_blob(blob, chunk_size=CHUNK * 2)


@settings(max_examples=80, deadline=None)
@given(position=st.integers(min_value=0), bit=st.integers(min_value=0, max_value=7))
def test_any_single_bit_flip_is_detected(position: int, bit: int) -> None:
    blob = seal(DATA[: CHUNK * 2 + 100])
    at = position % len(blob)
    changed = blob[:at] + bytes([blob[at] ^ (1 << bit)]) + blob[at + 1 :]
    with pytest.raises(CryptoError):
        open_blob(changed)


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=3 * (CHUNK + CHUNK_OVERHEAD)))
def test_random_bytes_never_decrypt_and_raise_only_crypto_errors(junk: bytes) -> None:
    with pytest.raises(CryptoError):
        open_blob(junk)


def test_encryptor_refuses_misuse() -> None:
    encryptor = BlobEncryptor(KEY, CHUNK)
    with pytest.raises(ValueError, match="started"):
        encryptor.push(b"", final=True)
    encryptor.start()
    with pytest.raises(ValueError, match="final chunk"):
        encryptor.push(b"short", final=False)
    encryptor.push(b"end", final=True)
    with pytest.raises(ValueError, match="unfinished"):
        encryptor.push(b"", final=True)
    with pytest.raises(ValueError, match="32 bytes"):
        BlobEncryptor(b"short")
    assert "KEY" not in repr(encryptor) and KEY.hex() not in repr(encryptor)


def test_known_answer_vector() -> None:
    assert open_blob(VECTOR_BLOB) == VECTOR_PLAINTEXT


@pytest.mark.parametrize("extra", [b"\x00", b"garbage"], ids=["a zero byte", "garbage"])
def test_bytes_after_a_full_final_chunk_are_detected(extra: bytes) -> None:
    """A last chunk of exactly the chunk size is read whole, so bytes appended to it are
    not swallowed by its authentication: only the check after FINAL finds them."""
    blob = seal(bytes(range(256)) * (2 * CHUNK // 256))
    _head, chunks = sealed_chunks(blob)
    assert len(chunks) == 2 and len(chunks[-1]) == CHUNK + CHUNK_OVERHEAD
    with pytest.raises(BlobIntegrityError):
        open_blob(blob + extra)
