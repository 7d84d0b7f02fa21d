"""The PATCH body reader: exactly the slice's bytes, never more than 64 KiB at a time
(flat memory however large the PATCH), its length known up front, Cancel noticed
before every block, and a file that shrank is an error rather than a short body."""

from __future__ import annotations

import io

import pytest
import requests
from hypothesis import given
from hypothesis import strategies as st

from sync.body import BLOCK_SIZE, FileSlice, UploadCancelled


def never() -> bool:
    return False


@given(
    data=st.binary(max_size=3 * BLOCK_SIZE),
    start=st.integers(0, 3 * BLOCK_SIZE),
    length=st.integers(0, 3 * BLOCK_SIZE),
    sizes=st.lists(st.one_of(st.integers(-1, 3 * BLOCK_SIZE), st.none()), min_size=1, max_size=8),
)
def test_reads_exactly_the_slice_in_small_blocks(
    data: bytes, start: int, length: int, sizes: list[int | None]
) -> None:
    start, length = min(start, len(data)), min(length, len(data) - min(start, len(data)))
    body = FileSlice(io.BytesIO(data), start, length, cancelled=never)
    assert len(body) == length
    out = bytearray()
    for i in range(10_000):
        size = sizes[i % len(sizes)]
        block = body.read(size)  # type: ignore[arg-type]
        assert len(block) <= BLOCK_SIZE
        if size is not None and size >= 0:
            assert len(block) <= size
        out += block
        if len(out) == length and size != 0:
            break
        if all(s == 0 for s in sizes):
            out += b"".join(body)  # only empty reads asked for: drain the rest
            break
    assert bytes(out) == data[start : start + length]
    assert body.position == length
    assert body.read() == b""


def test_a_huge_read_is_still_one_small_block() -> None:
    body = FileSlice(io.BytesIO(bytes(10 * BLOCK_SIZE)), 0, 10 * BLOCK_SIZE, cancelled=never)
    assert len(body.read(10**9)) == BLOCK_SIZE
    assert len(body.read()) == BLOCK_SIZE


def test_cancel_is_checked_before_every_block() -> None:
    asked = 0

    def cancelled() -> bool:
        nonlocal asked
        asked += 1
        return asked > 3

    body = FileSlice(io.BytesIO(bytes(10 * BLOCK_SIZE)), 0, 10 * BLOCK_SIZE, cancelled=cancelled)
    for _ in range(3):
        assert body.read() != b""
    with pytest.raises(UploadCancelled):
        body.read()
    assert body.position == 3 * BLOCK_SIZE


def test_progress_is_told_each_block() -> None:
    seen: list[int] = []
    body = FileSlice(io.BytesIO(bytes(100_000)), 10, 99_000, cancelled=never, on_read=seen.append)
    assert b"".join(body) == bytes(99_000)
    assert seen == [BLOCK_SIZE, 99_000 - BLOCK_SIZE]


def test_a_file_shorter_than_the_slice_is_an_error() -> None:
    body = FileSlice(io.BytesIO(bytes(1000)), 0, 2000, cancelled=never)
    assert body.read() == bytes(1000)
    with pytest.raises(OSError):
        body.read()


def test_requests_sends_it_with_content_length_not_chunked() -> None:
    body = FileSlice(io.BytesIO(bytes(3 * BLOCK_SIZE)), 0, 3 * BLOCK_SIZE, cancelled=never)
    prepared = requests.Request("PATCH", "http://127.0.0.1:1/files/x", data=body).prepare()
    assert prepared.headers["Content-Length"] == str(3 * BLOCK_SIZE)
    assert "Transfer-Encoding" not in prepared.headers
    assert prepared.body is body  # streamed, not read into memory
