"""Export: chosen incidents sealed into one `.carnet` bundle for named recipients.

Everything is streamed: attachments are decrypted from their blobs chunk by chunk into a
tar stream that is encrypted into the bundle as it goes, so memory stays flat whatever
the evidence's size. The bundle is written under a temporary name and renamed into place
only when complete; a failure (a blob that does not verify, a full disk, a cancel)
leaves nothing behind. The export is recorded in the custody log once it has succeeded.
"""

from __future__ import annotations

import hashlib
import json
import tarfile
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app import __version__
from app.chunk_io import prefetch
from app.clock import Clock, utc_now
from app.custody import CustodyAction, CustodyLog
from app.destinations import DestinationService, parse_public_key
from app.errors import UsageError
from app.evidence.attachments import AttachmentService
from app.evidence.file_names import safe_file_name
from app.export import records, report, stripping
from app.export.consent import Audience
from app.export.names import portable_path, portable_segment
from app.export.outbox import Outbox
from app.export.tar_stream import add_bytes, add_stream, write_bundle_file
from app.incidents import IncidentService
from app.models import IncidentDetail
from app.progress import CancelToken, Progress, no_progress
from crypto.bundle import MAX_RECIPIENTS
from crypto.public_keys import key_fingerprint
from crypto.signing import DeviceSigner

MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
INCIDENTS = "incidents.json"
REPORT = "report.html"
CUSTODY = "custody.jsonl"
ATTACHMENTS_DIR = "attachments"
MANIFEST_FORMAT = "carnet-bundle-manifest"
# 2: the signed manifest names its recipients (key fingerprints, destination names), so a
# recipient cannot re-seal a signed bundle to a third party unnoticed.
MANIFEST_VERSION = 2
STAGE_EXPORTING = "exporting"


@dataclass(frozen=True)
class ExportRequest:
    recipients: Sequence[str]  # destination names or carnetpk1... keys
    incident_ids: Sequence[int] | None  # None: every incident
    strip_metadata: bool = False
    # With strip_metadata: what to do with files Carnet cannot strip (None: stop).
    unstripped_files: stripping.Unstripped | None = None
    sign: bool = True
    include_nonconsenting: bool = False
    language: str = "en"


@dataclass(frozen=True)
class Recipients:
    """The keys a bundle is sealed to, and the destination each came from (None: a raw key)."""

    keys: list[bytes]
    names: list[str]
    labels: list[str | None]  # per key

    @property
    def audience(self) -> Audience:
        return Audience.of(self.names, sum(1 for label in self.labels if label is None))

    def manifest_entries(self) -> list[dict[str, str | None]]:
        return [
            {"fingerprint": key_fingerprint(key), "destination": label}
            for key, label in zip(self.keys, self.labels, strict=True)
        ]


@dataclass(frozen=True)
class ExportResult:
    path: Path
    bundle_id: str
    incidents: int
    files: int
    payload_bytes: int
    bundle_bytes: int
    pseudonymised: int
    recipients: tuple[str, ...]  # fingerprints
    # With strip_metadata: the files shipped unstripped or left out, per unstripped_files.
    unstripped: tuple[stripping.UnstrippedFile, ...] = ()


