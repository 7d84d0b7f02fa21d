"""Known-answer vectors for the vault format, and an independent reader built from the spec.

docs/vault-format.md is the specification. This file checks three things agree on every
byte: the vectors written here, the vectors written in the document, and what `crypto/`
produces. It also re-derives every header from the document's rules with bare PyNaCl
calls (`nacl.bindings`, never `crypto/`), unlocks it the same way, and finally opens a
vault made by the real `VaultService` (header, keyring entry, SQLCipher database) with
that independent reader alone, so the document is known to describe what is on disk.

Argon2id runs with the interactive profile a handful of times (about 65 ms each).
"""

from __future__ import annotations

import base64
import hashlib
import re
import stat
import struct
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import keyring
import keyring.backend
import keyring.core
import keyring.errors
import nacl.bindings as sodium
import nacl.exceptions
import pytest
import sqlcipher3

from app.device_share import KeyringDeviceShares, NoDeviceShares
from app.paths import VaultPaths
from app.vault import VaultService
from app.vault_creation import PURPOSE_DB_KEY, db_key
from crypto.header import (
    COPY_BYTES,
    HEADER_BYTES,
    LOCKOUT_HEADER_BYTES,
    VERSION_1,
    VERSION_WITH_LOCKOUT,
    new_master_key,
    new_salt,
    new_vault_id,
    parse_header,
)
from crypto.header_file import FILE_BYTES, encode_file
from crypto.kdf import KdfProfile, derive_key, normalize_passphrase, stretch_passphrase
from crypto.keyslots import duress_kek, passphrase_kek, recovery_kek
from crypto.recovery_key import (
    backup_keypair,
    backup_signing_seed,
    decode_recovery_key,
    encode_recovery_key,
    new_recovery_key,
)
from crypto.signing import OwnerSigner
from crypto.vault_keys import (
    UnlockKind,
    build_header,
    open_with_passphrase,
    open_with_recovery_key,
)
from tests.conftest import CarnetEnv

DOC = Path(__file__).resolve().parent.parent / "docs" / "vault-format.md"

# --- inputs (docs/vault-format.md, section 11) -----------------------------------------

PASSPHRASE = "correct horse battery"
DURESS = "the tea is ready"
PROFILE = KdfProfile.INTERACTIVE
VAULT_ID = bytes.fromhex("000102030405060708090a0b0c0d0e0f")
SALT = bytes.fromhex("101112131415161718191a1b1c1d1e1f")
MASTER_KEY = bytes.fromhex("202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f")
RECOVERY_KEY = bytes.fromhex("404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f")
DEVICE_SHARE = bytes.fromhex("606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f")

# --- expected values --------------------------------------------------------------------

STRETCHED = "0ff3e608043f420949dacb9052965206e91bd69bc7af41936e30c5a7265b487b"
DURESS_STRETCHED = "94bce9bbaeea41e0815693ec3851e8347da95397de73f7ce338160a88bda7e06"
KEK_PASSPHRASE = "2bd3e1eb6be251d32db7c87a1e00163b843b29361e1e74056de58a254831871f"
KEK_PASSPHRASE_SHARE = "5ece68fc5714db74d95cd35cc8437696219cbbbc4da005e03b2f19a5d3f01306"
KEK_DURESS = "a941bf0a875e5fab87a623154b0b06d8470c8395f897fb8af99b52920fc2158a"
KEK_RECOVERY = "2c848e966f51e57c7dd975095abdafee8a335bc1072e0eb541974b1b756d4100"
HEADER_MAC_KEY = "45eac1adeb702e678ba055e83090d5d5baca3e268957fa88552a443683d29b68"
SQLCIPHER_KEY = "19cb9b7ea5a29ee4ec503af47a2e0e7ff3883ca90fbe991ffe5e8e1d7c8bf29d"
RECOVERY_CHECKSUM = "556934"
RECOVERY_TEXT = "IBAU-EQ2E-IVDE-OSCJ-JJFU-YTKO-J5IF-CUST-KRKV-MV2Y-LFNF-WXC5-LZPV-K2JU"
BACKUP_PUBLIC_KEY = "8c3073746761a72622c7fce3e4a017720fd854ae75466d125cd1744cd99c4531"
OWNER_PUBLIC_KEY = "31d27b9414a9aad7de9e978d51cb560c68aed5f770d9fd3abc5a99ae92ad55a5"

