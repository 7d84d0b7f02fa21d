"""The chain-of-custody log: append-only, hash-chained, every row signed by the device key.

Each change to an incident or its evidence appends a row in the same transaction as the
change, so the record and its custody row commit or roll back together. A row's hash
covers its canonical bytes and its signature, and the next row holds that hash, so
changing, removing or reordering a row breaks the chain from there on; the signature
ties each row to this vault's device key. docs/custody-log.md gives the exact bytes.

What a chain alone cannot show: that the newest rows were not cut off by someone who
holds the master key. Bundles anchor the log: the custody rows they carry are covered
by the signed manifest, so an organisation holds a signed copy up to that point.
"""

from __future__ import annotations

import enum
import hashlib
import json
import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from app.clock import Clock, utc_now
from app.errors import IntegrityError, ValidationError
from app.progress import Progress, no_progress
from app.store.database import Database
from crypto.signing import DeviceSigner, fingerprint, verify_signature

DOMAIN = b"carnet-custody-v1\n"
GENESIS_HASH = "0" * 64
META_SIGNING_KEY = "device_signing_public_key"
# Device keys of the vaults this one was restored from (a JSON list of hex keys): the
# rows they signed stay verifiable after a travel restore, which makes a new device key.
META_PREVIOUS_SIGNING_KEYS = "previous_signing_keys"
# The detail of a "rekey" row, signed by the outgoing device key, that names the incoming
# one (hex): the only way a key enters the log's chain of keys after its first row.
NEXT_SIGNER = "next_signer"
_FETCH = 1000
_OVERLAP_FROM = 64
# Made once: `json.dumps` with any non-default option builds a new encoder per call
# (about 2.5 µs, twice per custody row). Same options, so the same bytes.
_CANONICAL_JSON = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
)
_DETAILS_JSON = json.JSONEncoder(sort_keys=True, ensure_ascii=False)
_COLUMNS = "seq, at, action, subject, incident_id, details, actor, prev_hash, signature, row_hash"
_INSERT = f"INSERT INTO custody_log ({_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?)"  # noqa: S608


class CustodyAction(enum.StrEnum):
    CREATE = "create"
    EDIT = "edit"
    DELETE = "delete"
    ATTACH = "attach"
    EXTRACT = "extract"
    STRIP = "strip"
    EXPORT = "export"
    SEND = "send"
    BACKUP = "backup"
    RESTORE = "restore"
    REKEY = "rekey"


@dataclass(frozen=True)
class CustodyEntry:
    seq: int
    at: str
    action: str
    subject: str
    incident_id: int | None
    details: dict[str, Any] = field(repr=False)
    actor: str
    prev_hash: str
    signature: str
    row_hash: str

    def to_json(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "at": self.at,
            "action": self.action,
            "subject": self.subject,
            "incident_id": self.incident_id,
            "details": self.details,
            "actor": self.actor,
            "prev_hash": self.prev_hash,
            "signature": self.signature,
            "row_hash": self.row_hash,
        }


def canonical_bytes(
    seq: int,
    at: str,
    action: str,
    subject: str,
    incident_id: int | None,
    details: Mapping[str, Any],
    actor: str,
    prev_hash: str,
) -> bytes:
    """What is signed: a domain prefix, then sorted, compact UTF-8 JSON of the row."""
    body = {
        "seq": seq,
        "at": at,
        "action": action,
        "subject": subject,
        "incident_id": incident_id,
        "details": details,
        "actor": actor,
        "prev_hash": prev_hash,
    }
    return DOMAIN + _CANONICAL_JSON.encode(body).encode("utf-8")


def row_hash(canonical: bytes, signature: bytes) -> str:
    return hashlib.sha256(canonical + signature).hexdigest()


