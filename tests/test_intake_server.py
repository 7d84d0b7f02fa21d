"""The intake speaking tus 1.0 to real HTTP clients on 127.0.0.1: the round trip,
termination, checksums, and every refusal leaving the upload as it was."""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from sync.intake.store import UploadStore
from tests.intake_helpers import (
    AUTH,
    OCTETS,
    TUS,
    Intake,
    checksum_header,
    intake_config,
    running_intake,
)


@pytest.fixture
def intake(tmp_path: Path) -> Iterator[Intake]:
    with running_intake(intake_config(tmp_path / "store", max_size=1_000_000)) as server:
        yield server


def listed(intake: Intake) -> list[str]:
    return [item.sha256 for item in UploadStore(intake.store, create=False).list_finished()]


def test_options_advertises_the_protocol(intake: Intake) -> None:
    reply = requests.options(intake.url, headers=AUTH, timeout=10)
    assert reply.status_code == 204
    assert reply.headers["Tus-Version"] == "1.0.0"
    assert reply.headers["Tus-Resumable"] == "1.0.0"
    assert set(reply.headers["Tus-Extension"].split(",")) == {
        "creation",
        "termination",
        "checksum",
    }
    assert reply.headers["Tus-Max-Size"] == "1000000"
    assert reply.headers["Tus-Checksum-Algorithm"] == "sha256"
    assert "aiohttp" not in reply.headers.get("Server", "")


def test_round_trip_in_pieces(intake: Intake) -> None:
    data = os.urandom(300_000)
    url = intake.create(len(data), **{"Upload-Metadata": "filename c2VjcmV0LnBkZg=="})
    assert intake.offset(url) == 0
    for start in range(0, len(data), 70_000):
        piece = data[start : start + 70_000]
        reply = intake.patch(url, start, piece)
        assert reply.status_code == 204
        assert int(reply.headers["Upload-Offset"]) == start + len(piece)
        assert intake.offset(url) == start + len(piece)
        if start + len(piece) < len(data):
            assert intake.finished() == {}
    sha256 = hashlib.sha256(data).hexdigest()
    assert intake.finished() == {sha256: data}
    finished = intake.store / "finished" / sha256
    assert stat.S_IMODE(finished.stat().st_mode) == 0o600
    assert stat.S_IMODE((intake.store / "finished").stat().st_mode) == 0o700
    assert list((intake.store / "partial").iterdir()) == []
    # HEAD after the end still answers (a client whose last reply was lost asks).
    assert intake.offset(url) == len(data)
    assert listed(intake) == [sha256]
    # Nothing of the client's metadata is stored anywhere.
    for path in intake.store.rglob("*"):
        if path.is_file():
            content = path.read_bytes()
            assert b"c2VjcmV0LnBkZg" not in content
            assert b"secret.pdf" not in content


def test_upload_ids_are_random(intake: Intake) -> None:
    urls = {intake.create(10) for _ in range(5)}
    assert len(urls) == 5
    assert all(len(url.rsplit("/", 1)[1]) == 32 for url in urls)


def test_no_download(intake: Intake) -> None:
    data = b"evidence bytes"
    url = intake.create(len(data))
    assert intake.patch(url, 0, data).status_code == 204
    sha256 = hashlib.sha256(data).hexdigest()
    assert requests.get(url, headers=AUTH, timeout=10).status_code == 405
    for path in (f"/files/{sha256}", f"/finished/{sha256}", "/", "/files/../finished"):
        reply = requests.get(intake.base + path, headers=AUTH, timeout=10)
        assert reply.status_code in (404, 405)
        assert data not in reply.content


def test_termination(intake: Intake) -> None:
    url = intake.create(100)
    assert intake.patch(url, 0, b"x" * 40).status_code == 204
    assert requests.delete(url, headers=AUTH, timeout=10).status_code == 204
    assert requests.head(url, headers=AUTH, timeout=10).status_code == 404
    assert intake.patch(url, 40, b"y").status_code == 404
    assert list((intake.store / "partial").iterdir()) == []
    assert requests.delete(url, headers=AUTH, timeout=10).status_code == 404


def test_a_finished_upload_cannot_be_terminated(intake: Intake) -> None:
    url = intake.create(3)
    assert intake.patch(url, 0, b"abc").status_code == 204
    assert requests.delete(url, headers=AUTH, timeout=10).status_code == 403
    assert intake.finished() == {hashlib.sha256(b"abc").hexdigest(): b"abc"}


