"""Integrity on the way: the checksum extension (sha256 per PATCH only when the server's
OPTIONS offers it: tusd and the Node server do not), a 460 (the piece arrived damaged)
sent again, and the whole upload's `Repr-Digest` (stated at creation; a server that
holds the upload to it must confirm it at the end, and then no PATCH needs a checksum).
The server here is a small in-memory tus server on 127.0.0.1 that checks each
Upload-Checksum against the bytes it really received."""

from __future__ import annotations

import base64
import hashlib
import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import ClassVar

import pytest

from sync.digest_fields import format_repr_digest, parse_repr_digest
from sync.errors import FailureKind, TransportError
from sync.http_settings import check_http_settings
from sync.transport import UploadState
from sync.tus_client import MIB, TusTransport
from sync.tus_upload import MAX_RESTARTS
from tests.sync_servers import write_bundle


class _ChecksumTus(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    advertise = True
    damage_first = False
    uploads: ClassVar[dict[str, bytearray]] = {}
    lengths: ClassVar[dict[str, int]] = {}
    checksums: ClassVar[list[str | None]] = []
    metadata: ClassVar[list[str | None]] = []
    # How the server treats Repr-Digest: "ignore" (tusd, the Node server), "hold" (as
    # Carnet's intake: echoed at creation and in HEAD, the stored digest at the end),
    # "hold-silent" (echoed, never confirmed), "hold-garbled" (a malformed echo at
    # creation), "hold-garbled-end" (a malformed confirmation), "hold-forgets" (HEAD
    # leaves the field out).
    digest_mode = "ignore"
    busy_first = False  # answer the first PATCH 423, as an intake still busy with it
    lose_uploads = False  # a 503 to every upload's second PATCH, then 404 to its HEAD
    heads_busy = 0  # answer this many HEADs 423 first, as tusd does while it is locked
    stated: ClassVar[list[str | None]] = []

    def _answer(self, status: int, **headers: str) -> None:
        self.send_response(status)
        self.send_header("Tus-Resumable", "1.0.0")
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_OPTIONS(self) -> None:
        offer = {"Tus_Version": "1.0.0", "Tus_Extension": "creation,termination"}
        if self.advertise:
            offer = {**offer, "Tus_Extension": "creation,termination,checksum"}
            offer["Tus_Checksum_Algorithm"] = "md5,sha256"
        self._answer(204, **offer)

    def do_POST(self) -> None:
        name = f"u{len(self.uploads)}"
        type(self).metadata.append(self.headers.get("Upload-Metadata"))
        stated = self.headers.get("Repr-Digest")
        type(self).stated.append(stated)
        self.uploads[name] = bytearray()
        self.lengths[name] = int(self.headers["Upload-Length"])
        echo = {}
        if self.digest_mode.startswith("hold") and stated is not None:
            garbled = self.digest_mode == "hold-garbled"
            echo = {"Repr_Digest": "sha-256=not-a-byte-sequence" if garbled else stated}
        self._answer(201, Location=f"/files/{name}", **echo)

    def do_HEAD(self) -> None:
        name = self.path.rsplit("/", 1)[1]
        if self.lose_uploads:
            self._answer(404)
            return
        if type(self).heads_busy:
            type(self).heads_busy -= 1
            self._answer(423)
            return
        got = self.uploads[name]
        echo = {}
        if self.digest_mode.startswith("hold") and self.digest_mode != "hold-forgets":
            echo = {"Repr_Digest": self.stated[int(name[1:])] or ""}
        self._answer(
            200, Upload_Offset=str(len(got)), Upload_Length=str(self.lengths[name]), **echo
        )

    def do_PATCH(self) -> None:
        name = self.path.rsplit("/", 1)[1]
        body = self.rfile.read(int(self.headers["Content-Length"]))
        claimed = self.headers.get("Upload-Checksum")
        type(self).checksums.append(claimed)
        if type(self).busy_first:
            type(self).busy_first = False
            self._answer(423)
            return
        if self.lose_uploads and self.uploads[name]:
            self._answer(503)
            return
        if type(self).damage_first:
            type(self).damage_first = False
            body = b"X" + body[1:]  # what a bad link would deliver
        if claimed is not None:
            algorithm, digest = claimed.split(" ", 1)
            if algorithm != "sha256" or base64.b64decode(digest) != hashlib.sha256(body).digest():
                self._answer(460)
                return
        self.uploads[name] += body
        done = {}
        if len(self.uploads[name]) == self.lengths[name] and self.digest_mode in (
            "hold",
            "hold-forgets",
        ):
            stored = hashlib.sha256(self.uploads[name]).digest()
            done = {"Repr_Digest": format_repr_digest(stored)}
        if len(self.uploads[name]) == self.lengths[name] and self.digest_mode.endswith("-end"):
            done = {"Repr_Digest": "sha-256=:broken:"}
        self._answer(204, Upload_Offset=str(len(self.uploads[name])), **done)

    def log_message(self, format: str, *args: object) -> None:
        del format, args


@contextmanager
def checksum_server(
    *,
    advertise: bool,
    damage_first: bool = False,
    digest_mode: str = "ignore",
    busy_first: bool = False,
    lose_uploads: bool = False,
) -> Iterator[str]:
    _ChecksumTus.lose_uploads = lose_uploads
    _ChecksumTus.heads_busy = 0
    _ChecksumTus.advertise, _ChecksumTus.damage_first = advertise, damage_first
    _ChecksumTus.busy_first = busy_first
    _ChecksumTus.uploads, _ChecksumTus.lengths, _ChecksumTus.checksums = {}, {}, []
    _ChecksumTus.metadata, _ChecksumTus.stated = [], []
    _ChecksumTus.digest_mode = digest_mode
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _ChecksumTus)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}/files"
    finally:
        httpd.shutdown()
        httpd.server_close()


