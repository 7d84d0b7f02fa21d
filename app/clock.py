"""Time stamps: UTC, ISO 8601, to the second."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

Clock = Callable[[], str]


def utc_now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def today_utc() -> str:
    return dt.datetime.now(dt.UTC).date().isoformat()
