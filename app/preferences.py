"""The desktop app's preferences: language, when to lock, how long the clipboard holds.

One small JSON file in the per-user config folder (app/paths.py, preferences_path()).
It holds these fields and nothing else: never a vault path, never anything from a
notebook, so it says nothing about what a defender documents (only that Carnet was
used, which the installed program says anyway).

Reading never fails: a missing, unreadable, oversize or corrupt file, or a field of the
wrong type or out of range, gives that field's default, so a damaged file can never stop
the app from starting and locking on time. Writing goes to a temporary name, fsynced,
then renamed into place (it holds no key material, so a rename leaves nothing to fear).
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
SUPPORTED_LANGUAGES = ("en", "fr", "es", "ar")
LOCK_MINUTES_CHOICES: tuple[int | None, ...] = (1, 5, 15, 30, 60, None)  # None: never
MIN_CLIPBOARD_SECONDS = 5
MAX_CLIPBOARD_SECONDS = 600
MAX_FILE_BYTES = 4096
FORMAT_VERSION = 1


@dataclass(frozen=True)
class Preferences:
    language: str = "en"
    lock_minutes: int | None = 5  # lock after this many idle minutes; None = never
    lock_on_screen_lock: bool = True
    lock_on_suspend: bool = True
    lock_on_minimise: bool = False
    clipboard_seconds: int = 30  # a copied value is cleared after this long

    def __post_init__(self) -> None:
        problems = [
            f.name for f in dataclasses.fields(self) if not _valid(f.name, getattr(self, f.name))
        ]
        if problems:
            raise ValidationError(f"unacceptable preference: {', '.join(problems)}")


def _valid(name: str, value: object) -> bool:
    if name == "language":
        return value in SUPPORTED_LANGUAGES
    if name == "lock_minutes":
        return value is None or (
            isinstance(value, int) and not isinstance(value, bool) and value in LOCK_MINUTES_CHOICES
        )
    if name in ("lock_on_screen_lock", "lock_on_suspend", "lock_on_minimise"):
        return isinstance(value, bool)
    if name == "clipboard_seconds":
        return (
            isinstance(value, int)
            and not isinstance(value, bool)
            and MIN_CLIPBOARD_SECONDS <= value <= MAX_CLIPBOARD_SECONDS
        )
    return False


def load_preferences(path: Path) -> Preferences:
    """The preferences in `path`, field by field; defaults for whatever is not right."""
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError:
        return Preferences()
    if len(raw) > MAX_FILE_BYTES:
        return Preferences()
    try:
        data: Any = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return Preferences()
    if not isinstance(data, dict):
        return Preferences()
    chosen = {
        f.name: data[f.name]
        for f in dataclasses.fields(Preferences)
        if f.name in data and _valid(f.name, data[f.name])
    }
    return Preferences(**chosen)


def save_preferences(path: Path, prefs: Preferences) -> None:
    """Write `prefs` to `path` (its folder made private), replacing what was there.

    A StorageError (from app.fsutil) when the disk refuses; the old file is then intact.
    """
    if not isinstance(prefs, Preferences):
        raise ValidationError("preferences must be a Preferences")
    make_private_dir(path.parent)
    document = {"version": FORMAT_VERSION, **dataclasses.asdict(prefs)}
    data = (json.dumps(document, indent=2, sort_keys=True) + "\n").encode("utf-8")
    with write_then_rename(path, "the preferences file") as handle:
        handle.write(data)
