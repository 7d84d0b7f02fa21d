"""Members of a `.carnet` bundle as the reader meets them: which names are allowed, where
each lands in the staging folder, and reading or copying exactly the size the manifest
gives (app/export/bundle_reader.py walks the archive and decides).

A member is untrusted: its name is checked before anything is written, it is written to
a new file only (never over one), and a copy that runs longer than its declared size is
refused at the first byte too many.
"""

from __future__ import annotations

import hashlib
import re
import tarfile
from pathlib import Path, PurePosixPath
from typing import Any

from app.errors import IntegrityError
from app.export.exporter import ATTACHMENTS_DIR, CUSTODY, INCIDENTS, MANIFEST, REPORT, SIGNATURE
from app.export.names import collision_key, portable_path
from app.export.tar_stream import printable

MAX_PATH_CHARS = 4096
_COPY = 1024 * 1024
_TOP_LEVEL = (INCIDENTS, REPORT, CUSTODY)
_SEGMENT = re.compile(r"[^/\\\x00]{1,1024}")  # longer than a file system takes: see names.py


class Staging:
    """Where verified members go: portable, collision-free names under the staging folder."""

    def __init__(self, root: Path | None) -> None:
        self.root = root
        self._used: set[str] = set()
        self.renamed: list[tuple[str, str]] = []

    def place(self, name: str) -> Path | None:
        disk = portable_path(name)
        key = collision_key(disk)
        if key in self._used:
            raise IntegrityError(
                f"the bundle holds {printable(name)} and another member that would be the "
                "same file on a case-insensitive system; refused"
            )
        self._used.add(key)
        if disk != name:
            self.renamed.append((name, disk))
        return self.root / disk if self.root is not None else None


def checked_name(member: tarfile.TarInfo) -> str:
    """The member's name if it is a plain file at an expected, safe path; else refuse.

    The checks run in this order, each on its own: a `..` inside a path of the accepted
    shape (`attachments/../../x/y`) is refused by the segment check, not by the shape."""
    name = member.name
    if not member.isreg():
        raise IntegrityError(
            f"the bundle holds a link, folder or device ({printable(name)}); refused"
        )
    if len(name) > MAX_PATH_CHARS:
        raise IntegrityError("the bundle holds a member with an over-long path; refused")
    parts = name.split("/")
    if PurePosixPath(name).is_absolute() or any(p in ("", ".", "..") for p in parts):
        raise IntegrityError(f"the bundle holds an unsafe path ({printable(name)}); refused")
    if not all(_SEGMENT.fullmatch(p) for p in parts):
        raise IntegrityError(
            f"the bundle holds a path with a backslash, NUL or an over-long segment "
            f"({printable(name)}); refused"
        )
    if len(parts) == 1 and name in (MANIFEST, SIGNATURE, *_TOP_LEVEL):
        return name
    if len(parts) == 4 and parts[0] == ATTACHMENTS_DIR:
        return name
    raise IntegrityError(f"the bundle holds an unexpected path ({printable(name)}); refused")


def read_exactly(source: Any, size: int, name: str) -> bytes:
    """A small member whole: one byte more is asked for, so a longer one is caught."""
    data: bytes = source.read(size + 1)
    if len(data) != size:
        raise IntegrityError(f"{printable(name)}: size differs from the manifest")
    return data


def write_new(target: Path | None, data: bytes) -> None:
    """Write a new file (never over one); nothing when only verifying (no target)."""
    if target is None:
        return
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    with target.open("xb") as sink:
        sink.write(data)


def copy_hashed(source: Any, target: Path | None, size: int, name: str) -> str:
    """Copy at most `size` bytes, hashing them; more or fewer is refused."""
    hasher = hashlib.sha256()
    sink = None
    copied = 0
    if target is not None:
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        sink = target.open("xb")
    try:
        while chunk := source.read(min(_COPY, size + 1 - copied)):
            copied += len(chunk)
            if copied > size:
                raise IntegrityError(f"{printable(name)}: longer than the manifest says")
            hasher.update(chunk)
            if sink is not None:
                sink.write(chunk)
    finally:
        if sink is not None:
            sink.close()
    if copied != size:
        raise IntegrityError(f"{printable(name)}: size differs from the manifest")
    return hasher.hexdigest()
