"""Event dates (app.dates) and input validation (app.validation): pure functions.

Property tests: every valid date text round-trips through EventDate.text(); any other
text raises ValidationError and nothing else. Validation refuses NUL, enforces lengths
and single lines, normalises to NFC, and deduplicates tags ignoring case.
"""

from __future__ import annotations

import calendar
import math
import unicodedata

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from app import validation
from app.dates import EventDate, parse_event_date
from app.errors import ValidationError
from app.models import ConsentInput, IncidentInput, InterventionInput, PersonInput

TODAY = "2024-06-01"

# --- dates ----------------------------------------------------------------------------------


@st.composite
def date_parts(draw: st.DrawFn, min_year: int = 1) -> tuple[str, str, tuple[int, int, int]]:
    """A canonical date part, its precision, and the (y, m, d) of its first day."""
    year = draw(st.integers(min_year, 9999))
    precision = draw(st.sampled_from(["year", "month", "day"]))
    if precision == "year":
        return f"{year:04d}", "year", (year, 1, 1)
    month = draw(st.integers(1, 12))
    if precision == "month":
        return f"{year:04d}-{month:02d}", "month", (year, month, 1)
    day = draw(st.integers(1, calendar.monthrange(year, month)[1]))
    return f"{year:04d}-{month:02d}-{day:02d}", "day", (year, month, day)


def _last_day(part: str) -> tuple[int, int, int]:
    pieces = [int(p) for p in part.split("-")]
    if len(pieces) == 1:
        return (pieces[0], 12, 31)
    if len(pieces) == 2:
        return (pieces[0], pieces[1], calendar.monthrange(pieces[0], pieces[1])[1])
    return (pieces[0], pieces[1], pieces[2])


@st.composite
def valid_date_texts(draw: st.DrawFn) -> tuple[str, str]:
    """(canonical text, expected precision) for a day, month, year or span, maybe ~."""
    first, precision, first_day = draw(date_parts())
    approximate = draw(st.booleans())
    text = ("~" if approximate else "") + first
    if draw(st.booleans()):
        end = draw(date_parts(min_year=first_day[0]).filter(lambda p: _last_day(p[0]) >= first_day))
        text += ".." + end[0]
    return text, "approximate" if approximate else precision


@settings(deadline=None)
@given(valid_date_texts())
@example(("2024-02-29", "day"))
@example(("~0001..9999-12-31", "approximate"))
@example(("2024-03-15..2024-03", "day"))
@example(("9999-12", "month"))  # its last day was found by overflowing into year 10000
@example(("2024-01..9999-12", "month"))
def test_valid_date_text_round_trips(case: tuple[str, str]) -> None:
    text, precision = case
    parsed = parse_event_date(text)
    assert parsed.text() == text
    assert parsed.precision == precision
    assert parse_event_date(parsed.text()) == parsed
    assert parsed.start is not None
    assert parsed.start == text.lstrip("~").split("..")[0]


@settings(deadline=None)
@given(valid_date_texts(), st.sampled_from(["", " ", "  ", "\t"]))
def test_surrounding_spaces_are_ignored(case: tuple[str, str], pad: str) -> None:
    text, _ = case
    spaced = pad + text.replace("~", "~" + pad).replace("..", pad + ".." + pad) + pad
    assert parse_event_date(spaced).text() == text


@settings(deadline=None)
@given(st.text(max_size=30))
@example("2024-13")
@example("2024-02-30")
@example("2023-02-29")
@example("0000")
@example("0000-01")
@example("24-03-01")
@example("2024/03/01")
@example("2024-3-1")
@example("2024-04..2024-03")
@example("2024-03-02..2024-03-01")
@example("2024..")
@example("..2024")
@example("~")
@example("~~2024")
@example("2024-03-01..2024-04..2024-05")
@example("２０２４")  # fullwidth digits: \d matches them, int() reads them
@example("٢٠٢٤-٠٣")  # Arabic-Indic digits
@example("2024-03-01\n")
def test_any_text_parses_or_raises_validation_error_only(text: str) -> None:
    try:
        parsed = parse_event_date(text)
    except ValidationError as exc:
        assert exc.message.startswith("date ")
        return
    assert isinstance(parsed, EventDate)
    rendered = parsed.text()
    if rendered is None:
        assert not text.strip() and parsed == EventDate.unknown()
    else:
        # What was accepted is stored in a canonical ASCII form that parses to itself.
        assert rendered.isascii()
        assert parse_event_date(rendered) == parsed


