"""The blobs/ folder: one encrypted file per attachment, named by a random id.

A blob is written as `<id>.part`, fsynced, renamed to `<id>`, and only then registered
in the database. So after a crash a blob may exist that no row names (an orphan) but a
row never names a missing or half-written blob. Orphans and `.part` leftovers are swept
at the next unlock. The sweep takes an exclusive lock on `blobs/.lock` and every intake
holds a shared one from its first byte to its commit, so a sweep in one process never
removes the blob another process (the GUI and a CLI command, say) is still registering.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import secrets
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from app.errors import IntegrityError, StorageError
from app.fsutil import PRIVATE_FILE_MODE, fsync_dir, make_private_dir

BLOB_ID_BYTES = 16
_BLOB_ID = re.compile(r"[0-9a-f]{32}")
PART_SUFFIX = ".part"
LOCK_NAME = ".lock"


class BlobStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def __repr__(self) -> str:
        return f"BlobStore({self.root})"

    @staticmethod
    def new_id() -> str:
        return secrets.token_hex(BLOB_ID_BYTES)

    def path(self, blob_id: str) -> Path:
        if not _BLOB_ID.fullmatch(blob_id):
            raise IntegrityError("an attachment row names an invalid blob")
        return self.root / blob_id[:2] / blob_id

    @contextlib.contextmanager
    def intake_lock(self) -> Iterator[None]:
        """Held (shared) while a blob is written and registered: keeps sweeps away."""
        with self._lock(fcntl.LOCK_SH) as held:
            if not held:
                raise StorageError("the attachments folder is locked")
            yield

    def _ensure_root(self) -> None:
        """Create blobs/ inside an existing vault only: never re-create a wiped vault."""
        if not self.root.parent.is_dir():
            raise StorageError("the vault folder is gone (wiped or moved)")
        make_private_dir(self.root)

    @contextlib.contextmanager
    def _lock(self, mode: int) -> Iterator[bool]:
        self._ensure_root()
        fd = os.open(self.root / LOCK_NAME, os.O_RDWR | os.O_CREAT, PRIVATE_FILE_MODE)
        try:
            try:
                fcntl.flock(fd, mode)
            except BlockingIOError:
                yield False
                return
            yield True
        finally:
            os.close(fd)  # closing releases the lock

    @contextlib.contextmanager
    def writing(self, blob_id: str) -> Iterator[BinaryIO]:
        """A new blob open for writing; renamed into place only if the block succeeds."""
        final = self.path(blob_id)
        self._ensure_root()
        make_private_dir(final.parent)
        part = final.with_name(final.name + PART_SUFFIX)
        try:
            fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
        except OSError as exc:
            raise _storage_error(exc) from None
        try:
            with os.fdopen(fd, "wb", buffering=0) as handle:
                yield handle
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(part, final)
            fsync_dir(final.parent)
        except OSError as exc:
            _remove_quietly(part)
            raise _storage_error(exc) from None
        except BaseException:
            _remove_quietly(part)
            raise

    def open(self, blob_id: str) -> BinaryIO:
        try:
            return self.path(blob_id).open("rb")
        except FileNotFoundError:
            raise IntegrityError("an attachment's encrypted file is missing") from None

    def size(self, blob_id: str) -> int:
        return self.path(blob_id).stat().st_size

    def remove(self, blob_ids: Iterable[str]) -> None:
        """Delete blobs; one already gone is fine. A failure is left for the next sweep."""
        for blob_id in blob_ids:
            _remove_quietly(self.path(blob_id))

    def sweep(self, known: set[str]) -> int | None:
        """Remove orphans and leftovers. Returns how many, or None if an intake is running."""
        if not self.root.is_dir():
            return 0
        with self._lock(fcntl.LOCK_EX | fcntl.LOCK_NB) as held:
            if not held:
                return None
            removed = 0
            for entry in self._files():
                if entry.name in known:
                    continue
                _remove_quietly(entry)
                removed += 1
            return removed

    def _files(self) -> Iterator[Path]:
        for folder in self.root.iterdir():
            if folder.name == LOCK_NAME or not folder.is_dir() or folder.is_symlink():
                continue
            for entry in folder.iterdir():
                if entry.is_file() and not entry.is_symlink():
                    yield entry

    def stored_ids(self) -> set[str]:
        """Ids of the complete blobs on disk (for tests and checks)."""
        if not self.root.is_dir():
            return set()
        return {p.name for p in self._files() if _BLOB_ID.fullmatch(p.name)}


def _remove_quietly(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


def _storage_error(exc: OSError) -> StorageError:
    return StorageError(f"could not write the encrypted file: {exc.strerror or 'I/O error'}")
