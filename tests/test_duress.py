"""The duress passphrase and the wipe after N failed unlocks, through the real CLI.

A duress unlock must be indistinguishable, to the person watching, from a normal unlock
of an empty notebook: same exit code, same output, one Argon2id computation; and the old
data must be gone from the folder. The failed-unlock counter lives in the header and is
raised before the passphrase is tried.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

import app.vault
from app.device_share import KEYRING_SERVICE, NoDeviceShares
from app.errors import WrongPassphraseError
from app.paths import VaultPaths
from app.vault import VaultService
from crypto.header import VaultHeader
from crypto.header_file import FILE_BYTES, HeaderFile, parse_header_file
from crypto.kdf import KdfProfile
from tests.conftest import PASSPHRASE, CarnetEnv, Result, run_carnet
from tests.keyring_service import SecretService
from tests.test_cli_vault import (
    DURESS,
    add_incident,
    assert_error,
    init_in_process,
    titles,
    with_pw,
)
from tests.test_keyring import init_vault, share_required, vault_id_hex

CANARY = "CANARY-DURESS-7f3e9b"
WRONG = "not the passphrase at all"
Cli = Callable[..., Result]


def header_of(cenv: CarnetEnv) -> bytes:
    return (cenv.vault / "header").read_bytes()


def state_of(cenv: CarnetEnv) -> HeaderFile:
    return parse_header_file(header_of(cenv))


def newest_of(cenv: CarnetEnv) -> VaultHeader:
    return state_of(cenv).newest


def every_file(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()]


def vault_with_evidence(cli: Cli, cenv: CarnetEnv, *init_extra: str) -> str:
    """A vault holding an incident and an attachment, both carrying the canary."""
    init_in_process(cli, cenv, PASSPHRASE, *init_extra)
    incident = add_incident(cli, cenv, f"Raid {CANARY}")
    evidence = cenv.root / "evidence.txt"
    evidence.write_text(f"witness statement {CANARY}\n" * 1000)
    attached = cli(*with_pw(cenv, PASSPHRASE), "attach", incident, str(evidence))
    assert attached.code == 0, attached.err
    evidence.unlink()
    return incident


def empty_twin(cli: Cli, tmp_path: Path, cenv: CarnetEnv) -> CarnetEnv:
    """A second environment with a freshly made empty vault, to compare outputs with."""
    twin = CarnetEnv(root=cenv.root, env=cenv.env, vault=tmp_path / "twin-vault")
    init_in_process(cli, twin, DURESS)
    return twin


# --- duress ----------------------------------------------------------------------------


def test_duress_unlock_wipes_and_answers_like_an_empty_notebook(
    cli: Cli, carnet_env: CarnetEnv, tmp_path: Path
) -> None:
    duress_file = carnet_env.secret_file(DURESS, name="duress")
    vault_with_evidence(cli, carnet_env, "--duress-passphrase-file", str(duress_file))
    old_header = newest_of(carnet_env)
    twin = empty_twin(cli, tmp_path, carnet_env)

    for command in (["incident", "list"], ["search", "raid"], ["custody", "verify"]):
        under_duress = cli(*with_pw(carnet_env, DURESS), *command)
        normal = cli(*with_pw(twin, DURESS), *command, env=twin)
        assert under_duress.code == normal.code == 0, (command, under_duress.err)
        assert (under_duress.out, under_duress.err) == (normal.out, normal.err), command
        assert "wip" not in (under_duress.out + under_duress.err).lower()

    # The old data is gone: no blob, no byte of the canary, the real passphrase opens nothing.
    assert not (carnet_env.vault / "blobs").exists() or not every_file(carnet_env.vault / "blobs")
    for path in every_file(carnet_env.vault):
        data = path.read_bytes()
        assert CANARY.encode() not in data and CANARY.encode("utf-16-le") not in data, path
    assert_error(cli(*with_pw(carnet_env, PASSPHRASE), "incident", "list"), 3, "wrong passphrase")

    # The new notebook is a real one, and it looks like the old from outside.
    added = cli(*with_pw(carnet_env, DURESS), "incident", "add", "--title", "Harmless")
    twin_added = cli(*with_pw(twin, DURESS), "incident", "add", "--title", "Harmless", env=twin)
    assert (added.code, added.out, added.err) == (twin_added.code, twin_added.out, twin_added.err)
    assert titles(cli, carnet_env, DURESS) == ["Harmless"]
    fresh = newest_of(carnet_env)
    assert len(header_of(carnet_env)) == FILE_BYTES
    assert (fresh.salt, fresh.profile, fresh.device_share_required) == (
        old_header.salt,
        old_header.profile,
        old_header.device_share_required,
    )
    assert fresh.vault_id != old_header.vault_id


def test_a_duress_unlock_costs_one_argon2id_computation(
    carnet_env: CarnetEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    service = VaultService(VaultPaths(carnet_env.vault), NoDeviceShares())
    service.create(
        PASSPHRASE, profile=KdfProfile.INTERACTIVE, use_keyring=False, duress_passphrase=DURESS
    )
    calls: list[int] = []
    real = app.vault.stretch_passphrase

    def counting(*args: object, **kwargs: object) -> bytes:
        calls.append(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(app.vault, "stretch_passphrase", counting)
    with service.unlock(DURESS) as session:
        assert session.db.schema_version() > 0
    assert len(calls) == 1
    calls.clear()
    with service.unlock(DURESS):
        pass
    assert len(calls) == 1


def test_the_header_looks_the_same_with_or_without_a_duress_passphrase(
    cli: Cli, carnet_env: CarnetEnv, tmp_path: Path
) -> None:
    duress_file = carnet_env.secret_file(DURESS, name="duress")
    init_in_process(cli, carnet_env, PASSPHRASE, "--duress-passphrase-file", str(duress_file))
    twin = CarnetEnv(root=carnet_env.root, env=carnet_env.env, vault=tmp_path / "plain")
    init_in_process(cli, twin, PASSPHRASE)
    with_duress, without = header_of(carnet_env), header_of(twin)
    assert len(with_duress) == len(without) == FILE_BYTES
    # Same fixed fields (apart from the random vault id, salt, slots and MAC).
    assert with_duress[:12] == without[:12] and with_duress[28:42] == without[28:42]


def test_duress_set_and_clear(cli: Cli, carnet_env: CarnetEnv) -> None:
    init_in_process(cli, carnet_env)
    add_incident(cli, carnet_env, "Kept")
    assert_error(cli(*with_pw(carnet_env, DURESS), "incident", "list"), 3, "wrong passphrase")
    before = header_of(carnet_env)

    refused = cli(
        *with_pw(carnet_env, PASSPHRASE),
        "duress",
        "set",
        "--duress-passphrase-file",
        "-",
        stdin=PASSPHRASE,
    )
    assert_error(refused, 2, "differ")
    assert header_of(carnet_env) == before

    done = cli(
        *with_pw(carnet_env, PASSPHRASE),
        "duress",
        "set",
        "--duress-passphrase-file",
        "-",
        stdin=DURESS,
    )
    assert done.code == 0, done.err
    after = header_of(carnet_env)
    assert len(after) == len(before) and after[:202] == before[:202]  # only the slot and MAC
    assert after[202:274] != before[202:274]
    assert titles(cli, carnet_env, PASSPHRASE) == ["Kept"]

    cleared = cli(*with_pw(carnet_env, PASSPHRASE), "duress", "clear")
    assert cleared.code == 0, cleared.err
    assert_error(cli(*with_pw(carnet_env, DURESS), "incident", "list"), 3, "wrong passphrase")
    assert titles(cli, carnet_env, PASSPHRASE) == ["Kept"]


def test_duress_as_the_current_passphrase_of_passwd(cli: Cli, carnet_env: CarnetEnv) -> None:
    """'Any command': passwd under duress changes the passphrase of the empty notebook."""
    duress_file = carnet_env.secret_file(DURESS, name="duress")
    vault_with_evidence(cli, carnet_env, "--duress-passphrase-file", str(duress_file))
    changed = cli(*with_pw(carnet_env, DURESS), "passwd", "--new-passphrase-file", "-", stdin=WRONG)
    assert (changed.code, changed.out) == (0, "Passphrase changed.\n"), changed.err
    assert titles(cli, carnet_env, WRONG) == []
    assert_error(cli(*with_pw(carnet_env, PASSPHRASE), "incident", "list"), 3)


# --- wipe after N failed unlocks --------------------------------------------------------


def lockout_status(cli: Cli, cenv: CarnetEnv) -> str:
    result = cli("lockout", "status")
    assert result.code == 0, result.err
    return result.out.strip()


def test_n_wrong_passphrases_in_a_row_wipe_the_vault(cli: Cli, carnet_env: CarnetEnv) -> None:
    vault_with_evidence(cli, carnet_env)
    assert lockout_status(cli, carnet_env) == "off"
    assert len(header_of(carnet_env)) == FILE_BYTES
    inode = (carnet_env.vault / "header").stat().st_ino
    on = cli(*with_pw(carnet_env, PASSPHRASE), "lockout", "set", "3")
    assert on.code == 0, on.err
    # Same size, same file: the setting is in every copy, the count in its own records.
    assert len(header_of(carnet_env)) == FILE_BYTES
    assert (carnet_env.vault / "header").stat().st_ino == inode
    assert titles(cli, carnet_env, PASSPHRASE) == [f"Raid {CANARY}"]

    for attempt in (1, 2):
        assert_error(cli(*with_pw(carnet_env, WRONG), "incident", "list"), 3, "wrong passphrase")
        assert lockout_status(cli, carnet_env).endswith(f"({attempt} so far)")
    # A right passphrase resets the count: it is N failures in a row.
    assert titles(cli, carnet_env, PASSPHRASE) == [f"Raid {CANARY}"]
    assert lockout_status(cli, carnet_env).endswith("(0 so far)")

    for _ in range(2):
        assert_error(cli(*with_pw(carnet_env, WRONG), "incident", "list"), 3)
    assert carnet_env.vault.exists()
    last = cli(*with_pw(carnet_env, WRONG), "incident", "list")
    assert_error(last, 3, "wrong passphrase")
    assert not carnet_env.vault.exists()
    assert_error(cli(*with_pw(carnet_env, PASSPHRASE), "incident", "list"), 5)


def test_an_attempt_is_counted_before_the_passphrase_is_tried(
    carnet_env: CarnetEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Killing the process once a guess proves wrong cannot skip the count."""
    service = VaultService(VaultPaths(carnet_env.vault), NoDeviceShares())
    service.create(PASSPHRASE, profile=KdfProfile.INTERACTIVE, use_keyring=False)
    service.set_wipe_after(PASSPHRASE, 5)

    def killed(*args: object, **kwargs: object) -> bytes:
        raise KeyboardInterrupt  # stands for SIGKILL during the KDF

    monkeypatch.setattr(app.vault, "stretch_passphrase", killed)
    with pytest.raises(KeyboardInterrupt):
        service.unlock(WRONG)
    assert state_of(carnet_env).failed_unlocks == 1
    monkeypatch.undo()
    with pytest.raises(WrongPassphraseError):
        service.unlock(WRONG)
    assert state_of(carnet_env).failed_unlocks == 2


