"""The vault header's binary format: layout, round trip, and every refusal of the parser.

parse_header is the one function that reads attacker-controlled bytes before any key is
known, so beyond the field-by-field refusals it is fuzzed: on any input it either raises
MalformedError or returns a header that serialises back to exactly the bytes it read.
The refusals are checked for version 3 (a copy, as the header file holds two) and for
version 1, read only to be migrated; tests/test_header_file.py covers the file around
the copies.
"""

from __future__ import annotations

import hashlib
import struct
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from crypto.errors import AuthenticationError, MalformedError
from crypto.header import (
    COPY_BYTES,
    FLAG_DEVICE_SHARE,
    HEADER_BYTES,
    KDF_ARGON2ID13,
    LOCKOUT_HEADER_BYTES,
    MAC_BYTES,
    MAGIC,
    PREAMBLE_BYTES,
    VERSION,
    VERSION_1,
    VERSION_WITH_LOCKOUT,
    HeaderIntegrityError,
    VaultHeader,
    copy_checksum,
    parse_header,
)
from crypto.kdf import KdfProfile
from crypto.keyslots import SLOT_BYTES

PROFILES = list(KdfProfile)

headers = st.builds(
    VaultHeader,
    device_share_required=st.booleans(),
    vault_id=st.binary(min_size=16, max_size=16),
    profile=st.sampled_from(PROFILES),
    salt=st.binary(min_size=16, max_size=16),
    passphrase_slot=st.binary(min_size=SLOT_BYTES, max_size=SLOT_BYTES),
    recovery_slot=st.binary(min_size=SLOT_BYTES, max_size=SLOT_BYTES),
    duress_slot=st.binary(min_size=SLOT_BYTES, max_size=SLOT_BYTES),
    mac=st.binary(min_size=MAC_BYTES, max_size=MAC_BYTES),
    version=st.just(VERSION_1),
)
copies = st.builds(
    lambda h, n, q: replace(h, version=VERSION, wipe_after=n, sequence=q),
    headers,
    st.integers(0, 0xFFFF),
    st.integers(0, 2**64 - 1),
)
lockout_headers = st.builds(
    lambda h, n, f: replace(h, version=VERSION_WITH_LOCKOUT, wipe_after=n, failed_unlocks=f),
    headers,
    st.integers(0, 0xFFFF),
    st.integers(0, 0xFFFF),
)


VERSIONS = [VERSION, VERSION_1]


def sample(
    profile: KdfProfile = KdfProfile.MODERATE, device_share: bool = True, version: int = VERSION_1
) -> VaultHeader:
    return VaultHeader(
        device_share_required=device_share,
        vault_id=bytes(range(0x10, 0x20)),
        profile=profile,
        salt=bytes(range(0x20, 0x30)),
        passphrase_slot=bytes([0xA1]) * SLOT_BYTES,
        recovery_slot=bytes([0xB2]) * SLOT_BYTES,
        duress_slot=bytes([0xC3]) * SLOT_BYTES,
        mac=bytes([0xD4]) * MAC_BYTES,
        version=version,
        sequence=0x0102030405060708 if version == VERSION else 0,
        wipe_after=0x0A0B if version == VERSION else 0,
    )


def patched(data: bytes, offset: int, new: bytes) -> bytes:
    """`data` with bytes replaced; a version 3 copy gets its checksum recomputed, so that
    the check under test is the one that refuses, not the checksum."""
    data = data[:offset] + new + data[offset + len(new) :]
    if len(data) == COPY_BYTES:
        data = data[:-32] + copy_checksum(data[:-32])
    return data


# --- layout ----------------------------------------------------------------------------


def test_sizes_are_the_documented_ones() -> None:
    assert PREAMBLE_BYTES == 58
    assert SLOT_BYTES == 72
    assert HEADER_BYTES == 306
    assert COPY_BYTES == 348
    assert len(sample().to_bytes()) == HEADER_BYTES
    assert len(sample(version=VERSION).to_bytes()) == COPY_BYTES


def test_version_3_layout() -> None:
    header = sample(version=VERSION)
    data = header.to_bytes()
    v1 = sample().to_bytes()
    assert data[8:10] == b"\x00\x03"
    assert data[:8] + data[10:274] == v1[:8] + v1[10:274]
    assert data[274:276] == b"\x0a\x0b"
    assert data[276:284] == bytes(range(1, 9))
    assert data[284:316] == header.mac
    assert header.authenticated_body() == data[:284]
    assert data[316:348] == copy_checksum(data[:316])
    assert parse_header(data) == header


