"""The known-senders file beside an organisation's key file (app/export/senders.py)."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.errors import UsageError
from app.export.senders import (
    add_sender,
    canonical_fingerprint,
    known_as,
    load_senders,
    remove_sender,
    senders_path,
)

FINGERPRINT = "0123 4567 89ab cdef 0123 4567 89ab cdef"


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    path = tmp_path / "org.key"
    path.write_bytes(b"stand-in: the senders file only needs the key file to exist")
    return path


def test_add_list_remove_round_trip(key_file: Path) -> None:
    add_sender(key_file, "Amani", FINGERPRINT.replace(" ", "").upper())
    [sender] = load_senders(key_file)
    assert sender.fingerprint == FINGERPRINT and known_as([sender], FINGERPRINT) == "Amani"
    assert stat.S_IMODE(senders_path(key_file).stat().st_mode) == 0o600
    assert sorted(p.name for p in key_file.parent.iterdir()) == ["org.key", "org.key.senders"]
    remove_sender(key_file, "AMANI")
    assert load_senders(key_file) == []


@pytest.mark.parametrize(
    "text",
    [
        "",
        "not json",
        "[]",
        '{"format": "carnet-known-senders", "version": 1}',
        '{"format": "carnet-known-senders", "version": 1, "senders": [{"name": "x"}]}',
        '{"format": "carnet-known-senders", "version": 1, "senders": '
        '[{"name": "a", "fingerprint": "0123"}]}',
        "[" * 100_000,
    ],
)
def test_malformed_file_is_refused_clearly(key_file: Path, text: str) -> None:
    senders_path(key_file).write_text(text)
    with pytest.raises(UsageError, match="not a valid list of known senders"):
        load_senders(key_file)


def test_duplicate_entries_are_refused(key_file: Path) -> None:
    entry = {"name": "a", "fingerprint": FINGERPRINT}
    document = {"format": "carnet-known-senders", "version": 1, "senders": [entry, entry]}
    senders_path(key_file).write_text(json.dumps(document))
    with pytest.raises(UsageError, match="not a valid list"):
        load_senders(key_file)


@pytest.mark.parametrize("bad", ["0123", "g" * 32, FINGERPRINT + " 0000"])
def test_bad_fingerprints_are_refused(bad: str) -> None:
    with pytest.raises(UsageError, match="32 hex digits"):
        canonical_fingerprint(bad)


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=500) | st.text(max_size=300).map(str.encode))
def test_any_file_parses_or_is_refused_as_usage(data: bytes) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        key = Path(folder) / "k"
        key.write_bytes(b"k")
        senders_path(key).write_bytes(data)
        try:
            senders = load_senders(key)
        except UsageError:
            return
        assert all(canonical_fingerprint(s.fingerprint) == s.fingerprint for s in senders)


def test_a_fingerprint_or_name_already_known_is_refused(key_file: Path) -> None:
    """One fingerprint under two names would make `bundle verify` name the sender
    ambiguously; the file stays as it was."""
    add_sender(key_file, "Amani", FINGERPRINT)
    before = senders_path(key_file).read_bytes()
    with pytest.raises(UsageError, match="already known as 'Amani'"):
        add_sender(key_file, "Baraka", FINGERPRINT)
    with pytest.raises(UsageError, match="named 'Amani' is already known"):
        add_sender(key_file, "amani", FINGERPRINT.replace("0123", "3210"))
    assert senders_path(key_file).read_bytes() == before
