"""Consent against recipients: `decide` over every combination, and the export through it.

A raw key (`--to carnetpk1...`) has no name, so no "share" consent covers it: the
decision and its reason are asserted for each kind of consent, organisations named in
it, and recipients of the bundle.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.export.bundle_reader import open_bundle_to
from app.export.consent import Audience, decide
from app.models import ConsentInput
from crypto.kdf import normalize_passphrase
from crypto.recipient_keys import RecipientKeyPair, open_key_file
from tests.conftest import VaultFixture
from tests.test_bundles import KEY_PASSPHRASE, keygen, ok

FLD, LIFELINE = "Front Line Defenders", "Lifeline"
ORGS = {"no org": (), "one org": (FLD,), "several orgs": (FLD, LIFELINE)}
RECIPIENTS = {
    "none": Audience.of([], 0),
    "one named": Audience.of([FLD.upper()], 0),  # names compare without regard to case
    "several named": Audience.of([FLD, LIFELINE], 0),
    "a raw key": Audience.of([], 1),
    "named and raw": Audience.of([FLD], 1),
}
NO_RECIPIENT = "the bundle names no recipient their consent covers"
NO_ORG = "their consent to share names no organisation"
RAW = "and the bundle is also sealed to a key with no destination name"


def expected(kind: str, orgs: str, recipients: str) -> tuple[bool, str]:
    """The decision, written out case by case (not derived from the code under test)."""
    if kind == "publish":
        return True, "consented"
    if kind == "none":
        return False, "no consent to share their identity"
    if recipients == "none":
        return False, NO_RECIPIENT
    if orgs == "no org":
        return False, NO_ORG
    listed = ", ".join(ORGS[orgs])
    if recipients == "one named":
        return True, "consented"
    if recipients == "several named":
        if orgs == "several orgs":
            return True, "consented"
        return False, f"consent covers sharing with {listed} only"
    return False, f"consent covers sharing with {listed} only, {RAW}"


@pytest.mark.parametrize("recipients", list(RECIPIENTS))
@pytest.mark.parametrize("orgs", list(ORGS))
@pytest.mark.parametrize("kind", ["none", "share", "publish"])
def test_decide_every_combination(kind: str, orgs: str, recipients: str) -> None:
    consent = ConsentInput(level=kind, organisations=ORGS[orgs])
    decision = decide([consent], RECIPIENTS[recipients], include_nonconsenting=False)
    assert (decision.named, decision.reason) == expected(kind, orgs, recipients)
    forced = decide([consent], RECIPIENTS[recipients], include_nonconsenting=True)
    named, reason = expected(kind, orgs, recipients)
    assert forced.named
    if not named:
        assert forced.reason == f"named without consent at the sender's request ({reason})"


def test_every_link_must_allow_it() -> None:
    links = [ConsentInput(level="publish"), ConsentInput(level="share", organisations=(FLD,))]
    decision = decide(links, Audience.of([FLD], 1), include_nonconsenting=False)
    assert not decision.named and RAW in decision.reason


def test_negative_key_count_is_refused() -> None:
    with pytest.raises(ValueError, match="not negative"):
        Audience.of([FLD], -1)


# --- through the real export ------------------------------------------------------------


def _witness(vault: VaultFixture, consent: str) -> None:
    incident = ok(vault.run("incident", "add", "--title", "Raid")).split()[-1]
    extra = ["--consent-org", FLD] if consent == "share" else []
    ok(
        vault.run(
            "person",
            "add",
            "--name",
            "Named Witness",
            "--incident",
            incident,
            "--role",
            "witness",
            "--consent",
            consent,
            *extra,
        )
    )


def _names_in(bundle: Path, key: Path, tmp_path: Path) -> set[str]:
    pair: RecipientKeyPair = open_key_file(key.read_bytes(), normalize_passphrase(KEY_PASSPHRASE))
    out = tmp_path / f"opened-{bundle.stem}-{key.stem}"
    open_bundle_to(bundle, pair, out)
    return {p["name"] for p in json.loads((out / "incidents.json").read_text())["people"]}


def test_raw_key_next_to_the_consented_destination_gets_a_pseudonym(
    vault: VaultFixture, tmp_path: Path
) -> None:
    fld_key, fld_public, _ = keygen(vault, "fld.key")
    raw_key, raw_public, _ = keygen(vault, "raw.key")
    ok(vault.run("destination", "add", FLD, "--key", fld_public))
    _witness(vault, "share")
    alone = tmp_path / "fld.carnet"
    ok(vault.run("export", "--to", FLD, "--all", "--out", str(alone)))
    assert "Named Witness" in _names_in(alone, fld_key, tmp_path)
    both = tmp_path / "both.carnet"
    result = vault.run("export", "--to", FLD, "--to", raw_public, "--all", "--out", str(both))
    assert result.code == 0 and "pseudonym" in result.err
    assert "Named Witness" not in _names_in(both, raw_key, tmp_path)
    assert "Named Witness" not in _names_in(both, fld_key, tmp_path)
    raw_only = tmp_path / "raw.carnet"
    ok(vault.run("export", "--to", raw_public, "--all", "--out", str(raw_only)))
    assert "Named Witness" not in _names_in(raw_only, raw_key, tmp_path)
    # The destination's own key given raw counts as that destination, not as a stranger.
    same = tmp_path / "same.carnet"
    ok(vault.run("export", "--to", FLD, "--to", fld_public, "--all", "--out", str(same)))
    assert "Named Witness" in _names_in(same, fld_key, tmp_path)


def test_publish_consent_covers_a_raw_key(vault: VaultFixture, tmp_path: Path) -> None:
    raw_key, raw_public, _ = keygen(vault, "raw.key")
    _witness(vault, "publish")
    bundle = tmp_path / "raw.carnet"
    ok(vault.run("export", "--to", raw_public, "--all", "--out", str(bundle)))
    assert "Named Witness" in _names_in(bundle, raw_key, tmp_path)
