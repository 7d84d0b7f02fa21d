"""The custody log (app/custody.py, crypto/signing.py): chain, signatures, tampering."""

from __future__ import annotations

import hashlib
import itertools
import json
import re
from pathlib import Path

import nacl.bindings as sodium
import pytest
import sqlcipher3
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.custody import (
    GENESIS_HASH,
    NEXT_SIGNER,
    CustodyAction,
    CustodyLog,
    canonical_bytes,
    row_hash,
)
from app.errors import IntegrityError, ValidationError
from app.models import IncidentInput
from app.notebook import Notebook
from crypto.kdf import derive_key
from crypto.signing import PURPOSE_SIGNING_SEED, DeviceSigner, verify_signature
from tests.conftest import Result, VaultFixture

SEED = bytes(range(32))


def nb(notebook: object) -> Notebook:
    assert isinstance(notebook, Notebook)
    return notebook


def log_for(notebook: Notebook, seed: bytes = SEED) -> CustodyLog:
    ticks = itertools.count(1)
    return CustodyLog(
        notebook.session.db,
        DeviceSigner(seed),
        clock=lambda: f"2026-01-01T00:00:{next(ticks):02d}Z",
    )


def fill(log: CustodyLog, rows: int) -> None:
    for n in range(rows):
        log.record(CustodyAction.ATTACH, f"attachment {n}", n % 3 or None, {"sha256": f"{n:064x}"})


# --- the known-answer vector (docs/custody-log.md, "Known-answer vector") ---------------

DOC = Path(__file__).resolve().parent.parent / "docs" / "custody-log.md"
VECTOR_MASTER_KEY = bytes.fromhex(
    "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f"
)
VECTOR_DEVICE_SEED = "4b8d373113b13ca232083958da5b05fb6b85261df08550ccd4baa1e632bffa13"
VECTOR_PUBLIC_KEY = "03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8"
VECTOR_ACTOR = "4f58 ede5 98f8 3a8d 200e 17d3 038e dc5b"
# (action, subject, incident_id, details); `at` comes from the clock: …:01Z, then …:02Z.
VECTOR_ROWS: list[tuple[CustodyAction, str, int | None, dict[str, object]]] = [
    (
        CustodyAction.ATTACH,
        "attachment 1",
        1,
        {"sha256": "ab" * 32, "size": 1234, "media_type": "image/jpeg"},
    ),
    (
        CustodyAction.EXPORT,
        "bundle 00112233",
        None,
        {"recipients": ["D\u00e9fenseurs \u2013 Gen\u00e8ve"], "manifest_sha256": "cd" * 32},
    ),
]
VECTOR_AT = ["2026-01-01T00:00:01Z", "2026-01-01T00:00:02Z"]
VECTOR_CANONICAL = [
    "6361726e65742d637573746f64792d76310a7b22616374696f6e223a22617474616368222c226163746f7222"
    "3a22346635382065646535203938663820336138642032303065203137643320303338652064633562222c22"
    "6174223a22323032362d30312d30315430303a30303a30315a222c2264657461696c73223a7b226d65646961"
    "5f74797065223a22696d6167652f6a706567222c22736861323536223a226162616261626162616261626162"
    "6162616261626162616261626162616261626162616261626162616261626162616261626162616261626162"
    "616261626162222c2273697a65223a313233347d2c22696e636964656e745f6964223a312c22707265765f68"
    "617368223a223030303030303030303030303030303030303030303030303030303030303030303030303030"
    "3030303030303030303030303030303030303030303030303030222c22736571223a312c227375626a656374"
    "223a226174746163686d656e742031227d",
    "6361726e65742d637573746f64792d76310a7b22616374696f6e223a226578706f7274222c226163746f7222"
    "3a22346635382065646535203938663820336138642032303065203137643320303338652064633562222c22"
    "6174223a22323032362d30312d30315430303a30303a30325a222c2264657461696c73223a7b226d616e6966"
    "6573745f736861323536223a2263646364636463646364636463646364636463646364636463646364636463"
    "646364636463646364636463646364636463646364636463646364636463646364222c22726563697069656e"
    "7473223a5b2244c3a966656e736575727320e280932047656ec3a87665225d7d2c22696e636964656e745f69"
    "64223a6e756c6c2c22707265765f68617368223a223839336535383831306463366561303636636431663635"
    "3163663364356264343066316239333162616338313331383735336439633763393361636439306438222c22"
    "736571223a322c227375626a656374223a2262756e646c65203030313132323333227d",
]
VECTOR_SIGNATURE = [
    "d7b5c372f1d577a6c90d406d97124769acb82e97a0c0aa257dcc7f1dd13c11ec"
    "3d6349cce39bf156acf2a41c7d2f3c9a1e404ee358cac9d70bf7121684617b0a",
    "9a61b341ce0c3bf2e487886bc31ae4d9436e3b72e04bfba3f232defe61e02893"
    "94f6add8bf241fe78f3fdd688103da4152aad4f8045d7ff63ff12da24c70dd08",
]
VECTOR_ROW_HASH = [
    "893e58810dc6ea066cd1f651cf3d5bd40f1b931bac81318753d9c7c93acd90d8",
    "441ba6eba0cd8c1d743d725316813bb637641f79227de9fc27095a80d7713ee5",
]


