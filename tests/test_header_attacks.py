"""Attacks on the header file by someone who can write the vault folder but holds no
secret, and crashes in the middle of a duress unlock, as an adversarial review did them.

Each copy's checksum is keyless, so a forged copy looks intact; nothing in it is
authenticated before a slot opens. These tests forge copies the way that review did and
check that a forged copy can neither destroy the vault, nor switch off what protects it,
nor steer the wipe away from the real keyring share, nor brick the vault with a huge
sequence number; and that an interrupted rekey or duress unlock never loses the vault.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os

import nacl.utils
import pytest

import app.header_store
from app.duress_swap import DuressSwap
from app.errors import CarnetError, IntegrityError, WrongPassphraseError
from app.header_store import HeaderStore
from app.paths import VaultPaths
from app.store.database import Database
from app.wipe import FRESH_PREFIX, STASH_PREFIX, WipeService
from crypto.header_file import (
    COPY_OFFSETS,
    COUNTER_OFFSETS,
    CounterRecord,
    encode_copy,
    encode_counter,
    parse_header_file,
)
from crypto.kdf import KdfProfile
from tests.vault_doubles import PASS, Crash, MemoryShares, make, titles

DURESS = "the tea is ready"


def forge_copy_b(paths: VaultPaths, **changes: object) -> None:
    """Copy A with fields changed, its passphrase slot broken (so the MAC is never
    reached), the keyless checksum recomputed, written as copy B."""
    data = bytearray(paths.header.read_bytes())
    real = parse_header_file(bytes(data)).copies[0]
    assert real is not None
    slot = bytearray(real.passphrase_slot)
    slot[-1] ^= 1
    forged = dataclasses.replace(real, passphrase_slot=bytes(slot), **changes)
    data[COPY_OFFSETS[1] : COPY_OFFSETS[1] + 4096] = encode_copy(forged)
    paths.header.write_bytes(bytes(data))


def test_a_forged_salt_is_refused_before_anything_is_counted_or_wiped(
    paths: VaultPaths, shares: MemoryShares
) -> None:
    """Forged: the wipe after 1 failure, another salt, a higher sequence. The correct
    passphrase would then fail and wipe the vault of someone who never turned it on."""
    service, _ = make(paths, shares)
    real = service.read_header()
    forge_copy_b(paths, wipe_after=1, salt=nacl.utils.random(16), sequence=real.sequence + 5)
    before = paths.header.read_bytes()
    with pytest.raises(IntegrityError, match="tampered"):
        service.unlock(PASS)
    assert paths.store.exists()
    assert paths.header.read_bytes() == before  # not even counted


def test_a_forged_limit_alone_never_wipes(paths: VaultPaths, shares: MemoryShares) -> None:
    """Forged: the wipe after 1 failure with the real salt; the owner never set it. A
    typo is counted (the highest limit any copy names counts), but wipes nothing."""
    service, _ = make(paths, shares)
    real = service.read_header()
    forge_copy_b(paths, wipe_after=1, sequence=real.sequence + 5)
    for _ in range(3):
        with pytest.raises(WrongPassphraseError):
            service.unlock("a typo at the checkpoint")
    assert paths.store.exists()
    assert titles(service, PASS) == ["Kept through everything"]
    assert parse_header_file(paths.header.read_bytes()).consistent  # the forgery is gone


def test_a_forged_limit_of_zero_does_not_stop_the_counting(
    paths: VaultPaths, shares: MemoryShares
) -> None:
    service, _ = make(paths, shares)
    service.set_wipe_after(PASS, 3)
    real = service.read_header()
    forge_copy_b(paths, wipe_after=0, sequence=real.sequence + 1)
    for _ in range(4):
        with pytest.raises(WrongPassphraseError):
            service.unlock("not the passphrase at all")
    assert service.read_state().failed_unlocks == 4


def test_a_forged_huge_sequence_is_not_an_intact_copy(
    paths: VaultPaths, shares: MemoryShares
) -> None:
    service, _ = make(paths, shares)
    forge_copy_b(paths, sequence=2**64 - 1)
    assert parse_header_file(paths.header.read_bytes()).copies[1] is None
    assert titles(service, PASS) == ["Kept through everything"]
    service.change_passphrase(PASS, "and a new one after it")


def test_a_counter_record_with_a_huge_sequence_is_ignored(
    paths: VaultPaths, shares: MemoryShares
) -> None:
    service, _ = make(paths, shares)
    service.set_wipe_after(PASS, 5)
    data = bytearray(paths.header.read_bytes())
    data[COUNTER_OFFSETS[1] : COUNTER_OFFSETS[1] + 2048] = encode_counter(
        CounterRecord(2**64 - 1, 0)
    )
    paths.header.write_bytes(bytes(data))
    with pytest.raises(WrongPassphraseError):
        service.unlock("a wrong guess")
    assert service.read_state().failed_unlocks == 1
    assert titles(service, PASS) == ["Kept through everything"]


def test_the_wipe_deletes_the_real_share_whatever_a_forged_copy_says(
    paths: VaultPaths, shares: MemoryShares
) -> None:
    service, _ = make(paths, shares)
    real = service.read_header()
    forge_copy_b(paths, vault_id=nacl.utils.random(16), sequence=real.sequence + 1)
    report = WipeService(paths, shares).wipe()
    assert report.unreadable and report.share_deleted
    assert real.vault_id not in shares.entries


def test_the_wipe_deletes_the_share_of_a_header_with_no_intact_copy(
    paths: VaultPaths, shares: MemoryShares
) -> None:
    service, _ = make(paths, shares)
    vault_id = service.read_header().vault_id
    data = bytearray(paths.header.read_bytes())
    data[300] ^= 1  # both checksums broken: no copy parses
    data[4096 + 300] ^= 1
    paths.header.write_bytes(bytes(data))
    report = WipeService(paths, shares).wipe()
    assert report.erase.had_share and report.share_deleted
    assert vault_id not in shares.entries


def test_a_rekey_cut_after_the_database_without_its_pending_share_loses_nothing(
    paths: VaultPaths, shares: MemoryShares, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Killed after the database rekey, before the second header write, and the pending
    share is lost (a keyring daemon that did not flush before a power cut). The old copy
    opens, but it must not be written over the only copy of the new key: the unlock
    refuses and points to recover, which finishes the rekey."""
    service, recovery_key = make(paths, shares)

    def crash(self: HeaderStore, current: object, header: object) -> None:
        raise Crash

    monkeypatch.setattr(HeaderStore, "write", crash)
    with contextlib.suppress(Crash):
        service.rekey(PASS, recovery_key)
    monkeypatch.undo()
    vault_id = service.read_header().vault_id
    for key in [k for k in shares.entries if k != vault_id]:
        del shares.entries[key]
    before = paths.header.read_bytes()
    with pytest.raises(IntegrityError, match="recover"):
        service.unlock(PASS)
    assert paths.header.read_bytes() == before
    service.recover(recovery_key, "a passphrase after recovery")
    assert titles(service, "a passphrase after recovery") == ["Kept through everything"]


