"""Destinations: the trusted networks (Front Line Defenders, Lifeline, a lawyer...) that
bundles are sealed to, each a name and one or more public keys.

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

    def add(self, name: str, keys: list[str]) -> Destination:
        clean_name = validation.text(name, "destination name", required=True, limit=MAX_NAME)
        if not keys:
            raise UsageError("give at least one --key")
        if len(keys) > MAX_RECIPIENTS:
            raise ValidationError(f"at most {MAX_RECIPIENTS} keys per destination")
        canonical = list(dict.fromkeys(encode_public_key(parse_public_key(k)) for k in keys))
        with self.db.transaction() as conn:
            if conn.execute("SELECT 1 FROM destinations WHERE name = ?", (clean_name,)).fetchone():
                raise UsageError(f"a destination named {clean_name!r} exists already")
            cursor = conn.execute(
                "INSERT INTO destinations (name, keys, created_at) VALUES (?, ?, ?)",
                (clean_name, json.dumps(canonical), self.clock()),
            )
            return _destination(
                conn.execute(
                    "SELECT id, name, keys, created_at FROM destinations WHERE id = ?",
                    (cursor.lastrowid,),
                ).fetchone()
            )

    def list(self) -> list[Destination]:
        with self.db.reading() as conn:
            rows = conn.execute(
                "SELECT id, name, keys, created_at FROM destinations ORDER BY name"
            ).fetchall()
        return [_destination(row) for row in rows]

    def get(self, name: str) -> Destination:
        with self.db.reading() as conn:
            row = conn.execute(
                "SELECT id, name, keys, created_at FROM destinations WHERE name = ?", (name,)
            ).fetchone()
        if row is None:
            raise NotFoundError(f"no destination named {name!r}")
        return _destination(row)

    def remove(self, name: str) -> None:
        with self.db.transaction() as conn:
            cursor = conn.execute("DELETE FROM destinations WHERE name = ?", (name,))
            if cursor.rowcount == 0:
                raise NotFoundError(f"no destination named {name!r}")


def _destination(row: Any) -> Destination:
    return Destination(int(row[0]), str(row[1]), tuple(json.loads(row[2])), str(row[3]))