@pytest.mark.parametrize(
    ("text", "start", "end", "precision"),
    [
        (None, None, None, "unknown"),
        ("", None, None, "unknown"),
        ("   ", None, None, "unknown"),
        ("2024", "2024", None, "year"),
        ("2024-03", "2024-03", None, "month"),
        ("2024-03-05", "2024-03-05", None, "day"),
        ("~2024", "2024", None, "approximate"),
        ("2024-03..2024-04-02", "2024-03", "2024-04-02", "month"),
        ("2024-03-31..2024-03", "2024-03-31", "2024-03", "day"),
    ],
)
def test_date_examples(
    text: str | None, start: str | None, end: str | None, precision: str
) -> None:
    assert parse_event_date(text) == EventDate(start, end, precision)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("2024-13", "no such date"),
        ("2023-02-29", "no such date"),
        ("0000", "no such date"),
        ("March 2024", "use YYYY-MM-DD"),
        ("2024-05..2024-04", "the end comes before the start"),
    ],
)
def test_date_errors_say_what_to_fix(text: str, fragment: str) -> None:
    with pytest.raises(ValidationError, match=fragment) as info:
        parse_event_date(text)
    assert repr(text) in info.value.message


# --- text fields ------------------------------------------------------------------------------


def test_text_refuses_nul_anywhere() -> None:
    for value in ("\x00", "a\x00b", "title\x00", "\x00  "):
        with pytest.raises(ValidationError, match="NUL"):
            validation.text(value, "title")
        with pytest.raises(ValidationError, match="NUL"):
            validation.text(value, "narrative", multiline=True, limit=validation.MAX_LONG_TEXT)
    for make in (
        lambda: validation.incident(IncidentInput("a\x00")),
        lambda: validation.incident(IncidentInput("ok", narrative="x\x00")),
        lambda: validation.incident(IncidentInput("ok", location="x\x00")),
        lambda: validation.incident(IncidentInput("ok", tags=("x\x00",))),
        lambda: validation.person(PersonInput("x\x00")),
        lambda: validation.person(PersonInput("ok", notes="\x00")),
        lambda: validation.consent(ConsentInput("share", ("Org\x00",)), TODAY),
        lambda: validation.consent(ConsentInput("publish", note="\x00"), TODAY),
        lambda: validation.intervention(InterventionInput("\x00")),
        lambda: validation.intervention(InterventionInput("ok", notes="\x00")),
    ):
        with pytest.raises(ValidationError, match="NUL"):
            make()


def test_text_lengths_lines_and_requirement() -> None:
    limit = validation.MAX_SHORT_TEXT
    assert validation.text("x" * limit, "title") == "x" * limit
    with pytest.raises(ValidationError, match=f"title is longer than {limit} characters"):
        validation.text("x" * (limit + 1), "title")
    # The limit counts what is kept: surrounding spaces are stripped first.
    assert validation.text("  " + "x" * limit + "  ", "title") == "x" * limit
    long_limit = validation.MAX_LONG_TEXT
    assert len(validation.text("y" * long_limit, "narrative", limit=long_limit)) == long_limit
    with pytest.raises(ValidationError, match="longer than"):
        validation.text("y" * (long_limit + 1), "narrative", limit=long_limit, multiline=True)
    for newline in ("a\nb", "a\rb", "a\r\nb"):
        with pytest.raises(ValidationError, match="single line"):
            validation.text(newline, "title")
        assert validation.text(newline, "narrative", multiline=True) == newline
    assert validation.text(" \n title \n ", "title") == "title"  # outer newlines are stripped
    with pytest.raises(ValidationError, match="title is required"):
        validation.text(" \t ", "title", required=True)
    assert validation.text("", "location") == ""
    with pytest.raises(ValidationError, match="must be text"):
        validation.text(42, "title")  # type: ignore[arg-type]