PREAMBLE_NO_SHARE = (
    "4341524e45545648"  # magic "CARNETVH"
    "0001"  # version 1
    "0000"  # flags
    "000102030405060708090a0b0c0d0e0f"  # vault id
    "01"  # Argon2id v1.3
    "01"  # interactive
    "00000002"  # opslimit
    "0000000004000000"  # memlimit
    "101112131415161718191a1b1c1d1e1f"  # salt
)
PASSPHRASE_SLOT_NO_SHARE = (
    "808182838485868788898a8b8c8d8e8f9091929394959697"
    "c701df5fbfaf02a20934c382a15f479a41c584e0cae3e9a69f4dc818409dd069"
    "661437e1b66dac4ac3009d18bc607ea1"
)
PASSPHRASE_SLOT_SHARE = (
    "808182838485868788898a8b8c8d8e8f9091929394959697"
    "d4730abb886ba2c1905f45f44e05d5d6081f63a923b0c69c82a81aacf2e23bef"
    "6f8c916455bb1a01466bf0e5a44b05df"
)
RECOVERY_SLOT = (
    "98999a9b9c9d9e9fa0a1a2a3a4a5a6a7a8a9aaabacadaeaf"
    "e7e5e1df0eab5456deb843bcad409c91c87e83eef288466d0f34e0a46a5b7a0a"
    "211c636bcea4424c4dbe010344ae5171"
)
DURESS_SLOT = (
    "d0d1d2d3d4d5d6d7d8d9dadbdcdddedfe0e1e2e3e4e5e6e7"
    "261043b0e18127beaf05bf69757783478ab466aa81c0f73b6e8e5a9346750a72"
    "a50e5fd74b91dafc66b753f72d255caa"
)
UNUSED_DURESS_SLOT = bytes(range(0xB0, 0xF8)).hex()
DURESS_TOKEN = bytes(range(0xB0, 0xD0))

VECTOR_A = bytes.fromhex(  # no device share, duress passphrase set
    PREAMBLE_NO_SHARE
    + PASSPHRASE_SLOT_NO_SHARE
    + RECOVERY_SLOT
    + DURESS_SLOT
    + "7dc1ecc1697719de34f8c9c03efab85e47dd984009ba43c250b6bbd5d4f1fd1a"
)
VECTOR_B = bytes.fromhex(  # device share, duress passphrase set
    PREAMBLE_NO_SHARE[:20]
    + "0001"
    + PREAMBLE_NO_SHARE[24:]
    + PASSPHRASE_SLOT_SHARE
    + RECOVERY_SLOT
    + DURESS_SLOT
    + "341f542b3b6bdfa9f6b82000c2c5d02f7c0cb499ff0e7c9612b2e2611e2ba68f"
)
VECTOR_C = bytes.fromhex(  # no device share, no duress passphrase
    PREAMBLE_NO_SHARE
    + PASSPHRASE_SLOT_NO_SHARE
    + RECOVERY_SLOT
    + UNUSED_DURESS_SLOT
    + "2ff0d6847085258510ec411056019bf7d20201e73b97f09bc8cc38a2358e68e3"
)
# Version 3: vector A as the copy Carnet writes, sequence 1, setting off. Bytes 0..273 are
# vector A's with the version 0003; then wipe-after, sequence, MAC and checksum.
VECTOR_A3_TAIL = (
    "0000"  # wipe after (off)
    "0000000000000001"  # sequence
    "fe408e5807e79792efcd09b6bf5a3ce5b3df2c5601b926d132dd3c2cb73e1f2c"  # header MAC
    "d0502273fd72d2ca291cfa9a86731e481a8e48db19719c5e05e074dd0dae01f7"  # copy checksum
)
VECTOR_A3 = VECTOR_A[:8] + b"\x00\x03" + VECTOR_A[10:274] + bytes.fromhex(VECTOR_A3_TAIL)
VECTOR_A3_FILE_SHA256 = "72b27658fcb0e04a126fa34e8785c5e54ced11a56b8cb5ba5ed83e598fa38381"
COUNTER_RECORD_1_0 = "00000000000000010000000080bfce5f6400eecba6ed542015e5ac40"
VECTORS = {
    "A": (VECTOR_A, None, True),
    "B": (VECTOR_B, DEVICE_SHARE, True),
    "C": (VECTOR_C, None, False),
}


class CountingRng:
    """The documented deterministic stream: 00 01 02 ... ff 00 ..., from `start`."""

    def __init__(self, start: int = 0) -> None:
        self.position = start

    def __call__(self, size: int) -> bytes:
        out = bytes((self.position + i) & 0xFF for i in range(size))
        self.position += size
        return out


# --- the independent reader: docs/vault-format.md with bare libsodium ------------------


