"""Reading a travel backup: verify it (before a wipe), or rebuild a vault from it.

The backup is opened with the X25519 key derived from the recovery key and read as one
stream. Nothing is trusted before it is authenticated, and nothing is written in
plaintext: on restore each file goes straight from the decrypting stream into a new
encrypted blob, and the new vault is built in a hidden folder beside the target that is
renamed into place only after the last byte authenticated, every SHA-256 matched and
the manifest's signatures verified. Any failure removes that folder and its keyring
entry, so a bad backup never leaves half a vault.

Two signatures cover the manifest (and through its SHA-256s, every byte). The device
signature is checked against the key the manifest names: it shows the backup is whole,
not whose it is, since whoever re-makes a backup names their own key. The owner
signature is checked against the key derived from the recovery key the person typed
(app/travel/owner.py), so restoring with the recovery key accepts only a backup made by
its holder's vault. An organisation restoring with its own key (--key) cannot derive
that key, so for it the owner signature is only present, not proven; the CLI says so.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import secrets
import shutil
import tarfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, BinaryIO

from app.custody import CustodyAction
from app.device_share import DeviceShareStore
from app.errors import (
    CannotUnlockError,
    IntegrityError,
    StorageError,
    UsageError,
    VaultExistsError,
)
from app.evidence.blobs import BlobStore
from app.evidence.streaming import seal
from app.export.tar_stream import sealed_members
from app.fsutil import fsync_dir
from app.notebook import Notebook
from app.paths import VaultPaths
from app.progress import CancelToken, Progress, no_progress
from app.store.migrations import LATEST_VERSION
from app.travel import snapshot
from app.travel.backup import (
    DATABASE,
    FILES_DIR,
    FORMAT,
    MANIFEST,
    OWNER_SIGNATURE,
    SIGNATURE,
    VERSION,
)
from app.travel.owner import owner_public_key
from app.vault import VaultService
from crypto.bundle import NotAddressedError
from crypto.errors import CryptoError
from crypto.kdf import KdfProfile
from crypto.recipient_keys import RecipientKeyPair
from crypto.recovery_key import backup_keypair
from crypto.signing import fingerprint as signing_fingerprint
from crypto.signing import verify_owner_signature, verify_signature

MAX_MANIFEST_BYTES = 64 * 1024 * 1024
MAX_DATABASE_BYTES = 2 * 1024 * 1024 * 1024
SIGNATURE_BYTES = 64
STAGE_RESTORING = "restoring"
STAGE_VERIFYING = "verifying-backup"
_COPY = 1024 * 1024
_UID = re.compile(r"[0-9a-f]{32}")

# Called with (attachment uid, the member's stream, its expected SHA-256): consumes the
# stream and returns the SHA-256 it saw.
FileSink = Callable[[str, IO[bytes], str], str]


@dataclass(frozen=True)
class BackupContents:
    backup_id: str
    created_at: str
    sender_fingerprint: str
    incidents: int
    files: int
    bytes: int
    document: dict[str, Any]
    owner_verified: bool  # False only when opened with an organisation's key


@dataclass(frozen=True)
class RestoreResult:
    paths: VaultPaths
    contents: BackupContents
    uses_device_share: bool
    new_recovery_key: str | None = field(default=None, repr=False)  # restored with --key


def recovery_recipient(recovery_key: bytes) -> RecipientKeyPair:
    """The key pair a travel backup is sealed to, derived from the recovery key."""
    pair = backup_keypair(recovery_key)
    return RecipientKeyPair(bytes(pair.public_key), bytes(pair))


def verify_backup(
    path: Path, recovery_key: bytes, progress: Progress = no_progress
) -> BackupContents:
    """Read the whole backup with the recovery key, checking everything, the owner
    signature included; nothing is written anywhere."""
    keys = recovery_recipient(recovery_key)
    owner = owner_public_key(recovery_key)
    return _read(path, keys, owner, _hash_only, progress, STAGE_VERIFYING)


def restore_backup(
    path: Path,
    keys: RecipientKeyPair,
    paths: VaultPaths,
    passphrase: str,
    shares: DeviceShareStore,
    *,
    recovery_key: bytes | None,
    profile: KdfProfile = KdfProfile.MODERATE,
    use_keyring: bool = True,
    progress: Progress = no_progress,
    cancel: CancelToken | None = None,
) -> RestoreResult:
    """A new vault at `paths` holding everything the backup holds.

    Opened with the recovery key's pair (`recovery_key` given), the backup must carry
    that key's owner signature, and the new vault keeps the recovery key. Opened with an
    organisation's key (`recovery_key` None; a backup also sealed to it), the owner
    signature cannot be checked, and the new vault gets a new recovery key, reported
    once in the result.
    """
    owner: bytes | None = None
    if recovery_key is not None:
        if recovery_recipient(recovery_key).public_key != keys.public_key:
            raise ValueError("keys must be the recovery key's own pair")
        owner = owner_public_key(recovery_key)
    if paths.header.exists() or (paths.root.exists() and any(paths.root.iterdir())):
        raise VaultExistsError(
            f"a vault (or other files) already exists at {paths.root}; "
            "restore into a new folder with --vault DIR"
        )
    if not path.is_file():
        raise UsageError(f"no file {path}")
    staging = VaultPaths(
        paths.root.with_name(f".{paths.root.name}.restoring-{secrets.token_hex(6)}")
    )
    try:
        created, session = VaultService(staging, shares).create_unlocked(
            passphrase, profile=profile, use_keyring=use_keyring, recovery_key=recovery_key
        )
    except BaseException:
        shutil.rmtree(staging.root, ignore_errors=True)
        raise
    vault_id = session.header.vault_id
    try:
        with Notebook(session) as notebook:
            blobs = BlobStore(staging.blobs)
            sealed: dict[str, tuple[str, bytes, int]] = {}

            def into_blob(uid: str, stream: IO[bytes], expected: str) -> str:
                if cancel is not None:
                    cancel.raise_if_cancelled()
                result = seal(stream, blobs)
                sealed[uid] = (result.blob_id, result.key, result.chunk_size)
                return result.sha256

            contents = _read(path, keys, owner, into_blob, progress, STAGE_RESTORING)
            _load(notebook, contents, sealed)
        if paths.root.exists():
            paths.root.rmdir()  # empty, checked above
        os.replace(staging.root, paths.root)
        with contextlib.suppress(OSError):
            fsync_dir(paths.root.parent)
    except BaseException:
        shutil.rmtree(staging.root, ignore_errors=True)
        with contextlib.suppress(Exception):
            shares.delete(vault_id)
        raise
    fresh_key = created.recovery_key if recovery_key is None else None
    return RestoreResult(paths, contents, created.uses_device_share, fresh_key)


def _load(
    notebook: Notebook, contents: BackupContents, sealed: dict[str, tuple[str, bytes, int]]
) -> None:
    db = notebook.session.db
    try:
        with db.transaction() as conn:
            snapshot.load(conn, contents.document, sealed)
            notebook.custody.append(
                conn,
                CustodyAction.RESTORE,
                f"backup {contents.backup_id}",
                None,
                {
                    "backup_id": contents.backup_id,
                    "backup_created_at": contents.created_at,
                    "previous_device": contents.sender_fingerprint,
                    "incidents": contents.incidents,
                    "files": contents.files,
                    "owner_signature": "verified"
                    if contents.owner_verified
                    else "not checked (opened with an organisation's key)",
                },
            )
    except IntegrityError:
        raise
    except Exception as exc:  # a constraint the records break: the backup is not sound
        raise IntegrityError(
            f"the backup's records do not fit together ({type(exc).__name__})"
        ) from None
    notebook.custody.verify()


def _hash_only(uid: str, stream: IO[bytes], expected: str) -> str:
    del uid, expected
    hasher = hashlib.sha256()
    while chunk := stream.read(_COPY):
        hasher.update(chunk)
    return hasher.hexdigest()


def _read(
    path: Path,
    keys: RecipientKeyPair,
    owner: bytes | None,
    sink: FileSink,
    progress: Progress,
    stage: str,
) -> BackupContents:
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        raise UsageError(f"no file {path}") from None
    except OSError as exc:
        raise StorageError(f"cannot read {path}: {exc.strerror or 'I/O error'}") from None
    try:
        with handle:
            return _walk(handle, keys, owner, sink, progress, stage)
    except NotAddressedError:
        raise CannotUnlockError(
            "this key does not open this backup (or the file is not a backup)"
        ) from None
    except CryptoError as exc:
        raise IntegrityError(f"the backup does not verify: {exc.message}") from None
    except tarfile.TarError:
        raise IntegrityError("the backup's archive is malformed") from None


def _walk(
    source: BinaryIO,
    keys: RecipientKeyPair,
    owner: bytes | None,
    sink: FileSink,
    progress: Progress,
    stage: str,
) -> BackupContents:
    """Check member by member; `owner` is the owner key's public half, or None when it
    cannot be known (an organisation's key), which skips only the owner check."""
    manifest: dict[str, Any] | None = None
    manifest_bytes = signature = b""
    expected: dict[str, dict[str, Any]] = {}
    seen: set[str] = set()
    document: dict[str, Any] | None = None
    total = done = 0
    members = sealed_members(source, keys.public_key, keys.secret_key, "backup")
    for index, member, stream in members:
        name = member.name
        seen.add(name)
        if index == 0:
            if name != MANIFEST or member.size > MAX_MANIFEST_BYTES:
                raise IntegrityError("this file is not a Carnet travel backup")
            manifest_bytes = stream.read()
            manifest = _parse_manifest(manifest_bytes)
            expected = {e["path"]: e for e in manifest["entries"]}
            total = sum(int(e["size"]) for e in manifest["entries"])
            continue
        if index == 1:
            if name != SIGNATURE or member.size != SIGNATURE_BYTES:
                raise IntegrityError("the backup's signature is missing or malformed")
            signature = stream.read()
            _check_signature(manifest or {}, manifest_bytes, signature)
            continue
        if index == 2:
            if name != OWNER_SIGNATURE or member.size != SIGNATURE_BYTES:
                raise IntegrityError(
                    "the backup carries no owner signature, so it cannot be proven to be its "
                    "owner's; refused"
                )
            if owner is not None and not verify_owner_signature(
                owner, manifest_bytes, stream.read()
            ):
                raise IntegrityError(
                    "the backup is not signed by the holder of this recovery key: it was "
                    "made or changed by someone else (another recipient?); refused"
                )
            continue
        entry = expected.get(name)
        if entry is None or member.size != entry["size"]:
            raise IntegrityError(f"the backup holds {name!r}, which its manifest does not list")
        if name == DATABASE:
            if index != 3 or member.size > MAX_DATABASE_BYTES:
                raise IntegrityError("the backup's database is misplaced or too large")
            data = stream.read()
            if hashlib.sha256(data).hexdigest() != entry["sha256"]:
                raise IntegrityError("the backup's database differs from its manifest")
            document = snapshot.parse(data, LATEST_VERSION)
            done += len(data)
            continue
        uid = name.removeprefix(f"{FILES_DIR}/")
        if document is None or not _UID.fullmatch(uid):
            raise IntegrityError(f"the backup holds {name!r} out of place")
        if sink(uid, stream, entry["sha256"]) != entry["sha256"]:
            raise IntegrityError(f"{name}: SHA-256 differs from the manifest")
        done += member.size
        progress(done, total, stage)
    if manifest is None or document is None or not signature:
        raise IntegrityError("the backup is incomplete")
    missing = sorted(set(expected) - seen)
    if missing:
        raise IntegrityError(f"the backup lacks {missing[0]!r}, which its manifest lists")
    files = {
        f"{FILES_DIR}/{uid}": sha
        for uid, (sha, _size) in snapshot.attachment_rows(document).items()
    }
    listed = {p: e["sha256"] for p, e in expected.items() if p != DATABASE}
    if files != listed:
        raise IntegrityError("the backup's files and its attachment records differ")
    if manifest.get("incidents") != snapshot.count(document, "incidents"):
        raise IntegrityError("the backup's manifest and database disagree")
    return BackupContents(
        backup_id=str(manifest["backup_id"]),
        created_at=str(manifest["created_at"]),
        sender_fingerprint=str(manifest["sender"]["fingerprint"]),
        incidents=snapshot.count(document, "incidents"),
        files=len(files),
        bytes=done,
        document=document,
        owner_verified=owner is not None,
    )


def _check_signature(manifest: dict[str, Any], manifest_bytes: bytes, signature: bytes) -> None:
    sender = manifest.get("sender")
    try:
        key = bytes.fromhex(str(sender.get("signing_key"))) if isinstance(sender, dict) else b""
    except ValueError:
        key = b""
    if len(key) != 32 or not verify_signature(key, manifest_bytes, signature):
        raise IntegrityError("the backup's signature does not verify")
    if isinstance(sender, dict) and sender.get("fingerprint") != signing_fingerprint(key):
        raise IntegrityError("the backup's sender fingerprint does not match its key")


def _parse_manifest(data: bytes) -> dict[str, Any]:
    try:
        manifest = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise IntegrityError("the backup's manifest is not valid JSON") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise IntegrityError("this file is not a Carnet travel backup")
    version = manifest.get("version")
    if version == 1:
        # Refused, not accepted behind a flag: a format-1 backup has no owner signature,
        # so any co-recipient could have re-made it, and a flag that accepts one is the
        # first thing someone who forged it would tell its victim to use.
        raise IntegrityError(
            "this travel backup is of format 1, which carries no owner signature: it cannot "
            "be proven to be yours, so it is refused (a backup you made yourself with an "
            "earlier Carnet restores with that version)"
        )
    if version != VERSION:
        shown = version if isinstance(version, int) else "unknown"
        raise IntegrityError(f"a travel backup of format {shown}, which this Carnet cannot read")
    entries = manifest.get("entries")
    if not isinstance(entries, list) or not all(
        isinstance(e, dict)
        and isinstance(e.get("path"), str)
        and isinstance(e.get("size"), int)
        and isinstance(e.get("sha256"), str)
        for e in entries
    ):
        raise IntegrityError("the backup's manifest has no valid entry list")
    for key in ("backup_id", "created_at", "incidents", "sender"):
        if key not in manifest:
            raise IntegrityError(f"the backup's manifest lacks {key!r}")
    return manifest
