"""attach --delete-source: the data is really overwritten, and a symbolic link is no escape.

A hard link is a second name for the same data: after --delete-source it must read
zeros, which proves the overwrite happened before the unlink (removing the overwrite
makes these tests fail). A symbolic link named on the command line is followed at
intake, so its target is what must be overwritten and deleted, then the link.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from app import fsutil
from app.evidence import streaming
from tests.conftest import Result, VaultFixture
from tests.test_attachments import CHUNK, nb, new_incident, pattern


def ok(result: Result) -> str:
    assert result.code == 0, result.err
    return result.out


def test_a_hard_link_to_the_source_reads_zeros_afterwards(notebook: object, tmp_path: Path) -> None:
    notebook = nb(notebook)
    source = tmp_path / "statement.pdf"
    data = pattern(2 * CHUNK + 17)
    source.write_bytes(data)
    other_name = tmp_path / "other-name"
    os.link(source, other_name)
    [outcome] = notebook.attachments.attach(new_incident(notebook), [source], delete_source=True)
    assert outcome.source_deleted and outcome.source_overwritten
    assert not source.exists()
    assert other_name.read_bytes() == bytes(len(data))  # same inode: overwritten in place
    assert outcome.attachment is not None
    assert b"".join(notebook.attachments.chunks(outcome.attachment.id)) == data


def test_a_symbolic_link_deletes_its_target_not_only_the_link(
    notebook: object, tmp_path: Path
) -> None:
    notebook = nb(notebook)
    elsewhere = tmp_path / "card"
    elsewhere.mkdir()
    target = elsewhere / "VID_0001.mp4"
    data = pattern(CHUNK + 3)
    target.write_bytes(data)
    witness = elsewhere / "witness"  # a hard link: shows the target's data was zeroed
    os.link(target, witness)
    link = tmp_path / "video.mp4"
    link.symlink_to(target)
    [outcome] = notebook.attachments.attach(new_incident(notebook), [link], delete_source=True)
    assert outcome.source_deleted and outcome.source_overwritten
    assert outcome.source_target == str(target.resolve())
    assert not link.is_symlink() and not link.exists()
    assert not target.exists()
    assert witness.read_bytes() == bytes(len(data))


def test_a_link_re_pointed_after_intake_is_left_alone(tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    first.write_bytes(b"evidence")
    second.write_bytes(b"someone else's file")
    read = first.stat()
    link = tmp_path / "link"
    link.symlink_to(second)  # now names another file than the one read
    with pytest.raises(fsutil.FileChangedError):
        fsutil.overwrite_and_unlink(link, (read.st_dev, read.st_ino))
    assert second.read_bytes() == b"someone else's file" and link.is_symlink()
    assert first.read_bytes() == b"evidence"


def test_an_unwritable_source_is_reported_as_not_overwritten(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        # root opens a read-only file for writing anyway; use an open that fails instead.
        source = tmp_path / "f"
        source.write_bytes(b"x")
        real_open = os.open

        def refuse(path: object, flags: int, *args: object) -> int:
            if Path(str(path)) == source and flags & os.O_WRONLY:
                raise PermissionError(13, "Permission denied")
            return real_open(path, flags, *args)  # type: ignore[arg-type]

        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(os, "open", refuse)
            removal = fsutil.overwrite_and_unlink(source)
    else:
        source = tmp_path / "f"
        source.write_bytes(b"x")
        source.chmod(0o400)
        removal = fsutil.overwrite_and_unlink(source)
    assert not removal.overwritten and not source.exists()


def test_cli_reports_the_link_target_and_the_caveat(vault: VaultFixture, tmp_path: Path) -> None:
    incident = ok(vault.run("incident", "add", "--title", "t")).split()[-1]
    target = tmp_path / "real.txt"
    target.write_text("what the witness said\n")
    link = tmp_path / "link.txt"
    link.symlink_to(target)
    result = vault.run("attach", incident, str(link), "--delete-source", "--json")
    assert result.code == 0, result.err
    [item] = json.loads(result.out)
    assert item["source_deleted"] and item["source_overwritten"]
    assert item["source_target"] == str(target.resolve())
    assert f"{link} is a symbolic link; the file it pointed to, {target.resolve()}" in result.err
    assert "overwritten with zeros, then deleted, and the link was removed" in result.err
    assert "SSDs" in result.err and "copy-on-write" in result.err
    assert not target.exists() and not link.is_symlink()


def test_a_failed_delete_after_the_overwrite_is_reported_as_such(
    notebook: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    notebook = nb(notebook)
    source = tmp_path / "photo.jpg"
    data = pattern(4096)
    source.write_bytes(data)
    real_unlink = Path.unlink

    def refuse(self: Path, missing_ok: bool = False) -> None:
        if self == source:
            raise PermissionError(13, "Permission denied")
        real_unlink(self, missing_ok=missing_ok)

    monkeypatch.setattr(Path, "unlink", refuse)
    [outcome] = notebook.attachments.attach(new_incident(notebook), [source], delete_source=True)
    assert not outcome.source_deleted and outcome.source_overwritten
    assert (
        outcome.source_error
        == "overwritten with zeros, but could not be deleted: permission denied"
    )
    assert source.read_bytes() == bytes(len(data))  # truthful: zeroed, still there


def test_a_stored_copy_that_does_not_verify_keeps_the_source(
    notebook: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The blob read back does not give the bytes hashed at intake: the original stays."""
    notebook = nb(notebook)
    source = tmp_path / "statement.pdf"
    data = pattern(2 * CHUNK + 17)
    source.write_bytes(data)
    real = streaming.digest

    def other_bytes(*args: Any, **kwargs: Any) -> tuple[str, int]:
        _digest, size = real(*args, **kwargs)
        return "0" * 64, size

    monkeypatch.setattr(streaming, "digest", other_bytes)
    [outcome] = notebook.attachments.attach(new_incident(notebook), [source], delete_source=True)
    assert not outcome.source_deleted
    assert outcome.source_error == "the stored copy did not verify; kept"
    assert source.read_bytes() == data
