"""The one parser of `Repr-Digest` (sync/digest_fields.py), which reads what a server
answers and what a client states: strict, and never anything but bytes, None or
ValueError, whatever arrives."""

from __future__ import annotations

import base64
import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sync.digest_fields import format_repr_digest, parse_repr_digest

DIGESTS = st.binary(min_size=32, max_size=32)


@given(DIGESTS)
def test_format_then_parse_is_the_digest(digest: bytes) -> None:
    assert parse_repr_digest(format_repr_digest(digest)) == digest


@given(DIGESTS, st.sampled_from(["sha-512", "md5", "unixsum", "*x"]), st.binary(max_size=64))
def test_other_algorithms_beside_it_are_skipped(digest: bytes, name: str, other: bytes) -> None:
    member = f"{name}=:{base64.b64encode(other).decode()}:"
    both = f"{member}, {format_repr_digest(digest)}\t"
    assert parse_repr_digest(both) == digest
    assert parse_repr_digest(member) is None


@given(st.text(max_size=200))
def test_any_text_is_a_digest_none_or_a_value_error(value: str) -> None:
    try:
        parsed = parse_repr_digest(value)
    except ValueError:
        return
    assert parsed is None or len(parsed) == 32


@pytest.mark.parametrize(
    "value",
    [
        "",
        "sha-256=:" + base64.b64encode(b"x" * 31).decode() + ":",
        "sha-256=:!!!:",
        "sha-256=:AAA:",  # not padded
        "sha-256=" + base64.b64encode(b"x" * 32).decode(),  # not a byte sequence
        "sha-256=:" + base64.b64encode(b"x" * 32).decode() + ":;param=1",
        format_repr_digest(b"x" * 32) + "," + format_repr_digest(b"y" * 32),
        "a" * 1100,
    ],
)
def test_malformed_values_are_refused(value: str) -> None:
    with pytest.raises(ValueError):
        parse_repr_digest(value)


def test_the_written_form() -> None:
    digest = hashlib.sha256(b"abc").digest()
    assert format_repr_digest(digest) == ("sha-256=:ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=:")
    with pytest.raises(ValueError):
        format_repr_digest(digest[:16])
