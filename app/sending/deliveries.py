"""Delivery rows in the encrypted store: one per bundle and destination it is sealed to.

Every write is its own transaction (or joins the caller's, for the custody row of a
sent bundle), so whatever kills the process, the row holds the last state reached:
`sending` with the offset the destination confirmed and where to resume.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.clock import Clock, utc_now
from app.sending.outbox_states import DeliveryState, DeliveryStatus
from app.store.database import Database

_COLUMNS = (
    "x.id, x.outbox_id, o.bundle_id, o.file_name, o.size, o.sha256, d.id, d.name, "
    "x.state, x.confirmed, x.resume_location, x.attempts, x.sent_at, x.location, x.reason, "
    "x.retryable"
)
_FROM = (
    "FROM outbox_deliveries x JOIN outbox o ON o.id = x.outbox_id "
    "JOIN destinations d ON d.id = x.destination_id"
)


@dataclass(frozen=True)
class Delivery:
    """One bundle on its way to one destination."""

    id: int
    outbox_id: int
    bundle_id: str
    file_name: str
    size: int
    sha256: str | None
    destination_id: int
    destination: str
    status: DeliveryStatus

    def path(self, folder: Path) -> Path:
        return folder / self.file_name


class DeliveryStore:
    def __init__(self, db: Database, clock: Clock = utc_now) -> None:
        self.db = db
        self.clock = clock

    def __repr__(self) -> str:
        return "DeliveryStore()"

    def add_for_names(self, conn: Any, outbox_id: int, names: Sequence[str]) -> None:
        """Inside the caller's transaction: a pending delivery for each destination
        among `names` (recipients given as bare keys have none)."""
        for name in names:
            conn.execute(
                "INSERT OR IGNORE INTO outbox_deliveries (outbox_id, destination_id, "
                "updated_at) SELECT ?, id, ? FROM destinations WHERE name = ?",
                (outbox_id, self.clock(), name),
            )

    def all(self) -> list[Delivery]:
        return self._select("", ())

    def matching(self, destination_id: int | None, outbox_id: int | None) -> list[Delivery]:
        clauses, params = [], []
        if destination_id is not None:
            clauses.append("x.destination_id = ?")
            params.append(destination_id)
        if outbox_id is not None:
            clauses.append("x.outbox_id = ?")
            params.append(outbox_id)
        where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
        return self._select(where, tuple(params))

    def get(self, delivery_id: int) -> Delivery:
        [found] = self._select("WHERE x.id = ?", (delivery_id,))
        return found

    def write(self, conn: Any, delivery_id: int, status: DeliveryStatus) -> None:
        """Inside the caller's transaction."""
        conn.execute(
            "UPDATE outbox_deliveries SET state = ?, confirmed = ?, resume_location = ?, "
            "attempts = ?, sent_at = ?, location = ?, reason = ?, retryable = ?, "
            "updated_at = ? WHERE id = ?",
            (
                str(status.state),
                status.confirmed,
                status.resume_location,
                status.attempts,
                status.sent_at,
                status.location,
                status.reason,
                None if status.retryable is None else int(status.retryable),
                self.clock(),
                delivery_id,
            ),
        )

    def save(self, delivery_id: int, status: DeliveryStatus) -> None:
        with self.db.transaction() as conn:
            self.write(conn, delivery_id, status)

    def _select(self, where: str, params: tuple[object, ...]) -> list[Delivery]:
        with self.db.reading() as conn:
            rows = conn.execute(
                f"SELECT {_COLUMNS} {_FROM} {where} ORDER BY x.outbox_id, d.name",
                params,
            ).fetchall()
        return [_delivery(row) for row in rows]


def _delivery(row: Any) -> Delivery:
    return Delivery(
        id=int(row[0]),
        outbox_id=int(row[1]),
        bundle_id=str(row[2]),
        file_name=str(row[3]),
        size=int(row[4]),
        sha256=None if row[5] is None else str(row[5]),
        destination_id=int(row[6]),
        destination=str(row[7]),
        status=DeliveryStatus(
            state=DeliveryState(str(row[8])),
            confirmed=int(row[9]),
            resume_location=None if row[10] is None else str(row[10]),
            attempts=int(row[11]),
            sent_at=None if row[12] is None else str(row[12]),
            location=None if row[13] is None else str(row[13]),
            reason=None if row[14] is None else str(row[14]),
            retryable=None if row[15] is None else bool(row[15]),
        ),
    )