def test_checksum_ok_and_mismatch_rolls_back(intake: Intake) -> None:
    url = intake.create(20)
    good = b"0123456789"
    reply = intake.patch(url, 0, good, **{"Upload-Checksum": checksum_header(good)})
    assert reply.status_code == 204
    bad = intake.patch(url, 10, b"abcdefghij", **{"Upload-Checksum": checksum_header(b"x")})
    assert bad.status_code == 460
    assert intake.offset(url) == 10
    assert (intake.store / "partial" / url.rsplit("/", 1)[1]).read_bytes() == good
    rest = b"ABCDEFGHIJ"
    assert intake.patch(url, 10, rest, **{"Upload-Checksum": checksum_header(rest)}).ok
    # The finished name is the hash of what was kept, not of the rolled-back bytes.
    assert intake.finished() == {hashlib.sha256(good + rest).hexdigest(): good + rest}


def test_unsupported_checksum_algorithm_is_400(intake: Intake) -> None:
    url = intake.create(4)
    reply = intake.patch(
        url, 0, b"abcd", **{"Upload-Checksum": "sha1 gfWu0i3r7uHuBiwAIc7mAcAAnPg="}
    )
    assert reply.status_code == 400
    assert intake.offset(url) == 0


@pytest.mark.parametrize(
    "headers",
    [
        {"Tus-Resumable": "1.0.0"},
        {"Tus-Resumable": "1.0.0", "Authorization": "Bearer wrong-token-0123456789"},
        {"Tus-Resumable": "1.0.0", "Authorization": "Basic aW50YWtlOnRva2Vu"},
    ],
    ids=["no-token", "wrong-token", "other-scheme"],
)
def test_no_or_wrong_token_is_401_and_changes_nothing(
    intake: Intake, headers: dict[str, str]
) -> None:
    url = intake.create(100)
    assert intake.patch(url, 0, b"a" * 10).ok
    reply = requests.patch(
        url,
        data=b"b" * 50,
        headers={**headers, "Upload-Offset": "10", "Content-Type": OCTETS},
        timeout=10,
    )
    assert reply.status_code == 401
    assert reply.headers["WWW-Authenticate"].startswith("Bearer")
    assert intake.offset(url) == 10
    for method in ("HEAD", "POST", "DELETE", "OPTIONS"):
        target = intake.url if method == "POST" else url
        extra = {"Upload-Length": "5"} if method == "POST" else {}
        assert (
            requests.request(method, target, headers={**headers, **extra}, timeout=10).status_code
            == 401
        )
    assert len(list((intake.store / "uploads").iterdir())) == 1
    assert intake.offset(url) == 10


@pytest.mark.parametrize("version", [None, "0.2.2", "1.0", "1.0.1"])
def test_wrong_tus_resumable_is_412(intake: Intake, version: str | None) -> None:
    url = intake.create(10)
    headers = {"Authorization": AUTH["Authorization"], "Upload-Offset": "0", "Content-Type": OCTETS}
    if version is not None:
        headers["Tus-Resumable"] = version
    reply = requests.patch(url, data=b"0123456789", headers=headers, timeout=10)
    assert reply.status_code == 412
    assert reply.headers["Tus-Version"] == "1.0.0"
    assert intake.offset(url) == 0
    creation = {k: v for k, v in headers.items() if k == "Authorization" or k == "Tus-Resumable"}
    creation["Upload-Length"] = "10"
    assert requests.post(intake.url, headers=creation, timeout=10).status_code == 412


def test_oversize_upload_length_is_413(intake: Intake) -> None:
    for length in ("1000001", "9" * 19):
        reply = requests.post(intake.url, headers={**AUTH, "Upload-Length": length}, timeout=10)
        assert reply.status_code == 413
    assert list((intake.store / "uploads").iterdir()) == []
    reply = requests.post(intake.url, headers={**AUTH, "Upload-Length": "1000000"}, timeout=10)
    assert reply.status_code == 201


def test_patch_past_the_length_is_refused_before_any_byte(intake: Intake) -> None:
    url = intake.create(10)
    assert intake.patch(url, 0, b"01234").ok
    assert intake.patch(url, 5, b"567890").status_code == 413
    assert intake.offset(url) == 5
    assert intake.finished() == {}
    assert intake.patch(url, 5, b"56789").ok
    assert len(intake.finished()) == 1


