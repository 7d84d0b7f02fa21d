"""Build tests/fixtures/vault-v1/: a vault whose store is at schema version 1 only.

tests/test_migrations.py opens this fixture with today's code, which must migrate it to
the latest schema without losing a record. Run this by hand only if the fixture has to
be made again (it should not: the point is that it was made by version 1 of the schema):

    .venv/bin/python scripts/make_v1_fixture.py [OUT_DIR]

It writes OUT_DIR/vault-v1/{header,store.db} (checkpointed: no -wal or -shm) and
OUT_DIR/vault-v1.json (passphrase, recovery key and the records, for the test to compare).
The records are inserted with SQL into the version-1 tables, the way version 1 wrote them,
not through today's services. The passphrase is public: this is test data.

`build_v1_vault` is also used by tests/test_crash_safety.py to make a bigger v1 store
whose migration can be interrupted.
"""

from __future__ import annotations

import dataclasses
import json
import sys
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from app.fsutil import make_private_dir, write_new_file  # noqa: E402
from app.store.database import Database  # noqa: E402
from app.store.migrations import MIGRATIONS  # noqa: E402
from app.vault_creation import META_CREATED_AT, META_RECOVERY_PUBLIC_KEY, PURPOSE_DB_KEY  # noqa: E402
from crypto.header import VERSION_1, new_master_key, new_salt, new_vault_id  # noqa: E402
from crypto.kdf import (  # noqa: E402
    KdfProfile,
    derive_key,
    normalize_passphrase,
    stretch_passphrase,
)
from crypto.recovery_key import (  # noqa: E402
    backup_keypair,
    encode_recovery_key,
    new_recovery_key,
)
from crypto.vault_keys import build_header  # noqa: E402

FIXTURE_PASSPHRASE = "fixture passphrase for schema v1"  # noqa: S105 (public test data)
CREATED = "2024-01-15T09:30:00Z"
UPDATED = "2024-02-01T17:45:10Z"

# Version-1 rows, column for column. Ids are fixed so the test can name them.
INCIDENTS: list[dict[str, Any]] = [
    {
        "id": 1,
        "title": "Arrest of three journalists at Sandaga market",
        "narrative": "Police officers arrested three journalists covering a protest.\n"
        "Their phones were taken and they were held for 36 hours without charge.",
        "date_from": "2023-05-14",
        "date_to": None,
        "date_precision": "day",
        "location": "Marché Sandaga, Dakar",
        "country": "SN",
        "latitude": 14.6708,
        "longitude": -17.4381,
        "status": "documented",
        "sensitivity": "high",
        "violations": ["arbitrary-detention", "restriction-expression"],
        "tags": ["press", "protest"],
    },
    {
        "id": 2,
        "title": "Raid on the office of a land rights association",
        "narrative": "Computers and paper files seized; staff questioned for hours.",
        "date_from": "2022-11",
        "date_to": "2022-12",
        "date_precision": "month",
        "location": "Kisumu",
        "country": "KE",
        "latitude": None,
        "longitude": None,
        "status": "verified",
        "sensitivity": "medium",
        "violations": ["device-seizure-hacking", "raid"],
        "tags": ["landrights"],
    },
    {
        "id": 3,
        "title": "Menaces répétées contre une défenseure",
        "narrative": "Appels anonymes la nuit.\nUne voiture stationne devant chez elle.",
        "date_from": "2021",
        "date_to": None,
        "date_precision": "approximate",
        "location": "",
        "country": None,
        "latitude": None,
        "longitude": None,
        "status": "draft",
        "sensitivity": "low",
        "violations": ["threats-intimidation"],
        "tags": [],
    },
]

PEOPLE: list[dict[str, Any]] = [
    {
        "id": 1,
        "name": "Aminata Diallo",
        "kind": "individual",
        "notes": "Reporter; prefers contact through her editor.",
    },
    {"id": 2, "name": "Collectif des riverains", "kind": "group", "notes": ""},
]

LINKS: list[dict[str, Any]] = [
    {
        "id": 1,
        "incident_id": 1,
        "person_id": 1,
        "role": "victim",
        "consent": "share",
        "consent_orgs": ["Front Line Defenders"],
        "consent_date": "2023-05-20",
        "consent_note": "Agreed in person, in the presence of her lawyer.",
    },
    {
        "id": 2,
        "incident_id": 2,
        "person_id": 2,
        "role": "witness",
        "consent": "none",
        "consent_orgs": [],
        "consent_date": None,
        "consent_note": "",
    },
]

INTERVENTIONS: list[dict[str, Any]] = [
    {
        "id": 1,
        "incident_id": 1,
        "date": "2023-05-16",
        "actor": "Front Line Defenders",
        "kind": "urgent-appeal",
        "status": "sent",
        "notes": "Appeal sent the day after; acknowledged by phone.",
    },
]