def test_known_answer_vector() -> None:
    """canonical_bytes, the signature and row_hash give the bytes written above."""
    signer = DeviceSigner(SEED)
    assert signer.public_key.hex() == VECTOR_PUBLIC_KEY
    assert signer.fingerprint == VECTOR_ACTOR
    prev = GENESIS_HASH
    for n, (action, subject, incident_id, details) in enumerate(VECTOR_ROWS):
        canonical = canonical_bytes(
            n + 1, VECTOR_AT[n], str(action), subject, incident_id, details, VECTOR_ACTOR, prev
        )
        assert canonical.hex() == VECTOR_CANONICAL[n]
        signature = signer.sign(canonical)
        assert signature.hex() == VECTOR_SIGNATURE[n]
        assert row_hash(canonical, signature) == VECTOR_ROW_HASH[n]
        prev = VECTOR_ROW_HASH[n]


def test_known_answer_vector_device_seed() -> None:
    """The device seed of the vault-format vectors' master key (BLAKE2b-256, personalised)."""
    seed = derive_key(VECTOR_MASTER_KEY, PURPOSE_SIGNING_SEED)
    assert seed.hex() == VECTOR_DEVICE_SEED
    independent = hashlib.blake2b(
        b"", digest_size=32, key=VECTOR_MASTER_KEY, person=b"carnet-sign-seed"
    ).digest()
    assert independent.hex() == VECTOR_DEVICE_SEED


def test_known_answer_vector_through_the_log(notebook: object) -> None:
    """The same rows appended by a real CustodyLog (fixed seed and clock) in a real vault."""
    notebook = nb(notebook)
    log = log_for(notebook)
    for action, subject, incident_id, details in VECTOR_ROWS:
        log.record(action, subject, incident_id, details)
    entries = log.entries()
    assert [e.at for e in entries] == VECTOR_AT
    assert [e.actor for e in entries] == [VECTOR_ACTOR] * 2
    assert [e.prev_hash for e in entries] == [GENESIS_HASH, VECTOR_ROW_HASH[0]]
    assert [e.signature for e in entries] == VECTOR_SIGNATURE
    assert [e.row_hash for e in entries] == VECTOR_ROW_HASH
    assert log.verify() == 2


