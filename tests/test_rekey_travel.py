"""A vault rekeyed (new master key, so a new device signing key) still restores its travel
backup: the rows signed before the rekey verify against the old key, those after against
the new one, and the new key is trusted only because a row signed by the old key names it.

Through the real CLI on real SQLCipher vaults, as tests/test_travel.py does.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

from tests.conftest import PASSPHRASE, CarnetEnv, Result
from tests.test_cli_vault import init_in_process
from tests.test_travel import NEW_PASSPHRASE, _restore, custody_rows, key_file, ok, run

Cli = Callable[..., Result]


def _rekeyed_backup(cli: Cli, cenv: CarnetEnv, tmp_path: Path) -> tuple[str, Path]:
    recovery = init_in_process(cli, cenv)
    ok(run(cli, cenv, "incident", "add", "--title", "Before the rekey"))
    ok(run(cli, cenv, "rekey", "--recovery-key-file", key_file(cenv, recovery)))
    ok(run(cli, cenv, "incident", "add", "--title", "After the rekey"))
    evidence = tmp_path / "e.bin"
    evidence.write_bytes(os.urandom(50_000))
    ok(run(cli, cenv, "attach", "2", str(evidence)))
    target = tmp_path / "backup.carnet"
    ok(run(cli, cenv, "travel", "prepare", "--out", str(target)))
    return recovery, target


def test_a_backup_prepared_after_a_rekey_restores_and_its_log_verifies(
    cli: Cli, carnet_env: CarnetEnv, tmp_path: Path
) -> None:
    recovery, backup = _rekeyed_backup(cli, carnet_env, tmp_path)
    before = custody_rows(cli, carnet_env, PASSPHRASE)
    assert before[-1]["action"] == "backup"  # written after the backup, so not in it
    before = before[:-1]
    ok(run(cli, carnet_env, "wipe", "--yes"))
    restored = _restore(cli, carnet_env, backup, recovery)
    assert restored.code == 0, restored.err
    verified = run(cli, carnet_env, "custody", "verify", passphrase=NEW_PASSPHRASE)
    assert verified.code == 0, verified.err
    rows = custody_rows(cli, carnet_env, NEW_PASSPHRASE)
    assert rows[: len(before)] == before  # byte-identical, then one restore row
    assert [r["action"] for r in rows[len(before) :]] == ["restore"]
    # Three device keys signed this log: the first, the rekeyed one, the restored one.
    assert len({r["actor"] for r in rows}) == 3
    # The rotation row is signed by the old key and names the new one.
    rotation = next(r for r in rows if r["action"] == "rekey" and "next_signer" in r["details"])
    assert rotation["actor"] == rows[0]["actor"]
    titles = json.loads(
        ok(run(cli, carnet_env, "incident", "list", "--json", passphrase=NEW_PASSPHRASE))
    )
    assert sorted(i["title"] for i in titles) == ["After the rekey", "Before the rekey"]
