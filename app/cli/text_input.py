"""Text given to the CLI as a file or on standard input: a narrative, or incidents as JSON.

Both are capped (a file of gigabytes is refused, not read into memory) and a file that
cannot be read or decoded is a usage or validation error with its reason, never a
traceback.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from app.errors import UsageError, ValidationError

MAX_JSON_FILE = 256 * 1024 * 1024
MAX_TEXT_FILE = 16 * 1024 * 1024


def read_text(source: str) -> str:
    """The narrative from a UTF-8 file, or from stdin for "-"; at most 16 Mi characters."""
    if source == "-":
        data = sys.stdin.read(MAX_TEXT_FILE + 1)
    else:
        try:
            data = Path(source).read_text(encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"cannot read {source}: {exc.strerror}") from None
        except UnicodeDecodeError:
            raise UsageError(f"{source} is not UTF-8 text") from None
    if len(data) > MAX_TEXT_FILE:
        raise UsageError("the narrative file is too long")
    return data


def read_json(source: str) -> Any:
    """Parsed JSON from a file, or from stdin for "-"; at most 256 MiB, UTF-8."""
    if source == "-":
        raw = sys.stdin.buffer.read(MAX_JSON_FILE + 1)
    else:
        try:
            with Path(source).open("rb") as handle:
                raw = handle.read(MAX_JSON_FILE + 1)
        except OSError as exc:
            raise UsageError(f"cannot read {source}: {exc.strerror}") from None
    if len(raw) > MAX_JSON_FILE:
        raise UsageError("the JSON file is larger than 256 MiB")
    try:
        return json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ValidationError("the JSON file is not UTF-8") from None
    except json.JSONDecodeError as exc:
        raise ValidationError(
            f"the JSON file does not parse (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None
