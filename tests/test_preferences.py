"""The GUI's preferences file (app/preferences.py): defaults whatever the file holds."""

from __future__ import annotations

import dataclasses
import json
import os
import stat
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.errors import StorageError, ValidationError
from app.paths import preferences_path
from app.preferences import (
    LANGUAGES,
    LOCK_MINUTES,
    MAX_FILE_BYTES,
    Preferences,
    load_preferences,
    save_preferences,
)
from tests.conftest import CarnetEnv, VaultFixture, run_carnet

CHANGED = Preferences(
    language="ar",
    lock_minutes=None,
    lock_on_screen_lock=False,
    lock_on_suspend=False,
    lock_on_minimise=True,
    clipboard_seconds=12,
)


def test_the_file_lives_in_the_user_config_folder(carnet_env: CarnetEnv) -> None:
    assert preferences_path() == (
        Path(carnet_env.env["XDG_CONFIG_HOME"]) / "Carnet" / "preferences.json"
    )


def test_defaults_are_the_documented_ones(tmp_path: Path) -> None:
    prefs = load_preferences(tmp_path / "missing.json")
    assert prefs == Preferences()
    assert (prefs.language, prefs.lock_minutes, prefs.clipboard_seconds) == ("en", 5, 30)
    assert (prefs.lock_on_screen_lock, prefs.lock_on_suspend, prefs.lock_on_minimise) == (
        True,
        True,
        False,
    )
    assert LANGUAGES == ("en", "fr", "es", "ar")
    assert LOCK_MINUTES == (1, 5, 15, 30, 60, None)


def test_saved_preferences_read_back_and_the_file_holds_nothing_else(tmp_path: Path) -> None:
    path = tmp_path / "config" / "Carnet" / "preferences.json"
    save_preferences(path, CHANGED)
    assert load_preferences(path) == CHANGED
    written = json.loads(path.read_text("utf-8"))
    assert set(written) == {f.name for f in dataclasses.fields(Preferences)}
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert [p.name for p in path.parent.iterdir()] == ["preferences.json"]  # no partial left
    save_preferences(path, Preferences())
    assert load_preferences(path) == Preferences()


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"{",
        b"null",
        b"[]",
        b'"en"',
        b"\xff\xfe{}",
        b'{"language": "fr"' + b" " * MAX_FILE_BYTES + b"}",  # oversize, though valid JSON
        b"[" * 100_000 + b"]" * 100_000,
    ],
)
def test_a_corrupt_or_oversize_file_gives_defaults(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "preferences.json"
    path.write_bytes(content)
    assert load_preferences(path) == Preferences()


def test_one_byte_over_the_cap_is_not_read(tmp_path: Path) -> None:
    path = tmp_path / "preferences.json"
    document = b'{"language": "fr"}'
    path.write_bytes(document + b" " * (MAX_FILE_BYTES - len(document)))
    assert load_preferences(path).language == "fr"  # at the cap: read
    path.write_bytes(document + b" " * (MAX_FILE_BYTES + 1 - len(document)))
    assert load_preferences(path) == Preferences()  # one byte more: defaults


def test_each_wrong_field_falls_back_alone(tmp_path: Path) -> None:
    path = tmp_path / "preferences.json"
    good = dataclasses.asdict(CHANGED)
    wrong: dict[str, list[object]] = {
        "language": ["de", "EN", 1, None, ["fr"]],
        "lock_minutes": [7, 0, -5, "5", 5.0, True, [5]],
        "lock_on_screen_lock": [0, "false", None],
        "lock_on_suspend": [1, "no"],
        "lock_on_minimise": [0, None],
        "clipboard_seconds": [-1, 601, "30", 30.5, False, None],
    }
    for name, values in wrong.items():
        for value in values:
            path.write_text(json.dumps({**good, name: value}), "utf-8")
            loaded = load_preferences(path)
            assert getattr(loaded, name) == getattr(Preferences(), name), (name, value)
            for other in good:
                if other != name:
                    assert getattr(loaded, other) == good[other], (name, value, other)


def test_unknown_keys_are_ignored_and_never_written_back(tmp_path: Path) -> None:
    path = tmp_path / "preferences.json"
    path.write_text(json.dumps({"language": "es", "vault": "/home/x/vault"}), "utf-8")
    prefs = load_preferences(path)
    assert prefs == Preferences(language="es")
    save_preferences(path, prefs)
    assert "vault" not in path.read_text("utf-8")


def test_an_unreadable_path_gives_defaults(tmp_path: Path) -> None:
    folder = tmp_path / "a-folder.json"
    folder.mkdir()
    assert load_preferences(folder) == Preferences()


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_failed_save_keeps_the_old_file(tmp_path: Path) -> None:
    path = tmp_path / "Carnet" / "preferences.json"
    save_preferences(path, CHANGED)
    path.parent.chmod(0o500)
    try:
        with pytest.raises(StorageError, match="could not write the preferences file"):
            save_preferences(path, Preferences())
    finally:
        path.parent.chmod(0o700)
    assert load_preferences(path) == CHANGED


@pytest.mark.parametrize(
    "fields",
    [
        {"language": "klingon"},
        {"lock_minutes": 10},
        {"lock_minutes": True},
        {"clipboard_seconds": -1},
        {"clipboard_seconds": 601},
        {"lock_on_suspend": "yes"},
    ],
)
def test_invalid_preferences_are_never_written(tmp_path: Path, fields: dict[str, object]) -> None:
    path = tmp_path / "p.json"
    with pytest.raises(ValidationError, match="not a valid preference"):
        save_preferences(path, Preferences(**fields))  # type: ignore[arg-type]
    assert not path.exists()
    save_preferences(path, CHANGED)
    with pytest.raises(ValidationError):
        save_preferences(path, Preferences(**fields))  # type: ignore[arg-type]
    assert load_preferences(path) == CHANGED


def test_zero_clipboard_seconds_means_never_by_the_timer(tmp_path: Path) -> None:
    path = tmp_path / "preferences.json"
    save_preferences(path, Preferences(clipboard_seconds=0))
    assert load_preferences(path).clipboard_seconds == 0


def test_wipe_removes_the_preferences(vault: VaultFixture) -> None:
    """Through the real `carnet wipe`, with the file where the desktop app keeps it."""
    config = Path(vault.cenv.env["XDG_CONFIG_HOME"])
    prefs = config / "Carnet" / "preferences.json"
    save_preferences(prefs, Preferences(language="fr"))
    result = run_carnet(vault.cenv, "wipe", "--yes")
    assert result.code == 0, result.err
    assert not prefs.exists()


@settings(max_examples=300, deadline=None)
@given(
    content=st.binary(max_size=600)
    | st.dictionaries(
        st.sampled_from([f.name for f in dataclasses.fields(Preferences)] + ["x"]),
        st.none() | st.booleans() | st.integers(-100, 1000) | st.text(max_size=5),
    ).map(lambda d: json.dumps(d).encode())
)
def test_any_content_loads_without_an_exception(
    tmp_path_factory: pytest.TempPathFactory, content: bytes
) -> None:
    path = tmp_path_factory.mktemp("prefs") / "preferences.json"
    path.write_bytes(content)
    prefs = load_preferences(path)
    assert isinstance(prefs, Preferences)
    assert prefs.language in LANGUAGES
    assert prefs.lock_minutes in LOCK_MINUTES
