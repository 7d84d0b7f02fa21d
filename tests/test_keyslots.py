"""The slot logic: who opens what, what a rewrap keeps, and that no changed byte opens.

Argon2id is not run here: its 32-byte output ("stretched") is drawn at random instead,
which is exactly what the slot logic sees, so hypothesis can try thousands of cases.
"""

from __future__ import annotations

import itertools
import os
from dataclasses import dataclass, replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crypto.errors import MalformedError, WrongKeyError
from crypto.header import COPY_BYTES, VaultHeader, copy_checksum, parse_header
from crypto.kdf import KdfProfile, derive_key, normalize_passphrase
from crypto.keyslots import (
    PURPOSE_KEK_DURESS,
    PURPOSE_KEK_PASSPHRASE,
    PURPOSE_KEK_RECOVERY,
    SLOT_BYTES,
    SlotKind,
    duress_kek,
    passphrase_kek,
    random_slot,
    recovery_kek,
    unwrap,
    wrap,
)
from crypto.vault_keys import (
    HeaderIntegrityError,
    PassphraseConflictError,
    UnlockKind,
    build_header,
    open_with_passphrase,
    open_with_recovery_key,
    opens_duress_slot,
    with_duress,
    with_new_passphrase,
)

key32 = st.binary(min_size=32, max_size=32)
maybe_share = st.none() | key32
profiles = st.sampled_from(list(KdfProfile))
# The errors an attacker-changed header may give: never a master key.
REFUSALS = (MalformedError, WrongKeyError, HeaderIntegrityError)


@dataclass(frozen=True)
class Case:
    """The secrets behind one header, kept by the test to try them afterwards."""

    header: VaultHeader
    master_key: bytes
    stretched: bytes
    device_share: bytes | None
    recovery_key: bytes
    duress: bytes | None

    def share_for(self, header: VaultHeader) -> bytes | None:
        """What the app passes: the keyring's share when the header's flag asks for one."""
        if not header.device_share_required:
            return None
        return self.device_share or b"\x5a" * 32


def make_case(
    *,
    device_share: bytes | None = None,
    duress: bool = True,
    profile: KdfProfile = KdfProfile.INTERACTIVE,
) -> Case:
    master_key, stretched, recovery_key = os.urandom(32), os.urandom(32), os.urandom(32)
    duress_stretched = os.urandom(32) if duress else None
    header = build_header(
        master_key=master_key,
        stretched=stretched,
        salt=os.urandom(16),
        profile=profile,
        vault_id=os.urandom(16),
        device_share=device_share,
        recovery_key=recovery_key,
        duress_stretched=duress_stretched,
    )
    return Case(header, master_key, stretched, device_share, recovery_key, duress_stretched)


@st.composite
def cases(draw: st.DrawFn, duress: bool | None = None) -> Case:
    master_key, stretched, recovery_key = draw(key32), draw(key32), draw(key32)
    if duress is None:
        duress = draw(st.booleans())
    duress_stretched = draw(key32.filter(lambda d: d != stretched)) if duress else None
    share = draw(maybe_share)
    header = build_header(
        master_key=master_key,
        stretched=stretched,
        salt=draw(st.binary(min_size=16, max_size=16)),
        profile=draw(profiles),
        vault_id=draw(st.binary(min_size=16, max_size=16)),
        device_share=share,
        recovery_key=recovery_key,
        duress_stretched=duress_stretched,
    )
    return Case(header, master_key, stretched, share, recovery_key, duress_stretched)


def reparse(header: VaultHeader) -> VaultHeader:
    data = header.to_bytes()
    assert len(data) == COPY_BYTES
    return parse_header(data)


# --- building and opening ---------------------------------------------------------------


@given(cases())
def test_the_passphrase_opens_the_master_key(case: Case) -> None:
    header = reparse(case.header)
    assert header == case.header
    assert header.device_share_required is (case.device_share is not None)
    unlocked = open_with_passphrase(header, case.stretched, case.device_share)
    assert unlocked.kind is UnlockKind.PASSPHRASE
    assert unlocked.master_key == case.master_key
    assert case.master_key.hex() not in repr(unlocked)
    assert repr(case.master_key) not in repr(unlocked)
    header.verify(case.master_key)


