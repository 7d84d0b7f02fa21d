"""Every header update happens in place, survives a crash at any write, and leaves no
earlier key slot behind; rekey makes old headers useless; the wipe checks its erase.

These run the real VaultService on real SQLCipher files, with an in-memory keyring that
can be told to fail, and crash by raising at a chosen write (a kill between two fsyncs
leaves exactly what was written before it).
"""

from __future__ import annotations

import contextlib
import dataclasses
import itertools
import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import app.header_store
import app.wipe
from app.errors import IntegrityError, WrongPassphraseError
from app.header_store import HeaderStore
from app.notebook import Notebook
from app.paths import VaultPaths
from app.session import VaultSession
from app.share_rotation import ShareRotation
from app.store.database import Database
from app.vault import UPGRADE_NOTICE, VaultService
from app.wipe import STASH_PREFIX, WipeService
from crypto.header import VERSION_1, VERSION_WITH_LOCKOUT
from crypto.header_file import FILE_BYTES, parse_header_file
from tests.conftest import CarnetEnv
from tests.vault_doubles import PASS, Crash, MemoryShares, make, titles

NEW = "a brand new passphrase"
DURESS = "the tea is ready"


def header_bytes(paths: VaultPaths) -> bytes:
    return paths.header.read_bytes()


def consistent(paths: VaultPaths) -> bool:
    return parse_header_file(header_bytes(paths)).consistent


def crash_on_write(monkeypatch: pytest.MonkeyPatch, number: int) -> list[int]:
    """Raise Crash at the `number`-th in-place write of the header (1 = the first)."""
    calls: list[int] = []
    real = HeaderStore._in_place

    def counting(self: HeaderStore, writes: list[tuple[int, bytes]]) -> None:
        calls.append(1)
        if len(calls) == number:
            raise Crash
        real(self, writes)

    monkeypatch.setattr(HeaderStore, "_in_place", counting)
    return calls


# --- in place, never renamed, no second copy ------------------------------------------