def _doc_values() -> dict[str, str]:
    text = DOC.read_text(encoding="utf-8")
    section = text.split("## Known-answer vector\n", 1)
    if len(section) != 2:
        raise AssertionError("docs/custody-log.md has no 'Known-answer vector' section")
    body = section[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| ([a-z0-9 _()-]+?) \| `([^`]+)` \|$", body, flags=re.MULTILINE)
    return dict(rows)


def test_document_holds_the_vector() -> None:
    values = _doc_values()
    expected = {
        "master key": VECTOR_MASTER_KEY.hex(),
        "device seed": VECTOR_DEVICE_SEED,
        "seed": SEED.hex(),
        "public key": VECTOR_PUBLIC_KEY,
        "actor": VECTOR_ACTOR,
    }
    for n in range(2):
        expected[f"row {n + 1} canonical bytes"] = VECTOR_CANONICAL[n]
        expected[f"row {n + 1} signature"] = VECTOR_SIGNATURE[n]
        expected[f"row {n + 1} row_hash"] = VECTOR_ROW_HASH[n]
    assert values == expected


def _json_by_the_document(value: object) -> str:
    """The document's JSON rules, by hand: sorted keys, `,` and `:` with no spaces,
    non-ASCII characters as they are; only `"`, `\\` and control characters escaped."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        escaped = "".join(
            "\\" + ch if ch in '"\\' else f"\\u{ord(ch):04x}" if ord(ch) < 0x20 else ch
            for ch in value
        )
        return f'"{escaped}"'
    if isinstance(value, list):
        return "[" + ",".join(_json_by_the_document(item) for item in value) + "]"
    if isinstance(value, dict):
        items = sorted(value.items())
        return (
            "{"
            + ",".join(f"{_json_by_the_document(k)}:{_json_by_the_document(v)}" for k, v in items)
            + "}"
        )
    raise TypeError(type(value))


def test_vector_rederived_from_the_document_rules() -> None:
    """Canonical bytes, signature, row hash and actor from docs/custody-log.md's rules with
    bare hashlib and libsodium calls, never app/ or crypto/; then checked against the
    document's values."""
    values = _doc_values()
    seed = bytes.fromhex(values["seed"])
    public_key, secret_key = sodium.crypto_sign_seed_keypair(seed)
    assert public_key.hex() == values["public key"]
    digest = hashlib.blake2b(public_key, digest_size=16, person=b"carnet-sign-fpr").hexdigest()
    actor = " ".join(digest[i : i + 4] for i in range(0, 32, 4))
    assert actor == values["actor"]
    prev = "0" * 64
    for n, (action, subject, incident_id, details) in enumerate(VECTOR_ROWS):
        obj = {
            "seq": n + 1,
            "at": VECTOR_AT[n],
            "action": action.value,
            "subject": subject,
            "incident_id": incident_id,
            "details": details,
            "actor": actor,
            "prev_hash": prev,
        }
        canonical = b"carnet-custody-v1\n" + _json_by_the_document(obj).encode("utf-8")
        assert canonical.hex() == values[f"row {n + 1} canonical bytes"]
        signature = sodium.crypto_sign(canonical, secret_key)[:64]
        assert signature.hex() == values[f"row {n + 1} signature"]
        sodium.crypto_sign_open(signature + canonical, public_key)
        hashed = hashlib.sha256(canonical + signature).hexdigest()
        assert hashed == values[f"row {n + 1} row_hash"]
        prev = hashed
    master_key = bytes.fromhex(values["master key"])
    device_seed = hashlib.blake2b(
        b"", digest_size=32, key=master_key, person=b"carnet-sign-seed"
    ).digest()
    assert device_seed.hex() == values["device seed"]


def test_append_and_verify(notebook: object) -> None:
    notebook = nb(notebook)
    log = log_for(notebook)
    fill(log, 50)
    assert log.verify() == 50
    entries = log.entries()
    assert [e.seq for e in entries] == list(range(1, 51))
    assert entries[0].prev_hash == GENESIS_HASH
    assert all(b.prev_hash == a.row_hash for a, b in itertools.pairwise(entries))
    assert [e.seq for e in log.entries(incident_id=1)] == [
        e.seq for e in entries if e.incident_id == 1
    ]