@given(cases(), key32)
def test_any_other_stretched_value_is_a_wrong_key(case: Case, other: bytes) -> None:
    if other in (case.stretched, case.duress):
        return
    with pytest.raises(WrongKeyError):
        open_with_passphrase(reparse(case.header), other, case.device_share)


@given(cases(duress=True), maybe_share)
def test_the_duress_passphrase_gives_duress_and_no_master_key(
    case: Case, share: bytes | None
) -> None:
    assert case.duress is not None
    # The duress KEK leaves the device share out: any share (or none) gives duress.
    for given_share in (case.device_share, share):
        unlocked = open_with_passphrase(reparse(case.header), case.duress, given_share)
        assert unlocked.kind is UnlockKind.DURESS
        assert unlocked.master_key is None
    assert opens_duress_slot(case.header, case.duress)
    assert not opens_duress_slot(case.header, case.stretched)


@settings(max_examples=200)
@given(cases(duress=False), key32, maybe_share)
def test_without_duress_nothing_gives_duress(case: Case, other: bytes, share: bytes) -> None:
    header = reparse(case.header)
    assert not opens_duress_slot(header, other)
    assert not opens_duress_slot(header, case.stretched)
    if other == case.stretched and share == case.device_share:
        return
    with pytest.raises(WrongKeyError):
        open_with_passphrase(header, other, share)


def test_the_duress_slot_holds_a_fresh_token_never_the_master_key() -> None:
    case = make_case(duress=True)
    assert case.duress is not None
    tokens = []
    for header in (case.header, with_duress(case.header, case.master_key, case.duress)):
        token = unwrap(
            duress_kek(case.duress), header.duress_slot, header.slot_context(), SlotKind.DURESS
        )
        assert token is not None and len(token) == 32
        assert token != case.master_key
        tokens.append(token)
    assert tokens[0] != tokens[1]


class RecordingRng:
    def __init__(self) -> None:
        self.draws: list[bytes] = []

    def __call__(self, n: int) -> bytes:
        out = os.urandom(n)
        self.draws.append(out)
        return out


def test_an_unused_duress_slot_is_fresh_random_bytes() -> None:
    rng = RecordingRng()
    header = build_header(
        master_key=os.urandom(32),
        stretched=os.urandom(32),
        salt=os.urandom(16),
        profile=KdfProfile.MODERATE,
        vault_id=os.urandom(16),
        device_share=None,
        recovery_key=os.urandom(32),
        duress_stretched=None,
        rng=rng,
    )
    assert [len(d) for d in rng.draws] == [24, 24, SLOT_BYTES]
    assert header.duress_slot == rng.draws[-1]
    assert header.passphrase_slot[:24] == rng.draws[0]
    assert header.recovery_slot[:24] == rng.draws[1]


def _ones_fraction(blobs: list[bytes]) -> float:
    joined = b"".join(blobs)
    return sum(bin(b).count("1") for b in joined) / (8 * len(joined))


def test_the_duress_slot_looks_the_same_whether_set_or_not() -> None:
    """Same size, same place, no constant bytes, unbiased bits, no repeats either way."""
    with_duress_set = [make_case(duress=True).header for _ in range(150)]
    without = [make_case(duress=False).header for _ in range(150)]
    assert {len(h.to_bytes()) for h in with_duress_set + without} == {COPY_BYTES}
    for group in (with_duress_set, without):
        slots = [h.duress_slot for h in group]
        assert {len(s) for s in slots} == {SLOT_BYTES}
        assert len(set(slots)) == len(slots)
        # 150 * 576 bits: a fair coin stays within 0.5 +- 0.01 (over 6 sigma).
        assert abs(_ones_fraction(slots) - 0.5) < 0.01
        # No byte position is constant across headers (a marker or a zero tag would be).
        for position in range(SLOT_BYTES):
            assert len({s[position] for s in slots}) > 50
    # And a set slot is not told apart from the other two sealed slots either.
    assert abs(_ones_fraction([h.passphrase_slot for h in without]) - 0.5) < 0.01