def test_text_is_normalised_to_nfc() -> None:
    decomposed = unicodedata.normalize("NFD", "Détenue à Thiès")
    assert decomposed != "Détenue à Thiès"
    assert validation.text(decomposed, "title") == "Détenue à Thiès"


@settings(deadline=None)
@given(st.text(max_size=40))
def test_text_accepts_or_raises_validation_error_only(value: str) -> None:
    try:
        cleaned = validation.text(value, "title")
    except ValidationError:
        return
    assert cleaned == cleaned.strip()
    assert "\x00" not in cleaned and "\n" not in cleaned and "\r" not in cleaned
    assert unicodedata.is_normalized("NFC", cleaned)
    assert validation.text(cleaned, "title") == cleaned  # idempotent


# --- tags -------------------------------------------------------------------------------------


def test_tags_dedup_ignoring_case_and_keep_the_first_spelling() -> None:
    assert validation.tags(["Land", "land", "LAND", " land ", "water"]) == ("Land", "water")
    assert validation.tags(["Straße", "STRASSE"]) == ("Straße",)  # casefold, not lower
    assert validation.tags([unicodedata.normalize("NFD", "Élection"), "élection"]) == ("Élection",)
    assert validation.tags([]) == ()


def test_tag_limits() -> None:
    assert validation.tags(["t" * validation.MAX_TAG]) == ("t" * validation.MAX_TAG,)
    with pytest.raises(ValidationError, match="longer than"):
        validation.tags(["t" * (validation.MAX_TAG + 1)])
    with pytest.raises(ValidationError, match="empty"):
        validation.tags(["ok", "   "])
    with pytest.raises(ValidationError, match="single line"):
        validation.tags(["two\nlines"])
    many = [f"tag{n}" for n in range(validation.MAX_TAGS)]
    assert len(validation.tags(many)) == validation.MAX_TAGS
    assert len(validation.tags([*many, "TAG0"])) == validation.MAX_TAGS  # a duplicate is free
    with pytest.raises(ValidationError, match=f"at most {validation.MAX_TAGS} tags"):
        validation.tags([*many, "one more"])


@settings(deadline=None)
@given(st.lists(st.text(alphabet="aAbBéÉß ", min_size=1, max_size=4), max_size=12))
def test_tags_property(values: list[str]) -> None:
    try:
        result = validation.tags(values)
    except ValidationError:
        assert any(not v.strip() for v in values)
        return
    folded = [t.casefold() for t in result]
    assert len(folded) == len(set(folded))
    assert set(folded) == {unicodedata.normalize("NFC", v).strip().casefold() for v in values}


# --- incidents, coordinates, vocabularies -------------------------------------------------------


def test_incident_is_normalised() -> None:
    checked = validation.incident(
        IncidentInput(
            "  Title ",
            date=" ~2024-03 ",
            country=" sn ",
            violations=(" raid", "raid", "surveillance"),
            tags=("B", "b"),
        )
    )
    assert checked.title == "Title"
    assert checked.date == "~2024-03"
    assert checked.country == "SN"
    assert checked.violations == ("raid", "surveillance")
    assert checked.tags == ("B",)
    assert validation.incident(IncidentInput("x", country="  ")).country is None


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (IncidentInput("x", violations=("arbitrary-arrest",)), "arbitrary-detention, "),
        (IncidentInput("x", country="ZZ"), "carnet codes countries"),
        (IncidentInput("x", status="published"), "draft, documented, verified, shared"),
        (IncidentInput("x", sensitivity="secret"), "low"),
        (IncidentInput("x", date="soon"), "YYYY-MM-DD"),
        (IncidentInput("x", coordinates=(90.0001, 0.0)), "out of range"),
        (IncidentInput("x", coordinates=(0.0, -180.5)), "out of range"),
        (IncidentInput("x", coordinates=(math.inf, 0.0)), "out of range"),
        (IncidentInput("x", coordinates=(math.nan, 0.0)), "out of range"),
    ],
)
def test_incident_refusals(data: IncidentInput, fragment: str) -> None:
    with pytest.raises(ValidationError, match=fragment.replace("(", r"\(")):
        validation.incident(data)