class Exporter:
    def __init__(
        self,
        incidents: IncidentService,
        attachments: AttachmentService,
        custody: CustodyLog,
        destinations: DestinationService,
        signer: DeviceSigner,
        outbox: Outbox,
        clock: Clock = utc_now,
    ) -> None:
        self.incidents = incidents
        self.attachments = attachments
        self.custody = custody
        self.destinations = destinations
        self.signer = signer
        self.outbox = outbox
        self.clock = clock

    def __repr__(self) -> str:
        return "Exporter()"

    def export(
        self,
        request: ExportRequest,
        out: Path | None = None,
        *,
        progress: Progress = no_progress,
        cancel: CancelToken | None = None,
    ) -> ExportResult:
        recipients = self.resolve_recipients(request.recipients)
        keys, names = recipients.keys, recipients.names
        ids = self._incident_ids(request.incident_ids)
        details = [self.incidents.detail(i) for i in ids]
        files, unstripped = self._files(details, request)
        people = records.people_entries(
            details, recipients.audience, include_nonconsenting=request.include_nonconsenting
        )
        created_at = self.clock()
        document = records.incidents_document(
            details,
            people,
            files,
            language=request.language,
            strip_metadata=request.strip_metadata,
        )
        custody_rows = [
            entry.to_json() for i in ids for entry in self.custody.entries(incident_id=i)
        ]
        custody_rows.sort(key=lambda row: int(row["seq"]))
        thumbnails = self._thumbnails(files)
        fingerprint = self.signer.fingerprint if request.sign else None
        small = {
            INCIDENTS: _json_bytes(document),
            REPORT: report.render(
                document,
                custody_rows,
                thumbnails,
                created_at=created_at,
                sender_fingerprint=fingerprint,
                language=request.language,
            ).encode("utf-8"),
            CUSTODY: b"".join(_json_line(row) for row in custody_rows),
        }
        bundle_id = uuid.uuid4().hex
        shipped = [f for per_incident in files.values() for f in per_incident]
        manifest = {
            "format": MANIFEST_FORMAT,
            "version": MANIFEST_VERSION,
            "bundle_id": bundle_id,
            "created_at": created_at,
            "app_version": __version__,
            "sender": {
                "signing_key": self.signer.public_key.hex() if request.sign else None,
                "fingerprint": fingerprint,
            },
            "signed": request.sign,
            "recipients": recipients.manifest_entries(),
            "strip_metadata": request.strip_metadata,
            "incidents": len(details),
            "entries": [
                {"path": name, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
                for name, data in small.items()
            ]
            + [
                {
                    "path": f.path,
                    "size": f.attachment.size,
                    "sha256": f.attachment.sha256,
                    "original_sha256": f.original.sha256,
                }
                for f in shipped
            ],
        }
        manifest_bytes = _json_bytes(manifest)
        total = sum(len(d) for d in small.values()) + sum(f.attachment.size for f in shipped)
        target = self._target(out, bundle_id)
        done = 0

        def fill(tar: tarfile.TarFile) -> None:
            nonlocal done
            add_bytes(tar, MANIFEST, manifest_bytes, created_at)
            if request.sign:
                add_bytes(tar, SIGNATURE, self.signer.sign(manifest_bytes), created_at)
            for name, data in small.items():
                add_bytes(tar, name, data, created_at)
                done += len(data)
            for f in shipped:

                def step(size: int) -> None:
                    nonlocal done
                    done += size
                    progress(done, total, STAGE_EXPORTING)
                    if cancel is not None:
                        cancel.raise_if_cancelled()

                add_stream(
                    tar,
                    f.path,
                    f.attachment.size,
                    prefetch(self.attachments.chunks(f.attachment.id)),
                    created_at,
                    step,
                )

        payload = write_bundle_file(target, keys, fill)
        size = target.stat().st_size
        fingerprints = tuple(key_fingerprint(k) for k in keys)
        if out is None:
            self.outbox.register(target, bundle_id, names or list(fingerprints), len(details), size)
        self.custody.record(
            CustodyAction.EXPORT,
            f"bundle {bundle_id}",
            None,
            {
                "bundle_id": bundle_id,
                "incidents": [d.incident.uid for d in details],
                "files": len(shipped),
                "recipients": list(fingerprints),
                "strip_metadata": request.strip_metadata,
                "manifest_sha256": hashlib.sha256(manifest_bytes).hexdigest(),
            },
        )
        progress(total, total, STAGE_EXPORTING)
        return ExportResult(
            target,
            bundle_id,
            len(details),
            len(shipped),
            payload,
            size,
            sum(1 for p in people.values() if not p.decision.named),
            fingerprints,
            unstripped=unstripped,
        )

    # ---------------------------------------------------------------------------------

    def recipient_keys(self, given: Sequence[str]) -> tuple[list[bytes], list[str]]:
        recipients = self.resolve_recipients(given)
        return recipients.keys, recipients.names

    def resolve_recipients(self, given: Sequence[str]) -> Recipients:
        """Each key once, labelled with its destination's name; a raw key that is also a
        named destination's key counts as that destination's."""
        raw: list[bytes] = []
        named: dict[bytes, str] = {}
        names: list[str] = []
        for item in given:
            if item.strip().lower().startswith("carnetpk1"):
                raw.append(parse_public_key(item))
            else:
                destination = self.destinations.get(item)
                names.append(destination.name)
                for key in destination.public_keys():
                    named.setdefault(key, destination.name)
        order = list(dict.fromkeys([*named, *raw]))
        if not order:
            raise UsageError("name at least one recipient with --to")
        if len(order) > MAX_RECIPIENTS:
            raise UsageError(f"a bundle can have at most {MAX_RECIPIENTS} recipient keys")
        return Recipients(order, list(dict.fromkeys(names)), [named.get(k) for k in order])

    def _incident_ids(self, wanted: Sequence[int] | None) -> list[int]:
        if wanted is None:
            ids = sorted(i.id for i in self.incidents.list_newest())
            if not ids:
                raise UsageError("there are no incidents to export")
            return ids
        ids = list(dict.fromkeys(wanted))
        for incident_id in ids:
            self.incidents.get(incident_id)  # NotFoundError names a missing one
        return ids

    def _files(
        self, details: Sequence[IncidentDetail], request: ExportRequest
    ) -> tuple[dict[int, list[records.ShippedFile]], tuple[stripping.UnstrippedFile, ...]]:
        originals = [
            a
            for detail in details
            for a in self.attachments.list_for(detail.incident.id)
            if a.derived_from is None
        ]
        unstripped: tuple[stripping.UnstrippedFile, ...] = ()
        if request.strip_metadata:
            planned = stripping.plan(self.attachments, originals, request.unstripped_files)
            shipping, unstripped = planned.shipped, planned.unstripped
        else:
            shipping = {a.id: a for a in originals}
        uids = {detail.incident.id: detail.incident.uid for detail in details}
        files: dict[int, list[records.ShippedFile]] = {}
        for original in originals:
            shipped = shipping.get(original.id)
            if shipped is None:  # --unstripped-files exclude
                continue
            name = portable_segment(safe_file_name(shipped.original_name))
            path = portable_path(f"{ATTACHMENTS_DIR}/{uids[original.incident_id]}/{original.uid}")
            path += "/" + name
            files.setdefault(original.incident_id, []).append(
                records.ShippedFile(path, shipped, original)
            )
        return files, unstripped

    def _thumbnails(self, files: dict[int, list[records.ShippedFile]]) -> dict[str, str]:
        thumbs: dict[str, str] = {}
        for per_incident in files.values():
            for f in per_incident:
                a = f.attachment
                if not a.media_type.startswith("image/"):
                    continue
                if a.size > report.MAX_THUMBNAIL_SOURCE_BYTES:
                    continue
                uri = report.thumbnail(b"".join(self.attachments.chunks(a.id)), a.media_type)
                if uri is not None:
                    thumbs[f.path] = uri
        return thumbs

    def _target(self, out: Path | None, bundle_id: str) -> Path:
        if out is None:
            target = self.outbox.new_path(bundle_id)
        else:
            target = out / f"carnet-{bundle_id[:12]}.carnet" if out.is_dir() else out
            if target.exists() or target.is_symlink():
                raise UsageError(f"{target} already exists; choose another path")
            if not target.parent.is_dir():
                raise UsageError(f"no folder {target.parent}")
        return target


def _json_bytes(value: Any) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()


def _json_line(value: Any) -> bytes:
    return (
        json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"
    ).encode()
