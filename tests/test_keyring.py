"""The device share against a real Secret Service, and the fallback without one.

Every `carnet` here is the real process; the keyring is gnome-keyring-daemon on a private
D-Bus session (tests/keyring_service.py), reached through the keyring package's own
backend resolution, as on a desktop. What is checked (DESIGN.md, "Keys and the vault on
disk"): the share goes into the keyring and nowhere else in plaintext; a copy of the vault
folder without the share cannot be unlocked even with the right passphrase, changes
nothing on disk and points to `recover`; `recover` stores a new share; without a keyring,
or with --no-keyring, the passphrase alone opens the vault (the documented weaker case).
"""

from __future__ import annotations

import base64
import hashlib
import shutil
from pathlib import Path

import pytest

from crypto.header_file import parse_header_file
from tests.conftest import PASSPHRASE, CarnetEnv, Result, VaultFixture, isolated_env, run_carnet
from tests.keyring_service import SecretService, start_secret_service

SERVICE = "Carnet device share"  # app.device_share.KEYRING_SERVICE, as a user would see it
NEW_PASSPHRASE = "a brand new passphrase"
THIRD_PASSPHRASE = "yet another passphrase"
KEYRING_LINE = "Device share: stored in the system keyring"


# --- helpers ------------------------------------------------------------------------


def init_vault(cenv: CarnetEnv, *extra: str) -> tuple[VaultFixture, Result]:
    """`carnet init --kdf-profile interactive` with the keyring unless told otherwise."""
    pw_file = cenv.secret_file(PASSPHRASE)
    result = run_carnet(
        cenv, "init", "--kdf-profile", "interactive", "--new-passphrase-file", str(pw_file), *extra
    )
    assert result.code == 0, result.err
    key_line = next(line.strip() for line in result.out.splitlines() if line.count("-") == 13)
    return VaultFixture(cenv, PASSPHRASE, pw_file, key_line), result


def vault_id_hex(vault_dir: Path) -> str:
    """The vault id: bytes 12..28 of the header (the keyring entry's user name)."""
    data = (vault_dir / "header").read_bytes()
    assert parse_header_file(data).newest.vault_id == data[12:28]
    return data[12:28].hex()


def share_required(vault_dir: Path) -> bool:
    return parse_header_file((vault_dir / "header").read_bytes()).newest.device_share_required


def other_computer(tmp_path: Path, name: str, vault_from: Path) -> CarnetEnv:
    """A second user with its own HOME, holding a copy of the vault folder."""
    root = tmp_path / name
    cenv = CarnetEnv(root=root, env=isolated_env(root), vault=root / "vault")
    shutil.copytree(vault_from, cenv.vault)
    return cenv


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under `folder` and the hash of its bytes."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def add_incident(v: VaultFixture, title: str) -> str:
    added = v.run("incident", "add", "--title", title, "--date", "2024-03-02")
    assert added.code == 0, added.err
    return added.out.strip().splitlines()[-1]


def list_with(cenv: CarnetEnv, passphrase: str) -> Result:
    pw_file = cenv.secret_file(
        passphrase, name=f"pw-{hashlib.sha256(passphrase.encode()).hexdigest()[:16]}"
    )
    return run_carnet(cenv, "incident", "list", "--passphrase-file", str(pw_file))


def recover(cenv: CarnetEnv, recovery_key: str, new_passphrase: str) -> Result:
    """`carnet recover` with the recovery key and the new passphrase from files."""
    key_file = cenv.secret_file(recovery_key, name="recovery-key")
    new_file = cenv.secret_file(new_passphrase, name="new-passphrase")
    return run_carnet(
        cenv,
        "recover",
        "--recovery-key-file",
        str(key_file),
        "--new-passphrase-file",
        str(new_file),
    )


def assert_one_error(result: Result, code: int, *needles: str) -> str:
    """Exit `code`, one line `carnet: error: ...` holding every needle, no traceback."""
    assert result.code == code, (result.code, result.out, result.err)
    assert "Traceback" not in result.err + result.out
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    assert lines[0].startswith("carnet: error: "), lines[0]
    for needle in needles:
        assert needle in lines[0].lower(), (needle, lines[0])
    return lines[0]


def keyring_lines(out: str) -> list[str]:
    """The lines of `init`'s report about the keyring (the vault path may hold the word)."""
    return [
        line
        for line in out.splitlines()
        if "keyring" in line.lower() and not line.startswith("Vault created at ")
    ]


def decoded_share(text: str | None) -> bytes:
    assert text is not None, "the keyring holds no device share"
    share = base64.b64decode(text, validate=True)
    assert len(share) == 32
    return share


