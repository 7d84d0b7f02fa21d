"""`carnet incident add` alone: each field asked on the terminal.

Typed at a prompt, sensitive text never reaches the shell's history, which options on
the command line would.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TypeVar

from app import validation
from app.dates import parse_event_date
from app.errors import UsageError, ValidationError
from app.models import IncidentInput
from app.vocabulary import vocabularies

T = TypeVar("T")


def require_terminal_for_prompts() -> None:
    """Refuse before unlocking when there is no terminal to ask on (a script, a pipe)."""
    if not sys.stdin.isatty():
        raise UsageError(
            "give --title (and other fields), or --json-file F; "
            "or run on a terminal to be asked each field"
        )


def prompt_incident() -> IncidentInput:
    """Ask each field on the terminal: nothing typed here reaches the shell's history.

    A field that does not validate is asked again, so one typo loses nothing else.
    """
    vocab = vocabularies()
    title = _ask("Title: ", lambda v: validation.text(v, "title", required=True))
    date = _ask(
        "Date (YYYY-MM-DD, YYYY-MM, YYYY, ~ if approximate; empty if unknown): ",
        lambda v: parse_event_date(v).text(),
    )
    location = _ask("Location: ", lambda v: validation.text(v, "location"))
    country = _ask(
        "Country code (e.g. SN; empty if none): ",
        lambda v: vocab.countries.check(v.strip().upper()) if v.strip() else None,
    )
    violations = _ask_violations()
    tags = _ask(
        "Tags (comma-separated): ",
        lambda v: validation.tags([t for t in v.split(",") if t.strip()]),
    )
    print("Narrative (end with a line holding a single '.', or Ctrl-D):")
    lines: list[str] = []
    while True:
        try:
            line = input()
        except EOFError:
            break
        if line == ".":
            break
        lines.append(line)
    return IncidentInput(
        title=title,
        narrative="\n".join(lines),
        date=date,
        location=location,
        country=country,
        violations=violations,
        tags=tags,
    )


def _ask(prompt: str, check: Callable[[str], T]) -> T:
    while True:
        try:
            return check(input(prompt))
        except ValidationError as exc:
            print(f"  {exc.message}")


def _ask_violations() -> tuple[str, ...]:
    """Show the violation types numbered in two columns; accept numbers or codes."""
    codes = vocabularies().violations.codes
    half = (len(codes) + 1) // 2
    width = max(len(code) for code in codes) + 6
    for row in range(half):
        left = f"{row + 1:>3} {codes[row]}".ljust(width)
        right = f"{row + half + 1:>3} {codes[row + half]}" if row + half < len(codes) else ""
        print(left + right)

    def parse(answer: str) -> tuple[str, ...]:
        chosen = []
        for item in (part.strip() for part in answer.split(",")):
            if item.isdigit() and 1 <= int(item) <= len(codes):
                chosen.append(codes[int(item) - 1])
            elif item:
                chosen.append(vocabularies().violations.check(item))
        return tuple(chosen)

    return _ask("Violations (numbers or codes, comma-separated): ", parse)
