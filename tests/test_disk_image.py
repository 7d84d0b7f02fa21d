"""The wipe against a forensic examiner with a disk image, on a real ext4 filesystem.

A loop-mounted ext4 image holds the whole user: HOME, the temp folder, the vault. A full
session runs through the real `carnet` processes: init, records, evidence, passwd,
duress set, lockout set with failed attempts, recover. Then the wipe, the unmount, and a
carve of the raw image, done as an examiner would: every place that looks like a header
(the magic, or the KDF parameter bytes, at any alignment) is read field by field without
trusting anything, and each of its slots is tried with every passphrase and the recovery
key of the session. None may open, and no canary string of the records may be in the
image, in UTF-8 or UTF-16. A control run of the same carver before the wipe must open
the header, so the carver is known to find what it looks for.

Needs root and loop devices (CI runs as root); elsewhere it is skipped with the reason.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from crypto.kdf import KdfProfile, normalize_passphrase, stretch_passphrase
from crypto.keyslots import (
    SLOT_BYTES,
    SlotKind,
    passphrase_kek,
    recovery_kek,
    unwrap,
)
from crypto.recovery_key import decode_recovery_key
from tests.conftest import CarnetEnv, Result, isolated_env, run_carnet

IMAGE_MIB = 96
CANARIES = ("CANARY-TITLE-5b1e", "CANARY-NARRATIVE-77aa", "CANARY-PERSON-c0de", "CANARY-FILE-9f9f")
PASSPHRASES = {
    "first": "first passphrase of the session",
    "second": "second passphrase after passwd",
    "duress": "the duress passphrase of it",
    "wrong": "a wrong guess at the checkpoint",
    "third": "third passphrase from recover",
}
INTERACTIVE_KDF = bytes.fromhex("0101" + "00000002" + "0000000004000000")  # offsets 28..42


def _loop_unavailable() -> str | None:
    if os.name != "posix" or os.geteuid() != 0:
        return "needs root to loop-mount an ext4 image (CI runs as root)"
    for tool in ("mkfs.ext4", "mount", "umount", "losetup"):
        if shutil.which(tool) is None:
            return f"needs {tool} (e2fsprogs, mount)"
    if not Path("/dev/loop-control").exists():
        return "no loop devices on this machine (/dev/loop-control is missing)"
    return None


@dataclass
class Mounted:
    image: Path
    mountpoint: Path

    def sync(self) -> None:
        subprocess.run(["sync", "-f", str(self.mountpoint)], check=True)

    def remount(self, mode: str) -> None:
        subprocess.run(["mount", "-o", f"remount,{mode}", str(self.mountpoint)], check=True)


@pytest.fixture
def ext4(tmp_path: Path) -> Iterator[Mounted]:
    reason = _loop_unavailable()
    if reason:
        pytest.skip(reason)
    image = tmp_path / "disk.img"
    with image.open("wb") as handle:
        handle.truncate(IMAGE_MIB * 1024 * 1024)
    subprocess.run(
        ["mkfs.ext4", "-q", "-F", "-E", "nodiscard", str(image)], check=True, capture_output=True
    )
    mountpoint = tmp_path / "mnt"
    mountpoint.mkdir()
    # nodiscard: freed blocks keep their bytes, as on most disks an examiner images.
    mounted = subprocess.run(
        ["mount", "-o", "loop,nodiscard", str(image), str(mountpoint)],
        capture_output=True,
        text=True,
    )
    if mounted.returncode != 0:
        pytest.skip(f"loop mount refused here: {mounted.stderr.strip()}")
    try:
        yield Mounted(image, mountpoint)
    finally:
        subprocess.run(["umount", str(mountpoint)], capture_output=True)


def ok(result: Result) -> str:
    assert result.code == 0, result.err
    return result.out


def secret(tmp_path: Path, name: str) -> Path:
    """Passphrase files live outside the image: the examiner does not get them."""
    path = tmp_path / "secrets" / name
    path.parent.mkdir(exist_ok=True)
    path.write_text(PASSPHRASES.get(name, name) + "\n", encoding="utf-8")
    return path


def full_session(cenv: CarnetEnv, tmp_path: Path) -> str:
    """Everything the issue names, through real processes. Returns the recovery key."""
    first, second, third = (secret(tmp_path, n) for n in ("first", "second", "third"))
    duress, wrong = secret(tmp_path, "duress"), secret(tmp_path, "wrong")
    out = ok(
        run_carnet(
            cenv, "init", "--kdf-profile", "interactive", "--no-keyring",
            "--new-passphrase-file", str(first),
        )
    )  # fmt: skip
    recovery = next(line.strip() for line in out.splitlines() if line.count("-") == 13)
    incident = ok(
        run_carnet(
            cenv, "--passphrase-file", str(first), "incident", "add",
            "--title", f"Raid {CANARIES[0]}", "--narrative", f"They came {CANARIES[1]}",
        )
    ).split()[-1]  # fmt: skip
    ok(
        run_carnet(
            cenv, "--passphrase-file", str(first), "person", "add", "--name", CANARIES[2],
            "--incident", incident, "--role", "witness",
        )
    )  # fmt: skip
    evidence = tmp_path / "statement.txt"  # outside the image, like a memory card
    evidence.write_text(f"witness statement {CANARIES[3]}\n" * 2000, encoding="utf-8")
    ok(run_carnet(cenv, "--passphrase-file", str(first), "attach", incident, str(evidence)))
    ok(run_carnet(cenv, "--passphrase-file", str(first), "passwd",
                  "--new-passphrase-file", str(second)))  # fmt: skip
    ok(run_carnet(cenv, "--passphrase-file", str(second), "duress", "set",
                  "--duress-passphrase-file", str(duress)))  # fmt: skip
    ok(run_carnet(cenv, "--passphrase-file", str(second), "lockout", "set", "5"))
    for _ in range(2):
        failed = run_carnet(cenv, "--passphrase-file", str(wrong), "incident", "list")
        assert failed.code == 3, failed.err
    key_file = tmp_path / "secrets" / "recovery"
    key_file.write_text(recovery + "\n", encoding="utf-8")
    ok(run_carnet(cenv, "recover", "--no-keyring", "--recovery-key-file", str(key_file),
                  "--new-passphrase-file", str(third)))  # fmt: skip
    listed = ok(run_carnet(cenv, "--passphrase-file", str(third), "incident", "list"))
    assert CANARIES[0] in listed
    return recovery


# --- the examiner's carver ---------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    offset: int
    context: bytes  # the slots' associated data prefix, as the header's bytes give it
    salt: bytes
    passphrase_slot: bytes
    recovery_slot: bytes


def carve(image: bytes) -> list[Candidate]:
    """Every offset that may be a header: the magic, or the interactive KDF parameters at
    offset 28 of a would-be header, found anywhere. Fields are read by position only."""
    starts: set[int] = set()
    for needle, shift in ((b"CARNETVH", 0), (INTERACTIVE_KDF, 28)):
        at = image.find(needle)
        while at != -1:
            if at - shift >= 0:
                starts.add(at - shift)
            at = image.find(needle, at + 1)
    found = []
    for start in sorted(starts):
        raw = image[start : start + 58 + 2 * SLOT_BYTES]
        if len(raw) < 58 + 2 * SLOT_BYTES:
            continue
        context = b"CARNETVH" + b"\x00\x01" + raw[12:58]
        found.append(Candidate(start, context, raw[42:58], raw[58:130], raw[130:202]))
    return found


def opens(candidate: Candidate, passphrases: list[str], recovery_key: bytes) -> str | None:
    """What opens this candidate's slots, if anything (no device share: --no-keyring)."""
    for passphrase in passphrases:
        stretched = stretch_passphrase(
            normalize_passphrase(passphrase), candidate.salt, KdfProfile.INTERACTIVE
        )
        key = passphrase_kek(stretched, None)
        if unwrap(key, candidate.passphrase_slot, candidate.context, SlotKind.PASSPHRASE):
            return f"passphrase {passphrase!r} at offset {candidate.offset}"
    if unwrap(
        recovery_kek(recovery_key), candidate.recovery_slot, candidate.context, SlotKind.RECOVERY
    ):
        return f"the recovery key at offset {candidate.offset}"
    return None


