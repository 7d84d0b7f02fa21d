"""`make screenshots`: every window of the desktop app in English, French and Arabic.

Runs the real app offscreen on a throwaway vault (HOME, XDG folders and TMPDIR pointed
into a temporary folder, so nothing of this run stays on the machine), fills it with a
made-up incident, and saves one PNG per window and tab into the folder given.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.notebook import Notebook

LANGUAGES = ("en", "fr", "ar")


def _isolate(root: Path) -> None:
    for name, sub in (
        ("HOME", "home"),
        ("XDG_CONFIG_HOME", "home/.config"),
        ("XDG_DATA_HOME", "home/.local/share"),
        ("XDG_CACHE_HOME", "home/.cache"),
        ("TMPDIR", "tmp"),
    ):
        path = root / sub
        path.mkdir(parents=True, exist_ok=True)
        os.environ[name] = str(path)
    os.environ["DBUS_SESSION_BUS_ADDRESS"] = "disabled:"
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def fill_sample(book: Notebook) -> int:
    """Made-up incidents, a person and an intervention; the id of the incident to show."""
    from app.models import ConsentInput, IncidentInput, InterventionInput, PersonInput

    for n in range(6):
        book.incidents.add(
            IncidentInput(
                title=f"Sample incident {n + 1}",
                date=f"2026-0{n + 1}-1{n}",
                country="KE",
                violations=("threats-intimidation",),
                status="draft",
            )
        )
    incident = book.incidents.add(
        IncidentInput(
            title="Journalist detained at the checkpoint (sample)",
            narrative="A made-up narrative for the screenshots.",
            date="2026-11",
            location="Northern checkpoint",
            country="KE",
            violations=("arbitrary-detention", "threats-intimidation"),
            tags=("press", "checkpoint"),
            status="verified",
            sensitivity="high",
        )
    )
    person = book.people.add(PersonInput("A. Example", "individual", ""))
    book.people.link(incident, person, "victim", ConsentInput("share", ("Front Line Defenders",)))
    book.interventions.add(incident, InterventionInput("Front Line Defenders", "other", "planned"))
    return incident


def main(out_dir: str) -> int:
    with tempfile.TemporaryDirectory(prefix="carnet-shots-") as scratch:
        _isolate(Path(scratch))
        from PySide6.QtWidgets import QApplication

        from tests.ui.app_driver import create_through_wizard, make_app, wait_until
        from ui.app import State
        from ui.windows.recovery import RecoveryDialog
        from ui.windows.settings import SettingsDialog

        qapp = QApplication.instance() or QApplication(sys.argv[:1])
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)

        def shot(widget: object, name: str) -> None:
            from PySide6.QtWidgets import QWidget

            assert isinstance(widget, QWidget)
            widget.grab().save(str(out / f"{name}.png"))

        for language in LANGUAGES:
            root = Path(scratch) / language
            root.mkdir()
            app = make_app(root, language)
            app.start()
            wizard = app.wizard
            assert wizard is not None
            shot(wizard, f"{language}-first-run-language")
            wizard.next()
            shot(wizard, f"{language}-first-run-passphrase")
            wizard.close()
            app.wizard = None
            wizard.deleteLater()
            (root / "b").mkdir(exist_ok=True)
            app2 = make_app(root / "b", language)
            wizard = create_through_wizard(app2, finish=False)
            shot(wizard, f"{language}-first-run-recovery-key")
            create_finish(app2, wizard)
            wait_until(lambda app2=app2: app2.state is State.UNLOCKED)
            assert app2.notebook is not None
            incident = fill_sample(app2.notebook)
            window = app2.main_window
            assert window is not None
            window.incidents.refresh_and_select(incident)
            window.panel.show_incident(incident)
            for index in range(window.panel.count()):
                window.panel.setCurrentIndex(index)
                page = window.panel.currentWidget()
                if page in (window.panel.people, window.panel.interventions):
                    page.select_row(0)  # the form shows the sample's first row
                qapp.processEvents()
                shot(window, f"{language}-main-{index + 1}")
            settings = SettingsDialog(app2.preferences, app2.screen_locks.availability(), window)
            settings.show()
            qapp.processEvents()
            shot(settings, f"{language}-settings")
            settings.close()
            settings.deleteLater()
            app2.lock()
            wait_until(lambda app2=app2: app2.state is State.LOCKED)
            assert app2.unlock_window is not None
            shot(app2.unlock_window, f"{language}-unlock")
            recovery = RecoveryDialog(app2.opener.min_passphrase_chars, False, app2.unlock_window)
            recovery.show()
            qapp.processEvents()
            shot(recovery, f"{language}-recovery")
            recovery.close()
            recovery.deleteLater()
            for widget in QApplication.topLevelWidgets():
                widget.close()
    return 0


def create_finish(app: object, wizard: object) -> None:
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QWizard

    from ui.windows.first_run import FirstRunWizard

    assert isinstance(wizard, FirstRunWizard)
    page = wizard.key_page
    QTest.keyClicks(page.confirm, page.key.text().split("-")[page._asked])
    wizard.button(QWizard.WizardButton.FinishButton).click()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots"))
