"""Dates of events as defenders know them: a day, a month, a year, or roughly.

Text form (what `--date` and the JSON key `date` take, and what `show` prints):
  2024-03-05          a day
  2024-03             a month
  2024                a year
  ~2024-03            approximate (a leading ~ on the first part)
  2024-03-01..2024-04 a span; each end at its own resolution
The precision stored is that of the first part ("approximate" when it has a ~).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from app.errors import ValidationError

PRECISIONS = ("day", "month", "year", "approximate", "unknown")
_PART = re.compile(r"^(?P<year>\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2}))?)?$")


@dataclass(frozen=True)
class EventDate:
    start: str | None
    end: str | None
    precision: str

    @classmethod
    def unknown(cls) -> EventDate:
        return cls(None, None, "unknown")

    def text(self) -> str | None:
        if self.start is None:
            return None
        first = ("~" if self.precision == "approximate" else "") + self.start
        return first if self.end is None else f"{first}..{self.end}"


def parse_event_date(text: str | None) -> EventDate:
    if text is None or not text.strip():
        return EventDate.unknown()
    raw = text.strip()
    approximate = raw.startswith("~")
    if approximate:
        raw = raw[1:].strip()
    first, sep, second = raw.partition("..")
    start, start_precision, start_bounds = _part(first, text)
    end = None
    if sep:
        end, _, end_bounds = _part(second.strip(), text)
        if end_bounds[1] < start_bounds[0]:
            raise ValidationError(f"date {text!r}: the end comes before the start")
    return EventDate(start, end, "approximate" if approximate else start_precision)


def _part(text: str, whole: str) -> tuple[str, str, tuple[dt.date, dt.date]]:
    match = _PART.match(text.strip())
    if not match:
        raise ValidationError(
            f"date {whole!r}: use YYYY-MM-DD, YYYY-MM or YYYY, "
            "~ in front if approximate, FROM..TO for a span"
        )
    year_text, month_text, day_text = match.groups()
    year = int(year_text)
    try:
        if day_text is not None:
            date = dt.date(year, int(month_text), int(day_text))
            return date.isoformat(), "day", (date, date)
        if month_text is not None:
            month = int(month_text)
            first = dt.date(year, month, 1)
            last = first.replace(day=calendar.monthrange(year, month)[1])
            return f"{year:04d}-{month:02d}", "month", (first, last)
        if year < 1:
            raise ValueError("year 0")
        return f"{year:04d}", "year", (dt.date(year, 1, 1), dt.date(year, 12, 31))
    except ValueError:
        raise ValidationError(f"date {whole!r}: no such date") from None
