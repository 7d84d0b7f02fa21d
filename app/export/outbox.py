"""The outbox: sealed bundles waiting in `<vault>/outbox/` for an explicit send.

Files are named by a random id; what they are for (recipients, how many incidents) is
kept in the encrypted database, never in the file name.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.clock import Clock, utc_now
from app.errors import StorageError
from app.fsutil import make_private_dir
from app.store.database import Database

OUTBOX_SUFFIX = ".carnet"


@dataclass(frozen=True)
class OutboxItem:
    id: int
    bundle_id: str
    path: Path
    recipients: tuple[str, ...]
    incidents: int
    size: int
    created_at: str
    sent_at: str | None


class Outbox:
    def __init__(self, db: Database, folder: Path, clock: Clock = utc_now) -> None:
        self.db = db
        self.folder = folder
        self.clock = clock

    def __repr__(self) -> str:
        return f"Outbox({self.folder})"

    def new_path(self, bundle_id: str) -> Path:
        del bundle_id  # the name must not link the file to the bundle's contents
        if not self.folder.parent.is_dir():
            raise StorageError("the vault folder is gone (wiped or moved)")
        make_private_dir(self.folder)
        return self.folder / (secrets.token_hex(16) + OUTBOX_SUFFIX)

    def register(
        self, path: Path, bundle_id: str, recipients: Sequence[str], incidents: int, size: int
    ) -> None:
        with self.db.transaction() as conn:
            conn.execute(
                "INSERT INTO outbox (bundle_id, file_name, recipients, incidents, size, "
                "created_at) VALUES (?,?,?,?,?,?)",
                (bundle_id, path.name, json.dumps(list(recipients)), incidents, size, self.clock()),
            )

    def list(self) -> list[OutboxItem]:
        with self.db.reading() as conn:
            rows = conn.execute(
                "SELECT id, bundle_id, file_name, recipients, incidents, size, created_at, "
                "sent_at FROM outbox ORDER BY id"
            ).fetchall()
        return [self._item(row) for row in rows]

    def _item(self, row: Any) -> OutboxItem:
        return OutboxItem(
            int(row[0]),
            str(row[1]),
            self.folder / str(row[2]),
            tuple(json.loads(row[3])),
            int(row[4]),
            int(row[5]),
            str(row[6]),
            row[7],
        )
