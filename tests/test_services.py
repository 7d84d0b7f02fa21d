"""The app/ services over a real SQLCipher store: what the GUI will call directly.

The `notebook` fixture is an unlocked Notebook made through VaultService, so these
tests exercise the same services as the CLI, without the per-command unlock.
"""

from __future__ import annotations

import dataclasses
import re
import string

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from app import errors, validation
from app.clock import today_utc
from app.device_share import NoDeviceShares
from app.errors import (
    CancelledError,
    NotFoundError,
    ValidationError,
    WrongPassphraseError,
)
from app.models import ConsentInput, IncidentInput, InterventionInput, PersonInput
from app.notebook import Notebook
from app.paths import VaultPaths
from app.progress import CancelToken
from app.vault import VaultService
from crypto.kdf import KdfProfile
from tests.conftest import PASSPHRASE, CarnetEnv

FIXTURE_REUSE = settings(suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)


def nb(notebook: object) -> Notebook:
    assert isinstance(notebook, Notebook)
    return notebook


def search_ids(notebook: Notebook, text: str) -> list[int]:
    return [hit.incident_id for hit in notebook.search.search(text)]


def indexed_ids(notebook: Notebook) -> list[int]:
    with notebook.session.db.reading() as conn:
        return [r[0] for r in conn.execute("SELECT rowid FROM incident_search ORDER BY rowid")]


def table_count(notebook: Notebook, table: str) -> int:
    assert table in ("incidents", "incident_people", "interventions", "people")
    with notebook.session.db.reading() as conn:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])  # noqa: S608


# --- the exception hierarchy -----------------------------------------------------------------


def test_each_error_kind_carries_its_exit_code() -> None:
    assert errors.UsageError.exit_code == 2
    assert errors.ValidationError.exit_code == 2
    assert errors.VaultExistsError.exit_code == 2
    assert errors.WrongPassphraseError.exit_code == 3
    assert errors.DeviceShareMissingError.exit_code == 3
    assert errors.IntegrityError.exit_code == 4
    assert errors.NotFoundError.exit_code == 5
    assert errors.VaultNotFoundError.exit_code == 5
    assert errors.TransportFailedError.exit_code == 6
    for cls in (errors.UsageError, errors.CannotUnlockError, errors.IntegrityError):
        assert issubclass(cls, errors.CarnetError)


def test_records_repr_shows_no_user_data(notebook: object) -> None:
    notebook = nb(notebook)
    incident_id = notebook.incidents.add(IncidentInput("Secret title", narrative="Secret text"))
    person_id = notebook.people.add(PersonInput("Secret Name"))
    notebook.people.link(incident_id, person_id, "victim")
    detail = notebook.incidents.detail(incident_id)
    for value in (
        IncidentInput("Secret title"),
        detail,
        detail.incident,
        detail.people[0],
        notebook.people.get(person_id),
        notebook.search.search("secret")[0],
    ):
        assert "Secret" not in repr(value)


# --- incidents -----------------------------------------------------------------------------


def test_add_many_is_all_or_nothing_and_names_the_bad_item(notebook: object) -> None:
    notebook = nb(notebook)
    items = [IncidentInput(f"Item {n}") for n in range(5)]
    items[3] = IncidentInput("Bad", violations=("nope",))
    with pytest.raises(ValidationError, match=r"incident #4: unknown violation type 'nope'"):
        notebook.incidents.add_many(items)
    assert notebook.incidents.count() == 0
    assert indexed_ids(notebook) == []
    # One item alone: the message is the item's own, without a number.
    with pytest.raises(ValidationError, match=r"^unknown violation type"):
        notebook.incidents.add_many([items[3]])


def test_add_many_reports_progress_and_can_be_cancelled(notebook: object) -> None:
    notebook = nb(notebook)
    seen: list[tuple[int, int, str]] = []
    ids = notebook.incidents.add_many(
        [IncidentInput(f"n{n}") for n in range(600)],
        progress=lambda done, total, stage: seen.append((done, total, stage)),
    )
    assert len(ids) == 600 and ids == sorted(ids)
    assert {stage for _, _, stage in seen} == {"importing"}
    assert seen[-1] == (600, 600, "importing")
    assert [done for done, _, _ in seen] == sorted(done for done, _, _ in seen)

    token = CancelToken()
    token.cancel()
    with pytest.raises(CancelledError):
        notebook.incidents.add_many([IncidentInput("never")], cancel=token)

    # Cancelled from another thread while importing: the whole batch rolls back.
    late = CancelToken()

    def cancel_midway(done: int, total: int, stage: str) -> None:
        if done >= 250:
            late.cancel()

    with pytest.raises(CancelledError):
        notebook.incidents.add_many(
            [IncidentInput(f"late {n}") for n in range(1000)], progress=cancel_midway, cancel=late
        )
    assert notebook.incidents.count() == 600
    assert indexed_ids(notebook) == ids


