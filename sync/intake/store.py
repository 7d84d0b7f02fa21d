"""The intake's store on disk: partial uploads apart from finished ones, finished ones
named by their SHA-256, nothing from the client but the bytes.

    STORE/uploads/<id>.json   the intake's own record: declared length, creation time,
                              the SHA-256 the client said the whole upload has (its
                              Repr-Digest, if it gave one), and, once finished, the
                              SHA-256 (so a client whose last answer was lost can HEAD
                              and see it arrived)
    STORE/partial/<id>        the bytes received so far; its size is the upload's offset
    STORE/finished/<sha256>   a complete upload, fsynced and renamed in atomically

Files are 0600 and folders 0700: the organisation's account alone reads them. The store
holds sealed bundles and never a key; `carnet bundle open` runs on another machine.
Blocking file work: the server calls these methods from a worker thread.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import secrets
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from sync.intake.errors import IntakeStoreError, IntakeStoreMissingError

if TYPE_CHECKING:
    from _hashlib import HASH

_SHA256_NAME = re.compile(r"[0-9a-f]{64}", re.ASCII)
_READ_SIZE = 1024 * 1024
_RECORD_MAX = 4096
# An upload created and never sent a byte holds its room for an hour at most, not for
# the whole expiry: a client that went away (or a token holder creating uploads it never
# sends) cannot keep the disk promised away from everyone for days.
EMPTY_MAX_AGE = 3600.0


@dataclass(frozen=True)
class UploadStatus:
    length: int
    offset: int
    sha256: str | None  # set once the upload is finished
    expected: str | None = None  # the SHA-256 the creation's Repr-Digest holds it to


@dataclass(frozen=True)
class FinishedUpload:
    sha256: str
    size: int
    received: float  # when it arrived (the file's modification time), Unix seconds


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class UploadStore:
    def __init__(self, root: Path, *, create: bool) -> None:
        """Open the store at `root`, creating it (one level, never its parents) and its
        sub-folders when `create`; `intake list` opens it without creating anything."""
        self.root = root
        self.uploads = root / "uploads"
        self.partial = root / "partial"
        self.finished = root / "finished"
        if create:
            try:
                root.mkdir(mode=0o700, exist_ok=True)
                for folder in (self.uploads, self.partial, self.finished):
                    folder.mkdir(mode=0o700, exist_ok=True)
                    folder.chmod(0o700)
            except FileNotFoundError:
                raise IntakeStoreMissingError(
                    f"the folder that should hold the store does not exist: {root.parent}"
                ) from None
            except OSError as exc:
                raise IntakeStoreError(
                    f"cannot create the store in {root}: {exc.strerror}"
                ) from None
        if not root.is_dir():
            if root.exists():
                raise IntakeStoreError(f"the store is not a folder: {root}")
            raise IntakeStoreMissingError(f"no intake store at {root}")

    # -- records ---------------------------------------------------------------------

    def _record_path(self, upload_id: str) -> Path:
        return self.uploads / f"{upload_id}.json"

    def _write_record(self, upload_id: str, record: dict[str, object]) -> None:
        target = self._record_path(upload_id)
        temporary = self.uploads / f".{upload_id}.tmp"
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(json.dumps(record).encode("ascii"))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
        _fsync_dir(self.uploads)

    def _read_record(self, upload_id: str) -> dict[str, object] | None:
        try:
            with self._record_path(upload_id).open("rb") as handle:
                raw = handle.read(_RECORD_MAX + 1)
        except FileNotFoundError:
            return None
        try:
            record = json.loads(raw) if len(raw) <= _RECORD_MAX else None
        except ValueError:
            record = None
        if not isinstance(record, dict) or not isinstance(record.get("length"), int):
            raise IntakeStoreError(f"the intake's record of upload {upload_id} is damaged")
        return record

    # -- uploads ---------------------------------------------------------------------

    def partial_count(self) -> int:
        return sum(1 for entry in os.scandir(self.partial) if not entry.name.startswith("."))

    def free_bytes(self) -> int:
        return shutil.disk_usage(self.root).free

    def create(self, length: int, expected: str | None = None) -> str:
        """A new upload of `length` bytes under a random id the client did not choose,
        held to the SHA-256 `expected` when the client stated one."""
        upload_id = secrets.token_hex(16)
        fd = os.open(self.partial / upload_id, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.close(fd)
        _fsync_dir(self.partial)
        record: dict[str, object] = {
            "length": length,
            "created": time.time(),
            "sha256": None,
            "expected": expected,
        }
        self._write_record(upload_id, record)
        return upload_id

    def promised_bytes(self) -> int:
        """The bytes unfinished uploads may still bring: what each declared, less what
        has arrived. A creation must find room after these, or two uploads that each
        fit alone could together fill the disk halfway through both. Walks partial/
        (at most `max_partials` entries), and passes over a damaged record rather than
        refusing every sender for one upload's sake."""
        promised = 0
        for entry in os.scandir(self.partial):
            if entry.name.startswith("."):
                continue
            try:
                record = self._read_record(entry.name)
                arrived = entry.stat().st_size
            except (IntakeStoreError, OSError):
                continue  # damaged or unreadable, or finished or expired between looks
            if record is not None and record.get("sha256") is None:
                promised += max(int(str(record["length"])) - arrived, 0)
        return promised

    def status(self, upload_id: str) -> UploadStatus | None:
        record = self._read_record(upload_id)
        if record is None:
            return None
        length = int(str(record["length"]))
        sha256 = record.get("sha256")
        expected = record.get("expected")
        expected = expected if isinstance(expected, str) else None
        if isinstance(sha256, str):
            return UploadStatus(length, length, sha256, expected)
        try:
            offset = (self.partial / upload_id).stat().st_size
        except FileNotFoundError:
            return None  # expired or terminated between the two looks
        return UploadStatus(length, offset, None, expected)

    def open_for_append(self, upload_id: str) -> BinaryIO:
        handle = (self.partial / upload_id).open("r+b")
        handle.seek(0, os.SEEK_END)
        return handle

    def hash_of_partial(self, upload_id: str) -> HASH:
        """The running SHA-256 of what has arrived, read back from disk: after a restart
        the intake no longer has it in memory."""
        digest = hashlib.sha256()
        with (self.partial / upload_id).open("rb") as handle:
            while block := handle.read(_READ_SIZE):
                digest.update(block)
        return digest

    @staticmethod
    def roll_back(handle: BinaryIO, offset: int) -> None:
        """Forget the bytes of a PATCH that failed its checksum (or was cut short when it
        carried one): the upload is where it was before that PATCH."""
        handle.flush()
        handle.truncate(offset)
        handle.seek(offset)
        os.fsync(handle.fileno())

    def finish(self, upload_id: str, sha256: str) -> Path:
        """Move a complete upload in under its SHA-256, after its bytes reached the disk.
        The same bundle arriving twice is kept once."""
        partial = self.partial / upload_id
        target = self.finished / sha256
        with partial.open("rb") as handle:
            os.fsync(handle.fileno())
        if target.exists():
            partial.unlink()
        else:
            os.replace(partial, target)
        _fsync_dir(self.finished)
        _fsync_dir(self.partial)
        record = self._read_record(upload_id) or {}
        self._write_record(
            upload_id,
            {**record, "sha256": sha256},
        )
        return target

    def terminate(self, upload_id: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            (self.partial / upload_id).unlink()
        with contextlib.suppress(FileNotFoundError):
            self._record_path(upload_id).unlink()

    def expire(self, max_age: float, now: float | None = None) -> list[str]:
        """With no server running: remove unfinished uploads untouched for `max_age`
        seconds (empty ones after EMPTY_MAX_AGE at most), and the records of finished
        ones as old (their files stay). Returns the ids of the partials gone. A running
        server does the same one upload at a time under each upload's lock (app.py)."""
        return [
            upload_id
            for upload_id in self.stale_partials(max_age, now)
            if self.expire_if_stale(upload_id, max_age, now)
        ]

    def stale_partials(self, max_age: float, now: float | None = None) -> list[str]:
        """The unfinished uploads old enough to expire; removes, on the way, the
        records of finished uploads as old (their files stay)."""
        now = time.time() if now is None else now
        stale: list[str] = []
        for entry in os.scandir(self.uploads):
            if not entry.name.endswith(".json") or entry.name.startswith("."):
                continue
            upload_id = entry.name[: -len(".json")]
            try:
                if self._is_stale(upload_id, max_age, now):
                    stale.append(upload_id)
            except FileNotFoundError:
                with contextlib.suppress(FileNotFoundError):
                    if now - entry.stat().st_mtime >= max_age:  # finished: the record's age
                        self._record_path(upload_id).unlink(missing_ok=True)
        return stale

    def expire_if_stale(self, upload_id: str, max_age: float, now: float | None = None) -> bool:
        """Remove one unfinished upload if it is (still) old enough; the caller holds the
        upload's lock, so no PATCH is writing into the file being removed."""
        now = time.time() if now is None else now
        try:
            stale = self._is_stale(upload_id, max_age, now)
        except FileNotFoundError:
            return False
        if stale:
            self.terminate(upload_id)
        return stale

    def _is_stale(self, upload_id: str, max_age: float, now: float) -> bool:
        """Whether the partial has been untouched long enough to go; FileNotFoundError
        when there is none (finished, or gone)."""
        info = (self.partial / upload_id).stat()
        limit = max_age if info.st_size else min(max_age, EMPTY_MAX_AGE)
        return now - info.st_mtime >= limit

    # -- what has arrived ------------------------------------------------------------

    def list_finished(self) -> list[FinishedUpload]:
        """Only finished uploads: a name that is a SHA-256, a regular file."""
        arrived = []
        for entry in os.scandir(self.finished):
            if _SHA256_NAME.fullmatch(entry.name) and entry.is_file(follow_symlinks=False):
                info = entry.stat(follow_symlinks=False)
                arrived.append(FinishedUpload(entry.name, info.st_size, info.st_mtime))
        return sorted(arrived, key=lambda upload: (upload.received, upload.sha256))
