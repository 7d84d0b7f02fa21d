"""The bundle reader against crafted bundles: each test performs one attack.

Every bundle here is real: a tar stream sealed with crypto/bundle.py to a real key pair,
as an attacker holding the organisation's public key would make it. Each test guards
one check in app/export/bundle_reader.py or app/export/tar_stream.py and fails when that
check alone is removed.
"""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.errors import CarnetError, IntegrityError, UsageError
from app.export import bundle_reader
from app.export.bundle_reader import ReadPolicy, open_bundle_to, verify_bundle
from app.export.names import MAX_SEGMENT_BYTES, portable_segment
from app.export.tar_stream import printable
from crypto.bundle import BundleWriter
from crypto.public_keys import key_fingerprint
from crypto.recipient_keys import RecipientKeyPair, generate_key_pair
from crypto.signing import DeviceSigner
from tests.conftest import Result

UNSIGNED_OK = ReadPolicy(accept_unsigned=True)
INCIDENTS_JSON = json.dumps(
    {"format": "carnet-incidents", "version": 1, "language": "en", "events": [], "people": []}
).encode()


def _entry(path: str, data: bytes) -> dict[str, Any]:
    return {"path": path, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}


def manifest(
    pair: RecipientKeyPair,
    files: list[tuple[str, bytes]],
    signer: DeviceSigner | None = None,
    **overrides: Any,
) -> dict[str, Any]:
    document: dict[str, Any] = {
        "format": "carnet-bundle-manifest",
        "version": 2,
        "bundle_id": "b" * 32,
        "created_at": "2026-01-01T00:00:00Z",
        "app_version": "t",
        "incidents": 0,
        "sender": {
            "signing_key": signer.public_key.hex() if signer else None,
            "fingerprint": signer.fingerprint if signer else None,
        },
        "signed": signer is not None,
        "recipients": [{"fingerprint": key_fingerprint(pair.public_key), "destination": None}],
        "entries": [_entry(p, d) for p, d in files],
    }
    document.update(overrides)
    return document


def member(name: str, data: bytes) -> tuple[tarfile.TarInfo, bytes]:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    return info, data


def seal(plain: bytes, pair: RecipientKeyPair) -> bytes:
    out = io.BytesIO()
    writer = BundleWriter([pair.public_key], out, 1024)
    writer.write(plain)
    writer.close()
    return out.getvalue()


def tar_of(
    members: list[tuple[tarfile.TarInfo, bytes]],
    raw_after: Callable[[tarfile.TarFile], None] | None = None,
) -> bytes:
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for info, data in members:
            tar.addfile(info, io.BytesIO(data))
        if raw_after is not None:
            raw_after(tar)
    return raw.getvalue()


def crafted(
    tmp_path: Path,
    pair: RecipientKeyPair,
    files: list[tuple[str, bytes]],
    *,
    signer: DeviceSigner | None = None,
    manifest_bytes: bytes | None = None,
    signature: bytes | None = None,
    members: list[tuple[tarfile.TarInfo, bytes]] | None = None,
    tail: bytes = b"",
    **overrides: Any,
) -> Path:
    """A bundle as an attacker makes it: manifest, optional signature, then the files."""
    if manifest_bytes is None:
        manifest_bytes = json.dumps(manifest(pair, files, signer, **overrides)).encode()
    if signature is None and signer is not None:
        signature = signer.sign(manifest_bytes)
    listed = [member("manifest.json", manifest_bytes)]
    if signature is not None:
        listed.append(member("manifest.sig", signature))
    listed += members if members is not None else [member(p, d) for p, d in files]
    path = tmp_path / "crafted.carnet"
    path.write_bytes(seal(tar_of(listed) + tail, pair))
    return path


def only_bundle_left(tmp_path: Path) -> bool:
    return sorted(p.name for p in tmp_path.iterdir()) == ["crafted.carnet"]


@pytest.fixture
def pair() -> RecipientKeyPair:
    return generate_key_pair()


# --- part 3: signatures ---------------------------------------------------------------