def test_get_update_and_timestamps(notebook: object) -> None:
    from app.incidents import IncidentService

    notebook = nb(notebook)
    ticks = iter(["2024-01-01T00:00:00Z", "2024-01-02T00:00:00Z"])
    service = IncidentService(
        notebook.session.db, notebook.custody, notebook.attachments.blobs, clock=lambda: next(ticks)
    )
    incident_id = service.add(IncidentInput("  Title  ", country="fr", tags=("A", "a", "b")))
    stored = service.get(incident_id)
    assert (stored.title, stored.country, stored.tags) == ("Title", "FR", ("A", "b"))
    assert stored.created_at == stored.updated_at == "2024-01-01T00:00:00Z"
    updated = service.update(incident_id, dataclasses.replace(stored.to_input(), status="verified"))
    assert updated.status == "verified"
    assert (updated.created_at, updated.updated_at) == (
        "2024-01-01T00:00:00Z",
        "2024-01-02T00:00:00Z",
    )
    assert updated.uid == stored.uid
    with pytest.raises(NotFoundError):
        service.update(999, stored.to_input())
    with pytest.raises(ValidationError):
        service.update(incident_id, IncidentInput(""))
    assert service.get(incident_id).title == "Title"


def test_list_newest_orders_by_event_date_undated_last(notebook: object) -> None:
    notebook = nb(notebook)
    undated = notebook.incidents.add(IncidentInput("undated"))
    old = notebook.incidents.add(IncidentInput("old", date="1999"))
    new = notebook.incidents.add(IncidentInput("new", date="2024-05-01"))
    mid = notebook.incidents.add(IncidentInput("mid", date="~2010-03"))
    assert [i.id for i in notebook.incidents.list_newest()] == [new, mid, old, undated]
    assert [i.id for i in notebook.incidents.list_newest(limit=2, offset=1)] == [mid, old]


def test_delete_cascades_to_links_interventions_and_index(notebook: object) -> None:
    notebook = nb(notebook)
    doomed = notebook.incidents.add(IncidentInput("Doomed", narrative="cascade"))
    kept = notebook.incidents.add(IncidentInput("Kept"))
    person = notebook.people.add(PersonInput("Shared Person"))
    notebook.people.link(doomed, person, "victim")
    kept_link = notebook.people.link(kept, person, "witness")
    notebook.interventions.add(doomed, InterventionInput("Lifeline"))
    kept_item = notebook.interventions.add(kept, InterventionInput("UN"))
    notebook.incidents.delete(doomed)
    assert [link.id for link in notebook.people.links_for_person(person)] == [kept_link]
    assert [i.id for i in notebook.interventions.list_for()] == [kept_item]
    assert table_count(notebook, "incident_people") == 1
    assert indexed_ids(notebook) == [kept]
    assert search_ids(notebook, "cascade") == []
    assert notebook.people.get(person).name == "Shared Person"  # the person stays
    with pytest.raises(NotFoundError):
        notebook.incidents.delete(doomed)
    with pytest.raises(NotFoundError):
        notebook.incidents.detail(doomed)


# --- people and consent ----------------------------------------------------------------------


def test_person_validation_and_lookup(notebook: object) -> None:
    notebook = nb(notebook)
    with pytest.raises(ValidationError, match="name is required"):
        notebook.people.add(PersonInput("   "))
    with pytest.raises(ValidationError, match="kind of person"):
        notebook.people.add(PersonInput("X", kind="alien"))
    person = notebook.people.add(PersonInput(" Ana ", kind="organisation", notes="line1\nline2"))
    stored = notebook.people.get(person)
    assert (stored.name, stored.kind, stored.notes) == ("Ana", "organisation", "line1\nline2")
    with pytest.raises(NotFoundError):
        notebook.people.get(999)
    with pytest.raises(NotFoundError):
        notebook.people.update(999, PersonInput("x"))
    with pytest.raises(NotFoundError):
        notebook.people.delete(999)
    assert table_count(notebook, "people") == 1


