"""Evidence files: intake, extraction, tampering, stripping, deletion, crash safety.

Service tests use the `notebook` fixture (a real SQLCipher vault); CLI tests run the
real `carnet` process against a vault made by `carnet init`.
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from app.errors import NotFoundError
from app.evidence.attachments import AttachmentService
from app.evidence.blobs import BlobStore
from app.evidence.file_names import safe_file_name
from app.models import IncidentInput
from app.notebook import Notebook
from crypto.blob_stream import CHUNK_OVERHEAD, DEFAULT_CHUNK_SIZE, PREAMBLE_BYTES
from crypto.blob_stream import STREAM_HEADER_BYTES as HEADER
from tests.conftest import Result, VaultFixture, run_measuring_child
from tests.image_factory import make_bomb_png, make_jpeg
from tests.test_no_plaintext import scan, scanned_roots

CHUNK = DEFAULT_CHUNK_SIZE
SMALL_CHUNK = 1024


def nb(notebook: object) -> Notebook:
    assert isinstance(notebook, Notebook)
    return notebook


def ok(result: Result) -> str:
    assert result.code == 0, result.err
    return result.out


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def pattern(size: int, seed: int = 1) -> bytes:
    block = hashlib.sha256(seed.to_bytes(4, "big")).digest() * 2048  # 64 KiB, not all zero
    return (block * (size // len(block) + 1))[:size]


def new_incident(notebook: Notebook, title: str = "Raid on the office") -> int:
    return notebook.incidents.add(IncidentInput(title))


# --- service: round trips ---------------------------------------------------------


@pytest.mark.parametrize(
    "size",
    [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, CHUNK * 7 // 2],
    ids=["0", "1", "chunk-1", "chunk", "chunk+1", "3.5chunks"],
)
def test_round_trip_at_chunk_boundaries(notebook: object, tmp_path: Path, size: int) -> None:
    notebook = nb(notebook)
    incident = new_incident(notebook)
    data = pattern(size)
    source = tmp_path / "evidence.bin"
    source.write_bytes(data)
    [outcome] = notebook.attachments.attach(incident, [source])
    attachment = outcome.attachment
    assert attachment is not None, outcome.error
    assert (attachment.size, attachment.sha256) == (size, sha256(data))
    assert attachment.original_name == "evidence.bin"
    out = notebook.attachments.extract(attachment.id, tmp_path / "back.bin")
    assert out.read_bytes() == data
    assert source.read_bytes() == data  # without --delete-source the original stays


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.binary(max_size=5 * SMALL_CHUNK + 7))
def test_round_trip_property(
    notebook: object, tmp_path_factory: pytest.TempPathFactory, data: bytes
) -> None:
    notebook = nb(notebook)
    small = AttachmentService(
        notebook.session.db,
        notebook.attachments.blobs,
        notebook.custody,
        chunk_size=SMALL_CHUNK,
    )
    folder = tmp_path_factory.mktemp("prop")
    source = folder / "f"
    source.write_bytes(data)
    incident = new_incident(notebook)
    [outcome] = small.attach(incident, [source])
    assert outcome.attachment is not None
    assert outcome.attachment.sha256 == sha256(data)
    assert b"".join(small.chunks(outcome.attachment.id)) == data


def test_blob_names_and_database_hold_no_original_name(notebook: object, tmp_path: Path) -> None:
    notebook = nb(notebook)
    source = tmp_path / "witness-statement-Goma.pdf"
    source.write_bytes(b"%PDF-1.4\n" + b"x" * 100)
    [outcome] = notebook.attachments.attach(new_incident(notebook), [source])
    assert outcome.attachment is not None
    assert outcome.attachment.media_type == "application/pdf"
    for path in notebook.attachments.blobs.root.rglob("*"):
        assert "witness" not in path.name and "Goma" not in path.name
    assert notebook.attachments.blobs.stored_ids() == {
        p.name for p in notebook.attachments.blobs.root.glob("*/*") if p.name != ".lock"
    }


def test_media_type_is_by_content_not_extension(notebook: object, tmp_path: Path) -> None:
    notebook = nb(notebook)
    disguised = tmp_path / "notes.txt"
    disguised.write_bytes(make_jpeg(None))
    [outcome] = notebook.attachments.attach(new_incident(notebook), [disguised])
    assert outcome.attachment is not None
    assert outcome.attachment.media_type == "image/jpeg"


# --- service: batches, folders, failures -------------------------------------------


def test_one_failure_does_not_lose_the_others(notebook: object, tmp_path: Path) -> None:
    notebook = nb(notebook)
    good1, good2 = tmp_path / "a.bin", tmp_path / "b.bin"
    good1.write_bytes(b"first")
    good2.write_bytes(b"second")
    bomb = tmp_path / "bomb.png"
    bomb.write_bytes(make_bomb_png())
    missing = tmp_path / "missing.bin"
    outcomes = notebook.attachments.attach(new_incident(notebook), [good1, bomb, missing, good2])
    assert [o.attachment is not None for o in outcomes] == [True, False, False, True]
    assert "decompression bomb" in (outcomes[1].error or "")
    assert outcomes[2].error == "no such file"
    assert (outcomes[1].error_code, outcomes[2].error_code) == (2, 5)


def test_a_folder_is_walked_and_links_inside_it_are_skipped(
    notebook: object, tmp_path: Path
) -> None:
    notebook = nb(notebook)
    folder = tmp_path / "DCIM"
    (folder / "day2").mkdir(parents=True)
    (folder / "one.bin").write_bytes(b"1")
    (folder / "day2" / "two.bin").write_bytes(b"22")
    outside = tmp_path / "outside.bin"
    outside.write_bytes(b"not in the folder")
    (folder / "link.bin").symlink_to(outside)
    outcomes = notebook.attachments.attach(new_incident(notebook), [folder])
    kept = {o.attachment.original_name for o in outcomes if o.attachment is not None}
    assert kept == {"DCIM/one.bin", "DCIM/day2/two.bin"}
    [skipped] = [o for o in outcomes if o.attachment is None]
    assert "symbolic link" in (skipped.error or "")


def test_unknown_incident_is_refused_before_anything_is_written(
    notebook: object, tmp_path: Path
) -> None:
    notebook = nb(notebook)
    source = tmp_path / "a.bin"
    source.write_bytes(b"data")
    with pytest.raises(NotFoundError):
        notebook.attachments.attach(9999, [source], delete_source=True)
    assert source.exists()
    assert notebook.attachments.blobs.stored_ids() == set()


def test_delete_source_removes_the_original_only_after_verifying(
    notebook: object, tmp_path: Path
) -> None:
    notebook = nb(notebook)
    source = tmp_path / "original.mp4"
    data = pattern(CHUNK + 5)
    source.write_bytes(data)
    [outcome] = notebook.attachments.attach(new_incident(notebook), [source], delete_source=True)
    assert outcome.source_deleted and outcome.attachment is not None
    assert not source.exists()
    assert b"".join(notebook.attachments.chunks(outcome.attachment.id)) == data


def test_a_failed_intake_never_deletes_the_source(notebook: object, tmp_path: Path) -> None:
    notebook = nb(notebook)
    bomb = tmp_path / "bomb.png"
    bomb.write_bytes(make_bomb_png())
    [outcome] = notebook.attachments.attach(new_incident(notebook), [bomb], delete_source=True)
    assert outcome.attachment is None and not outcome.source_deleted
    assert bomb.exists()


def test_cancel_stops_and_registers_nothing_for_the_file_in_progress(
    notebook: object, tmp_path: Path
) -> None:
    from app.progress import CancelToken

    notebook = nb(notebook)
    source = tmp_path / "big.bin"
    source.write_bytes(pattern(CHUNK * 6))
    other = tmp_path / "next.bin"
    other.write_bytes(b"never reached")
    token = CancelToken()

    def progress(done: int, total: int, stage: str) -> None:
        if done >= 2 * CHUNK:
            token.cancel()

    incident = new_incident(notebook)
    outcomes = notebook.attachments.attach(
        incident, [source, other], progress=progress, cancel=token
    )
    assert [o.error for o in outcomes] == ["cancelled", "cancelled"]
    assert notebook.attachments.list_for(incident) == []
    assert notebook.attachments.blobs.stored_ids() == set()
    assert not list(notebook.attachments.blobs.root.glob("*/*.part"))


# --- service: deletion, orphans ---------------------------------------------------------


def test_delete_removes_row_and_blob_and_incident_delete_removes_all(
    notebook: object, tmp_path: Path
) -> None:
    notebook = nb(notebook)
    incident = new_incident(notebook)
    paths = []
    for n in range(3):
        path = tmp_path / f"{n}.bin"
        path.write_bytes(bytes([n]) * 10)
        paths.append(path)
    outcomes = notebook.attachments.attach(incident, paths)
    ids = [o.attachment.id for o in outcomes if o.attachment is not None]
    blobs = notebook.attachments.blobs
    assert len(blobs.stored_ids()) == 3
    notebook.attachments.delete(ids[0])
    assert len(blobs.stored_ids()) == 2
    with pytest.raises(NotFoundError):
        notebook.attachments.get(ids[0])
    notebook.incidents.delete(incident)
    assert blobs.stored_ids() == set()
    with pytest.raises(NotFoundError):
        notebook.attachments.get(ids[1])


def test_orphans_and_part_files_are_swept_at_unlock(vault: VaultFixture, tmp_path: Path) -> None:
    source = tmp_path / "kept.bin"
    source.write_bytes(b"kept")
    incident = ok(vault.run("incident", "add", "--title", "t")).split()[-1]
    ok(vault.run("attach", incident, str(source)))
    blobs = BlobStore(vault.cenv.vault / "blobs")
    [kept] = blobs.stored_ids()
    orphan = blobs.root / "ab" / ("ab" + "0" * 30)
    orphan.parent.mkdir(exist_ok=True)
    orphan.write_bytes(b"left by a crash")
    part = blobs.root / "cd" / ("cd" + "1" * 30 + ".part")
    part.parent.mkdir(exist_ok=True)
    part.write_bytes(b"half written")
    ok(vault.run("incident", "list"))
    assert blobs.stored_ids() == {kept}
    assert not part.exists()


def test_sweep_waits_for_a_running_intake(tmp_path: Path) -> None:
    blobs = BlobStore(tmp_path / "blobs")
    with blobs.intake_lock(), blobs.writing(blobs.new_id()) as out:
        out.write(b"in progress")
        assert blobs.sweep(set()) is None  # another intake holds the lock: no sweep
    assert blobs.sweep(set()) == 1  # the unregistered blob is an orphan now


def test_safe_file_name() -> None:
    assert safe_file_name("DCIM/day2/IMG 1.jpg") == "IMG 1.jpg"
    assert safe_file_name("..\\..\\evil") == "evil"
    assert safe_file_name("../..") == "attachment"
    assert safe_file_name(".hidden") == "hidden"
    assert safe_file_name("a\x00b\nc") == "abc"


# --- CLI --------------------------------------------------------------------------------


def attach_cli(vault: VaultFixture, *args: str) -> Result:
    return vault.run("attach", *args)


def test_cli_attach_prints_id_hash_and_name(vault: VaultFixture, tmp_path: Path) -> None:
    incident = ok(vault.run("incident", "add", "--title", "t")).split()[-1]
    a, b = tmp_path / "a.jpg", tmp_path / "b.bin"
    a.write_bytes(make_jpeg(None))
    b.write_bytes(b"bee")
    out = ok(attach_cli(vault, incident, str(a), str(b)))
    lines = [line.split(" ", 2) for line in out.strip().splitlines()]
    assert [line[2] for line in lines] == ["a.jpg", "b.bin"]
    assert lines[1][1] == sha256(b"bee")
    listed = json.loads(ok(vault.run("attachment", "list", incident, "--json")))
    assert [item["id"] for item in listed] == [int(line[0]) for line in lines]
    assert listed[0]["media_type"] == "image/jpeg"
    as_json = json.loads(ok(attach_cli(vault, incident, str(b), "--json")))
    assert as_json[0]["sha256"] == sha256(b"bee") and as_json[0]["source_deleted"] is False


def test_cli_partial_failure_summary_and_exit_code(vault: VaultFixture, tmp_path: Path) -> None:
    incident = ok(vault.run("incident", "add", "--title", "t")).split()[-1]
    good = tmp_path / "good.bin"
    good.write_bytes(b"good")
    result = attach_cli(vault, incident, str(good), str(tmp_path / "nope.bin"))
    assert result.code == 5
    assert result.out.strip().endswith("good.bin")
    assert "nope.bin: no such file" in result.err
    assert "Attached 1 of 2 files" in result.err
    assert "Traceback" not in result.err


def test_cli_extract_and_refuse_to_overwrite(vault: VaultFixture, tmp_path: Path) -> None:
    incident = ok(vault.run("incident", "add", "--title", "t")).split()[-1]
    source = tmp_path / "clip.bin"
    data = pattern(CHUNK * 2 + 3)
    source.write_bytes(data)
    ident = ok(attach_cli(vault, incident, str(source))).split()[0]
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    ok(vault.run("attachment", "extract", ident, "--out", str(out_dir)))
    assert (out_dir / "clip.bin").read_bytes() == data
    again = vault.run("attachment", "extract", ident, "--out", str(out_dir / "clip.bin"))
    assert again.code == 2 and "already exists" in again.err
    missing = vault.run("attachment", "extract", "999", "--out", str(out_dir / "x"))
    assert missing.code == 5


def blob_path(vault: VaultFixture) -> Path:
    [blob] = BlobStore(vault.cenv.vault / "blobs").stored_ids()
    return vault.cenv.vault / "blobs" / blob[:2] / blob


def tamper(kind: str, blob: bytes) -> bytes:
    head = PREAMBLE_BYTES + HEADER
    step = CHUNK + CHUNK_OVERHEAD
    body = blob[head:]
    chunks = [body[i : i + step] for i in range(0, len(body), step)]
    if kind == "flip":
        at = head + step + 100
        return blob[:at] + bytes([blob[at] ^ 0x80]) + blob[at + 1 :]
    if kind == "truncate":
        return blob[: len(blob) - 1000]
    if kind == "drop-chunk":
        return blob[:head] + chunks[0] + b"".join(chunks[2:])
    if kind == "swap-chunks":
        return blob[:head] + chunks[1] + chunks[0] + b"".join(chunks[2:])
    if kind == "append-garbage":
        return blob + b"garbage"
    raise ValueError(kind)


@pytest.mark.parametrize(
    "kind", ["flip", "truncate", "drop-chunk", "swap-chunks", "append-garbage"]
)
def test_cli_tampered_blob_exits_4_and_leaves_no_output(
    vault: VaultFixture, tmp_path: Path, kind: str
) -> None:
    incident = ok(vault.run("incident", "add", "--title", "t")).split()[-1]
    source = tmp_path / "video.bin"
    source.write_bytes(pattern(CHUNK * 7 // 2))
    ident = ok(attach_cli(vault, incident, str(source))).split()[0]
    path = blob_path(vault)
    path.write_bytes(tamper(kind, path.read_bytes()))
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    result = vault.run("attachment", "extract", ident, "--out", str(out_dir / "video.bin"))
    assert result.code == 4, result.err
    assert result.err.startswith("carnet: error:") and "Traceback" not in result.err
    assert list(out_dir.iterdir()) == []


def test_cli_extract_refuses_when_the_recorded_hash_disagrees(
    vault: VaultFixture, tmp_path: Path
) -> None:
    """The blob is intact (every chunk tag verifies); only the recorded SHA-256 changed, so
    it is the whole-file comparison that refuses, after the last chunk was written."""
    incident = ok(vault.run("incident", "add", "--title", "t")).split()[-1]
    source = tmp_path / "video.bin"
    data = pattern(CHUNK * 5 // 2)
    source.write_bytes(data)
    ident = int(ok(attach_cli(vault, incident, str(source))).split()[0])
    path = blob_path(vault)
    blob_before = path.read_bytes()
    forged = sha256(data + b"x")
    _set_recorded_hash(vault, ident, forged)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    result = vault.run("attachment", "extract", str(ident), "--out", str(out_dir / "video.bin"))
    assert result.code == 4, result.err
    assert result.err.strip() == (
        f"carnet: error: attachment {ident} does not match its recorded hash"
    )
    assert list(out_dir.iterdir()) == []  # no output, no partial file
    assert path.read_bytes() == blob_before
    # The same blob extracts once the true hash is back: the refusal was the hash alone.
    _set_recorded_hash(vault, ident, sha256(data))
    ok(vault.run("attachment", "extract", str(ident), "--out", str(out_dir / "video.bin")))
    assert (out_dir / "video.bin").read_bytes() == data


def _set_recorded_hash(vault: VaultFixture, attachment_id: int, digest: str) -> None:
    from app.device_share import NoDeviceShares
    from app.paths import VaultPaths
    from app.vault import VaultService

    with (
        VaultService(VaultPaths(vault.cenv.vault), NoDeviceShares()).unlock(
            vault.passphrase
        ) as session,
        session.db.transaction() as conn,
    ):
        changed = conn.execute(
            "UPDATE attachments SET sha256 = ? WHERE id = ?", (digest, attachment_id)
        ).rowcount
    if changed != 1:
        raise AssertionError(f"no attachment {attachment_id} to change")


def test_cli_strip_makes_a_copy_without_metadata(vault: VaultFixture, tmp_path: Path) -> None:
    incident = ok(vault.run("incident", "add", "--title", "t")).split()[-1]
    photo = tmp_path / "IMG_0042.jpg"
    photo.write_bytes(
        make_jpeg(
            None,
            date="2024:03:05 14:22:10",
            make="Canon",
            model="EOS 5D",
            gps=(-1.6792, 29.2228, 1500.0),
        )
    )
    original_hash = sha256(photo.read_bytes())
    ident = ok(attach_cli(vault, incident, str(photo))).split()[0]
    [info] = json.loads(ok(vault.run("attachment", "list", incident, "--json")))
    assert info["captured_at"].startswith("2024-03-05T14:22:10")
    assert info["metadata"]["camera_make"] == "Canon"
    assert info["metadata"]["gps_latitude"] == pytest.approx(-1.6792, abs=1e-3)
    copy = json.loads(ok(vault.run("attachment", "strip", ident, "--json")))
    assert copy["derived_from"] == int(ident) and copy["sha256"] != original_hash
    again = json.loads(ok(vault.run("attachment", "strip", ident, "--json")))
    assert again["id"] == copy["id"]  # one stripped copy per original
    out = tmp_path / "shared.jpg"
    ok(vault.run("attachment", "extract", str(copy["id"]), "--out", str(out)))
    stripped = out.read_bytes()
    assert b"Canon" not in stripped and b"Exif" not in stripped
    with Image.open(io.BytesIO(stripped)) as image:
        assert not image.getexif()
    original_out = tmp_path / "original.jpg"
    ok(vault.run("attachment", "extract", ident, "--out", str(original_out)))
    assert sha256(original_out.read_bytes()) == original_hash  # the original is untouched
    text = vault.run("attachment", "strip", str(copy["id"]))
    assert text.code == 2


def test_cli_bomb_is_refused_cleanly(vault: VaultFixture, tmp_path: Path) -> None:
    incident = ok(vault.run("incident", "add", "--title", "t")).split()[-1]
    bomb = tmp_path / "bomb.png"
    bomb.write_bytes(make_bomb_png())
    result = attach_cli(vault, incident, str(bomb))
    assert result.code == 2
    assert "decompression bomb" in result.err and "Traceback" not in result.err
    assert BlobStore(vault.cenv.vault / "blobs").stored_ids() == set()


def test_cli_delete_source(vault: VaultFixture, tmp_path: Path) -> None:
    incident = ok(vault.run("incident", "add", "--title", "t")).split()[-1]
    source = tmp_path / "from-the-phone.mp4"
    source.write_bytes(pattern(5000))
    result = attach_cli(vault, incident, str(source), "--delete-source")
    assert result.code == 0, result.err
    assert "Original removed" in result.err
    assert not source.exists()


def test_cli_attachment_delete(vault: VaultFixture, tmp_path: Path) -> None:
    incident = ok(vault.run("incident", "add", "--title", "t")).split()[-1]
    source = tmp_path / "a.bin"
    source.write_bytes(b"a")
    ident = ok(attach_cli(vault, incident, str(source))).split()[0]
    ok(vault.run("attachment", "delete", ident, "--yes"))
    assert BlobStore(vault.cenv.vault / "blobs").stored_ids() == set()
    assert vault.run("attachment", "delete", ident, "--yes").code == 5


def test_custody_rows_for_every_evidence_action(vault: VaultFixture, tmp_path: Path) -> None:
    incident = ok(vault.run("incident", "add", "--title", "t")).split()[-1]
    photo = tmp_path / "p.jpg"
    photo.write_bytes(make_jpeg(None))
    ident = ok(attach_cli(vault, incident, str(photo))).split()[0]
    ok(vault.run("attachment", "extract", ident, "--out", str(tmp_path / "x.jpg")))
    ok(vault.run("attachment", "strip", ident))
    ok(vault.run("attachment", "delete", ident, "--yes"))
    ok(vault.run("incident", "edit", incident, "--status", "documented"))
    ok(vault.run("incident", "delete", incident, "--yes"))
    entries = json.loads(ok(vault.run("custody", "show", "--json")))
    actions = [(e["action"], e["subject"]) for e in entries]
    assert actions == [
        ("create", f"incident {incident}"),
        ("attach", f"attachment {ident}"),
        ("extract", f"attachment {ident}"),
        ("strip", f"attachment {int(ident) + 1}"),
        ("delete", f"attachment {ident}"),
        ("edit", f"incident {incident}"),
        ("delete", f"incident {incident}"),
    ]
    assert entries[1]["details"]["sha256"] == sha256(photo.read_bytes())
    assert entries[5]["details"]["changed"] == ["status"]
    ok(vault.run("custody", "verify"))


# --- security properties ----------------------------------------------------------------


def test_canary_in_file_contents_never_reaches_disk(vault: VaultFixture, tmp_path: Path) -> None:
    canary = "CANARY-evidence-5c81e2"
    outside = tmp_path / "outside"  # not under any scanned folder
    outside.mkdir()
    text = (f"statement of the witness {canary} " * 20000).encode()  # ~0.8 MiB
    source = outside / "statement.txt"
    source.write_bytes(text)
    photo = outside / "photo.jpg"
    photo.write_bytes(make_jpeg(None, make=canary, model=canary))
    incident = ok(vault.run("incident", "add", "--title", "t")).split()[-1]
    out = ok(attach_cli(vault, incident, str(source), str(photo)))
    photo_id = out.strip().splitlines()[1].split()[0]
    ok(vault.run("attachment", "strip", photo_id))
    ok(vault.run("attachment", "list", incident))
    ok(vault.run("custody", "show"))
    from crypto.public_keys import encode_public_key
    from crypto.recipient_keys import generate_key_pair

    recipient = encode_public_key(generate_key_pair().public_key)
    ok(vault.run("export", "--to", recipient, "--all"))  # into the outbox, in the vault
    ok(vault.run("export", "--to", recipient, "--all", "--strip-metadata"))
    assert len(list((vault.cenv.vault / "outbox").iterdir())) == 2
    assert scan(scanned_roots(vault.cenv), canary) == []


def test_sigkill_during_a_large_intake_leaves_no_orphan(
    vault: VaultFixture, tmp_path: Path
) -> None:
    incident = ok(vault.run("incident", "add", "--title", "t")).split()[-1]
    source = tmp_path / "large.bin"
    with source.open("wb") as out:
        for n in range(192):
            out.write(pattern(CHUNK, seed=n))
    expected = sha256(source.read_bytes())
    blobs = BlobStore(vault.cenv.vault / "blobs")
    for delay in (0.25, 0.6, 1.0):
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "app",
                "--vault",
                str(vault.cenv.vault),
                "attach",
                incident,
                str(source),
                "--passphrase-file",
                str(vault.passphrase_file),
            ],
            env=vault.cenv.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=30)
        listed = json.loads(ok(vault.run("attachment", "list", incident, "--json")))
        assert blobs.stored_ids() == {_blob_of(vault, item["id"]) for item in listed}
        assert not list(blobs.root.glob("*/*.part"))
        for item in listed:
            assert item["sha256"] == expected
    ok(vault.run("custody", "verify"))


def _blob_of(vault: VaultFixture, attachment_id: int) -> str:
    from app.device_share import NoDeviceShares
    from app.paths import VaultPaths
    from app.vault import VaultService

    with (
        VaultService(VaultPaths(vault.cenv.vault), NoDeviceShares()).unlock(
            vault.passphrase
        ) as session,
        session.db.reading() as conn,
    ):
        return str(
            conn.execute(
                "SELECT blob_id FROM attachments WHERE id = ?", (attachment_id,)
            ).fetchone()[0]
        )


def test_two_gib_intake_keeps_memory_flat(tmp_path: Path) -> None:
    """A 2 GiB file raises peak RSS by at most 64 MiB (sparse source: fast to make)."""
    source = tmp_path / "two-gib.bin"
    with source.open("wb") as out:
        out.truncate(2 * 1024**3)
    request = {"vault": str(tmp_path / "vault"), "source": str(source)}
    figures = run_measuring_child("tests.bench.intake_child", request)
    assert figures["rss_growth_mib"] <= 64, figures
    shutil.rmtree(tmp_path)  # a 2 GiB blob: do not keep it among pytest's last runs
