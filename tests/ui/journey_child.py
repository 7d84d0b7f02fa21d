"""A whole desktop-app session in a process of its own, for the trace and network
proofs: first run, an incident typed in, a search, an attachment, a lock, an unlock, the
settings saved, quit. argv: the working folder (the vault goes inside it), the canary."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from app.models import IncidentInput
from tests.ui.app_driver import PASSPHRASE, create_through_wizard, make_app, unlock_with, wait_until
from ui.app import State


def main(root: Path, canary: str) -> int:
    qapp = QApplication(["carnet"])
    app = make_app(root)
    create_through_wizard(app)
    assert app.notebook is not None and app.main_window is not None
    window = app.main_window
    incident = app.notebook.incidents.add(IncidentInput(title=canary, narrative=canary))
    window.incidents.refresh_and_select(incident)
    window.panel.show_incident(incident)
    QTest.keyClicks(window.incidents.search, canary.split("-")[0])
    wait_until(lambda: window.incidents.model.rowCount() == 1)
    evidence = root / "outside" / f"{canary}.txt"
    evidence.parent.mkdir()
    evidence.write_text(canary * 100, encoding="utf-8")
    outcomes = app.notebook.attachments.attach(incident, [evidence])
    assert outcomes[0].attachment is not None
    evidence.unlink()
    app.lock()
    wait_until(lambda: app.state is State.LOCKED)
    unlock_with(app, PASSPHRASE)
    wait_until(lambda: app.state is State.UNLOCKED)
    app.set_preferences(app.preferences)
    app.lock()
    qapp.quit()
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), sys.argv[2]))
