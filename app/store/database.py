"""Opening the SQLCipher database with the settings the design asks for.

Raw 256-bit key (no SQLCipher KDF: the key already comes from Argon2id and BLAKE2b),
WAL with synchronous=FULL (a power cut loses nothing that was committed), secure_delete
on, temp_store in memory so no sort or index build spills plaintext to a temp file.

cipher_memory_security is off, as DESIGN.md decides and SQLCipher itself has defaulted
since 4.5: measured here, on it made search about 10x and inserts 2x slower (and a duress
unlock's fresh store twice as slow to build, which an onlooker could time), while in a
Python process the same plaintext lives in ordinary strings anyway. What that leaves,
swap and memory dumps, is in docs/threat-model.md.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import sqlcipher3

from app.errors import CarnetError, IntegrityError, StorageError
from app.store.migrations import LATEST_VERSION, MIGRATIONS, Migration

DB_KEY_BYTES = 32
DatabaseError = sqlcipher3.DatabaseError


class Database:
    """One SQLCipher connection, serialised by a lock so GUI workers can share it."""

    def __init__(self, conn: Any, path: Path) -> None:
        self._conn = conn
        self.path = path
        self._lock = threading.RLock()

    def __repr__(self) -> str:
        return f"Database({self.path.name})"

    @classmethod
    def open(
        cls,
        path: Path,
        key: bytes,
        *,
        create: bool = False,
        migrations: tuple[Migration, ...] = MIGRATIONS,
    ) -> Database:
        if len(key) != DB_KEY_BYTES:
            raise ValueError("the database key is 32 bytes")
        if not create and not path.exists():
            raise IntegrityError("the vault's database file (store.db) is missing")
        mode = "rwc" if create else "rw"
        try:
            conn = sqlcipher3.connect(
                f"file:{path}?mode={mode}",
                uri=True,
                isolation_level=None,
                check_same_thread=False,
                timeout=10.0,
            )
        except sqlcipher3.Error as exc:
            raise StorageError(f"could not open the vault database: {exc}") from None
        try:
            _configure(conn, key)
            if create:
                _make_private(path)
            database = cls(conn, path)
            if create and database.schema_version() == 0:
                database.migrate_new(migrations)
            else:
                database.migrate(migrations)
        except BaseException:
            conn.close()
            raise
        return database

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Any]:
        """BEGIN IMMEDIATE ... COMMIT; any exception rolls everything back."""
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    @contextlib.contextmanager
    def reading(self) -> Iterator[Any]:
        """The connection for reads (no transaction held beyond each statement)."""
        with self._lock:
            yield self._conn

    def schema_version(self) -> int:
        with self.reading() as conn:
            return int(conn.execute("PRAGMA user_version").fetchone()[0])

    def migrate(
        self,
        migrations: tuple[Migration, ...] = MIGRATIONS,
        progress: Callable[[int, int], None] | None = None,
    ) -> None:
        current = self.schema_version()
        newest = migrations[-1].version if migrations else 0
        if current > max(newest, LATEST_VERSION):
            raise CarnetError("this vault was made by a newer version of Carnet; update Carnet")
        pending = [m for m in migrations if m.version > current]
        for done, migration in enumerate(pending, start=1):
            with self.transaction() as conn:
                migration.apply(conn)
                conn.execute(f"PRAGMA user_version = {int(migration.version)}")
            if progress:
                progress(done, len(pending))

    def rekey(self, new_key: bytes) -> None:
        """Re-encrypt every page under `new_key`, in place (SQLCipher's rekey, one
        transaction). The write-ahead log is checkpointed first without being truncated,
        so the rekey's frames overwrite the old ones in the same blocks, then again so the
        new pages replace the old ones in the main file."""
        if len(new_key) != DB_KEY_BYTES:
            raise ValueError("the database key is 32 bytes")
        with self._lock:
            self._conn.execute("PRAGMA wal_checkpoint(RESTART)").fetchall()
            # Our own 32 bytes rendered as hex: nothing to inject.
            self._conn.execute(f"PRAGMA rekey = \"x'{new_key.hex()}'\"")
            self._conn.execute("PRAGMA wal_checkpoint(RESTART)").fetchall()

    def migrate_new(self, migrations: tuple[Migration, ...] = MIGRATIONS) -> None:
        """A new, empty store: every migration in one transaction (one fsync instead of
        one per migration). Creation is either complete or absent after a crash anyway,
        since the header is written only after it; and the duress unlock, which builds a
        fresh store while the person waits, should cost no more than a normal unlock."""
        if not migrations:
            return
        with self.transaction() as conn:
            for migration in migrations:
                migration.apply(conn)
            conn.execute(f"PRAGMA user_version = {int(migrations[-1].version)}")

    def integrity_check(self) -> list[str]:
        """SQLCipher's page HMAC check; an empty list means every page verified."""
        with self.reading() as conn:
            rows = conn.execute("PRAGMA cipher_integrity_check").fetchall()
        return [str(row[0]) for row in rows]


def _make_private(path: Path) -> None:
    for candidate in (path, *(path.with_name(path.name + s) for s in ("-wal", "-shm"))):
        with contextlib.suppress(OSError):
            candidate.chmod(0o600)


def _configure(conn: Any, key: bytes) -> None:
    # SQLCipher logs decryption failures to stderr by default; errors reach the user
    # through our exceptions instead, one clean line each.
    conn.execute("PRAGMA cipher_log_level = NONE")
    conn.execute("PRAGMA cipher_memory_security = OFF")  # see the module docstring
    # The key is 32 bytes of our own derivation, rendered as hex: nothing to inject.
    conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlcipher3.DatabaseError:
        raise IntegrityError(
            "the vault database does not open with this vault's key (damaged or replaced)"
        ) from None
    conn.execute("PRAGMA journal_mode = WAL").fetchone()
    for pragma in (
        "PRAGMA synchronous = FULL",
        "PRAGMA secure_delete = ON",
        "PRAGMA temp_store = MEMORY",
        "PRAGMA foreign_keys = ON",
        "PRAGMA cache_size = -65536",
    ):
        conn.execute(pragma)


def finish_rekey(store: Path, old_key: bytes, new_key: bytes) -> None:
    """A rekey stopped between its two header writes: the database is under the old key
    or the new one (SQLCipher's rekey is one transaction); leave it under the new."""
    try:
        Database.open(store, new_key).close()
        return
    except IntegrityError:
        pass
    db = Database.open(store, old_key)
    try:
        db.rekey(new_key)
    finally:
        db.close()
