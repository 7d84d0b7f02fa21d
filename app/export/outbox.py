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
from app.errors import NotFoundError, StorageError
from app.fsutil import make_private_dir
from app.sending.deliveries import Delivery, DeliveryStore
from app.store.database import Database

OUTBOX_SUFFIX = ".carnet"
_Deliveries = list[Delivery]  # (the class below has a method named list)


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
    sha256: str | None = None
    deliveries: tuple[Delivery, ...] = ()


class Outbox:
    def __init__(self, db: Database, folder: Path, clock: Clock = utc_now) -> None:
        self.db = db
        self.folder = folder
        self.clock = clock
        self.deliveries = DeliveryStore(db, clock)

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
        """Queue a written bundle, with a pending delivery for each destination it was
        sealed to by name, in one transaction."""
        with self.db.transaction() as conn:
            cursor = conn.execute(
                "INSERT INTO outbox (bundle_id, file_name, recipients, incidents, size, "
                "created_at) VALUES (?,?,?,?,?,?)",
                (bundle_id, path.name, json.dumps(list(recipients)), incidents, size, self.clock()),
            )
            self.deliveries.add_for_names(conn, int(cursor.lastrowid), recipients)

    def list(self) -> list[OutboxItem]:
        with self.db.reading() as conn:
            rows = conn.execute(
                "SELECT id, bundle_id, file_name, recipients, incidents, size, created_at, "
                "sent_at, sha256 FROM outbox ORDER BY id"
            ).fetchall()
        by_item: dict[int, _Deliveries] = {}
        for delivery in self.deliveries.all():
            by_item.setdefault(delivery.outbox_id, []).append(delivery)
        return [self._item(row, by_item.get(int(row[0]), [])) for row in rows]

    def get(self, item_id: int) -> OutboxItem:
        for item in self.list():
            if item.id == item_id:
                return item
        raise NotFoundError(f"no bundle {item_id} in the outbox")

    def remember_sha256(self, item_id: int, sha256: str) -> None:
        with self.db.transaction() as conn:
            conn.execute("UPDATE outbox SET sha256 = ? WHERE id = ?", (sha256, item_id))

    def mark_sent_if_complete(self, conn: Any, item_id: int) -> None:
        """Inside the caller's transaction: the bundle counts as sent once every
        destination it is sealed to has it."""
        conn.execute(
            "UPDATE outbox SET sent_at = ? WHERE id = ? AND sent_at IS NULL AND EXISTS "
            "(SELECT 1 FROM outbox_deliveries WHERE outbox_id = ?) AND NOT EXISTS "
            "(SELECT 1 FROM outbox_deliveries WHERE outbox_id = ? AND state != 'sent')",
            (self.clock(), item_id, item_id, item_id),
        )

    def remove(self, item_id: int) -> OutboxItem:
        """Forget the bundle and delete its file (ciphertext only). The row goes first:
        a crash in between leaves a stray file, which wipe still finds, never a row
        pointing at nothing."""
        item = self.get(item_id)
        with self.db.transaction() as conn:
            conn.execute("DELETE FROM outbox WHERE id = ?", (item_id,))
        try:
            item.path.unlink(missing_ok=True)
        except OSError:
            raise StorageError(
                f"bundle {item_id} is out of the outbox list, but its file could not be deleted"
            ) from None
        return item

    def _item(self, row: Any, deliveries: Sequence[Delivery]) -> OutboxItem:
        return OutboxItem(
            int(row[0]),
            str(row[1]),
            self.folder / str(row[2]),
            tuple(json.loads(row[3])),
            int(row[4]),
            int(row[5]),
            str(row[6]),
            row[7],
            row[8],
            tuple(deliveries),
        )
