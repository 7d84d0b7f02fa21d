"""Incidents as JSON: what `show --json` prints and what `add --json-file` reads.

The keys are the same both ways. On import, keys that only describe a stored record
(id, uid, date_precision, created_at, updated_at) are ignored, so the output of
`show --json` can be imported again; anything unknown is refused, so a typo in a key
never drops a field silently.
"""

from __future__ import annotations

from typing import Any

from app.errors import ValidationError
from app.models import IncidentDetail, IncidentInput, Intervention, PersonLink

EDITABLE_KEYS = (
    "title",
    "narrative",
    "date",
    "location",
    "country",
    "coordinates",
    "violations",
    "tags",
    "status",
    "sensitivity",
)
READ_ONLY_KEYS = ("id", "uid", "date_precision", "created_at", "updated_at")
LINKED_KEYS = ("people", "interventions")
MAX_IMPORT_ITEMS = 1_000_000


def detail_to_json(detail: IncidentDetail) -> dict[str, Any]:
    incident = detail.incident
    return {
        "id": incident.id,
        "uid": incident.uid,
        "title": incident.title,
        "narrative": incident.narrative,
        "date": incident.date.text(),
        "date_precision": incident.date.precision,
        "location": incident.location,
        "country": incident.country,
        "coordinates": list(incident.coordinates) if incident.coordinates else None,
        "violations": list(incident.violations),
        "tags": list(incident.tags),
        "status": incident.status,
        "sensitivity": incident.sensitivity,
        "created_at": incident.created_at,
        "updated_at": incident.updated_at,
        "people": [link_to_json(link) for link in detail.people],
        "interventions": [intervention_to_json(i) for i in detail.interventions],
    }


def link_to_json(link: PersonLink) -> dict[str, Any]:
    return {
        "link_id": link.id,
        "person_id": link.person_id,
        "name": link.person_name,
        "kind": link.person_kind,
        "role": link.role,
        "consent": {
            "level": link.consent.level,
            "organisations": list(link.consent.organisations),
            "date": link.consent.date,
            "note": link.consent.note,
        },
    }


def intervention_to_json(item: Intervention) -> dict[str, Any]:
    return {
        "id": item.id,
        "incident_id": item.incident_id,
        "date": item.date,
        "actor": item.actor,
        "kind": item.kind,
        "status": item.status,
        "notes": item.notes,
    }


def inputs_from_json(value: Any) -> list[IncidentInput]:
    """One incident (an object) or several (a list of objects)."""
    items = value if isinstance(value, list) else [value]
    if len(items) > MAX_IMPORT_ITEMS:
        raise ValidationError(f"at most {MAX_IMPORT_ITEMS} incidents per import")
    result = []
    for index, item in enumerate(items):
        try:
            result.append(input_from_json(item))
        except ValidationError as exc:
            if len(items) == 1:
                raise
            raise ValidationError(f"incident #{index + 1}: {exc.message}") from None
    return result


def input_from_json(item: Any, base: IncidentInput | None = None) -> IncidentInput:
    """Build an input from a JSON object; with `base`, only the keys present change."""
    if not isinstance(item, dict):
        raise ValidationError("each incident must be a JSON object")
    unknown = set(item) - set(EDITABLE_KEYS) - set(READ_ONLY_KEYS) - set(LINKED_KEYS)
    if unknown:
        raise ValidationError(
            f"unknown key(s) {', '.join(sorted(unknown))}; allowed: {', '.join(EDITABLE_KEYS)}"
        )
    for key in LINKED_KEYS:
        if item.get(key):
            raise ValidationError(
                f"importing {key} is not supported yet; add them with 'carnet person' or "
                "'carnet intervention'"
            )
    fields: dict[str, Any] = {}
    if base is not None:
        fields = {key: getattr(base, key) for key in EDITABLE_KEYS}
    for key in EDITABLE_KEYS:
        if key in item:
            fields[key] = _field(key, item[key])
    if "title" not in fields:
        raise ValidationError("title is required")
    return IncidentInput(**fields)


def _field(key: str, value: Any) -> Any:
    if key in ("violations", "tags"):
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValidationError(f"{key} must be a list of strings")
        return tuple(value)
    if key == "coordinates":
        if value is None:
            return None
        if (
            not isinstance(value, list)
            or len(value) != 2
            or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)
        ):
            raise ValidationError("coordinates must be [latitude, longitude]")
        return (float(value[0]), float(value[1]))
    if key in ("date", "country"):
        if value is not None and not isinstance(value, str):
            raise ValidationError(f"{key} must be a string or null")
        return value
    if key in ("narrative", "location") and value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationError(f"{key} must be a string")
    return value