def test_unsigned_bundle_is_refused_unless_accepted(tmp_path: Path, pair: RecipientKeyPair) -> None:
    bundle = crafted(tmp_path, pair, [("incidents.json", INCIDENTS_JSON)])
    with pytest.raises(IntegrityError, match="NOT signed"):
        verify_bundle(bundle, pair)
    with pytest.raises(IntegrityError, match="NOT signed"):
        open_bundle_to(bundle, pair, tmp_path / "out")
    assert only_bundle_left(tmp_path)
    summary = open_bundle_to(bundle, pair, tmp_path / "out", UNSIGNED_OK)
    assert not summary.signed and summary.addressed_to_reader


def test_signature_by_another_key_than_the_manifest_names_is_refused(
    tmp_path: Path, pair: RecipientKeyPair
) -> None:
    defender, attacker = DeviceSigner(b"d" * 32), DeviceSigner(b"a" * 32)
    document = manifest(pair, [("incidents.json", INCIDENTS_JSON)], defender)
    data = json.dumps(document).encode()
    bundle = crafted(
        tmp_path,
        pair,
        [("incidents.json", INCIDENTS_JSON)],
        manifest_bytes=data,
        signature=attacker.sign(data),
    )
    with pytest.raises(IntegrityError, match="signature does not verify"):
        verify_bundle(bundle, pair, UNSIGNED_OK)


def test_forged_signature_bytes_are_refused(tmp_path: Path, pair: RecipientKeyPair) -> None:
    defender = DeviceSigner(b"d" * 32)
    document = manifest(pair, [("incidents.json", INCIDENTS_JSON)], defender)
    data = json.dumps(document).encode()
    forged = bytearray(defender.sign(data))
    forged[0] ^= 1
    bundle = crafted(
        tmp_path,
        pair,
        [("incidents.json", INCIDENTS_JSON)],
        manifest_bytes=data,
        signature=bytes(forged),
    )
    with pytest.raises(IntegrityError, match="signature does not verify"):
        verify_bundle(bundle, pair, UNSIGNED_OK)


def test_sender_fingerprint_must_match_its_key(tmp_path: Path, pair: RecipientKeyPair) -> None:
    defender, other = DeviceSigner(b"d" * 32), DeviceSigner(b"o" * 32)
    bundle = crafted(
        tmp_path,
        pair,
        [("incidents.json", INCIDENTS_JSON)],
        signer=defender,
        sender={"signing_key": defender.public_key.hex(), "fingerprint": other.fingerprint},
    )
    with pytest.raises(IntegrityError, match="fingerprint does not match"):
        verify_bundle(bundle, pair)


def test_manifest_says_unsigned_while_a_signature_is_present(
    tmp_path: Path, pair: RecipientKeyPair
) -> None:
    files = [("incidents.json", INCIDENTS_JSON)]
    data = json.dumps(manifest(pair, files)).encode()
    bundle = crafted(
        tmp_path, pair, files, manifest_bytes=data, signature=DeviceSigner(b"d" * 32).sign(data)
    )
    with pytest.raises(IntegrityError, match="says unsigned but a signature is present"):
        verify_bundle(bundle, pair, UNSIGNED_OK)


def test_signed_for_other_recipients_is_refused_unless_accepted(
    tmp_path: Path, pair: RecipientKeyPair
) -> None:
    other = generate_key_pair()
    recipients = [{"fingerprint": key_fingerprint(other.public_key), "destination": "FLD"}]
    bundle = crafted(
        tmp_path,
        pair,
        [("incidents.json", INCIDENTS_JSON)],
        signer=DeviceSigner(b"d" * 32),
        recipients=recipients,
    )
    with pytest.raises(IntegrityError, match="signed for other recipients"):
        verify_bundle(bundle, pair)
    summary = verify_bundle(bundle, pair, ReadPolicy(accept_resealed=True))
    assert not summary.addressed_to_reader
    assert [r.destination for r in summary.recipients] == ["FLD"]


