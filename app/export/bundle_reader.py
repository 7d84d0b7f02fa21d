"""The organisation's side: open or verify a `.carnet` bundle with its key pair.

Everything in a bundle is untrusted until the last byte has been authenticated, so:
files are written into a hidden folder beside the target and renamed into place only
after the whole payload has decrypted, every file's SHA-256 matched the manifest, the
padding after the archive was all zeros, and the signature verified. Any failure
removes the folder. Archive members are read one by one from the stream, never with
`extractall`: only regular files with plain relative names under the expected folders,
each at most once, and each named in the manifest.

Then the reader's policy (ReadPolicy): an unsigned bundle, or one whose signed manifest
does not list the opening key among its recipients (a recipient re-sealed it to someone
else), is refused unless the caller explicitly accepts it. On extraction the folder
gets a report.html rendered here from incidents.json, never the sender's own HTML, and
every path segment is made portable (app/export/names.py); the listing keeps the names
the bundle gave.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import shutil
import tarfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

from app.errors import CannotUnlockError, IntegrityError, StorageError, UsageError
from app.export.exporter import (
    ATTACHMENTS_DIR,
    CUSTODY,
    INCIDENTS,
    MANIFEST,
    MANIFEST_FORMAT,
    MANIFEST_VERSION,
    REPORT,
    SIGNATURE,
)
from app.export.names import collision_key, portable_path
from app.export.received_report import render_received_report
from app.export.tar_stream import printable, sealed_members
from app.fsutil import make_private_dir
from app.travel.backup import FORMAT as TRAVEL_BACKUP_FORMAT
from crypto.bundle import NotAddressedError
from crypto.errors import CryptoError
from crypto.public_keys import key_fingerprint
from crypto.recipient_keys import RecipientKeyPair
from crypto.signing import fingerprint as signing_fingerprint
from crypto.signing import verify_signature

MAX_MANIFEST_BYTES = 64 * 1024 * 1024
MAX_ENTRIES = 1_000_000
SIGNATURE_BYTES = 64
_COPY = 1024 * 1024
_TOP_LEVEL = (INCIDENTS, REPORT, CUSTODY)
_SEGMENT = re.compile(r"[^/\\\x00]{1,1024}")  # longer than a file system takes: see names.py
_SHA256 = re.compile(r"[0-9a-f]{64}")
MAX_PATH_CHARS = 4096
MAX_SMALL_BYTES = 256 * 1024 * 1024  # incidents.json and custody.jsonl, read into memory


@dataclass(frozen=True)
class ReadPolicy:
    """What the organisation accepts beyond a fully verified bundle signed for it."""

    accept_unsigned: bool = False
    accept_resealed: bool = False


@dataclass(frozen=True)
class Recipient:
    fingerprint: str
    destination: str | None


@dataclass(frozen=True)
class BundleSummary:
    bundle_id: str
    created_at: str
    app_version: str
    signed: bool
    sender_fingerprint: str | None
    incidents: int
    files: int
    bytes: int
    out: Path | None
    recipients: tuple[Recipient, ...] = ()
    addressed_to_reader: bool = False  # the opening key is among the signed recipients
    renamed: tuple[tuple[str, str], ...] = ()  # (name in the bundle, name on disk)


def verify_bundle(
    path: Path, keys: RecipientKeyPair, policy: ReadPolicy | None = None
) -> BundleSummary:
    return _read(path, keys, None, policy or ReadPolicy())


def open_bundle_to(
    path: Path, keys: RecipientKeyPair, out: Path, policy: ReadPolicy | None = None
) -> BundleSummary:
    if out.exists() or out.is_symlink():
        raise UsageError(f"{out} already exists; choose a new folder")
    if not out.parent.is_dir():
        raise UsageError(f"no folder {out.parent}")
    return _read(path, keys, out, policy or ReadPolicy())


def _read(
    path: Path, keys: RecipientKeyPair, out: Path | None, policy: ReadPolicy
) -> BundleSummary:
    staging = out.with_name(f".{out.name}.{secrets.token_hex(6)}.partial") if out else None
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        raise UsageError(f"no file {path}") from None
    except OSError as exc:
        raise StorageError(f"cannot read {path}: {exc.strerror or 'I/O error'}") from None
    try:
        with handle:
            if staging is not None:
                make_private_dir(staging)
            summary = _walk(handle, keys, staging)
            _apply(policy, summary)
        if staging is not None and out is not None:
            os.replace(staging, out)
            return BundleSummary(**{**summary.__dict__, "out": out})
        return summary
    except NotAddressedError:
        raise CannotUnlockError("this bundle is not addressed to this key") from None
    except CryptoError as exc:
        raise IntegrityError(f"the bundle does not verify: {exc.message}") from None
    except tarfile.TarError:
        raise IntegrityError("the bundle's archive is malformed") from None
    finally:
        if staging is not None and staging.exists():
            shutil.rmtree(staging, ignore_errors=True)


def _apply(policy: ReadPolicy, summary: BundleSummary) -> None:
    """Refuse what verified but is not what the organisation accepts (exit 4)."""
    if not summary.signed and not policy.accept_unsigned:
        raise IntegrityError(
            "the bundle is NOT signed: anyone holding this public key could have made it; "
            "refused (--accept-unsigned opens it anyway)"
        )
    if summary.signed and not summary.addressed_to_reader and not policy.accept_resealed:
        raise IntegrityError(
            "the bundle was signed for other recipients, not this key: one of them re-sealed "
            "it; refused (--accept-resealed opens it anyway)"
        )


class _Staging:
    """Where verified members go: portable, collision-free names under the staging folder."""

    def __init__(self, root: Path | None) -> None:
        self.root = root
        self._used: set[str] = set()
        self.renamed: list[tuple[str, str]] = []

    def place(self, name: str) -> Path | None:
        disk = portable_path(name)
        key = collision_key(disk)
        if key in self._used:
            raise IntegrityError(
                f"the bundle holds {printable(name)} and another member that would be the "
                "same file on a case-insensitive system; refused"
            )
        self._used.add(key)
        if disk != name:
            self.renamed.append((name, disk))
        return self.root / disk if self.root is not None else None


def _walk(source: BinaryIO, keys: RecipientKeyPair, staging: Path | None) -> BundleSummary:
    manifest: dict[str, Any] | None = None
    manifest_bytes = b""
    signature: bytes | None = None
    expected: dict[str, dict[str, Any]] = {}
    seen: set[str] = set()
    small: dict[str, bytes] = {}
    places = _Staging(staging)
    for name in (MANIFEST, SIGNATURE, REPORT):
        places.place(name)  # reserved: no member may land on them by case or renaming
    total = 0
    members = sealed_members(source, keys.public_key, keys.secret_key, "bundle")
    for index, member, data_file in members:
        name = _checked_name(member)
        seen.add(name)
        if index == 0:
            if name != MANIFEST or member.size > MAX_MANIFEST_BYTES:
                raise IntegrityError("the bundle does not start with its manifest")
            manifest_bytes = _read_exactly(data_file, member.size, name)
            manifest = _parse_manifest(manifest_bytes)
            expected = {e["path"]: e for e in manifest["entries"]}
            if len(expected) != len(manifest["entries"]):
                raise IntegrityError("the bundle's manifest lists a path twice")
            continue
        if name == SIGNATURE:
            if index != 1 or member.size != SIGNATURE_BYTES:
                raise IntegrityError("the bundle's signature is misplaced or malformed")
            signature = _read_exactly(data_file, SIGNATURE_BYTES, name)
            continue
        entry = expected.get(name)
        if entry is None:
            raise IntegrityError(
                f"the bundle holds {printable(name)}, which its manifest does not list"
            )
        if member.size != entry["size"]:
            raise IntegrityError(f"{printable(name)}: size differs from the manifest")
        if name in (INCIDENTS, CUSTODY, REPORT):
            if member.size > MAX_SMALL_BYTES:
                raise IntegrityError(f"the bundle's {name} is too large")
            data = _read_exactly(data_file, member.size, name)
            digest = hashlib.sha256(data).hexdigest()
            if name != REPORT:  # the sender's HTML is checked, never written
                small[name] = data
                _write_new(places.place(name), data)
        else:
            digest = _copy(data_file, places.place(name), member.size, name)
        if digest != entry["sha256"]:
            raise IntegrityError(f"{printable(name)}: SHA-256 differs from the manifest")
        total += member.size
    if manifest is None:
        raise IntegrityError("the bundle has no manifest")
    missing = sorted(set(expected) - seen)
    if missing:
        raise IntegrityError(f"the bundle lacks {printable(missing[0])}, which its manifest lists")
    sender = manifest["sender"]
    fingerprint = None
    if manifest["signed"]:
        key = _hex(sender.get("signing_key"), 32, "signing key")
        if signature is None or not verify_signature(key, manifest_bytes, signature):
            raise IntegrityError("the bundle's signature does not verify")
        fingerprint = signing_fingerprint(key)
        if sender.get("fingerprint") != fingerprint:
            raise IntegrityError("the manifest's sender fingerprint does not match its key")
    elif signature is not None:
        raise IntegrityError("the manifest says unsigned but a signature is present")
    recipients = tuple(
        Recipient(r["fingerprint"], r["destination"]) for r in manifest["recipients"]
    )
    mine = key_fingerprint(keys.public_key)
    # Rendered by verify too, so that a bundle that verifies also opens.
    report_html = (
        render_received_report(
            small[INCIDENTS],
            small.get(CUSTODY, b""),
            staging,
            created_at=str(manifest["created_at"]),
            sender_fingerprint=fingerprint,
        )
        if INCIDENTS in small
        else None
    )
    if staging is not None:
        _write_new(staging / MANIFEST, manifest_bytes)
        if signature is not None:
            _write_new(staging / SIGNATURE, signature)
        if report_html is not None:
            _write_new(staging / REPORT, report_html)
    return BundleSummary(
        bundle_id=str(manifest["bundle_id"]),
        created_at=str(manifest["created_at"]),
        app_version=str(manifest["app_version"]),
        signed=bool(manifest["signed"]),
        sender_fingerprint=fingerprint,
        incidents=int(manifest["incidents"]),
        files=len(expected),
        bytes=total,
        out=None,
        recipients=recipients,
        addressed_to_reader=any(r.fingerprint == mine for r in recipients),
        renamed=tuple(places.renamed),
    )


def _checked_name(member: tarfile.TarInfo) -> str:
    """The member's name if it is a plain file at an expected, safe path; else refuse.

    The checks run in this order, each on its own: a `..` inside a path of the accepted
    shape (`attachments/../../x/y`) is refused by the segment check, not by the shape."""
    name = member.name
    if not member.isreg():
        raise IntegrityError(
            f"the bundle holds a link, folder or device ({printable(name)}); refused"
        )
    if len(name) > MAX_PATH_CHARS:
        raise IntegrityError("the bundle holds a member with an over-long path; refused")
    parts = name.split("/")
    if PurePosixPath(name).is_absolute() or any(p in ("", ".", "..") for p in parts):
        raise IntegrityError(f"the bundle holds an unsafe path ({printable(name)}); refused")
    if not all(_SEGMENT.fullmatch(p) for p in parts):
        raise IntegrityError(
            f"the bundle holds a path with a backslash, NUL or an over-long segment "
            f"({printable(name)}); refused"
        )
    if len(parts) == 1 and name in (MANIFEST, SIGNATURE, *_TOP_LEVEL):
        return name
    if len(parts) == 4 and parts[0] == ATTACHMENTS_DIR:
        return name
    raise IntegrityError(f"the bundle holds an unexpected path ({printable(name)}); refused")


def _parse_manifest(data: bytes) -> dict[str, Any]:
    try:
        manifest = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise IntegrityError("the bundle's manifest is not valid JSON") from None
    if isinstance(manifest, dict) and manifest.get("format") == TRAVEL_BACKUP_FORMAT:
        raise UsageError(
            "this is a travel backup, not an export: open it with "
            "'carnet travel restore FILE --key KEYFILE' (it makes a new vault)"
        )
    if not isinstance(manifest, dict) or manifest.get("format") != MANIFEST_FORMAT:
        raise IntegrityError("the bundle's manifest is not a Carnet manifest")
    version = manifest.get("version")
    if version != MANIFEST_VERSION:
        raise IntegrityError(
            f"the bundle's manifest is of version {_short(version)}; this Carnet reads "
            f"version {MANIFEST_VERSION} (an older bundle does not name its recipients: "
            "ask the sender to export it again)"
        )
    entries = manifest.get("entries")
    if not isinstance(entries, list) or len(entries) > MAX_ENTRIES:
        raise IntegrityError("the bundle's manifest has no valid entry list")
    for entry in entries:
        if not (
            isinstance(entry, dict)
            and isinstance(entry.get("path"), str)
            and len(entry["path"]) <= MAX_PATH_CHARS
            and _is_count(entry.get("size"))
            and isinstance(entry.get("sha256"), str)
            and _SHA256.fullmatch(entry["sha256"])
        ):
            raise IntegrityError("the bundle's manifest has a malformed entry")
    if not isinstance(manifest.get("sender"), dict) or not isinstance(manifest.get("signed"), bool):
        raise IntegrityError("the bundle's manifest has no valid sender")
    for key in ("bundle_id", "created_at", "app_version"):
        if not isinstance(manifest.get(key), str) or len(manifest[key]) > 200:
            raise IntegrityError(f"the bundle's manifest lacks a valid {key!r}")
    if not _is_count(manifest.get("incidents")):
        raise IntegrityError("the bundle's manifest has no valid incident count")
    _check_recipients(manifest.get("recipients"))
    return manifest


def _check_recipients(value: Any) -> None:
    if not isinstance(value, list) or not 1 <= len(value) <= 16:
        raise IntegrityError("the bundle's manifest does not list its recipients")
    for item in value:
        if not (
            isinstance(item, dict)
            and isinstance(item.get("fingerprint"), str)
            and len(item["fingerprint"]) <= 64
            and (item.get("destination") is None or isinstance(item.get("destination"), str))
            and len(item.get("destination") or "") <= 200
        ):
            raise IntegrityError("the bundle's manifest has a malformed recipient")


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2**63


def _short(value: Any) -> str:
    return printable(str(value), 20) if isinstance(value, int | str) else "unknown"


def _read_exactly(source: Any, size: int, name: str) -> bytes:
    data: bytes = source.read(size + 1)
    if len(data) != size:
        raise IntegrityError(f"{printable(name)}: size differs from the manifest")
    return data


def _write_new(target: Path | None, data: bytes) -> None:
    if target is None:
        return
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    with target.open("xb") as sink:
        sink.write(data)


def _copy(source: Any, target: Path | None, size: int, name: str) -> str:
    """Copy at most `size` bytes, hashing them; more or fewer is refused."""
    hasher = hashlib.sha256()
    sink = None
    copied = 0
    if target is not None:
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        sink = target.open("xb")
    try:
        while chunk := source.read(min(_COPY, size + 1 - copied)):
            copied += len(chunk)
            if copied > size:
                raise IntegrityError(f"{printable(name)}: longer than the manifest says")
            hasher.update(chunk)
            if sink is not None:
                sink.write(chunk)
    finally:
        if sink is not None:
            sink.close()
    if copied != size:
        raise IntegrityError(f"{printable(name)}: size differs from the manifest")
    return hasher.hexdigest()


def _hex(value: Any, size: int, what: str) -> bytes:
    try:
        data = bytes.fromhex(value) if isinstance(value, str) else b""
    except ValueError:
        data = b""
    if len(data) != size:
        raise IntegrityError(f"the bundle's manifest has a malformed {what}")
    return data