@pytest.mark.parametrize("offset", [0, 10, 11, 100, 275, 283, 284, 315, 316, 347])
def test_a_torn_version_3_copy_is_refused_by_its_checksum(offset: int) -> None:
    data = bytearray(sample(version=VERSION).to_bytes())
    data[offset] ^= 0x01
    with pytest.raises(MalformedError, match=r"torn|not a Carnet"):
        parse_header(bytes(data))


def test_the_sequence_is_inside_the_mac() -> None:
    master_key = bytes(range(32))
    header = sample(version=VERSION).sealed_with(master_key)
    header.verify(master_key)
    with pytest.raises(HeaderIntegrityError):
        replace(header, sequence=header.sequence + 1).verify(master_key)


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("device_share", [False, True])
def test_every_field_sits_at_its_documented_offset(
    profile: KdfProfile, device_share: bool, version: int
) -> None:
    header = sample(profile, device_share, version)
    data = header.to_bytes()
    assert data[0:8] == b"CARNETVH"
    assert data[8:10] == bytes([0, version])
    assert data[10:12] == (b"\x00\x01" if device_share else b"\x00\x00")
    assert data[12:28] == header.vault_id
    assert data[28] == 1
    assert data[29] == {"interactive": 1, "moderate": 2, "sensitive": 3}[profile.value]
    assert int.from_bytes(data[30:34], "big") == profile.params.opslimit
    assert int.from_bytes(data[34:42], "big") == profile.params.memlimit
    assert data[42:58] == header.salt
    assert data[58:130] == header.passphrase_slot
    assert data[130:202] == header.recovery_slot
    assert data[202:274] == header.duress_slot
    if version == VERSION_1:
        assert data[274:306] == header.mac
        assert header.authenticated_body() == data[:274]
    assert header.preamble() == data[:58]


def test_libsodium_presets_are_the_profiles() -> None:
    # The header stores these numbers; a libsodium upgrade that changed a preset would
    # make every existing vault refuse to parse, so pin them.
    assert (KdfProfile.INTERACTIVE.params.opslimit, KdfProfile.INTERACTIVE.params.memlimit) == (
        2,
        64 * 2**20,
    )
    assert (KdfProfile.MODERATE.params.opslimit, KdfProfile.MODERATE.params.memlimit) == (
        3,
        256 * 2**20,
    )
    assert (KdfProfile.SENSITIVE.params.opslimit, KdfProfile.SENSITIVE.params.memlimit) == (
        4,
        2**30,
    )


def test_slot_context_is_the_preamble_without_flags() -> None:
    with_share, without = sample(device_share=True), sample(device_share=False)
    assert with_share.preamble() != without.preamble()
    assert with_share.slot_context() == without.slot_context()
    assert with_share.slot_context() == with_share.preamble()[:10] + with_share.preamble()[12:]
    assert len(with_share.slot_context()) == 56


@given(headers)
def test_round_trip(header: VaultHeader) -> None:
    data = header.to_bytes()
    assert len(data) == HEADER_BYTES
    parsed = parse_header(data)
    assert parsed == header
    assert parsed.to_bytes() == data


@given(copies)
def test_version_3_round_trip(header: VaultHeader) -> None:
    data = header.to_bytes()
    assert len(data) == COPY_BYTES
    assert parse_header(data) == header


def test_parse_accepts_bytearray_and_returns_bytes_fields() -> None:
    data = sample().to_bytes()
    parsed = parse_header(bytes(bytearray(data)))
    assert parsed.to_bytes() == data
    assert isinstance(parsed.mac, bytes) and isinstance(parsed.passphrase_slot, bytes)


# --- refusals ---------------------------------------------------------------------------


@pytest.mark.parametrize("size", [0, 1, 57, 58, 274, 305, 307, 512, 612])
def test_wrong_size_is_refused(size: int) -> None:
    data = (sample().to_bytes() * 3)[:size]
    with pytest.raises(MalformedError, match="size"):
        parse_header(data)


@pytest.mark.parametrize("offset", range(8))
@pytest.mark.parametrize("version", VERSIONS)
def test_every_magic_byte_matters(version: int, offset: int) -> None:
    data = sample(version=version).to_bytes()
    bad = patched(data, offset, bytes([data[offset] ^ 0x20]))
    with pytest.raises(MalformedError, match="not a Carnet vault header"):
        parse_header(bad)


