"""--strip-metadata through the real CLI: attach, export, `bundle open`, then exiftool.

Also: a type Carnet cannot strip stops the export (listed, exit 2, no bundle) unless
--unstripped-files include|exclude says what to do; `attachment strip` on a damaged
video is one line of error and no new attachment.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import av
import pikepdf
import pytest
from PIL import Image

from tests.conftest import Result, VaultFixture
from tests.exiftool_judge import identifying, planted, read_tags
from tests.media_factory import encoded_media, tagged_image, tagged_media, tagged_pdf
from tests.test_bundles import keygen, org_run
from tests.test_no_plaintext import scan, scanned_roots


def ok(result: Result) -> str:
    assert result.code == 0, result.err
    return result.out


def incident(vault: VaultFixture) -> str:
    return ok(vault.run("incident", "add", "--title", "checkpoint")).split()[-1]


def attach(vault: VaultFixture, incident_id: str, *paths: Path) -> list[str]:
    out = ok(vault.run("attach", incident_id, *map(str, paths)))
    return [line.split()[0] for line in out.strip().splitlines()]


def evidence(folder: Path) -> list[Path]:
    folder.mkdir()
    return [
        *(tagged_image(folder, kind) for kind in ("JPEG", "PNG", "WEBP", "TIFF", "HEIF")),
        tagged_media(folder, "mp4"),
        tagged_media(folder, "mov"),
        tagged_pdf(folder),
    ]


def export(vault: VaultFixture, public: str, bundle: Path, *extra: str) -> Result:
    return vault.run(
        "export", "--to", public, "--all", "--strip-metadata", "--out", str(bundle), *extra
    )


def opened(vault: VaultFixture, bundle: Path, key: Path, out: Path) -> list[dict[str, Any]]:
    passphrase = vault.cenv.root / "secrets" / "org.key.pass"
    ok(org_run(vault, "open", bundle, key, passphrase, "--out", str(out)))
    document = json.loads((out / "incidents.json").read_text())
    return [a for event in document["events"] for a in event["attachments"]]


def test_export_strip_metadata_then_bundle_open_is_clean(
    vault: VaultFixture, tmp_path: Path
) -> None:
    key, public, _ = keygen(vault)
    sources = evidence(tmp_path / "phone")
    for source in sources:
        assert planted(read_tags(source)), source.name  # each original carries the canaries
    originals = {p.name: p.read_bytes() for p in sources}
    attach(vault, incident(vault), *sources)
    bundle = tmp_path / "stripped.carnet"
    ok(export(vault, public, bundle))
    files = opened(vault, bundle, key, tmp_path / "opened")
    assert len(files) == len(sources)
    by_type: dict[str, list[Path]] = {}
    for item in files:
        assert item["stripped"], item["path"]
        path = tmp_path / "opened" / item["path"]
        tags = read_tags(path)
        assert identifying(tags) == {}, (item["path"], identifying(tags))
        assert planted(tags) == set(), item["path"]
        by_type.setdefault(tags["File:MIMEType"], []).append(path)
    # The HEIC photo (which used to make the whole export fail) arrives as a JPEG, the
    # TIFF as a PNG.
    assert {k: len(v) for k, v in by_type.items()} == {
        "application/pdf": 1,
        "image/jpeg": 2,
        "image/png": 2,
        "image/webp": 1,
        "video/mp4": 1,
        "video/quicktime": 1,
    }
    for image in by_type["image/jpeg"] + by_type["image/png"] + by_type["image/webp"]:
        with Image.open(image) as decoded:
            assert decoded.size == (64, 48)
    for video in by_type["video/mp4"] + by_type["video/quicktime"]:
        with av.open(str(video)) as container:
            assert [s.type for s in container.streams] == ["video", "audio"]
            assert abs(float(container.duration or 0) / av.time_base - 1.0) < 0.1
    assert {p.name: p.read_bytes() for p in sources} == originals  # originals untouched


def test_unstrippable_files_stop_the_export_unless_chosen(
    vault: VaultFixture, tmp_path: Path
) -> None:
    key, public, _ = keygen(vault)
    folder = tmp_path / "files"
    folder.mkdir()
    photo = tagged_image(folder, "JPEG")
    document = folder / "witness-list.docx"  # Word keeps the author's name in docProps
    with zipfile.ZipFile(document, "w") as docx:
        docx.writestr("[Content_Types].xml", "<Types/>")
        docx.writestr("word/document.xml", "<w:document/>")
        docx.writestr("docProps/core.xml", "<dc:creator>Canary Author</dc:creator>")
    notes = folder / "notes.txt"
    notes.write_text("plain text carries no hidden metadata\n")
    incident_id = incident(vault)
    photo_id, doc_id, _ = attach(vault, incident_id, photo, document, notes)

    stopped = export(vault, public, tmp_path / "stopped.carnet")
    assert stopped.code == 2, stopped.err
    [line] = stopped.err.strip().splitlines()  # one line, no traceback
    assert line.startswith("carnet: error: --strip-metadata: 1 file cannot be stripped")
    docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert f"attachment {doc_id} of incident {incident_id} ({docx}" in line
    assert "--unstripped-files include" in line and "witness-list" not in line
    assert not (tmp_path / "stopped.carnet").exists()
    assert not list(tmp_path.glob("*.partial"))

    excluded = tmp_path / "excluded.carnet"
    result = export(vault, public, excluded, "--unstripped-files", "exclude")
    assert result.code == 0, result.err
    assert f"left out of the bundle: attachment {doc_id}" in result.err
    files = opened(vault, excluded, key, tmp_path / "x")
    assert sorted(f["name"] for f in files) == ["notes.txt", "photo.jpg"]
    assert all(f["stripped"] for f in files if f["name"] == "photo.jpg")

    included = tmp_path / "included.carnet"
    result = export(vault, public, included, "--unstripped-files", "include")
    assert result.code == 0, result.err
    assert f"shipped WITH its metadata: attachment {doc_id}" in result.err
    files = {f["name"]: f for f in opened(vault, included, key, tmp_path / "i")}
    assert sorted(files) == ["notes.txt", "photo.jpg", "witness-list.docx"]
    assert not files["witness-list.docx"]["stripped"]
    assert files["photo.jpg"]["stripped"]
    assert (
        tmp_path / "i" / files["witness-list.docx"]["path"]
    ).read_bytes() == document.read_bytes()
    assert photo_id != doc_id


def test_unstripped_files_needs_strip_metadata(vault: VaultFixture, tmp_path: Path) -> None:
    _, public, _ = keygen(vault)
    incident(vault)
    result = vault.run(
        "export", "--to", public, "--all", "--unstripped-files", "include", "--out", str(tmp_path)
    )
    assert result.code == 2 and "only meaningful with --strip-metadata" in result.err


def test_a_damaged_video_fails_the_strip_export_with_one_line(
    vault: VaultFixture, tmp_path: Path
) -> None:
    _, public, _ = keygen(vault)
    folder = tmp_path / "files"
    folder.mkdir()
    clip = tagged_media(folder, "mp4")
    damaged = folder / "damaged.mp4"
    damaged.write_bytes(clip.read_bytes()[:700])
    incident_id = incident(vault)
    [video_id] = attach(vault, incident_id, damaged)
    strip = vault.run("attachment", "strip", video_id)
    assert strip.code == 2
    [line] = strip.err.strip().splitlines()
    assert line.startswith("carnet: error: the file could not be remuxed")
    listed = json.loads(ok(vault.run("attachment", "list", incident_id, "--json")))
    assert len(listed) == 1  # no half-made copy registered
    result = export(vault, public, tmp_path / "b.carnet")
    assert result.code == 2
    assert f"attachment {video_id} of incident {incident_id} (video/mp4: the file" in result.err
    assert "Traceback" not in result.err


def test_cli_strip_of_a_video_makes_a_clean_copy(vault: VaultFixture, tmp_path: Path) -> None:
    folder = tmp_path / "files"
    folder.mkdir()
    incident_id = incident(vault)
    [video_id] = attach(vault, incident_id, tagged_media(folder, "mov"))
    copy = json.loads(ok(vault.run("attachment", "strip", video_id, "--json")))
    assert copy["derived_from"] == int(video_id) and copy["name"] == "clip-stripped.mov"
    assert copy["media_type"] == "video/quicktime" and copy["metadata"]["streams"] == 2
    out = tmp_path / "copy.mov"
    ok(vault.run("attachment", "extract", str(copy["id"]), "--out", str(out)))
    assert identifying(read_tags(out)) == {}


def test_stripping_writes_no_plaintext_anywhere(vault: VaultFixture, tmp_path: Path) -> None:
    """The strips run in memory: no decrypted original or copy lands in TMPDIR, HOME, the
    vault or the working folder (the sources are outside every scanned folder)."""
    canary = "CANARY-strip-7d1f0a"
    folder = tmp_path / "outside"
    folder.mkdir()
    clip = folder / "clip.mov"
    clip.write_bytes(encoded_media("mov", "mpeg4", "aac", title=canary))
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.pages[0].Contents = pdf.make_stream(f"BT /F1 12 Tf 10 10 Td ({canary}) Tj ET".encode())
    document = folder / "statement.pdf"
    pdf.save(document, compress_streams=False)
    photo = tagged_image(folder, "HEIF")
    assert canary.encode() in clip.read_bytes() and canary.encode() in document.read_bytes()
    _, public, _ = keygen(vault)
    ids = attach(vault, incident(vault), clip, document, photo)
    for attachment_id in ids:  # each strip is checked on its own
        ok(vault.run("attachment", "strip", attachment_id))
        assert scan(scanned_roots(vault.cenv), canary) == [], attachment_id
    ok(vault.run("export", "--to", public, "--all", "--strip-metadata"))  # into the outbox
    assert scan(scanned_roots(vault.cenv), canary) == []


def test_files_above_the_cap_are_refused_before_decryption(
    notebook: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.errors import RefusedFileError
    from app.evidence import strip_video
    from app.export import stripping
    from tests.test_attachments import nb, new_incident

    book = nb(notebook)
    folder = tmp_path / "files"
    folder.mkdir()
    clip = tagged_media(folder, "mp4")
    [outcome] = book.attachments.attach(new_incident(book), [clip])
    assert outcome.attachment is not None
    video = outcome.attachment
    monkeypatch.setattr(strip_video, "MAX_STRIP_MEDIA_BYTES", video.size - 1)

    def no_decryption(attachment_id: int) -> None:
        raise AssertionError("decrypted a file it was going to refuse")

    monkeypatch.setattr(book.attachments, "chunks", no_decryption)
    with pytest.raises(RefusedFileError, match=f"attachment {video.id} is larger than"):
        book.attachments.strip(video.id)
    plan = stripping.plan(book.attachments, [video], stripping.Unstripped.EXCLUDE)
    assert plan.shipped == {}
    [problem] = plan.unstripped
    assert problem.attachment_id == video.id and "the strip's limit" in problem.reason