def send(url: str, bundle: Path, sha: str) -> None:
    t = TusTransport(check_http_settings(url), patch_size=MIB, backoff=0.01, max_retries=2)
    t.send(
        bundle,
        bundle.stat().st_size,
        sha,
        resume=None,
        save_state=lambda state: None,
        progress=lambda done, total: None,
        cancelled=lambda: False,
    )


@pytest.fixture
def bundle(tmp_path: Path) -> tuple[Path, str]:
    path = tmp_path / "bundle"
    return path, write_bundle(path, 2 * MIB + 5)


def test_sha256_per_patch_when_advertised(bundle: tuple[Path, str]) -> None:
    with checksum_server(advertise=True) as url:
        send(url, *bundle)
    assert bytes(_ChecksumTus.uploads["u0"]) == bundle[0].read_bytes()
    data = bundle[0].read_bytes()
    pieces = [data[:MIB], data[MIB : 2 * MIB], data[2 * MIB :]]
    expected = ["sha256 " + base64.b64encode(hashlib.sha256(p).digest()).decode() for p in pieces]
    assert _ChecksumTus.checksums == expected


def test_no_checksum_header_when_not_advertised(bundle: tuple[Path, str]) -> None:
    with checksum_server(advertise=False) as url:
        send(url, *bundle)
    assert bytes(_ChecksumTus.uploads["u0"]) == bundle[0].read_bytes()
    assert _ChecksumTus.checksums == [None, None, None]


def test_creation_sends_no_metadata_at_all(bundle: tuple[Path, str]) -> None:
    # Not even an empty Upload-Metadata (the Node server refuses that with 400): nothing
    # about the bundle leaves but its length.
    with checksum_server(advertise=False) as url:
        send(url, *bundle)
    assert _ChecksumTus.metadata == [None]


def test_a_damaged_piece_is_sent_again(bundle: tuple[Path, str]) -> None:
    with checksum_server(advertise=True, damage_first=True) as url:
        send(url, *bundle)
    assert bytes(_ChecksumTus.uploads["u0"]) == bundle[0].read_bytes()
    assert len(_ChecksumTus.checksums) == 4  # the first piece twice


def test_the_creation_states_the_bundles_digest(bundle: tuple[Path, str]) -> None:
    with checksum_server(advertise=False) as url:
        send(url, *bundle)
    [stated] = _ChecksumTus.stated
    assert parse_repr_digest(stated) == bytes.fromhex(bundle[1])