def test_other_formats_magic_is_refused() -> None:
    data = sample().to_bytes()
    for magic in (b"SQLite f", b"\x00" * 8, b"carnetvh", b"CARNETVB"):
        with pytest.raises(MalformedError):
            parse_header(patched(data, 0, magic))


@pytest.mark.parametrize("unknown", [0, 4, 0x0100, 0xFFFF])
@pytest.mark.parametrize("version", VERSIONS)
def test_unknown_version_is_refused(version: int, unknown: int) -> None:
    bad = patched(sample(version=version).to_bytes(), 8, struct.pack(">H", unknown))
    with pytest.raises(MalformedError, match="version"):
        parse_header(bad)


@pytest.mark.parametrize("bit", range(1, 16))
@pytest.mark.parametrize("device_share", [False, True])
@pytest.mark.parametrize("version", VERSIONS)
def test_unknown_flag_bits_are_refused(version: int, bit: int, device_share: bool) -> None:
    flags = (1 << bit) | (FLAG_DEVICE_SHARE if device_share else 0)
    bad = patched(sample(version=version).to_bytes(), 10, struct.pack(">H", flags))
    with pytest.raises(MalformedError, match="flags"):
        parse_header(bad)


@pytest.mark.parametrize("flags", [0, FLAG_DEVICE_SHARE])
@pytest.mark.parametrize("version", VERSIONS)
def test_known_flags_parse(version: int, flags: int) -> None:
    data = patched(sample(version=version).to_bytes(), 10, struct.pack(">H", flags))
    assert parse_header(data).device_share_required is bool(flags)


@pytest.mark.parametrize("alg", [0, 2, 3, 0x80, 0xFF])
@pytest.mark.parametrize("version", VERSIONS)
def test_unknown_kdf_algorithm_is_refused(version: int, alg: int) -> None:
    bad = patched(sample(version=version).to_bytes(), 28, bytes([alg]))
    with pytest.raises(MalformedError, match="KDF"):
        parse_header(bad)


@pytest.mark.parametrize("code", [0, 4, 5, 0x7F, 0xFF])
@pytest.mark.parametrize("version", VERSIONS)
def test_unknown_profile_code_is_refused(version: int, code: int) -> None:
    bad = patched(sample(version=version).to_bytes(), 29, bytes([code]))
    with pytest.raises(MalformedError, match="profile"):
        parse_header(bad)


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("version", VERSIONS)
def test_every_profile_code_parses_with_its_own_parameters(
    version: int, profile: KdfProfile
) -> None:
    data = sample(KdfProfile.MODERATE, version=version).to_bytes()
    params = profile.params
    data = patched(data, 29, bytes([profile.code]))
    data = patched(data, 30, struct.pack(">IQ", params.opslimit, params.memlimit))
    assert parse_header(data).profile is profile


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("other", PROFILES)
@pytest.mark.parametrize("version", VERSIONS)
def test_parameters_of_another_profile_are_refused(
    version: int, profile: KdfProfile, other: KdfProfile
) -> None:
    """A header cannot say "sensitive" while asking for the interactive cost, or mix."""
    data = sample(profile, version=version).to_bytes()
    own, alien = profile.params, other.params
    combos = {
        (alien.opslimit, alien.memlimit),
        (own.opslimit, alien.memlimit),
        (alien.opslimit, own.memlimit),
    } - {(own.opslimit, own.memlimit)}
    for ops, mem in combos:
        with pytest.raises(MalformedError, match="KDF parameters"):
            parse_header(patched(data, 30, struct.pack(">IQ", ops, mem)))


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize(("d_ops", "d_mem"), [(1, 0), (-1, 0), (0, 1), (0, -1), (0, 1024), (1, 1)])
@pytest.mark.parametrize("version", VERSIONS)
def test_parameters_off_by_a_little_are_refused(
    version: int, profile: KdfProfile, d_ops: int, d_mem: int
) -> None:
    params = profile.params
    bad = patched(
        sample(profile, version=version).to_bytes(),
        30,
        struct.pack(">IQ", params.opslimit + d_ops, params.memlimit + d_mem),
    )
    with pytest.raises(MalformedError, match="KDF parameters"):
        parse_header(bad)


@pytest.mark.parametrize("version", VERSIONS)
def test_huge_parameters_are_refused_not_run(version: int) -> None:
    bad = patched(sample(version=version).to_bytes(), 30, struct.pack(">IQ", 0xFFFFFFFF, 2**64 - 1))
    with pytest.raises(MalformedError):
        parse_header(bad)