# --- the device share -------------------------------------------------------------------


@given(cases(), key32)
def test_the_right_device_share_is_required(case: Case, wrong_share: bytes) -> None:
    header = reparse(case.header)
    if case.device_share is None:
        # A vault made without a share does not open when one is mixed in.
        with pytest.raises(WrongKeyError):
            open_with_passphrase(header, case.stretched, wrong_share)
        with pytest.raises(WrongKeyError):
            open_with_passphrase(header, case.stretched, b"\x00" * 32)
        return
    with pytest.raises(WrongKeyError):
        open_with_passphrase(header, case.stretched, None)
    if wrong_share != case.device_share:
        with pytest.raises(WrongKeyError):
            open_with_passphrase(header, case.stretched, wrong_share)
    flipped = bytes([case.device_share[0] ^ 1]) + case.device_share[1:]
    with pytest.raises(WrongKeyError):
        open_with_passphrase(header, case.stretched, flipped)


# --- the recovery key -------------------------------------------------------------------


@given(cases(), key32)
def test_the_recovery_key_opens_the_master_key(case: Case, other: bytes) -> None:
    header = reparse(case.header)
    assert open_with_recovery_key(header, case.recovery_key) == case.master_key
    if other != case.recovery_key:
        with pytest.raises(WrongKeyError):
            open_with_recovery_key(header, other)
    if case.recovery_key in (case.stretched, case.duress):
        return
    # The passphrase's Argon2id output is no recovery key, and the other way round.
    with pytest.raises(WrongKeyError):
        open_with_recovery_key(header, case.stretched)
    with pytest.raises(WrongKeyError):
        open_with_passphrase(header, case.recovery_key, case.device_share)


# --- changing the passphrase ------------------------------------------------------------


@settings(max_examples=150)
@given(cases(duress=True), key32, maybe_share)
def test_a_new_passphrase_replaces_the_old_and_keeps_the_rest(
    case: Case, new: bytes, new_share: bytes | None
) -> None:
    if new in (case.stretched, case.duress):
        return
    old = case.header
    changed = reparse(with_new_passphrase(old, case.master_key, new, new_share))
    # The new passphrase (with the new share, or none) opens the same master key.
    unlocked = open_with_passphrase(changed, new, new_share)
    assert (unlocked.kind, unlocked.master_key) == (UnlockKind.PASSPHRASE, case.master_key)
    assert changed.device_share_required is (new_share is not None)
    # The old passphrase stops working, with its old share or the new one.
    for share in (case.device_share, new_share):
        with pytest.raises(WrongKeyError):
            open_with_passphrase(changed, case.stretched, share)
    # The new passphrase needs exactly the new share.
    if new_share is not None:
        with pytest.raises(WrongKeyError):
            open_with_passphrase(changed, new, None)
    # Duress and recovery still work; only the passphrase slot, flags and MAC changed.
    assert case.duress is not None
    assert open_with_passphrase(changed, case.duress, new_share).kind is UnlockKind.DURESS
    assert open_with_recovery_key(changed, case.recovery_key) == case.master_key
    assert changed.passphrase_slot != old.passphrase_slot
    assert (changed.vault_id, changed.salt, changed.profile) == (
        old.vault_id,
        old.salt,
        old.profile,
    )
    assert (changed.recovery_slot, changed.duress_slot) == (old.recovery_slot, old.duress_slot)
    changed.verify(case.master_key)


@pytest.mark.parametrize(
    ("before", "after"), [(False, True), (True, False), (True, True), (False, False)]
)
def test_turning_the_device_share_on_and_off(before: bool, after: bool) -> None:
    share_before = os.urandom(32) if before else None
    share_after = os.urandom(32) if after else None
    case = make_case(device_share=share_before)
    new = os.urandom(32)
    changed = reparse(with_new_passphrase(case.header, case.master_key, new, share_after))
    assert changed.to_bytes()[10:12] == (b"\x00\x01" if after else b"\x00\x00")
    assert open_with_passphrase(changed, new, share_after).master_key == case.master_key
    assert case.duress is not None
    assert open_with_passphrase(changed, case.duress, share_after).kind is UnlockKind.DURESS
    assert open_with_recovery_key(changed, case.recovery_key) == case.master_key
    # The same passphrase can be rewrapped too: only the share changes.
    same = reparse(with_new_passphrase(changed, case.master_key, new, share_before))
    assert open_with_passphrase(same, new, share_before).master_key == case.master_key