def ref_blake2b(key: bytes, person: bytes, data: bytes = b"", size: int = 32) -> bytes:
    """BLAKE2b-n(key, person, data) as section 1 defines it."""
    return bytes(
        sodium.crypto_generichash_blake2b_salt_personal(
            data, digest_size=size, key=key, salt=b"\x00" * 16, person=person.ljust(16, b"\x00")
        )
    )


def ref_argon2id(passphrase: str, salt: bytes, ops: int, mem: int) -> bytes:
    import unicodedata

    password = unicodedata.normalize("NFC", passphrase).encode("utf-8")
    return bytes(
        sodium.crypto_pwhash_alg(32, password, salt, ops, mem, sodium.crypto_pwhash_ALG_ARGON2ID13)
    )


def ref_ad(header_or_preamble: bytes, index: int) -> bytes:
    """Section 5: magic, the slot format version (always 0001, whatever the header's
    version), the preamble after the flags, the slot index."""
    return header_or_preamble[0:8] + b"\x00\x01" + header_or_preamble[12:58] + bytes([index])


def ref_slot(kek: bytes, nonce: bytes, secret: bytes, ad: bytes) -> bytes:
    return nonce + bytes(sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(secret, ad, nonce, kek))


def ref_open_slot(kek: bytes, slot: bytes, ad: bytes) -> bytes | None:
    try:
        return bytes(
            sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(slot[24:], ad, slot[:24], kek)
        )
    except nacl.exceptions.CryptoError:
        return None


def ref_mac(master_key: bytes, body: bytes) -> bytes:
    return ref_blake2b(ref_blake2b(master_key, b"carnet-hdr-mac"), b"", body)


REF_PROFILES = {1: (2, 64 * 2**20), 2: (3, 256 * 2**20), 3: (4, 2**30)}


def reference_header(
    *,
    passphrase: str,
    duress: str | None,
    share: bytes | None,
    rng: Callable[[int], bytes],
) -> bytes:
    """Section 3 to 5 of the document, step by step, for the vector inputs."""
    ops, mem = REF_PROFILES[1]
    preamble = struct.pack(
        ">8sHH16sBBIQ16s", b"CARNETVH", 1, 1 if share else 0, VAULT_ID, 1, 1, ops, mem, SALT
    )
    stretched = ref_argon2id(passphrase, SALT, ops, mem)
    pass_kek = ref_blake2b(stretched, b"carnet-kek-pass", share or b"")
    rec_kek = ref_blake2b(RECOVERY_KEY, b"carnet-kek-recov")
    slots = ref_slot(pass_kek, rng(24), MASTER_KEY, ref_ad(preamble, 0))
    slots += ref_slot(rec_kek, rng(24), MASTER_KEY, ref_ad(preamble, 1))
    if duress is None:
        slots += rng(72)
    else:
        duress_kek_ = ref_blake2b(ref_argon2id(duress, SALT, ops, mem), b"carnet-kek-dures")
        token = rng(32)
        slots += ref_slot(duress_kek_, rng(24), token, ref_ad(preamble, 2))
    body = preamble + slots
    return body + ref_mac(MASTER_KEY, body)


def reference_copy(version_1: bytes, sequence: int, wipe_after: int = 0) -> bytes:
    """Section 3.1: a version 1 header as the version 3 copy with the same slots."""
    body = version_1[:8] + b"\x00\x03" + version_1[10:274]
    body += struct.pack(">HQ", wipe_after, sequence)
    body += ref_mac(MASTER_KEY, body)
    return body + ref_blake2b(b"", b"carnet-hdr-copy", body)


class RefError(Exception):
    pass


def ref_parse(header: bytes) -> tuple[bool, bytes, tuple[int, int]]:
    """Section 3's refusals, for a version 1 header (306 bytes) or a version 3 copy (348
    bytes, its checksum checked first). Returns (device share flag, salt, (ops, mem))."""
    sizes = {1: 306, 3: 348}
    if len(header) not in sizes.values():
        raise RefError("size")
    magic, version, flags, _vid, alg, code, ops, mem, salt = struct.unpack(
        ">8sHH16sBBIQ16s", header[:58]
    )
    if magic != b"CARNETVH" or sizes.get(version) != len(header) or flags & ~1 or alg != 1:
        raise RefError("preamble")
    if version == 3 and ref_blake2b(b"", b"carnet-hdr-copy", header[:316]) != header[316:]:
        raise RefError("torn")
    if REF_PROFILES.get(code) != (ops, mem):
        raise RefError("profile")
    return bool(flags & 1), salt, (ops, mem)


def ref_mac_range(header: bytes) -> tuple[bytes, bytes]:
    """(what the MAC covers, the MAC) of a version 1 header or a version 3 copy."""
    end = 274 if len(header) == 306 else 284
    return header[:end], header[end : end + 32]


