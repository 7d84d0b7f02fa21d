"""The organisation's list of known senders, kept next to its key file.

`KEYFILE.senders` maps a name the organisation chose ("Amani, Goma office") to a
defender's signing-key fingerprint, compared once over another channel. `bundle verify`
and `bundle open` then name a known sender and flag an unknown one.

Decision: the file is not authenticated. It holds no key material and lives beside the
key file, owner-only (0600); whoever can write there can also replace the key file or
the program itself, so a MAC would add a passphrase prompt to every `sender` command
without raising the bar. The reader therefore only trusts it as an aid to recognition:
the fingerprint is always printed as well. The file is parsed strictly and a malformed
one is refused with a clear error (exit 2), never half-read, so a damaged list cannot
silently turn a known sender into an unknown one or the reverse. It is written with
fsutil.write_then_rename: a crash leaves the old list or the new one.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.errors import NotFoundError, StorageError, UsageError
from app.fsutil import read_capped, write_then_rename

SUFFIX = ".senders"
FORMAT = "carnet-known-senders"
VERSION = 1
MAX_FILE_BYTES = 1024 * 1024
MAX_SENDERS = 10_000
MAX_NAME_CHARS = 100
_FINGERPRINT = re.compile(r"[0-9a-f]{32}")


@dataclass(frozen=True)
class KnownSender:
    name: str
    fingerprint: str  # canonical: eight groups of four lowercase hex digits


def senders_path(key_file: Path) -> Path:
    return key_file.with_name(key_file.name + SUFFIX)


def canonical_fingerprint(text: str) -> str:
    """A signing-key fingerprint as Carnet prints it, from any spacing or case."""
    digits = "".join(text.split()).lower()
    if not _FINGERPRINT.fullmatch(digits):
        raise UsageError("a sender fingerprint is 32 hex digits (eight groups of four)")
    return " ".join(digits[i : i + 4] for i in range(0, 32, 4))


def _checked_name(name: str) -> str:
    cleaned = name.strip()
    if not cleaned or len(cleaned) > MAX_NAME_CHARS or not cleaned.isprintable():
        raise UsageError(f"a sender's name is 1 to {MAX_NAME_CHARS} printable characters")
    return cleaned


def load_senders(key_file: Path) -> list[KnownSender]:
    """The list, empty if there is no file; UsageError for a malformed file."""
    path = senders_path(key_file)
    try:
        data = read_capped(path, MAX_FILE_BYTES)
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise StorageError(f"cannot read {path}: {exc.strerror or 'I/O error'}") from None
    if len(data) > MAX_FILE_BYTES:
        raise UsageError(f"{path} is too large to be a list of known senders")
    try:
        document = json.loads(data.decode("utf-8"))
        return _parse(document)
    except (UnicodeDecodeError, ValueError, RecursionError, UsageError):
        raise UsageError(f"{path} is not a valid list of known senders; fix or remove it") from None


def _parse(document: Any) -> list[KnownSender]:
    if not (
        isinstance(document, dict)
        and document.get("format") == FORMAT
        and document.get("version") == VERSION
        and isinstance(document.get("senders"), list)
        and len(document["senders"]) <= MAX_SENDERS
    ):
        raise ValueError("not a senders file")
    senders: list[KnownSender] = []
    for item in document["senders"]:
        if not (
            isinstance(item, dict)
            and isinstance(item.get("name"), str)
            and isinstance(item.get("fingerprint"), str)
        ):
            raise ValueError("malformed entry")
        sender = KnownSender(
            _checked_name(item["name"]), canonical_fingerprint(item["fingerprint"])
        )
        if sender.fingerprint != item["fingerprint"] or sender.name != item["name"]:
            raise ValueError("not canonical")
        senders.append(sender)
    _check_unique(senders)
    return senders


def _check_unique(senders: list[KnownSender]) -> None:
    names = [s.name.casefold() for s in senders]
    prints = [s.fingerprint for s in senders]
    if len(set(names)) != len(names) or len(set(prints)) != len(prints):
        raise ValueError("duplicate entry")


def _save(key_file: Path, senders: list[KnownSender]) -> None:
    document = {
        "format": FORMAT,
        "version": VERSION,
        "senders": [{"name": s.name, "fingerprint": s.fingerprint} for s in senders],
    }
    data = (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    with write_then_rename(senders_path(key_file), "the list of known senders") as handle:
        handle.write(data)


def _require_key_file(key_file: Path) -> None:
    if not key_file.is_file():
        raise UsageError(f"no key file {key_file}")


def add_sender(key_file: Path, name: str, fingerprint: str) -> KnownSender:
    _require_key_file(key_file)
    sender = KnownSender(_checked_name(name), canonical_fingerprint(fingerprint))
    senders = load_senders(key_file)
    for known in senders:
        if known.name.casefold() == sender.name.casefold():
            raise UsageError(f"a sender named {known.name!r} is already known")
        if known.fingerprint == sender.fingerprint:
            raise UsageError(f"this fingerprint is already known as {known.name!r}")
    _save(key_file, [*senders, sender])
    return sender


def remove_sender(key_file: Path, name: str) -> None:
    _require_key_file(key_file)
    senders = load_senders(key_file)
    kept = [s for s in senders if s.name.casefold() != name.strip().casefold()]
    if len(kept) == len(senders):
        raise NotFoundError(f"no known sender named {name.strip()!r}")
    _save(key_file, kept)


def known_as(senders: list[KnownSender], fingerprint: str | None) -> str | None:
    if fingerprint is None:
        return None
    return next((s.name for s in senders if s.fingerprint == fingerprint), None)
