"""A test-only Transport (sync.transport.Transport) until sync/'s transports land: a
real, resumable copy into a local folder, with failures the tests inject.

It does what the folder transport promises (hidden partial name, state saved after each
piece, SHA-256 checked before the final rename), so the sender's states are exercised
against real files. It is not the product's FolderTransport (sync/folder.py).
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from app.sending.settings import TransportSettings
from sync.errors import FailureKind, TransportError
from sync.transport import Delivery, UploadState

PIECE = 4096


@dataclass
class Faults:
    """What to break: fail once `fail_at` bytes are confirmed (a cut connection, or a
    refusal), wait `delay` seconds after each piece (so a test can kill mid-send)."""

    fail_at: int | None = None
    kind: FailureKind = FailureKind.UNREACHABLE
    retryable: bool = True
    delay: float = 0.0
    piece: int = PIECE
    cancel_at: int | None = None


@dataclass
class LocalCopyTransport:
    folder: Path
    faults: Faults = field(default_factory=Faults)
    calls: list[UploadState | None] = field(default_factory=list)
    journal: Path | None = None  # one JSON line per call, for tests in another process

    def describe(self) -> str:
        return f"test copy to {self.folder}"

    def send(
        self,
        source: Path,
        size: int,
        sha256: str,
        *,
        resume: UploadState | None,
        save_state: Callable[[UploadState], None],
        progress: Callable[[int, int], None],
        cancelled: Callable[[], bool],
    ) -> Delivery:
        self.calls.append(resume)
        if self.journal is not None:
            with self.journal.open("a", encoding="utf-8") as handle:
                entry = None if resume is None else [resume.location, resume.offset]
                handle.write(json.dumps({"resume": entry}) + "\n")
        if not self.folder.is_dir():
            raise TransportError(
                FailureKind.DRIVE_REMOVED, "the folder is not there", retryable=True
            )
        offset = 0
        partial = self.folder / f".partial-{secrets.token_hex(8)}"
        if resume is not None and (self.folder / resume.location).is_file():
            partial = self.folder / resume.location
            offset = min(resume.offset, partial.stat().st_size)
        save_state(UploadState(partial.name, offset))
        with source.open("rb") as reader, partial.open("ab") as writer:
            writer.truncate(offset)
            reader.seek(offset)
            while offset < size:
                if self.faults.cancel_at is not None and offset >= self.faults.cancel_at:
                    raise TransportError(FailureKind.CANCELLED, "cancelled", retryable=True)
                if cancelled():
                    raise TransportError(FailureKind.CANCELLED, "cancelled", retryable=True)
                if self.faults.fail_at is not None and offset >= self.faults.fail_at:
                    self.faults.fail_at = None  # once
                    raise TransportError(
                        self.faults.kind, "the test cut the copy", retryable=self.faults.retryable
                    )
                piece = reader.read(self.faults.piece)
                writer.write(piece)
                writer.flush()
                os.fsync(writer.fileno())
                offset += len(piece)
                save_state(UploadState(partial.name, offset))
                progress(offset, size)
                time.sleep(self.faults.delay)
        digest = hashlib.sha256(partial.read_bytes()).hexdigest()
        if digest != sha256:
            partial.unlink()
            raise TransportError(FailureKind.STORAGE, "the copy does not match", retryable=True)
        final = self.folder / f"{sha256}.carnet"
        partial.rename(final)
        return Delivery(str(final), digest)


def local_factory(
    faults: Faults | None = None, journal: Path | None = None
) -> Callable[[TransportSettings], LocalCopyTransport]:
    """A factory for SendService (or to patch app.sending.transports.make_transport)."""
    made: Faults = faults or Faults()

    def make(settings: TransportSettings) -> LocalCopyTransport:
        if settings.folder is None:
            raise AssertionError("the local copy transport needs a --folder destination")
        return LocalCopyTransport(settings.folder, made, journal=journal)

    return make


def factory_from_env() -> Callable[[TransportSettings], LocalCopyTransport]:
    """For CLI subprocesses: faults and journal from CARNET_TEST_FAKE (a JSON file the
    test wrote); test harness only, read by tests/ code, never by Carnet."""
    config = json.loads(Path(os.environ["CARNET_TEST_FAKE"]).read_text(encoding="utf-8"))
    faults = Faults(
        fail_at=config.get("fail_at"),
        delay=float(config.get("delay", 0.0)),
        piece=int(config.get("piece", PIECE)),
    )
    journal = config.get("journal")
    return local_factory(faults, None if journal is None else Path(journal))


@dataclass
class HttpPostTransport:
    """Test only: POST the whole bundle to the destination's URL with http.client (a
    stand-in for sync/'s tus client in the no-network proof, until it lands)."""

    url: str

    def describe(self) -> str:
        return f"test HTTP POST to {self.url}"

    def send(
        self,
        source: Path,
        size: int,
        sha256: str,
        *,
        resume: UploadState | None,
        save_state: Callable[[UploadState], None],
        progress: Callable[[int, int], None],
        cancelled: Callable[[], bool],
    ) -> Delivery:
        import http.client
        from urllib.parse import urlsplit

        parts = urlsplit(self.url)
        connection = http.client.HTTPConnection(str(parts.hostname), parts.port, timeout=30)
        try:
            connection.request("POST", parts.path, body=source.read_bytes())
            reply = connection.getresponse()
            location = reply.getheader("Location") or self.url
            reply.read()
        except OSError as exc:
            raise TransportError(
                FailureKind.UNREACHABLE, f"unreachable: {exc.strerror}", retryable=True
            ) from None
        finally:
            connection.close()
        if reply.status != 201:
            raise TransportError(FailureKind.REFUSED, f"HTTP {reply.status}", retryable=False)
        progress(size, size)
        return Delivery(location, sha256)


def http_factory(settings: TransportSettings) -> HttpPostTransport:
    if settings.url is None:
        raise AssertionError("the HTTP test transport needs a --url destination")
    return HttpPostTransport(settings.url)
