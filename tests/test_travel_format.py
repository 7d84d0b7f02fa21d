"""The travel backup reader against damaged and crafted backups.

Anyone who knows a vault's recovery *public* key can seal a file to it, so restore must
treat every byte as hostile: a forged backup is refused whole, with an IntegrityError
(exit 4) or CannotUnlockError (exit 3), and nothing is left behind. These tests build
real backups through the services, then damage them at random (hypothesis) or craft
them by hand with the real container writer.

A crafted backup without the owner's signature is refused at that signature, before any
record is read (tested here and, as a co-recipient would forge one, in test_travel.py).
The structural refusals are tested with backups that the owner key does sign: the
reader must stay defensive even then (a bug in an older Carnet, a compromised vault).
"""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from app.device_share import NoDeviceShares
from app.errors import CannotUnlockError, IntegrityError
from app.export.tar_stream import add_bytes, write_bundle_file
from app.models import IncidentInput
from app.notebook import Notebook
from app.paths import VaultPaths
from app.travel import snapshot
from app.travel.backup import (
    DATABASE,
    FORMAT,
    MANIFEST,
    OWNER_SIGNATURE,
    SIGNATURE,
    VERSION,
    write_backup,
)
from app.travel.owner import stored_signer
from app.travel.restore import recovery_recipient, restore_backup, verify_backup
from app.vault import VaultService
from crypto.kdf import KdfProfile
from crypto.recovery_key import backup_keypair, backup_signing_seed, decode_recovery_key
from crypto.signing import DeviceSigner, OwnerSigner
from tests.conftest import PASSPHRASE, CarnetEnv

CRAFTED_AT = "2026-01-01T00:00:00Z"


class Made(tuple[bytes, bytes, Path]):
    """(recovery key, backup bytes, folder), with a repr that does not print the bytes."""

    def __repr__(self) -> str:
        return f"Made({len(self[1])} bytes of backup)"


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[bytes, bytes, Path]]:
    """(recovery key, backup bytes, a folder) for a small real vault with one file."""
    root = tmp_path_factory.mktemp("travel-format")
    service = VaultService(VaultPaths(root / "vault"), NoDeviceShares())
    created = service.create(PASSPHRASE, profile=KdfProfile.INTERACTIVE, use_keyring=False)
    evidence = root / "evidence.bin"
    evidence.write_bytes(bytes(range(256)) * 300)
    with Notebook(service.unlock(PASSPHRASE)) as notebook:
        incident_id = notebook.incidents.add(IncidentInput(title="Crafted-free"))
        notebook.attachments.attach(incident_id, [evidence])
        owner = stored_signer(notebook)
        if owner is None:
            raise RuntimeError("a new vault keeps its owner key")
        result = write_backup(notebook, [], root / "backup.carnet", owner=owner)
    yield Made((decode_recovery_key(created.recovery_key), result.path.read_bytes(), root))


def _expected_error(exc: BaseException) -> bool:
    return isinstance(exc, IntegrityError | CannotUnlockError)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_any_damage_is_refused_cleanly(
    made: tuple[bytes, bytes, Path], data: st.DataObject
) -> None:
    key, good, root = made
    damaged = bytearray(good)
    if data.draw(st.booleans(), label="truncate"):
        damaged = damaged[: data.draw(st.integers(0, len(good) - 1), label="length")]
    else:
        for _ in range(data.draw(st.integers(1, 4), label="flips")):
            at = data.draw(st.integers(0, len(good) - 1), label="offset")
            damaged[at] ^= data.draw(st.integers(1, 255), label="mask")
    assume(bytes(damaged) != good)  # two flips of one bit cancel out
    path = root / "damaged.carnet"
    path.write_bytes(bytes(damaged))
    with pytest.raises(Exception) as caught:
        verify_backup(path, key)
    assert _expected_error(caught.value), repr(caught.value)


def test_the_untouched_backup_verifies(made: tuple[bytes, bytes, Path]) -> None:
    key, good, root = made
    path = root / "good.carnet"
    path.write_bytes(good)
    contents = verify_backup(path, key)
    assert (contents.incidents, contents.files) == (1, 1)


# --- crafted backups, sealed to the right key by someone who knows only its public half --


def _payload(good: bytes, key: bytes) -> dict[str, bytes]:
    """The members of a real backup, by name (read with the real reader's container)."""
    from app.export.tar_stream import sealed_members

    pair = backup_keypair(key)
    members: dict[str, bytes] = {}
    for _i, member, stream in sealed_members(
        io.BytesIO(good), bytes(pair.public_key), bytes(pair), "backup"
    ):
        members[member.name] = stream.read()
    return members