def test_rewrapping_needs_the_right_master_key() -> None:
    case = make_case()
    with pytest.raises(HeaderIntegrityError):
        with_new_passphrase(case.header, os.urandom(32), os.urandom(32), None)
    with pytest.raises(HeaderIntegrityError):
        with_duress(case.header, os.urandom(32), os.urandom(32))


def test_rewrapping_draws_fresh_nonces() -> None:
    case = make_case()
    new = os.urandom(32)
    first = with_new_passphrase(case.header, case.master_key, new, None)
    second = with_new_passphrase(case.header, case.master_key, new, None)
    assert first.passphrase_slot[:24] != second.passphrase_slot[:24]


# --- setting and clearing the duress passphrase -----------------------------------------


@settings(max_examples=100)
@given(cases(), key32)
def test_setting_and_clearing_duress(case: Case, new_duress: bytes) -> None:
    if new_duress == case.stretched:
        return
    header = reparse(
        with_duress(case.header, case.master_key, new_duress, device_share=case.device_share)
    )
    assert open_with_passphrase(header, new_duress, case.device_share).kind is UnlockKind.DURESS
    if case.duress is not None and case.duress != new_duress:
        with pytest.raises(WrongKeyError):
            open_with_passphrase(header, case.duress, case.device_share)
    unlocked = open_with_passphrase(header, case.stretched, case.device_share)
    assert unlocked.master_key == case.master_key
    assert open_with_recovery_key(header, case.recovery_key) == case.master_key
    assert header.passphrase_slot == case.header.passphrase_slot

    cleared = reparse(with_duress(header, case.master_key, None))
    assert len(cleared.duress_slot) == SLOT_BYTES
    assert cleared.duress_slot != header.duress_slot
    with pytest.raises(WrongKeyError):
        open_with_passphrase(cleared, new_duress, case.device_share)
    assert open_with_passphrase(cleared, case.stretched, case.device_share).master_key == (
        case.master_key
    )
    assert open_with_recovery_key(cleared, case.recovery_key) == case.master_key


# --- passphrase conflicts ---------------------------------------------------------------


def test_build_refuses_a_duress_equal_to_the_passphrase() -> None:
    stretched = os.urandom(32)
    with pytest.raises(PassphraseConflictError):
        build_header(
            master_key=os.urandom(32),
            stretched=stretched,
            salt=os.urandom(16),
            profile=KdfProfile.INTERACTIVE,
            vault_id=os.urandom(16),
            device_share=os.urandom(32),
            recovery_key=os.urandom(32),
            duress_stretched=bytes(stretched),
        )


@pytest.mark.parametrize("share", [None, b"\x42" * 32])
def test_a_new_passphrase_may_not_be_the_duress_one(share: bytes | None) -> None:
    case = make_case(device_share=share)
    assert case.duress is not None
    for new_share in (None, share, os.urandom(32)):
        with pytest.raises(PassphraseConflictError):
            with_new_passphrase(case.header, case.master_key, case.duress, new_share)


@pytest.mark.parametrize("share", [None, b"\x42" * 32])
def test_a_duress_passphrase_may_not_be_the_passphrase(share: bytes | None) -> None:
    case = make_case(device_share=share)
    with pytest.raises(PassphraseConflictError):
        with_duress(case.header, case.master_key, case.stretched, device_share=share)
    # A different one is fine, and keeps the passphrase working.
    other = os.urandom(32)
    header = with_duress(case.header, case.master_key, other, device_share=share)
    assert open_with_passphrase(header, case.stretched, share).kind is UnlockKind.PASSPHRASE


