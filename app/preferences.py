"""The desktop app's preferences: language, when to lock, how long a copy stays.

They name nothing from the notebook — not even where it is — because the file sits in the
user's config folder, outside the vault, readable by anyone holding the disk. Anything
else is refused on load and never written. A missing, damaged, oversized or hand-edited
file gives the defaults for the fields it gets wrong, never an error: a person must
always be able to open their notebook. The wipe removes the file (app/wipe.py removes
Carnet's config folder).
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

LANGUAGES = ("en", "fr", "es", "ar")
LOCK_MINUTES = (1, 5, 15, 30, 60, None)  # None: never
MAX_CLIPBOARD_SECONDS = 600
MAX_FILE_BYTES = 4096


@dataclass(frozen=True)
class Preferences:
    language: str = "en"
    lock_minutes: int | None = 5
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
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
        data = json.loads(raw) if len(raw) <= MAX_FILE_BYTES else None
    except (OSError, ValueError):
        data = None
    if not isinstance(data, dict):
        return Preferences()
    defaults = Preferences()
    chosen = {
        field.name: data[field.name]
        if field.name in data and _valid(field.name, data[field.name])
        else getattr(defaults, field.name)
        for field in fields(Preferences)
    }
    return Preferences(**chosen)


def save_preferences(path: Path, preferences: Preferences) -> None:
    """Write the file (fsynced; a rename is fine here, it holds no key material)."""
    for field in fields(Preferences):
        if not _valid(field.name, getattr(preferences, field.name)):
            raise ValueError(f"not a valid preference: {field.name}")
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_name(f".{path.name}.tmp")
    data = json.dumps(asdict(preferences), sort_keys=True).encode("utf-8")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)