def test_sender_report_html_never_reaches_the_opened_folder(
    tmp_path: Path, pair: RecipientKeyPair
) -> None:
    evil = b'<html><img src="https://tracker.example/p.gif"><script>alert(1)</script></html>'
    document = json.loads(INCIDENTS_JSON)
    document["events"] = [_event("<b>Arrest</b> at the market")]
    incidents = json.dumps(document).encode()
    files = [("incidents.json", incidents), ("report.html", evil)]
    bundle = crafted(tmp_path, pair, files, signer=DeviceSigner(b"d" * 32))
    out = tmp_path / "out"
    open_bundle_to(bundle, pair, out)
    report = (out / "report.html").read_bytes()
    assert b"tracker" not in report and b"<script>" not in report
    assert b"&lt;b&gt;Arrest&lt;/b&gt; at the market" in report  # ours: escaped
    assert b"<i>1</i>" not in report and b"&lt;i&gt;1&lt;/i&gt;" in report  # even a size
    assert b"default-src 'none'" in report
    assert not any(b"tracker" in p.read_bytes() for p in out.rglob("*") if p.is_file())


def test_sender_report_html_is_still_hash_checked(tmp_path: Path, pair: RecipientKeyPair) -> None:
    files = [("incidents.json", INCIDENTS_JSON), ("report.html", b"<p>listed</p>")]
    members = [member("incidents.json", INCIDENTS_JSON), member("report.html", b"<p>LISTED</p>")]
    bundle = crafted(tmp_path, pair, files, members=members)
    with pytest.raises(IntegrityError, match="SHA-256 differs"):
        verify_bundle(bundle, pair, UNSIGNED_OK)


def _event(title: str) -> dict[str, Any]:
    return {
        "id": "e1",
        "title": title,
        "description": "",
        "date": {"text": "2026-01-01"},
        "location": {"text": "Goma", "country": "CD"},
        "status": "open",
        "tags": [],
        "acts": [],
        "involvements": [],
        "interventions": [],
        "attachments": [
            {
                "path": "attachments/e1/a1/x.jpg",
                "name": "x.jpg",
                "media_type": "image/jpeg",
                "size": "<i>1</i>",
                "captured_at": None,
                "sha256": "0" * 64,
                "original_sha256": "0" * 64,
                "stripped": False,
            }
        ],
    }


# --- part 6: archive shape --------------------------------------------------------------


def _gnu_sparse(name: str, realsize: int) -> Callable[[tarfile.TarFile], None]:
    """A GNU sparse member ('S'): one stored byte that extracts to `realsize` bytes."""

    def write(tar: tarfile.TarFile) -> None:
        info = tarfile.TarInfo(name)
        info.type = tarfile.GNUTYPE_SPARSE
        info.size = 1
        header = bytearray(info.tobuf(tarfile.GNU_FORMAT, "utf-8", "surrogateescape"))
        block = len(header) - tarfile.BLOCKSIZE  # the last block is the member's own header
        header[block + 386 : block + 398] = b"%011o\x00" % (realsize - 1)
        header[block + 398 : block + 410] = b"%011o\x00" % 1
        header[block + 483 : block + 495] = b"%011o\x00" % realsize
        header[block + 148 : block + 156] = b" " * 8
        checksum = sum(header[block : block + tarfile.BLOCKSIZE])
        header[block + 148 : block + 156] = b"%06o\x00 " % checksum
        data = b"X" + bytes(tarfile.BLOCKSIZE - 1)
        assert tar.fileobj is not None
        tar.fileobj.write(bytes(header) + data)
        tar.offset += len(header) + len(data)

    return write


def _sparse_bundle(tmp_path: Path, pair: RecipientKeyPair, realsize: int) -> Path:
    name = "attachments/e1/a1/small.bin"
    expanded = bytes(realsize - 1) + b"X"
    files = [("incidents.json", INCIDENTS_JSON), (name, expanded)]
    data = json.dumps(manifest(pair, files)).encode()
    raw = tar_of(
        [member("manifest.json", data), member("incidents.json", INCIDENTS_JSON)],
        _gnu_sparse(name, realsize),
    )
    path = tmp_path / "crafted.carnet"
    path.write_bytes(seal(raw, pair))
    return path