def ref_newest_copy(data: bytes) -> bytes:
    """Section 3.2: the intact copy with the highest sequence number (A on a tie)."""
    if len(data) != 12288:
        raise RefError("size")
    best: tuple[int, bytes] | None = None
    for offset in (0, 4096):
        region = data[offset : offset + 4096]
        if any(region[348:]):
            continue
        try:
            ref_parse(region[:348])
        except RefError:
            continue
        sequence = int.from_bytes(region[276:284], "big")
        if best is None or sequence > best[0]:
            best = (sequence, region[:348])
    if best is None:
        raise RefError("no intact copy")
    return best[1]


def ref_unlock(header: bytes, stretched: bytes, share: bytes | None) -> tuple[str, bytes | None]:
    """Section 6, steps 4 to 8, from the Argon2id output of step 3."""
    flagged, _salt, _params = ref_parse(header)
    pass_kek = ref_blake2b(stretched, b"carnet-kek-pass", (share or b"") if flagged else b"")
    master_key = ref_open_slot(pass_kek, header[58:130], ref_ad(header, 0))
    token = ref_open_slot(
        ref_blake2b(stretched, b"carnet-kek-dures"), header[202:274], ref_ad(header, 2)
    )
    if master_key is not None:
        body, mac = ref_mac_range(header)
        if not sodium.sodium_memcmp(ref_mac(master_key, body), mac):
            raise RefError("header changed")
        return "passphrase", master_key
    if token is not None:
        return "duress", None
    raise RefError("wrong passphrase")


def ref_stretch(header: bytes, passphrase: str) -> bytes:
    _flagged, salt, (ops, mem) = ref_parse(header)
    return ref_argon2id(passphrase, salt, ops, mem)


def ref_decode_recovery_text(text: str) -> bytes:
    """Section 9."""
    compact = "".join(text.split()).replace("-", "").upper().translate(str.maketrans("018", "OIB"))
    if len(compact) != 56 or not re.fullmatch(r"[A-Z2-7]{56}", compact):
        raise RefError("malformed")
    raw = base64.b32decode(compact)
    if ref_blake2b(b"", b"carnet-rk-check", raw[:32], size=3) != raw[32:]:
        raise RefError("checksum")
    return raw[:32]


def ref_backup_public_key(recovery_key: bytes) -> bytes:
    seed = ref_blake2b(recovery_key, b"carnet-rk-x25519")
    public, _secret = sodium.crypto_box_seed_keypair(seed)
    return bytes(public)


def ref_owner_public_key(recovery_key: bytes) -> bytes:
    """Section 4: the Ed25519 key that signs travel backups as their owner's."""
    public, _secret = sodium.crypto_sign_seed_keypair(ref_blake2b(recovery_key, b"carnet-rk-sign"))
    return bytes(public)


def ref_open_store(db_path: Path, sqlcipher_key: bytes) -> sqlcipher3.Connection:
    """Section 10: the raw key, nothing else needed to read."""
    conn = sqlcipher3.connect(str(db_path))
    conn.execute(f"PRAGMA key = \"x'{sqlcipher_key.hex()}'\"")
    conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    return conn


# --- the Argon2id outputs, once per module ----------------------------------------------


@pytest.fixture(scope="module")
def stretched() -> dict[str, bytes]:
    """Argon2id of both passphrases, through crypto/ and through the bare binding."""
    return {
        "passphrase": stretch_passphrase(normalize_passphrase(PASSPHRASE), SALT, PROFILE),
        "duress": stretch_passphrase(normalize_passphrase(DURESS), SALT, PROFILE),
        "ref passphrase": ref_argon2id(PASSPHRASE, SALT, *REF_PROFILES[1]),
        "ref duress": ref_argon2id(DURESS, SALT, *REF_PROFILES[1]),
    }


# --- vectors against crypto/ -----------------------------------------------------------


def test_the_counting_stream_gives_the_documented_inputs() -> None:
    rng = CountingRng()
    assert new_vault_id(rng) == VAULT_ID
    assert new_salt(rng) == SALT
    assert new_master_key(rng) == MASTER_KEY
    assert new_recovery_key(rng) == RECOVERY_KEY
    assert rng(32) == DEVICE_SHARE
    assert CountingRng(0xF0)(0x20) == bytes(range(0xF0, 0x100)) + bytes(range(0x10))


def test_argon2id_vectors(stretched: dict[str, bytes]) -> None:
    assert stretched["passphrase"].hex() == STRETCHED
    assert stretched["duress"].hex() == DURESS_STRETCHED
    assert stretched["ref passphrase"].hex() == STRETCHED
    assert stretched["ref duress"].hex() == DURESS_STRETCHED