@pytest.fixture
def no_renames(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every rename of a file whose name says "header" fails the test."""
    seen: list[str] = []
    real_rename, real_replace = os.rename, os.replace

    def guard(real: Callable[..., None]) -> Callable[..., None]:
        def renaming(src: object, dst: object, *args: object, **kwargs: object) -> None:
            for name in (Path(str(src)).name, Path(str(dst)).name):
                if "header" in name:
                    seen.append(f"{src} -> {dst}")
                    raise AssertionError(f"the header was renamed: {src} -> {dst}")
            real(src, dst, *args, **kwargs)

        return renaming

    monkeypatch.setattr(os, "rename", guard(real_rename))
    monkeypatch.setattr(os, "replace", guard(real_replace))
    yield seen
    assert seen == []


def every_change(service: VaultService, recovery_key: str) -> None:
    service.change_passphrase(PASS, NEW)
    service.set_duress(NEW, DURESS)
    service.set_wipe_after(NEW, 5)
    for _ in range(3):
        with pytest.raises(WrongPassphraseError):
            service.unlock("not the passphrase")
    service.set_duress(NEW, None)
    service.recover(recovery_key, PASS)
    service.rekey(PASS, recovery_key)
    service.set_wipe_after(PASS, 0)


def test_every_change_rewrites_the_same_file_and_leaves_no_old_slot_anywhere(
    paths: VaultPaths, shares: MemoryShares, carnet_env: CarnetEnv, no_renames: list[str]
) -> None:
    service, recovery_key = make(paths, shares)
    inode = paths.header.stat().st_ino
    slots_seen: set[bytes] = set()
    real_write = HeaderStore._in_place

    def remembering(self: HeaderStore, writes: list[tuple[int, bytes]]) -> None:
        state = parse_header_file(self.path.read_bytes())
        for header in state.copies:
            if header is not None:
                slots_seen.update({header.passphrase_slot, header.recovery_slot})
        real_write(self, writes)

    HeaderStore._in_place = remembering  # type: ignore[method-assign]
    try:
        every_change(service, recovery_key)
    finally:
        HeaderStore._in_place = real_write  # type: ignore[method-assign]
    assert paths.header.stat().st_ino == inode
    assert paths.header.stat().st_size == FILE_BYTES
    state = parse_header_file(header_bytes(paths))
    assert state.consistent
    current = {state.newest.passphrase_slot, state.newest.recovery_slot}
    stale = slots_seen - current
    assert len(stale) >= 4  # passwd and recover a passphrase slot each, rekey both
    # No wrapped master key from before is anywhere: not in the header file, not in any
    # file Carnet left in the vault, the home folder or the temp folder.
    for folder in (carnet_env.vault, carnet_env.home, carnet_env.tmpdir):
        for path in folder.rglob("*"):
            if path.is_file():
                data = path.read_bytes()
                for slot in stale:
                    assert slot not in data, path
    assert titles(service, PASS) == ["Kept through everything"]


# --- crashes between the writes of an update ------------------------------------------


@pytest.mark.parametrize("crash_at", [1, 2])
@pytest.mark.parametrize("typed", [PASS, NEW])
def test_passwd_killed_between_its_writes_opens_with_what_the_person_typed(
    paths: VaultPaths,
    shares: MemoryShares,
    monkeypatch: pytest.MonkeyPatch,
    crash_at: int,
    typed: str,
) -> None:
    """Crash at the first copy (nothing changed) or the second (one copy each): the old
    passphrase rolls back, the new one rolls forward; either way both copies end equal,
    the other passphrase stops working, and one device share is left in the keyring."""
    service, _ = make(paths, shares)
    crash_on_write(monkeypatch, crash_at)
    with pytest.raises(Crash):
        service.change_passphrase(PASS, NEW)
    monkeypatch.undo()
    assert len(shares.entries) == 2  # the share and the pending one
    if crash_at == 1 and typed == NEW:
        with pytest.raises(WrongPassphraseError):
            service.unlock(NEW)  # nothing of the change reached the disk
        return
    assert titles(service, typed) == ["Kept through everything"]
    assert consistent(paths)
    assert len(shares.entries) == 1
    other = NEW if typed == PASS else PASS
    with pytest.raises(WrongPassphraseError):
        service.unlock(other)


@pytest.mark.parametrize("crash_at", [1, "database", 2, 3, "promote"])
def test_rekey_killed_at_any_step_finishes_at_the_next_unlock(
    paths: VaultPaths,
    shares: MemoryShares,
    monkeypatch: pytest.MonkeyPatch,
    crash_at: int | str,
) -> None:
    """Header writes: 1 = the new copy alone (before the database), 2 and 3 = the two
    copies of the final write (after it); 'database' = the new copy written, the database
    still under the old key; 'promote' = all written, the new share still pending."""
    service, recovery_key = make(paths, shares)
    before = header_bytes(paths)
    if crash_at == "database":

        def killed_before_rekey(self: Database, new_key: bytes) -> None:
            raise Crash

        monkeypatch.setattr(Database, "rekey", killed_before_rekey)
    elif crash_at == "promote":

        def crashing(self: ShareRotation, vault_id: bytes, share: bytes) -> None:
            raise Crash

        monkeypatch.setattr(ShareRotation, "promote", crashing)
    else:
        crash_on_write(monkeypatch, int(crash_at))
    with contextlib.suppress(Crash):
        service.rekey(PASS, recovery_key)
    monkeypatch.undo()
    assert titles(service, PASS) == ["Kept through everything"]
    assert consistent(paths)
    assert len(shares.entries) == 1
    with Notebook(service.unlock(PASS)) as notebook:
        assert notebook.custody.verify() >= 1
    # The recovery key opens it too, and the old header does not (unless no byte of the
    # rekey had reached the disk).
    service.recover(recovery_key, NEW)
    assert titles(service, NEW) == ["Kept through everything"]
    if crash_at != 1:
        after = header_bytes(paths)
        paths.header.write_bytes(before)
        with pytest.raises((IntegrityError, WrongPassphraseError)):
            service.unlock(PASS)
        paths.header.write_bytes(after)


def test_a_rekey_whose_final_write_is_torn_loses_nothing(
    paths: VaultPaths, shares: MemoryShares, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first copy of the final write torn by a crash (its checksum never reaches the
    disk), after the database went under the new key. That write must go to the copy
    that is not the newest: the newest holds the only wrapping of the new key."""
    service, recovery_key = make(paths, shares)
    calls: list[int] = []
    real = HeaderStore._in_place

    def tearing(self: HeaderStore, writes: list[tuple[int, bytes]]) -> None:
        calls.append(1)
        if len(calls) == 2:
            ((offset, data),) = writes
            real(self, [(offset, data[:300])])  # the slots and the new sequence, no checksum
            raise Crash
        real(self, writes)

    monkeypatch.setattr(HeaderStore, "_in_place", tearing)
    with contextlib.suppress(Crash):
        service.rekey(PASS, recovery_key)
    monkeypatch.undo()
    assert len(calls) == 2
    assert None in HeaderStore(paths.header).read().copies  # one copy really is torn
    assert titles(service, PASS) == ["Kept through everything"]
    assert consistent(paths)


def test_a_share_left_pending_by_a_crash_is_promoted(
    paths: VaultPaths, shares: MemoryShares, monkeypatch: pytest.MonkeyPatch
) -> None:
    service, _ = make(paths, shares)

    def crashing(self: ShareRotation, vault_id: bytes, share: bytes) -> None:
        raise Crash

    monkeypatch.setattr(ShareRotation, "promote", crashing)
    with pytest.raises(Crash):
        service.change_passphrase(PASS, NEW)
    monkeypatch.undo()
    vault_id = service.read_header().vault_id
    pending = [k for k in shares.entries if k != vault_id]
    assert len(pending) == 1
    new_share = shares.entries[pending[0]]
    assert titles(service, NEW) == ["Kept through everything"]
    assert shares.entries == {vault_id: new_share}


# --- the device share rotates -------------------------------------------------------------


@pytest.mark.parametrize("how", ["passwd", "recover"])
def test_a_stale_header_no_longer_opens_with_the_old_passphrase_here(
    paths: VaultPaths, shares: MemoryShares, how: str
) -> None:
    service, recovery_key = make(paths, shares)
    vault_id = service.read_header().vault_id
    old_share = shares.entries[vault_id]
    stale = header_bytes(paths)  # a backup or a snapshot of the folder
    if how == "passwd":
        service.change_passphrase(PASS, NEW)
    else:
        service.recover(recovery_key, NEW)
    assert shares.entries[vault_id] != old_share
    assert list(shares.entries) == [vault_id]
    paths.header.write_bytes(stale)
    with pytest.raises(WrongPassphraseError):
        service.unlock(PASS)


# --- rekey ----------------------------------------------------------------------------------


def test_after_rekey_no_earlier_header_opens_the_vault(
    paths: VaultPaths, shares: MemoryShares
) -> None:
    service, recovery_key = make(paths, shares)
    old_header = header_bytes(paths)
    old_share = dict(shares.entries)
    store_before = paths.store.read_bytes()
    report = service.rekey(PASS, recovery_key)
    assert report.previous_signer != report.signer and report.uses_device_share
    assert paths.store.read_bytes() != store_before
    assert titles(service, PASS) == ["Kept through everything"]
    with Notebook(service.unlock(PASS)) as notebook:
        entries = notebook.custody.entries()
        assert entries[-1].action == "rekey"
        assert entries[-1].details == {"previous_signer": report.previous_signer}
        assert notebook.custody.verify() == len(entries)
    # The old header, even with the old keyring share put back, opens nothing any more:
    # its master key no longer opens the database.
    paths.header.write_bytes(old_header)
    shares.entries.update(old_share)
    with pytest.raises(IntegrityError, match="database"):
        service.unlock(PASS)
    with pytest.raises(IntegrityError, match="database"):
        service.recover(recovery_key, NEW)


def test_rekey_refuses_a_wrong_recovery_key_and_changes_nothing(
    paths: VaultPaths, shares: MemoryShares, tmp_path: Path
) -> None:
    service, _ = make(paths, shares)
    other_paths = VaultPaths(tmp_path / "other")
    _, other_key = make(other_paths, MemoryShares())
    before = (header_bytes(paths), paths.store.read_bytes(), dict(shares.entries))
    with pytest.raises(WrongPassphraseError, match="recovery key"):
        service.rekey(PASS, other_key)
    assert (header_bytes(paths), paths.store.read_bytes(), dict(shares.entries)) == before


def test_rekey_keeps_the_duress_passphrase_and_the_setting(
    paths: VaultPaths, shares: MemoryShares
) -> None:
    service, recovery_key = make(paths, shares, duress_passphrase=DURESS)
    service.set_wipe_after(PASS, 7)
    service.rekey(PASS, recovery_key)
    assert service.read_header().wipe_after == 7
    old_id = service.read_header().vault_id
    with service.unlock(DURESS) as session:
        session.wait()
    assert service.read_header().vault_id != old_id  # the duress slot still worked


# --- migration from versions 1 and 2 ------------------------------------------------------


def as_legacy(service: VaultService, version: int) -> bytes:
    """Rewrite the vault's header as the version 1 or 2 file Carnet used to write."""
    from dataclasses import replace

    with service.unlock(PASS) as session:
        master_key = bytes(session._master_key)
    header = replace(service.read_header(), version=version, sequence=0)
    if version == VERSION_WITH_LOCKOUT:
        header = replace(header, wipe_after=9, failed_unlocks=2)
    legacy = header.sealed_with(master_key).to_bytes()
    service.paths.header.unlink()
    service.paths.header.write_bytes(legacy)
    return legacy


@pytest.mark.parametrize("version", [VERSION_1, VERSION_WITH_LOCKOUT])
def test_a_legacy_header_is_migrated_in_place_once_with_a_notice(
    paths: VaultPaths, version: int, no_renames: list[str]
) -> None:
    shares = MemoryShares()
    service, _ = make(paths, shares)
    legacy = as_legacy(service, version)
    inode = paths.header.stat().st_ino
    notices: list[str] = []
    service.notify = notices.append
    if version == VERSION_WITH_LOCKOUT:
        with pytest.raises(WrongPassphraseError):
            service.unlock("a wrong guess first")  # counted in place, in the old file
        assert parse_header_file(header_bytes(paths)).failed_unlocks == 3
        assert notices == []
    assert titles(service, PASS) == ["Kept through everything"]
    assert notices == [UPGRADE_NOTICE]
    data = header_bytes(paths)
    assert len(data) == FILE_BYTES and paths.header.stat().st_ino == inode
    state = parse_header_file(data)
    assert state.consistent and state.failed_unlocks == 0
    assert state.newest.wipe_after == (9 if version == VERSION_WITH_LOCKOUT else 0)
    assert legacy[58:130] in data  # the same slots, rewrapped nothing...
    assert legacy[:306] not in data  # ...but the old header itself is overwritten
    assert titles(service, PASS) == ["Kept through everything"]
    assert notices == [UPGRADE_NOTICE]  # once


@pytest.mark.parametrize("crash_at", [1, 2])
def test_a_migration_killed_half_way_opens_and_finishes(
    paths: VaultPaths, monkeypatch: pytest.MonkeyPatch, crash_at: int
) -> None:
    shares = MemoryShares()
    service, _ = make(paths, shares)
    as_legacy(service, VERSION_1)
    crash_on_write(monkeypatch, crash_at)
    with pytest.raises(Crash):
        service.unlock(PASS)
    monkeypatch.undo()
    assert titles(service, PASS) == ["Kept through everything"]
    assert consistent(paths)


def test_recover_migrates_a_legacy_header_too(paths: VaultPaths) -> None:
    shares = MemoryShares()
    service, recovery_key = make(paths, shares)
    as_legacy(service, VERSION_1)
    service.recover(recovery_key, NEW)
    assert consistent(paths)
    assert titles(service, NEW) == ["Kept through everything"]


# --- the failed-unlock counter ------------------------------------------------------------


def test_counting_a_failed_unlock_rewrites_no_key_slot(
    paths: VaultPaths, shares: MemoryShares
) -> None:
    service, _ = make(paths, shares)
    service.set_wipe_after(PASS, 10)
    before = header_bytes(paths)
    for attempt in range(1, 4):
        with pytest.raises(WrongPassphraseError):
            service.unlock("a wrong guess")
        after = header_bytes(paths)
        assert after[:8192] == before[:8192]  # both copies untouched
        assert parse_header_file(after).failed_unlocks == attempt
    service.unlock(PASS).close()
    assert parse_header_file(header_bytes(paths)).failed_unlocks == 0


# --- duress: the same cost, the old files afterwards ----------------------------------------


def test_a_duress_unlock_returns_before_the_old_files_are_removed(
    paths: VaultPaths, shares: MemoryShares, monkeypatch: pytest.MonkeyPatch
) -> None:
    service, _ = make(paths, shares, duress_passphrase=DURESS)
    release = threading.Event()
    real = app.wipe.remove_stash

    def slow_removal(stash: Path) -> None:
        release.wait(timeout=30)
        real(stash)

    monkeypatch.setattr(app.wipe, "remove_stash", slow_removal)
    session = service.unlock(DURESS)
    try:
        stashes = [p for p in paths.root.iterdir() if p.name.startswith(STASH_PREFIX)]
        assert len(stashes) == 1  # still there: the notebook opened first
        assert (stashes[0] / "store.db").exists()
        with Notebook(session) as notebook:
            assert notebook.incidents.list_newest() == []
    finally:
        release.set()
        session.wait()
    assert not [p for p in paths.root.iterdir() if p.name.startswith(STASH_PREFIX)]


def test_old_files_a_killed_duress_unlock_left_are_removed_at_the_next_unlock(
    paths: VaultPaths, shares: MemoryShares
) -> None:
    service, _ = make(paths, shares)
    stash = paths.root / f"{STASH_PREFIX}0123456789abcdef"
    (stash / "blobs").mkdir(parents=True)
    (stash / "blobs" / "old").write_bytes(b"x" * 1000)
    session = service.unlock(PASS)
    session.wait()
    session.close()
    assert not stash.exists()


def test_the_stash_is_never_a_symlink_followed(
    paths: VaultPaths, shares: MemoryShares, tmp_path: Path
) -> None:
    service, _ = make(paths, shares)
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "file").write_text("keep")
    (paths.root / f"{STASH_PREFIX}aaaaaaaaaaaaaaaa").symlink_to(precious)
    with service.unlock(PASS) as session:
        session.wait()
    assert (precious / "file").read_text() == "keep"