def test_gnu_sparse_member_is_refused(tmp_path: Path, pair: RecipientKeyPair) -> None:
    bundle = _sparse_bundle(tmp_path, pair, 4000)  # smaller than the bundle: the type alone
    assert bundle.stat().st_size > 4000
    with pytest.raises(IntegrityError, match="sparse member"):
        open_bundle_to(bundle, pair, tmp_path / "out", UNSIGNED_OK)
    assert only_bundle_left(tmp_path)


def test_pax_sparse_member_is_refused(tmp_path: Path, pair: RecipientKeyPair) -> None:
    name = "attachments/e1/a1/small.bin"
    info = tarfile.TarInfo(name)
    sparse_map = b"1\n3999\n1\n".ljust(tarfile.BLOCKSIZE, b"\x00") + b"X"
    info.size = len(sparse_map)
    info.pax_headers = {
        "GNU.sparse.major": "1",
        "GNU.sparse.minor": "0",
        "GNU.sparse.name": name,
        "GNU.sparse.realsize": "4000",
    }
    files = [("incidents.json", INCIDENTS_JSON), (name, bytes(3999) + b"X")]
    members = [member("incidents.json", INCIDENTS_JSON), (info, sparse_map)]
    bundle = crafted(tmp_path, pair, files, members=members)
    with pytest.raises(IntegrityError, match="sparse member"):
        open_bundle_to(bundle, pair, tmp_path / "out", UNSIGNED_OK)