class CustodyLog:
    def __init__(self, db: Database, signer: DeviceSigner, clock: Clock = utc_now) -> None:
        self.db = db
        self.signer = signer
        self.clock = clock

    def __repr__(self) -> str:
        return f"CustodyLog({self.signer.fingerprint})"

    def append(
        self,
        conn: Any,
        action: CustodyAction,
        subject: str,
        incident_id: int | None,
        details: Mapping[str, object] | None = None,
    ) -> CustodyEntry:
        """Append a row inside the caller's open write transaction."""
        return self.appender(conn).append(action, subject, incident_id, details)

    def appender(self, conn: Any) -> CustodyAppender:
        """For many rows in the caller's open write transaction (a bulk import): the
        chain head is read once, then kept in memory from row to row. The transaction
        holds the write lock, so no other writer can append in between; a row appended
        on `conn` some other way would take the next seq first, and the PRIMARY KEY on
        seq then refuses this one (the whole transaction rolls back)."""
        self._remember_key(conn)
        last = conn.execute(
            "SELECT seq, row_hash FROM custody_log ORDER BY seq DESC LIMIT 1"
        ).fetchone()
        if last is None:
            return CustodyAppender(self, conn, 0, GENESIS_HASH)
        return CustodyAppender(self, conn, int(last[0]), str(last[1]))

    def record(
        self,
        action: CustodyAction,
        subject: str,
        incident_id: int | None,
        details: Mapping[str, object] | None = None,
    ) -> CustodyEntry:
        """Append in a transaction of its own (for actions that change nothing else)."""
        with self.db.transaction() as conn:
            return self.append(conn, action, subject, incident_id, details)

    def entries(self, incident_id: int | None = None) -> list[CustodyEntry]:
        return list(self._rows(incident_id))

    def verify(self, progress: Progress = no_progress) -> int:
        """Check every row; IntegrityError names the first bad one. Returns the count."""
        with self.db.reading() as conn:
            stored = conn.execute(
                "SELECT value FROM meta WHERE key = ?", (META_SIGNING_KEY,)
            ).fetchone()
            previous = conn.execute(
                "SELECT value FROM meta WHERE key = ?", (META_PREVIOUS_SIGNING_KEYS,)
            ).fetchone()
            total = int(conn.execute("SELECT count(*) FROM custody_log").fetchone()[0])
        keys = {self.signer.fingerprint: self.signer.public_key}
        known = [] if stored is None else [stored[0]]
        try:
            known += [] if previous is None else list(json.loads(previous[0]))
            for text in known:
                key = bytes.fromhex(str(text))
                keys[fingerprint(key)] = key
        except (ValueError, TypeError):
            raise IntegrityError("the custody log's signing key record is damaged") from None
        previous_seq = 0
        previous_hash = GENESIS_HASH
        count = 0
        for entry in self._rows(None):
            where = f"custody log row {entry.seq}"
            if entry.seq != previous_seq + 1:
                raise IntegrityError(f"{where}: rows are missing or out of order before it")
            if entry.prev_hash != previous_hash:
                raise IntegrityError(f"{where}: hash chain broken")
            signer_key = keys.get(entry.actor)
            if signer_key is None:
                raise IntegrityError(f"{where}: signed by an unknown key")
            try:
                canonical = canonical_bytes(
                    entry.seq,
                    entry.at,
                    entry.action,
                    entry.subject,
                    entry.incident_id,
                    entry.details,
                    entry.actor,
                    entry.prev_hash,
                )
                signature = bytes.fromhex(entry.signature)
            except ValueError:
                raise IntegrityError(f"{where}: malformed") from None
            if not verify_signature(signer_key, canonical, signature):
                raise IntegrityError(f"{where}: signature does not verify")
            if row_hash(canonical, signature) != entry.row_hash:
                raise IntegrityError(f"{where}: row hash does not match")
            if entry.action == CustodyAction.REKEY and NEXT_SIGNER in entry.details:
                # A verified row of a key already trusted vouches for its successor.
                successor = _signing_key(entry.details[NEXT_SIGNER], where)
                keys[fingerprint(successor)] = successor
            previous_seq, previous_hash = entry.seq, entry.row_hash
            count += 1
            progress(count, total, "verifying-custody")
        return count

    def _rows(self, incident_id: int | None) -> Iterator[CustodyEntry]:
        with self.db.reading() as conn:
            if incident_id is None:
                cursor = conn.execute(
                    f"SELECT {_COLUMNS} FROM custody_log ORDER BY seq"  # noqa: S608
                )
            else:
                cursor = conn.execute(
                    f"SELECT {_COLUMNS} FROM custody_log WHERE incident_id = ? ORDER BY seq",  # noqa: S608
                    (incident_id,),
                )
            while rows := cursor.fetchmany(_FETCH):
                for row in rows:
                    yield _entry(row)

    def _remember_key(self, conn: Any) -> None:
        conn.execute(
            "INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)",
            (META_SIGNING_KEY, self.signer.public_key.hex()),
        )


