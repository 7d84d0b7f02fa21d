"""The folder transport (USB drive or synced folder): a checked, whole file under an
opaque final name, never a partial one; a folder that disappears mid-copy is
DRIVE_REMOVED and leaves nothing; a read-only folder is STORAGE."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from sync.errors import FailureKind, TransportError
from sync.folder import COPY_BLOCK, FolderTransport
from sync.transport import Delivery
from tests.sync_servers import sha256_of, write_bundle


def send(t: FolderTransport, bundle: Path, sha: str, progress=None, cancelled=None) -> Delivery:  # type: ignore[no-untyped-def]
    return t.send(
        bundle,
        bundle.stat().st_size,
        sha,
        resume=None,
        save_state=lambda state: None,
        progress=progress or (lambda done, total: None),
        cancelled=cancelled or (lambda: False),
    )


@pytest.fixture
def bundle(tmp_path: Path) -> tuple[Path, str]:
    path = tmp_path / "outbox-bundle"
    return path, write_bundle(path, 5 * COPY_BLOCK + 17)


def test_copy_is_byte_identical_under_an_opaque_name(
    tmp_path: Path, bundle: tuple[Path, str]
) -> None:
    drive = tmp_path / "drive"
    drive.mkdir()
    delivery = send(FolderTransport(drive), *bundle)
    final = drive / f"{bundle[1]}.carnet"
    assert delivery == Delivery(location=str(final), sha256=bundle[1])
    assert sorted(p.name for p in drive.iterdir()) == [final.name]  # no partial left
    assert sha256_of(final) == bundle[1]


def test_a_given_id_names_the_file(tmp_path: Path, bundle: tuple[Path, str]) -> None:
    drive = tmp_path / "drive"
    drive.mkdir()
    send(FolderTransport(drive, name="b-0001"), *bundle)
    assert [p.name for p in drive.iterdir()] == ["b-0001.carnet"]


def test_the_partial_is_never_under_the_final_name(
    tmp_path: Path, bundle: tuple[Path, str]
) -> None:
    drive = tmp_path / "drive"
    drive.mkdir()
    seen: list[list[str]] = []
    send(FolderTransport(drive), *bundle, progress=lambda d, t: seen.append(os.listdir(drive)))
    assert len(seen) == 6
    assert all(names == [f".{bundle[1]}.carnet.partial"] for names in seen)


def test_folder_removed_mid_copy_is_drive_removed(tmp_path: Path, bundle: tuple[Path, str]) -> None:
    drive = tmp_path / "drive"
    drive.mkdir()

    def pull_the_drive(done: int, total: int) -> None:
        if done >= 2 * COPY_BLOCK and drive.exists():
            shutil.rmtree(drive)

    with pytest.raises(TransportError) as failure:
        send(FolderTransport(drive), *bundle, progress=pull_the_drive)
    assert failure.value.kind is FailureKind.DRIVE_REMOVED and failure.value.retryable
    assert not drive.exists()
    drive.mkdir()  # plugged in again: the retry completes
    send(FolderTransport(drive), *bundle)
    assert sha256_of(drive / f"{bundle[1]}.carnet") == bundle[1]


def test_folder_replaced_mid_copy_leaves_nothing_under_the_final_name(
    tmp_path: Path, bundle: tuple[Path, str]
) -> None:
    drive = tmp_path / "drive"
    drive.mkdir()

    def swap(done: int, total: int) -> None:
        if done >= 2 * COPY_BLOCK and not (drive / "other").exists():
            shutil.rmtree(drive)
            drive.mkdir()  # another drive mounted at the same place
            (drive / "other").touch()

    with pytest.raises(TransportError) as failure:
        send(FolderTransport(drive), *bundle, progress=swap)
    assert failure.value.kind is FailureKind.DRIVE_REMOVED
    assert os.listdir(drive) == ["other"]


def test_missing_folder_is_drive_removed(tmp_path: Path, bundle: tuple[Path, str]) -> None:
    with pytest.raises(TransportError) as failure:
        send(FolderTransport(tmp_path / "not-plugged-in"), *bundle)
    assert failure.value.kind is FailureKind.DRIVE_REMOVED
    assert "plugged in" in failure.value.message


@contextmanager
def tmpfs(where: Path, options: str) -> Iterator[Path]:
    """A real small or read-only file system (root only: tmpfs mounts need it)."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a tmpfs needs root")
    where.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(where)], check=True)
    try:
        yield where
    finally:
        subprocess.run(["umount", str(where)], check=True)


def test_full_drive_is_storage_and_leaves_nothing(tmp_path: Path, bundle: tuple[Path, str]) -> None:
    with tmpfs(tmp_path / "drive", "size=2m") as drive:
        with pytest.raises(TransportError) as failure:
            send(FolderTransport(drive), *bundle)
        assert failure.value.kind is FailureKind.STORAGE and failure.value.retryable
        assert failure.value.message == "the destination folder is full"
        assert os.listdir(drive) == []


def test_read_only_drive_is_storage(tmp_path: Path, bundle: tuple[Path, str]) -> None:
    with tmpfs(tmp_path / "drive", "ro,size=1m") as drive:
        with pytest.raises(TransportError) as failure:
            send(FolderTransport(drive), *bundle)
        assert failure.value.kind is FailureKind.STORAGE and not failure.value.retryable


def test_a_copy_that_reads_back_wrong_is_not_renamed(
    tmp_path: Path, bundle: tuple[Path, str]
) -> None:
    drive = tmp_path / "drive"
    drive.mkdir()
    with pytest.raises(TransportError) as failure:
        send(FolderTransport(drive), bundle[0], "0" * 64)
    assert failure.value.kind is FailureKind.STORAGE
    assert os.listdir(drive) == []


def test_a_different_file_under_the_final_name_is_not_overwritten(
    tmp_path: Path, bundle: tuple[Path, str]
) -> None:
    drive = tmp_path / "drive"
    drive.mkdir()
    (drive / f"{bundle[1]}.carnet").write_bytes(b"something else")
    with pytest.raises(TransportError) as failure:
        send(FolderTransport(drive), *bundle)
    assert failure.value.kind is FailureKind.STORAGE
    assert (drive / f"{bundle[1]}.carnet").read_bytes() == b"something else"


def test_sending_again_after_success_is_a_no_op(tmp_path: Path, bundle: tuple[Path, str]) -> None:
    drive = tmp_path / "drive"
    drive.mkdir()
    first = send(FolderTransport(drive), *bundle)
    assert send(FolderTransport(drive), *bundle) == first


def test_cancel_leaves_nothing(tmp_path: Path, bundle: tuple[Path, str]) -> None:
    drive = tmp_path / "drive"
    drive.mkdir()
    calls = iter(range(100))
    with pytest.raises(TransportError) as failure:
        send(FolderTransport(drive), *bundle, cancelled=lambda: next(calls) >= 2)
    assert failure.value.kind is FailureKind.CANCELLED
    assert os.listdir(drive) == []