def test_members_larger_than_the_bundle_are_refused(
    tmp_path: Path, pair: RecipientKeyPair, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The size cap holds even for a member kind the type check did not know about."""
    import app.export.tar_stream as tar_stream

    monkeypatch.setattr(tar_stream, "plain_regular", lambda info: info.isreg())
    bundle = _sparse_bundle(tmp_path, pair, 8 * 1024 * 1024)
    with pytest.raises(IntegrityError, match="larger than the file itself"):
        open_bundle_to(bundle, pair, tmp_path / "out", UNSIGNED_OK)
    assert only_bundle_left(tmp_path)


@pytest.mark.parametrize("size", [1, 29, 500_000, 1024 * 1024 + 777_777])
@pytest.mark.parametrize("where", ["first", "last"])
def test_any_nonzero_byte_after_the_archive_is_refused(
    tmp_path: Path, pair: RecipientKeyPair, size: int, where: str
) -> None:
    garbage = bytearray(size)
    garbage[0 if where == "first" else -1] = 0x41
    files = [("incidents.json", INCIDENTS_JSON)]
    bundle = crafted(tmp_path, pair, files, tail=bytes(garbage))
    with pytest.raises(IntegrityError, match="data after its archive"):
        verify_bundle(bundle, pair, UNSIGNED_OK)


def test_zero_padding_after_the_archive_is_accepted(tmp_path: Path, pair: RecipientKeyPair) -> None:
    bundle = crafted(tmp_path, pair, [("incidents.json", INCIDENTS_JSON)], tail=bytes(3_000_000))
    assert verify_bundle(bundle, pair, UNSIGNED_OK).files == 1


# --- part 6: crafted content reaching "unexpected" ---------------------------------------


def test_dotdot_inside_an_accepted_shape_is_refused(tmp_path: Path, pair: RecipientKeyPair) -> None:
    name = "attachments/../../planted.txt"
    files = [("incidents.json", INCIDENTS_JSON), (name, b"planted")]
    bundle = crafted(tmp_path, pair, files)
    out = tmp_path / "deep" / "out"
    out.parent.mkdir()
    with pytest.raises(IntegrityError, match="unsafe path"):
        open_bundle_to(bundle, pair, out, UNSIGNED_OK)
    assert not list(tmp_path.rglob("planted*"))


def test_same_size_different_content_is_refused(tmp_path: Path, pair: RecipientKeyPair) -> None:
    name = "attachments/e1/a1/photo.jpg"
    files = [("incidents.json", INCIDENTS_JSON), (name, b"genuine!")]
    members = [member("incidents.json", INCIDENTS_JSON), member(name, b"replaced")]
    bundle = crafted(tmp_path, pair, files, members=members)
    with pytest.raises(IntegrityError, match="SHA-256 differs"):
        open_bundle_to(bundle, pair, tmp_path / "out", UNSIGNED_OK)
    assert only_bundle_left(tmp_path)


def test_long_arabic_name_is_shortened_on_extraction(
    tmp_path: Path, pair: RecipientKeyPair
) -> None:
    long_name = "صورة الاعتقال في السوق " * 12 + ".jpg"  # about 500 bytes of UTF-8
    assert len(long_name.encode()) > 255
    name = f"attachments/e1/a1/{long_name}"
    files = [("incidents.json", INCIDENTS_JSON), (name, b"photo")]
    out = tmp_path / "out"
    summary = open_bundle_to(crafted(tmp_path, pair, files), pair, out, UNSIGNED_OK)
    [(original, disk)] = summary.renamed
    assert original == name and disk.endswith(".jpg")
    assert len(disk.rsplit("/", 1)[1].encode()) <= MAX_SEGMENT_BYTES
    assert (out / disk).read_bytes() == b"photo"
    listed = json.loads((out / "manifest.json").read_text())
    assert name in [e["path"] for e in listed["entries"]]  # the original name is kept


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("CON", "_CON"),
        ("nul.txt", "_nul.txt"),
        ("COM1.jpg", "_COM1.jpg"),
        ("a:b?.jpg", "a_b_.jpg"),
        ('q<"|*>.png', "q_____.png"),
        ("trailing. ", "trailing"),
    ],
)
def test_windows_unsafe_names_are_renamed_safely(
    tmp_path: Path, pair: RecipientKeyPair, name: str, expected: str
) -> None:
    path = f"attachments/e1/a1/{name}"
    files = [("incidents.json", INCIDENTS_JSON), (path, b"evidence")]
    out = tmp_path / "out"
    summary = open_bundle_to(crafted(tmp_path, pair, files), pair, out, UNSIGNED_OK)
    assert summary.renamed == ((path, f"attachments/e1/a1/{expected}"),)
    assert (out / "attachments/e1/a1" / expected).read_bytes() == b"evidence"


def test_case_collision_is_refused(tmp_path: Path, pair: RecipientKeyPair) -> None:
    files = [
        ("incidents.json", INCIDENTS_JSON),
        ("attachments/e1/a1/Photo.jpg", b"one"),
        ("attachments/e1/a1/photo.JPG", b"two"),
    ]
    with pytest.raises(IntegrityError, match="case-insensitive"):
        open_bundle_to(crafted(tmp_path, pair, files), pair, tmp_path / "out", UNSIGNED_OK)
    assert only_bundle_left(tmp_path)


# --- through the CLI: exit 4 and one escaped line ----------------------------------------


@pytest.fixture
def org_key(cli: Callable[..., Result], carnet_env: Any) -> tuple[Path, Path, RecipientKeyPair]:
    from crypto.kdf import normalize_passphrase
    from crypto.recipient_keys import open_key_file

    key = carnet_env.root / "org.key"
    secret = carnet_env.secret_file("organisation key passphrase", "org.pass")
    result = cli(
        "keygen",
        "--out",
        str(key),
        "--new-passphrase-file",
        str(secret),
        "--kdf-profile",
        "interactive",
    )
    assert result.code == 0, result.err
    opened = open_key_file(key.read_bytes(), normalize_passphrase("organisation key passphrase"))
    return key, secret, opened


def _verify(
    cli: Callable[..., Result], key: Path, secret: Path, bundle: Path, *extra: str
) -> Result:
    return cli(
        "bundle", "verify", str(bundle), "--key", str(key), "--passphrase-file", str(secret), *extra
    )


def _one_line_exit_4(result: Result) -> str:
    assert result.code == 4, (result.code, result.err)
    lines = result.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("carnet: error: "), result.err
    assert "Traceback" not in result.err and "unexpected" not in result.err
    return lines[0]


CRAFTED_MANIFESTS: dict[str, Callable[[RecipientKeyPair], bytes]] = {
    "incidents of the wrong type": lambda p: json.dumps(
        manifest(p, [("incidents.json", INCIDENTS_JSON)], incidents=[1])
    ).encode(),
    "incidents a boolean": lambda p: json.dumps(
        manifest(p, [("incidents.json", INCIDENTS_JSON)], incidents=True)
    ).encode(),
    "deeply nested": lambda p: b"[" * 200_000 + b"]" * 200_000,
    "deeply nested inside": lambda p: (
        json.dumps(manifest(p, [("incidents.json", INCIDENTS_JSON)])).encode()[:-1]
        + b', "x": '
        + b"[" * 200_000
        + b"]" * 200_000
        + b"}"
    ),
    "size a string": lambda p: json.dumps(
        manifest(p, [], entries=[{"path": "incidents.json", "size": "2", "sha256": "0" * 64}])
    ).encode(),
    "recipients missing": lambda p: json.dumps(
        manifest(p, [("incidents.json", INCIDENTS_JSON)], recipients=None)
    ).encode(),
    "version 1": lambda p: json.dumps(
        manifest(p, [("incidents.json", INCIDENTS_JSON)], version=1)
    ).encode(),
}


@pytest.mark.parametrize("kind", list(CRAFTED_MANIFESTS))
def test_crafted_manifests_exit_4_with_one_line(
    kind: str, tmp_path: Path, cli: Callable[..., Result], org_key: Any
) -> None:
    key, secret, pair = org_key
    data = CRAFTED_MANIFESTS[kind](pair)
    bundle = crafted(tmp_path, pair, [("incidents.json", INCIDENTS_JSON)], manifest_bytes=data)
    _one_line_exit_4(_verify(cli, key, secret, bundle, "--accept-unsigned"))


@pytest.mark.parametrize(
    "incidents",
    [
        b"[]",
        b'"text"',
        b"[" * 200_000 + b"]" * 200_000,
        b'{"events": 3, "people": []}',
        b'{"events": [{"title": 1}], "people": []}',
    ],
)
def test_crafted_incidents_json_exits_4(
    incidents: bytes, tmp_path: Path, cli: Callable[..., Result], org_key: Any
) -> None:
    key, secret, pair = org_key
    bundle = crafted(tmp_path, pair, [("incidents.json", incidents)])
    line = _one_line_exit_4(_verify(cli, key, secret, bundle, "--accept-unsigned"))
    assert "incidents.json" in line


def test_member_names_are_printed_escaped(
    tmp_path: Path, cli: Callable[..., Result], org_key: Any
) -> None:
    key, secret, pair = org_key
    name = "attachments/e1/a1/x\x1b[2J\x1b]0;owned\x07\nline.jpg"
    files = [("incidents.json", INCIDENTS_JSON)]
    members = [member("incidents.json", INCIDENTS_JSON), member(name, b"x")]
    bundle = crafted(tmp_path, pair, files, members=members)
    line = _one_line_exit_4(_verify(cli, key, secret, bundle, "--accept-unsigned"))
    assert "\x1b" not in line and "\x07" not in line and "\\x1b[2J" in line


def test_over_long_segment_exits_4(
    tmp_path: Path, cli: Callable[..., Result], org_key: Any
) -> None:
    key, secret, pair = org_key
    name = "attachments/e1/a1/" + "n" * 2000
    files = [("incidents.json", INCIDENTS_JSON), (name, b"x")]
    line = _one_line_exit_4(
        _verify(cli, key, secret, crafted(tmp_path, pair, files), "--accept-unsigned")
    )
    assert "over-long segment" in line


@pytest.mark.parametrize("name", [".", "..", ".hidden", "..x", " .profile"])
def test_a_segment_never_becomes_hidden_or_a_dot_name(name: str) -> None:
    """Found every time, not only when hypothesis happens to draw a leading dot."""
    safe = portable_segment(name)
    assert safe and not safe.startswith(".") and safe not in (".", "..")


# --- hypothesis: the parsers never fail any other way -----------------------------------


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(max_size=400))
def test_portable_segment_properties(name: str) -> None:
    safe = portable_segment(name)
    assert safe and len(safe.encode("utf-8", "surrogatepass")) <= MAX_SEGMENT_BYTES
    assert not set(safe) & set('<>:"/\\|?*') and all(ch.isprintable() for ch in safe)
    assert not safe.endswith((" ", ".")) and not safe.startswith(".")
    assert safe.split(".", 1)[0].upper() not in {"CON", "PRN", "AUX", "NUL", "COM1", "LPT1"}
    assert portable_segment(safe) == safe


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_printable_never_lets_a_control_character_through(name: str) -> None:
    shown = printable(name)
    assert all(ch.isprintable() for ch in shown)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=20,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.dictionaries(
        st.sampled_from(
            [
                "format",
                "version",
                "bundle_id",
                "created_at",
                "app_version",
                "incidents",
                "sender",
                "signed",
                "recipients",
                "entries",
            ]
        ),
        JSON,
    ),
    JSON,
)
def test_reader_fails_only_with_carnet_errors(
    tmp_path_factory: pytest.TempPathFactory, overrides: dict[str, Any], incidents: Any
) -> None:
    pair = generate_key_pair()
    folder = tmp_path_factory.mktemp("fuzz")
    incidents_bytes = json.dumps(incidents).encode()
    files = [("incidents.json", incidents_bytes)]
    bundle = crafted(folder, pair, files, **overrides)
    try:
        open_bundle_to(bundle, pair, folder / "out", UNSIGNED_OK)
    except (IntegrityError, UsageError):
        assert only_bundle_left(folder)
    except CarnetError as exc:  # pragma: no cover - shows which class leaked
        raise AssertionError(f"unexpected error class {type(exc).__name__}") from exc


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=3000))
def test_random_plaintext_fails_only_with_integrity_errors(data: bytes) -> None:
    import tempfile

    pair = generate_key_pair()
    with tempfile.TemporaryDirectory() as folder:
        bundle = Path(folder) / "b.carnet"
        bundle.write_bytes(seal(data, pair))
        with pytest.raises((IntegrityError, UsageError)):
            verify_bundle(bundle, pair, UNSIGNED_OK)


def test_a_member_the_manifest_lists_but_the_bundle_lacks_is_refused(
    tmp_path: Path, pair: RecipientKeyPair
) -> None:
    files = [("incidents.json", INCIDENTS_JSON), ("custody.jsonl", b"")]
    bundle = crafted(tmp_path, pair, files, members=[member("incidents.json", INCIDENTS_JSON)])
    with pytest.raises(IntegrityError, match="lacks 'custody\\.jsonl'"):
        verify_bundle(bundle, pair, UNSIGNED_OK)


@pytest.mark.parametrize(
    ("cap", "message"),
    [("MAX_MANIFEST_BYTES", "does not start with its manifest"), ("MAX_SMALL_BYTES", "too large")],
)
def test_members_read_into_memory_are_size_capped(
    tmp_path: Path, pair: RecipientKeyPair, monkeypatch: pytest.MonkeyPatch, cap: str, message: str
) -> None:
    """The manifest and incidents.json are read whole: each has a cap (lowered here)."""
    monkeypatch.setattr(bundle_reader, cap, 300)
    incidents = INCIDENTS_JSON + b" " * 400
    bundle = crafted(tmp_path, pair, [("incidents.json", incidents)])
    with pytest.raises(IntegrityError, match=message):
        verify_bundle(bundle, pair, UNSIGNED_OK)
