"""Checking and normalising what users type, with messages that say what to fix.

Every service runs its input through here before touching the database, so the CLI,
a JSON import and the GUI all accept and refuse exactly the same things.
"""

from __future__ import annotations

import datetime as dt
import math
import unicodedata

from app.dates import EventDate, parse_event_date
from app.errors import ValidationError
from app.models import ConsentInput, IncidentInput, InterventionInput, PersonInput
from app.vocabulary import vocabularies

MAX_SHORT_TEXT = 500
MAX_LONG_TEXT = 1_000_000
MAX_TAG = 64
MAX_TAGS = 100
MAX_ORGS = 50


def text(
    value: str,
    field: str,
    *,
    required: bool = False,
    limit: int = MAX_SHORT_TEXT,
    multiline: bool = False,
) -> str:
    if not isinstance(value, str):
        raise ValidationError(f"{field} must be text")
    cleaned = unicodedata.normalize("NFC", value).strip()
    if "\x00" in cleaned:
        raise ValidationError(f"{field} contains a NUL character")
    if not multiline and ("\r" in cleaned or "\n" in cleaned):
        raise ValidationError(f"{field} must be a single line")
    if required and not cleaned:
        raise ValidationError(f"{field} is required")
    if len(cleaned) > limit:
        raise ValidationError(f"{field} is longer than {limit} characters")
    return cleaned


def day(value: str | None, field: str) -> str | None:
    if value is None or not str(value).strip():
        return None
    try:
        return dt.date.fromisoformat(str(value).strip()).isoformat()
    except ValueError:
        raise ValidationError(f"{field} {value!r}: use YYYY-MM-DD") from None


def incident(data: IncidentInput) -> IncidentInput:
    return incident_and_date(data)[0]


def incident_and_date(data: IncidentInput) -> tuple[IncidentInput, EventDate]:
    """The checked incident, and its date as parsed (so a bulk import parses it once)."""
    vocab = vocabularies()
    date = parse_event_date(data.date)  # raises with a precise message; parsed once
    country = None
    if data.country is not None and str(data.country).strip():
        country = vocab.countries.check(str(data.country).strip().upper())
    coordinates = None
    if data.coordinates is not None:
        coordinates = _coordinates(data.coordinates)
    violations = tuple(
        dict.fromkeys(vocab.violations.check(str(c).strip()) for c in data.violations)
    )
    checked = IncidentInput(
        title=text(data.title, "title", required=True),
        narrative=text(data.narrative, "narrative", limit=MAX_LONG_TEXT, multiline=True),
        date=date.text(),
        location=text(data.location, "location"),
        country=country,
        coordinates=coordinates,
        violations=violations,
        tags=tags(data.tags),
        status=vocab.statuses.check(data.status),
        sensitivity=vocab.sensitivities.check(data.sensitivity),
    )
    return checked, date


def tags(values: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for value in values:
        tag = text(value, "tag", limit=MAX_TAG)
        if not tag:
            raise ValidationError("a tag cannot be empty")
        seen.setdefault(tag.casefold(), tag)
    if len(seen) > MAX_TAGS:
        raise ValidationError(f"at most {MAX_TAGS} tags per incident")
    return tuple(seen.values())


def _coordinates(value: tuple[float, float]) -> tuple[float, float]:
    try:
        lat, lon = (float(v) for v in value)
    except (TypeError, ValueError):
        raise ValidationError("coordinates are LATITUDE,LONGITUDE in decimal degrees") from None
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValidationError("coordinates out of range (latitude -90..90, longitude -180..180)")
    return (lat, lon)


def parse_coordinates(value: str) -> tuple[float, float]:
    parts = value.replace(";", ",").split(",")
    if len(parts) != 2:
        raise ValidationError("coordinates are LATITUDE,LONGITUDE, e.g. 14.69,-17.44")
    try:
        return _coordinates((float(parts[0]), float(parts[1])))
    except ValueError:
        raise ValidationError("coordinates are LATITUDE,LONGITUDE, e.g. 14.69,-17.44") from None


def person(data: PersonInput) -> PersonInput:
    return PersonInput(
        name=text(data.name, "name", required=True),
        kind=vocabularies().person_kinds.check(data.kind),
        notes=text(data.notes, "notes", limit=MAX_LONG_TEXT, multiline=True),
    )


def consent(data: ConsentInput, today: str) -> ConsentInput:
    level = vocabularies().consents.check(data.level)
    organisations = tuple(
        dict.fromkeys(text(org, "organisation", required=True) for org in data.organisations)
    )
    if len(organisations) > MAX_ORGS:
        raise ValidationError(f"at most {MAX_ORGS} organisations per consent")
    if level == "share" and not organisations:
        raise ValidationError(
            "consent 'share' needs the organisations it covers (--consent-org NAME)"
        )
    if level == "none" and organisations:
        raise ValidationError("consent 'none' cannot name organisations")
    consent_date = day(data.date, "consent date")
    if consent_date is None and level != "none":
        consent_date = today
    return ConsentInput(
        level=level,
        organisations=organisations,
        date=consent_date,
        note=text(data.note, "consent note", limit=MAX_LONG_TEXT, multiline=True),
    )


def intervention(data: InterventionInput) -> InterventionInput:
    vocab = vocabularies()
    return InterventionInput(
        actor=text(data.actor, "actor", required=True),
        kind=vocab.intervention_kinds.check(data.kind),
        status=vocab.intervention_statuses.check(data.status),
        date=day(data.date, "intervention date"),
        notes=text(data.notes, "notes", limit=MAX_LONG_TEXT, multiline=True),
    )