def test_no_per_patch_checksum_when_the_server_holds_the_digest(
    bundle: tuple[Path, str],
) -> None:
    with checksum_server(advertise=True, digest_mode="hold") as url:
        send(url, *bundle)
    assert bytes(_ChecksumTus.uploads["u0"]) == bundle[0].read_bytes()
    assert _ChecksumTus.checksums == [None, None, None]


def test_a_server_that_stored_other_bytes_fails_the_send(bundle: tuple[Path, str]) -> None:
    # Held to the digest, so no checksum caught the damaged piece: the digest the server
    # confirms at the end does, and the send is not reported as done.
    server = checksum_server(advertise=True, damage_first=True, digest_mode="hold")
    with server as url, pytest.raises(TransportError) as caught:
        send(url, *bundle)
    assert caught.value.kind is FailureKind.STORAGE and not caught.value.retryable
    assert "stored other bytes" in str(caught.value)


@pytest.mark.parametrize("mode", ["hold-silent", "hold-garbled", "hold-garbled-end"])
def test_a_held_digest_must_be_confirmed_well_formed(bundle: tuple[Path, str], mode: str) -> None:
    with (
        checksum_server(advertise=False, digest_mode=mode) as url,
        pytest.raises(TransportError) as caught,
    ):
        send(url, *bundle)
    assert caught.value.kind is FailureKind.PROTOCOL


def test_a_busy_answer_is_retried_and_a_head_keeps_the_upload_held(
    bundle: tuple[Path, str],
) -> None:
    with checksum_server(advertise=True, digest_mode="hold", busy_first=True) as url:
        send(url, *bundle)
    assert bytes(_ChecksumTus.uploads["u0"]) == bundle[0].read_bytes()
    assert _ChecksumTus.checksums == [None, None, None, None]  # the first PATCH twice


def test_a_head_that_drops_the_held_digest_is_refused(bundle: tuple[Path, str]) -> None:
    # Held at creation, then a HEAD without the field: never a quiet fall back to an
    # upload nothing confirms.
    with (
        checksum_server(advertise=True, digest_mode="hold-forgets", busy_first=True) as url,
        pytest.raises(TransportError) as caught,
    ):
        send(url, *bundle)
    assert caught.value.kind is FailureKind.PROTOCOL
    assert "no longer holds" in str(caught.value)


def test_a_server_that_keeps_losing_uploads_is_given_up_on(bundle: tuple[Path, str]) -> None:
    # Each upload takes one PATCH, fails the next and is then gone: every good PATCH
    # resets the retry count, so only the bound on fresh starts ends the send.
    with (
        checksum_server(advertise=False, lose_uploads=True) as url,
        pytest.raises(TransportError) as caught,
    ):
        send(url, *bundle)
    assert caught.value.kind is FailureKind.PROTOCOL and "kept losing" in str(caught.value)
    assert len(_ChecksumTus.uploads) == MAX_RESTARTS + 1


def test_a_busy_head_on_resume_is_asked_again(bundle: tuple[Path, str]) -> None:
    path, sha = bundle
    with checksum_server(advertise=False) as url:
        states: list[UploadState] = []
        t = TusTransport(check_http_settings(url), patch_size=MIB, backoff=0.01)
        stop = iter([False] * 20 + [True])
        with pytest.raises(TransportError, match="cancelled"):
            t.send(
                path,
                path.stat().st_size,
                sha,
                resume=None,
                save_state=states.append,
                progress=lambda done, total: None,
                cancelled=lambda: next(stop, True),
            )
        _ChecksumTus.heads_busy = 2
        t.send(
            path,
            path.stat().st_size,
            sha,
            resume=states[-1],
            save_state=states.append,
            progress=lambda done, total: None,
            cancelled=lambda: False,
        )
    assert list(_ChecksumTus.uploads) == ["u0"]  # resumed, not started afresh
    assert bytes(_ChecksumTus.uploads["u0"]) == path.read_bytes()