def test_unknown_violation_lists_all_twenty_codes() -> None:
    with pytest.raises(ValidationError) as info:
        validation.incident(IncidentInput("x", violations=("nope",)))
    listed = info.value.message.split("valid: ")[1].split(", ")
    assert len(listed) == 20
    assert listed[0] == "arbitrary-detention" and listed[-1] == "other"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("14.69,-17.44", (14.69, -17.44)),
        (" 14.69 , -17.44 ", (14.69, -17.44)),
        ("-33.9;18.4", (-33.9, 18.4)),
        ("90,180", (90.0, 180.0)),
        ("-90,-180", (-90.0, -180.0)),
        ("0,0", (0.0, 0.0)),
    ],
)
def test_parse_coordinates(text: str, expected: tuple[float, float]) -> None:
    assert validation.parse_coordinates(text) == expected


@pytest.mark.parametrize(
    "text", ["", "14.69", "1,2,3", "a,b", "1e999,0", "nan,0", "inf,0", "90.1,0", "0,-181", ","]
)
def test_parse_coordinates_refusals(text: str) -> None:
    with pytest.raises(ValidationError, match="coordinates"):
        validation.parse_coordinates(text)


@settings(deadline=None)
@given(st.text(max_size=20))
def test_parse_coordinates_raises_validation_error_only(text: str) -> None:
    try:
        lat, lon = validation.parse_coordinates(text)
    except ValidationError:
        return
    assert -90 <= lat <= 90 and -180 <= lon <= 180


# --- people, consent, interventions ------------------------------------------------------------


def test_person_validation() -> None:
    assert validation.person(PersonInput(" Ana ", "group", " notes\n")) == PersonInput(
        "Ana", "group", "notes"
    )
    with pytest.raises(ValidationError, match="kind of person"):
        validation.person(PersonInput("Ana", "company"))
    with pytest.raises(ValidationError, match="name is required"):
        validation.person(PersonInput(""))


def test_consent_validation() -> None:
    shared = validation.consent(ConsentInput("share", ("FLD", " FLD", "Lifeline")), TODAY)
    assert shared == ConsentInput("share", ("FLD", "Lifeline"), TODAY, "")
    assert validation.consent(ConsentInput("publish", date=" 2023-01-05 "), TODAY).date == (
        "2023-01-05"
    )
    assert validation.consent(ConsentInput(), TODAY) == ConsentInput("none", (), None, "")
    with pytest.raises(ValidationError, match="needs the organisations"):
        validation.consent(ConsentInput("share"), TODAY)
    with pytest.raises(ValidationError, match="cannot name organisations"):
        validation.consent(ConsentInput("none", ("FLD",)), TODAY)
    with pytest.raises(ValidationError, match="organisation is required"):
        validation.consent(ConsentInput("share", ("  ",)), TODAY)
    with pytest.raises(ValidationError, match="at most 50"):
        validation.consent(ConsentInput("share", tuple(f"o{n}" for n in range(51))), TODAY)
    with pytest.raises(ValidationError, match="YYYY-MM-DD"):
        validation.consent(ConsentInput("publish", date="2024-02-30"), TODAY)


def test_intervention_validation() -> None:
    checked = validation.intervention(
        InterventionInput(" FLD ", "urgent-appeal", "sent", "2024-01-02", "n")
    )
    assert checked == InterventionInput("FLD", "urgent-appeal", "sent", "2024-01-02", "n")
    assert validation.intervention(InterventionInput("x", date="  ")).date is None
    for bad, fragment in (
        (InterventionInput(""), "actor is required"),
        (InterventionInput("x", kind="lobbying"), "kind of intervention"),
        (InterventionInput("x", status="lost"), "intervention status"),
        (InterventionInput("x", date="2024-01"), "YYYY-MM-DD"),
    ):
        with pytest.raises(ValidationError, match=fragment):
            validation.intervention(bad)