def test_renaming_or_deleting_a_person_updates_search(notebook: object) -> None:
    notebook = nb(notebook)
    first = notebook.incidents.add(IncidentInput("First"))
    second = notebook.incidents.add(IncidentInput("Second"))
    person = notebook.people.add(PersonInput("Ousmane Sonko"))
    notebook.people.link(first, person, "victim")
    notebook.people.link(second, person, "witness")
    assert sorted(search_ids(notebook, "sonko")) == [first, second]
    notebook.people.update(person, PersonInput("Ousmane Diallo"))
    assert search_ids(notebook, "sonko") == []
    assert sorted(search_ids(notebook, "diallo")) == [first, second]
    assert notebook.people.delete(person) == 2
    assert search_ids(notebook, "diallo") == []
    assert search_ids(notebook, "first") == [first]


def test_link_refusals(notebook: object) -> None:
    notebook = nb(notebook)
    incident = notebook.incidents.add(IncidentInput("Linked"))
    person = notebook.people.add(PersonInput("P"))
    with pytest.raises(ValidationError, match="unknown role 'hero'"):
        notebook.people.link(incident, person, "hero")
    with pytest.raises(NotFoundError, match="no incident 999"):
        notebook.people.link(999, person, "victim")
    with pytest.raises(NotFoundError, match="no person 999"):
        notebook.people.link(incident, 999, "victim")
    link = notebook.people.link(incident, person, "victim")
    with pytest.raises(ValidationError, match="already linked"):
        notebook.people.link(incident, person, "victim")
    assert [x.id for x in notebook.people.links_for_incident(incident)] == [link]
    with pytest.raises(NotFoundError):
        notebook.people.get_link(999)
    with pytest.raises(NotFoundError):
        notebook.people.update_link(999, role="victim")
    notebook.people.unlink(link)
    with pytest.raises(NotFoundError):
        notebook.people.unlink(link)


def test_consent_rules(notebook: object) -> None:
    notebook = nb(notebook)
    incident = notebook.incidents.add(IncidentInput("Consent"))
    person = notebook.people.add(PersonInput("Q"))
    with pytest.raises(ValidationError, match="--consent-org"):
        notebook.people.link(incident, person, "victim", ConsentInput("share"))
    with pytest.raises(ValidationError, match="cannot name organisations"):
        notebook.people.link(incident, person, "victim", ConsentInput("none", ("FLD",)))
    with pytest.raises(ValidationError, match="unknown consent"):
        notebook.people.link(incident, person, "victim", ConsentInput("maybe"))
    with pytest.raises(ValidationError, match="YYYY-MM-DD"):
        notebook.people.link(incident, person, "victim", ConsentInput("publish", date="01/02/2024"))
    assert table_count(notebook, "incident_people") == 0

    before = today_utc()
    shared = notebook.people.link(
        incident, person, "victim", ConsentInput("share", ("FLD", " FLD ", "Lifeline"))
    )
    after = today_utc()
    consent = notebook.people.get_link(shared).consent
    assert consent.organisations == ("FLD", "Lifeline")
    assert consent.date in (before, after)
    silent = notebook.people.link(incident, person, "witness")
    assert notebook.people.get_link(silent).consent == ConsentInput("none", (), None, "")

    updated = notebook.people.update_link(
        shared, role="source", consent=ConsentInput("publish", date="2023-05-06", note="ok")
    )
    assert updated.role == "source"
    assert updated.consent == ConsentInput("publish", (), "2023-05-06", "ok")
    # A role change alone keeps the consent.
    assert notebook.people.update_link(shared, role="defender").consent == updated.consent
    with pytest.raises(ValidationError):
        notebook.people.update_link(shared, consent=ConsentInput("share"))
    assert notebook.people.get_link(shared).consent == updated.consent


# --- interventions --------------------------------------------------------------------------


