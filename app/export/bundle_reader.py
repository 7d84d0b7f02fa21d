"""The organisation's side: open or verify a `.carnet` bundle with its key pair.

Everything in a bundle is untrusted until the last byte has been authenticated, so:
files are written into a hidden folder beside the target and renamed into place only
after the whole payload has decrypted, every file's SHA-256 matched the manifest, the
padding after the archive was all zeros, and the signature verified. Any failure
removes the folder. Archive members are read one by one from the stream, never with
`extractall`: only regular files with plain relative names under the expected folders,
each at most once, and each named in the manifest.
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
    REPORT,
    SIGNATURE,
)
from app.export.tar_stream import sealed_members
from app.fsutil import make_private_dir
from app.travel.backup import FORMAT as TRAVEL_BACKUP_FORMAT
from crypto.bundle import NotAddressedError
from crypto.errors import CryptoError
from crypto.recipient_keys import RecipientKeyPair
from crypto.signing import fingerprint as signing_fingerprint
from crypto.signing import verify_signature

MAX_MANIFEST_BYTES = 64 * 1024 * 1024
MAX_ENTRIES = 1_000_000
SIGNATURE_BYTES = 64
_COPY = 1024 * 1024
_TOP_LEVEL = (INCIDENTS, REPORT, CUSTODY)
_SEGMENT = re.compile(r"[^/\\\x00]{1,255}")


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


def verify_bundle(path: Path, keys: RecipientKeyPair) -> BundleSummary:
    return _read(path, keys, None)


def open_bundle_to(path: Path, keys: RecipientKeyPair, out: Path) -> BundleSummary:
    if out.exists() or out.is_symlink():
        raise UsageError(f"{out} already exists; choose a new folder")
    if not out.parent.is_dir():
        raise UsageError(f"no folder {out.parent}")
    return _read(path, keys, out)


def _read(path: Path, keys: RecipientKeyPair, out: Path | None) -> BundleSummary:
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


def _walk(source: BinaryIO, keys: RecipientKeyPair, staging: Path | None) -> BundleSummary:
    manifest: dict[str, Any] | None = None
    manifest_bytes = b""
    signature: bytes | None = None
    expected: dict[str, dict[str, Any]] = {}
    seen: set[str] = set()
    total = 0
    members = sealed_members(source, keys.public_key, keys.secret_key, "bundle")
    for index, member, data_file in members:
        name = _checked_name(member)
        seen.add(name)
        if index == 0:
            if name != MANIFEST or member.size > MAX_MANIFEST_BYTES:
                raise IntegrityError("the bundle does not start with its manifest")
            manifest_bytes = data_file.read()
            manifest = _parse_manifest(manifest_bytes)
            expected = {e["path"]: e for e in manifest["entries"]}
            continue
        if name == SIGNATURE:
            if index != 1 or member.size != SIGNATURE_BYTES:
                raise IntegrityError("the bundle's signature is misplaced or malformed")
            signature = data_file.read()
            continue
        entry = expected.get(name)
        if entry is None:
            raise IntegrityError(f"the bundle holds {name!r}, which its manifest does not list")
        if member.size != entry["size"]:
            raise IntegrityError(f"{name}: size differs from the manifest")
        digest = _copy(data_file, staging / name if staging else None)
        if digest != entry["sha256"]:
            raise IntegrityError(f"{name}: SHA-256 differs from the manifest")
        total += member.size
    if manifest is None:
        raise IntegrityError("the bundle has no manifest")
    missing = sorted(set(expected) - seen)
    if missing:
        raise IntegrityError(f"the bundle lacks {missing[0]!r}, which its manifest lists")
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
    if staging is not None:
        (staging / MANIFEST).write_bytes(manifest_bytes)
        if signature is not None:
            (staging / SIGNATURE).write_bytes(signature)
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
    )


def _checked_name(member: tarfile.TarInfo) -> str:
    """The member's name if it is a plain file at an expected, safe path; else refuse."""
    name = member.name
    if not member.isreg():
        raise IntegrityError(f"the bundle holds a link, folder or device ({name!r}); refused")
    path = PurePosixPath(name)
    parts = name.split("/")
    if (
        path.is_absolute()
        or any(p in ("", ".", "..") for p in parts)
        or not all(_SEGMENT.fullmatch(p) for p in parts)
    ):
        raise IntegrityError(f"the bundle holds an unsafe path ({name!r}); refused")
    if len(parts) == 1 and name in (MANIFEST, SIGNATURE, *_TOP_LEVEL):
        return name
    if len(parts) == 4 and parts[0] == ATTACHMENTS_DIR:
        return name
    raise IntegrityError(f"the bundle holds an unexpected path ({name!r}); refused")


def _parse_manifest(data: bytes) -> dict[str, Any]:
    try:
        manifest = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise IntegrityError("the bundle's manifest is not valid JSON") from None
    if isinstance(manifest, dict) and manifest.get("format") == TRAVEL_BACKUP_FORMAT:
        raise UsageError(
            "this is a travel backup, not an export: open it with "
            "'carnet travel restore FILE --key KEYFILE' (it makes a new vault)"
        )
    if not isinstance(manifest, dict) or manifest.get("format") != MANIFEST_FORMAT:
        raise IntegrityError("the bundle's manifest is not a Carnet manifest")
    entries = manifest.get("entries")
    if not isinstance(entries, list) or len(entries) > MAX_ENTRIES:
        raise IntegrityError("the bundle's manifest has no valid entry list")
    for entry in entries:
        if not (
            isinstance(entry, dict)
            and isinstance(entry.get("path"), str)
            and isinstance(entry.get("size"), int)
            and isinstance(entry.get("sha256"), str)
        ):
            raise IntegrityError("the bundle's manifest has a malformed entry")
    if not isinstance(manifest.get("sender"), dict) or not isinstance(manifest.get("signed"), bool):
        raise IntegrityError("the bundle's manifest has no valid sender")
    for key in ("bundle_id", "created_at", "app_version", "incidents"):
        if key not in manifest:
            raise IntegrityError(f"the bundle's manifest lacks {key!r}")
    return manifest


def _copy(source: Any, target: Path | None) -> str:
    hasher = hashlib.sha256()
    sink = None
    if target is not None:
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        sink = target.open("xb")
    try:
        while chunk := source.read(_COPY):
            hasher.update(chunk)
            if sink is not None:
                sink.write(chunk)
    finally:
        if sink is not None:
            sink.close()
    return hasher.hexdigest()


def _hex(value: Any, size: int, what: str) -> bytes:
    try:
        data = bytes.fromhex(value) if isinstance(value, str) else b""
    except ValueError:
        data = b""
    if len(data) != size:
        raise IntegrityError(f"the bundle's manifest has a malformed {what}")
    return data