def assert_share_not_in_files(root: Path, keyrings_dir: Path, share_b64: str) -> None:
    """The share, in any spelling, is in no file but gnome-keyring's encrypted keyrings."""
    share = base64.b64decode(share_b64)
    needles = {
        "base64": share_b64.encode("ascii"),
        "base64 utf-16": share_b64.encode("utf-16-le"),
        "raw": share,
        "hex": share.hex().encode("ascii"),
    }
    scanned = 0
    for path in root.rglob("*"):
        if not path.is_file() or path.is_symlink() or path.is_relative_to(keyrings_dir):
            continue
        data = path.read_bytes()
        scanned += 1
        for spelling, needle in needles.items():
            assert needle not in data, f"device share ({spelling}) found in {path}"
    assert scanned > 0


# --- the keyring path ----------------------------------------------------------------


@pytest.mark.keyring
def test_init_stores_the_share_in_the_keyring_and_unlocks(
    carnet_env: CarnetEnv, secret_service: SecretService
) -> None:
    # The keyring package finds the real Secret Service by itself, as on a desktop.
    assert secret_service.backend_module().startswith("keyring.backends.SecretService")

    v, created = init_vault(carnet_env)
    assert keyring_lines(created.out) == [
        next(line for line in created.out.splitlines() if line.startswith(KEYRING_LINE))
    ]
    assert share_required(carnet_env.vault)

    vid = vault_id_hex(carnet_env.vault)
    share_b64 = secret_service.get_password(SERVICE, vid)
    decoded_share(share_b64)
    items = secret_service.all_items()
    assert [i["attributes"].get("username") for i in items] == [vid]
    assert items[0]["attributes"].get("service") == SERVICE

    incident_id = add_incident(v, "Arrest at the market")
    listed = v.run("incident", "list")
    assert listed.code == 0, listed.err
    assert incident_id in listed.out

    assert share_b64 is not None
    assert_share_not_in_files(carnet_env.root, secret_service.keyrings_dir, share_b64)


@pytest.mark.keyring
def test_a_copy_without_the_share_does_not_unlock_and_changes_nothing(
    tmp_path: Path, carnet_env: CarnetEnv, secret_service: SecretService
) -> None:
    v, _ = init_vault(carnet_env)
    incident_id = add_incident(v, "Raid on the office")
    vid = vault_id_hex(carnet_env.vault)

    # Another computer with its own, working keyring: the share is not there.
    seized = other_computer(tmp_path, "seized", carnet_env.vault)
    with start_secret_service(seized) as seized_keyring:
        before = snapshot(seized.vault)
        refused = list_with(seized, PASSPHRASE)
        assert_one_error(refused, 3, "keyring", "recover")
        assert snapshot(seized.vault) == before
        assert seized_keyring.all_items() == []  # nothing was written to that keyring

        # The recovery key alone opens it there, and stores a share in that keyring.
        recovered = recover(seized, v.recovery_key, NEW_PASSPHRASE)
        assert recovered.code == 0, recovered.err
        decoded_share(seized_keyring.get_password(SERVICE, vid))
        listed = list_with(seized, NEW_PASSPHRASE)
        assert listed.code == 0, listed.err
        assert incident_id in listed.out

    # A headless box with no keyring at all: the same refusal.
    headless = other_computer(tmp_path, "headless", carnet_env.vault)
    before = snapshot(headless.vault)
    assert_one_error(list_with(headless, PASSPHRASE), 3, "keyring", "recover")
    assert snapshot(headless.vault) == before

    # This computer, after its keyring entry is deleted (keyring reset).
    secret_service.delete_password(SERVICE, vid)
    assert secret_service.get_password(SERVICE, vid) is None
    before = snapshot(carnet_env.vault)
    assert_one_error(v.run("incident", "list"), 3, "keyring", "recover")
    assert snapshot(carnet_env.vault) == before


@pytest.mark.keyring
def test_recover_stores_a_new_share_and_sets_the_new_passphrase(
    carnet_env: CarnetEnv, secret_service: SecretService
) -> None:
    v, _ = init_vault(carnet_env)
    incident_id = add_incident(v, "Threats against a lawyer")
    vid = vault_id_hex(carnet_env.vault)
    old_b64 = secret_service.get_password(SERVICE, vid)
    old_share = decoded_share(old_b64)

    secret_service.delete_password(SERVICE, vid)
    assert_one_error(v.run("incident", "list"), 3, "keyring", "recover")

    recovered = recover(carnet_env, v.recovery_key, NEW_PASSPHRASE)
    assert recovered.code == 0, recovered.err
    assert "new device share is stored in the system keyring" in recovered.out
    assert share_required(carnet_env.vault)

    new_b64 = secret_service.get_password(SERVICE, vid)
    assert decoded_share(new_b64) != old_share
    assert len(secret_service.all_items()) == 1

    listed = list_with(carnet_env, NEW_PASSPHRASE)
    assert listed.code == 0, listed.err
    assert incident_id in listed.out
    assert_one_error(list_with(carnet_env, PASSPHRASE), 3, "wrong passphrase")

    # A forgotten passphrase, the share still in the keyring: recover replaces it too.
    again = recover(carnet_env, v.recovery_key, THIRD_PASSPHRASE)
    assert again.code == 0, again.err
    third_b64 = secret_service.get_password(SERVICE, vid)
    assert decoded_share(third_b64) not in (old_share, decoded_share(new_b64))
    listed = list_with(carnet_env, THIRD_PASSPHRASE)
    assert listed.code == 0, listed.err
    assert incident_id in listed.out

    assert old_b64 is not None and new_b64 is not None and third_b64 is not None
    for share_b64 in (old_b64, new_b64, third_b64):
        assert_share_not_in_files(carnet_env.root, secret_service.keyrings_dir, share_b64)