SIGNATURE = "signature does not verify"
# Each hand edit, the row named and the check that must fire (the first in verify's order).
COLUMN_EDITS: dict[str, tuple[str, int, str]] = {
    "at": ("UPDATE custody_log SET at = '2020-01-01T00:00:00Z' WHERE seq = 7", 7, SIGNATURE),
    "action": ("UPDATE custody_log SET action = 'delete' WHERE seq = 7", 7, SIGNATURE),
    "subject": ("UPDATE custody_log SET subject = 'attachment 99' WHERE seq = 7", 7, SIGNATURE),
    "incident": ("UPDATE custody_log SET incident_id = 42 WHERE seq = 7", 7, SIGNATURE),
    "details": (
        'UPDATE custody_log SET details = \'{"sha256":"00"}\' WHERE seq = 7',
        7,
        SIGNATURE,
    ),
    "actor": ("UPDATE custody_log SET actor = 'aaaa' WHERE seq = 7", 7, "signed by an unknown key"),
    "prev_hash": (
        "UPDATE custody_log SET prev_hash = substr(prev_hash, 2) || '1' WHERE seq = 7",
        7,
        "hash chain broken",
    ),
    "signature": (
        "UPDATE custody_log SET signature = '00' || substr(signature, 3) WHERE seq = 7",
        7,
        SIGNATURE,
    ),
    "signature-not-hex": (
        "UPDATE custody_log SET signature = 'zz' || substr(signature, 3) WHERE seq = 7",
        7,
        "malformed",
    ),
    "row_hash": (
        "UPDATE custody_log SET row_hash = substr(row_hash, 2) || '2' WHERE seq = 7",
        7,
        "row hash does not match",
    ),
    "deleted": ("DELETE FROM custody_log WHERE seq = 7", 8, "rows are missing or out of order"),
    "renumbered": (
        "UPDATE custody_log SET seq = 20 WHERE seq = 12",
        20,
        "rows are missing or out of order",
    ),
}


def failure(row: int, check: str) -> str:
    """The whole message verify raises: which row, and which check fired."""
    return rf"^custody log row {row}: {re.escape(check)}( before it)?$"


@pytest.mark.parametrize("column", list(COLUMN_EDITS))
def test_any_hand_edit_is_detected_and_named(notebook: object, column: str) -> None:
    notebook = nb(notebook)
    log = log_for(notebook)
    fill(log, 12)
    edit, row, check = COLUMN_EDITS[column]
    with notebook.session.db.transaction() as conn:
        conn.execute(edit)
    with pytest.raises(IntegrityError, match=failure(row, check)):
        log.verify()


def test_swapped_rows_are_detected(notebook: object) -> None:
    notebook = nb(notebook)
    log = log_for(notebook)
    fill(log, 5)
    with notebook.session.db.transaction() as conn:
        conn.execute("UPDATE custody_log SET seq = 100 WHERE seq = 2")
        conn.execute("UPDATE custody_log SET seq = 2 WHERE seq = 3")
        conn.execute("UPDATE custody_log SET seq = 3 WHERE seq = 100")
    with pytest.raises(IntegrityError, match=failure(2, "hash chain broken")):
        log.verify()


def test_a_re_signed_row_with_a_wrong_prev_hash_breaks_the_chain(notebook: object) -> None:
    """Someone with the master key changes row 7's prev_hash and re-signs it with the device
    key, row hash and all: the signature and row hash are right, only the chain is not."""
    notebook = nb(notebook)
    fill(notebook.custody, 12)
    seed = notebook.session.subkey(PURPOSE_SIGNING_SEED)
    device = DeviceSigner(seed)
    with notebook.session.db.reading() as conn:
        stored_key = conn.execute(
            "SELECT value FROM meta WHERE key = 'device_signing_public_key'"
        ).fetchone()[0]
    assert device.public_key.hex() == stored_key  # the vault's own device key
    row = notebook.custody.entries()[6]
    assert row.seq == 7
    forged_prev = hashlib.sha256(b"some other history").hexdigest()
    canonical = canonical_bytes(
        row.seq,
        row.at,
        row.action,
        row.subject,
        row.incident_id,
        row.details,
        row.actor,
        forged_prev,
    )
    signature = device.sign(canonical)
    with notebook.session.db.transaction() as conn:
        conn.execute(
            "UPDATE custody_log SET prev_hash = ?, signature = ?, row_hash = ? WHERE seq = 7",
            (forged_prev, signature.hex(), row_hash(canonical, signature)),
        )
    forged = notebook.custody.entries()[6]
    assert forged.prev_hash == forged_prev
    assert verify_signature(device.public_key, canonical, bytes.fromhex(forged.signature))
    with pytest.raises(IntegrityError, match=failure(7, "hash chain broken")):
        notebook.custody.verify()