def build_v1_vault(
    vault_dir: Path,
    passphrase: str = FIXTURE_PASSPHRASE,
    *,
    extra_incidents: int = 0,
) -> dict[str, Any]:
    """Create a vault at `vault_dir` with its store at schema version 1.

    Returns what a test needs: the passphrase, the recovery key, the raw database key
    (to inspect the store without migrating it) and the records.
    """
    vault_dir = Path(vault_dir)
    if vault_dir.exists() and any(vault_dir.iterdir()):
        raise SystemExit(f"{vault_dir} is not empty")
    make_private_dir(vault_dir)
    profile = KdfProfile.INTERACTIVE
    master_key, salt, vault_id = new_master_key(), new_salt(), new_vault_id()
    recovery_key = new_recovery_key()
    header = build_header(
        master_key=master_key,
        stretched=stretch_passphrase(normalize_passphrase(passphrase), salt, profile),
        salt=salt,
        profile=profile,
        vault_id=vault_id,
        device_share=None,  # no keyring: the passphrase alone opens it
        recovery_key=recovery_key,
        duress_stretched=None,
    )
    db_key = derive_key(master_key, PURPOSE_DB_KEY)
    store = vault_dir / "store.db"
    db = Database.open(store, db_key, create=True, migrations=MIGRATIONS[:1])
    try:
        if db.schema_version() != 1:
            raise SystemExit("the store did not stop at schema version 1")
        with db.transaction() as conn:
            _insert_rows(conn, recovery_key, extra_incidents)
        with db.reading() as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    finally:
        db.close()
    # What Carnet wrote at schema version 1: a version 1 header, alone in its file.
    legacy = dataclasses.replace(header, version=VERSION_1).sealed_with(master_key)
    write_new_file(vault_dir / "header", legacy.to_bytes())
    for suffix in ("-wal", "-shm"):
        leftover = store.with_name(store.name + suffix)
        if leftover.exists() and leftover.stat().st_size:
            raise SystemExit(f"{leftover.name} was left behind: the store is not checkpointed")
        leftover.unlink(missing_ok=True)
    return {
        "schema_version": 1,
        "kdf_profile": profile.value,
        "passphrase": passphrase,
        "recovery_key": encode_recovery_key(recovery_key),
        "db_key_hex": db_key.hex(),
        "incidents": INCIDENTS,
        "people": PEOPLE,
        "links": LINKS,
        "interventions": INTERVENTIONS,
        "extra_incidents": extra_incidents,
    }


def _insert_rows(conn: Any, recovery_key: bytes, extra_incidents: int) -> None:
    conn.executemany(
        "INSERT INTO meta(key, value) VALUES (?, ?)",
        [
            (META_RECOVERY_PUBLIC_KEY, bytes(backup_keypair(recovery_key).public_key).hex()),
            (META_CREATED_AT, json.dumps(1705311000)),
        ],
    )
    for item in INCIDENTS:
        _insert_incident(conn, item)
    for index in range(extra_incidents):
        _insert_incident(
            conn,
            {
                "id": 1000 + index,
                "title": f"Bulk incident {index} kw{index:06d}",
                "narrative": "Filler narrative for a bigger store. " * 8,
                "date_from": "2020-01-01",
                "date_to": None,
                "date_precision": "day",
                "location": "Somewhere",
                "country": "FR",
                "latitude": None,
                "longitude": None,
                "status": "draft",
                "sensitivity": "medium",
                "violations": ["other"],
                "tags": [f"bulk{index % 10}"],
            },
        )
    for person in PEOPLE:
        conn.execute(
            "INSERT INTO people (id, uid, name, kind, notes, created_at, updated_at) "
            "VALUES (?,?,?,?,?,?,?)",
            (
                person["id"],
                uuid.uuid4().hex,
                person["name"],
                person["kind"],
                person["notes"],
                CREATED,
                UPDATED,
            ),
        )
    for link in LINKS:
        conn.execute(
            "INSERT INTO incident_people (id, incident_id, person_id, role, consent, "
            "consent_orgs, consent_date, consent_note) VALUES (?,?,?,?,?,?,?,?)",
            (
                link["id"],
                link["incident_id"],
                link["person_id"],
                link["role"],
                link["consent"],
                json.dumps(link["consent_orgs"], ensure_ascii=False),
                link["consent_date"],
                link["consent_note"],
            ),
        )
    for item in INTERVENTIONS:
        conn.execute(
            "INSERT INTO interventions (id, uid, incident_id, date, actor, kind, status, notes, "
            "created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
            (
                item["id"],
                uuid.uuid4().hex,
                item["incident_id"],
                item["date"],
                item["actor"],
                item["kind"],
                item["status"],
                item["notes"],
                CREATED,
                UPDATED,
            ),
        )


def _insert_incident(conn: Any, item: dict[str, Any]) -> None:
    conn.execute(
        "INSERT INTO incidents (id, uid, title, narrative, date_from, date_to, date_precision, "
        "location, country, latitude, longitude, status, sensitivity, created_at, updated_at) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (
            item["id"],
            uuid.uuid4().hex,
            item["title"],
            item["narrative"],
            item["date_from"],
            item["date_to"],
            item["date_precision"],
            item["location"],
            item["country"],
            item["latitude"],
            item["longitude"],
            item["status"],
            item["sensitivity"],
            CREATED,
            UPDATED,
        ),
    )
    conn.executemany(
        "INSERT INTO incident_violations (incident_id, code) VALUES (?, ?)",
        [(item["id"], code) for code in item["violations"]],
    )
    conn.executemany(
        "INSERT INTO incident_tags (incident_id, tag) VALUES (?, ?)",
        [(item["id"], tag) for tag in item["tags"]],
    )


def main(argv: list[str]) -> int:
    out_dir = Path(argv[0]) if argv else ROOT / "tests" / "fixtures"
    out_dir.mkdir(parents=True, exist_ok=True)
    vault_dir = out_dir / "vault-v1"
    info = build_v1_vault(vault_dir)
    # The database key is derivable from the passphrase; the test derives it itself.
    info.pop("db_key_hex")
    meta = out_dir / "vault-v1.json"
    meta.write_text(json.dumps(info, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    for path in sorted(vault_dir.iterdir()):
        print(f"{path.relative_to(out_dir)}\t{path.stat().st_size} bytes")
    print(f"{meta.relative_to(out_dir)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
