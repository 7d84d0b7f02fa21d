"""The sealed bundle container (crypto/bundle.py): recipients, tampering, truncation, fuzzing."""

from __future__ import annotations

import io
import os

import nacl.bindings as sodium
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crypto.bundle import (
    MAX_RECIPIENTS,
    PREAMBLE_BYTES,
    STANZA_BYTES,
    BundleIntegrityError,
    BundleWriter,
    NotAddressedError,
    header_size,
    open_bundle,
    padme,
)
from crypto.errors import CryptoError, MalformedError

CHUNK = 1024
KEYS = [sodium.crypto_box_keypair() for _ in range(MAX_RECIPIENTS + 1)]
PAYLOAD = os.urandom(3 * CHUNK + 100)


def make(recipients: int = 2, payload: bytes = PAYLOAD) -> bytes:
    out = io.BytesIO()
    writer = BundleWriter([pk for pk, _ in KEYS[:recipients]], out, CHUNK)
    writer.write(payload)
    writer.close()
    return out.getvalue()


def read(bundle: bytes, key: int = 0) -> bytes:
    public, secret = KEYS[key]
    return b"".join(open_bundle(io.BytesIO(bundle), public, secret))


@pytest.mark.parametrize("recipients", [1, MAX_RECIPIENTS])
def test_every_recipient_opens_it_and_others_cannot(recipients: int) -> None:
    bundle = make(recipients)
    for index in range(recipients):
        plain = read(bundle, index)
        assert plain[: len(PAYLOAD)] == PAYLOAD
        assert plain[len(PAYLOAD) :] == bytes(len(plain) - len(PAYLOAD))  # zero padding
        assert len(plain) == padme(len(PAYLOAD))
    with pytest.raises(NotAddressedError, match="not addressed to this key"):
        read(bundle, MAX_RECIPIENTS)


def test_seventeen_recipients_or_duplicates_are_refused() -> None:
    with pytest.raises(ValueError, match="1 to 16"):
        BundleWriter([pk for pk, _ in KEYS], io.BytesIO(), CHUNK)
    with pytest.raises(ValueError, match="twice"):
        BundleWriter([KEYS[0][0], KEYS[0][0]], io.BytesIO(), CHUNK)


def test_no_recipient_identifier_and_no_plaintext_in_the_file() -> None:
    marker = b"CANARY-bundle-91f2" * 50
    bundle = make(2, marker)
    assert b"CANARY" not in bundle
    for public, _ in KEYS[:2]:
        assert public not in bundle


def test_padme_hides_the_exact_size() -> None:
    assert padme(0) == 0 and padme(1) == 1
    assert padme(1000) >= 1000
    for n in (5_000, 123_457, 10**9):
        assert n <= padme(n) <= n * 1.12
    assert len(make(1, bytes(5000))) == len(make(1, bytes(5100)))


def flipped(bundle: bytes, at: int) -> bytes:
    return bundle[:at] + bytes([bundle[at] ^ 0x04]) + bundle[at + 1 :]