def _craft(
    root: Path,
    key: bytes,
    members: list[tuple[str, bytes]],
    *,
    manifest: dict[str, Any] | None = None,
    links: tuple[str, ...] = (),
    owner: OwnerSigner | None = None,
    owner_signed: bool = True,
    version: int = VERSION,
    hashed: dict[str, bytes] | None = None,
    device_signature: bytes | None = None,
) -> Path:
    """A backup with these members, a manifest listing them, signed by a fresh device key
    and by `owner` (by default the owner key of `key`, as the owner's vault would sign;
    with `owner_signed` False there is no owner signature at all, as in format 1).
    `hashed` gives other bytes whose SHA-256 the manifest lists for a path, and
    `device_signature` other bytes for the device signature."""
    signer = DeviceSigner(bytes(32))
    if owner is None:
        owner = OwnerSigner(backup_signing_seed(key))
    if manifest is None:
        manifest = {
            "format": FORMAT,
            "version": version,
            "backup_id": "ab" * 16,
            "created_at": CRAFTED_AT,
            "app_version": "0",
            "schema_version": 4,
            "sender": {"signing_key": signer.public_key.hex(), "fingerprint": signer.fingerprint},
            "incidents": 1,
            "attachments": 1,
            "entries": [
                {
                    "path": n,
                    "size": len(d),
                    "sha256": hashlib.sha256((hashed or {}).get(n, d)).hexdigest(),
                }
                for n, d in members
            ],
        }
    manifest_bytes = json.dumps(manifest).encode()

    def fill(tar: tarfile.TarFile) -> None:
        add_bytes(tar, MANIFEST, manifest_bytes, CRAFTED_AT)
        signature = device_signature or signer.sign(manifest_bytes)
        add_bytes(tar, SIGNATURE, signature, CRAFTED_AT)
        if owner_signed:
            add_bytes(tar, OWNER_SIGNATURE, owner.sign_manifest(manifest_bytes), CRAFTED_AT)
        for name, data in members:
            add_bytes(tar, name, data, CRAFTED_AT)
        for name in links:
            info = tarfile.TarInfo(name)
            info.type = tarfile.SYMTYPE
            info.linkname = "/etc/passwd"
            tar.addfile(info)

    target = root / "crafted.carnet"
    target.unlink(missing_ok=True)
    write_bundle_file(target, [bytes(backup_keypair(key).public_key)], fill)
    return target


def _records(members: dict[str, bytes]) -> list[tuple[str, bytes]]:
    """The database and files of a backup's members, without its manifest and signatures."""
    return [(n, d) for n, d in members.items() if n not in (MANIFEST, SIGNATURE, OWNER_SIGNATURE)]


def _restore_refused(root: Path, key: bytes, path: Path, match: str) -> None:
    cenv_vault = root / "restored"
    with pytest.raises(IntegrityError, match=match):
        restore_backup(
            path,
            recovery_recipient(key),
            VaultPaths(cenv_vault),
            PASSPHRASE,
            NoDeviceShares(),
            recovery_key=key,
            profile=KdfProfile.INTERACTIVE,
            use_keyring=False,
        )
    assert not cenv_vault.exists()
    assert not [p for p in root.iterdir() if ".restoring-" in p.name]


def test_a_faithful_re_seal_restores(made: tuple[bytes, bytes, Path]) -> None:
    """The crafting helper itself produces a backup the reader accepts (so the refusals
    below are caused by what each case changes, not by the helper)."""
    key, good, root = made
    members = _payload(good, key)
    path = _craft(root, key, _records(members))
    target = root / "faithful"
    restore_backup(
        path,
        recovery_recipient(key),
        VaultPaths(target),
        PASSPHRASE,
        NoDeviceShares(),
        recovery_key=key,
        profile=KdfProfile.INTERACTIVE,
        use_keyring=False,
    )
    assert (target / "header").exists()


@pytest.mark.parametrize(
    ("case", "match"),
    [
        ("unknown column", "columns Carnet does not know"),
        ("sql in a column name", "columns Carnet does not know"),
        ("missing table", "expected tables"),
        ("file for no record", "files and its attachment records differ"),
        ("record without its file", "files and its attachment records differ"),
        ("path traversal", "out of place"),
        ("a symbolic link", "link, folder or device"),
        ("file before the database", "out of place"),
        ("nested value", "unknown kind"),
        ("broken foreign key", "do not fit together"),
        ("a file twice", "twice"),
    ],
)
def test_crafted_backups_are_refused(
    made: tuple[bytes, bytes, Path], case: str, match: str
) -> None:
    key, good, root = made
    members = _payload(good, key)
    database = json.loads(members[DATABASE])
    files = [(n, d) for n, d in members.items() if n.startswith("files/")]
    links: tuple[str, ...] = ()
    tables = database["tables"]
    if case == "unknown column":
        tables["incidents"]["columns"].append("secret")
        tables["incidents"]["rows"][0].append("x")
    elif case == "sql in a column name":
        tables["incidents"]["columns"][2] = "title) VALUES (1); DROP TABLE meta; --"
    elif case == "missing table":
        del tables["destinations"]
    elif case == "file for no record":
        files.append(("files/" + "0" * 32, b"planted"))
    elif case == "record without its file":
        files = []
    elif case == "path traversal":
        files.append(("files/../../escape", b"x"))
    elif case == "a symbolic link":
        links = ("files/" + "1" * 32,)
    elif case == "nested value":
        tables["incidents"]["rows"][0][2] = {"nested": [1]}
    elif case == "a file twice":
        files.append(files[0])
    elif case == "broken foreign key":
        tables["attachments"]["rows"][0][tables["attachments"]["columns"].index("incident_id")] = 99
    database_bytes = json.dumps(database).encode()
    ordered = [(DATABASE, database_bytes), *files]
    if case == "file before the database":
        ordered = [*files, (DATABASE, database_bytes)]
    path = _craft(root, key, ordered, links=links)
    _restore_refused(root, key, path, match)


