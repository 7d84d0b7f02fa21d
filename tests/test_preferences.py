"""The desktop app's preferences file: validated field by field, never an error on load,
nothing but the known fields written, and removed by the wipe."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.preferences import Preferences, load_preferences, save_preferences
from tests.conftest import CarnetEnv, VaultFixture, run_carnet


def test_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "carnet" / "preferences.json"
    chosen = Preferences("ar", None, False, True, True, 0)
    save_preferences(path, chosen)
    assert load_preferences(path) == chosen
    assert set(json.loads(path.read_text())) == set(Preferences.__dataclass_fields__)
    assert path.stat().st_mode & 0o077 == 0


def test_missing_or_damaged_file_gives_defaults(tmp_path: Path) -> None:
    path = tmp_path / "preferences.json"
    assert load_preferences(path) == Preferences()
    path.write_bytes(b"\xff{not json")
    assert load_preferences(path) == Preferences()
    path.write_text(json.dumps({"language": "fr", "padding": "x" * 5000}))
    assert load_preferences(path) == Preferences()  # oversized: not read at all


def test_each_bad_field_falls_back_alone(tmp_path: Path) -> None:
    path = tmp_path / "preferences.json"
    path.write_text(
        json.dumps(
            {
                "language": "fr",
                "lock_minutes": 7,
                "lock_on_screen_lock": "yes",
                "clipboard_seconds": True,
                "vault": "/home/someone/vault",
            }
        )
    )
    loaded = load_preferences(path)
    assert loaded.language == "fr"
    assert loaded.lock_minutes == Preferences().lock_minutes
    assert loaded.lock_on_screen_lock is True
    assert loaded.clipboard_seconds == Preferences().clipboard_seconds
    save_preferences(path, loaded)
    assert "/home/someone" not in path.read_text()


def test_invalid_preferences_are_never_written(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        save_preferences(tmp_path / "p.json", Preferences(language="klingon"))
    assert not (tmp_path / "p.json").exists()


@given(st.binary(max_size=600))
def test_any_bytes_load_without_error(
    tmp_path_factory: pytest.TempPathFactory, data: bytes
) -> None:
    path = tmp_path_factory.mktemp("prefs") / "preferences.json"
    path.write_bytes(data)
    assert isinstance(load_preferences(path), Preferences)


def test_wipe_removes_the_preferences(vault: VaultFixture) -> None:
    """Through the real `carnet wipe`, with the file where the desktop app keeps it."""
    config = Path(vault.cenv.env["XDG_CONFIG_HOME"])
    prefs = config / "Carnet" / "preferences.json"
    save_preferences(prefs, Preferences(language="fr"))
    result = run_carnet(vault.cenv, "wipe", "--yes")
    assert result.code == 0, result.err
    assert not prefs.exists()


def test_the_app_looks_where_the_wipe_removes(carnet_env: CarnetEnv) -> None:
    from app.paths import preferences_path

    assert preferences_path() == (
        Path(carnet_env.env["XDG_CONFIG_HOME"]) / "Carnet" / "preferences.json"
    )