def test_lockout_off_and_bad_numbers(cli: Cli, carnet_env: CarnetEnv) -> None:
    init_in_process(cli, carnet_env)
    assert_error(cli(*with_pw(carnet_env, PASSPHRASE), "lockout", "set", "0"), 2, "off")
    assert_error(cli(*with_pw(carnet_env, PASSPHRASE), "lockout", "set", "5000"), 2)
    assert lockout_status(cli, carnet_env) == "off"
    assert cli(*with_pw(carnet_env, PASSPHRASE), "lockout", "set", "1").code == 0
    assert_error(cli(*with_pw(carnet_env, WRONG), "lockout", "off"), 3)
    assert not carnet_env.vault.exists()  # N = 1: the first wrong passphrase wipes

    init_in_process(cli, carnet_env)
    assert cli(*with_pw(carnet_env, PASSPHRASE), "lockout", "set", "2").code == 0
    assert cli(*with_pw(carnet_env, PASSPHRASE), "lockout", "off").code == 0
    for _ in range(4):
        assert_error(cli(*with_pw(carnet_env, WRONG), "incident", "list"), 3)
    assert titles(cli, carnet_env, PASSPHRASE) == []


def test_recovery_resets_the_count_and_duress_keeps_the_setting(
    cli: Cli, carnet_env: CarnetEnv
) -> None:
    duress_file = carnet_env.secret_file(DURESS, name="duress")
    key = init_in_process(cli, carnet_env, PASSPHRASE, "--duress-passphrase-file", str(duress_file))
    assert cli(*with_pw(carnet_env, PASSPHRASE), "lockout", "set", "4").code == 0
    for _ in range(3):
        assert_error(cli(*with_pw(carnet_env, WRONG), "incident", "list"), 3)
    recovered = cli(
        "recover",
        "--no-keyring",
        "--recovery-key-file",
        "-",
        "--new-passphrase-file",
        "-",
        stdin=f"{key}\n{PASSPHRASE}\n",
    )
    assert recovered.code == 0, recovered.err
    assert lockout_status(cli, carnet_env) == "wipe after 4 failed unlocks in a row (0 so far)"

    old_vault_id = newest_of(carnet_env).vault_id
    assert titles(cli, carnet_env, DURESS) == []
    # A fresh vault was made under duress, and it carries the setting the old one had.
    fresh = newest_of(carnet_env)
    assert fresh.vault_id != old_vault_id
    assert (fresh.wipe_after, state_of(carnet_env).failed_unlocks) == (4, 0)


