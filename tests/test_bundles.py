"""Export to sealed bundles and the organisation's side, end to end through the CLI.

Includes an independent reader written from docs/bundle-format.md with bare PyNaCl
calls, and crafted archives (traversal, absolute paths, links, devices, duplicates).
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import shutil
import tarfile
from pathlib import Path

import nacl.bindings as sodium
import pytest

from app.errors import CannotUnlockError, IntegrityError
from app.export.bundle_reader import ReadPolicy, open_bundle_to, verify_bundle
from crypto.bundle import BundleWriter
from crypto.kdf import KdfProfile, normalize_passphrase
from crypto.public_keys import key_fingerprint
from crypto.recipient_keys import RecipientKeyPair, generate_key_pair, open_key_file
from tests.conftest import Result, VaultFixture, run_carnet, run_measuring_child
from tests.image_factory import make_jpeg

KEY_PASSPHRASE = "organisation key passphrase"
UNSIGNED_OK = ReadPolicy(accept_unsigned=True)
EMPTY_INCIDENTS = b'{"events": [], "language": "en", "people": []}'


def ok(result: Result) -> str:
    assert result.code == 0, result.err
    return result.out


def keygen(vault: VaultFixture, name: str = "org.key") -> tuple[Path, str, str]:
    path = vault.cenv.root / name
    secret = vault.cenv.secret_file(KEY_PASSPHRASE, name + ".pass")
    out = ok(
        run_carnet(
            vault.cenv,
            "keygen",
            "--out",
            str(path),
            "--new-passphrase-file",
            str(secret),
            "--kdf-profile",
            "interactive",
        )
    ).splitlines()
    assert out[0].startswith("carnetpk1") and out[1].startswith("fingerprint: ")
    return path, out[0], out[1].split(": ", 1)[1]


def org_run(
    vault: VaultFixture, action: str, bundle: Path, key: Path, passphrase: object, *extra: str
) -> Result:
    """`carnet bundle ACTION` as the organisation runs it: its own key file and passphrase."""
    return run_carnet(
        vault.cenv,
        "bundle",
        action,
        str(bundle),
        "--key",
        str(key),
        "--passphrase-file",
        str(passphrase),
        *extra,
    )


def key_pair(path: Path) -> RecipientKeyPair:
    return open_key_file(path.read_bytes(), normalize_passphrase(KEY_PASSPHRASE))


def recorded(vault: VaultFixture, tmp_path: Path) -> tuple[str, str]:
    incident = ok(
        vault.run(
            "incident",
            "add",
            "--title",
            "Arrest at the market",
            "--narrative",
            "Three activists taken",
            "--country",
            "CD",
            "--violation",
            "arbitrary-detention",
        )
    ).split()[-1]
    named = ok(
        vault.run(
            "person",
            "add",
            "--name",
            "Amani Kasongo",
            "--incident",
            incident,
            "--role",
            "victim",
            "--consent",
            "share",
            "--consent-org",
            "Front Line Defenders",
        )
    ).split()[-1]
    ok(
        vault.run(
            "person", "add", "--name", "Secret Witness", "--incident", incident, "--role", "witness"
        )
    )
    del named
    photo = tmp_path / "IMG_0042.jpg"
    photo.write_bytes(make_jpeg(None, make="Canon", model="EOS 5D", gps=(-1.68, 29.22, 1500.0)))
    ok(vault.run("attach", incident, str(photo)))
    return incident, hashlib.sha256(photo.read_bytes()).hexdigest()


def test_export_open_and_verify_round_trip(vault: VaultFixture, tmp_path: Path) -> None:
    key_path, public, fingerprint = keygen(vault)
    ok(vault.run("destination", "add", "Front Line Defenders", "--key", public))
    shown = ok(vault.run("destination", "show", "Front Line Defenders"))
    assert fingerprint in shown
    incident, photo_hash = recorded(vault, tmp_path)
    bundle = tmp_path / "out.carnet"
    result = vault.run(
        "export", "--to", "Front Line Defenders", "--incident", incident, "--out", str(bundle)
    )
    assert result.code == 0, result.err
    assert "pseudonym" in result.err
    pass_file = str(vault.cenv.root / "secrets" / "org.key.pass")
    verified = ok(org_run(vault, "verify", bundle, key_path, pass_file))
    assert "signed by" in verified
    out = tmp_path / "opened"
    ok(org_run(vault, "open", bundle, key_path, pass_file, "--out", str(out)))
    document = json.loads((out / "incidents.json").read_text())
    [event] = document["events"]
    assert event["title"] == "Arrest at the market"
    names = {p["name"] for p in document["people"]}
    assert "Amani Kasongo" in names and "Secret Witness" not in names
    [attachment] = event["attachments"]
    assert attachment["sha256"] == photo_hash
    assert hashlib.sha256((out / attachment["path"]).read_bytes()).hexdigest() == photo_hash
    report = (out / "report.html").read_text()
    assert "Arrest at the market" in report and "Secret Witness" not in report
    assert "http://" not in report and "https://" not in report
    assert "data:image/jpeg;base64," in report
    custody = [json.loads(line) for line in (out / "custody.jsonl").read_text().splitlines()]
    assert [row["action"] for row in custody][:2] == ["create", "attach"]
    log = json.loads(ok(vault.run("custody", "show", "--json")))
    assert log[-1]["action"] == "export"


def test_strip_metadata_ships_the_stripped_copy(vault: VaultFixture, tmp_path: Path) -> None:
    _, public, _ = keygen(vault)
    incident, photo_hash = recorded(vault, tmp_path)
    bundle = tmp_path / "stripped.carnet"
    ok(
        vault.run(
            "export",
            "--to",
            public,
            "--incident",
            incident,
            "--strip-metadata",
            "--include-nonconsenting",
            "--out",
            str(bundle),
        )
    )
    keys = key_pair(vault.cenv.root / "org.key")
    out = tmp_path / "opened"
    open_bundle_to(bundle, keys, out)
    document = json.loads((out / "incidents.json").read_text())
    [attachment] = document["events"][0]["attachments"]
    assert attachment["stripped"] and attachment["original_sha256"] == photo_hash
    assert "gps_latitude" not in attachment["metadata"]
    shipped = (out / attachment["path"]).read_bytes()
    assert b"Canon" not in shipped
    assert {p["name"] for p in document["people"]} >= {"Secret Witness"}  # explicitly included


def test_outbox_when_no_out(vault: VaultFixture, tmp_path: Path) -> None:
    _, public, _ = keygen(vault)
    recorded(vault, tmp_path)
    path = Path(ok(vault.run("export", "--to", public, "--all")).strip())
    assert path.parent == vault.cenv.vault / "outbox" and path.exists()
    [item] = json.loads(ok(vault.run("outbox", "list", "--json")))
    assert item["path"] == str(path) and item["sent_at"] is None


def test_wrong_key_file_passphrase_and_wrong_recipient(vault: VaultFixture, tmp_path: Path) -> None:
    key_path, public, _ = keygen(vault)
    other_path, _, _ = keygen(vault, "other.key")
    recorded(vault, tmp_path)
    bundle = tmp_path / "b.carnet"
    ok(vault.run("export", "--to", public, "--all", "--out", str(bundle)))
    wrong = vault.cenv.secret_file("not the passphrase", "wrong")
    result = org_run(vault, "verify", bundle, key_path, str(wrong))
    assert result.code == 3
    with pytest.raises(CannotUnlockError, match="not addressed to this key"):
        verify_bundle(bundle, key_pair(other_path))


def test_tampered_bundle_exits_4_and_leaves_no_folder(vault: VaultFixture, tmp_path: Path) -> None:
    key_path, public, _ = keygen(vault)
    recorded(vault, tmp_path)
    bundle = tmp_path / "b.carnet"
    ok(vault.run("export", "--to", public, "--all", "--out", str(bundle)))
    data = bytearray(bundle.read_bytes())
    data[len(data) // 2] ^= 1
    bundle.write_bytes(bytes(data))
    out = tmp_path / "opened"
    result = org_run(
        vault,
        "open",
        bundle,
        key_path,
        str(vault.cenv.root / "secrets" / "org.key.pass"),
        "--out",
        str(out),
    )
    assert result.code == 4 and "Traceback" not in result.err
    assert not out.exists() and [p for p in tmp_path.iterdir() if "opened" in p.name] == []


def test_mistyped_key_is_refused(vault: VaultFixture) -> None:
    pair = generate_key_pair()
    from crypto.public_keys import encode_public_key

    text = encode_public_key(pair.public_key)
    typo = text[:20] + ("a" if text[20] != "a" else "b") + text[21:]
    result = vault.run("destination", "add", "Lifeline", "--key", typo)
    assert result.code == 2 and "typo" in result.err


# --- crafted archives ----------------------------------------------------------------


def seal_tar(members: list[tuple[tarfile.TarInfo, bytes]], pair: RecipientKeyPair) -> bytes:
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for info, data in members:
            tar.addfile(info, io.BytesIO(data) if info.isreg() else None)
    out = io.BytesIO()
    writer = BundleWriter([pair.public_key], out, 1024)
    writer.write(raw.getvalue())
    writer.close()
    return out.getvalue()


def manifest_for(entries: list[tuple[str, bytes]], pair: RecipientKeyPair) -> bytes:
    """A valid unsigned manifest (version 2) addressed to `pair`: each crafted archive then
    fails on the one thing it breaks, read with ReadPolicy(accept_unsigned=True)."""
    return json.dumps(
        {
            "format": "carnet-bundle-manifest",
            "version": 2,
            "recipients": [{"fingerprint": key_fingerprint(pair.public_key), "destination": None}],
            "bundle_id": "x" * 32,
            "created_at": "2026-01-01T00:00:00Z",
            "app_version": "t",
            "incidents": 0,
            "sender": {"signing_key": None, "fingerprint": None},
            "signed": False,
            "entries": [
                {"path": p, "size": len(d), "sha256": hashlib.sha256(d).hexdigest()}
                for p, d in entries
            ],
        }
    ).encode()


def regular(name: str, data: bytes) -> tuple[tarfile.TarInfo, bytes]:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    return info, data


def special(name: str, kind: bytes, target: str = "") -> tuple[tarfile.TarInfo, bytes]:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = target
    return info, b""


CRAFTED = {
    "parent traversal": regular("../evil.txt", b"x"),
    "nested traversal": regular("attachments/a/../../../evil", b"x"),
    "absolute path": regular("/etc/evil", b"x"),
    "symlink": special("incidents.json", tarfile.SYMTYPE, "/etc/passwd"),
    "hardlink": special("incidents.json", tarfile.LNKTYPE, "manifest.json"),
    "device": special("incidents.json", tarfile.CHRTYPE),
    "fifo": special("incidents.json", tarfile.FIFOTYPE),
    "directory": special("attachments", tarfile.DIRTYPE),
    "unlisted": regular("report.html", b"<p>not in the manifest</p>"),
}


def test_uncrafted_control_bundle_opens(tmp_path: Path) -> None:
    """The crafted cases below differ from this one only by the member they add."""
    pair = generate_key_pair()
    listed = [("incidents.json", EMPTY_INCIDENTS)]
    members = [regular("manifest.json", manifest_for(listed, pair)), regular(*listed[0])]
    bundle = tmp_path / "control.carnet"
    bundle.write_bytes(seal_tar(members, pair))
    assert open_bundle_to(bundle, pair, tmp_path / "out", UNSIGNED_OK).files == 1


@pytest.mark.parametrize("kind", list(CRAFTED))
def test_crafted_members_are_refused(kind: str, tmp_path: Path) -> None:
    pair = generate_key_pair()
    listed = [("incidents.json", EMPTY_INCIDENTS)]
    members = [
        regular("manifest.json", manifest_for(listed, pair)),
        regular("incidents.json", EMPTY_INCIDENTS),
    ]
    members.insert(1, CRAFTED[kind])
    bundle = tmp_path / "crafted.carnet"
    bundle.write_bytes(seal_tar(members, pair))
    with pytest.raises(IntegrityError):
        open_bundle_to(bundle, pair, tmp_path / "out", UNSIGNED_OK)
    assert not (tmp_path / "out").exists()
    assert not (tmp_path.parent / "evil.txt").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["crafted.carnet"]


def test_duplicate_and_missing_members_are_refused(tmp_path: Path) -> None:
    pair = generate_key_pair()
    listed = [("incidents.json", EMPTY_INCIDENTS)]
    duplicate = [
        regular("manifest.json", manifest_for(listed, pair)),
        regular("incidents.json", EMPTY_INCIDENTS),
        regular("incidents.json", EMPTY_INCIDENTS),
    ]
    missing = [
        regular("manifest.json", manifest_for([*listed, ("report.html", b"r")], pair)),
        regular("incidents.json", EMPTY_INCIDENTS),
    ]
    for members in (duplicate, missing):
        bundle = tmp_path / "b.carnet"
        bundle.write_bytes(seal_tar(members, pair))
        with pytest.raises(IntegrityError):
            verify_bundle(bundle, pair, UNSIGNED_OK)


# --- the independent reader, from docs/bundle-format.md ---------------------------------


def spec_blake2b(data: bytes, size: int, key: bytes = b"", person: bytes = b"") -> bytes:
    return sodium.crypto_generichash_blake2b_salt_personal(
        data, digest_size=size, key=key, person=person.ljust(16, b"\x00")
    )


def spec_read(bundle: bytes, public: bytes, secret: bytes) -> dict[str, bytes]:
    """Decrypt and check a bundle following only the specification."""
    assert bundle[:8] == b"CARNETBN"
    assert int.from_bytes(bundle[8:10], "big") == 1
    count = bundle[10]
    chunk = int.from_bytes(bundle[12:16], "big")
    stanzas_end = 16 + 80 * count
    file_key = None
    for i in range(count):
        try:
            file_key = sodium.crypto_box_seal_open(
                bundle[16 + 80 * i : 96 + 80 * i], public, secret
            )
            break
        except Exception:  # noqa: S112 - the spec: try each stanza
            continue
    assert file_key is not None and len(file_key) == 32
    stream_header = bundle[stanzas_end : stanzas_end + 24]
    mac = bundle[stanzas_end + 24 : stanzas_end + 56]
    k_mac = spec_blake2b(b"", 32, file_key, b"carnet-bndl-mac")
    assert hmac.compare_digest(mac, spec_blake2b(bundle[: stanzas_end + 24], 32, k_mac))
    k_payload = spec_blake2b(b"", 32, file_key, b"carnet-bndl-data")
    state = sodium.crypto_secretstream_xchacha20poly1305_state()
    sodium.crypto_secretstream_xchacha20poly1305_init_pull(state, stream_header, k_payload)
    rest, plain = bundle[stanzas_end + 56 :], b""
    while True:
        piece, rest = rest[: chunk + 17], rest[chunk + 17 :]
        message, tag = sodium.crypto_secretstream_xchacha20poly1305_pull(state, piece, mac)
        plain += message
        if tag == sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL:
            assert rest == b""
            break
    files = {}
    with tarfile.open(fileobj=io.BytesIO(plain), mode="r:") as tar:
        for member in tar.getmembers():
            assert member.isreg()
            data = tar.extractfile(member)
            assert data is not None
            files[member.name] = data.read()
    manifest = json.loads(files["manifest.json"])
    for entry in manifest["entries"]:
        assert hashlib.sha256(files[entry["path"]]).hexdigest() == entry["sha256"]
    signing_key = bytes.fromhex(manifest["sender"]["signing_key"])
    opened = sodium.crypto_sign_open(files["manifest.sig"] + files["manifest.json"], signing_key)
    assert opened == files["manifest.json"]
    return files


def test_independent_reader_opens_an_exported_bundle(vault: VaultFixture, tmp_path: Path) -> None:
    key_path, public, _ = keygen(vault)
    recorded(vault, tmp_path)
    bundle = tmp_path / "b.carnet"
    ok(vault.run("export", "--to", public, "--all", "--out", str(bundle)))
    pair = key_pair(key_path)
    files = spec_read(bundle.read_bytes(), pair.public_key, pair.secret_key)
    assert {
        "manifest.json",
        "manifest.sig",
        "incidents.json",
        "report.html",
        "custody.jsonl",
    } <= set(files)


def test_key_file_profile_is_recorded(tmp_path: Path) -> None:
    from crypto.recipient_keys import seal_key_file

    pair = generate_key_pair()
    data = seal_key_file(pair, b"pass phrase", KdfProfile.INTERACTIVE)
    assert data[10] == KdfProfile.INTERACTIVE.code and len(data) == 132


def test_seventeen_recipient_keys_are_refused_by_export(vault: VaultFixture) -> None:
    from crypto.public_keys import encode_public_key

    ok(vault.run("incident", "add", "--title", "t"))
    keys = [encode_public_key(generate_key_pair().public_key) for _ in range(17)]
    args = [arg for key in keys for arg in ("--to", key)]
    result = vault.run("export", *args, "--all", "--out", str(vault.cenv.root / "b.carnet"))
    assert result.code == 2 and "at most 16" in result.err
    assert not (vault.cenv.root / "b.carnet").exists()


def test_two_gib_bundle_is_written_and_opened_with_flat_memory(tmp_path: Path) -> None:
    """Export and open of a 2 GiB attachment each raise peak RSS by at most 64 MiB."""
    source = tmp_path / "two-gib.bin"
    with source.open("wb") as out:
        out.truncate(2 * 1024**3)
    request = {
        "vault": str(tmp_path / "vault"),
        "sources": [str(source)],
        "out": str(tmp_path / "big.carnet"),
        "open_to": str(tmp_path / "opened"),
    }
    figures = run_measuring_child("tests.bench.export_child", request)
    assert figures["payload_bytes"] > 2 * 1024**3
    assert figures["export_rss_growth_mib"] <= 64, figures
    assert figures["open_rss_growth_mib"] <= 64, figures
    [opened] = list((tmp_path / "opened" / "attachments").glob("*/*/two-gib.bin"))
    assert opened.stat().st_size == 2 * 1024**3
    shutil.rmtree(tmp_path)  # 6 GiB written: do not keep it among pytest's last runs