def test_malformed_is_not_an_authentication_error() -> None:
    # The CLI maps the two to different exit codes; a parse failure must not look like
    # a wrong passphrase, and an integrity failure must not look like a parse failure.
    assert not issubclass(MalformedError, AuthenticationError)
    assert issubclass(HeaderIntegrityError, AuthenticationError)
    assert not issubclass(HeaderIntegrityError, MalformedError)


# --- the MAC ----------------------------------------------------------------------------


def test_sealed_header_verifies_only_under_its_master_key() -> None:
    master_key, other = bytes(range(32)), bytes(range(1, 33))
    sealed = sample().sealed_with(master_key)
    assert sealed.mac != sample().mac
    sealed.verify(master_key)
    parse_header(sealed.to_bytes()).verify(master_key)
    with pytest.raises(HeaderIntegrityError):
        sealed.verify(other)


# Bytes whose change parse_header refuses before any MAC: the magic, the version, the
# unused flag bits, the KDF algorithm and profile, and the limits the profile fixes.
PARSE_CHECKED_OFFSETS = {0, 8, 9, 10, 28, 29, 30, 34}


@pytest.mark.parametrize(
    "offset", [0, 8, 10, 11, 12, 28, 29, 30, 34, 42, 57, 58, 129, 130, 201, 202, 273]
)
def test_mac_covers_every_region(offset: int) -> None:
    """The MAC in the header is docs/vault-format.md section 4's, computed here with bare
    hashlib over bytes 0 to 273 as written; and a header with any of those bytes changed
    is refused (at parse for the fields parse checks, else by the MAC)."""
    master_key = bytes(range(32))
    data = sample().sealed_with(master_key).to_bytes()
    mac_key = hashlib.blake2b(
        b"", digest_size=32, key=master_key, person=b"carnet-hdr-mac"
    ).digest()
    independent = hashlib.blake2b(data[:274], digest_size=32, key=mac_key).digest()
    assert data[274:306] == independent
    flipped = bytearray(data)
    flipped[offset] ^= 0x01
    try:
        tampered = parse_header(bytes(flipped))
    except MalformedError:
        assert offset in PARSE_CHECKED_OFFSETS
        return
    assert offset not in PARSE_CHECKED_OFFSETS
    with pytest.raises(HeaderIntegrityError):
        tampered.verify(master_key)


# --- version 2: the failed-unlock setting and counter -----------------------------------


def lockout_sample(wipe_after: int = 5, failed: int = 2) -> VaultHeader:
    master_key = bytes(range(32))
    return replace(
        sample(), version=VERSION_WITH_LOCKOUT, wipe_after=wipe_after, failed_unlocks=failed
    ).sealed_with(master_key)


def test_version_2_layout() -> None:
    header = lockout_sample(wipe_after=0x0102, failed=0x0304)
    data = header.to_bytes()
    assert len(data) == LOCKOUT_HEADER_BYTES == 310
    assert data[8:10] == b"\x00\x02"
    assert data[:8] + data[10:274] == sample().to_bytes()[:8] + sample().to_bytes()[10:274]
    assert data[274:276] == b"\x01\x02"
    assert data[276:308] == header.mac
    assert data[308:310] == b"\x03\x04"
    assert header.authenticated_body() == data[:276]
    assert parse_header(data) == header


def test_slots_are_bound_to_the_same_context_in_both_versions() -> None:
    """Turning the setting on rewraps nothing: the duress slot could not be rewrapped."""
    assert lockout_sample().slot_context() == sample().slot_context()
    assert sample().slot_context()[8:10] == b"\x00\x01"


def test_the_counter_is_outside_the_mac_and_the_setting_inside() -> None:
    master_key = bytes(range(32))
    header = lockout_sample()
    header.verify(master_key)
    replace(header, failed_unlocks=40).verify(master_key)  # written without a key
    raised = parse_header(patched(header.to_bytes(), 274, b"\x00\x00"))
    with pytest.raises(HeaderIntegrityError):
        raised.verify(master_key)


def test_an_upgrade_to_version_3_keeps_the_slots_and_setting_and_drops_the_counter() -> None:
    master_key = bytes(range(32))
    old = lockout_sample(5, 4)
    new = old.upgraded(7, master_key)
    assert (new.version, new.wipe_after, new.failed_unlocks, new.sequence) == (VERSION, 5, 0, 7)
    assert (new.passphrase_slot, new.recovery_slot, new.duress_slot) == (
        old.passphrase_slot,
        old.recovery_slot,
        old.duress_slot,
    )
    assert new.slot_context() == old.slot_context()
    new.verify(master_key)
    assert len(new.to_bytes()) == COPY_BYTES


