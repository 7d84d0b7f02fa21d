"""Fixtures for the desktop app's tests: a real vault, opened through app/, and the
services a view is given. Widgets are real (offscreen); nothing is mocked but the
clipboard in `ui_ctx`, which records what was copied."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.device_share import NoDeviceShares
from app.notebook import Notebook
from app.opening import NotebookOpener
from app.paths import VaultPaths
from tests.conftest import PASSPHRASE
from tests.ui.cross_thread import cross_thread_warnings
from tests.ui.private_bus import PrivateBus
from ui.context import UiContext
from ui.dialogs import Dialogs
from ui.workers import WorkerPool


@pytest.fixture(autouse=True)
def no_cross_thread_qt_calls(request: pytest.FixtureRequest) -> Iterator[None]:
    """Fail any desktop-app test during which Qt reported a call from the wrong thread."""
    qtlog = request.getfixturevalue("qtlog")
    yield
    wrong = cross_thread_warnings(record.message for record in qtlog.records)
    assert not wrong, f"Qt objects used from another thread: {wrong}"


class RecordingClipboard:
    def __init__(self) -> None:
        self.copied: list[str] = []

    def copy(self, text: str) -> None:
        self.copied.append(text)


@pytest.fixture
def opener(tmp_path: Path) -> NotebookOpener:
    return NotebookOpener(VaultPaths(tmp_path / "vault"), NoDeviceShares(), "interactive")


@pytest.fixture
def notebook(opener: NotebookOpener) -> Iterator[Notebook]:
    opener.create(PASSPHRASE, use_keyring=False)
    book = opener.unlock(PASSPHRASE)
    yield book
    book.close()


@pytest.fixture
def ui_ctx(qtbot: object, notebook: Notebook) -> Iterator[UiContext]:
    workers = WorkerPool()
    ctx = UiContext(notebook, Dialogs(), workers, RecordingClipboard(), "en")
    yield ctx
    workers.cancel_all()


@pytest.fixture
def session_bus() -> Iterator[PrivateBus]:
    bus = PrivateBus()
    yield bus
    bus.close()


@pytest.fixture
def system_bus() -> Iterator[PrivateBus]:
    bus = PrivateBus()
    yield bus
    bus.close()
