"""`travel prepare`: every record and file of the vault, sealed to the recovery key.

The backup is a `.carnet` bundle (crypto/bundle.py): its recipients are the X25519 key
derived from the recovery key (its public half is in the vault's meta, so writing needs
no secret) and, when asked, a destination's keys as well. Inside, a tar stream:

  manifest.json   format "carnet-travel-backup", version 2: ids, counts, every entry's
                  size and SHA-256 (so a signature of it covers every byte of the backup)
  manifest.sig    Ed25519 signature of the manifest by this vault's device key
  owner.sig       Ed25519 signature of the manifest by the owner key, derived from the
                  recovery key (app/travel/owner.py): the only part a co-recipient of the
                  backup cannot re-make, so the only one that proves whose backup it is
  database.json   the records (app/travel/snapshot.py)
  files/<uid>     each attachment's plaintext, streamed from its blob

Files are streamed chunk by chunk from their blobs into the sealed stream, so memory
stays flat whatever the evidence's size; nothing is written in plaintext.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import tarfile
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from app import __version__
from app.chunk_io import prefetch
from app.custody import CustodyAction
from app.errors import StorageError, UsageError
from app.export.tar_stream import add_bytes, add_stream, write_bundle_file
from app.notebook import Notebook
from app.progress import CancelToken, Progress, no_progress
from app.travel import snapshot
from app.vault_creation import META_RECOVERY_PUBLIC_KEY
from crypto.bundle import MAX_RECIPIENTS
from crypto.public_keys import key_fingerprint
from crypto.signing import OwnerSigner

MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
OWNER_SIGNATURE = "owner.sig"
DATABASE = "database.json"
FILES_DIR = "files"
FORMAT = "carnet-travel-backup"
# 1: no owner signature (a co-recipient could re-make it; refused since). 2: owner.sig.
VERSION = 2
STAGE_BACKING_UP = "backing-up"


@dataclass(frozen=True)
class BackupResult:
    path: Path
    backup_id: str
    incidents: int
    files: int
    payload_bytes: int
    bundle_bytes: int
    recipients: tuple[str, ...]  # key fingerprints, the recovery key's first
    queued: bool


def recovery_public_key(notebook: Notebook) -> bytes:
    with notebook.session.db.reading() as conn:
        row = conn.execute(
            "SELECT value FROM meta WHERE key = ?", (META_RECOVERY_PUBLIC_KEY,)
        ).fetchone()
    if row is None:
        raise StorageError("this vault has no recovery public key recorded")
    return bytes.fromhex(str(row[0]))


def write_backup(
    notebook: Notebook,
    also_to: Sequence[str],
    out: Path | None,
    *,
    owner: OwnerSigner,
    progress: Progress = no_progress,
    cancel: CancelToken | None = None,
) -> BackupResult:
    """Write the backup to `out` (a file or folder), or queue it in the outbox.

    `owner` is this vault's owner signer (app.travel.owner): without its signature the
    backup's own recovery key would refuse to restore it.
    """
    extra_keys, names = notebook.exporter.recipient_keys(also_to) if also_to else ([], [])
    keys = list(dict.fromkeys([recovery_public_key(notebook), *extra_keys]))
    if len(keys) > MAX_RECIPIENTS:
        raise UsageError(f"a bundle can have at most {MAX_RECIPIENTS} recipient keys")
    db = notebook.session.db
    with db.reading() as conn:
        document = snapshot.dump(conn, db.schema_version())
    database = json.dumps(document, ensure_ascii=False, sort_keys=True).encode("utf-8")
    attachments = snapshot.attachment_rows(document)
    ids = _attachment_ids(notebook, list(attachments))
    created_at = notebook.incidents.clock()
    backup_id = uuid.uuid4().hex
    signer = notebook.exporter.signer
    manifest = {
        "format": FORMAT,
        "version": VERSION,
        "backup_id": backup_id,
        "created_at": created_at,
        "app_version": __version__,
        "schema_version": document["schema_version"],
        "sender": {"signing_key": signer.public_key.hex(), "fingerprint": signer.fingerprint},
        "incidents": snapshot.count(document, "incidents"),
        "attachments": len(attachments),
        "entries": [
            {
                "path": DATABASE,
                "size": len(database),
                "sha256": hashlib.sha256(database).hexdigest(),
            }
        ]
        + [
            {"path": f"{FILES_DIR}/{uid}", "size": size, "sha256": sha}
            for uid, (sha, size) in attachments.items()
        ],
    }
    manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True).encode()
    total = len(database) + sum(size for _sha, size in attachments.values())
    target = _target(notebook, out)
    done = 0

    def fill(tar: tarfile.TarFile) -> None:
        nonlocal done
        add_bytes(tar, MANIFEST, manifest_bytes, created_at)
        add_bytes(tar, SIGNATURE, signer.sign(manifest_bytes), created_at)
        add_bytes(tar, OWNER_SIGNATURE, owner.sign_manifest(manifest_bytes), created_at)
        add_bytes(tar, DATABASE, database, created_at)
        done += len(database)
        for uid, (_sha, size) in attachments.items():

            def step(count: int) -> None:
                nonlocal done
                done += count
                progress(done, total, STAGE_BACKING_UP)
                if cancel is not None:
                    cancel.raise_if_cancelled()

            chunks = prefetch(notebook.attachments.chunks(ids[uid]))
            add_stream(tar, f"{FILES_DIR}/{uid}", size, chunks, created_at, step)

    payload = write_bundle_file(target, keys, fill)
    fingerprints = tuple(key_fingerprint(k) for k in keys)
    bundle_bytes = target.stat().st_size
    if out is None:
        notebook.outbox.register(
            target, backup_id, ["travel backup", *names], manifest["incidents"], bundle_bytes
        )
    notebook.custody.record(
        CustodyAction.BACKUP,
        f"backup {backup_id}",
        None,
        {
            "backup_id": backup_id,
            "incidents": manifest["incidents"],
            "files": len(attachments),
            "recipients": list(fingerprints),
            "manifest_sha256": hashlib.sha256(manifest_bytes).hexdigest(),
        },
    )
    progress(total, total, STAGE_BACKING_UP)
    return BackupResult(
        path=target,
        backup_id=backup_id,
        incidents=int(manifest["incidents"]),
        files=len(attachments),
        payload_bytes=payload,
        bundle_bytes=bundle_bytes,
        recipients=fingerprints,
        queued=out is None,
    )


def _attachment_ids(notebook: Notebook, uids: list[str]) -> dict[str, int]:
    with notebook.session.db.reading() as conn:
        rows = conn.execute("SELECT uid, id FROM attachments").fetchall()
    by_uid = {str(uid): int(i) for uid, i in rows}
    return {uid: by_uid[uid] for uid in uids}


def _target(notebook: Notebook, out: Path | None) -> Path:
    if out is None:
        return notebook.outbox.new_path("")
    target = out / f"carnet-{secrets.token_hex(6)}.carnet" if out.is_dir() else out
    if target.exists() or target.is_symlink():
        raise UsageError(f"{target} already exists; choose another path")
    if not target.parent.is_dir():
        raise UsageError(f"no folder {target.parent}")
    return target