def test_a_row_signed_by_another_key_is_detected(notebook: object) -> None:
    notebook = nb(notebook)
    fill(log_for(notebook), 3)
    fill(log_for(notebook, seed=bytes(32)), 1)
    with pytest.raises(IntegrityError, match=failure(4, "signed by an unknown key")):
        log_for(notebook).verify()


OTHER_SEED = bytes([7]) * 32  # a later device's key: the verifier of a restored copy
NEXT_SEED = bytes([9]) * 32  # the key a rekey brings in


def hand_over(log: CustodyLog, successor: bytes) -> None:
    """What `carnet rekey` writes: a row signed by the outgoing key naming the incoming."""
    log.record(CustodyAction.REKEY, "device signing key", None, {NEXT_SIGNER: successor.hex()})


def test_a_rekey_row_signed_by_the_old_key_admits_the_new_one(notebook: object) -> None:
    """A copy of the log verified by another device (a restored vault) knows only the
    first key; the new key's rows verify because the old key's row names it."""
    notebook = nb(notebook)
    fill(log_for(notebook), 2)
    hand_over(log_for(notebook), DeviceSigner(NEXT_SEED).public_key)
    fill(log_for(notebook, seed=NEXT_SEED), 2)
    assert log_for(notebook, seed=OTHER_SEED).verify() == 5


def test_the_new_key_is_unknown_without_the_old_keys_row(notebook: object) -> None:
    notebook = nb(notebook)
    fill(log_for(notebook), 2)
    fill(log_for(notebook, seed=NEXT_SEED), 1)  # rows before any hand-over
    hand_over(log_for(notebook), DeviceSigner(NEXT_SEED).public_key)
    with pytest.raises(IntegrityError, match=failure(3, "signed by an unknown key")):
        log_for(notebook, seed=OTHER_SEED).verify()


def test_a_hand_over_by_an_unknown_key_admits_nothing(notebook: object) -> None:
    """A forger's key cannot vouch for itself or for another key it holds."""
    notebook = nb(notebook)
    fill(log_for(notebook), 2)
    hand_over(log_for(notebook, seed=bytes(32)), DeviceSigner(NEXT_SEED).public_key)
    fill(log_for(notebook, seed=NEXT_SEED), 1)
    with pytest.raises(IntegrityError, match=failure(3, "signed by an unknown key")):
        log_for(notebook, seed=OTHER_SEED).verify()


def test_a_changed_successor_breaks_the_hand_over_row(notebook: object) -> None:
    notebook = nb(notebook)
    fill(log_for(notebook), 1)
    hand_over(log_for(notebook), DeviceSigner(NEXT_SEED).public_key)
    forged = json.dumps({NEXT_SIGNER: DeviceSigner(bytes(32)).public_key.hex()})
    with notebook.session.db.transaction() as conn:
        conn.execute("UPDATE custody_log SET details = ? WHERE seq = 2", (forged,))
    fill(log_for(notebook, seed=bytes(32)), 1)
    with pytest.raises(IntegrityError, match=failure(2, "signature does not verify")):
        log_for(notebook, seed=OTHER_SEED).verify()


def test_a_malformed_successor_is_reported(notebook: object) -> None:
    notebook = nb(notebook)
    log = log_for(notebook)
    log.record(CustodyAction.REKEY, "device signing key", None, {NEXT_SIGNER: "abcd"})
    with pytest.raises(IntegrityError, match=failure(1, "names a malformed next signing key")):
        log.verify()


def test_a_damaged_signing_key_record_is_reported(notebook: object) -> None:
    notebook = nb(notebook)
    log = log_for(notebook)
    fill(log, 2)
    with notebook.session.db.transaction() as conn:
        conn.execute("UPDATE meta SET value = 'not hex' WHERE key = 'device_signing_public_key'")
    with pytest.raises(IntegrityError, match=r"^the custody log's signing key record is damaged$"):
        log.verify()


def test_rollback_leaves_no_custody_row(notebook: object) -> None:
    notebook = nb(notebook)
    log = log_for(notebook)
    with pytest.raises(RuntimeError), notebook.session.db.transaction() as conn:
        log.append(conn, CustodyAction.CREATE, "incident 1", 1)
        raise RuntimeError("the change failed")
    assert log.entries() == []


