"""`carnet wipe`: unreadable first, then gone; locked, open or damaged vaults alike."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from app.device_share import KEYRING_SERVICE, NoDeviceShares
from app.paths import VaultPaths, preferences_path
from app.preferences import Preferences, load_preferences, save_preferences
from app.wipe import WipeService
from tests.conftest import CarnetEnv, Result, VaultFixture, run_carnet
from tests.keyring_service import SecretService
from tests.test_keyring import init_vault, vault_id_hex


def ok(result: Result) -> str:
    assert result.code == 0, result.err
    return result.out


def with_evidence(vault: VaultFixture, tmp_path: Path) -> None:
    incident = ok(vault.run("incident", "add", "--title", "Raid")).split()[-1]
    evidence = tmp_path / "evidence.bin"
    evidence.write_bytes(b"x" * 100_000)
    ok(vault.run("attach", incident, str(evidence)))


def test_wipe_removes_everything_and_reports_times(vault: VaultFixture, tmp_path: Path) -> None:
    with_evidence(vault, tmp_path)
    cache = Path(vault.cenv.env["XDG_CACHE_HOME"]) / "Carnet"
    cache.mkdir(parents=True)
    (cache / "leftover").write_text("x")
    result = run_carnet(vault.cenv, "wipe", "--yes")
    assert result.code == 0, result.err
    assert "unreadable after" in result.out and "done after" in result.out
    assert "Warning" in result.err  # --yes skips the question, not the warning
    assert not vault.cenv.vault.exists()
    assert not cache.exists()
    again = run_carnet(
        vault.cenv, "incident", "list", "--passphrase-file", str(vault.passphrase_file)
    )
    assert again.code == 5


@pytest.mark.parametrize("linked", [False, True])
def test_wipe_removes_the_preferences_file(vault: VaultFixture, linked: bool) -> None:
    """Also when the config folder is a symbolic link (which wipe does not follow to
    remove a whole folder): the preferences file itself is removed by name."""
    path = preferences_path()
    assert path.is_relative_to(vault.cenv.env["XDG_CONFIG_HOME"])
    elsewhere = vault.cenv.root / "synced-config"
    if linked:
        elsewhere.mkdir()
        path.parent.parent.mkdir(parents=True, exist_ok=True)
        path.parent.symlink_to(elsewhere, target_is_directory=True)
    save_preferences(path, Preferences(language="fr"))
    assert load_preferences(path).language == "fr"
    result = run_carnet(vault.cenv, "wipe", "--yes")
    assert result.code == 0, result.err
    assert not path.exists()
    if linked:
        assert elsewhere.is_dir() and not any(elsewhere.iterdir())
    else:
        assert not path.parent.exists()


def test_the_warning_names_what_has_not_left_the_laptop(
    vault: VaultFixture, tmp_path: Path
) -> None:
    """One line: outbox bundles always; never-exported incidents when unlocked."""
    with_evidence(vault, tmp_path)
    ok(vault.run("incident", "add", "--title", "Second"))
    org = tmp_path / "org.key"
    made = run_carnet(
        vault.cenv,
        "keygen",
        "--out",
        str(org),
        "--new-passphrase-file",
        "-",
        "--kdf-profile",
        "interactive",
        stdin="org passphrase 1\n",
    )
    public = next(w for w in ok(made).split() if w.startswith("carnetpk1"))
    ok(vault.run("export", "--to", public, "--incident", "1"))
    locked = run_carnet(vault.cenv, "wipe")  # no terminal, no --yes: warns, then refuses
    warning = [line for line in locked.err.splitlines() if line.startswith("Warning")]
    assert len(warning) == 1
    assert "1 bundle(s) in the outbox" in warning[0] and "not counted while locked" in warning[0]
    unlocked = vault.run("wipe")
    warning = [line for line in unlocked.err.splitlines() if line.startswith("Warning")]
    assert len(warning) == 1
    assert "1 bundle(s) in the outbox, 1 incident(s) never exported" in warning[0]
    assert (vault.cenv.vault / "header").exists()
    wrong = run_carnet(
        vault.cenv,
        "wipe",
        "--yes",
        "--passphrase-file",
        str(vault.cenv.secret_file("nope nope nope", "bad")),
    )
    assert wrong.code == 0, wrong.err  # a wrong passphrase never stops a wipe
    assert "not counted while locked" in wrong.err
    assert not vault.cenv.vault.exists()


def test_without_a_terminal_wipe_needs_yes(vault: VaultFixture) -> None:
    result = run_carnet(vault.cenv, "wipe")
    assert result.code == 2 and "--yes" in result.err
    assert (vault.cenv.vault / "header").exists()


def test_the_header_is_destroyed_before_anything_is_deleted(
    vault: VaultFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Even if deletion never happens, what is left cannot be opened."""
    copy = vault.cenv.root / "copy-before-delete"
    service = WipeService(VaultPaths(vault.cenv.vault), NoDeviceShares())

    def stop_before_deleting(self: WipeService) -> int:
        shutil.copytree(self.paths.root, copy)
        raise KeyboardInterrupt  # a power cut right after the erase

    monkeypatch.setattr(WipeService, "_remove_vault_files", stop_before_deleting)
    with pytest.raises(KeyboardInterrupt):
        service.wipe()
    result = run_carnet(
        vault.cenv,
        "--vault",
        str(copy),
        "incident",
        "list",
        "--passphrase-file",
        str(vault.passphrase_file),
    )
    assert result.code in (3, 4), result.err


