"""Controlled vocabularies (resources/vocabulary.json, resources/countries.json).

Codes are stable identifiers stored in the vault and written into bundles; labels are
for people (English, French, Spanish, Arabic: app.preferences.LANGUAGES).
An unknown code is refused with the valid list.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from importlib import resources
from typing import Any

from app.errors import ValidationError

MAX_CODES_IN_MESSAGE = 30


@dataclass(frozen=True)
class Term:
    code: str
    labels: dict[str, str]

    def label(self, language: str = "en") -> str:
        return self.labels.get(language) or self.labels["en"]


@dataclass(frozen=True)
class Vocabulary:
    """One list of terms, e.g. violation types; `name` is what error messages call it."""

    name: str
    terms: tuple[Term, ...]
    listing: str = ""  # `carnet codes` argument, named in the error when the list is long

    # Cached: a bulk import checks several codes per incident (a tuple rebuilt per call
    # was a sixth of `add_many`'s time), and the list view looks a label up per cell.
    @functools.cached_property
    def codes(self) -> tuple[str, ...]:
        return tuple(term.code for term in self.terms)

    @functools.cached_property
    def _by_code(self) -> dict[str, Term]:
        return {term.code: term for term in self.terms}

    def check(self, code: str) -> str:
        if code not in self._by_code:
            if len(self.codes) > MAX_CODES_IN_MESSAGE:
                raise ValidationError(
                    f"unknown {self.name} {code!r}; 'carnet codes {self.listing}' lists them"
                )
            raise ValidationError(f"unknown {self.name} {code!r}; valid: {', '.join(self.codes)}")
        return code

    def label(self, code: str, language: str = "en") -> str:
        term = self._by_code.get(code)
        return code if term is None else term.label(language)


def _load(name: str) -> Any:
    text = resources.files("resources").joinpath(name).read_text(encoding="utf-8")
    return json.loads(text)


def _terms(entries: list[dict[str, str]]) -> tuple[Term, ...]:
    return tuple(
        Term(entry["code"], {k: v for k, v in entry.items() if k != "code"}) for entry in entries
    )


@dataclass(frozen=True)
class Vocabularies:
    violations: Vocabulary
    statuses: Vocabulary
    sensitivities: Vocabulary
    person_kinds: Vocabulary
    roles: Vocabulary
    consents: Vocabulary
    intervention_kinds: Vocabulary
    intervention_statuses: Vocabulary
    countries: Vocabulary
    intervention_actor_suggestions: tuple[str, ...]


@functools.cache
def vocabularies() -> Vocabularies:
    data = _load("vocabulary.json")
    countries = _load("countries.json")["countries"]
    return Vocabularies(
        violations=Vocabulary("violation type", _terms(data["violations"])),
        statuses=Vocabulary("status", _terms(data["statuses"])),
        sensitivities=Vocabulary("sensitivity", _terms(data["sensitivities"])),
        person_kinds=Vocabulary("kind of person", _terms(data["person_kinds"])),
        roles=Vocabulary("role", _terms(data["roles"])),
        consents=Vocabulary("consent", _terms(data["consents"])),
        intervention_kinds=Vocabulary("kind of intervention", _terms(data["intervention_kinds"])),
        intervention_statuses=Vocabulary(
            "intervention status", _terms(data["intervention_statuses"])
        ),
        countries=Vocabulary(
            "country code (ISO 3166-1 alpha-2)", _terms(countries), listing="countries"
        ),
        intervention_actor_suggestions=tuple(data["intervention_actor_suggestions"]),
    )