def test_wrong_offset_is_409(intake: Intake) -> None:
    url = intake.create(10)
    assert intake.patch(url, 0, b"01234").ok
    for offset in (0, 4, 6):
        assert intake.patch(url, offset, b"5").status_code == 409
    assert intake.offset(url) == 5
    assert (intake.store / "partial" / url.rsplit("/", 1)[1]).read_bytes() == b"01234"


@pytest.mark.parametrize(
    "headers",
    [
        {"Upload-Offset": "-1"},
        {"Upload-Offset": "+0"},
        {"Upload-Offset": "zero"},
        {"Upload-Offset": ""},
        {"Content-Type": "application/octet-stream"},
        {"Content-Type": ""},
    ],
)
def test_malformed_patch_headers_are_refused(intake: Intake, headers: dict[str, str]) -> None:
    url = intake.create(10)
    reply = requests.patch(
        url,
        data=b"0123456789",
        headers={**AUTH, "Upload-Offset": "0", "Content-Type": OCTETS, **headers},
        timeout=10,
    )
    assert reply.status_code in (400, 415)
    assert intake.offset(url) == 0


@pytest.mark.parametrize(
    "headers",
    [
        {"Upload-Length": "-5"},
        {"Upload-Length": "ten"},
        {},
        {"Upload-Defer-Length": "1"},
    ],
)
def test_malformed_creation_is_400(intake: Intake, headers: dict[str, str]) -> None:
    reply = requests.post(intake.url, headers={**AUTH, **headers}, timeout=10)
    assert reply.status_code == 400
    assert list((intake.store / "uploads").iterdir()) == []


def test_creation_with_a_body_is_refused(intake: Intake) -> None:
    reply = requests.post(
        intake.url, data=b"abc", headers={**AUTH, "Upload-Length": "3"}, timeout=10
    )
    assert reply.status_code == 400
    assert intake.finished() == {}


def test_unknown_upload_is_404(intake: Intake) -> None:
    missing = intake.url + "0" * 32
    assert requests.head(missing, headers=AUTH, timeout=10).status_code == 404
    assert intake.patch(missing, 0, b"x").status_code == 404


def test_same_bundle_twice_is_kept_once(intake: Intake) -> None:
    for _ in range(2):
        url = intake.create(5)
        assert intake.patch(url, 0, b"hello").ok
        assert intake.offset(url) == 5
    assert intake.finished() == {hashlib.sha256(b"hello").hexdigest(): b"hello"}


def test_tus_headers_on_every_answer(intake: Intake) -> None:
    for reply in (
        requests.head(intake.url + "f" * 32, headers=AUTH, timeout=10),
        requests.post(intake.url, headers=TUS, timeout=10),
        requests.get(intake.base + "/nothing", headers=AUTH, timeout=10),
    ):
        assert reply.headers["Tus-Resumable"] == "1.0.0"


def test_an_empty_patch_at_the_end_of_a_finished_upload(intake: Intake) -> None:
    url = intake.create(3)
    assert intake.patch(url, 0, b"abc").status_code == 204
    reply = intake.patch(url, 3, b"")
    assert reply.status_code == 204
    assert reply.headers["Upload-Offset"] == "3"
    assert intake.patch(url, 3, b"d").status_code == 413
    assert intake.patch(url, 0, b"abc").status_code == 409


def test_a_zero_length_upload_finishes_at_creation(intake: Intake) -> None:
    url = intake.create(0)
    assert intake.offset(url) == 0
    assert intake.finished() == {hashlib.sha256(b"").hexdigest(): b""}


def test_a_refused_write_is_undone_whole(tmp_path: Path) -> None:
    """The disk refuses a write mid-PATCH (a file-size limit stands in for a full disk):
    the PATCH is rolled back, the answer says so, and the upload finishes later under the
    right SHA-256 — the running hash never counts bytes the file does not hold."""
    import resource
    import signal

    data = os.urandom(3 * 1024 * 1024)
    half = len(data) // 2
    with running_intake(intake_config(tmp_path / "store")) as intake:
        url = intake.create(len(data))
        assert intake.patch(url, 0, data[:half]).status_code == 204
        soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
        previous = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (half + 1024 * 1024 + 100, hard))
        try:
            refused = intake.patch(url, half, data[half:])
        finally:
            resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
            signal.signal(signal.SIGXFSZ, previous)
        assert refused.status_code == 500
        assert intake.offset(url) == half
        assert intake.patch(url, half, data[half:]).status_code == 204
        assert intake.finished() == {hashlib.sha256(data).hexdigest(): data}
