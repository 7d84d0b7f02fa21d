"""A tar stream straight into a bundle, and back out of one, member by member.

Shared by the export to organisations and the travel backup, and by their readers.
Member metadata is fixed (mode 0600, no owner names, the bundle's time) so a member says
nothing about the machine it came from.
"""

from __future__ import annotations

import datetime as dt
import io
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


def sealed_members(
    source: BinaryIO, public_key: bytes, secret_key: bytes, what: str
) -> Iterator[tuple[int, tarfile.TarInfo, IO[bytes]]]:
    """The regular-file members of the tar stream sealed in a bundle, one at a time.

    Each member's bytes are authenticated chunk by chunk as they are read; once the
    last member has been yielded, the padding must be all zeros and the payload's final
    tag must verify. So a caller that runs this out has authenticated every byte, and
    one that stops early (raising) has trusted nothing it did not check itself.
    Links, folders, devices and a name seen twice are refused.
    """
    plain = ChunkReader(prefetch(open_bundle(source, public_key, secret_key)))
    buffered = io.BufferedReader(plain, buffer_size=COPY_CHUNK)
    seen: set[str] = set()
    with tarfile.open(fileobj=buffered, mode="r|", bufsize=COPY_CHUNK) as tar:
        tar.copybufsize = COPY_CHUNK  # type: ignore[attr-defined]  # not in typeshed; TarFile has it
        for index, member in enumerate(tar):
            name = member.name
            if not member.isreg():
                raise IntegrityError(
                    f"the {what} holds a link, folder or device ({name!r}); refused"
                )
            if name in seen:
                raise IntegrityError(f"the {what} holds {name!r} twice")
            seen.add(name)
            stream = tar.extractfile(member)
            if stream is None:
                raise IntegrityError(f"the {what}'s member {name!r} has no data")
            yield index, member, stream
    while chunk := buffered.read(COPY_CHUNK):  # the padding, then the final authentication
        if chunk.count(0) != len(chunk):
            raise IntegrityError(f"the {what} holds data after its archive")
    if not plain.finished:
        raise IntegrityError(f"the {what} was not read to its end")
