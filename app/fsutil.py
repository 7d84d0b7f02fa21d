"""Writing files so that a crash or power cut leaves the old version or the new, never half.

Files that hold no key material (extracted attachments, bundles, backups) are written
under a temporary name in the same folder, fsynced, then renamed into place, and the
folder is fsynced (KeePassXC's habit). The temporary name lives beside the target, never
in the system temp folder. Files that hold key material are never renamed: the vault
header is rewritten in place (app/header_store.py), and a key file is written once
where it stays (`write_new_file`).
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from app.errors import StorageError

PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600


def make_private_dir(path: Path) -> None:
    """Create `path` (and parents) readable by the user alone; tighten it if it exists."""
    path.mkdir(mode=PRIVATE_DIR_MODE, parents=True, exist_ok=True)
    with contextlib.suppress(OSError):  # Windows, or a folder owned by someone else
        path.chmod(PRIVATE_DIR_MODE)


def fsync_dir(path: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def write_then_rename(target: Path, what: str) -> Iterator[BinaryIO]:
    """A new file written under a hidden partial name beside `target`, renamed into place
    only when the block completes; fsynced before the rename. On any failure, a cancel
    included, the partial file is removed and nothing is left at `target`. An OSError
    becomes a StorageError naming `what`."""
    partial = target.with_name(f".{target.name}.{secrets.token_hex(6)}.partial")
    try:
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
    except OSError as exc:
        raise StorageError(f"could not write {what}: {exc.strerror or 'I/O error'}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            partial.unlink()
        raise StorageError(f"could not write {what}: {exc.strerror or 'I/O error'}") from None
    except BaseException:
        with contextlib.suppress(OSError):
            partial.unlink()
        raise
    with contextlib.suppress(OSError):
        fsync_dir(target.parent)


def write_new_file(path: Path, data: bytes) -> None:
    """Create `path` (it must not exist) holding `data`, fsynced, the folder fsynced.

    For files that hold key material (an organisation's key file): written once where
    they will stay, never through a temporary name and a rename, so that no second copy
    of the wrapped key is ever made. A failure removes what was written.
    """
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
    except OSError as exc:
        raise StorageError(f"could not write {path.name}: {exc.strerror or 'I/O error'}") from None
    try:
        try:
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fsync(fd)
        finally:
            os.close(fd)
        fsync_dir(path.parent)
    except OSError as exc:
        with contextlib.suppress(OSError):
            path.unlink()
        raise StorageError(f"could not write {path.name}: {exc.strerror or 'I/O error'}") from None


def read_capped(path: Path, limit: int) -> bytes:
    """Read at most `limit` bytes; a longer file is reported by returning limit+1 bytes."""
    with path.open("rb") as handle:
        return handle.read(limit + 1)


OVERWRITE_CHUNK = 1024 * 1024


def overwrite_and_unlink(path: Path) -> bool:
    """Overwrite a file once with zeros, fsync, then unlink it.

    Returns whether the overwrite happened; the unlink is what must succeed (an OSError
    propagates). On copy-on-write or flash storage the old blocks may survive an
    overwrite: that is why this is only a best effort on top of removing the file, and
    why the vault itself relies on encryption, not on overwriting.
    """
    overwritten = False
    try:
        fd = os.open(path, os.O_WRONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        fd = -1
    if fd >= 0:
        try:
            remaining = os.fstat(fd).st_size
            zeros = bytes(min(OVERWRITE_CHUNK, remaining))
            while remaining > 0:
                written = os.write(fd, zeros[: min(len(zeros), remaining)])
                remaining -= written
            os.fsync(fd)
            overwritten = True
        except OSError:
            overwritten = False
        finally:
            os.close(fd)
    path.unlink()
    with contextlib.suppress(OSError):
        fsync_dir(path.parent)
    return overwritten