def test_interventions(notebook: object) -> None:
    notebook = nb(notebook)
    incident = notebook.incidents.add(IncidentInput("Intervened"))
    undated = notebook.interventions.add(incident, InterventionInput("Embassy"))
    late = notebook.interventions.add(
        incident, InterventionInput("FLD", "urgent-appeal", "sent", "2024-05-01")
    )
    early = notebook.interventions.add(
        incident, InterventionInput("UN", "un-communication", date=" 2023-01-02 ")
    )
    assert [i.id for i in notebook.interventions.list_for(incident)] == [early, late, undated]
    assert notebook.interventions.get(early).date == "2023-01-02"
    changed = notebook.interventions.update(
        late, dataclasses.replace(notebook.interventions.get(late).to_input(), status="completed")
    )
    assert (changed.status, changed.actor, changed.kind) == ("completed", "FLD", "urgent-appeal")
    for bad in (
        InterventionInput(""),
        InterventionInput("X", kind="petition"),
        InterventionInput("X", status="lost"),
        InterventionInput("X", date="2024-02-30"),
    ):
        with pytest.raises(ValidationError):
            notebook.interventions.add(incident, bad)
    with pytest.raises(NotFoundError):
        notebook.interventions.add(999, InterventionInput("X"))
    notebook.interventions.delete(undated)
    with pytest.raises(NotFoundError):
        notebook.interventions.delete(undated)
    with pytest.raises(NotFoundError):
        notebook.interventions.get(undated)
    assert table_count(notebook, "interventions") == 2


def test_actor_suggestions_put_the_vaults_own_first_by_use(notebook: object) -> None:
    from app.vocabulary import vocabularies

    notebook = nb(notebook)
    incident = notebook.incidents.add(IncidentInput("Intervened"))
    actors = ["Ligue des droits", "Front Line Defenders", "front line defenders"]
    actors += ["Lawyers' Collective", "Ligue des droits", "ligue des DROITS", "Émile's office"]
    for actor in actors:
        notebook.interventions.add(incident, InterventionInput(actor))
    suggested = vocabularies().intervention_actor_suggestions
    everything = notebook.interventions.actor_suggestions("", limit=200)
    # Own actors by use (3, 2, then 1 each, alphabetically), each actor once, spelt as
    # most often (a tie: as most recently).
    assert everything[:4] == [
        "Ligue des droits",
        "front line defenders",
        "Lawyers' Collective",
        "Émile's office",
    ]
    assert "Front Line Defenders" in suggested
    assert everything[4:] == [a for a in suggested if a != "Front Line Defenders"]
    assert len({a.casefold() for a in everything}) == len(everything)
    assert notebook.interventions.actor_suggestions("LIG") == ["Ligue des droits"]
    assert notebook.interventions.actor_suggestions("  fr") == ["front line defenders"]
    assert notebook.interventions.actor_suggestions("émi") == ["Émile's office"]
    un = notebook.interventions.actor_suggestions("un ")
    assert un and all(a.startswith("UN ") for a in un)
    assert un == [a for a in suggested if a.casefold().startswith("un ")]
    assert len(notebook.interventions.actor_suggestions("", limit=2)) == 2
    assert notebook.interventions.actor_suggestions("zzz") == []
    for bad in (0, 201, True):
        with pytest.raises(ValidationError, match="number of suggestions"):
            notebook.interventions.actor_suggestions("", limit=bad)
    with pytest.raises(ValidationError, match="longer than"):
        notebook.interventions.actor_suggestions("x" * 501)


# --- search ----------------------------------------------------------------------------------


def test_search_fields_accents_and_prefix(notebook: object) -> None:
    notebook = nb(notebook)
    a = notebook.incidents.add(
        IncidentInput(
            "Détenue à Conakry",
            narrative="Gardée à vue",
            location="Kaloum",
            tags=("Élections",),
        )
    )
    b = notebook.incidents.add(IncidentInput("Autre", narrative="detenue aussi"))
    assert sorted(search_ids(notebook, "DETENUE")) == [a, b]
    assert search_ids(notebook, "kaloum") == [a]
    assert search_ids(notebook, "kaloum\x00gardee") == [a]
    assert search_ids(notebook, "elections") == [a]
    assert search_ids(notebook, "gardee vue") == [a]
    assert search_ids(notebook, "conak*") == [a]
    assert search_ids(notebook, "co*") == [a]
    hit = notebook.search.search("kaloum")[0]
    assert (hit.title, hit.status, hit.date) == ("Détenue à Conakry", "draft", None)
    assert len(notebook.search.search("detenue", limit=1)) == 1
    with pytest.raises(ValidationError, match="type at least one word"):
        notebook.search.search(' " ( ) * - ')
    with pytest.raises(ValidationError, match="longer than"):
        notebook.search.search("a" * 1001)