# --- the wipe checks its erase ---------------------------------------------------------------


def test_a_wipe_whose_keyring_refuses_says_so(paths: VaultPaths, shares: MemoryShares) -> None:
    make(paths, shares)
    shares.refuse_delete = True
    report = WipeService(paths, shares).wipe()
    assert not report.unreadable
    assert report.erase.header_destroyed and report.erase.had_share
    assert not report.share_deleted
    assert any("keyring" in p for p in report.erase.problems)


def test_a_wipe_whose_keyring_keeps_the_share_says_so(
    paths: VaultPaths, shares: MemoryShares, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A keyring that accepts the delete but still holds the share when asked again."""
    make(paths, shares)
    monkeypatch.setattr(shares, "delete", lambda vault_id: None)
    report = WipeService(paths, shares).wipe()
    assert report.erase.header_destroyed and report.erase.had_share
    assert not report.share_deleted
    assert any("still holds" in p for p in report.erase.problems)


def test_a_wipe_whose_disk_ignores_the_overwrite_says_so(
    paths: VaultPaths, shares: MemoryShares, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A disk (or a driver) that acknowledges the write but keeps the old bytes."""
    make(paths, shares)
    original = header_bytes(paths)
    real_pread = os.pread

    def stale_read(fd: int, size: int, offset: int) -> bytes:
        return original[offset : offset + size]

    monkeypatch.setattr(app.wipe.os, "pread", stale_read)
    report = WipeService(paths, shares).erase_keys()
    monkeypatch.setattr(app.wipe.os, "pread", real_pread)
    assert not report.header_destroyed and not report.unreadable
    assert any("read back" in p for p in report.problems)


def test_a_wipe_whose_disk_returns_other_bytes_says_so(
    paths: VaultPaths, shares: MemoryShares, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A disk that returns neither the old header nor what was written (zeros here):
    no key slot is in what came back, but nothing proves the overwrite reached it."""
    make(paths, shares)

    def zeros_read(fd: int, size: int, offset: int) -> bytes:
        return bytes(size)

    monkeypatch.setattr(app.wipe.os, "pread", zeros_read)
    report = WipeService(paths, shares).erase_keys()
    monkeypatch.undo()
    assert not report.header_destroyed
    assert any("not what was written" in p for p in report.problems)


def test_every_in_place_header_write_is_fsynced(
    paths: VaultPaths, shares: MemoryShares, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A write the next step relies on (the other copy, the database rekey) must be on
    the disk first: every in-place write of the header ends with an fsync of its file."""
    service, _ = make(paths, shares)
    events: list[str] = []
    real_pwrite, real_fsync = os.pwrite, os.fsync

    def pwrite(fd: int, data: bytes, offset: int) -> int:
        events.append("write")
        return real_pwrite(fd, data, offset)

    def fsync(fd: int) -> None:
        events.append("fsync")
        real_fsync(fd)

    monkeypatch.setattr(app.header_store.os, "pwrite", pwrite)
    monkeypatch.setattr(app.header_store.os, "fsync", fsync)
    service.change_passphrase(PASS, NEW)
    monkeypatch.undo()
    assert events.count("write") >= 2
    assert events[-1] == "fsync"
    assert all(b == "fsync" for a, b in itertools.pairwise(events) if a == "write")
    assert titles(service, NEW) == ["Kept through everything"]


def test_a_header_update_needs_a_higher_sequence(paths: VaultPaths, shares: MemoryShares) -> None:
    """An update that did not raise the sequence would lose to the copy it replaces."""
    make(paths, shares)
    store = HeaderStore(paths.header)
    state = store.read()
    before = header_bytes(paths)
    for sequence in (state.sequence, state.sequence - 1):
        with pytest.raises(ValueError, match="higher sequence"):
            store.write(state, dataclasses.replace(state.newest, sequence=sequence))
        with pytest.raises(ValueError, match="higher sequence"):
            store.write_copy(state, 1, dataclasses.replace(state.newest, sequence=sequence))
    assert header_bytes(paths) == before


def test_a_wipe_that_cannot_open_the_header_for_writing_says_so(
    paths: VaultPaths, shares: MemoryShares, monkeypatch: pytest.MonkeyPatch
) -> None:
    make(paths, shares)
    real_open = os.open

    def read_only(path: object, flags: int, *args: object, **kwargs: object) -> int:
        if str(path).endswith("header") and flags & (os.O_WRONLY | os.O_RDWR):
            raise OSError(30, "Read-only file system")
        return real_open(path, flags, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(app.wipe.os, "open", read_only)
    report = WipeService(paths, shares).erase_keys()
    assert not report.header_destroyed
    assert report.problems == ("the header could not be overwritten: Read-only file system",)


def test_a_good_wipe_reports_the_share_deleted(paths: VaultPaths, shares: MemoryShares) -> None:
    make(paths, shares)
    report = WipeService(paths, shares).wipe()
    assert report.unreadable and report.share_deleted and report.erase.problems == ()
    assert shares.entries == {}


def test_the_session_waits_for_nothing_after_a_normal_unlock(
    paths: VaultPaths, shares: MemoryShares
) -> None:
    service, _ = make(paths, shares)
    session: VaultSession = service.unlock(PASS)
    assert session.background is None
    session.close()
