"""The recovery key's written form: what a person writes down and types back one day.

Typing it back must forgive what people do (case, spaces, missing hyphens, reading O as
0) and catch what they get wrong (any other changed character) before any unlock is
attempted, so a typo is reported as a typo and never turns into a different key.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import string

import nacl.bindings
import nacl.public
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crypto.errors import ChecksumError, MalformedError
from crypto.recovery_key import (
    backup_keypair,
    backup_signing_seed,
    decode_recovery_key,
    encode_recovery_key,
    new_recovery_key,
)
from crypto.signing import OwnerSigner, verify_owner_signature, verify_signature

key32 = st.binary(min_size=32, max_size=32)
ALPHABET = string.ascii_uppercase + "234567"
# What a reader may type for a letter and still mean it (decode folds these).
EQUIVALENT = {"O": "0", "I": "1", "B": "8"}
TEXT_SHAPE = re.compile(r"^[A-Z2-7]{4}(-[A-Z2-7]{4}){13}$")


def canonical(text: str) -> str:
    return "".join(text.split()).replace("-", "").upper().translate(str.maketrans("018", "OIB"))


# --- format -----------------------------------------------------------------------------


@given(key32)
def test_round_trip(key: bytes) -> None:
    text = encode_recovery_key(key)
    assert TEXT_SHAPE.match(text), text
    assert len(text) == 56 + 13
    assert decode_recovery_key(text) == key


@given(key32)
def test_text_is_base32_of_key_and_a_three_byte_blake2b_checksum(key: bytes) -> None:
    """The documented construction, recomputed with the standard library alone."""
    checksum = hashlib.blake2b(key, digest_size=3, person=b"carnet-rk-check").digest()
    expected = base64.b32encode(key + checksum).decode()
    assert "=" not in expected
    assert encode_recovery_key(key).replace("-", "") == expected


def test_encode_refuses_a_key_of_the_wrong_size() -> None:
    for size in (0, 16, 31, 33, 64):
        with pytest.raises(ValueError):
            encode_recovery_key(b"\x01" * size)


def test_new_recovery_keys_are_32_random_bytes() -> None:
    assert new_recovery_key(lambda n: b"\x07" * n) == b"\x07" * 32
    keys = {new_recovery_key() for _ in range(20)}
    assert len(keys) == 20 and {len(k) for k in keys} == {32}


# --- forgiving what people do -----------------------------------------------------------


@st.composite
def retyped(draw: st.DrawFn, key: bytes) -> str:
    """The key's text as someone might type it back: any case, any spacing, 0 for O."""
    groups = encode_recovery_key(key).split("-")
    out = []
    for group in groups:
        chars = []
        for ch in group:
            if ch in EQUIVALENT and draw(st.booleans()):
                ch = EQUIVALENT[ch]
            if draw(st.booleans()):
                ch = ch.lower()
            chars.append(ch)
            if draw(st.integers(0, 9)) == 0:
                chars.append(" ")
        out.append("".join(chars))
    separators = st.sampled_from(["-", " ", "", " - ", "\n", "\t", "  ", "--"])
    text = out[0]
    for group in out[1:]:
        text += draw(separators) + group
    return draw(st.sampled_from(["", " ", "\n"])) + text + draw(st.sampled_from(["", "\n", "  "]))


@settings(max_examples=300)
@given(st.data(), key32)
def test_case_spacing_hyphens_and_misreadings_are_forgiven(data: st.DataObject, key: bytes) -> None:
    text = data.draw(retyped(key))
    assert decode_recovery_key(text) == key


def test_the_obvious_variants_of_one_key() -> None:
    key = bytes(range(32))
    text = encode_recovery_key(key)
    for variant in (
        text.lower(),
        text.replace("-", ""),
        text.replace("-", " "),
        text.replace("-", "\n"),
        " ".join(text.replace("-", "")),
        text.replace("O", "0").replace("I", "1").replace("B", "8"),
        text.lower().replace("o", "0").replace("i", "1").replace("b", "8"),
        f"  {text}\n",
    ):
        assert decode_recovery_key(variant) == key, variant


def test_the_fixed_key_uses_the_misread_letters() -> None:
    """Make sure the variants above really exercise O, I and B."""
    text = encode_recovery_key(bytes(range(32)))
    assert set("OIB") & set(text)


# --- catching what people get wrong -----------------------------------------------------


