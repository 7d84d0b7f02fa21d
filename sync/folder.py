"""Sending a bundle to a folder: a USB drive, or a folder another tool syncs.

The copy goes to a hidden partial name (`.NAME.carnet.partial`) in the destination, is
fsynced, its cached pages dropped and read back from the drive and compared by SHA-256,
and only then renamed to its final name and the folder fsynced: a file under the final
name is always whole and checked, and a sync tool watching the folder never picks up
half a bundle. The final name is opaque (the bundle's SHA-256, or an id the caller
gives) — never anything from the incident. A resume simply starts the copy again.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
from collections.abc import Callable
from pathlib import Path

from sync.errors import DestinationConfigError, FailureKind, TransportError
from sync.transport import CancelledCheck, Delivery, ProgressCallback, UploadState

COPY_BLOCK = 1024 * 1024
SUFFIX = ".carnet"
_NAME = re.compile(r"[0-9A-Za-z][0-9A-Za-z_-]{0,127}")
_SHA256 = re.compile(r"[0-9a-f]{64}")
_GONE = {errno.ENOENT, errno.ENOTDIR, errno.EIO, errno.ENODEV, errno.ENXIO, errno.ESTALE}
_GONE_MESSAGE = "the destination folder went away — was the drive removed?"


def _failure(error: OSError) -> TransportError:
    if error.errno in _GONE:
        return TransportError(FailureKind.DRIVE_REMOVED, _GONE_MESSAGE, retryable=True)
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return TransportError(FailureKind.STORAGE, "the destination folder is full", retryable=True)
    if error.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return TransportError(
            FailureKind.STORAGE,
            "the destination folder is read-only or not writable",
            retryable=False,
        )
    return TransportError(
        FailureKind.STORAGE, "the copy to the destination folder failed", retryable=True
    )


class FolderTransport:
    """Copies into `directory`, named `<name or sha256>.carnet`."""

    def __init__(self, directory: Path, *, name: str | None = None) -> None:
        if name is not None and not _NAME.fullmatch(name):
            raise DestinationConfigError("a bundle name must be letters, digits, - or _")
        self.directory = directory
        self._name = name

    def describe(self) -> str:
        return f"copy to the folder {self.directory}"

    def __repr__(self) -> str:
        return f"FolderTransport({str(self.directory)!r})"

    def send(
        self,
        source: Path,
        size: int,
        sha256: str,
        *,
        resume: UploadState | None,
        save_state: Callable[[UploadState], None],
        progress: ProgressCallback,
        cancelled: CancelledCheck,
    ) -> Delivery:
        del resume, save_state  # a folder copy restarts: nothing to resume from
        if self._name is None and not _SHA256.fullmatch(sha256):
            raise ValueError("the bundle's SHA-256 must be 64 lower-case hex digits")
        final = self.directory / f"{self._name or sha256}{SUFFIX}"
        partial = self.directory / f".{final.name}.partial"
        if not self.directory.is_dir():
            raise TransportError(
                FailureKind.DRIVE_REMOVED,
                "the destination folder is not there — is the drive plugged in?",
                retryable=True,
            )
        try:
            if final.exists():
                if _sha256_of(final) == sha256:
                    return Delivery(location=str(final), sha256=sha256)  # sent before
                raise TransportError(
                    FailureKind.STORAGE,
                    "the destination folder already holds a different file of that name",
                    retryable=False,
                )
            _copy(source, partial, size, progress, cancelled)
            _drop_cache(partial)
            if _sha256_of(partial) != sha256:
                raise TransportError(
                    FailureKind.STORAGE,
                    "the copy read back from the destination does not match the bundle",
                    retryable=True,
                )
            os.rename(partial, final)
            _fsync_directory(self.directory)
        except OSError as error:
            _remove_quietly(partial)
            raise _failure(error) from None
        except BaseException:
            _remove_quietly(partial)
            raise
        return Delivery(location=str(final), sha256=sha256)

    def abandon(self, state: UploadState) -> None:
        """Nothing is left behind on failure, so there is nothing to drop."""
        del state


def _copy(
    source: Path, target: Path, size: int, progress: ProgressCallback, cancelled: CancelledCheck
) -> None:
    done = 0
    try:
        reader = source.open("rb")
    except OSError:
        raise TransportError(
            FailureKind.STORAGE, "the bundle to send cannot be read", retryable=False
        ) from None
    with reader, target.open("wb") as writer:
        while block := reader.read(COPY_BLOCK):
            if cancelled():
                raise TransportError(
                    FailureKind.CANCELLED, "the send was cancelled", retryable=True
                )
            writer.write(block)
            done += len(block)
            progress(done, size)
        writer.flush()
        os.fsync(writer.fileno())
    if done != size:
        raise TransportError(
            FailureKind.STORAGE, "the bundle changed size while it was copied", retryable=False
        )
    # The folder can vanish while the open file keeps its (now unlinked) inode writable:
    # only the path tells. Fail here rather than at the read-back.
    os.stat(target)


def _drop_cache(path: Path) -> None:
    """Ask the kernel to forget the copy's cached pages so the read-back reads the drive."""
    fd = os.open(path, os.O_RDONLY)
    try:
        if hasattr(os, "posix_fadvise"):
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as reader:
        while block := reader.read(COPY_BLOCK):
            digest.update(block)
    return digest.hexdigest()


def _fsync_directory(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove_quietly(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()