def test_setting_duress_on_a_device_share_vault_needs_the_share() -> None:
    """Without the share the conflict check could not see the passphrase: refuse."""
    case = make_case(device_share=os.urandom(32))
    with pytest.raises(ValueError, match="device share"):
        with_duress(case.header, case.master_key, os.urandom(32))
    # Clearing compares nothing, so it needs no share.
    with_duress(case.header, case.master_key, None)


def test_passphrase_conflict_is_a_value_error_not_a_crypto_error() -> None:
    # The app maps it to a validation message, not to "cannot unlock".
    assert issubclass(PassphraseConflictError, ValueError)


# --- swapped slots and changed bytes ----------------------------------------------------


SLOT_FIELDS = ("passphrase_slot", "recovery_slot", "duress_slot")


def _assert_never_opens(header_bytes: bytes, case: Case) -> None:
    """Every way the app would open it: a refusal, never the master key."""
    try:
        header = parse_header(header_bytes)
    except MalformedError:
        return
    attempts = [
        (case.stretched, case.share_for(header)),  # what the app passes
        (case.stretched, case.device_share),  # the share regardless of the flag
    ]
    for stretched, share in attempts:
        try:
            unlocked = open_with_passphrase(header, stretched, share)
        except REFUSALS:
            continue
        raise AssertionError(f"a changed header opened ({unlocked.kind})")
    if case.duress is not None:
        try:
            unlocked = open_with_passphrase(header, case.duress, case.share_for(header))
        except REFUSALS:
            pass
        else:
            assert unlocked.kind is UnlockKind.DURESS and unlocked.master_key is None
    with pytest.raises(REFUSALS):
        open_with_recovery_key(header, case.recovery_key)


@pytest.mark.parametrize("share", [None, b"\x17" * 32], ids=["no-share", "share"])
def test_swapping_slots_never_opens(share: bytes | None) -> None:
    case = make_case(device_share=share)
    original = [getattr(case.header, name) for name in SLOT_FIELDS]
    for order in itertools.permutations(range(3)):
        if order == (0, 1, 2):
            continue
        swapped = replace(
            case.header, **{name: original[i] for name, i in zip(SLOT_FIELDS, order, strict=True)}
        )
        _assert_never_opens(swapped.to_bytes(), case)


def test_a_slot_moved_from_another_vault_never_opens() -> None:
    """Same passphrase output and master key, different vault id and salt: AD differs."""
    a = make_case()
    b_header = build_header(
        master_key=a.master_key,
        stretched=a.stretched,
        salt=os.urandom(16),
        profile=a.header.profile,
        vault_id=os.urandom(16),
        device_share=None,
        recovery_key=a.recovery_key,
        duress_stretched=a.duress,
    )
    for name in SLOT_FIELDS:
        moved = replace(a.header, **{name: getattr(b_header, name)})
        with pytest.raises(REFUSALS):
            if name == "recovery_slot":
                open_with_recovery_key(moved, a.recovery_key)
            elif name == "duress_slot":
                assert a.duress is not None
                open_with_passphrase(moved, a.duress, None)
            else:
                open_with_passphrase(moved, a.stretched, None)


@pytest.mark.parametrize("target", [p for p in KdfProfile if p is not KdfProfile.SENSITIVE])
def test_the_kdf_profile_cannot_be_downgraded(target: KdfProfile) -> None:
    """A consistent rewrite of profile, opslimit and memlimit parses, but opens nothing."""
    case = make_case(profile=KdfProfile.SENSITIVE)
    forged = reparse(replace(case.header, profile=target))
    assert forged.profile is target
    with pytest.raises(WrongKeyError):
        open_with_passphrase(forged, case.stretched, None)
    with pytest.raises(WrongKeyError):
        open_with_recovery_key(forged, case.recovery_key)
    assert case.duress is not None
    with pytest.raises(WrongKeyError):
        open_with_passphrase(forged, case.duress, None)


