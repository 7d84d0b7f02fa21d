"""Who may be named in a bundle: each person's informed consent against its recipients.

A person is named only if every one of their links in the exported incidents allows it:
consent to publish, or consent to share with an organisation that is one of the bundle's
destinations (names compared without regard to case). Anyone else appears as a
pseudonym ("Person 3") with the reason, unless the defender explicitly asked to include
people without consent, which the bundle then records.
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


def decide(
    consents: Iterable[ConsentInput],
    destination_names: Sequence[str],
    *,
    include_nonconsenting: bool,
) -> ConsentDecision:
    wanted = {name.casefold() for name in destination_names}
    refusals: list[str] = []
    for consent in consents:
        if consent.level == LEVEL_PUBLISH:
            continue
        if consent.level == LEVEL_SHARE:
            allowed = {org.casefold() for org in consent.organisations}
            if wanted and wanted <= allowed:
                continue
            orgs = ", ".join(consent.organisations) or "no organisation"
            refusals.append(f"consent covers sharing with {orgs} only")
        else:
            refusals.append("no consent to share their identity")
    if not refusals:
        return ConsentDecision(True, "consented")
    reason = "; ".join(dict.fromkeys(refusals))
    if include_nonconsenting:
        return ConsentDecision(True, f"named without consent at the sender's request ({reason})")
    return ConsentDecision(False, reason)
