"""Travel: prepare a backup sealed to the recovery key, wipe, restore; and every refusal.

The round trip goes through the real CLI on real SQLCipher vaults: every record read
back equal, every attachment extracted bit for bit, the custody log's old rows
byte-identical and continued by one "restore" row. A damaged backup, a wrong key or a
missing --out refuse with a clear error and change nothing.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path

from tests.conftest import PASSPHRASE, CarnetEnv, Result
from tests.image_factory import make_jpeg
from tests.test_cli_vault import assert_error, init_in_process, with_pw

Cli = Callable[..., Result]
NEW_PASSPHRASE = "a passphrase for the other side"
CANARY = "CANARY-TRAVEL-51c0de"


def ok(result: Result) -> str:
    assert result.code == 0, result.err
    return result.out


def run(cli: Cli, cenv: CarnetEnv, *args: str, passphrase: str = PASSPHRASE, **kw: str) -> Result:
    return cli(*with_pw(cenv, passphrase, "pw"), *args, **kw)


def key_file(cenv: CarnetEnv, key: str, name: str = "recovery") -> str:
    return str(cenv.secret_file(key, name=name))


def populate(cli: Cli, cenv: CarnetEnv, outside: Path) -> dict[str, str]:
    """Records of every kind and three attachments; returns name -> SHA-256 of each file."""
    ok(
        run(
            cli,
            cenv,
            "incident",
            "add",
            "--title",
            f"Raid {CANARY}",
            "--narrative",
            "Officers entered at dawn.",
            "--date",
            "2026-03-01",
            "--coordinates",
            "36.8,10.18",
            "--violation",
            "arbitrary-detention",
            "--tag",
            "night",
        )
    )
    ok(run(cli, cenv, "incident", "add", "--title", "Threat by phone", "--tag", "phone"))
    ok(
        run(
            cli,
            cenv,
            "person",
            "add",
            "--name",
            "Amal",
            "--incident",
            "1",
            "--role",
            "victim",
            "--consent",
            "share",
            "--consent-org",
            "Lifeline",
        )
    )
    ok(run(cli, cenv, "intervention", "add", "1", "--actor", "Lawyer", "--notes", "visited"))
    outside.mkdir()
    files = {name: outside / name for name in ("photo.jpg", "statement.bin", "empty.txt")}
    files["photo.jpg"].write_bytes(make_jpeg(gps=(36.8, 10.18, 5.0)))
    files["statement.bin"].write_bytes(os.urandom(3 * 1024 * 1024 + 17) + CANARY.encode())
    files["empty.txt"].write_bytes(b"")
    for path in files.values():
        ok(run(cli, cenv, "attach", "1", str(path)))
    ok(run(cli, cenv, "attachment", "strip", "1"))  # the photo's stripped copy travels too
    return {name: hashlib.sha256(p.read_bytes()).hexdigest() for name, p in files.items()}


def state(cli: Cli, cenv: CarnetEnv, passphrase: str) -> dict[str, object]:
    """Everything a person can read back through the CLI, in comparable form."""

    def js(*args: str) -> object:
        return json.loads(ok(run(cli, cenv, *args, "--json", passphrase=passphrase)))

    return {
        "incidents": [js("incident", "show", str(i)) for i in (1, 2)],
        "people": js("person", "list"),
        "attachments": js("attachment", "list", "1"),
        "search": ok(run(cli, cenv, "search", "dawn", passphrase=passphrase)),
    }


def custody_rows(cli: Cli, cenv: CarnetEnv, passphrase: str) -> list[dict[str, object]]:
    rows = json.loads(ok(run(cli, cenv, "custody", "show", "--json", passphrase=passphrase)))
    assert isinstance(rows, list)
    return rows


def test_prepare_wipe_restore_gives_back_everything(
    cli: Cli, carnet_env: CarnetEnv, tmp_path: Path
) -> None:
    recovery = init_in_process(cli, carnet_env)
    hashes = populate(cli, carnet_env, tmp_path / "evidence")
    before = state(cli, carnet_env, PASSPHRASE)
    custody_before = custody_rows(cli, carnet_env, PASSPHRASE)
    backup = tmp_path / "usb" / "backup.carnet"
    backup.parent.mkdir()

    prepared = run(
        cli,
        carnet_env,
        "travel",
        "prepare",
        "--out",
        str(backup),
        "--wipe",
        "--yes",
        "--recovery-key-file",
        key_file(carnet_env, recovery),
    )
    assert prepared.code == 0, prepared.err
    assert "Verified" in prepared.err and "unreadable after" in prepared.out
    assert "2 incident(s) never exported" in prepared.err  # the warning, even with --yes
    assert not carnet_env.vault.exists()
    assert CANARY.encode() not in backup.read_bytes()

    restored = cli(
        "travel",
        "restore",
        str(backup),
        "--recovery-key-file",
        key_file(carnet_env, recovery),
        "--new-passphrase-file",
        "-",
        "--kdf-profile",
        "interactive",
        "--no-keyring",
        stdin=NEW_PASSPHRASE,
    )
    assert restored.code == 0, restored.err
    assert "2 incident(s) and 4 file(s)" in restored.out

    # The custody log: the old rows unchanged, then one restore row chained to them.
    custody_after = custody_rows(cli, carnet_env, NEW_PASSPHRASE)
    assert custody_after[: len(custody_before)] == custody_before
    # The backup's own row is written once the backup is complete, so it is not inside
    # it; the restore row names the backup instead.
    assert len(custody_after) == len(custody_before) + 1
    last = custody_after[-1]
    assert last["action"] == "restore"
    assert last["prev_hash"] == custody_after[-2]["row_hash"]
    details = last["details"]
    assert isinstance(details, dict) and details["incidents"] == 2 and details["files"] == 4
    assert "verified" in ok(run(cli, carnet_env, "custody", "verify", passphrase=NEW_PASSPHRASE))

    assert state(cli, carnet_env, NEW_PASSPHRASE) == before
    out = tmp_path / "extracted"
    out.mkdir()
    listed = json.loads(
        ok(run(cli, carnet_env, "attachment", "list", "1", "--json", passphrase=NEW_PASSPHRASE))
    )
    for item in listed:
        target = out / f"{item['id']}-{item['name']}"
        ok(
            run(
                cli,
                carnet_env,
                "attachment",
                "extract",
                str(item["id"]),
                "--out",
                str(target),
                passphrase=NEW_PASSPHRASE,
            )
        )
        digest = hashlib.sha256(target.read_bytes()).hexdigest()
        assert digest == item["sha256"]
        if item.get("derived_from") is None:
            assert digest == hashes[item["name"]]

    # The same recovery key opens the restored vault, and the old passphrase does not.
    assert_error(run(cli, carnet_env, "incident", "list"), 3)
    recovered = cli(
        "recover",
        "--no-keyring",
        "--recovery-key-file",
        "-",
        "--new-passphrase-file",
        "-",
        stdin=f"{recovery}\n{PASSPHRASE}\n",
    )
    assert recovered.code == 0, recovered.err


def test_wipe_needs_a_written_file_and_the_right_recovery_key(
    cli: Cli, carnet_env: CarnetEnv, tmp_path: Path
) -> None:
    recovery = init_in_process(cli, carnet_env)
    ok(run(cli, carnet_env, "incident", "add", "--title", "Kept"))
    other = CarnetEnv(carnet_env.root, carnet_env.env, tmp_path / "other-vault")
    other_recovery = init_in_process(cli, other)
    header = (carnet_env.vault / "header").read_bytes()
    target = tmp_path / "backup.carnet"

    nowhere = run(cli, carnet_env, "travel", "prepare", "--wipe", "--yes")
    assert_error(nowhere, 2, "--out")
    queued = run(cli, carnet_env, "travel", "prepare", "--to", "someone", "--wipe", "--yes")
    assert_error(queued, 2, "outbox")
    wrong_key = run(
        cli,
        carnet_env,
        "travel",
        "prepare",
        "--out",
        str(target),
        "--wipe",
        "--yes",
        "--recovery-key-file",
        key_file(carnet_env, other_recovery, "other"),
    )
    assert_error(wrong_key, 3, "not this vault's")
    mistyped = run(
        cli,
        carnet_env,
        "travel",
        "prepare",
        "--out",
        str(target),
        "--wipe",
        "--yes",
        "--recovery-key-file",
        key_file(carnet_env, recovery[:-1] + ("A" if recovery[-1] != "A" else "B"), "typo"),
    )
    assert mistyped.code in (2, 3), mistyped.err
    assert not target.exists()
    assert (carnet_env.vault / "header").read_bytes() == header
    assert ok(run(cli, carnet_env, "incident", "list")).strip().endswith("Kept")


def _backup(cli: Cli, cenv: CarnetEnv, tmp_path: Path) -> tuple[str, Path]:
    recovery = init_in_process(cli, cenv)
    ok(run(cli, cenv, "incident", "add", "--title", "Evidence"))
    evidence = tmp_path / "e.bin"
    evidence.write_bytes(os.urandom(200_000))
    ok(run(cli, cenv, "attach", "1", str(evidence)))
    target = tmp_path / "backup.carnet"
    ok(run(cli, cenv, "travel", "prepare", "--out", str(target)))
    return recovery, target


def _restore(cli: Cli, cenv: CarnetEnv, backup: Path, key: str) -> Result:
    return cli(
        "travel",
        "restore",
        str(backup),
        "--recovery-key-file",
        key_file(cenv, key, "rk"),
        "--new-passphrase-file",
        "-",
        "--kdf-profile",
        "interactive",
        "--no-keyring",
        stdin=NEW_PASSPHRASE,
        env=cenv,
    )


def test_a_damaged_backup_restores_nothing(cli: Cli, carnet_env: CarnetEnv, tmp_path: Path) -> None:
    recovery, backup = _backup(cli, carnet_env, tmp_path)
    data = backup.read_bytes()
    target = CarnetEnv(carnet_env.root, carnet_env.env, tmp_path / "restored")
    cases = {
        "flip in a stanza": (100, None),
        "flip in the payload": (len(data) // 2, None),
        "flip in the last byte": (len(data) - 1, None),
        "truncated by one": (None, len(data) - 1),
        "truncated to half": (None, len(data) // 2),
    }
    for label, (flip, cut) in cases.items():
        damaged = bytearray(data[:cut] if cut is not None else data)
        if flip is not None:
            damaged[flip] ^= 0x20
        backup.write_bytes(bytes(damaged))
        result = _restore(cli, target, backup, recovery)
        assert result.code in (3, 4), (label, result.err)
        assert "Traceback" not in result.err
        assert not target.vault.exists(), label
        assert [p.name for p in tmp_path.iterdir() if ".restoring-" in p.name] == [], label
    backup.write_bytes(data)
    assert _restore(cli, target, backup, recovery).code == 0


def test_restore_refuses_a_wrong_key_and_an_existing_vault(
    cli: Cli, carnet_env: CarnetEnv, tmp_path: Path
) -> None:
    recovery, backup = _backup(cli, carnet_env, tmp_path)
    other = CarnetEnv(carnet_env.root, carnet_env.env, tmp_path / "other")
    other_key = init_in_process(cli, other)
    target = CarnetEnv(carnet_env.root, carnet_env.env, tmp_path / "restored")
    assert_error(_restore(cli, target, backup, other_key), 3, "does not open this backup")
    assert not target.vault.exists()
    assert_error(_restore(cli, carnet_env, backup, recovery), 2, "already exists")


def test_to_a_destination_queues_the_backup_in_the_outbox(
    cli: Cli, carnet_env: CarnetEnv, tmp_path: Path
) -> None:
    init_in_process(cli, carnet_env)
    ok(run(cli, carnet_env, "incident", "add", "--title", "Queued"))
    made = ok(
        cli(
            "keygen",
            "--out",
            str(tmp_path / "org.key"),
            "--new-passphrase-file",
            "-",
            "--kdf-profile",
            "interactive",
            stdin="org passphrase 1",
        )
    )
    public = next(word for word in made.split() if word.startswith("carnetpk1"))
    ok(run(cli, carnet_env, "destination", "add", "Lifeline", "--key", public))
    prepared = run(cli, carnet_env, "travel", "prepare", "--to", "Lifeline")
    assert prepared.code == 0, prepared.err
    path = Path(prepared.out.strip())
    assert path.parent == carnet_env.vault / "outbox" and path.exists()
    listed = json.loads(ok(run(cli, carnet_env, "outbox", "list", "--json")))
    assert [item["path"] for item in listed] == [str(path)]

    # The organisation can hold it for the defender, and rebuild it with its own key.
    org_pw = key_file(carnet_env, "org passphrase 1", "org-pw")
    as_export = cli(
        "bundle",
        "verify",
        str(path),
        "--key",
        str(tmp_path / "org.key"),
        "--passphrase-file",
        org_pw,
    )
    assert_error(as_export, 2, "travel backup")
    org_vault = CarnetEnv(carnet_env.root, carnet_env.env, tmp_path / "org-vault")
    rebuilt = cli(
        "travel",
        "restore",
        str(path),
        "--key",
        str(tmp_path / "org.key"),
        "--passphrase-file",
        org_pw,
        "--new-passphrase-file",
        "-",
        "--kdf-profile",
        "interactive",
        "--no-keyring",
        stdin=NEW_PASSPHRASE,
        env=org_vault,
    )
    assert rebuilt.code == 0, rebuilt.err
    assert "NEW RECOVERY KEY" in rebuilt.out
    assert titles_of(cli, org_vault, NEW_PASSPHRASE) == ["Queued"]

    wipe = cli("wipe", "--yes")
    assert "1 bundle(s) in the outbox" in wipe.err


def titles_of(cli: Cli, cenv: CarnetEnv, passphrase: str) -> list[str]:
    listed = run(cli, cenv, "incident", "list", passphrase=passphrase, env=cenv)
    return [line.split("\t")[-1] for line in ok(listed).splitlines()]
