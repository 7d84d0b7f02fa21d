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
import os
import secrets
import shutil
import tarfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from app.errors import CannotUnlockError, IntegrityError, StorageError, UsageError
from app.export.bundle_manifest import manifest_hex, parse_manifest
from app.export.bundle_members import Staging, checked_name, copy_hashed, read_exactly, write_new
from app.export.exporter import CUSTODY, INCIDENTS, MANIFEST, REPORT, SIGNATURE
from app.export.received_report import render_received_report
from app.export.tar_stream import printable, sealed_members
from app.fsutil import make_private_dir
from crypto.bundle import NotAddressedError
from crypto.errors import CryptoError
from crypto.public_keys import key_fingerprint
from crypto.recipient_keys import RecipientKeyPair
from crypto.signing import fingerprint as signing_fingerprint
from crypto.signing import verify_signature

MAX_MANIFEST_BYTES = 64 * 1024 * 1024
SIGNATURE_BYTES = 64
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


def _walk(source: BinaryIO, keys: RecipientKeyPair, staging: Path | None) -> BundleSummary:
    manifest: dict[str, Any] | None = None
    manifest_bytes = b""
    signature: bytes | None = None
    expected: dict[str, dict[str, Any]] = {}
    seen: set[str] = set()
    small: dict[str, bytes] = {}
    places = Staging(staging)
    for name in (MANIFEST, SIGNATURE, REPORT):
        places.place(name)  # reserved: no member may land on them by case or renaming
    total = 0
    members = sealed_members(source, keys.public_key, keys.secret_key, "bundle")
    for index, member, data_file in members:
        name = checked_name(member)
        seen.add(name)
        if index == 0:
            if name != MANIFEST or member.size > MAX_MANIFEST_BYTES:
                raise IntegrityError("the bundle does not start with its manifest")
            manifest_bytes = read_exactly(data_file, member.size, name)
            manifest = parse_manifest(manifest_bytes)
            expected = {e["path"]: e for e in manifest["entries"]}
            if len(expected) != len(manifest["entries"]):
                raise IntegrityError("the bundle's manifest lists a path twice")
            continue
        if name == SIGNATURE:
            if index != 1 or member.size != SIGNATURE_BYTES:
                raise IntegrityError("the bundle's signature is misplaced or malformed")
            signature = read_exactly(data_file, SIGNATURE_BYTES, name)
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
            data = read_exactly(data_file, member.size, name)
            digest = hashlib.sha256(data).hexdigest()
            if name != REPORT:  # the sender's HTML is checked, never written
                small[name] = data
                write_new(places.place(name), data)
        else:
            digest = copy_hashed(data_file, places.place(name), member.size, name)
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
        key = manifest_hex(sender.get("signing_key"), 32, "signing key")
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
        write_new(staging / MANIFEST, manifest_bytes)
        if signature is not None:
            write_new(staging / SIGNATURE, signature)
        if report_html is not None:
            write_new(staging / REPORT, report_html)
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