@pytest.mark.parametrize("share", [None, b"\x17" * 32], ids=["no-share", "share"])
def test_changing_any_single_byte_never_opens(share: bytes | None) -> None:
    case = make_case(device_share=share)
    data = case.header.to_bytes()
    assert open_with_passphrase(parse_header(data), case.stretched, share).master_key
    for position in range(COPY_BYTES):
        for delta in (0x01, 0x80, 0xFF):
            changed = bytearray(data)
            changed[position] ^= delta
            _assert_never_opens(with_checksum(bytes(changed), position), case)


def with_checksum(data: bytes, position: int) -> bytes:
    """A copy changed at `position` with its checksum made right again, as an attacker
    would: the checksum only finds torn writes; the AEAD tags and the MAC are what stand
    against tampering. A change inside the checksum itself is left as it is."""
    if position >= COPY_BYTES - 32:
        return data
    return data[:-32] + copy_checksum(data[:-32])


_CASES = {False: make_case(), True: make_case(device_share=os.urandom(32))}


@settings(max_examples=300)
@given(st.integers(0, COPY_BYTES - 1), st.integers(1, 255), st.booleans())
def test_changing_a_byte_to_anything_never_opens(position: int, delta: int, shared: bool) -> None:
    case = _CASES[shared]
    changed = bytearray(case.header.to_bytes())
    changed[position] ^= delta
    _assert_never_opens(with_checksum(bytes(changed), position), case)


def test_a_header_cut_or_extended_is_malformed() -> None:
    data = make_case().header.to_bytes()
    for bad in (data[:-1], data + b"\x00", data[1:], b""):
        with pytest.raises(MalformedError):
            parse_header(bad)


# --- the KEK derivations ----------------------------------------------------------------


@given(key32, key32)
def test_the_three_keks_are_distinct(stretched: bytes, share: bytes) -> None:
    keks = {
        passphrase_kek(stretched, None),
        passphrase_kek(stretched, share),
        duress_kek(stretched),
        recovery_kek(stretched),
    }
    assert len(keks) == 4
    assert passphrase_kek(stretched, None) == derive_key(stretched, PURPOSE_KEK_PASSPHRASE)
    assert passphrase_kek(stretched, b"") == passphrase_kek(stretched, None)
    assert duress_kek(stretched) == derive_key(stretched, PURPOSE_KEK_DURESS)
    assert recovery_kek(stretched) == derive_key(stretched, PURPOSE_KEK_RECOVERY)


@given(key32, key32, st.binary(min_size=56, max_size=56))
def test_a_slot_opens_only_with_its_kek_context_and_index(
    kek: bytes, secret: bytes, context: bytes
) -> None:
    slot = wrap(kek, secret, context, SlotKind.PASSPHRASE)
    assert len(slot) == SLOT_BYTES
    assert unwrap(kek, slot, context, SlotKind.PASSPHRASE) == secret
    assert unwrap(kek, slot, context, SlotKind.RECOVERY) is None
    assert unwrap(kek, slot, context, SlotKind.DURESS) is None
    assert unwrap(kek, slot, bytes([context[0] ^ 1]) + context[1:], SlotKind.PASSPHRASE) is None
    other_kek = bytes([kek[0] ^ 1]) + kek[1:]
    assert unwrap(other_kek, slot, context, SlotKind.PASSPHRASE) is None
    assert unwrap(kek, random_slot(), context, SlotKind.PASSPHRASE) is None


def test_slot_sizes_are_checked() -> None:
    with pytest.raises(ValueError):
        wrap(b"k" * 31, b"s" * 32, b"", SlotKind.PASSPHRASE)
    with pytest.raises(ValueError):
        wrap(b"k" * 32, b"s" * 33, b"", SlotKind.PASSPHRASE)
    with pytest.raises(ValueError):
        unwrap(b"k" * 32, b"s" * 71, b"", SlotKind.PASSPHRASE)


def test_passphrases_are_nfc_normalised() -> None:
    """A precomposed and a decomposed "é" are the same passphrase."""
    assert normalize_passphrase("caf\u00e9 noir") == normalize_passphrase("cafe\u0301 noir")
    assert normalize_passphrase("caf\u00e9") == "café".encode()
    assert normalize_passphrase("Cafe") != normalize_passphrase("cafe")