def test_kek_and_subkey_vectors() -> None:
    a, d = bytes.fromhex(STRETCHED), bytes.fromhex(DURESS_STRETCHED)
    expected = {
        KEK_PASSPHRASE: (passphrase_kek(a, None), ref_blake2b(a, b"carnet-kek-pass")),
        KEK_PASSPHRASE_SHARE: (
            passphrase_kek(a, DEVICE_SHARE),
            ref_blake2b(a, b"carnet-kek-pass", DEVICE_SHARE),
        ),
        KEK_DURESS: (duress_kek(d), ref_blake2b(d, b"carnet-kek-dures")),
        KEK_RECOVERY: (recovery_kek(RECOVERY_KEY), ref_blake2b(RECOVERY_KEY, b"carnet-kek-recov")),
        HEADER_MAC_KEY: (
            derive_key(MASTER_KEY, b"carnet-hdr-mac"),
            ref_blake2b(MASTER_KEY, b"carnet-hdr-mac"),
        ),
        SQLCIPHER_KEY: (db_key(MASTER_KEY), ref_blake2b(MASTER_KEY, b"carnet-sqlcipher")),
    }
    for hex_value, (ours, reference) in expected.items():
        assert ours.hex() == hex_value
        assert reference.hex() == hex_value
    # Any BLAKE2b implementation gives the same: the standard library's, for one.
    assert (
        hashlib.blake2b(DEVICE_SHARE, digest_size=32, key=a, person=b"carnet-kek-pass").hexdigest()
        == KEK_PASSPHRASE_SHARE
    )
    assert (
        hashlib.blake2b(digest_size=32, key=MASTER_KEY, person=b"carnet-sqlcipher").hexdigest()
        == SQLCIPHER_KEY
    )


def test_sqlcipher_key_vector() -> None:
    assert PURPOSE_DB_KEY == b"carnet-sqlcipher"
    assert db_key(MASTER_KEY).hex() == SQLCIPHER_KEY
    # A different master key gives a different database key.
    assert db_key(RECOVERY_KEY).hex() != SQLCIPHER_KEY


def test_recovery_key_vectors() -> None:
    assert encode_recovery_key(RECOVERY_KEY) == RECOVERY_TEXT
    assert decode_recovery_key(RECOVERY_TEXT) == RECOVERY_KEY
    assert decode_recovery_key(RECOVERY_TEXT.lower().replace("-", " ")) == RECOVERY_KEY
    assert bytes(backup_keypair(RECOVERY_KEY).public_key).hex() == BACKUP_PUBLIC_KEY
    # Independently: base32 of key and checksum, and the seeded X25519 pair.
    checksum = ref_blake2b(b"", b"carnet-rk-check", RECOVERY_KEY, size=3)
    assert checksum.hex() == RECOVERY_CHECKSUM
    assert base64.b32encode(RECOVERY_KEY + checksum).decode() == RECOVERY_TEXT.replace("-", "")
    assert ref_decode_recovery_text(RECOVERY_TEXT) == RECOVERY_KEY
    assert ref_backup_public_key(RECOVERY_KEY).hex() == BACKUP_PUBLIC_KEY
    assert OwnerSigner(backup_signing_seed(RECOVERY_KEY)).public_key.hex() == OWNER_PUBLIC_KEY
    assert ref_owner_public_key(RECOVERY_KEY).hex() == OWNER_PUBLIC_KEY


@pytest.mark.parametrize("name", sorted(VECTORS))
def test_header_vectors(name: str, stretched: dict[str, bytes]) -> None:
    """What crypto/ builds, written as version 3 (sequence 1) and, for the vectors the
    migration reads, as version 1: both agree with the document's construction."""
    expected, share, has_duress = VECTORS[name]
    assert len(expected) == HEADER_BYTES
    header = build_header(
        master_key=MASTER_KEY,
        stretched=stretched["passphrase"],
        salt=SALT,
        profile=PROFILE,
        vault_id=VAULT_ID,
        device_share=share,
        recovery_key=RECOVERY_KEY,
        duress_stretched=stretched["duress"] if has_duress else None,
        rng=CountingRng(0x80),
    )
    legacy = replace(header, version=VERSION_1, sequence=0).sealed_with(MASTER_KEY)
    assert legacy.to_bytes().hex() == expected.hex()
    copy = header.upgraded(1, MASTER_KEY).to_bytes()
    assert len(copy) == COPY_BYTES
    assert copy.hex() == reference_copy(expected, 1).hex()
    if name == "A":
        assert copy == VECTOR_A3
    # The independent construction, from the document alone, gives the same bytes.
    independent = reference_header(
        passphrase=PASSPHRASE,
        duress=DURESS if has_duress else None,
        share=share,
        rng=CountingRng(0x80),
    )
    assert independent.hex() == expected.hex()


