"""Names of the files Carnet makes from attachments: a stored name made safe to create
in a folder (extract, export), and the name of a stripped copy."""

from __future__ import annotations

from pathlib import PurePath

MAX_NAME_CHARS = 255


def safe_file_name(name: str) -> str:
    """The last component of a stored name, made safe to create in a folder."""
    base = PurePath(name.replace("\\", "/")).name
    cleaned = "".join(ch for ch in base if ch.isprintable() and ch not in "/\x00")
    cleaned = cleaned.lstrip(".").strip()
    return cleaned[:MAX_NAME_CHARS] or "attachment"


_STRIPPED_EXTENSIONS = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/webp": ".webp",
    "video/mp4": ".mp4",
    "video/quicktime": ".mov",
    "video/3gpp": ".3gp",
    "video/3gpp2": ".3g2",
    "audio/mp4": ".m4a",
    "video/webm": ".webm",
    "video/matroska": ".mkv",
    "audio/ogg": ".ogg",
    "audio/mpeg": ".mp3",
    "audio/wav": ".wav",
    "audio/flac": ".flac",
    "application/pdf": ".pdf",
}


def stripped_name(original: str, media_type: str) -> str:
    """ "photo.JPG" stripped is "photo-stripped.jpg": the extension says the new type."""
    extension = _STRIPPED_EXTENSIONS.get(media_type, "")
    stem = PurePath(original.replace("\\", "/")).stem or "file"
    return f"{stem}-stripped{extension}"