def _decodes_to(text: str) -> bytes | None:
    try:
        return decode_recovery_key(text)
    except MalformedError:  # ChecksumError is a MalformedError
        return None


def _substitutes(ch: str) -> list[str]:
    """Every character that differs from `ch` in meaning, typeable on a keyboard."""
    same = {ch, ch.lower(), EQUIVALENT.get(ch, ch)}
    pool = ALPHABET + string.ascii_lowercase + "0189" + "!=_.,+/é"
    return [c for c in pool if c not in same and canonical(c) != canonical(ch)]


SAMPLE_KEYS = (
    [bytes(range(32)), b"\x00" * 32, b"\xff" * 32]
    + [
        bytes.fromhex(h)
        for h in (
            "4d9a3c0a0f6e8b1c2d3e4f5061728394a5b6c7d8e9fa0b1c2d3e4f5061728394",
            "0123456789abcdeffedcba98765432100123456789abcdeffedcba9876543210",
        )
    ]
    + [hashlib.sha256(bytes([i])).digest() for i in range(15)]
)


@pytest.mark.parametrize("key", SAMPLE_KEYS, ids=lambda k: k.hex()[:8])
def test_every_single_character_substitution_is_caught(key: bytes) -> None:
    text = encode_recovery_key(key)
    compact = text.replace("-", "")
    tried = 0
    for position, ch in enumerate(compact):
        for sub in _substitutes(ch):
            typo = compact[:position] + sub + compact[position + 1 :]
            with pytest.raises(MalformedError):
                decode_recovery_key(typo)
            tried += 1
    assert tried > 56 * 40


@pytest.mark.parametrize("key", SAMPLE_KEYS[:5], ids=lambda k: k.hex()[:8])
def test_a_substituted_valid_letter_is_a_checksum_error(key: bytes) -> None:
    """Letters of the alphabet parse as base32, so it is the checksum that catches them."""
    compact = encode_recovery_key(key).replace("-", "")
    for position, ch in enumerate(compact):
        sub = "A" if ch != "A" else "Q"
        with pytest.raises(ChecksumError):
            decode_recovery_key(compact[:position] + sub + compact[position + 1 :])


@settings(max_examples=300)
@given(key32, st.integers(0, 55), st.sampled_from(ALPHABET))
def test_a_substitution_never_yields_another_key(key: bytes, position: int, sub: str) -> None:
    compact = encode_recovery_key(key).replace("-", "")
    typo = compact[:position] + sub + compact[position + 1 :]
    result = _decodes_to(typo)
    if sub == compact[position]:
        assert result == key
    else:
        assert result is None


@pytest.mark.parametrize("key", SAMPLE_KEYS[:5], ids=lambda k: k.hex()[:8])
def test_swapped_neighbours_are_caught(key: bytes) -> None:
    compact = encode_recovery_key(key).replace("-", "")
    for i in range(len(compact) - 1):
        if compact[i] == compact[i + 1]:
            continue
        swapped = compact[:i] + compact[i + 1] + compact[i] + compact[i + 2 :]
        assert _decodes_to(swapped) is None


@pytest.mark.parametrize("length", [0, 1, 52, 55, 57, 60, 64, 112])
def test_wrong_length_is_refused_as_malformed_not_as_a_typo(length: int) -> None:
    compact = (encode_recovery_key(bytes(range(32))).replace("-", "") * 2)[:length]
    with pytest.raises(MalformedError) as caught:
        decode_recovery_key(compact)
    assert not isinstance(caught.value, ChecksumError)
    assert "56" in caught.value.message


def test_a_dropped_or_doubled_character_is_refused() -> None:
    text = encode_recovery_key(bytes(range(32)))
    compact = text.replace("-", "")
    for i in range(len(compact)):
        assert _decodes_to(compact[:i] + compact[i + 1 :]) is None
        assert _decodes_to(compact[:i] + compact[i] + compact[i:]) is None


@pytest.mark.parametrize("bad", ["9", "!", "=", "é", "Ω", "_", "\u200b"])
def test_characters_outside_the_alphabet_are_malformed(bad: str) -> None:
    compact = encode_recovery_key(bytes(range(32))).replace("-", "")
    typo = bad + compact[1:]
    with pytest.raises(MalformedError) as caught:
        decode_recovery_key(typo)
    assert not isinstance(caught.value, ChecksumError)


