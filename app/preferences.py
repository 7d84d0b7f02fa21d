"""The desktop app's preferences: language, when to lock, how long a copy stays.

They name nothing from the notebook — not even where it is — because the file sits in the
user's config folder (app/paths.py, preferences_path()), outside the vault, readable by
anyone holding the disk. Anything else is refused on load and never written.

Reading never fails: a missing, unreadable, oversized, corrupt or hand-edited file gives
the defaults for the fields it gets wrong, so a damaged file can never stop a person from
opening their notebook or the app from locking on time. Writing goes to a fresh
temporary name, fsynced, then renamed into place (it holds no key material, so a rename
leaves nothing to fear). The wipe removes the file (app/wipe.py).
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.errors import ValidationError
from app.fsutil import make_private_dir, write_then_rename

# The languages the app, its vocabularies and `carnet codes --language` are offered in.
LANGUAGES = ("en", "fr", "es", "ar")
LOCK_MINUTES: tuple[int | None, ...] = (1, 5, 15, 30, 60, None)  # None: never
MAX_CLIPBOARD_SECONDS = 600
MAX_FILE_BYTES = 4096


@dataclass(frozen=True)
class Preferences:
    language: str = "en"
    lock_minutes: int | None = 5  # lock after this many idle minutes; None = never
    lock_on_screen_lock: bool = True
    lock_on_suspend: bool = True
    lock_on_minimise: bool = False
    clipboard_seconds: int = 30  # 0: never cleared by the timer (still on lock and quit)


def _valid(name: str, value: Any) -> bool:
    if name == "language":
        return value in LANGUAGES
    if name == "lock_minutes":
        return value is None or (type(value) is int and value in LOCK_MINUTES)
    if name == "clipboard_seconds":
        return type(value) is int and 0 <= value <= MAX_CLIPBOARD_SECONDS
    return type(value) is bool


def load_preferences(path: Path) -> Preferences:
    """The preferences in `path`, field by field; defaults for whatever is not right."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError:
        return Preferences()
    if len(raw) > MAX_FILE_BYTES:
        return Preferences()
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        return Preferences()
    if not isinstance(data, dict):
        return Preferences()
    chosen = {
        field.name: data[field.name]
        for field in dataclasses.fields(Preferences)
        if field.name in data and _valid(field.name, data[field.name])
    }
    return Preferences(**chosen)


def save_preferences(path: Path, preferences: Preferences) -> None:
    """Write `preferences` to `path` (its folder made private), replacing what was there.

    ValidationError for a value out of range, before anything is written; StorageError
    (app.fsutil) when the disk refuses, the old file then intact.
    """
    if not isinstance(preferences, Preferences):
        raise ValidationError("preferences must be a Preferences")
    for field in dataclasses.fields(Preferences):
        if not _valid(field.name, getattr(preferences, field.name)):
            raise ValidationError(f"not a valid preference: {field.name}")
    make_private_dir(path.parent)
    data = json.dumps(dataclasses.asdict(preferences), sort_keys=True).encode("utf-8")
    with write_then_rename(path, "the preferences file") as handle:
        handle.write(data)