@pytest.mark.parametrize("name", sorted(VECTORS))
def test_vectors_unlock_both_ways(name: str, stretched: dict[str, bytes]) -> None:
    data, share, has_duress = VECTORS[name]
    a, d = stretched["passphrase"], stretched["duress"]
    header = parse_header(data)
    assert header.device_share_required is (share is not None)
    unlocked = open_with_passphrase(header, a, share)
    assert (unlocked.kind, unlocked.master_key) == (UnlockKind.PASSPHRASE, MASTER_KEY)
    assert ref_unlock(data, a, share) == ("passphrase", MASTER_KEY)
    assert open_with_recovery_key(header, RECOVERY_KEY) == MASTER_KEY
    rec = ref_open_slot(
        ref_blake2b(RECOVERY_KEY, b"carnet-kek-recov"), data[130:202], ref_ad(data, 1)
    )
    assert rec == MASTER_KEY
    if has_duress:
        assert open_with_passphrase(header, d, share).kind is UnlockKind.DURESS
        assert ref_unlock(data, d, share) == ("duress", None)
        token = ref_open_slot(ref_blake2b(d, b"carnet-kek-dures"), data[202:274], ref_ad(data, 2))
        assert token == DURESS_TOKEN
    else:
        with pytest.raises(RefError, match="wrong passphrase"):
            ref_unlock(data, d, share)
    # The reader's refusals: a wrong share, a changed MAC, a cheaper profile.
    if share is not None:
        with pytest.raises(RefError, match="wrong passphrase"):
            ref_unlock(data, a, bytes(32))
    changed_mac = data[:300] + bytes([data[300] ^ 1]) + data[301:]
    with pytest.raises(RefError, match="header changed"):
        ref_unlock(changed_mac, a, share)
    downgraded = data[:29] + bytes([2]) + struct.pack(">IQ", 3, 256 * 2**20) + data[42:]
    ref_parse(downgraded)  # consistent, so it parses...
    with pytest.raises(RefError, match="wrong passphrase"):
        ref_unlock(downgraded, a, share)  # ...but the slots' AD no longer matches


def test_vectors_b_and_c_differ_from_a_only_where_the_document_says() -> None:
    def differing(x: bytes, y: bytes) -> set[int]:
        return {i for i in range(HEADER_BYTES) if x[i] != y[i]}

    b_diff = differing(VECTOR_A, VECTOR_B)
    assert b_diff <= {10, 11} | set(range(58 + 24, 130)) | set(range(274, 306))
    assert 11 in b_diff
    c_diff = differing(VECTOR_A, VECTOR_C)
    assert c_diff <= set(range(202, 306))


# --- the document holds the same vectors -------------------------------------------------


def _doc() -> str:
    return DOC.read_text(encoding="utf-8")


def _doc_section(title: str) -> str:
    text = _doc()
    start = text.index(title)
    end = text.find("\n### ", start + len(title))
    return text[start : end if end != -1 else len(text)]


def _doc_header_fields(section: str) -> dict[int, bytes]:
    """The code block of a vector section: offset -> bytes, continuation lines appended."""
    block = section.split("```")[1]
    fields: dict[int, bytes] = {}
    offset = -1
    for line in block.strip("\n").splitlines():
        tokens = line.split()
        if tokens and tokens[0].isdigit():
            offset = int(tokens[0])
            fields[offset] = b""
        fields[offset] += bytes.fromhex(tokens[-1])
    return fields


def test_the_document_holds_vector_a_byte_for_byte() -> None:
    fields = _doc_header_fields(_doc_section("### Vector A"))
    assert list(fields) == [0, 8, 10, 12, 28, 29, 30, 34, 42, 58, 130, 202, 274]
    assert b"".join(fields.values()) == VECTOR_A