def test_a_bulk_import_chains_every_row_after_the_existing_ones(notebook: object) -> None:
    # add_many keeps the chain head in memory for its batch (CustodyLog.appender).
    notebook = nb(notebook)
    notebook.incidents.add(IncidentInput("before the batch"))
    ids = notebook.incidents.add_many([IncidentInput(f"raid {n}") for n in range(5)])
    entries = notebook.custody.entries()
    assert [e.seq for e in entries] == [1, 2, 3, 4, 5, 6]
    assert [e.incident_id for e in entries[1:]] == ids
    assert entries[0].prev_hash == GENESIS_HASH
    for before, after in itertools.pairwise(entries):
        assert after.prev_hash == before.row_hash
    assert notebook.custody.verify() == 6


def test_an_append_behind_an_appenders_back_rolls_the_batch_back(notebook: object) -> None:
    # The appender's head is stale once another row went in on the same transaction:
    # the PRIMARY KEY on seq refuses its row, so the chain never forks.
    notebook = nb(notebook)
    log = log_for(notebook)
    fill(log, 2)
    with pytest.raises(sqlcipher3.IntegrityError), notebook.session.db.transaction() as conn:
        appender = log.appender(conn)
        log.append(conn, CustodyAction.EDIT, "incident 1", 1)
        appender.append(CustodyAction.EDIT, "incident 2", 2)
    assert [e.seq for e in log.entries()] == [1, 2]
    assert log.verify() == 2


def test_nan_is_refused(notebook: object) -> None:
    with pytest.raises(ValidationError, match=r"^custody details cannot hold NaN or infinity$"):
        log_for(nb(notebook)).record(CustodyAction.EDIT, "incident 1", 1, {"x": float("nan")})


JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**53), 2**53)
    | st.text(max_size=20)
    | st.floats(allow_nan=False, allow_infinity=False),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(details=st.dictionaries(st.text(max_size=10), JSON, max_size=5))
def test_any_json_details_round_trip_and_verify(
    notebook: object, details: dict[str, object]
) -> None:
    notebook = nb(notebook)
    log = log_for(notebook)
    entry = log.record(CustodyAction.EDIT, "incident 1", 1, details)
    assert json.dumps(log.entries()[-1].details, sort_keys=True) == json.dumps(
        details, sort_keys=True
    )
    assert entry.seq == log.verify()


def test_repr_never_shows_the_seed() -> None:
    signer = DeviceSigner(SEED)
    assert SEED.hex() not in repr(signer) and signer.fingerprint in repr(signer)


def test_services_write_custody_rows(notebook: object) -> None:
    notebook = nb(notebook)
    incident = notebook.incidents.add(IncidentInput("A raid"))
    notebook.incidents.update(incident, IncidentInput("A raid", status="documented", tags=("x",)))
    notebook.incidents.delete(incident)
    entries = notebook.custody.entries(incident)
    assert [(e.action, e.details.get("changed")) for e in entries] == [
        ("create", None),
        ("edit", ["tags", "status"]),
        ("delete", None),
    ]
    assert notebook.custody.verify() == 3


def ok(result: Result) -> str:
    assert result.code == 0, result.err
    return result.out


def test_cli_verify_names_the_first_bad_row(vault: VaultFixture) -> None:
    for title in ("one", "two", "three"):
        ok(vault.run("incident", "add", "--title", title))
    assert "3 rows" in ok(vault.run("custody", "verify"))
    shown = ok(vault.run("custody", "show", "2"))
    assert "\tcreate\tincident 2\t" in shown
    from app.device_share import NoDeviceShares
    from app.paths import VaultPaths
    from app.vault import VaultService

    with (
        VaultService(VaultPaths(vault.cenv.vault), NoDeviceShares()).unlock(
            vault.passphrase
        ) as session,
        session.db.transaction() as conn,
    ):
        conn.execute("UPDATE custody_log SET subject = 'incident 9' WHERE seq = 2")
    result = vault.run("custody", "verify")
    assert result.code == 4
    assert result.err.strip() == "carnet: error: custody log row 2: signature does not verify"