def test_base32_padding_never_gives_a_short_key() -> None:
    """b32decode accepts "=" padding; a padded text must not decode to a shorter key."""
    compact = encode_recovery_key(bytes(range(32))).replace("-", "")
    for pad in (1, 3, 4, 6):
        typo = compact[:-pad] + "=" * pad
        assert _decodes_to(typo) is None


@settings(max_examples=500)
@given(st.text(max_size=120))
def test_arbitrary_text_raises_only_malformed(text: str) -> None:
    result = _decodes_to(text)
    if result is not None:
        assert len(result) == 32
        assert canonical(encode_recovery_key(result)) == canonical(text)


@settings(max_examples=500)
@given(st.text(alphabet=ALPHABET + "-018 ", min_size=50, max_size=80))
def test_text_over_the_alphabet_raises_only_malformed(text: str) -> None:
    result = _decodes_to(text)
    if result is not None:
        assert canonical(encode_recovery_key(result)) == canonical(text)


def test_error_messages_hold_no_key_material() -> None:
    key = bytes(range(32))
    compact = encode_recovery_key(key).replace("-", "")
    typo = compact[:10] + ("A" if compact[10] != "A" else "Q") + compact[11:]
    with pytest.raises(ChecksumError) as caught:
        decode_recovery_key(typo)
    message = str(caught.value)
    assert compact[:8] not in message and key.hex()[:8] not in message


# --- the backup key pair ----------------------------------------------------------------


@settings(max_examples=50)
@given(key32)
def test_backup_keypair_is_deterministic(key: bytes) -> None:
    first, second = backup_keypair(key), backup_keypair(bytes(key))
    assert bytes(first) == bytes(second)
    assert bytes(first.public_key) == bytes(second.public_key)
    other = backup_keypair(bytes([key[0] ^ 1]) + key[1:])
    assert bytes(other.public_key) != bytes(first.public_key)
    # It is not the recovery key itself, nor a plain X25519 key made from it.
    assert bytes(first) != key
    assert bytes(first.public_key) != bytes(nacl.public.PrivateKey(key).public_key)


def test_backup_keypair_is_the_documented_derivation() -> None:
    key = bytes(range(32))
    seed = hashlib.blake2b(b"", digest_size=32, key=key, person=b"carnet-rk-x25519").digest()
    public, secret = nacl.bindings.crypto_box_seed_keypair(seed)
    pair = backup_keypair(key)
    assert bytes(pair.public_key) == public
    assert bytes(pair) == secret[:32]
    assert secret[:32] == hashlib.sha512(seed).digest()[:32]


def test_a_backup_sealed_to_the_public_key_opens_with_the_recovered_pair() -> None:
    key = os.urandom(32)
    sealed = nacl.public.SealedBox(backup_keypair(key).public_key).encrypt(b"travel backup")
    recovered = decode_recovery_key(encode_recovery_key(key).lower())
    assert nacl.public.SealedBox(backup_keypair(recovered)).decrypt(sealed) == b"travel backup"


# --- the owner key that signs travel backups --------------------------------------------


def test_the_owner_key_is_its_own_derivation() -> None:
    key = bytes(range(32))
    seed = hashlib.blake2b(b"", digest_size=32, key=key, person=b"carnet-rk-sign").digest()
    assert backup_signing_seed(key) == seed
    public, _secret = nacl.bindings.crypto_sign_seed_keypair(seed)
    assert OwnerSigner(seed).public_key == public
    # Apart from the backup pair's seed and the recovery key: one purpose, one key.
    x25519_seed = hashlib.blake2b(b"", digest_size=32, key=key, person=b"carnet-rk-x25519")
    assert seed not in (key, x25519_seed.digest())
    assert OwnerSigner(backup_signing_seed(bytes(reversed(key)))).public_key != public


def test_an_owner_signature_is_bound_to_its_context_and_manifest() -> None:
    signer = OwnerSigner(backup_signing_seed(os.urandom(32)))
    manifest = b'{"format": "carnet-travel-backup"}'
    signature = signer.sign_manifest(manifest)
    assert verify_owner_signature(signer.public_key, manifest, signature)
    assert not verify_owner_signature(signer.public_key, manifest + b" ", signature)
    # A plain signature of the same bytes (as a device key makes) is not an owner one.
    assert not verify_signature(signer.public_key, manifest, signature)
    assert signer.fingerprint in repr(signer)