def test_search_is_newest_first_and_pages_by_id(notebook: object) -> None:
    notebook = nb(notebook)
    ids = notebook.incidents.add_many(
        [IncidentInput(f"Raid {n}", narrative="raid " * (n % 4 + 1)) for n in range(12)]
    )
    assert search_ids(notebook, "raid") == ids[::-1]
    hits = notebook.search.search("raid", limit=5)
    assert [h.incident_id for h in hits] == ids[::-1][:5]
    assert all(h.score is None for h in hits)
    rest = notebook.search.search("raid", limit=5, before=hits[-1].incident_id)
    assert [h.incident_id for h in rest] == ids[::-1][5:10]
    ranked = notebook.search.search("raid", ranked=True)
    scores = [h.score for h in ranked]
    assert sorted(h.incident_id for h in ranked) == sorted(ids)
    assert all(s is not None for s in scores)
    assert scores == sorted(scores)  # bm25: lower is better
    assert [h.incident_id for h in ranked] != ids[::-1]  # ranked is not the id order
    with pytest.raises(ValidationError, match="ranked search has no next page"):
        notebook.search.search("raid", ranked=True, before=ids[3])
    for bad in (0, -1, 10_001):
        with pytest.raises(ValidationError, match="number of hits"):
            notebook.search.search("raid", limit=bad)


def test_newest_first_search_streams_from_the_index(notebook: object) -> None:
    """No sort of the matches: FTS5 hands rows over in rowid order and LIMIT stops it."""
    from app.search import NO_CURSOR, SEARCH_SQL, fts_query

    notebook = nb(notebook)
    notebook.incidents.add(IncidentInput("Raid"))
    with notebook.session.db.reading() as conn:
        plan = [
            row[3]
            for row in conn.execute(
                f"EXPLAIN QUERY PLAN {SEARCH_SQL}", (fts_query("raid"), NO_CURSOR, 50)
            )
        ]
    assert plan[0].startswith("SCAN s VIRTUAL TABLE"), plan
    assert not any("TEMP B-TREE" in step for step in plan), plan


# The one incident's words, per searchable column, as the unicode61 tokenizer splits them.
_SOUP_COLUMNS = (("police", "raid"), ("not", "quoted", "x", "or", "y"))
_SOUP_WORDS = ["police", "RAID", "rai*", "quot*", "x", "y*", "or", "NOT", "(x)", '"quoted"']


def _phrase_in(tokens: list[str], prefix: bool, column: tuple[str, ...]) -> bool:
    for start in range(len(column) - len(tokens) + 1):
        window = column[start : start + len(tokens)]
        if list(window[:-1]) == tokens[:-1] and (
            window[-1].startswith(tokens[-1]) if prefix else window[-1] == tokens[-1]
        ):
            return True
    return False


def _soup_matches(query: str) -> bool:
    """Whether the one incident matches an ASCII query, by the rules fts_query documents:
    every word must match (a phrase of its tokens; a trailing * makes the last a prefix)."""
    for word in query.replace("\x00", " ").split():
        prefix = word.endswith("*")
        tokens = re.findall(r"[a-z0-9]+", word.rstrip("*").lower())
        if not tokens:
            continue
        if not any(_phrase_in(tokens, prefix, column) for column in _SOUP_COLUMNS):
            return False
    return True


@FIXTURE_REUSE
@given(
    query=st.text(max_size=60)
    | st.text(alphabet=string.printable, max_size=30)
    | st.lists(st.sampled_from(_SOUP_WORDS), min_size=1, max_size=4).map(" ".join)
)
@example(query="0\x00")  # FTS5 read a NUL as the end of the quoted string
@example(query='"\x00"')
@example(query="raid")
@example(query="POLICE rai*")
@example(query='NOT "quoted" (x)')
@example(query="police zebra")
def test_any_query_returns_hits_or_asks_for_a_word(notebook: object, query: str) -> None:
    notebook = nb(notebook)
    if notebook.incidents.count() == 0:
        notebook.incidents.add(IncidentInput("Police raid", narrative='NOT "quoted" (x) OR y*'))
    try:
        hits = notebook.search.search(query)
    except ValidationError as exc:
        assert exc.message == "type at least one word to search for"
        assert not any(ch.isalnum() for ch in query.replace("*", ""))
        return
    ids = [hit.incident_id for hit in hits]
    assert ids in ([], [1])
    if query.isascii():
        assert ids == ([1] if _soup_matches(query) else []), query
    if query in ("raid", "POLICE rai*", 'NOT "quoted" (x)'):
        assert ids == [1]


