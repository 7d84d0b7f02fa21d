"""File names that can be created on Windows, macOS and Linux alike.

A bundle made on one system must open on another. Linux accepts names that Windows
refuses or silently changes (`CON`, `NUL`, `COM1`, `:`, `<>"|?*`, a trailing dot or
space), and ext4 and macOS refuse names over 255 bytes, which a legitimate Arabic file
name of 130 letters already is. So the exporter writes, and the reader creates, every
path segment through `portable_segment`: forbidden characters become `_`, reserved
device names get a `_` prefix, and a long name is shortened at a character boundary,
keeping its extension and adding a short hash of the full name so that two long names
stay distinct. The original name always stays in incidents.json and the manifest.
"""

from __future__ import annotations

import hashlib
import unicodedata

MAX_SEGMENT_BYTES = 200  # below 255 with room for macOS's decomposed (NFD) form
_FORBIDDEN = set('<>:"/\\|?*')
_RESERVED = {"CON", "PRN", "AUX", "NUL"} | {
    f"{stem}{n}" for stem in ("COM", "LPT") for n in [*"123456789", "¹", "²", "³"]
}
_MAX_EXTENSION_CHARS = 16


def portable_segment(name: str) -> str:
    """`name` made creatable on every supported system; unchanged if it already is."""
    cleaned = "".join(
        "_" if ch in _FORBIDDEN or not ch.isprintable() else ch
        for ch in unicodedata.normalize("NFC", name)
    )
    cleaned = cleaned.rstrip(" .")
    if cleaned.startswith("."):
        cleaned = "_" + cleaned[1:]  # never a hidden file, never `.` or `..`
    if not cleaned:
        cleaned = "_"
    if cleaned.split(".", 1)[0].rstrip(" ").upper() in _RESERVED:
        cleaned = "_" + cleaned
    if len(cleaned.encode("utf-8")) > MAX_SEGMENT_BYTES:
        cleaned = _shortened(cleaned, name)
    return cleaned


def _shortened(cleaned: str, original: str) -> str:
    stem, dot, extension = cleaned.rpartition(".")
    if not dot or not stem or len(extension) > _MAX_EXTENSION_CHARS:
        stem, extension = cleaned, ""
    tail = "~" + hashlib.sha256(original.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    tail += f".{extension}" if extension else ""
    room = MAX_SEGMENT_BYTES - len(tail.encode("utf-8"))
    kept = stem.encode("utf-8")[: max(room, 1)].decode("utf-8", "ignore").rstrip(" .")
    return (kept or "_") + tail


def portable_path(path: str) -> str:
    """Every `/`-separated segment of `path` made portable."""
    return "/".join(portable_segment(part) for part in path.split("/"))


def collision_key(path: str) -> str:
    """Two paths with the same key are the same file on a case-insensitive system."""
    return unicodedata.normalize("NFC", path).casefold()
