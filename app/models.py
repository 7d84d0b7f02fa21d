"""Typed records that cross layers: what callers give the services, and what they get.

Records hold user data, so their repr shows the id only: nothing typed by a defender
should end up in a traceback or a log line through a repr().
"""

from __future__ import annotations

from dataclasses import dataclass, field

from app.dates import EventDate


class _IdOnlyRepr:
    def __repr__(self) -> str:
        ident = getattr(self, "id", None)
        return (
            f"<{type(self).__name__} id={ident}>"
            if ident is not None
            else f"<{type(self).__name__}>"
        )


@dataclass(frozen=True, repr=False)
class IncidentInput(_IdOnlyRepr):
    """An incident as the user describes it; the service validates and normalises it."""

    title: str
    narrative: str = ""
    date: str | None = None
    location: str = ""
    country: str | None = None
    coordinates: tuple[float, float] | None = None
    violations: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    status: str = "draft"
    sensitivity: str = "medium"


@dataclass(frozen=True, repr=False)
class Incident(_IdOnlyRepr):
    id: int
    uid: str
    title: str
    narrative: str
    date: EventDate
    location: str
    country: str | None
    coordinates: tuple[float, float] | None
    violations: tuple[str, ...]
    tags: tuple[str, ...]
    status: str
    sensitivity: str
    created_at: str
    updated_at: str

    def to_input(self) -> IncidentInput:
        return IncidentInput(
            title=self.title,
            narrative=self.narrative,
            date=self.date.text(),
            location=self.location,
            country=self.country,
            coordinates=self.coordinates,
            violations=self.violations,
            tags=self.tags,
            status=self.status,
            sensitivity=self.sensitivity,
        )


@dataclass(frozen=True, repr=False)
class PersonInput(_IdOnlyRepr):
    name: str
    kind: str = "individual"
    notes: str = ""


@dataclass(frozen=True, repr=False)
class Person(_IdOnlyRepr):
    id: int
    uid: str
    name: str
    kind: str
    notes: str
    created_at: str
    updated_at: str

    def to_input(self) -> PersonInput:
        return PersonInput(self.name, self.kind, self.notes)


@dataclass(frozen=True, repr=False)
class ConsentInput(_IdOnlyRepr):
    """Informed consent of one person for one incident.

    level: "none" (nothing leaves the vault that identifies them), "share" (with the
    named organisations only) or "publish".
    """

    level: str = "none"
    organisations: tuple[str, ...] = ()
    date: str | None = None
    note: str = ""


@dataclass(frozen=True, repr=False)
class PersonLink(_IdOnlyRepr):
    """A person's part in an incident: role and consent."""

    id: int
    incident_id: int
    person_id: int
    person_name: str
    person_kind: str
    role: str
    consent: ConsentInput = field(default_factory=ConsentInput)


@dataclass(frozen=True, repr=False)
class InterventionInput(_IdOnlyRepr):
    actor: str
    kind: str = "other"
    status: str = "planned"
    date: str | None = None
    notes: str = ""


@dataclass(frozen=True, repr=False)
class Intervention(_IdOnlyRepr):
    id: int
    uid: str
    incident_id: int
    actor: str
    kind: str
    status: str
    date: str | None
    notes: str
    created_at: str
    updated_at: str

    def to_input(self) -> InterventionInput:
        return InterventionInput(self.actor, self.kind, self.status, self.date, self.notes)


@dataclass(frozen=True, repr=False)
class IncidentDetail(_IdOnlyRepr):
    """An incident with everything linked to it, as `show` and export need it."""

    incident: Incident
    people: tuple[PersonLink, ...]
    interventions: tuple[Intervention, ...]

    @property
    def id(self) -> int:
        return self.incident.id


@dataclass(frozen=True, repr=False)
class SearchHit(_IdOnlyRepr):
    incident_id: int
    title: str
    date: str | None
    status: str
    snippet: str
    score: float | None  # bm25 (lower is better) when ranked; None in newest-first order

    @property
    def id(self) -> int:
        return self.incident_id


@dataclass(frozen=True, repr=False)
class Attachment(_IdOnlyRepr):
    """An evidence file kept in the vault. `sha256` is of the original, fixed at intake.

    A stripped copy (an image re-encoded without its metadata, for sharing) is an
    attachment of its own whose `derived_from` is the original's id.
    """

    id: int
    uid: str
    incident_id: int
    original_name: str
    media_type: str
    size: int
    sha256: str
    added_at: str
    captured_at: str | None
    metadata: dict[str, str | int | float]
    derived_from: int | None
    derivation: str | None


@dataclass(frozen=True, repr=False)
class AttachOutcome(_IdOnlyRepr):
    """What happened to one file of an `attach`: kept (with its record) or failed (why)."""

    source: str
    attachment: Attachment | None = None
    error: str | None = None
    error_code: int = 0  # the exit code the CLI would give for `error` alone
    source_deleted: bool = False
    source_error: str | None = None
    # With --delete-source: whether the data was overwritten before the unlink, and, when
    # the source was a symbolic link, the file it pointed to (overwritten and deleted).
    source_overwritten: bool = False
    source_target: str | None = None
    source_link_kept: bool = False  # the target was deleted but the link could not be
