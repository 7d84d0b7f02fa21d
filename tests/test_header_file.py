"""The header file around the copies: layout, which copy is in force, the counter records,
the migration states, and a parser that takes any bytes.

parse_header_file reads attacker-controlled bytes before any key is known: it either
raises MalformedError or returns copies that are each a valid version 3 header (or one
legacy header), whatever it is given.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crypto.errors import MalformedError
from crypto.header import (
    COPY_BYTES,
    VERSION,
    VERSION_1,
    VERSION_WITH_LOCKOUT,
    VaultHeader,
)
from crypto.header_file import (
    COPY_OFFSETS,
    COUNTER_OFFSETS,
    COUNTER_RECORD_BYTES,
    FILE_BYTES,
    CounterRecord,
    encode_copy,
    encode_counter,
    encode_file,
    is_torn_creation,
    parse_header_file,
)
from crypto.kdf import KdfProfile
from crypto.keyslots import SLOT_BYTES

MASTER_KEY = bytes(range(32))


def copy(sequence: int = 1, wipe_after: int = 0, slot_byte: int = 0xA1) -> VaultHeader:
    header = VaultHeader(
        device_share_required=False,
        vault_id=bytes(range(16)),
        profile=KdfProfile.INTERACTIVE,
        salt=bytes(range(16, 32)),
        passphrase_slot=bytes([slot_byte]) * SLOT_BYTES,
        recovery_slot=b"\xb2" * SLOT_BYTES,
        duress_slot=b"\xc3" * SLOT_BYTES,
        wipe_after=wipe_after,
        sequence=sequence,
    )
    return header.sealed_with(MASTER_KEY)


def legacy(version: int = VERSION_1, failed: int = 0) -> VaultHeader:
    base = replace(copy(), version=version, sequence=0)
    if version == VERSION_WITH_LOCKOUT:
        base = replace(base, wipe_after=5, failed_unlocks=failed)
    return base.sealed_with(MASTER_KEY)


def with_copy(data: bytes, index: int, header: VaultHeader) -> bytes:
    out = bytearray(data)
    out[COPY_OFFSETS[index] : COPY_OFFSETS[index] + 4096] = encode_copy(header)
    return bytes(out)


def with_counter(data: bytes, index: int, record: CounterRecord) -> bytes:
    out = bytearray(data)
    out[COUNTER_OFFSETS[index] : COUNTER_OFFSETS[index] + 2048] = encode_counter(record)
    return bytes(out)


# --- layout ---------------------------------------------------------------------------


def test_layout() -> None:
    data = encode_file(copy(7))
    assert len(data) == FILE_BYTES == 12288
    assert data[0:COPY_BYTES] == copy(7).to_bytes()
    assert data[COPY_BYTES:4096] == bytes(4096 - COPY_BYTES)
    assert data[4096:8192] == data[0:4096]
    assert data[8192 : 8192 + COUNTER_RECORD_BYTES] == encode_counter(CounterRecord(1, 0))[:28]
    assert data[8192 + COUNTER_RECORD_BYTES :] == bytes(FILE_BYTES - 8192 - 28)
    state = parse_header_file(data)
    assert state.copies == (copy(7), copy(7))
    assert state.consistent and not state.legacy and state.other is None
    assert state.failed_unlocks == 0 and state.sequence == 7


def test_the_newest_intact_copy_is_in_force_wherever_it_is() -> None:
    base = encode_file(copy(1))
    for index in (0, 1):
        data = with_copy(base, index, copy(2, slot_byte=0xEE))
        state = parse_header_file(data)
        assert state.newest_index == index
        assert state.newest == copy(2, slot_byte=0xEE)
        assert state.other == copy(1)
        assert not state.consistent
        assert state.sequence == 2


def test_a_tie_is_copy_a() -> None:
    data = with_copy(encode_file(copy(3)), 1, copy(3, slot_byte=0x11))
    assert parse_header_file(data).newest == copy(3)


@pytest.mark.parametrize("index", [0, 1])
@pytest.mark.parametrize("offset", [0, 8, 57, 100, 283, 300, 347, 348, 2000, 4095])
def test_a_torn_copy_is_skipped(index: int, offset: int) -> None:
    data = bytearray(encode_file(copy(1)))
    data[COPY_OFFSETS[index] + offset] ^= 0x40
    state = parse_header_file(bytes(data))
    assert state.copies[index] is None
    assert state.copies[1 - index] == copy(1)
    assert state.newest == copy(1) and not state.consistent


def test_no_intact_copy_is_malformed() -> None:
    data = bytearray(encode_file(copy(1)))
    data[10] ^= 1
    data[4096 + 10] ^= 1
    with pytest.raises(MalformedError, match="no intact copy"):
        parse_header_file(bytes(data))


def test_a_copy_must_be_version_3() -> None:
    old = legacy().to_bytes().ljust(4096, b"\x00")
    data = bytearray(encode_file(copy(1)))
    data[4096:8192] = old
    assert parse_header_file(bytes(data)).copies[1] is None


# --- the counter records ----------------------------------------------------------------


def test_the_counter_in_force_is_the_record_with_the_higher_sequence() -> None:
    data = encode_file(copy(1))
    data = with_counter(data, 1, CounterRecord(2, 3))
    state = parse_header_file(data)
    assert (state.failed_unlocks, state.counter_sequence, state.counter_slot_to_write) == (3, 2, 0)
    data = with_counter(data, 0, CounterRecord(3, 0))
    state = parse_header_file(data)
    assert (state.failed_unlocks, state.counter_sequence, state.counter_slot_to_write) == (0, 3, 1)


@pytest.mark.parametrize("offset", [0, 7, 8, 11, 12, 27, 28, 2047])
def test_a_torn_counter_record_falls_back_to_the_other(offset: int) -> None:
    data = with_counter(encode_file(copy(1)), 1, CounterRecord(2, 4))
    data = bytearray(data)
    data[COUNTER_OFFSETS[1] + offset] ^= 1
    state = parse_header_file(bytes(data))
    assert state.counters[1] is None
    assert state.failed_unlocks == 0  # record 0: sequence 1, count 0
    assert state.counter_slot_to_write == 1  # never the record in force


def test_counter_records_refuse_what_carnet_never_writes() -> None:
    with pytest.raises(ValueError, match="65535"):
        encode_counter(CounterRecord(1, 0x10000))
    zero_sequence = with_counter(encode_file(copy(1)), 1, CounterRecord(0, 9))
    assert parse_header_file(zero_sequence).counters[1] is None


# --- the legacy layouts and the migration's states --------------------------------------


@pytest.mark.parametrize("version", [VERSION_1, VERSION_WITH_LOCKOUT])
def test_a_version_1_or_2_file_is_legacy(version: int) -> None:
    old = legacy(version, failed=2)
    state = parse_header_file(old.to_bytes())
    assert state.legacy and state.newest == old and state.copies[1] is None
    assert state.failed_unlocks == (2 if version == VERSION_WITH_LOCKOUT else 0)
    assert not state.consistent


def test_every_state_of_an_interrupted_migration_reads() -> None:
    """Copy B and the records go after the old header first, then copy A over it; a
    kill can cut either write anywhere (a buffered write can end short on a signal)."""
    old = legacy().to_bytes()
    new = encode_file(copy(1))
    for cut in range(len(old), FILE_BYTES + 1, 97):
        extended = old + bytes(4096 - len(old)) + new[4096:]
        extended = extended[:cut] if cut >= 4096 else old
        state = parse_header_file(extended)
        if len(extended) == FILE_BYTES:
            assert state.newest == copy(1)  # copy B is whole: it is in force
        else:
            assert state.legacy and state.newest == legacy()
    full_b = old + bytes(4096 - len(old)) + new[4096:]
    for cut in range(0, 4097, 131):
        partly_a = new[:cut] + full_b[cut:]
        state = parse_header_file(partly_a)
        assert state.newest == copy(1)


def test_a_legacy_header_needs_zeros_after_it() -> None:
    old = legacy().to_bytes()
    assert parse_header_file(old + b"\x00" * 100).legacy
    with pytest.raises(MalformedError):
        parse_header_file(old + b"\x01")


def test_torn_creation_is_told_from_a_vault() -> None:
    whole = encode_file(copy(1))
    assert not is_torn_creation(whole)
    assert not is_torn_creation(legacy().to_bytes())
    assert not is_torn_creation(legacy().to_bytes() + bytes(5000))  # an interrupted migration
    for cut in (0, 1, 348, 4096, 8000, FILE_BYTES - 1):
        assert is_torn_creation(whole[:cut])
    damaged = bytearray(whole)
    damaged[5] ^= 1
    damaged[4096 + 5] ^= 1
    assert not is_torn_creation(bytes(damaged))  # full size: a damaged vault, never removed


# --- any bytes ---------------------------------------------------------------------------


def _check(data: bytes) -> None:
    try:
        state = parse_header_file(data)
    except MalformedError:
        return
    for header in state.copies:
        if header is None:
            continue
        if state.legacy:
            assert header.version in (VERSION_1, VERSION_WITH_LOCKOUT)
        else:
            assert header.version == VERSION
            assert header.to_bytes() in data
    assert 0 <= state.failed_unlocks <= 0xFFFF
    assert state.newest in state.copies


@settings(max_examples=300)
@given(st.binary(max_size=FILE_BYTES + 10))
def test_any_bytes(data: bytes) -> None:
    _check(data)


@settings(max_examples=300)
@given(
    st.integers(0, FILE_BYTES - 1),
    st.binary(min_size=1, max_size=64),
    st.integers(1, 2**64 - 1),
    st.integers(1, 2**64 - 1),
)
def test_damage_anywhere_in_a_real_file(offset: int, junk: bytes, seq_a: int, seq_b: int) -> None:
    data = with_copy(encode_file(copy(seq_a)), 1, copy(seq_b, slot_byte=0x77))
    damaged = data[:offset] + junk + data[offset + len(junk) :]
    _check(damaged[:FILE_BYTES])
