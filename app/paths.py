"""Where the vault lives: --vault DIR, else $CARNET_VAULT, else the user data dir."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "Carnet"
ENV_VAULT = "CARNET_VAULT"


@dataclass(frozen=True)
class VaultPaths:
    root: Path

    @property
    def header(self) -> Path:
        return self.root / "header"

    @property
    def store(self) -> Path:
        return self.root / "store.db"

    @property
    def store_sidecars(self) -> tuple[Path, ...]:
        """SQLite's companions of store.db (WAL, shared memory, rollback journal)."""
        return tuple(self.root / f"store.db{suffix}" for suffix in ("-wal", "-shm", "-journal"))

    @property
    def blobs(self) -> Path:
        return self.root / "blobs"

    @property
    def outbox(self) -> Path:
        return self.root / "outbox"


PREFERENCES_FILE = "preferences.json"


def config_dir() -> Path:
    """Carnet's per-user config folder (platformdirs; $XDG_CONFIG_HOME/Carnet on Linux).

    It holds the GUI's preferences only (app/preferences.py), never a vault path or
    anything from a notebook; `carnet wipe` removes it.
    """
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False, roaming=False))


def preferences_path() -> Path:
    return config_dir() / PREFERENCES_FILE


def default_vault_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False, roaming=False)) / "vault"


def resolve_vault_dir(explicit: str | os.PathLike[str] | None) -> VaultPaths:
    if explicit:
        return VaultPaths(Path(explicit).expanduser())
    from_env = os.environ.get(ENV_VAULT)
    if from_env:
        return VaultPaths(Path(from_env).expanduser())
    return VaultPaths(default_vault_dir())