@FIXTURE_REUSE
@given(
    words=st.lists(
        st.sampled_from(['"', "(", ")", "*", "OR", "NOT", "AND", "NEAR", ":", "^", "-", "+"])
        | st.text(alphabet="abcdéÉ0\"'()*:^-", min_size=1, max_size=8),
        min_size=1,
        max_size=8,
    )
)
def test_fts_operator_soup_never_reaches_sqlite_as_syntax(
    notebook: object, words: list[str]
) -> None:
    notebook = nb(notebook)
    try:
        notebook.search.search(" ".join(words))
    except ValidationError as exc:
        assert "type at least one word" in exc.message


# --- the store round-trips what validation accepts ---------------------------------------

_TEXT = st.text(
    alphabet=st.characters(exclude_categories=["Cs"], exclude_characters="\x00"),
    max_size=30,
)
_INPUTS = st.builds(
    IncidentInput,
    title=_TEXT,
    narrative=st.text(max_size=60),
    date=st.sampled_from([None, "", "2024", "~2024-03", "2024-03-05..2024-04", " 1999-12-31 "]),
    location=_TEXT,
    country=st.sampled_from([None, "", "sn", "FR", " ml "]),
    coordinates=st.none() | st.tuples(st.floats(-90, 90), st.floats(-180, 180)),
    violations=st.lists(st.sampled_from(["raid", "surveillance", "other", "raid"]), max_size=3).map(
        tuple
    ),
    tags=st.lists(_TEXT, max_size=4).map(tuple),
    status=st.sampled_from(["draft", "verified", "shared"]),
    sensitivity=st.sampled_from(["low", "high"]),
)


@settings(FIXTURE_REUSE, max_examples=60)
@given(data=_INPUTS)
def test_add_stores_the_normalised_input_or_refuses_and_stores_nothing(
    notebook: object, data: IncidentInput
) -> None:
    notebook = nb(notebook)
    count = notebook.incidents.count()
    try:
        expected = validation.incident(data)
    except ValidationError:
        with pytest.raises(ValidationError):
            notebook.incidents.add(data)
        assert notebook.incidents.count() == count
        return
    incident_id = notebook.incidents.add(data)
    stored = notebook.incidents.get(incident_id).to_input()
    assert stored == dataclasses.replace(
        expected, violations=tuple(sorted(expected.violations)), tags=tuple(sorted(expected.tags))
    )
    assert incident_id in indexed_ids(notebook)


# --- the vault service -----------------------------------------------------------------------


def test_vault_service_unlock_paths(carnet_env: CarnetEnv) -> None:
    service = VaultService(VaultPaths(carnet_env.vault), NoDeviceShares())
    created = service.create(
        PASSPHRASE,
        profile=KdfProfile.INTERACTIVE,
        use_keyring=False,
        duress_passphrase="duress passphrase",
    )
    assert not created.uses_device_share
    assert created.recovery_key not in repr(created)
    stages: list[str] = []
    with Notebook(service.unlock(PASSPHRASE, progress=lambda d, t, s: stages.append(s))) as opened:
        opened.incidents.add(IncidentInput("kept"))
    assert "deriving-key" in stages
    with pytest.raises(WrongPassphraseError):
        service.unlock("wrong passphrase")  # (the duress passphrase: tests/test_duress.py)
    with pytest.raises(ValidationError):
        service.change_passphrase(PASSPHRASE, "short")
    service.change_passphrase(PASSPHRASE, "the next passphrase")
    with pytest.raises(WrongPassphraseError):
        service.unlock(PASSPHRASE)
    service.recover(created.recovery_key, "after recovery!", use_keyring=False)
    with Notebook(service.unlock("after recovery!")) as opened:
        assert [i.title for i in opened.incidents.list_newest()] == ["kept"]
        # The session's master key is gone once it is closed.
        session = opened.session
    with pytest.raises(ValueError, match="locked"):
        session.subkey(b"anything")
