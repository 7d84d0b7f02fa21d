"""The structured part of a bundle: `incidents.json`, as docs/incidents-schema.md defines it.

The shape follows the HURIDOCS Events Standard Formats vocabulary an organisation's
database can map: events (incidents), acts (violation types, by stable code), people
with their involvement (victim, perpetrator, witness, source, defender), interventions,
and the evidence files with their SHA-256. Nothing in it depends on Carnet's own ids
beyond the records' uids, so two bundles from one defender can be merged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from app.export.consent import Audience, ConsentDecision, decide
from app.models import Attachment, IncidentDetail, PersonLink
from app.vocabulary import vocabularies

SCHEMA = "carnet-incidents"
SCHEMA_VERSION = 1
# Capture metadata that identifies a place or a device: left out with --strip-metadata.
IDENTIFYING_METADATA = (
    "gps_latitude",
    "gps_longitude",
    "gps_altitude",
    "camera_make",
    "camera_model",
    "software",
)


@dataclass(frozen=True)
class ShippedFile:
    """One attachment as it goes into the bundle."""

    path: str  # inside the bundle
    attachment: Attachment  # what is shipped (the stripped copy with --strip-metadata)
    original: Attachment  # the evidence original (the same object when not stripped)

    @property
    def stripped(self) -> bool:
        return self.attachment.id != self.original.id


@dataclass
class PersonEntry:
    ref: str
    person_id: int
    name: str
    kind: str
    decision: ConsentDecision
    links: list[PersonLink] = field(default_factory=list)


def people_entries(
    details: Sequence[IncidentDetail],
    audience: Audience,
    *,
    include_nonconsenting: bool,
) -> dict[int, PersonEntry]:
    """One entry per person across the exported incidents, with the consent decision."""
    links: dict[int, list[PersonLink]] = {}
    for detail in details:
        for link in detail.people:
            links.setdefault(link.person_id, []).append(link)
    entries: dict[int, PersonEntry] = {}
    for number, (person_id, person_links) in enumerate(links.items(), start=1):
        decision = decide(
            [link.consent for link in person_links],
            audience,
            include_nonconsenting=include_nonconsenting,
        )
        first = person_links[0]
        entries[person_id] = PersonEntry(
            ref=f"P{number}",
            person_id=person_id,
            name=first.person_name if decision.named else f"Person {number}",
            kind=first.person_kind,
            decision=decision,
            links=person_links,
        )
    return entries


def incidents_document(
    details: Sequence[IncidentDetail],
    people: dict[int, PersonEntry],
    files: dict[int, list[ShippedFile]],
    *,
    language: str,
    strip_metadata: bool,
) -> dict[str, Any]:
    vocab = vocabularies()
    events = []
    for detail in details:
        incident = detail.incident
        date = incident.date
        events.append(
            {
                "id": incident.uid,
                "title": incident.title,
                "description": incident.narrative,
                "date": {
                    "text": date.text(),
                    "from": date.start,
                    "to": date.end,
                    "precision": date.precision,
                },
                "location": {
                    "text": incident.location,
                    "country": incident.country,
                    "coordinates": list(incident.coordinates) if incident.coordinates else None,
                },
                "status": incident.status,
                "sensitivity": incident.sensitivity,
                "tags": list(incident.tags),
                "acts": [
                    {"type": code, "label": vocab.violations.label(code, language)}
                    for code in incident.violations
                ],
                "involvements": [
                    {
                        "person": people[link.person_id].ref,
                        "role": link.role,
                        "consent": link.consent.level,
                    }
                    for link in detail.people
                ],
                "interventions": [
                    {
                        "id": item.uid,
                        "date": item.date,
                        "actor": item.actor,
                        "type": item.kind,
                        "status": item.status,
                        "notes": item.notes,
                    }
                    for item in detail.interventions
                ],
                "attachments": [
                    _file_json(shipped, strip_metadata) for shipped in files.get(incident.id, [])
                ],
                "created_at": incident.created_at,
                "updated_at": incident.updated_at,
            }
        )
    return {
        "format": SCHEMA,
        "version": SCHEMA_VERSION,
        "language": language,
        "events": events,
        "people": [
            {
                "ref": entry.ref,
                "name": entry.name,
                "kind": entry.kind,
                "named": entry.decision.named,
                "consent": entry.decision.reason,
            }
            for entry in people.values()
        ],
    }


def _file_json(shipped: ShippedFile, strip_metadata: bool) -> dict[str, Any]:
    original = shipped.original
    metadata = dict(original.metadata)
    if strip_metadata:
        metadata = {k: v for k, v in metadata.items() if k not in IDENTIFYING_METADATA}
    result: dict[str, Any] = {
        "path": shipped.path,
        "name": original.original_name,
        "media_type": shipped.attachment.media_type,
        "size": shipped.attachment.size,
        "sha256": shipped.attachment.sha256,
        "original_sha256": original.sha256,
        "stripped": shipped.stripped,
        "captured_at": original.captured_at,
        "added_at": original.added_at,
        "metadata": metadata,
    }
    return result