class CustodyAppender:
    """Rows appended one after another on one write transaction (CustodyLog.appender)."""

    def __init__(self, log: CustodyLog, conn: Any, seq: int, head_hash: str) -> None:
        self._log = log
        self._conn = conn
        self._seq = seq
        self._head = head_hash

    def __repr__(self) -> str:
        return f"CustodyAppender(seq={self._seq})"

    def append(
        self,
        action: CustodyAction,
        subject: str,
        incident_id: int | None,
        details: Mapping[str, object] | None = None,
    ) -> CustodyEntry:
        facts, values = self._row(self._seq + 1, self._head, action, subject, incident_id, details)
        self._conn.execute(_INSERT, values)
        # Only once the row is in: a failed insert leaves the head where it was.
        self._seq, self._head = values[0], values[-1]
        seq, at, name, about, incident, _, actor, prev, signature, row = values
        return CustodyEntry(seq, at, name, about, incident, facts, actor, prev, signature, row)

    def append_many(
        self,
        rows: Sequence[tuple[CustodyAction, str, int | None, Mapping[str, object] | None]],
        alongside: Callable[[], None] | None = None,
    ) -> None:
        """Rows (action, subject, incident_id, details), each signed and chained to the
        one before exactly as `append` does, then inserted by one `executemany`.

        `alongside`, the caller's other work on this transaction, runs on the calling
        thread while a worker signs and chains the rows: SQLite lets go of Python's lock
        while it runs a statement, and libsodium while it signs, so on two cores the two
        overlap (a 10,000-incident import's FTS5 reindex hides much of its signing time).
        The worker touches no connection; only the calling thread writes. Below
        _OVERLAP_FROM rows a thread would cost more than it saves."""
        if alongside is None or len(rows) < _OVERLAP_FROM:
            if alongside is not None:
                alongside()
            values, seq, head = self._chain(rows)
        else:
            with ThreadPoolExecutor(1, thread_name_prefix="custody-sign") as pool:
                chained = pool.submit(self._chain, rows)
                alongside()
                values, seq, head = chained.result()
        self._conn.executemany(_INSERT, values)
        self._seq, self._head = seq, head

    def _chain(
        self, rows: Sequence[tuple[CustodyAction, str, int | None, Mapping[str, object] | None]]
    ) -> tuple[list[tuple[Any, ...]], int, str]:
        """Every row's column values, and the head after the last; reads no database."""
        seq, head = self._seq, self._head
        chained = []
        for action, subject, incident_id, details in rows:
            values = self._row(seq + 1, head, action, subject, incident_id, details)[1]
            chained.append(values)
            seq, head = values[0], values[-1]
        return chained, seq, head

    def _row(
        self,
        seq: int,
        prev: str,
        action: CustodyAction,
        subject: str,
        incident_id: int | None,
        details: Mapping[str, object] | None,
    ) -> tuple[dict[str, Any], tuple[Any, ...]]:
        """The row's details, and its column values in _COLUMNS order (details as stored:
        sorted JSON): seq first, row_hash last."""
        facts = dict(details or {})
        _check_json(facts)
        at = self._log.clock()
        signer = self._log.signer
        actor = signer.fingerprint
        name = str(action)
        canonical = canonical_bytes(seq, at, name, subject, incident_id, facts, actor, prev)
        signature = signer.sign(canonical)
        values = (
            seq,
            at,
            name,
            subject,
            incident_id,
            _DETAILS_JSON.encode(facts),
            actor,
            prev,
            signature.hex(),
            row_hash(canonical, signature),
        )
        return facts, values


def _entry(row: Any) -> CustodyEntry:
    try:
        details = json.loads(row[5])
    except ValueError:
        details = {"unreadable": str(row[5])[:100]}
    if not isinstance(details, dict):
        details = {"unreadable": str(row[5])[:100]}
    return CustodyEntry(
        seq=int(row[0]),
        at=str(row[1]),
        action=str(row[2]),
        subject=str(row[3]),
        incident_id=None if row[4] is None else int(row[4]),
        details=details,
        actor=str(row[6]),
        prev_hash=str(row[7]),
        signature=str(row[8]),
        row_hash=str(row[9]),
    )


def _signing_key(value: object, where: str) -> bytes:
    try:
        key = bytes.fromhex(value) if isinstance(value, str) else b""
    except ValueError:
        key = b""
    if len(key) != 32:
        raise IntegrityError(f"{where}: names a malformed next signing key")
    return key


def _check_json(value: object) -> None:
    """Details must be plain JSON (no NaN or infinity) so every verifier reads the same."""
    if isinstance(value, float) and not math.isfinite(value):
        raise ValidationError("custody details cannot hold NaN or infinity")
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise ValidationError("custody detail keys must be text")
            _check_json(item)
    elif isinstance(value, list | tuple):
        for item in value:
            _check_json(item)
    elif not isinstance(value, str | int | float | bool | type(None)):
        raise ValidationError("custody details must be JSON values")


def remember_previous_signer(conn: Any, public_key: bytes) -> None:
    """Keep a device key that signed earlier rows (before a rekey or a restore), so that
    `verify` still checks them; inside the caller's write transaction."""
    row = conn.execute(
        "SELECT value FROM meta WHERE key = ?", (META_PREVIOUS_SIGNING_KEYS,)
    ).fetchone()
    known = [] if row is None else list(json.loads(row[0]))
    if public_key.hex() not in known:
        known.append(public_key.hex())
    conn.execute(
        "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
        (META_PREVIOUS_SIGNING_KEYS, json.dumps(known)),
    )
