"""A tar stream straight into a bundle, and back out of one, member by member.

Shared by the export to organisations and the travel backup, and by their readers.
Member metadata is fixed (mode 0600, no owner names, the bundle's time) so a member says
nothing about the machine it came from.
"""

from __future__ import annotations

import collections
import datetime as dt
import io
import os
import tarfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import IO, Any, BinaryIO

from app.chunk_io import ChunkReader, prefetch
from app.errors import IntegrityError, StorageError
from app.fsutil import write_then_rename
from crypto.bundle import BundleWriter, open_bundle

COPY_CHUNK = 1024 * 1024


class BundleSink(io.RawIOBase):
    """The write end tarfile streams into: everything goes to the bundle writer."""

    def __init__(self, writer: BundleWriter) -> None:
        self._writer = writer

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        return self._writer.write(bytes(data))


def _member(name: str, size: int, created_at: str) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size = size
    info.mode = 0o600
    info.mtime = int(_timestamp(created_at))
    info.type = tarfile.REGTYPE
    info.uname = info.gname = ""
    return info


def add_bytes(tar: tarfile.TarFile, name: str, data: bytes, created_at: str) -> None:
    tar.addfile(_member(name, len(data), created_at), io.BytesIO(data))


def add_stream(
    tar: tarfile.TarFile,
    name: str,
    size: int,
    chunks: Iterator[bytes],
    created_at: str,
    step: Callable[[int], None],
) -> None:
    reader = io.BufferedReader(ChunkReader(chunks, step), buffer_size=COPY_CHUNK)
    tar.addfile(_member(name, size, created_at), reader)
    # The blob's iterator checks the whole file's hash after its last chunk: run it out.
    if reader.read(1):
        raise StorageError("an attachment is longer than its record says")


def _timestamp(text: str) -> float:
    try:
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return 0.0


def write_bundle_file(
    target: Path, keys: Sequence[bytes], fill: Callable[[tarfile.TarFile], None]
) -> int:
    """Seal the tar stream `fill` writes into `target`; returns the payload's size.

    Written through fsutil.write_then_rename: a failure or a cancel (any exception from
    `fill`) leaves no file behind.
    """
    with write_then_rename(target, "the bundle") as handle:
        writer = BundleWriter(list(keys), handle)
        with tarfile.open(
            fileobj=BundleSink(writer), mode="w|", format=tarfile.PAX_FORMAT, bufsize=COPY_CHUNK
        ) as tar:
            tar.copybufsize = COPY_CHUNK  # type: ignore[attr-defined]  # not in typeshed; TarFile has it
            fill(tar)
        writer.close()
    return writer.plain_bytes


class _TailKeeper(io.RawIOBase):
    """The read end tarfile reads from, keeping the last bytes it handed out.

    tarfile in stream mode reads ahead in blocks of its buffer size, so once it has found
    the end-of-archive block, bytes after that block already sit in its buffer, where a
    later look at the stream would never see them. Keeping the last `keep` bytes handed
    out (more than tarfile's buffer and a header) lets the caller check every byte from
    the archive's end on, whatever the buffer size.
    """

    def __init__(self, inner: BinaryIO, keep: int) -> None:
        self._inner = inner
        self._keep = keep
        self._tail: collections.deque[bytes] = collections.deque()
        self._kept = 0
        self.position = 0  # bytes handed out so far

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        """tarfile reads through this: no copy beyond the buffered reader's own."""
        data = self._inner.read(-1 if size is None else size)
        if data:
            self.position += len(data)
            self._tail.append(data)
            self._kept += len(data)
            while self._tail and self._kept - len(self._tail[0]) >= self._keep:
                self._kept -= len(self._tail.popleft())
        return data

    def readinto(self, target: Any) -> int:
        data = self.read(len(target))
        target[: len(data)] = data
        return len(data)

    def since(self, offset: int) -> bytes:
        """The bytes handed out from stream offset `offset` on (they must still be kept)."""
        start = self.position - self._kept
        if offset < start:
            raise IntegrityError("the archive's end could not be checked")
        return b"".join(self._tail)[offset - start :]


def plain_regular(member: tarfile.TarInfo) -> bool:
    """Whether a member is a plain regular file: no link, folder, device, contiguous or
    GNU sparse member, and no pax sparse headers (a sparse member of a few KiB expands to
    any size on extraction)."""
    return (
        member.type in (tarfile.REGTYPE, tarfile.AREGTYPE)
        and getattr(member, "sparse", None) is None
        and not any(key.startswith("GNU.sparse") for key in member.pax_headers)
    )


def _source_size(source: BinaryIO) -> int | None:
    try:
        return os.fstat(source.fileno()).st_size
    except (OSError, AttributeError, ValueError, io.UnsupportedOperation):
        return None


def sealed_members(
    source: BinaryIO, public_key: bytes, secret_key: bytes, what: str
) -> Iterator[tuple[int, tarfile.TarInfo, IO[bytes]]]:
    """The regular-file members of the tar stream sealed in a bundle, one at a time.

    Each member's bytes are authenticated chunk by chunk as they are read; once the
    last member has been yielded, every byte from the archive's end-of-archive block to
    the end of the payload (the padding) must be zero and the payload's final tag must
    verify. So a caller that runs this out has authenticated every byte, and one that
    stops early (raising) has trusted nothing it did not check itself.
    Anything but plain regular members (links, folders, devices, sparse members), a name
    seen twice, and members adding up to more bytes than the bundle file holds are refused.
    """
    limit = _source_size(source)
    plain = ChunkReader(prefetch(open_bundle(source, public_key, secret_key)))
    buffered = io.BufferedReader(plain, buffer_size=COPY_CHUNK)
    keeper = _TailKeeper(buffered, 2 * COPY_CHUNK + 16 * tarfile.BLOCKSIZE)
    seen: set[str] = set()
    total = 0
    with tarfile.open(fileobj=keeper, mode="r|", bufsize=COPY_CHUNK) as tar:
        tar.copybufsize = COPY_CHUNK  # type: ignore[attr-defined]  # not in typeshed; TarFile has it
        for index, member in enumerate(tar):
            name = member.name
            if not plain_regular(member):
                raise IntegrityError(
                    f"the {what} holds a link, folder or device, or a sparse member "
                    f"({printable(name)}); refused"
                )
            if name in seen:
                raise IntegrityError(f"the {what} holds {printable(name)} twice")
            seen.add(name)
            total += member.size
            if limit is not None and total > limit:
                raise IntegrityError(f"the {what}'s members are larger than the file itself")
            stream = tar.extractfile(member)
            if stream is None:
                raise IntegrityError(f"the {what}'s member {printable(name)} has no data")
            yield index, member, stream
        end = tar.offset  # where the end-of-archive block starts
    if keeper.since(end).count(0) != keeper.position - end:
        raise IntegrityError(f"the {what} holds data after its archive")
    while chunk := buffered.read(COPY_CHUNK):  # the rest of the padding, then the final tag
        if chunk.count(0) != len(chunk):
            raise IntegrityError(f"the {what} holds data after its archive")
    if not plain.finished:
        raise IntegrityError(f"the {what} was not read to its end")


def printable(name: str, limit: int = 120, *, quote: bool = True) -> str:
    """A member name safe to print: quoted, control characters escaped, length capped.

    Names come from the bundle; one carrying ESC or a newline must not reach a terminal
    raw (it could rewrite what the user sees)."""
    shown = name if len(name) <= limit else name[:limit] + "…"
    escaped = "".join(
        ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in shown
    )
    return "'" + escaped.replace("'", "\\'") + "'" if quote else escaped