def test_version_3_vector_and_file(stretched: dict[str, bytes]) -> None:
    """Vector A3 opens both ways; the header file around it is the documented one."""
    assert ref_unlock(VECTOR_A3, stretched["passphrase"], None) == ("passphrase", MASTER_KEY)
    header = parse_header(VECTOR_A3)
    assert open_with_passphrase(header, stretched["passphrase"], None).master_key == MASTER_KEY
    data = encode_file(header)
    assert hashlib.sha256(data).hexdigest() == VECTOR_A3_FILE_SHA256
    assert data[8192 : 8192 + 28].hex() == COUNTER_RECORD_1_0
    assert ref_newest_copy(data) == VECTOR_A3
    # The copy with the higher sequence wins, whichever slot it is in.
    newer = reference_copy(VECTOR_A, 2)
    both = bytearray(data)
    both[4096 : 4096 + 348] = newer
    assert ref_newest_copy(bytes(both)) == newer
    both[4096 + 100] ^= 1  # torn: the other copy is used
    assert ref_newest_copy(bytes(both)) == VECTOR_A3
    with pytest.raises(RefError, match="torn"):
        ref_parse(VECTOR_A3[:100] + bytes([VECTOR_A3[100] ^ 1]) + VECTOR_A3[101:])


def test_the_document_holds_vector_a3() -> None:
    section = _doc_section("### Vector A3")
    assert VECTOR_A3_TAIL[-64:] in section.replace(" ", "").replace("\n", "")
    for value in (
        "fe408e5807e79792efcd09b6bf5a3ce5b3df2c5601b926d132dd3c2cb73e1f2c",
        VECTOR_A3_FILE_SHA256,
        COUNTER_RECORD_1_0,
    ):
        assert value in section, value


@pytest.mark.parametrize(
    ("title", "vector"), [("### Vector B", VECTOR_B), ("### Vector C", VECTOR_C)]
)
def test_the_document_holds_the_other_vectors(title: str, vector: bytes) -> None:
    data = bytearray(VECTOR_A)
    for offset, value in _doc_header_fields(_doc_section(title)).items():
        data[offset : offset + len(value)] = value
    assert bytes(data) == vector


def test_the_document_holds_the_inputs_and_intermediate_values() -> None:
    text = _doc()
    for value in (
        VAULT_ID.hex(),
        SALT.hex(),
        MASTER_KEY.hex(),
        RECOVERY_KEY.hex(),
        DEVICE_SHARE.hex(),
        STRETCHED,
        DURESS_STRETCHED,
        KEK_PASSPHRASE,
        KEK_PASSPHRASE_SHARE,
        KEK_DURESS,
        KEK_RECOVERY,
        HEADER_MAC_KEY,
        SQLCIPHER_KEY,
        RECOVERY_CHECKSUM,
        RECOVERY_TEXT,
        BACKUP_PUBLIC_KEY,
        f"`{PASSPHRASE}`",
        f"`{DURESS}`",
    ):
        assert f"`{value.strip('`')}`" in text, value


def _layout_rows(text: str) -> list[tuple[int, int, str]]:
    rows = re.findall(r"^\| (\d+) \| (\d+) \| ([^|]+?) \|", text, flags=re.MULTILINE)
    return [(int(offset), int(size), name) for offset, size, name in rows]


def test_the_document_version_2_table_is_the_parsers() -> None:
    section = _doc().split("### Version 2", 1)[1].split("\n## ", 1)[0]
    rows = _layout_rows(section)
    assert [(o, n) for o, _s, n in rows] == [
        (274, "wipe after"),
        (276, "header MAC"),
        (308, "failed unlocks"),
    ]
    assert rows[-1][0] + rows[-1][1] == LOCKOUT_HEADER_BYTES
    header = replace(
        parse_header(VECTOR_B), version=VERSION_WITH_LOCKOUT, wipe_after=0x0102, failed_unlocks=7
    ).sealed_with(MASTER_KEY)
    data = header.to_bytes()
    by_name = {name: data[offset : offset + size] for offset, size, name in rows}
    assert by_name["wipe after"] == b"\x01\x02"
    assert by_name["header MAC"] == header.mac
    assert by_name["failed unlocks"] == b"\x00\x07"


def test_the_document_layout_table_is_the_parsers() -> None:
    rows = re.findall(
        r"^\| (\d+) \| (\d+) \| ([^|]+?) \|",
        _doc().split("### Version 2", 1)[0],
        flags=re.MULTILINE,
    )
    layout = [(int(offset), int(size), name) for offset, size, name in rows]
    assert layout[0][2] == "magic"
    position = 0
    for offset, size, _name in layout:
        assert offset == position
        position += size
    assert position == HEADER_BYTES
    sample = parse_header(VECTOR_B)
    by_name = {name: VECTOR_B[offset : offset + size] for offset, size, name in layout}
    assert by_name["vault id"] == sample.vault_id
    assert by_name["salt"] == sample.salt
    assert by_name["passphrase slot"] == sample.passphrase_slot
    assert by_name["recovery slot"] == sample.recovery_slot
    assert by_name["duress slot"] == sample.duress_slot
    assert by_name["header MAC"] == sample.mac


