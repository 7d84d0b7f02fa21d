"""Who a bundle was for and who made it, end to end through the real CLI.

The re-sealing attack is done as an attacker would: recipient A opens the bundle with
its own key and crypto/bundle.py, and seals the very same signed plaintext to C.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from app.export.bundle_reader import open_bundle_to
from crypto.bundle import BundleWriter, open_bundle
from tests.conftest import VaultFixture
from tests.test_bundles import key_pair, keygen, ok, org_run, recorded

FLD = "Front Line Defenders"


def _pass(vault: VaultFixture, name: str) -> str:
    return str(vault.cenv.root / "secrets" / f"{name}.pass")


def _export(vault: VaultFixture, tmp_path: Path, *args: str) -> Path:
    bundle = tmp_path / "sent.carnet"
    ok(vault.run("export", *args, "--all", "--out", str(bundle)))
    return bundle


def test_resealed_to_a_third_party_is_detected(vault: VaultFixture, tmp_path: Path) -> None:
    a_key, a_public, _ = keygen(vault, "a.key")
    c_key, _, _ = keygen(vault, "c.key")
    ok(vault.run("destination", "add", FLD, "--key", a_public))
    recorded(vault, tmp_path)
    bundle = _export(vault, tmp_path, "--to", FLD)
    mine = ok(org_run(vault, "verify", bundle, a_key, _pass(vault, "a.key")))
    assert "this key is among the recipients the sender signed for" in mine
    assert f"'{FLD}'" in mine

    # The attacker: recipient A decrypts, then re-seals the same signed members to C.
    a = key_pair(a_key)
    with bundle.open("rb") as source:
        plain = b"".join(open_bundle(source, a.public_key, a.secret_key))
    resealed = tmp_path / "resealed.carnet"
    with resealed.open("wb") as out:
        writer = BundleWriter([key_pair(c_key).public_key], out)
        writer.write(plain)
        writer.close()

    refused = org_run(vault, "verify", resealed, c_key, _pass(vault, "c.key"))
    assert refused.code == 4 and "signed for other recipients" in refused.err
    opened_dir = tmp_path / "opened-c"
    refused = org_run(
        vault, "open", resealed, c_key, _pass(vault, "c.key"), "--out", str(opened_dir)
    )
    assert refused.code == 4 and not opened_dir.exists()
    accepted = org_run(vault, "verify", resealed, c_key, _pass(vault, "c.key"), "--accept-resealed")
    assert accepted.code == 0, accepted.err
    assert "this key is NOT among the recipients the sender signed for" in accepted.out
    assert "re-sealed it" in accepted.err


def test_unsigned_is_loud_and_refused_without_the_flag(vault: VaultFixture, tmp_path: Path) -> None:
    key, public, _ = keygen(vault)
    recorded(vault, tmp_path)
    bundle = _export(vault, tmp_path, "--to", public, "--no-sign")
    refused = org_run(vault, "verify", bundle, key, _pass(vault, "org.key"))
    assert refused.code == 4 and "NOT signed" in refused.err and "--accept-unsigned" in refused.err
    out = tmp_path / "opened"
    accepted = org_run(
        vault, "open", bundle, key, _pass(vault, "org.key"), "--out", str(out), "--accept-unsigned"
    )
    assert accepted.code == 0, accepted.err
    assert "NOT signed" in accepted.out and "WARNING" in accepted.err
    assert "(a raw key)" in accepted.out  # the manifest's recipient without a name


def test_known_and_unknown_senders(vault: VaultFixture, tmp_path: Path) -> None:
    key, public, _ = keygen(vault)
    recorded(vault, tmp_path)
    bundle = _export(vault, tmp_path, "--to", public)
    first = ok(org_run(vault, "verify", bundle, key, _pass(vault, "org.key")))
    assert "UNKNOWN sender" in first
    fingerprint = next(
        line.removeprefix("signed by ")
        for line in first.splitlines()
        if line.startswith("signed by")
    )
    cenv = vault.cenv
    from tests.conftest import run_carnet

    added = run_carnet(
        cenv, "sender", "add", "Amani, Goma office", fingerprint.replace(" ", ""), "--key", str(key)
    )
    assert added.code == 0, added.err
    listing = json.loads((key.parent / "org.key.senders").read_text())
    assert listing["senders"] == [{"name": "Amani, Goma office", "fingerprint": fingerprint}]
    assert fingerprint in ok(run_carnet(cenv, "sender", "list", "--key", str(key)))
    known = ok(org_run(vault, "verify", bundle, key, _pass(vault, "org.key")))
    assert "known sender: 'Amani, Goma office'" in known and "UNKNOWN" not in known
    again = run_carnet(cenv, "sender", "add", "Someone else", fingerprint, "--key", str(key))
    assert again.code == 2 and "already known" in again.err
    ok(run_carnet(cenv, "sender", "remove", "amani, goma office", "--key", str(key)))
    assert "UNKNOWN sender" in ok(org_run(vault, "verify", bundle, key, _pass(vault, "org.key")))
    missing = run_carnet(cenv, "sender", "remove", "nobody", "--key", str(key))
    assert missing.code == 5

    (key.parent / "org.key.senders").write_text('{"format": "carnet-known-senders", "senders": 1}')
    broken = org_run(vault, "verify", bundle, key, _pass(vault, "org.key"))
    assert broken.code == 2 and "not a valid list of known senders" in broken.err
    assert len(broken.err.splitlines()) == 1


def test_long_arabic_attachment_name_exports_and_opens(notebook: Any, tmp_path: Path) -> None:
    """A name recorded on Windows (255 UTF-16 units: 500 bytes of UTF-8) cannot be created
    on Linux or macOS; the vault holds it as recorded (set here in the store, as a vault
    made on Windows and restored here would). The exporter's path is portable, the name
    in incidents.json the original, and the bundle opens."""
    from app.export.exporter import ExportRequest
    from app.models import IncidentInput
    from crypto.public_keys import encode_public_key
    from crypto.recipient_keys import generate_key_pair

    pair = generate_key_pair()
    incident = notebook.incidents.add(IncidentInput(title="t"))
    source = tmp_path / "photo.jpg"
    source.write_bytes(b"not really a jpeg, but evidence all the same")
    [_outcome] = notebook.attachments.attach(incident, [source])
    name = "صورة الاعتقال في السوق المركزي " * 6 + "CON:.jpg"
    assert len(name.encode()) > 255 and len(name) <= 255
    with notebook.session.db.transaction() as conn:
        conn.execute("UPDATE attachments SET original_name = ?", (name,))
    bundle = tmp_path / "b.carnet"
    request = ExportRequest([encode_public_key(pair.public_key)], None)
    notebook.exporter.export(request, bundle)
    out = tmp_path / "opened"
    summary = open_bundle_to(bundle, pair, out)
    assert summary.renamed == ()  # the exporter already wrote a portable path
    document = json.loads((out / "incidents.json").read_text())
    [item] = document["events"][0]["attachments"]
    assert item["name"] == name  # the original name stays in the records
    shipped = Path(item["path"]).name
    assert len(shipped.encode()) <= 200 and shipped.endswith(".jpg") and ":" not in shipped
    assert (out / item["path"]).read_bytes() == source.read_bytes()
