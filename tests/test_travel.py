"""Travel: prepare a backup sealed to the recovery key, wipe, restore; and every refusal.

The round trip goes through the real CLI on real SQLCipher vaults: every record read
back equal, every attachment extracted bit for bit, the custody log's old rows
byte-identical and continued by one "restore" row. A damaged backup, a wrong key or a
missing --out refuse with a clear error and change nothing.

A backup also sealed to an organisation shares its file key with it, so the organisation
can open it, change it and seal it again; only the owner signature (made with a key
derived from the recovery key) tells the owner's backup from such a forgery. The forgery
tests below do exactly what a co-recipient would, with nothing but its own key file, the
bundle container (crypto/bundle.py), tarfile and a fresh signing key.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tarfile
from collections.abc import Callable
from pathlib import Path

import pytest

from app.cli.travel_commands import ORGANISATION_NOTE
from app.device_share import NoDeviceShares
from app.errors import CannotUnlockError
from app.key_files import load_key_file
from app.notebook import Notebook
from app.owner_key import META_OWNER_PUBLIC_KEY, META_OWNER_SEED, owner_key_rows
from app.paths import VaultPaths
from app.travel.backup import recovery_public_key
from app.travel.owner import remember_signer
from app.vault import VaultService
from crypto.bundle import BundleWriter, open_bundle
from crypto.public_keys import decode_public_key, encode_public_key
from crypto.recipient_keys import RecipientKeyPair
from crypto.recovery_key import backup_keypair, backup_signing_seed, decode_recovery_key
from crypto.signing import DeviceSigner, OwnerSigner
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
    assert details["owner_signature"] == "verified"
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
    # Told, in one line, what it could and could not check.
    assert [line for line in rebuilt.err.splitlines() if "owner" in line] == [ORGANISATION_NOTE]
    assert titles_of(cli, org_vault, NEW_PASSPHRASE) == ["Queued"]
    verified = run(cli, org_vault, "custody", "verify", passphrase=NEW_PASSPHRASE, env=org_vault)
    assert "verified" in ok(verified)
    rows = custody_rows_of(cli, org_vault, NEW_PASSPHRASE)
    details = rows[-1]["details"]
    assert isinstance(details, dict) and rows[-1]["action"] == "restore"
    assert details["owner_signature"] == "not checked (opened with an organisation's key)"
    # The organisation's vault signs its own later backups with the owner key of its new
    # recovery key, so they restore with that key.
    new_key = next(
        line.strip() for line in rebuilt.out.splitlines() if line.strip().count("-") == 13
    )
    again = tmp_path / "org-again.carnet"
    ok(
        run(
            cli,
            org_vault,
            "travel",
            "prepare",
            "--out",
            str(again),
            passphrase=NEW_PASSPHRASE,
            env=org_vault,
        )
    )
    elsewhere = CarnetEnv(carnet_env.root, carnet_env.env, tmp_path / "org-again-vault")
    assert _restore(cli, elsewhere, again, new_key).code == 0

    wipe = cli("wipe", "--yes")
    assert "1 bundle(s) in the outbox" in wipe.err


def titles_of(cli: Cli, cenv: CarnetEnv, passphrase: str) -> list[str]:
    listed = run(cli, cenv, "incident", "list", passphrase=passphrase, env=cenv)
    return [line.split("\t")[-1] for line in ok(listed).splitlines()]


def custody_rows_of(cli: Cli, cenv: CarnetEnv, passphrase: str) -> list[dict[str, object]]:
    listed = run(cli, cenv, "custody", "show", "--json", passphrase=passphrase, env=cenv)
    rows = json.loads(ok(listed))
    assert isinstance(rows, list)
    return rows


# --- a co-recipient's forgery ----------------------------------------------------------


def _org(cli: Cli, cenv: CarnetEnv, tmp_path: Path) -> tuple[RecipientKeyPair, str]:
    """An organisation's key file made with `carnet keygen`: its pair, its public text."""
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
    return load_key_file(tmp_path / "org.key", "org passphrase 1"), public


