"""Migration 6 on an older vault: a vault at schema version 5 with destinations and
bundles waiting in its outbox opens with today's code, each waiting bundle gains a
pending delivery to every destination it was sealed to by name, and it can be sent."""

from __future__ import annotations

import json
import secrets
from pathlib import Path

from app.notebook import Notebook
from app.sending.outbox_states import DeliveryState
from app.sending.sender import SendService
from app.sending.settings import TransportSettings
from app.store.database import Database
from app.store.migrations import LATEST_VERSION, MIGRATIONS
from app.vault_creation import PURPOSE_DB_KEY
from crypto.kdf import derive_key, normalize_passphrase, stretch_passphrase
from crypto.vault_keys import open_with_passphrase
from tests.sending_fakes import local_factory
from tests.test_migrations import PASSPHRASE, copy_fixture
from tests.test_sending import public_key


def test_a_version_5_outbox_gains_deliveries_and_sends(tmp_path: Path) -> None:
    service = copy_fixture(tmp_path / "vault")
    header = service.read_header()
    stretched = stretch_passphrase(normalize_passphrase(PASSPHRASE), header.salt, header.profile)
    master_key = open_with_passphrase(header, stretched, None).master_key
    assert master_key is not None
    db = Database.open(
        service.paths.store, derive_key(master_key, PURPOSE_DB_KEY), migrations=MIGRATIONS[:5]
    )
    outbox = service.paths.outbox
    outbox.mkdir()
    data = secrets.token_bytes(10_000)
    (outbox / "waiting.carnet").write_bytes(data)
    (outbox / "sent.carnet").write_bytes(b"x")
    with db.transaction() as conn:
        assert int(conn.execute("PRAGMA user_version").fetchone()[0]) == 5
        for name in ("Lifeline", "Front Line"):
            conn.execute(
                "INSERT INTO destinations (name, keys, created_at) VALUES (?,?,?)",
                (name, json.dumps([public_key()]), "2025-01-01T00:00:00Z"),
            )
        rows = (
            ("b1", "waiting.carnet", ["lifeline", "Front Line", "carnetpk1-bare"], None),
            ("b2", "sent.carnet", ["Lifeline"], "2025-01-03T00:00:00Z"),
        )
        for bundle_id, file_name, recipients, sent_at in rows:
            conn.execute(
                "INSERT INTO outbox (bundle_id, file_name, recipients, incidents, size, "
                "created_at, sent_at) VALUES (?,?,?,?,?,?,?)",
                (bundle_id, file_name, json.dumps(recipients), 1, 10_000, "2025-01-02", sent_at),
            )
    db.close()

    with Notebook(service.unlock(PASSPHRASE)) as notebook:
        assert notebook.session.db.schema_version() == LATEST_VERSION == 6
        waiting, sent = notebook.outbox.list()
        assert sorted(d.destination for d in waiting.deliveries) == ["Front Line", "Lifeline"]
        assert all(d.status.state == DeliveryState.PENDING for d in waiting.deliveries)
        assert sent.deliveries == ()  # already marked sent before: nothing to send again
        assert all(d.transport is None for d in notebook.destinations.list())

        folder = tmp_path / "usb"
        folder.mkdir()
        for name in ("Lifeline", "Front Line"):
            notebook.destinations.edit(name, transport=TransportSettings(folder=folder))
        service_ = SendService(
            notebook.outbox, notebook.destinations, notebook.custody, local_factory()
        )
        report = service_.send()
        assert len(report.sent) == 2 and report.failed == []
        assert notebook.outbox.list()[0].sent_at is not None
        assert [p.read_bytes() for p in folder.iterdir()] == [data]  # same name: same bytes
