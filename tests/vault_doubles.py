"""Test doubles for the vault's lifecycle: an in-memory keyring that can refuse, a
stand-in for a kill, and a small vault made through the real VaultService.

Loaded as a pytest plugin (tests/conftest.py), so its fixtures `paths` and `shares` are
available to every test module.
"""

from __future__ import annotations

import pytest

from app.errors import StorageError
from app.models import IncidentInput
from app.notebook import Notebook
from app.paths import VaultPaths
from app.vault import VaultService
from crypto.kdf import KdfProfile
from tests.conftest import CarnetEnv

PASS = "correct horse battery"


class MemoryShares:
    """A keyring in memory, that can refuse to delete (like a locked Secret Service)."""

    def __init__(self) -> None:
        self.entries: dict[bytes, bytes] = {}
        self.refuse_delete = False

    def available(self) -> bool:
        return True

    def get(self, vault_id: bytes) -> bytes | None:
        return self.entries.get(vault_id)

    def put(self, vault_id: bytes, share: bytes) -> None:
        self.entries[vault_id] = share

    def delete(self, vault_id: bytes) -> None:
        if self.refuse_delete:
            raise StorageError("the system keyring refused to delete the device share")
        self.entries.pop(vault_id, None)


class Crash(BaseException):
    """Stands for a kill: not an Exception, so nothing on the way catches it."""


@pytest.fixture
def shares() -> MemoryShares:
    return MemoryShares()


@pytest.fixture
def paths(carnet_env: CarnetEnv) -> VaultPaths:
    return VaultPaths(carnet_env.vault)


def make(paths: VaultPaths, shares: MemoryShares, **kwargs: object) -> tuple[VaultService, str]:
    service = VaultService(paths, shares)
    created = service.create(PASS, profile=KdfProfile.INTERACTIVE, **kwargs)  # type: ignore[arg-type]
    with Notebook(service.unlock(PASS)) as notebook:
        notebook.incidents.add(IncidentInput(title="Kept through everything"))
    return service, created.recovery_key


def titles(service: VaultService, passphrase: str) -> list[str]:
    with Notebook(service.unlock(passphrase)) as notebook:
        return [i.title for i in notebook.incidents.list_newest()]