def test_a_new_vault_keeps_the_owner_key_its_recovery_key_derives(
    made: tuple[bytes, bytes, Path],
) -> None:
    key, _good, root = made
    with Notebook(
        VaultService(VaultPaths(root / "vault"), NoDeviceShares()).unlock(PASSPHRASE)
    ) as notebook:
        signer = stored_signer(notebook)
    assert signer is not None
    assert signer.public_key == OwnerSigner(backup_signing_seed(key)).public_key
    assert "seed" not in repr(signer) and signer.fingerprint in repr(signer)


@pytest.mark.parametrize(
    ("case", "match"),
    [
        ("sealed by someone with only the public key", "not signed by the holder"),
        ("signed by another vault's recovery key", "not signed by the holder"),
        ("owner signature removed", "no owner signature"),
        ("format 1, as the earlier Carnet wrote it", "format 1, which carries no owner signature"),
        ("a format from the future", "format 3"),
    ],
)
def test_a_backup_its_owner_did_not_sign_is_refused(
    made: tuple[bytes, bytes, Path], case: str, match: str
) -> None:
    """The records are the real ones, untouched: only the owner's signature is wrong or
    missing, and that alone refuses the backup, for restore and for the pre-wipe check."""
    key, good, root = made
    records = _records(_payload(good, key))
    if case == "sealed by someone with only the public key":
        path = _craft(root, key, records, owner=OwnerSigner(bytes(range(32))))
    elif case == "signed by another vault's recovery key":
        other = OwnerSigner(backup_signing_seed(bytes(reversed(range(32)))))
        path = _craft(root, key, records, owner=other)
    elif case == "owner signature removed":
        path = _craft(root, key, records, owner_signed=False)
    elif case == "format 1, as the earlier Carnet wrote it":
        path = _craft(root, key, records, owner_signed=False, version=1)
    else:
        path = _craft(root, key, records, version=3)
    with pytest.raises(IntegrityError, match=match):
        verify_backup(path, key)
    _restore_refused(root, key, path, match)


def test_a_backup_for_another_key_is_refused_before_anything_is_written(
    made: tuple[bytes, bytes, Path], carnet_env: CarnetEnv
) -> None:
    _key, good, root = made
    path = root / "other.carnet"
    path.write_bytes(good)
    with pytest.raises(CannotUnlockError):
        restore_backup(
            path,
            recovery_recipient(bytes(32)),
            VaultPaths(carnet_env.vault),
            PASSPHRASE,
            NoDeviceShares(),
            recovery_key=None,
            profile=KdfProfile.INTERACTIVE,
            use_keyring=False,
        )
    assert not carnet_env.vault.exists()


@settings(max_examples=150, deadline=None)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=8),
        lambda inner: (
            st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
        ),
        max_leaves=20,
    )
)
def test_the_database_parser_refuses_anything_malformed(value: object) -> None:
    data = json.dumps(value).encode()
    with pytest.raises(IntegrityError):
        snapshot.parse(data, 4)


def test_a_recovery_key_restore_opens_only_with_that_key_s_own_pair(
    made: tuple[bytes, bytes, Path],
) -> None:
    """The owner check is derived from `recovery_key`: a caller handing another pair with
    it (so that the check and the opening key disagree) is a bug, refused up front."""
    key, good, root = made
    path = root / "good-again.carnet"
    path.write_bytes(good)
    with pytest.raises(ValueError, match="own pair"):
        restore_backup(
            path,
            recovery_recipient(bytes(32)),
            VaultPaths(root / "mismatched"),
            PASSPHRASE,
            NoDeviceShares(),
            recovery_key=key,
            profile=KdfProfile.INTERACTIVE,
            use_keyring=False,
        )
    assert not (root / "mismatched").exists()


@pytest.mark.parametrize("change", ["database hash", "device signature"])
def test_a_backup_whose_signed_manifest_does_not_fit_is_refused(
    made: tuple[bytes, bytes, Path], change: str
) -> None:
    """The owner signature is good; the database's hash in the manifest, or the device
    signature over the manifest, is not."""
    key, good, root = made
    records = _records(_payload(good, key))
    if change == "database hash":
        path = _craft(root, key, records, hashed={DATABASE: b"another database"})
        match = "database differs from its manifest"
    else:
        path = _craft(root, key, records, device_signature=bytes(64))
        match = "signature does not verify"
    _restore_refused(root, key, path, match)