@pytest.mark.keyring
def test_duress_with_the_keyring_replaces_the_device_share_too(
    carnet_env: CarnetEnv, secret_service: SecretService, tmp_path: Path
) -> None:
    """The old share is deleted (so a forensic copy cannot be opened), a new one made."""
    duress_file = carnet_env.secret_file(DURESS, name="duress")
    fixture, _ = init_vault(carnet_env, "--duress-passphrase-file", str(duress_file))
    old_id = vault_id_hex(carnet_env.vault)
    image = tmp_path / "forensic-image"
    shutil.copytree(carnet_env.vault, image)
    listed = run_carnet(carnet_env, "incident", "list", "--passphrase-file", str(duress_file))
    assert listed.code == 0, listed.err
    new_id = vault_id_hex(carnet_env.vault)
    assert new_id != old_id
    assert secret_service.get_password(KEYRING_SERVICE, old_id) is None
    assert secret_service.get_password(KEYRING_SERVICE, new_id) is not None
    assert share_required(carnet_env.vault)
    copy = run_carnet(
        carnet_env,
        "--vault",
        str(image),
        "incident",
        "list",
        "--passphrase-file",
        str(fixture.passphrase_file),
    )
    assert copy.code == 3, copy.err


def test_a_real_duress_command_ends_at_once_and_the_old_files_go_soon_after(
    cli: Cli, carnet_env: CarnetEnv
) -> None:
    """The command leaves the removal to a detached child: it returns (its pipes closed)
    before the old files are gone, and they are gone shortly after, with nothing left."""
    import time

    duress_file = carnet_env.secret_file(DURESS, name="duress")
    vault_with_evidence(cli, carnet_env, "--duress-passphrase-file", str(duress_file))
    result = run_carnet(carnet_env, "--passphrase-file", str(duress_file), "incident", "list")
    assert result.code == 0, result.err
    assert "No incidents yet" in result.err and result.out == ""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        leftovers = [p for p in carnet_env.vault.iterdir() if p.name.startswith(".removing-")]
        if not leftovers:
            break
        time.sleep(0.05)
    assert leftovers == []
    for path in every_file(carnet_env.vault):
        assert CANARY.encode() not in path.read_bytes(), path
