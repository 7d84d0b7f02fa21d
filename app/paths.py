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


def default_vault_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False, roaming=False)) / "vault"


def resolve_vault_dir(explicit: str | os.PathLike[str] | None) -> VaultPaths:
    if explicit:
        return VaultPaths(Path(explicit).expanduser())
    from_env = os.environ.get(ENV_VAULT)
    if from_env:
        return VaultPaths(Path(from_env).expanduser())
    return VaultPaths(default_vault_dir())


def preferences_path() -> Path:
    """The desktop app's preferences (app/preferences.py): inside Carnet's config
    folder, which the wipe removes with the rest of Carnet's traces."""
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "preferences.json"