@pytest.mark.parametrize(
    ("version", "size"),
    [(VERSION_1, LOCKOUT_HEADER_BYTES), (VERSION_WITH_LOCKOUT, HEADER_BYTES)],
)
def test_a_version_with_the_other_versions_size_is_refused(version: int, size: int) -> None:
    data = lockout_sample().to_bytes()[:size] if size == HEADER_BYTES else sample().to_bytes()
    if size == LOCKOUT_HEADER_BYTES:
        data += b"\x00\x00\x00\x00"
    bad = patched(data, 8, struct.pack(">H", version))
    with pytest.raises(MalformedError, match="size"):
        parse_header(bad)


def test_a_version_1_header_cannot_carry_the_setting() -> None:
    with pytest.raises(ValueError, match="version 1"):
        replace(sample(), wipe_after=3)


@given(lockout_headers)
def test_version_2_round_trip(header: VaultHeader) -> None:
    assert parse_header(header.to_bytes()) == header


# --- fuzzing ----------------------------------------------------------------------------


def _parses_back_or_refuses(data: bytes) -> VaultHeader | None:
    try:
        header = parse_header(data)
    except MalformedError:
        return None
    assert header.to_bytes() == data
    return header


@settings(max_examples=300)
@given(st.binary(max_size=2 * HEADER_BYTES))
def test_arbitrary_bytes_of_any_length(data: bytes) -> None:
    header = _parses_back_or_refuses(data)
    if len(data) not in (HEADER_BYTES, LOCKOUT_HEADER_BYTES, COPY_BYTES):
        assert header is None


@settings(max_examples=300)
@given(st.binary(min_size=HEADER_BYTES, max_size=HEADER_BYTES))
def test_arbitrary_bytes_of_the_right_length(data: bytes) -> None:
    _parses_back_or_refuses(data)


FIELDS = ("version", "flags", "alg", "code", "params")


@st.composite
def near_valid(draw: st.DrawFn) -> tuple[bytes, frozenset[str], KdfProfile, int]:
    """Header bytes whose preamble has the drawn set of fields broken, the rest valid."""
    broken = draw(st.frozensets(st.sampled_from(FIELDS)))
    profile = draw(st.sampled_from(PROFILES))
    flags = draw(st.sampled_from([0, FLAG_DEVICE_SHARE]))
    version, alg, code = VERSION_1, KDF_ARGON2ID13, profile.code
    ops, mem = profile.params.opslimit, profile.params.memlimit
    if "version" in broken:
        version = draw(st.integers(0, 0xFFFF).filter(lambda v: v != VERSION_1))
    if "flags" in broken:
        flags = draw(st.integers(2, 0xFFFF))
    if "alg" in broken:
        alg = draw(st.integers(0, 255).filter(lambda a: a != KDF_ARGON2ID13))
    if "code" in broken:
        code = draw(st.sampled_from([0, 4, 5, 0xFF]) | st.integers(4, 255))
    if "params" in broken:
        other = draw(st.sampled_from([p for p in PROFILES if p is not profile]))
        ops = draw(st.sampled_from([other.params.opslimit, ops + 1, max(ops - 1, 0)]))
        mem = draw(st.sampled_from([mem, other.params.memlimit, draw(st.integers(0, 2**64 - 1))]))
        if (ops, mem) == (profile.params.opslimit, profile.params.memlimit):
            ops += 1
    vault_id = draw(st.binary(min_size=16, max_size=16))
    rest = draw(st.binary(min_size=HEADER_BYTES - PREAMBLE_BYTES + 16, max_size=264))
    preamble = struct.pack(">8sHH16sBBIQ", MAGIC, version, flags, vault_id, alg, code, ops, mem)
    return preamble + rest, broken, profile, flags


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(near_valid())
def test_near_valid_headers_parse_exactly_when_every_field_is_valid(
    case: tuple[bytes, frozenset[str], KdfProfile, int],
) -> None:
    """A model of the parser: it accepts iff no preamble rule is broken."""
    data, broken, profile, flags = case
    event("all fields valid" if not broken else "some field broken")
    assert len(data) == HEADER_BYTES
    header = _parses_back_or_refuses(data)
    assert (header is None) is bool(broken)
    if header is not None:
        assert header.profile is profile
        assert header.vault_id == data[12:28]
        assert header.device_share_required is bool(flags)
        assert header.salt == data[42:58]
        assert header.duress_slot == data[202:274]
        assert header.mac == data[-MAC_BYTES:]
