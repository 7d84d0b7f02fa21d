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
import errno
import os
import secrets
import stat
from collections.abc import Iterator
from dataclasses import dataclass
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
OVERWRITE_CAVEAT = (
    "SSDs, flash drives, and copy-on-write or snapshotting filesystems (Btrfs, ZFS, APFS) "
    "do not honour overwrites: copies of the old data may remain on the device"
)


@dataclass(frozen=True)
class Removal:
    """What `overwrite_and_unlink` did, so the caller can report it truthfully."""

    removed: Path  # the file whose data was overwritten (if `overwritten`) and unlinked
    link: Path | None  # the symbolic link that named it, removed too
    overwritten: bool
    other_names: int  # hard links to the same data left behind (they now read zeros)
    link_removed: bool = True  # False: the target is gone, but its link could not go


class FileChangedError(OSError):
    """The path no longer names the file that was read; nothing was touched."""


class UnlinkFailedError(OSError):
    """The file could not be deleted; `overwritten` says whether its data was zeroed."""

    def __init__(self, source: OSError, overwritten: bool) -> None:
        super().__init__(source.errno, source.strerror)
        self.overwritten = overwritten


def overwrite_and_unlink(path: Path, expected: tuple[int, int] | None = None) -> Removal:
    """Overwrite a file once with zeros, fsync, then unlink it.

    A symbolic link is followed: the file it points to is the one whose contents were
    read, so that file is overwritten and unlinked, then the link itself is removed.
    (Removing only the link would report the original deleted while every byte of it
    is still on disk.) `expected` is the (device, inode) of the file that was read; if
    the path now names another file (moved, or a link re-pointed), nothing is touched
    and FileChangedError is raised. Anything but a regular file is refused.

    The overwrite is a best effort: if the file cannot be opened for writing it is still
    unlinked, and the result says it was not overwritten. On copy-on-write or flash
    storage the old blocks may survive an overwrite (OVERWRITE_CAVEAT): the vault itself
    relies on encryption, not on overwriting. A failed unlink raises UnlinkFailedError,
    which says whether the data had already been overwritten.
    """
    link = path if path.is_symlink() else None
    target = path.resolve(strict=True) if link is not None else path
    before = target.lstat()
    if not stat.S_ISREG(before.st_mode):
        raise FileChangedError(errno.EINVAL, "not a regular file")
    if expected is not None and (before.st_dev, before.st_ino) != expected:
        raise FileChangedError(errno.ESTALE, "the file changed after it was read; kept")
    overwritten = _overwrite(target, (before.st_dev, before.st_ino))
    try:
        target.unlink()
    except OSError as exc:
        raise UnlinkFailedError(exc, overwritten) from None
    with contextlib.suppress(OSError):
        fsync_dir(target.parent)
    link_removed = True
    if link is not None:
        try:
            link.unlink(missing_ok=True)
        except OSError:
            link_removed = False
        with contextlib.suppress(OSError):
            fsync_dir(link.parent)
    return Removal(target, link, overwritten, max(0, before.st_nlink - 1), link_removed)


def _overwrite(target: Path, identity: tuple[int, int]) -> bool:
    """Zeros over the whole file, fsynced; False if it could not be done."""
    try:
        fd = os.open(target, os.O_WRONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return False
    try:
        info = os.fstat(fd)
        if (info.st_dev, info.st_ino) != identity:  # swapped between lstat and open
            raise FileChangedError(errno.ESTALE, "the file changed after it was read; kept")
        remaining = info.st_size
        zeros = bytes(min(OVERWRITE_CHUNK, remaining))
        while remaining > 0:
            written = os.write(fd, zeros[: min(len(zeros), remaining)])
            remaining -= written
        os.fsync(fd)
        return True
    except FileChangedError:
        raise
    except OSError:
        return False
    finally:
        os.close(fd)
