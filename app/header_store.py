"""The header file on disk: read it, and update it in place. Never a rename.

The header holds the only wrapped copies of the master key. Writing a new file and
renaming it over the old one (the usual atomic save) leaves the old file's blocks, key
slots and all, in free space, where a forensic carver finds them after a wipe; the old
passphrase then opens them. So the header file is created once and from then on only
rewritten where it lies: one copy, fsync, then the other copy, fsync (see
crypto/header_file.py for why a crash in between is safe). The same holds for the
failed-unlock counter, which has records of its own in the file.

What in place cannot promise on every disk (copy-on-write filesystems, snapshots, flash
wear levelling) is written down in docs/threat-model.md.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from app.errors import IntegrityError, StorageError, VaultNotFoundError
from app.fsutil import PRIVATE_FILE_MODE, fsync_dir
from crypto.errors import MalformedError
from crypto.header import LOCKOUT_HEADER_BYTES, VERSION, VERSION_WITH_LOCKOUT, VaultHeader
from crypto.header_file import (
    COPY_OFFSETS,
    COUNTER_OFFSETS,
    MAX_FILE_BYTES,
    CounterRecord,
    HeaderFile,
    encode_copy,
    encode_counter,
    encode_file,
    is_torn_creation,
    parse_header_file,
)

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_LEGACY_COUNTER_OFFSET = LOCKOUT_HEADER_BYTES - 2


class HeaderStore:
    def __init__(self, path: Path) -> None:
        self.path = path

    def __repr__(self) -> str:
        return f"HeaderStore({self.path})"

    def exists(self) -> bool:
        """Whether a vault's header is there (a creation killed while writing it is not)."""
        return self.path.exists() and not self.torn_creation()

    def torn_creation(self) -> bool:
        try:
            with self.path.open("rb") as handle:
                return is_torn_creation(handle.read(MAX_FILE_BYTES + 1))
        except OSError:
            return False

    def read(self) -> HeaderFile:
        if not self.path.exists():
            raise VaultNotFoundError(
                f"no vault at {self.path.parent} (create one with 'carnet init')"
            )
        try:
            with self.path.open("rb") as handle:
                data = handle.read(MAX_FILE_BYTES + 1)
            return parse_header_file(data)
        except MalformedError:
            raise IntegrityError("the vault header is damaged or has been tampered with") from None
        except OSError as exc:
            raise IntegrityError(f"the vault header cannot be read: {exc.strerror}") from None

    def create(self, header: VaultHeader) -> None:
        """The header file of a new vault: written once, fsynced, never renamed."""
        self._check_current(header)
        try:
            fd = os.open(
                self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, PRIVATE_FILE_MODE
            )
        except OSError as exc:
            raise _storage_error(exc) from None
        try:
            try:
                _write_at(fd, 0, encode_file(header))
                os.fsync(fd)
            finally:
                os.close(fd)
            fsync_dir(self.path.parent)
        except OSError as exc:
            with contextlib.suppress(OSError):
                self.path.unlink()
            raise _storage_error(exc) from None

    def write(self, current: HeaderFile, header: VaultHeader) -> None:
        """Replace both copies with `header`, in place: first the copy that is not the
        current one, then the other. A version 1 or 2 file becomes version 3 here."""
        self._check_current(header)
        if header.sequence <= current.sequence:
            raise ValueError("a header update needs a higher sequence number")
        if current.legacy:
            # Copy B and the counter records after the old header first, then copy A over
            # it: a crash at any point leaves the old header or an intact copy B.
            whole = encode_file(header)
            self._in_place([(COPY_OFFSETS[1], whole[COPY_OFFSETS[1] :])])
            self._in_place([(COPY_OFFSETS[0], whole[: COPY_OFFSETS[1]])])
            return
        first = 1 - current.newest_index
        self._in_place([(COPY_OFFSETS[first], encode_copy(header))])
        self._in_place([(COPY_OFFSETS[1 - first], encode_copy(header))])

    def rewrite_whole(self, header: VaultHeader) -> None:
        """A whole new header file written over the old one where it lies: for the fresh
        vault of a duress unlock, whose old header the erase has already destroyed."""
        self._check_current(header)
        self._in_place([(0, encode_file(header))])

    def write_copy(self, current: HeaderFile, index: int, header: VaultHeader) -> None:
        """One copy only: the first half of a rekey, which must keep the other copy (the
        old master key) until the database has been rekeyed."""
        self._check_current(header)
        if current.legacy:
            raise ValueError("migrate the header before writing a single copy")
        if header.sequence <= current.sequence:
            raise ValueError("a header update needs a higher sequence number")
        self._in_place([(COPY_OFFSETS[index], encode_copy(header))])

    def write_failed_unlocks(self, current: HeaderFile, count: int) -> None:
        """The failed-unlock count, into the record that is not the current one."""
        count = min(count, 0xFFFF)
        if current.legacy:
            if current.newest.version != VERSION_WITH_LOCKOUT:
                raise ValueError("a version 1 header has no failed-unlock counter")
            self._in_place([(_LEGACY_COUNTER_OFFSET, count.to_bytes(2, "big"))])
            return
        record = CounterRecord(current.counter_sequence + 1, count)
        self._in_place([(COUNTER_OFFSETS[current.counter_slot_to_write], encode_counter(record))])

    def _in_place(self, writes: list[tuple[int, bytes]]) -> None:
        try:
            fd = os.open(self.path, os.O_WRONLY | _NOFOLLOW)
        except OSError as exc:
            raise _storage_error(exc) from None
        try:
            for offset, data in writes:
                _write_at(fd, offset, data)
            os.fsync(fd)
        except OSError as exc:
            raise _storage_error(exc) from None
        finally:
            os.close(fd)

    @staticmethod
    def _check_current(header: VaultHeader) -> None:
        if header.version != VERSION:
            raise ValueError("only version 3 headers are written")


def _write_at(fd: int, offset: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.pwrite(fd, view, offset)
        if written <= 0:
            raise OSError(5, "short write")
        view = view[written:]
        offset += written


def _storage_error(exc: OSError) -> StorageError:
    return StorageError(f"could not write the vault header: {exc.strerror or 'I/O error'}")
