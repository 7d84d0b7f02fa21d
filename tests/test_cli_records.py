"""Incidents, people, interventions, search and codes through the command line.

The CLI runs in this process (call_carnet) against a real SQLCipher vault made by
`carnet init`; a few cases run the real process end to end. Output formats checked here
are the contract scripts rely on: the new id alone on the last line of stdout, one line
per search hit beginning with the incident id, JSON that `add --json-file` reads back.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import PASSPHRASE, CarnetEnv, Result, call_carnet, run_carnet

VIOLATION_CODES = [
    "arbitrary-detention",
    "enforced-disappearance",
    "torture-ill-treatment",
    "extrajudicial-killing",
    "threats-intimidation",
    "physical-attack",
    "sexual-gender-violence",
    "judicial-harassment",
    "surveillance",
    "device-seizure-hacking",
    "raid",
    "travel-ban",
    "defamation-campaign",
    "restriction-assembly",
    "restriction-association",
    "restriction-expression",
    "internet-shutdown",
    "forced-eviction-land-grab",
    "reprisal-un-cooperation",
    "other",
]
VOLATILE_KEYS = ("id", "uid", "created_at", "updated_at")


def assert_error(result: Result, code: int, *fragments: str) -> str:
    assert result.code == code, (result.code, result.out, result.err)
    assert "Traceback" not in result.err + result.out
    lines = result.err.splitlines()
    assert len(lines) == 1, result.err
    assert lines[0].startswith("carnet: error: "), lines[0]
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])
    return lines[0]


@dataclass
class Cli:
    """The CLI in this process, with --passphrase-file set before the command."""

    cenv: CarnetEnv
    capsys: pytest.CaptureFixture[str]
    monkeypatch: pytest.MonkeyPatch
    pw_file: Path

    def raw(self, *args: str, stdin: str = "") -> Result:
        return call_carnet(
            self.cenv, *args, stdin=stdin, capsys=self.capsys, monkeypatch=self.monkeypatch
        )

    def __call__(self, *args: str, stdin: str = "") -> Result:
        return self.raw("--passphrase-file", str(self.pw_file), *args, stdin=stdin)

    def ok(self, *args: str, stdin: str = "") -> Result:
        result = self(*args, stdin=stdin)
        assert result.code == 0, (args, result.err)
        assert "Traceback" not in result.err
        return result

    def new_id(self, *args: str, stdin: str = "") -> int:
        """Run an add command; the new id is alone on the last line of stdout."""
        last = self.ok(*args, stdin=stdin).out.splitlines()[-1]
        assert last.strip() == last and last.isdigit(), last
        return int(last)

    def incident(self, title: str = "An incident", *options: str) -> int:
        return self.new_id("incident", "add", "--title", title, *options)

    def json(self, *args: str) -> Any:
        return json.loads(self.ok(*args, "--json").out)

    def show(self, incident_id: int) -> dict[str, Any]:
        result: dict[str, Any] = self.json("incident", "show", str(incident_id))
        return result

    def hits(self, *query: str) -> list[int]:
        result = self.ok("search", *query)
        return [int(line.split("\t")[0]) for line in result.out.splitlines()]

    def file(self, name: str, text: str) -> str:
        path = self.cenv.root / "inputs" / name
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return str(path)


@pytest.fixture
def cli(
    carnet_env: CarnetEnv, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Iterator[Cli]:
    pw_file = carnet_env.secret_file(PASSPHRASE)
    made = call_carnet(
        carnet_env,
        "init",
        "--kdf-profile",
        "interactive",
        "--no-keyring",
        "--new-passphrase-file",
        str(pw_file),
        capsys=capsys,
        monkeypatch=monkeypatch,
    )
    assert made.code == 0, made.err
    yield Cli(carnet_env, capsys, monkeypatch, pw_file)


@pytest.fixture
def raw(
    carnet_env: CarnetEnv, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Cli:
    """The CLI in this process, without a vault (for commands that need none)."""
    return Cli(carnet_env, capsys, monkeypatch, carnet_env.root / "no-passphrase")


def record(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k not in VOLATILE_KEYS}


# --- incident add ---------------------------------------------------------------------------


def test_add_with_every_option_prints_the_id_last_and_show_returns_it(cli: Cli) -> None:
    narrative = cli.file("narrative.txt", "First line.\nSecond line, with « guillemets ».\n")
    incident_id = cli.incident(
        "  Arrest of three journalists  ",
        "--narrative-file",
        narrative,
        "--date",
        "~2024-03-05..2024-04",
        "--location",
        "Dakar, Plateau",
        "--country",
        "sn",
        "--coordinates",
        "14.69,-17.44",
        "--violation",
        "arbitrary-detention",
        "--violation",
        "device-seizure-hacking",
        "--violation",
        "arbitrary-detention",
        "--tag",
        "press",
        "--tag",
        "Press",
        "--tag",
        "election",
        "--status",
        "documented",
        "--sensitivity",
        "high",
    )
    shown = cli.show(incident_id)
    assert shown["id"] == incident_id
    assert record(shown) == {
        "title": "Arrest of three journalists",
        "narrative": "First line.\nSecond line, with « guillemets ».",
        "date": "~2024-03-05..2024-04",
        "date_precision": "approximate",
        "location": "Dakar, Plateau",
        "country": "SN",
        "coordinates": [14.69, -17.44],
        "violations": ["arbitrary-detention", "device-seizure-hacking"],
        "tags": ["election", "press"],
        "status": "documented",
        "sensitivity": "high",
        "people": [],
        "interventions": [],
    }
    assert len(shown["uid"]) == 32
    assert shown["created_at"] == shown["updated_at"]
    text = cli.ok("incident", "show", str(incident_id)).out
    assert f"Incident {incident_id}: Arrest of three journalists" in text
    assert "Senegal" in text and "Arbitrary" in text


def test_add_prints_only_the_id_on_stdout(cli: Cli) -> None:
    result = cli.ok("incident", "add", "--title", "Minimal")
    assert result.out == "1\n"
    assert cli.incident("Second") == 2


def test_add_end_to_end_prints_the_id_last(carnet_env: CarnetEnv, cli: Cli) -> None:
    result = run_carnet(
        carnet_env,
        "incident",
        "add",
        "--title",
        "Raid on the office",
        "--violation",
        "raid",
        "--passphrase-file",
        str(cli.pw_file),
    )
    assert result.code == 0, result.err
    assert result.out.splitlines()[-1] == "1"
    assert cli.hits("raid") == [1]


def test_narrative_from_stdin(cli: Cli) -> None:
    incident_id = cli.incident("From stdin", "--narrative-file", "-")
    assert cli.show(incident_id)["narrative"] == ""
    incident_id = cli.new_id(
        "incident", "add", "--title", "Piped", "--narrative-file", "-", stdin="Piped words\n"
    )
    assert cli.show(incident_id)["narrative"] == "Piped words"
    assert_error(
        cli.raw(
            "--passphrase-file",
            "-",
            "incident",
            "add",
            "--title",
            "x",
            "--narrative-file",
            "-",
            stdin=PASSPHRASE,
        ),
        2,
        "standard input",
    )


def test_unknown_violation_is_refused_with_every_valid_code(cli: Cli) -> None:
    line = assert_error(
        cli("incident", "add", "--title", "x", "--violation", "arbitrary-arrest"),
        2,
        "arbitrary-arrest",
    )
    for code in VIOLATION_CODES:
        assert code in line
    assert cli.ok("incident", "list").out == ""


BAD_FIELD_VALUES = [
    ("--date", "2024-13", "no such date"),
    ("--date", "2024-02-30", "no such date"),
    ("--date", "05/03/2024", "YYYY-MM-DD"),
    ("--date", "2024-04..2024-03", "before the start"),
    ("--date", "yesterday", "YYYY-MM-DD"),
    ("--country", "XX", "XX"),
    ("--country", "Senegal", "country"),
    ("--coordinates", "91,0", "out of range"),
    ("--coordinates", "0,181", "out of range"),
    ("--coordinates", "nan,0", "out of range"),
    ("--coordinates", "14.69", "LATITUDE,LONGITUDE"),
    ("--coordinates", "a,b", "LATITUDE,LONGITUDE"),
    ("--coordinates", "1,2,3", "LATITUDE,LONGITUDE"),
    ("--status", "published", "draft"),
    ("--sensitivity", "secret", "high"),
    ("--tag", "", "tag"),
    ("--title", "", "title is required"),
    ("--title", "two\nlines", "single line"),
    ("--location", "x" * 501, "longer than 500"),
    ("--narrative", "nul\x00byte", "NUL"),
]


def test_bad_field_values_exit_2_and_write_nothing(cli: Cli) -> None:
    for option, value, fragment in BAD_FIELD_VALUES:
        args = ["incident", "add", "--title", "valid", f"{option}={value}"]
        assert_error(cli(*args), 2, fragment)
    assert cli.ok("incident", "list").out == ""


def test_southern_and_western_coordinates(cli: Cli) -> None:
    incident_id = cli.incident("Cape Town", "--coordinates", "-33.92,18.42")
    assert cli.show(incident_id)["coordinates"] == [-33.92, 18.42]
    incident_id = cli.incident("Lima", "--coordinates=-12.05;-77.04")
    assert cli.show(incident_id)["coordinates"] == [-12.05, -77.04]


def test_add_without_title_or_terminal_is_a_usage_error(cli: Cli) -> None:
    assert_error(cli("incident", "add"), 2, "--title")
    assert_error(cli("incident", "add", "--location", "Dakar"), 2, "--title")


# --- JSON import ----------------------------------------------------------------------------


def test_json_file_with_one_object(cli: Cli) -> None:
    source = cli.file(
        "one.json",
        json.dumps(
            {
                "title": "Imported",
                "narrative": "Text",
                "date": "2023",
                "location": "Bamako",
                "country": "ML",
                "violations": ["travel-ban"],
                "tags": ["airport"],
                "status": "verified",
            }
        ),
    )
    result = cli.ok("incident", "add", "--json-file", source)
    incident_id = int(result.out.splitlines()[-1])
    shown = cli.show(incident_id)
    assert (shown["title"], shown["date"], shown["country"], shown["status"]) == (
        "Imported",
        "2023",
        "ML",
        "verified",
    )
    assert shown["violations"] == ["travel-ban"]
    assert shown["tags"] == ["airport"]


def test_json_file_with_a_list_prints_every_id(cli: Cli) -> None:
    items = [{"title": f"Item {n}", "date": f"2020-0{n}"} for n in range(1, 6)]
    result = cli.ok("incident", "add", "--json-file", "-", stdin=json.dumps(items))
    assert result.out.splitlines() == ["1", "2", "3", "4", "5"]
    assert "Imported 5 incidents" in result.err
    assert [cli.show(n)["title"] for n in range(1, 6)] == [f"Item {n}" for n in range(1, 6)]


BAD_ITEMS: list[tuple[Any, str]] = [
    ({"title": "bad", "violations": ["not-a-code"]}, "not-a-code"),
    ({"title": "bad", "date": "2024-99"}, "no such date"),
    ({"narrative": "no title"}, "title is required"),
    ({"title": "bad", "colour": "red"}, "colour"),
    ({"title": "bad", "tags": "one-string"}, "list of strings"),
    ({"title": "bad", "coordinates": [1]}, "coordinates"),
    ({"title": "bad", "people": [{"name": "X"}]}, "people"),
    ("just a string", "JSON object"),
]


def test_a_list_with_one_invalid_item_imports_nothing_and_names_it(cli: Cli) -> None:
    for bad_item, fragment in BAD_ITEMS:
        items = [{"title": "good one"}, {"title": "good two"}, bad_item, {"title": "good"}]
        result = cli("incident", "add", "--json-file", cli.file("batch.json", json.dumps(items)))
        assert_error(result, 2, "incident #3", fragment)
        assert result.out == ""
    assert cli.ok("incident", "list").out == ""


def test_unknown_json_keys_are_refused(cli: Cli) -> None:
    line = assert_error(
        cli("incident", "add", "--json-file", "-", stdin='{"title": "x", "titel": "typo"}'),
        2,
        "titel",
    )
    assert "allowed" in line
    assert cli.ok("incident", "list").out == ""


def test_malformed_json_input(cli: Cli) -> None:
    for payload, fragment in (
        ("{not json", "does not parse"),
        ("", "does not parse"),
        ("42", "JSON object"),
        ('{"title": "x"} trailing', "does not parse"),
    ):
        assert_error(cli("incident", "add", "--json-file", "-", stdin=payload), 2, fragment)
    invalid_utf8 = cli.cenv.root / "latin1.json"
    invalid_utf8.write_bytes('{"title": "caf\u00e9"}'.encode("latin-1"))
    assert_error(cli("incident", "add", "--json-file", str(invalid_utf8)), 2, "UTF-8")
    empty = cli("incident", "add", "--json-file", "-", stdin="[]")
    assert empty.code == 0 and empty.out == ""  # an empty list imports nothing, successfully
    assert cli.ok("incident", "list").out == ""


def test_json_file_cannot_be_mixed_with_field_options(cli: Cli) -> None:
    source = cli.file("one.json", '{"title": "x"}')
    assert_error(
        cli("incident", "add", "--json-file", source, "--title", "y"), 2, "cannot be combined"
    )
    assert_error(cli("incident", "add", "--json-file", str(cli.cenv.root / "nope.json")), 2)


def test_show_json_feeds_back_into_add(cli: Cli) -> None:
    original = cli.incident(
        "Round trip ✓ « ok »",
        "--narrative",
        "Line one\n\n  indented line\nالعربية",
        "--date",
        "~2022-11",
        "--location",
        "Goma",
        "--country",
        "CD",
        "--coordinates",
        "-1.68,29.22",
        "--violation",
        "forced-eviction-land-grab",
        "--violation",
        "physical-attack",
        "--tag",
        "land",
        "--tag",
        "Mining",
        "--status",
        "shared",
        "--sensitivity",
        "low",
    )
    undated = cli.incident("No date, nothing else")
    for source_id in (original, undated):
        exported = cli.ok("incident", "show", str(source_id), "--json").out
        copy_id = cli.new_id("incident", "add", "--json-file", "-", stdin=exported)
        assert copy_id != source_id
        assert record(cli.show(copy_id)) == record(json.loads(exported))


def test_ten_thousand_incidents_in_one_import(cli: Cli) -> None:
    items = [
        {
            "title": f"Bulk incident {n}",
            "narrative": f"Narrative number {n} with marker{n}",
            "date": f"{2000 + n % 24}-{1 + n % 12:02d}",
            "country": "KE",
            "violations": ["surveillance"],
            "tags": [f"batch{n % 10}"],
        }
        for n in range(10_000)
    ]
    source = cli.file("bulk.json", json.dumps(items))
    result = cli.ok("incident", "add", "--json-file", source)
    ids = [int(line) for line in result.out.splitlines()]
    assert len(ids) == 10_000 and len(set(ids)) == 10_000
    assert "Imported 10000 incidents" in result.err
    assert len(cli.ok("incident", "list").out.splitlines()) == 10_000
    assert cli.hits("marker7777") == [ids[7777]]
    assert len(cli.hits("batch3", "--limit", "5000")) == 1000


# --- incident list / show / edit / delete ----------------------------------------------------


def test_list_text_and_json(cli: Cli) -> None:
    assert cli.ok("incident", "list").out == ""
    older = cli.incident("Older", "--date", "2020-01-01", "--country", "TN")
    newer = cli.incident("Newer", "--date", "2024-06")
    undated = cli.incident("Undated")
    lines = cli.ok("incident", "list").out.splitlines()
    assert [line.split("\t")[0] for line in lines] == [str(newer), str(older), str(undated)]
    assert lines[1].split("\t") == [str(older), "2020-01-01", "draft", "TN", "Older"]
    assert lines[2].split("\t")[1] == "-"
    listed = cli.json("incident", "list")
    assert [item["id"] for item in listed] == [newer, older, undated]
    assert listed[1]["country"] == "TN" and listed[2]["date"] is None
    assert len(cli.ok("incident", "list", "--limit", "2").out.splitlines()) == 2


NOT_FOUND_COMMANDS = [
    ["incident", "show", "999"],
    ["incident", "edit", "999", "--title", "x"],
    ["incident", "delete", "999", "--yes"],
    ["person", "show", "999"],
    ["person", "edit", "999", "--name", "x"],
    ["person", "delete", "999", "--yes"],
    ["person", "link", "999", "--incident", "1", "--role", "victim"],
    ["person", "link", "1", "--incident", "999", "--role", "victim"],
    ["person", "link-edit", "999", "--role", "witness"],
    ["person", "unlink", "999"],
    ["intervention", "add", "999", "--actor", "Lifeline"],
    ["intervention", "edit", "999", "--status", "sent"],
    ["intervention", "delete", "999", "--yes"],
]


def test_not_found_exits_5(cli: Cli) -> None:
    cli.incident("Exists")
    cli.new_id("person", "add", "--name", "Exists too")
    for args in NOT_FOUND_COMMANDS:
        assert_error(cli(*args), 5, "999")
    assert len(cli.json("person", "list")) == 1


def test_edit_each_field_option(cli: Cli) -> None:
    incident_id = cli.incident("Before", "--violation", "raid", "--tag", "old")
    narrative = cli.file("n.txt", "From a file\n")
    changes: list[tuple[list[str], str, Any]] = [
        (["--title", "After"], "title", "After"),
        (["--narrative", "New narrative"], "narrative", "New narrative"),
        (["--narrative-file", narrative], "narrative", "From a file"),
        (["--date", "2021-05-06"], "date", "2021-05-06"),
        (["--location", "Kampala"], "location", "Kampala"),
        (["--country", "ug"], "country", "UG"),
        (["--coordinates", "0.35,32.58"], "coordinates", [0.35, 32.58]),
        (["--violation", "surveillance"], "violations", ["surveillance"]),
        (["--tag", "new", "--tag", "other"], "tags", ["new", "other"]),
        (["--status", "verified"], "status", "verified"),
        (["--sensitivity", "low"], "sensitivity", "low"),
    ]
    before = cli.show(incident_id)
    for options, key, expected in changes:
        result = cli.ok("incident", "edit", str(incident_id), *options)
        assert result.out.strip() == str(incident_id)
        after = cli.show(incident_id)
        assert after[key] == expected, options
        untouched = {k for k in before if k not in (key, "updated_at", "date_precision")}
        assert {k: after[k] for k in untouched} == {k: before[k] for k in untouched}, options
        before = after


def test_edit_list_options_and_clear_coordinates(cli: Cli) -> None:
    incident_id = cli.incident(
        "Lists",
        "--violation",
        "raid",
        "--violation",
        "surveillance",
        "--tag",
        "Alpha",
        "--tag",
        "beta",
        "--coordinates",
        "1,2",
    )
    cli.ok(
        "incident",
        "edit",
        str(incident_id),
        "--add-violation",
        "travel-ban",
        "--remove-violation",
        "raid",
        "--add-tag",
        "gamma",
        "--remove-tag",
        "ALPHA",
    )
    shown = cli.show(incident_id)
    assert shown["violations"] == ["surveillance", "travel-ban"]
    assert shown["tags"] == ["beta", "gamma"]
    cli.ok("incident", "edit", str(incident_id), "--add-tag", "BETA", "--add-violation", "raid")
    shown = cli.show(incident_id)
    assert shown["tags"] == ["beta", "gamma"]  # tags dedup ignoring case
    assert shown["violations"] == ["raid", "surveillance", "travel-ban"]
    cli.ok("incident", "edit", str(incident_id), "--clear-coordinates")
    assert cli.show(incident_id)["coordinates"] is None
    assert cli.hits("gamma") == [incident_id]
    assert cli.hits("alpha") == []
    before = cli.show(incident_id)
    assert_error(cli("incident", "edit", str(incident_id), "--add-violation", "bogus"), 2, "bogus")
    assert_error(cli("incident", "edit", str(incident_id)), 2, "nothing to change")
    assert cli.show(incident_id) == before


def test_edit_with_a_partial_json_file(cli: Cli) -> None:
    incident_id = cli.incident(
        "Partial", "--location", "Harare", "--tag", "keep", "--coordinates", "1,1"
    )
    before = cli.show(incident_id)
    patch = {"title": "Patched", "status": "documented", "coordinates": None}
    cli.ok("incident", "edit", str(incident_id), "--json-file", "-", stdin=json.dumps(patch))
    after = cli.show(incident_id)
    assert (after["title"], after["status"], after["coordinates"]) == (
        "Patched",
        "documented",
        None,
    )
    assert (after["location"], after["tags"]) == (before["location"], before["tags"])
    assert_error(
        cli("incident", "edit", str(incident_id), "--json-file", "-", stdin='{"nope": 1}'),
        2,
        "nope",
    )
    assert cli.show(incident_id) == after


def test_delete_needs_yes_without_a_terminal(cli: Cli) -> None:
    incident_id = cli.incident("To delete")
    assert_error(cli("incident", "delete", str(incident_id)), 2, "--yes")
    assert cli.show(incident_id)["title"] == "To delete"
    result = cli.ok("incident", "delete", str(incident_id), "--yes")
    assert f"Incident {incident_id} deleted" in result.err
    assert_error(cli("incident", "show", str(incident_id)), 5)
    assert cli.hits("delete") == []


def test_deleting_an_incident_removes_its_links_and_interventions(cli: Cli) -> None:
    doomed = cli.incident("Doomed")
    kept = cli.incident("Kept")
    person = cli.new_id(
        "person", "add", "--name", "Moussa", "--incident", str(doomed), "--role", "victim"
    )
    cli.new_id("person", "link", str(person), "--incident", str(kept), "--role", "witness")
    intervention = cli.new_id("intervention", "add", str(doomed), "--actor", "Lifeline")
    kept_intervention = cli.new_id("intervention", "add", str(kept), "--actor", "UN")
    cli.ok("incident", "delete", str(doomed), "--yes")
    links = cli.json("person", "show", str(person))["links"]
    assert [link["incident_id"] for link in links] == [kept]
    assert [i["id"] for i in cli.json("intervention", "list")] == [kept_intervention]
    assert_error(cli("intervention", "edit", str(intervention), "--status", "sent"), 5)
    assert cli.hits("moussa") == [kept]


# --- search -------------------------------------------------------------------------------


def test_search_lines_begin_with_the_id_and_json_has_snippets(cli: Cli) -> None:
    first = cli.incident(
        "Journalist detained", "--narrative", "Held at the gendarmerie", "--date", "2024-02"
    )
    cli.incident("Unrelated march")
    result = cli.ok("search", "gendarmerie")
    assert result.out.splitlines() == [f"{first}\t2024-02\tdraft\tJournalist detained"]
    hits = cli.json("search", "gendarmerie")
    assert [h["id"] for h in hits] == [first]
    assert "[gendarmerie]" in hits[0]["snippet"]
    no_match = cli.ok("search", "nothingmatches")
    assert no_match.out == "" and "No match" in no_match.err
    assert cli.json("search", "nothingmatches") == []


def test_search_shows_newest_first_and_most_relevant_first_with_ranked(cli: Cli) -> None:
    weak = cli.incident("Report", "--narrative", "a long account; " * 20 + "checkpoint once")
    strong = cli.incident("Checkpoint", "--narrative", "checkpoint checkpoint checkpoint")
    newest = cli.incident("Later", "--narrative", "many words here and then a checkpoint " * 5)
    assert cli.hits("checkpoint") == [newest, strong, weak]
    ranked = cli.ok("search", "checkpoint", "--ranked").out.splitlines()
    assert [int(line.split("\t")[0]) for line in ranked] == [strong, newest, weak]
    assert ranked[0] == f"{strong}\t-\tdraft\tCheckpoint"  # the same line format
    assert [h["id"] for h in cli.json("search", "checkpoint", "--ranked")] == [
        strong,
        newest,
        weak,
    ]
    assert cli.hits("checkpoint", "--limit", "1") == [newest]


def test_search_by_location_tag_person_accents_and_prefix(cli: Cli) -> None:
    detained = cli.incident(
        "Militante Détenue à Abidjan", "--location", "Cocody", "--tag", "land-rights"
    )
    other = cli.incident("Sans rapport", "--narrative", "detenue ne figure pas ici? si: detenue")
    person = cli.new_id(
        "person", "add", "--name", "Aminata Traoré", "--incident", str(detained), "--role", "victim"
    )
    assert cli.hits("cocody") == [detained]
    assert cli.hits("land-rights") == [detained]
    assert cli.hits("rights") == [detained]
    assert cli.hits("traore") == [detained]
    assert cli.hits("TRAORÉ") == [detained]
    assert sorted(cli.hits("detenue")) == sorted([detained, other])
    assert cli.hits("détenue", "abidjan") == [detained]  # every word must match
    assert cli.hits("abid*") == [detained]
    assert cli.hits("abid") == []
    # Renaming the person re-indexes the incident; unlinking removes the name.
    cli.ok("person", "edit", str(person), "--name", "Mariam Koné")
    assert cli.hits("traore") == []
    assert cli.hits("kone") == [detained]
    link_id = cli.json("person", "show", str(person))["links"][0]["link_id"]
    cli.ok("person", "unlink", str(link_id))
    assert cli.hits("kone") == []


ODD_QUERIES = [
    ['"'],
    ['"unbalanced'],
    ["police", "OR", "army"],
    ["NOT", "police"],
    ["NOT"],
    ["(police)"],
    ["(", "police"],
    ["police)"],
    ["AND"],
    ["NEAR(police", "army)"],
    ["title:police"],
    ["^police"],
    ["pol*ce"],
    ["police**"],
    ["a'b"],
    ['"police"'],
    ["{police}"],
    ["police;", "DROP", "TABLE", "incidents;--"],
    ["--", "-police"],
    ["--", "-"],
    ["--", "--"],
    ["*"],
    ["***"],
    ["("],
    [")"],
    ['""'],
    ["..."],
    ["—", "–", "·"],
    ["🙂"],
    ["+", "-", "*", "/"],
    ["x" * 1001],
]


def test_search_query_syntax_never_errors_except_no_word(cli: Cli) -> None:
    incident_id = cli.incident("Police raid", "--narrative", "army and police")
    for query in ODD_QUERIES:
        result = cli("search", *query)
        if result.code == 0:
            assert "Traceback" not in result.err, query
            for line in result.out.splitlines():
                assert line.split("\t")[0] == str(incident_id), query
        else:
            line = assert_error(result, 2)
            assert "type at least one word" in line or "longer than 1000" in line, query
    assert cli.hits("police") == [incident_id]


def test_search_treats_operators_as_words(cli: Cli) -> None:
    with_not = cli.incident("Do NOT detain", "--narrative", "police")
    without = cli.incident("Police only")
    assert cli.hits("NOT", "police") == [with_not]
    assert sorted(cli.hits("police")) == sorted([with_not, without])
    assert_error(cli("search", '"', "()", "*"), 2, "type at least one word")


# --- people --------------------------------------------------------------------------------


def test_person_add_list_show_edit_delete(cli: Cli) -> None:
    incident_id = cli.incident("Assault")
    person = cli.new_id("person", "add", "--name", "Zainab", "--notes", "Lawyer")
    group = cli.new_id("person", "add", "--name", "Collectif des mères", "--kind", "group")
    org = cli.new_id("person", "add", "--name", "abc Ministry", "--kind", "institution")
    assert cli.ok("person", "list").out.splitlines() == [
        f"{org}\tinstitution\tabc Ministry",
        f"{group}\tgroup\tCollectif des mères",
        f"{person}\tindividual\tZainab",
    ]
    listed = cli.json("person", "list")
    assert {p["id"]: p["kind"] for p in listed} == {
        person: "individual",
        group: "group",
        org: "institution",
    }
    link = cli.new_id(
        "person", "link", str(person), "--incident", str(incident_id), "--role", "victim"
    )
    shown = cli.json("person", "show", str(person))
    assert (shown["name"], shown["notes"]) == ("Zainab", "Lawyer")
    assert shown["links"][0]["link_id"] == link
    assert shown["links"][0]["incident_id"] == incident_id
    assert shown["links"][0]["consent"]["level"] == "none"
    text = cli.ok("person", "show", str(person)).out
    assert f"[link {link}] incident {incident_id}: victim" in text
    cli.ok("person", "edit", str(person), "--kind", "group", "--notes", "Collective")
    edited = cli.json("person", "show", str(person))
    assert (edited["name"], edited["kind"], edited["notes"]) == ("Zainab", "group", "Collective")
    assert_error(cli("person", "edit", str(person)), 2, "nothing to change")
    assert_error(cli("person", "edit", str(person), "--kind", "robot"), 2, "robot")
    assert_error(cli("person", "add", "--name", " "), 2, "name is required")
    assert_error(cli("person", "delete", str(person)), 2, "--yes")
    result = cli.ok("person", "delete", str(person), "--yes")
    assert "unlinked from 1 incident" in result.err
    assert_error(cli("person", "show", str(person)), 5)
    assert cli.show(incident_id)["people"] == []


def test_person_add_with_link_and_refusals(cli: Cli) -> None:
    incident_id = cli.incident("Linked at once")
    result = cli.ok(
        "person", "add", "--name", "Kofi", "--incident", str(incident_id), "--role", "witness"
    )
    person = int(result.out.splitlines()[-1])
    assert f"Linked to incident {incident_id} as witness" in result.err
    people = cli.show(incident_id)["people"]
    assert [(p["person_id"], p["role"], p["name"]) for p in people] == [(person, "witness", "Kofi")]
    assert_error(cli("person", "add", "--name", "A", "--incident", str(incident_id)), 2, "--role")
    assert_error(cli("person", "add", "--name", "A", "--role", "victim"), 2, "--incident")
    assert_error(cli("person", "add", "--name", "A", "--consent", "publish"), 2, "--incident")
    assert_error(
        cli("person", "add", "--name", "A", "--incident", str(incident_id), "--role", "hero"),
        2,
        "hero",
    )
    # A failed link leaves no half-made person behind.
    assert_error(
        cli("person", "add", "--name", "Ghost", "--incident", "999", "--role", "victim"), 5
    )
    assert [p["name"] for p in cli.json("person", "list")] == ["Kofi"]
    assert_error(
        cli("person", "link", str(person), "--incident", str(incident_id), "--role", "witness"),
        2,
        "already linked",
    )
    # The same person in another role is a second link.
    cli.new_id("person", "link", str(person), "--incident", str(incident_id), "--role", "source")
    assert len(cli.show(incident_id)["people"]) == 2


def test_consent_rules(cli: Cli) -> None:
    incident_id = cli.incident("Consent")
    person = cli.new_id("person", "add", "--name", "Nadia")
    link = ["person", "link", str(person), "--incident", str(incident_id)]
    assert_error(cli(*link, "--role", "victim", "--consent", "share"), 2, "--consent-org")
    assert_error(
        cli(*link, "--role", "victim", "--consent", "none", "--consent-org", "FLD"),
        2,
        "cannot name organisations",
    )
    assert_error(cli(*link, "--role", "victim", "--consent", "maybe"), 2)
    assert_error(
        cli(*link, "--role", "victim", "--consent", "publish", "--consent-date", "2024-02-31"),
        2,
        "YYYY-MM-DD",
    )
    assert cli.show(incident_id)["people"] == []

    today_before = dt.datetime.now(dt.UTC).date().isoformat()
    shared = cli.new_id(
        *link,
        "--role",
        "victim",
        "--consent",
        "share",
        "--consent-org",
        "Front Line Defenders",
        "--consent-org",
        "Lifeline",
        "--consent-note",
        "Oral consent, recorded",
    )
    published = cli.new_id(
        *link, "--role", "source", "--consent", "publish", "--consent-date", "2023-12-01"
    )
    silent = cli.new_id(*link, "--role", "witness")
    today_after = dt.datetime.now(dt.UTC).date().isoformat()
    consents = {p["link_id"]: p["consent"] for p in cli.show(incident_id)["people"]}
    assert consents[shared]["level"] == "share"
    assert consents[shared]["organisations"] == ["Front Line Defenders", "Lifeline"]
    assert consents[shared]["date"] in (today_before, today_after)  # default: today
    assert consents[shared]["note"] == "Oral consent, recorded"
    assert consents[published]["date"] == "2023-12-01"
    assert consents[silent] == {"level": "none", "organisations": [], "date": None, "note": ""}


def test_link_edit_role_and_consent(cli: Cli) -> None:
    incident_id = cli.incident("Link edit")
    person = cli.new_id("person", "add", "--name", "Ibrahim")
    link = cli.new_id(
        "person", "link", str(person), "--incident", str(incident_id), "--role", "victim"
    )
    assert cli.ok("person", "link-edit", str(link), "--role", "defender").out.strip() == str(link)
    cli.ok(
        "person",
        "link-edit",
        str(link),
        "--consent",
        "share",
        "--consent-org",
        "Amnesty",
        "--consent-date",
        "2024-01-02",
    )
    (linked,) = cli.show(incident_id)["people"]
    assert linked["role"] == "defender"
    assert linked["consent"] == {
        "level": "share",
        "organisations": ["Amnesty"],
        "date": "2024-01-02",
        "note": "",
    }
    # Only the note changes; the rest of the consent is kept.
    cli.ok("person", "link-edit", str(link), "--consent-note", "Confirmed by phone")
    (linked,) = cli.show(incident_id)["people"]
    assert linked["consent"]["organisations"] == ["Amnesty"]
    assert linked["consent"]["note"] == "Confirmed by phone"
    # Going to "none" while organisations remain is refused; with nothing else, a usage error.
    assert_error(cli("person", "link-edit", str(link), "--consent", "none"), 2, "organisations")
    assert_error(cli("person", "link-edit", str(link)), 2, "nothing to change")
    assert_error(cli("person", "link-edit", str(link), "--role", "bystander"), 2, "bystander")
    (unchanged,) = cli.show(incident_id)["people"]
    assert unchanged == linked
    cli.ok("person", "unlink", str(link))
    assert cli.show(incident_id)["people"] == []
    assert_error(cli("person", "unlink", str(link)), 5)


# --- interventions ---------------------------------------------------------------------------


def test_intervention_add_list_edit_delete(cli: Cli) -> None:
    incident_id = cli.incident("Intervened")
    other = cli.incident("Other")
    appeal = cli.new_id(
        "intervention",
        "add",
        str(incident_id),
        "--actor",
        "Front Line Defenders",
        "--kind",
        "urgent-appeal",
        "--status",
        "sent",
        "--date",
        "2024-03-10",
        "--notes",
        "Appeal to the minister",
    )
    grant = cli.new_id(
        "intervention",
        "add",
        str(other),
        "--actor",
        "Lifeline",
        "--kind",
        "emergency-grant-request",
    )
    lines = cli.ok("intervention", "list").out.splitlines()
    assert lines == [
        f"{appeal}\tincident {incident_id}\t2024-03-10\turgent-appeal\tsent\tFront Line Defenders",
        f"{grant}\tincident {other}\t-\temergency-grant-request\tplanned\tLifeline",
    ]
    only = cli.json("intervention", "list", str(other))
    assert [i["id"] for i in only] == [grant]
    cli.ok("intervention", "edit", str(appeal), "--status", "acknowledged", "--notes", "Replied")
    (edited,) = cli.json("intervention", "list", str(incident_id))
    assert (edited["status"], edited["notes"], edited["actor"], edited["date"]) == (
        "acknowledged",
        "Replied",
        "Front Line Defenders",
        "2024-03-10",
    )
    shown = cli.show(incident_id)["interventions"]
    assert [i["id"] for i in shown] == [appeal]
    for bad, fragment in (
        (["--kind", "petition"], "petition"),
        (["--status", "lost"], "lost"),
        (["--date", "2024-3-1"], "YYYY-MM-DD"),
        (["--actor", ""], "actor is required"),
    ):
        assert_error(cli("intervention", "edit", str(appeal), *bad), 2, fragment)
        assert_error(cli("intervention", "add", str(other), "--actor", "X", *bad), 2, fragment)
    assert_error(cli("intervention", "edit", str(appeal)), 2, "nothing to change")
    assert len(cli.json("intervention", "list")) == 2
    assert_error(cli("intervention", "delete", str(appeal)), 2, "--yes")
    cli.ok("intervention", "delete", str(appeal), "--yes")
    assert [i["id"] for i in cli.json("intervention", "list")] == [grant]


def test_intervention_actors_are_suggestions(raw: Cli) -> None:
    actors = raw.raw("intervention", "actors")
    assert actors.code == 0
    names = actors.out.splitlines()
    assert "Front Line Defenders" in names
    assert any("Lifeline" in name for name in names)


# --- codes ---------------------------------------------------------------------------------


def test_codes_violations_lists_all_twenty(raw: Cli) -> None:
    result = raw.raw("codes", "violations")
    assert result.code == 0
    rows = [line.split("\t") for line in result.out.splitlines()]
    assert [code for code, _ in rows] == VIOLATION_CODES
    assert all(label for _, label in rows)
    assert raw.raw("codes").out == result.out  # violations is the default list


def test_codes_in_french(raw: Cli) -> None:
    english = dict(line.split("\t") for line in raw.raw("codes", "violations").out.splitlines())
    french = dict(
        line.split("\t")
        for line in raw.raw("codes", "violations", "--language", "fr").out.splitlines()
    )
    assert list(french) == VIOLATION_CODES
    assert french["enforced-disappearance"] == "Disparition forcée"
    assert french["torture-ill-treatment"] != english["torture-ill-treatment"]
    roles = dict(
        line.split("\t") for line in raw.raw("codes", "roles", "--language", "fr").out.splitlines()
    )
    assert roles["witness"] == "Témoin"


def test_codes_in_spanish(raw: Cli) -> None:
    spanish = dict(
        line.split("\t")
        for line in raw.raw("codes", "violations", "--language", "es").out.splitlines()
    )
    assert list(spanish) == VIOLATION_CODES
    assert spanish["enforced-disappearance"] == "Desaparición forzada"
    countries = dict(
        line.split("\t")
        for line in raw.raw("codes", "countries", "--language", "es").out.splitlines()
    )
    assert countries["DE"] == "Alemania"
    assert raw.raw("codes", "--language", "de").code == 2


def test_every_term_of_every_vocabulary_has_every_language() -> None:
    import dataclasses

    from app.preferences import LANGUAGES
    from app.vocabulary import Vocabulary, vocabularies

    lists = [
        getattr(vocabularies(), f.name)
        for f in dataclasses.fields(vocabularies())
        if isinstance(getattr(vocabularies(), f.name), Vocabulary)
    ]
    assert len(lists) == 9
    for vocabulary in lists:
        assert vocabulary.terms, vocabulary.name
        for term in vocabulary.terms:
            assert set(term.labels) == set(LANGUAGES), (vocabulary.name, term.code)
            for language in LANGUAGES:
                label = term.labels[language]
                assert isinstance(label, str) and label.strip() == label and label, (
                    vocabulary.name,
                    term.code,
                    language,
                )
    # Spanish is really Spanish, not English copied over (country names may coincide).
    for vocabulary in lists:
        if vocabulary is vocabularies().countries:
            continue
        assert sum(t.labels["es"] != t.labels["en"] for t in vocabulary.terms) >= max(
            1, len(vocabulary.terms) - 1
        ), vocabulary.name


def test_other_code_lists(raw: Cli) -> None:
    for vocabulary in ("statuses", "sensitivities", "roles", "person-kinds", "consents"):
        result = raw.raw("codes", vocabulary)
        assert result.code == 0 and result.out, vocabulary
    countries = [line.split("\t")[0] for line in raw.raw("codes", "countries").out.splitlines()]
    assert "SN" in countries and len(countries) >= 240
