"""Who may be named in a bundle: each person's informed consent against its recipients.

A person is named only if every one of their links in the exported incidents allows it:
consent to publish, or consent to share with organisations that cover *every* recipient
of the bundle. A recipient covered by a "share" consent is a named destination whose name
the consent lists (compared without regard to case). A raw key given with
`--to carnetpk1...` has no name, so no "share" consent covers it: a bundle sealed to one
names only people who consented to publish. Anyone else appears as a pseudonym
("Person 3") with the reason, unless the defender explicitly asked to include people
without consent, which the bundle then records.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from app.models import ConsentInput

LEVEL_PUBLISH = "publish"
LEVEL_SHARE = "share"


@dataclass(frozen=True)
class ConsentDecision:
    named: bool
    reason: str


@dataclass(frozen=True)
class Audience:
    """Everyone a bundle is sealed to: named destinations, and keys that have no name."""

    destination_names: tuple[str, ...]
    unnamed_keys: int = 0

    @classmethod
    def of(cls, names: Sequence[str], unnamed_keys: int) -> Audience:
        if unnamed_keys < 0:
            raise ValueError("a count of keys is not negative")
        return cls(tuple(names), unnamed_keys)


def decide(
    consents: Iterable[ConsentInput],
    audience: Audience,
    *,
    include_nonconsenting: bool,
) -> ConsentDecision:
    wanted = {name.casefold() for name in audience.destination_names}
    refusals: list[str] = []
    for consent in consents:
        if consent.level == LEVEL_PUBLISH:
            continue
        if consent.level == LEVEL_SHARE:
            refusal = _share_refusal(consent.organisations, wanted, audience.unnamed_keys)
            if refusal is not None:
                refusals.append(refusal)
        else:
            refusals.append("no consent to share their identity")
    if not refusals:
        return ConsentDecision(True, "consented")
    reason = "; ".join(dict.fromkeys(refusals))
    if include_nonconsenting:
        return ConsentDecision(True, f"named without consent at the sender's request ({reason})")
    return ConsentDecision(False, reason)


def _share_refusal(organisations: Sequence[str], wanted: set[str], unnamed_keys: int) -> str | None:
    """Why a "share" consent does not cover these recipients, or None if it does."""
    if not wanted and not unnamed_keys:
        return "the bundle names no recipient their consent covers"
    if not organisations:
        return "their consent to share names no organisation"
    orgs = ", ".join(organisations)
    if not wanted <= {org.casefold() for org in organisations}:
        return f"consent covers sharing with {orgs} only"
    if unnamed_keys:
        return (
            f"consent covers sharing with {orgs} only, and the bundle is also sealed to a "
            "key with no destination name"
        )
    return None