def plaintext_canaries(image: bytes) -> list[str]:
    return [c for c in CANARIES if c.encode("utf-8") in image or c.encode("utf-16-le") in image]


def test_after_the_wipe_a_carved_image_opens_with_nothing(ext4: Mounted, tmp_path: Path) -> None:
    root = ext4.mountpoint / "user"
    cenv = CarnetEnv(root=root, env=isolated_env(root), vault=root / "vault")
    recovery = full_session(cenv, tmp_path)
    recovery_key = decode_recovery_key(recovery)
    passphrases = list(PASSPHRASES.values())

    # Control: the same carver, before the wipe, finds the live header and opens it.
    ext4.sync()
    before = ext4.image.read_bytes()
    live = [c for c in carve(before) if opens(c, passphrases, recovery_key)]
    assert live, "the carver found no openable header before the wipe: it is blind"
    assert {opens(c, [PASSPHRASES["third"]], recovery_key) is not None for c in live} == {True}

    wiped = run_carnet(cenv, "wipe", "--yes")
    assert wiped.code == 0, wiped.err
    assert "unreadable after" in wiped.out
    assert not cenv.vault.exists()
    subprocess.run(["umount", str(ext4.mountpoint)], check=True)

    image = ext4.image.read_bytes()
    candidates = carve(image)
    opened = [what for c in candidates if (what := opens(c, passphrases, recovery_key))]
    assert opened == [], f"{len(candidates)} candidates carved; opened: {opened}"
    assert plaintext_canaries(image) == []
    subprocess.run(["mount", "-o", "loop,nodiscard", str(ext4.image), str(ext4.mountpoint)],
                   check=True)  # fmt: skip


def test_a_wipe_on_a_read_only_disk_says_it_did_not_happen(ext4: Mounted, tmp_path: Path) -> None:
    root = ext4.mountpoint / "user"
    cenv = CarnetEnv(root=root, env=isolated_env(root), vault=root / "vault")
    full_session(cenv, tmp_path)
    ext4.sync()
    ext4.remount("ro")
    try:
        result = run_carnet(cenv, "wipe", "--yes")
    finally:
        ext4.remount("rw")
    assert result.code != 0
    assert "unreadable" not in result.out
    assert "could not be overwritten" in result.err and "NOT complete" in result.err
    # It is true: the vault still opens.
    third = secret(tmp_path, "third")
    assert CANARIES[0] in ok(run_carnet(cenv, "--passphrase-file", str(third), "incident", "list"))