def test_wipe_of_a_damaged_vault(vault: VaultFixture) -> None:
    (vault.cenv.vault / "header").write_bytes(b"garbage")
    (vault.cenv.vault / "store.db").write_bytes(b"also garbage")
    assert ok(run_carnet(vault.cenv, "wipe", "--yes"))
    assert not vault.cenv.vault.exists()


def test_wipe_while_another_process_holds_the_vault_open(
    vault: VaultFixture, tmp_path: Path
) -> None:
    with_evidence(vault, tmp_path)
    late = tmp_path / "late.bin"
    late.write_bytes(b"attached after the wipe")
    child = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys\n"
            "from pathlib import Path\n"
            "from app.device_share import NoDeviceShares\n"
            "from app.notebook import Notebook\n"
            "from app.paths import VaultPaths\n"
            "from app.vault import VaultService\n"
            "nb = Notebook(VaultService(VaultPaths(Path(sys.argv[1])), NoDeviceShares())"
            ".unlock(sys.argv[2]))\n"
            "print('open', flush=True)\n"
            "sys.stdin.readline()\n"
            "outcomes = nb.attachments.attach(1, [Path(sys.argv[3])])\n"
            "print(outcomes[0].error or 'attached', flush=True)\n"
            "nb.close()\n",
            str(vault.cenv.vault),
            vault.passphrase,
            str(late),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=vault.cenv.env,
    )
    assert child.stdout is not None and child.stdin is not None
    assert child.stdout.readline().strip() == "open"
    ok(run_carnet(vault.cenv, "wipe", "--yes"))
    assert not vault.cenv.vault.exists()
    out, err = child.communicate("go\n", timeout=60)
    assert "vault folder is gone" in out, err
    assert not vault.cenv.vault.exists()  # nothing re-created by the process still running


@pytest.mark.keyring
def test_a_forensic_copy_taken_before_the_wipe_cannot_be_opened_with_keyring(
    carnet_env: CarnetEnv, secret_service: SecretService, tmp_path: Path
) -> None:
    v, _ = init_vault(carnet_env)
    vid = vault_id_hex(carnet_env.vault)
    assert secret_service.get_password(KEYRING_SERVICE, vid) is not None
    image = tmp_path / "forensic-image"
    shutil.copytree(carnet_env.vault, image)
    out = ok(run_carnet(carnet_env, "wipe", "--yes"))
    assert "device share: deleted from the system keyring" in out
    assert "unreadable after" in out
    assert secret_service.get_password(KEYRING_SERVICE, vid) is None
    result = run_carnet(
        carnet_env,
        "--vault",
        str(image),
        "incident",
        "list",
        "--passphrase-file",
        str(v.passphrase_file),
    )
    assert result.code == 3, result.err


def test_without_a_keyring_a_copy_taken_before_the_wipe_still_opens(
    vault: VaultFixture, tmp_path: Path
) -> None:
    """The documented limit: only the passphrase protects a copy made before the wipe."""
    image = tmp_path / "forensic-image"
    shutil.copytree(vault.cenv.vault, image)
    out = ok(run_carnet(vault.cenv, "wipe", "--yes"))
    assert "device share: none (this vault did not use the system keyring)" in out
    result = run_carnet(
        vault.cenv,
        "--vault",
        str(image),
        "incident",
        "list",
        "--passphrase-file",
        str(vault.passphrase_file),
    )
    assert result.code == 0, result.err


@pytest.mark.keyring
def test_passwd_and_recover_replace_the_share_so_an_old_copy_stays_shut(
    carnet_env: CarnetEnv, secret_service: SecretService, tmp_path: Path
) -> None:
    """A copy of the folder kept from before passwd (a backup, a snapshot) does not open
    on this machine with the old passphrase: the share it needs is gone."""
    v, _ = init_vault(carnet_env)
    vid = vault_id_hex(carnet_env.vault)
    share_before = secret_service.get_password(KEYRING_SERVICE, vid)
    snapshot = tmp_path / "snapshot"
    shutil.copytree(carnet_env.vault, snapshot)
    new = carnet_env.secret_file("another long passphrase", name="new")
    ok(run_carnet(carnet_env, "--passphrase-file", str(v.passphrase_file), "passwd",
                  "--new-passphrase-file", str(new)))  # fmt: skip
    share_after = secret_service.get_password(KEYRING_SERVICE, vid)
    assert share_after is not None and share_after != share_before
    stale = run_carnet(
        carnet_env, "--vault", str(snapshot), "--passphrase-file", str(v.passphrase_file),
        "incident", "list",
    )  # fmt: skip
    assert stale.code == 3, stale.err
    ok(run_carnet(carnet_env, "--passphrase-file", str(new), "incident", "list"))
    # Nothing is left under the pending name.
    assert secret_service.get_password(KEYRING_SERVICE, vid + "006e657874") is None
