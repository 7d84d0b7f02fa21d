"""Destinations: the trusted networks (Front Line Defenders, Lifeline, a lawyer...) that
bundles are sealed to, each a name, one or more public keys and, to send to it, a
transport (app/sending/settings.py).

Keys are checked when added (prefix and checksum), so a mistyped key is refused here
rather than sealing evidence to nobody. `show` gives each key's fingerprint so the
defender can compare it with the organisation over another channel.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from app import validation
from app.clock import Clock, utc_now
from app.errors import NotFoundError, UsageError, ValidationError
from app.sending import outbox_states
from app.sending.deliveries import DeliveryStore
from app.sending.settings import TransportSettings
from app.store.database import Database
from crypto.bundle import MAX_RECIPIENTS
from crypto.errors import CryptoError
from crypto.public_keys import decode_public_key, encode_public_key, key_fingerprint

MAX_NAME = 100


@dataclass(frozen=True)
class Destination:
    id: int
    name: str
    keys: tuple[str, ...]
    created_at: str
    transport: TransportSettings | None = None

    def public_keys(self) -> list[bytes]:
        return [decode_public_key(key) for key in self.keys]

    def fingerprints(self) -> list[str]:
        return [key_fingerprint(key) for key in self.public_keys()]


def parse_public_key(text: str) -> bytes:
    """A public key typed or pasted by a person: clean message if it is not one."""
    try:
        return decode_public_key(text)
    except CryptoError as exc:
        raise ValidationError(exc.message) from None


class DestinationService:
    def __init__(self, db: Database, clock: Clock = utc_now) -> None:
        self.db = db
        self.clock = clock

    def add(
        self, name: str, keys: list[str], transport: TransportSettings | None = None
    ) -> Destination:
        clean_name = validation.text(name, "destination name", required=True, limit=MAX_NAME)
        canonical = _canonical_keys(keys)
        with self.db.transaction() as conn:
            if conn.execute("SELECT 1 FROM destinations WHERE name = ?", (clean_name,)).fetchone():
                raise UsageError(f"a destination named {clean_name!r} exists already")
            cursor = conn.execute(
                "INSERT INTO destinations (name, keys, created_at, transport) VALUES (?,?,?,?)",
                (
                    clean_name,
                    json.dumps(canonical),
                    self.clock(),
                    None if transport is None else transport.to_json(),
                ),
            )
            return _destination(
                conn.execute(
                    f"SELECT {_COLUMNS} FROM destinations WHERE id = ?",  # noqa: S608
                    (cursor.lastrowid,),
                ).fetchone()
            )

    def edit(
        self,
        name: str,
        *,
        keys: list[str] | None = None,
        transport: TransportSettings | None = None,
        clear_transport: bool = False,
    ) -> Destination:
        """New keys (for bundles sealed from now on) and/or a new transport. A new
        transport starts every unsent delivery to this destination over: an upload URL
        on the old server must not be resumed against, or even sent to, the new one."""
        if keys is None and transport is None and not clear_transport:
            raise UsageError("nothing to change: give --key, --folder, --url or --no-transport")
        if transport is not None and clear_transport:
            raise UsageError("give either a transport or --no-transport, not both")
        current = self.get(name)
        canonical = list(current.keys) if keys is None else _canonical_keys(keys)
        new_transport = None if clear_transport else (transport or current.transport)
        with self.db.transaction() as conn:
            conn.execute(
                "UPDATE destinations SET keys = ?, transport = ? WHERE id = ?",
                (
                    json.dumps(canonical),
                    None if new_transport is None else new_transport.to_json(),
                    current.id,
                ),
            )
            if new_transport != current.transport:
                store = DeliveryStore(self.db, self.clock)
                for delivery in store.matching(current.id, None):
                    if delivery.status.state != outbox_states.DeliveryState.SENT:
                        store.write(conn, delivery.id, outbox_states.reset(delivery.status))
        return self.get(current.name)

    def list(self) -> list[Destination]:
        with self.db.reading() as conn:
            rows = conn.execute(
                f"SELECT {_COLUMNS} FROM destinations ORDER BY name"  # noqa: S608
            ).fetchall()
        return [_destination(row) for row in rows]

    def get(self, name: str) -> Destination:
        with self.db.reading() as conn:
            row = conn.execute(
                f"SELECT {_COLUMNS} FROM destinations WHERE name = ?",  # noqa: S608
                (name,),
            ).fetchone()
        if row is None:
            raise NotFoundError(f"no destination named {name!r}")
        return _destination(row)

    def remove(self, name: str) -> None:
        with self.db.transaction() as conn:
            cursor = conn.execute("DELETE FROM destinations WHERE name = ?", (name,))
            if cursor.rowcount == 0:
                raise NotFoundError(f"no destination named {name!r}")


_COLUMNS = "id, name, keys, created_at, transport"


def _canonical_keys(keys: list[str]) -> list[str]:
    if not keys:
        raise UsageError("give at least one --key")
    if len(keys) > MAX_RECIPIENTS:
        raise ValidationError(f"at most {MAX_RECIPIENTS} keys per destination")
    return list(dict.fromkeys(encode_public_key(parse_public_key(k)) for k in keys))


def _destination(row: Any) -> Destination:
    return Destination(
        int(row[0]),
        str(row[1]),
        tuple(json.loads(row[2])),
        str(row[3]),
        None if row[4] is None else TransportSettings.from_json(str(row[4])),
    )