def test_a_duress_unlock_that_cannot_erase_destroys_what_it_can_and_says_wrong_passphrase(
    paths: VaultPaths, shares: MemoryShares, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The header cannot be opened for writing (made read-only, an immutable flag;
    refused here by hand because the tests run as root). The old vault must not survive
    in a folder moved aside behind its intact header."""
    service, _ = make(paths, shares, duress_passphrase=DURESS)
    real_open = os.open

    def refusing(path: object, flags: int, *args: object, **kwargs: object) -> int:
        if str(path) == str(paths.header) and flags & (os.O_WRONLY | os.O_RDWR):
            raise PermissionError(13, "Permission denied")
        return real_open(path, flags, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", refusing)
    with pytest.raises(WrongPassphraseError):
        service.unlock(DURESS)
    monkeypatch.undo()
    assert not paths.store.exists()
    left = list(paths.root.iterdir()) if paths.root.exists() else []
    assert [p.name for p in left if p.name.startswith((STASH_PREFIX, FRESH_PREFIX))] == []
    assert shares.entries == {}  # the old share and the fresh vault's alike


@pytest.mark.parametrize("where", ["building", "moving-in"])
def test_a_duress_unlock_killed_half_way_leaves_a_vault_that_opens(
    paths: VaultPaths, shares: MemoryShares, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    """Killed while the fresh store is built (the old vault is untouched), or after the
    fresh header was written and before the fresh store was moved in (the next unlock
    finishes the swap). Either way the duress passphrase opens an empty notebook, the
    real passphrase opens nothing, and no folder is left behind."""
    service, _ = make(paths, shares, duress_passphrase=DURESS)
    old_vault_id = service.read_header().vault_id
    if where == "building":

        def killed(self: Database, *args: object) -> None:
            raise Crash

        monkeypatch.setattr(Database, "migrate_new", killed)
    else:

        def killed_move(self: DuressSwap, fresh_dir: object) -> None:
            raise Crash

        monkeypatch.setattr(DuressSwap, "_move_in", killed_move)
    with pytest.raises(Crash):
        service.unlock(DURESS)
    monkeypatch.undo()
    with service.unlock(DURESS) as session:
        session.wait()
    assert titles(service, DURESS) == []
    assert service.read_header().vault_id != old_vault_id
    with pytest.raises(WrongPassphraseError):
        service.unlock(PASS)
    left = [p.name for p in paths.root.iterdir() if p.name.startswith((FRESH_PREFIX, STASH_PREFIX))]
    assert left == []
    # The folder is still a vault: nothing asks for a new one.
    with pytest.raises(CarnetError):
        service.create("another passphrase", profile=KdfProfile.INTERACTIVE)


def test_a_duress_unlock_whose_disk_ignores_the_erase_says_wrong_passphrase(
    paths: VaultPaths, shares: MemoryShares, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The disk acknowledges the in-place write of the fresh header but keeps the old
    bytes: the read-back finds the old copies, so nothing goes on as if they were erased;
    what can be removed is, and the answer is a wrong passphrase's."""
    service, _ = make(paths, shares, duress_passphrase=DURESS)
    monkeypatch.setattr(app.header_store, "_write_at", lambda fd, offset, data: None)
    with pytest.raises(WrongPassphraseError):
        service.unlock(DURESS)
    monkeypatch.undo()
    assert not paths.store.exists()


def test_recover_names_a_tampered_header_as_tampered(
    paths: VaultPaths, shares: MemoryShares
) -> None:
    """Both copies changed under the MAC (checksums recomputed): the recovery slot opens,
    the MAC does not verify, and recover says so instead of calling the key wrong."""
    service, recovery_key = make(paths, shares)
    data = bytearray(paths.header.read_bytes())
    real = parse_header_file(bytes(data)).copies[0]
    assert real is not None
    forged = encode_copy(dataclasses.replace(real, wipe_after=real.wipe_after + 3))
    for offset in COPY_OFFSETS:
        data[offset : offset + len(forged)] = forged
    paths.header.write_bytes(bytes(data))
    with pytest.raises(IntegrityError):
        service.recover(recovery_key, "a brand new passphrase")
    assert paths.header.read_bytes() == bytes(data)  # nothing was rewritten