def test_the_document_names_every_personalisation_string() -> None:
    text = _doc()
    for person in (
        "carnet-kek-pass",
        "carnet-kek-dures",
        "carnet-kek-recov",
        "carnet-hdr-mac",
        "carnet-sqlcipher",
        "carnet-rk-check",
        "carnet-rk-sign",
        "carnet-rk-x25519",
        "carnet-hdr-copy",
        "carnet-hdr-count",
    ):
        assert f'person = "{person}"' in text, person
        assert len(person.encode()) <= 16


# --- a real vault, opened with the independent reader alone -----------------------------


class MemoryKeyring(keyring.backend.KeyringBackend):
    """An in-process keyring, to read back exactly what Carnet stored."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.entries.pop((service, username), None) is None:
            raise keyring.errors.PasswordDeleteError("no such entry")


@pytest.mark.parametrize("with_share", [False, True], ids=["no-keyring", "keyring"])
def test_a_real_vault_opens_with_the_document_alone(
    with_share: bool, carnet_env: CarnetEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    memory = MemoryKeyring()
    monkeypatch.setattr(keyring.core, "_keyring_backend", memory)
    shares = KeyringDeviceShares() if with_share else NoDeviceShares()
    paths = VaultPaths(carnet_env.vault)
    created = VaultService(paths, shares).create(
        PASSPHRASE, profile=KdfProfile.INTERACTIVE, use_keyring=with_share, duress_passphrase=DURESS
    )
    assert created.uses_device_share is with_share

    # Section 2: the folder.
    root = carnet_env.vault
    names = {p.name for p in root.iterdir()}
    assert {"header", "store.db"} <= names
    assert names <= {"header", "store.db", "store.db-wal", "store.db-shm", "blobs", "outbox"}
    assert stat.S_IMODE(root.stat().st_mode) == 0o700
    assert stat.S_IMODE((root / "header").stat().st_mode) == 0o600
    assert stat.S_IMODE((root / "store.db").stat().st_mode) == 0o600

    # Sections 3 and 8: the header and the keyring entry.
    header_file = (root / "header").read_bytes()
    assert len(header_file) == FILE_BYTES == 12288
    assert header_file[:4096] == header_file[4096:8192]  # two equal copies
    assert header_file[8192 : 8192 + 28].hex().startswith("0000000000000001" + "00000000")
    header = ref_newest_copy(header_file)
    assert len(header) == 348
    flagged, _salt, _params = ref_parse(header)
    assert flagged is with_share
    vault_id = header[12:28]
    share = None
    if with_share:
        assert list(memory.entries) == [("Carnet device share", vault_id.hex())]
        value = memory.entries[("Carnet device share", vault_id.hex())]
        assert len(value) == 44
        share = base64.b64decode(value, validate=True)
        assert len(share) == 32
    else:
        assert memory.entries == {}

    # Section 6: unlock, then the duress passphrase and the recovery key.
    kind, master_key = ref_unlock(header, ref_stretch(header, PASSPHRASE), share)
    assert kind == "passphrase" and master_key is not None
    assert ref_unlock(header, ref_stretch(header, DURESS), share) == ("duress", None)
    recovery_key = ref_decode_recovery_text(created.recovery_key)
    rec_kek = ref_blake2b(recovery_key, b"carnet-kek-recov")
    assert ref_open_slot(rec_kek, header[130:202], ref_ad(header, 1)) == master_key

    # Section 10: the database opens with the derived raw key alone.
    store = root / "store.db"
    assert store.read_bytes()[:16] != b"SQLite format 3\x00"
    conn = ref_open_store(store, ref_blake2b(master_key, b"carnet-sqlcipher"))
    try:
        meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
        assert meta["recovery_public_key"] == ref_backup_public_key(recovery_key).hex()
        assert int(meta["vault_created_at"]) > 0
        assert meta["travel_owner_public_key"] == ref_owner_public_key(recovery_key).hex()
        assert meta["travel_owner_seed"] == ref_blake2b(recovery_key, b"carnet-rk-sign").hex()
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA cipher_page_size").fetchone()[0] == "4096"
        assert conn.execute("PRAGMA cipher_hmac_algorithm").fetchone()[0] == "HMAC_SHA512"
        assert str(conn.execute("PRAGMA cipher_version").fetchone()[0]).startswith("4.")
        assert conn.execute("PRAGMA user_version").fetchone()[0] >= 1
    finally:
        conn.close()
    # And not with the master key itself, nor with another purpose's key.
    for wrong in (master_key, ref_blake2b(master_key, b"carnet-hdr-mac")):
        with pytest.raises(sqlcipher3.DatabaseError):
            ref_open_store(store, wrong).close()