@pytest.mark.keyring
def test_wrong_passphrase_with_a_keyring_vault(
    carnet_env: CarnetEnv, secret_service: SecretService
) -> None:
    init_vault(carnet_env)
    vid = vault_id_hex(carnet_env.vault)
    share_b64 = secret_service.get_password(SERVICE, vid)
    before = snapshot(carnet_env.vault)

    assert_one_error(list_with(carnet_env, "not the passphrase"), 3, "wrong passphrase")

    assert snapshot(carnet_env.vault) == before
    assert secret_service.get_password(SERVICE, vid) == share_b64


# --- without a keyring ----------------------------------------------------------------


@pytest.mark.parametrize("setting", ["no-backend", "no-bus"])
def test_without_a_keyring_the_passphrase_alone_protects_the_vault(
    tmp_path: Path, carnet_env: CarnetEnv, setting: str
) -> None:
    if setting == "no-bus":
        # A headless box: the keyring package looks for a Secret Service and finds none.
        carnet_env.env.pop("PYTHON_KEYRING_BACKEND")
        carnet_env.env["DBUS_SESSION_BUS_ADDRESS"] = f"unix:path={tmp_path / 'no-bus'}"
    v, created = init_vault(carnet_env)
    lines = keyring_lines(created.out)
    assert len(lines) == 1, created.out
    assert "no system keyring" in lines[0].lower()
    assert "passphrase alone" in lines[0]
    assert not share_required(carnet_env.vault)

    incident_id = add_incident(v, "Internet shutdown in the north")
    listed = v.run("incident", "list")
    assert listed.code == 0, listed.err
    assert incident_id in listed.out

    # The documented weaker case: a copy of the folder opens elsewhere with the passphrase.
    elsewhere = other_computer(tmp_path, "elsewhere", carnet_env.vault)
    listed = list_with(elsewhere, PASSPHRASE)
    assert listed.code == 0, listed.err
    assert incident_id in listed.out


@pytest.mark.keyring
def test_no_keyring_flag_stores_nothing_even_with_a_keyring(
    tmp_path: Path, carnet_env: CarnetEnv, secret_service: SecretService
) -> None:
    v, created = init_vault(carnet_env, "--no-keyring")
    lines = keyring_lines(created.out)
    assert len(lines) == 1, created.out
    assert "--no-keyring" in lines[0] and "passphrase alone" in lines[0]
    assert not share_required(carnet_env.vault)
    assert secret_service.all_items() == []
    assert secret_service.get_password(SERVICE, vault_id_hex(carnet_env.vault)) is None

    incident_id = add_incident(v, "Travel ban on a journalist")
    listed = v.run("incident", "list")
    assert listed.code == 0, listed.err
    assert incident_id in listed.out
    assert secret_service.all_items() == []

    elsewhere = other_computer(tmp_path, "elsewhere", carnet_env.vault)
    listed = list_with(elsewhere, PASSPHRASE)
    assert listed.code == 0, listed.err
    assert incident_id in listed.out


def test_a_keyring_entry_that_is_no_share_is_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    """Text of the wrong size (or not base64) under the vault's name is not a share."""
    import keyring

    from app.device_share import SHARE_BYTES, KeyringDeviceShares

    shares = KeyringDeviceShares()
    monkeypatch.setattr(KeyringDeviceShares, "available", lambda self: True)
    stored = {"text": base64.b64encode(bytes(SHARE_BYTES - 1)).decode()}
    monkeypatch.setattr(keyring, "get_password", lambda service, name: stored["text"])
    assert shares.get(bytes(16)) is None
    stored["text"] = "not base64!"
    assert shares.get(bytes(16)) is None
    stored["text"] = base64.b64encode(bytes(SHARE_BYTES)).decode()
    assert shares.get(bytes(16)) == bytes(SHARE_BYTES)