def _forge(
    backup: Path,
    org: RecipientKeyPair,
    recovery_public_key: bytes,
    attacker_public: str,
    out: Path,
    owner_signature: str,
    other_owner: OwnerSigner | None = None,
) -> bytes:
    """What the organisation can do to a backup sealed to it too; returns the plaintext
    payload it saw.

    It opens the backup with its own key, points the vault's destination at its own key
    and re-titles an incident, recomputes the manifest, signs it with a fresh device key
    it names in the manifest, and seals the result to the recovery key (whose public half
    is no secret) and to itself. `owner_signature`: "kept" (the original one, which it
    cannot re-make), "removed", or "other" (made by `other_owner`, another vault's key).
    """
    with backup.open("rb") as handle:
        plain = b"".join(open_bundle(handle, org.public_key, org.secret_key))
    members: dict[str, bytes] = {}
    with tarfile.open(fileobj=io.BytesIO(plain), mode="r:") as tar:
        for member in tar:
            data = tar.extractfile(member)
            assert data is not None
            members[member.name] = data.read()
    assert list(members)[:4] == ["manifest.json", "manifest.sig", "owner.sig", "database.json"]

    database = json.loads(members["database.json"])
    destinations = database["tables"]["destinations"]
    keys_at = destinations["columns"].index("keys")
    assert len(destinations["rows"]) == 1
    destinations["rows"][0][keys_at] = json.dumps([attacker_public])
    incidents = database["tables"]["incidents"]
    incidents["rows"][0][incidents["columns"].index("title")] = "Staged by the co-recipient"
    members["database.json"] = json.dumps(database, sort_keys=True).encode()

    manifest = json.loads(members["manifest.json"])
    for entry in manifest["entries"]:
        if entry["path"] == "database.json":
            entry["size"] = len(members["database.json"])
            entry["sha256"] = hashlib.sha256(members["database.json"]).hexdigest()
    forger = DeviceSigner(os.urandom(32))
    manifest["sender"] = {"signing_key": forger.public_key.hex(), "fingerprint": forger.fingerprint}
    members["manifest.json"] = json.dumps(manifest, indent=2, sort_keys=True).encode()
    members["manifest.sig"] = forger.sign(members["manifest.json"])
    if owner_signature == "removed":
        del members["owner.sig"]
    elif owner_signature == "other":
        assert other_owner is not None
        members["owner.sig"] = other_owner.sign_manifest(members["manifest.json"])

    tar_bytes = io.BytesIO()
    with tarfile.open(fileobj=tar_bytes, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mode = 0o600
            tar.addfile(info, io.BytesIO(data))
    with out.open("wb") as handle:
        writer = BundleWriter([recovery_public_key, org.public_key], handle)
        writer.write(tar_bytes.getvalue())
        writer.close()
    return plain


@pytest.mark.parametrize(
    ("owner_signature", "message"),
    [
        ("kept", "not signed by the holder of this recovery key"),
        ("removed", "no owner signature"),
        ("other", "not signed by the holder of this recovery key"),
    ],
)
def test_a_co_recipient_cannot_forge_a_backup_the_owner_would_restore(
    cli: Cli, carnet_env: CarnetEnv, tmp_path: Path, owner_signature: str, message: str
) -> None:
    recovery = init_in_process(cli, carnet_env)
    org, org_public = _org(cli, carnet_env, tmp_path)
    ok(run(cli, carnet_env, "destination", "add", "Lifeline", "--key", org_public))
    ok(run(cli, carnet_env, "incident", "add", "--title", "Raid at the office"))
    evidence = tmp_path / "e.bin"
    evidence.write_bytes(os.urandom(50_000))
    ok(run(cli, carnet_env, "attach", "1", str(evidence)))
    backup = tmp_path / "backup.carnet"
    ok(run(cli, carnet_env, "travel", "prepare", "--to", "Lifeline", "--out", str(backup)))

    other = CarnetEnv(carnet_env.root, carnet_env.env, tmp_path / "another-vault")
    other_recovery = decode_recovery_key(init_in_process(cli, other))
    attacker = os.urandom(32)
    forged = tmp_path / "forged.carnet"
    seen = _forge(
        backup,
        org,
        bytes(backup_keypair(decode_recovery_key(recovery)).public_key),
        encode_public_key(attacker),
        forged,
        owner_signature,
        OwnerSigner(backup_signing_seed(other_recovery)),
    )

    # The owner key's seed, kept in the vault, never travels: with it, the organisation
    # could sign its forgery as the owner.
    seed = backup_signing_seed(decode_recovery_key(recovery))
    assert not (seed in seen or seed.hex().encode() in seen), "the owner seed is in the backup"

    target = CarnetEnv(carnet_env.root, carnet_env.env, tmp_path / "restored")
    assert_error(_restore(cli, target, forged, recovery), 4, message)
    assert not target.vault.exists()
    assert [p.name for p in tmp_path.iterdir() if ".restoring-" in p.name] == []

    # Everything else about the forgery holds: the organisation's own restore, which can
    # check only the device signature and the hashes, accepts it (and says what it could
    # not check). So the refusal above is the owner signature's doing alone.
    org_pw = key_file(carnet_env, "org passphrase 1", "org-pw")
    org_vault = CarnetEnv(carnet_env.root, carnet_env.env, tmp_path / "org-vault")
    rebuilt = cli(
        "travel",
        "restore",
        str(forged),
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
    if owner_signature == "removed":
        assert_error(rebuilt, 4, "no owner signature")  # the format needs the member
        return
    assert rebuilt.code == 0, rebuilt.err
    assert ORGANISATION_NOTE in rebuilt.err
    assert titles_of(cli, org_vault, NEW_PASSPHRASE) == ["Staged by the co-recipient"]
    listed = run(
        cli, org_vault, "destination", "list", "--json", passphrase=NEW_PASSPHRASE, env=org_vault
    )
    assert decode_public_key(json.loads(ok(listed))[0]["keys"][0]["key"]) == attacker

    # And the owner's honest backup still restores with the recovery key, custody intact.
    honest = CarnetEnv(carnet_env.root, carnet_env.env, tmp_path / "honest")
    assert _restore(cli, honest, backup, recovery).code == 0
    assert titles_of(cli, honest, NEW_PASSPHRASE) == ["Raid at the office"]
    verified = run(cli, honest, "custody", "verify", passphrase=NEW_PASSPHRASE, env=honest)
    assert "verified" in ok(verified)


def _forget_owner_key(cenv: CarnetEnv) -> None:
    """Make the vault look like one created before it kept its owner key."""
    session = VaultService(VaultPaths(cenv.vault), NoDeviceShares()).unlock(PASSPHRASE)
    with Notebook(session) as notebook, notebook.session.db.transaction() as conn:
        conn.execute(
            "DELETE FROM meta WHERE key IN (?, ?)", (META_OWNER_PUBLIC_KEY, META_OWNER_SEED)
        )


def test_an_older_vault_asks_for_the_recovery_key_once_to_sign_its_backups(
    cli: Cli, carnet_env: CarnetEnv, tmp_path: Path
) -> None:
    recovery = init_in_process(cli, carnet_env)
    other_recovery = init_in_process(
        cli, CarnetEnv(carnet_env.root, carnet_env.env, tmp_path / "other")
    )
    ok(run(cli, carnet_env, "incident", "add", "--title", "From before"))
    _forget_owner_key(carnet_env)
    first = tmp_path / "first.carnet"

    no_terminal = run(cli, carnet_env, "travel", "prepare", "--out", str(first))
    assert no_terminal.code == 2 and "--recovery-key-file" in no_terminal.err, no_terminal.err
    not_its_own = run(
        cli,
        carnet_env,
        "travel",
        "prepare",
        "--out",
        str(first),
        "--recovery-key-file",
        key_file(carnet_env, other_recovery, "other"),
    )
    assert_error(not_its_own, 3, "not this vault's")
    assert not first.exists()

    given = run(
        cli,
        carnet_env,
        "travel",
        "prepare",
        "--out",
        str(first),
        "--recovery-key-file",
        key_file(carnet_env, recovery),
    )
    assert given.code == 0, given.err
    assert "owner signature holds" in given.err
    second = tmp_path / "second.carnet"
    ok(run(cli, carnet_env, "travel", "prepare", "--out", str(second)))  # not asked again
    for index, backup in enumerate((first, second)):
        target = CarnetEnv(carnet_env.root, carnet_env.env, tmp_path / f"restored-{index}")
        assert _restore(cli, target, backup, recovery).code == 0
        assert titles_of(cli, target, NEW_PASSPHRASE) == ["From before"]


def test_a_damaged_owner_key_record_writes_no_backup(
    cli: Cli, carnet_env: CarnetEnv, tmp_path: Path
) -> None:
    recovery = init_in_process(cli, carnet_env)
    other_recovery = decode_recovery_key(
        init_in_process(cli, CarnetEnv(carnet_env.root, carnet_env.env, tmp_path / "other"))
    )
    target = tmp_path / "backup.carnet"
    session = VaultService(VaultPaths(carnet_env.vault), NoDeviceShares()).unlock(PASSPHRASE)
    with Notebook(session) as notebook:
        # Another vault's recovery key is never stored as this vault's owner key.
        with pytest.raises(CannotUnlockError):
            remember_signer(notebook, other_recovery, recovery_public_key(notebook))
        with notebook.session.db.reading() as conn:
            good = dict(conn.execute("SELECT key, value FROM meta").fetchall())
        other_rows = dict(owner_key_rows(other_recovery))
    damaged_seed = bytearray.fromhex(good[META_OWNER_SEED])
    damaged_seed[20] ^= 1
    cases: dict[str, tuple[dict[str, str | None], tuple[str, ...]]] = {
        "seed flipped": ({META_OWNER_SEED: damaged_seed.hex()}, ()),
        "other public key": ({META_OWNER_PUBLIC_KEY: os.urandom(32).hex()}, ()),
        "half missing": ({META_OWNER_PUBLIC_KEY: None}, ()),
        "seed cut short": ({META_OWNER_SEED: good[META_OWNER_SEED][:-2]}, ()),
        "seed not hex": ({META_OWNER_SEED: "zz" * 32}, ()),
        # Whole and well wrapped, but another recovery key's: the recovery key given to
        # prepare (as --wipe needs) shows it before a backup is written.
        "another vault's": (
            {**other_rows},
            ("--recovery-key-file", key_file(carnet_env, recovery)),
        ),
    }
    for label, (change, extra) in cases.items():
        session = VaultService(VaultPaths(carnet_env.vault), NoDeviceShares()).unlock(PASSPHRASE)
        with Notebook(session) as notebook, notebook.session.db.transaction() as conn:
            for key in (META_OWNER_PUBLIC_KEY, META_OWNER_SEED):
                value = change.get(key, good[key])
                conn.execute("DELETE FROM meta WHERE key = ?", (key,))
                if value is not None:
                    conn.execute("INSERT INTO meta (key, value) VALUES (?, ?)", (key, value))
        refused = run(cli, carnet_env, "travel", "prepare", "--out", str(target), *extra)
        assert_error(refused, 4, "backup signing key")
        assert not target.exists(), label
