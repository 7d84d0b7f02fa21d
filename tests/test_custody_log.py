"""The custody log (app/custody.py, crypto/signing.py): chain, signatures, tampering."""

from __future__ import annotations

import itertools
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.custody import (
    GENESIS_HASH,
    CustodyAction,
    CustodyLog,
    canonical_bytes,
    row_hash,
)
from app.errors import IntegrityError, ValidationError
from app.models import IncidentInput
from app.notebook import Notebook
from crypto.signing import DeviceSigner, fingerprint, verify_signature
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


def test_known_answer_vector() -> None:
    """The example in docs/custody-log.md."""
    signer = DeviceSigner(SEED)
    canonical = canonical_bytes(
        1,
        "2026-01-01T00:00:00Z",
        "attach",
        "attachment 1",
        1,
        {"sha256": "ab" * 32},
        signer.fingerprint,
        GENESIS_HASH,
    )
    assert canonical.startswith(b'carnet-custody-v1\n{"action":"attach",')
    signature = signer.sign(canonical)
    assert (
        signer.public_key.hex()
        == "03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8"
    )
    assert signer.fingerprint == fingerprint(signer.public_key)
    assert verify_signature(signer.public_key, canonical, signature)
    assert row_hash(canonical, signature) == row_hash(
        canonical, signer.sign(canonical)
    )  # Ed25519 is deterministic


def test_append_and_verify(notebook: object) -> None:
    notebook = nb(notebook)
    log = log_for(notebook)
    fill(log, 50)
    assert log.verify() == 50
    entries = log.entries()
    assert entries[0].prev_hash == GENESIS_HASH
    assert all(b.prev_hash == a.row_hash for a, b in itertools.pairwise(entries))
    assert [e.seq for e in log.entries(incident_id=1)] == [
        e.seq for e in entries if e.incident_id == 1
    ]


COLUMN_EDITS = {
    "at": "UPDATE custody_log SET at = '2020-01-01T00:00:00Z' WHERE seq = 7",
    "action": "UPDATE custody_log SET action = 'delete' WHERE seq = 7",
    "subject": "UPDATE custody_log SET subject = 'attachment 99' WHERE seq = 7",
    "incident": "UPDATE custody_log SET incident_id = 42 WHERE seq = 7",
    "details": 'UPDATE custody_log SET details = \'{"sha256":"00"}\' WHERE seq = 7',
    "actor": "UPDATE custody_log SET actor = 'aaaa' WHERE seq = 7",
    "prev_hash": "UPDATE custody_log SET prev_hash = substr(prev_hash, 2) || '1' WHERE seq = 7",
    "signature": "UPDATE custody_log SET signature = '00' || substr(signature, 3) WHERE seq = 7",
    "row_hash": "UPDATE custody_log SET row_hash = substr(row_hash, 2) || '2' WHERE seq = 7",
    "deleted": "DELETE FROM custody_log WHERE seq = 7",
}


@pytest.mark.parametrize("column", list(COLUMN_EDITS))
def test_any_hand_edit_is_detected_and_named(notebook: object, column: str) -> None:
    notebook = nb(notebook)
    log = log_for(notebook)
    fill(log, 12)
    with notebook.session.db.transaction() as conn:
        conn.execute(COLUMN_EDITS[column])
    expected = 8 if column == "deleted" else 7
    with pytest.raises(IntegrityError, match=rf"row {expected}\b"):
        log.verify()


def test_swapped_rows_are_detected(notebook: object) -> None:
    notebook = nb(notebook)
    log = log_for(notebook)
    fill(log, 5)
    with notebook.session.db.transaction() as conn:
        conn.execute("UPDATE custody_log SET seq = 100 WHERE seq = 2")
        conn.execute("UPDATE custody_log SET seq = 2 WHERE seq = 3")
        conn.execute("UPDATE custody_log SET seq = 3 WHERE seq = 100")
    with pytest.raises(IntegrityError, match="row 2"):
        log.verify()


def test_a_row_signed_by_another_key_is_detected(notebook: object) -> None:
    notebook = nb(notebook)
    fill(log_for(notebook), 3)
    fill(log_for(notebook, seed=bytes(32)), 1)
    with pytest.raises(IntegrityError, match="row 4: signed by an unknown key"):
        log_for(notebook).verify()


def test_rollback_leaves_no_custody_row(notebook: object) -> None:
    notebook = nb(notebook)
    log = log_for(notebook)
    with pytest.raises(RuntimeError), notebook.session.db.transaction() as conn:
        log.append(conn, CustodyAction.CREATE, "incident 1", 1)
        raise RuntimeError("the change failed")
    assert log.entries() == []


def test_nan_is_refused(notebook: object) -> None:
    with pytest.raises(ValidationError):
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
