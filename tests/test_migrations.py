"""Schema migrations: a vault made at schema version 1 opens with today's code.

tests/fixtures/vault-v1/ was made by scripts/make_v1_fixture.py (store at version 1, rows
inserted with SQL into the version-1 tables, interactive KDF profile, no keyring), and is
committed as it is: unlocking a copy must migrate it to the latest version, keep every
record, and make the version-1 rows searchable (search arrived in version 2).
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from app.device_share import NoDeviceShares
from app.errors import CarnetError
from app.models import IncidentInput
from app.notebook import Notebook
from app.paths import VaultPaths
from app.store.database import Database
from app.store.migrations import LATEST_VERSION, MIGRATIONS
from app.vault import VaultService
from app.vault_creation import PURPOSE_DB_KEY
from crypto.kdf import KdfProfile, derive_key, normalize_passphrase, stretch_passphrase
from crypto.vault_keys import open_with_passphrase
from tests.conftest import CarnetEnv, run_carnet

FIXTURES = Path(__file__).resolve().parent / "fixtures"
FIXTURE_VAULT = FIXTURES / "vault-v1"
FIXTURE_INFO: dict[str, Any] = json.loads((FIXTURES / "vault-v1.json").read_text(encoding="utf-8"))
PASSPHRASE = FIXTURE_INFO["passphrase"]


def copy_fixture(dest: Path) -> VaultService:
    shutil.copytree(FIXTURE_VAULT, dest)
    return VaultService(VaultPaths(dest), NoDeviceShares())


def raw_version(service: VaultService) -> int:
    """user_version read without migrating (the store opened with migration 1 only)."""
    header = service.read_header()
    assert header.profile is KdfProfile.INTERACTIVE
    assert not header.device_share_required
    stretched = stretch_passphrase(normalize_passphrase(PASSPHRASE), header.salt, header.profile)
    master_key = open_with_passphrase(header, stretched, None).master_key
    assert master_key is not None
    db = Database.open(
        service.paths.store, derive_key(master_key, PURPOSE_DB_KEY), migrations=MIGRATIONS[:1]
    )
    try:
        return db.schema_version()
    finally:
        db.close()


def schema_of(db: Database) -> list[tuple[str, str, str, str]]:
    """sqlite_master without page numbers, whitespace normalised, sorted."""
    with db.reading() as conn:
        rows = conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master").fetchall()
    return sorted(
        (kind, name, table, re.sub(r"\s+", " ", sql or "").strip())
        for kind, name, table, sql in rows
    )


def test_fixture_is_really_at_version_1(tmp_path: Path) -> None:
    service = copy_fixture(tmp_path / "vault")
    assert sorted(p.name for p in FIXTURE_VAULT.iterdir()) == ["header", "store.db"]
    assert raw_version(service) == 1


def test_v1_vault_migrates_and_keeps_every_record(tmp_path: Path) -> None:
    service = copy_fixture(tmp_path / "vault")
    with Notebook(service.unlock(PASSPHRASE)) as notebook:
        db = notebook.session.db
        assert db.schema_version() == LATEST_VERSION
        assert db.integrity_check() == []
        with db.reading() as conn:
            assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            assert conn.execute("PRAGMA foreign_key_check").fetchall() == []

        expected_incidents = FIXTURE_INFO["incidents"]
        assert notebook.incidents.count() == len(expected_incidents)
        for want in expected_incidents:
            got = notebook.incidents.get(want["id"])
            assert got.title == want["title"]
            assert got.narrative == want["narrative"]
            assert (got.date.start, got.date.end, got.date.precision) == (
                want["date_from"],
                want["date_to"],
                want["date_precision"],
            )
            assert got.location == want["location"]
            assert got.country == want["country"]
            want_coordinates = (
                None if want["latitude"] is None else (want["latitude"], want["longitude"])
            )
            assert got.coordinates == want_coordinates
            assert got.status == want["status"]
            assert got.sensitivity == want["sensitivity"]
            assert list(got.violations) == sorted(want["violations"])
            assert list(got.tags) == sorted(want["tags"])
            assert (got.created_at, got.updated_at) == (
                "2024-01-15T09:30:00Z",
                "2024-02-01T17:45:10Z",
            )

        for want in FIXTURE_INFO["people"]:
            person = notebook.people.get(want["id"])
            assert (person.name, person.kind, person.notes) == (
                want["name"],
                want["kind"],
                want["notes"],
            )
        for want in FIXTURE_INFO["links"]:
            link = notebook.people.get_link(want["id"])
            assert (link.incident_id, link.person_id, link.role) == (
                want["incident_id"],
                want["person_id"],
                want["role"],
            )
            assert link.consent.level == want["consent"]
            assert list(link.consent.organisations) == want["consent_orgs"]
            assert link.consent.date == want["consent_date"]
            assert link.consent.note == want["consent_note"]
        items = notebook.interventions.list_for()
        assert len(items) == len(FIXTURE_INFO["interventions"])
        for want in FIXTURE_INFO["interventions"]:
            item = notebook.interventions.get(want["id"])
            assert (item.incident_id, item.date, item.actor, item.kind, item.status) == (
                want["incident_id"],
                want["date"],
                want["actor"],
                want["kind"],
                want["status"],
            )
            assert item.notes == want["notes"]

        # Search arrived in version 2: the migration indexed the version-1 rows.
        def found(query: str) -> list[int]:
            return [hit.incident_id for hit in notebook.search.search(query)]

        assert found("journalists Sandaga") == [1]  # title
        assert found("Aminata") == [1]  # a linked person's name
        assert found("riverains") == [2]  # a group linked as witness
        assert found("landrights") == [2]  # a tag
        assert found("defenseure") == [3]  # accents ignored
        assert found("Kisumu") == [2]  # location
        assert found("anonymes") == [3]  # narrative

        # The migrated store takes new records, and the index follows them.
        new_id = notebook.incidents.add(IncidentInput(title="After migration zebrafinch"))
        assert found("zebrafinch") == [new_id]
        assert new_id > max(i["id"] for i in expected_incidents)

    # The recovery key written at version 1 still opens the migrated vault.
    service.recover(FIXTURE_INFO["recovery_key"], "a new passphrase after migration")
    with service.unlock("a new passphrase after migration") as session:
        assert session.db.schema_version() == LATEST_VERSION


def test_v1_vault_migrates_through_the_cli(carnet_env: CarnetEnv) -> None:
    shutil.copytree(FIXTURE_VAULT, carnet_env.vault)
    pw = carnet_env.secret_file(PASSPHRASE)
    result = run_carnet(carnet_env, "search", "--json", "press", "--passphrase-file", str(pw))
    assert result.code == 0, result.err
    assert [hit["id"] for hit in json.loads(result.out)] == [1]
    shown = run_carnet(carnet_env, "incident", "show", "1", "--json", "--passphrase-file", str(pw))
    assert shown.code == 0, shown.err
    detail = json.loads(shown.out)
    assert detail["title"] == FIXTURE_INFO["incidents"][0]["title"]
    assert sorted(detail["violations"]) == FIXTURE_INFO["incidents"][0]["violations"]


def test_fresh_schema_equals_migrated_v1_schema(tmp_path: Path) -> None:
    fresh = VaultService(VaultPaths(tmp_path / "fresh"), NoDeviceShares())
    fresh.create("fresh vault passphrase", profile=KdfProfile.INTERACTIVE, use_keyring=False)
    with fresh.unlock("fresh vault passphrase") as session:
        fresh_schema = schema_of(session.db)
        assert session.db.schema_version() == LATEST_VERSION
    migrated = copy_fixture(tmp_path / "migrated")
    with migrated.unlock(PASSPHRASE) as session:
        migrated_schema = schema_of(session.db)
    assert migrated_schema == fresh_schema
    names = {name for _, name, _, _ in fresh_schema}
    assert {"incidents", "people", "interventions", "incident_search"} <= names


def test_a_store_from_a_newer_carnet_is_refused_cleanly(carnet_env: CarnetEnv) -> None:
    service = copy_fixture(carnet_env.vault)
    with service.unlock(PASSPHRASE) as session, session.db.transaction() as conn:
        conn.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    before = {p.name: p.read_bytes() for p in carnet_env.vault.iterdir()}

    with pytest.raises(CarnetError, match="newer version of Carnet"):
        service.unlock(PASSPHRASE)

    pw = carnet_env.secret_file(PASSPHRASE)
    result = run_carnet(carnet_env, "incident", "list", "--passphrase-file", str(pw))
    assert result.code == 1
    assert result.out == ""
    assert result.err.startswith("carnet: error: ")
    assert "newer version of Carnet" in result.err
    assert len(result.err.strip().splitlines()) == 1
    assert "Traceback" not in result.err
    after = {p.name: p.read_bytes() for p in carnet_env.vault.iterdir()}
    assert after.keys() == before.keys()
    assert after["store.db"] == before["store.db"]
    assert after["header"] == before["header"]