def test_a_flipped_byte_anywhere_is_detected() -> None:
    bundle = make(2)
    head = header_size(2)
    positions = sorted(
        set(range(0, head, 3))
        | set(range(head, len(bundle), max(1, (len(bundle) - head) // 97)))
        | {len(bundle) - 1}
    )
    for at in positions:
        with pytest.raises(CryptoError):
            read(flipped(bundle, at))


def test_truncation_anywhere_and_appended_bytes_are_detected() -> None:
    bundle = make(2)
    for cut in [*range(0, len(bundle), 37), len(bundle) - 1]:
        with pytest.raises(CryptoError):
            read(bundle[:cut])
    for extra in (b"\x00", bytes(CHUNK + 17), os.urandom(5000)):
        with pytest.raises(BundleIntegrityError):
            read(bundle + extra)


def test_swapped_duplicated_added_or_removed_stanzas_are_detected() -> None:
    bundle = make(2)
    start = PREAMBLE_BYTES
    s0 = bundle[start : start + STANZA_BYTES]
    s1 = bundle[start + STANZA_BYTES : start + 2 * STANZA_BYTES]
    rest = bundle[start + 2 * STANZA_BYTES :]

    def with_count(count: int) -> bytes:
        preamble = bytearray(bundle[:PREAMBLE_BYTES])
        preamble[10] = count
        return bytes(preamble)

    variants = {
        "swapped": bundle[:start] + s1 + s0 + rest,
        "duplicated": bundle[:start] + s0 + s0 + rest,
        "added": with_count(3) + s0 + s1 + sodium.crypto_box_seal(bytes(32), KEYS[5][0]) + rest,
        "removed": with_count(1) + s0 + rest,
    }
    for name, variant in variants.items():
        with pytest.raises(CryptoError):
            read(variant, 0)
            pytest.fail(f"{name} stanzas were accepted")


def test_a_stanza_for_an_outsider_added_by_an_outsider_does_not_open() -> None:
    bundle = make(1)
    forged = bytearray(bundle)
    forged[10] = 2
    forged[PREAMBLE_BYTES + STANZA_BYTES : PREAMBLE_BYTES + STANZA_BYTES] = sodium.crypto_box_seal(
        os.urandom(32), KEYS[9][0]
    )
    with pytest.raises(BundleIntegrityError):  # the outsider's key opens it; the MAC fails
        read(bytes(forged), 9)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=600))
def test_random_bytes_give_only_clean_errors(junk: bytes) -> None:
    with pytest.raises(CryptoError):
        read(junk)


@settings(max_examples=150, deadline=None)
@given(st.binary(min_size=1, max_size=64), st.integers(min_value=0))
def test_garbage_after_a_valid_preamble_gives_only_clean_errors(tail: bytes, where: int) -> None:
    bundle = make(1, b"short")
    at = where % len(bundle)
    with pytest.raises(CryptoError):
        read(bundle[:at] + tail)


# A bundle made once by BundleWriter for the recipient whose X25519 secret key is bytes
# 1..32, payload "Carnet bundle vector", chunk size 1024 (docs/bundle-format.md shows it).
VECTOR_SECRET = bytes(range(1, 33))
VECTOR_PUBLIC = "07a37cbc142093c8b755dc1b10e86cb426374ad16aa853ed0bdfc0b2b86d1c7c"
VECTOR_BUNDLE = bytes.fromhex(
    "4341524e4554424e00010100000004007932ba1c97602c1f457bd544452594ee"
    "e350f5da9081dc6f643fb6b73e48aa501fac86dd0c990c3419b4638ac5566588"
    "ffe5192523e6c420f55779aa97d4ea48bd97ed42a0c474e8c25081a885baa430"
    "42de9107eac0eb19fb3aaabf3a4749f3a8b3b2fd53871de0b014b1ca589dcfee"
    "a02604deeb4cdf8a96abefbaa24722235b11a4bd0c3c86af6d616f4382d2e474"
    "254898982e6f7f574b836b73e0de6e06a428caa983357d673383a10fcc"
)


def test_known_answer_vector() -> None:
    public = sodium.crypto_scalarmult_base(VECTOR_SECRET)
    assert public.hex() == VECTOR_PUBLIC
    plain = b"".join(open_bundle(io.BytesIO(VECTOR_BUNDLE), public, VECTOR_SECRET))
    assert plain == b"Carnet bundle vector"  # 20 bytes: Padmé adds nothing


def test_a_file_with_another_magic_is_not_a_bundle() -> None:
    """Everything else valid: the magic alone tells 'not a bundle' from 'a damaged one'."""
    bundle = bytearray(make())
    bundle[0] ^= 1
    with pytest.raises(MalformedError):
        read(bytes(bundle))


@pytest.mark.parametrize(
    ("offset", "value"), [(10, 0), (10, MAX_RECIPIENTS + 1), (11, 1)], ids=["0", "17", "reserved"]
)
def test_a_recipient_count_out_of_range_or_a_reserved_byte_is_damage(
    offset: int, value: int
) -> None:
    """Not 'not addressed to you' (a count of 0 finds no stanza) but a damaged header."""
    bundle = bytearray(make())
    bundle[offset] = value
    with pytest.raises(BundleIntegrityError):
        read(bytes(bundle))
