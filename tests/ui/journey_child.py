"""The whole desktop journey in a process of its own, for the no-trace test
(tests/ui/test_gui_traces.py): `python -m tests.ui.journey_child ROOT`.

The parent gives this process a private HOME, XDG folders, runtime folder and TMPDIR
(all under ROOT/user) and writes ROOT/outside/plan.json, which holds the canary. What a
person brings and takes away lives outside the scanned tree, in ROOT/outside: the
evidence files (made here, holding the canary) and the copy saved with "Save a copy
as…". The app runs on its real default locations inside the private HOME (the vault
under XDG_DATA_HOME, the preferences under XDG_CONFIG_HOME), started the way
ui/launch.py starts it (`prepare_qt`), and is driven as a person would: real windows,
real Qt file dialogs, keys and clicks.

Each step is a function in STEPS that asserts what the person would see; to extend the
journey, add one. The process exits 0 only when every step ran and the app then quit
cleanly; it writes ROOT/outside/seen.json (the steps done, the recovery key shown) so
the parent can scan for the key too. A hang dumps every thread's stack and exits.
"""

from __future__ import annotations

import faulthandler
import json
import sys
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtGui import QGuiApplication, QImage
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QLineEdit, QWidget

from ui.app import CarnetApp
from ui.windows.main_window import MainWindow

HANG_SECONDS = 90


@dataclass
class Journey:
    """What the steps share: the app, the canary, and what the person carries."""

    carnet: CarnetApp
    canary: str
    outside: Path
    evidence: list[Path]
    saved_copy: Path
    recovery_key: str = ""
    incident_title: str = ""
    done: list[str] = field(default_factory=list)

    def window(self) -> MainWindow:
        window = self.carnet.main_window
        assert window is not None, "the main window is not open"
        return window


# -- helpers ------------------------------------------------------------------------


def when_modal(kind: type[QWidget], act: Callable[[QWidget], None]) -> None:
    """When a modal `kind` opens (its event loop then runs), let `act` answer it."""

    def poll() -> None:
        modal = QApplication.activeModalWidget()
        if isinstance(modal, kind) and modal.isVisible():
            act(modal)
        else:
            QTimer.singleShot(20, poll)

    QTimer.singleShot(0, poll)


def choose_in_file_dialog(folder: Path, names: list[str]) -> None:
    """Answer the next file dialog as a person would: go to `folder`, type the names
    in the file name box, press the dialog's accept button."""

    def act(dialog: QWidget) -> None:
        assert isinstance(dialog, QFileDialog)
        assert dialog.testOption(QFileDialog.Option.DontUseNativeDialog)
        dialog.setDirectory(str(folder))
        name_box = dialog.findChild(QLineEdit, "fileNameEdit")
        assert name_box is not None
        name_box.setText(names[0] if len(names) == 1 else " ".join(f'"{n}"' for n in names))
        dialog.accept()

    when_modal(QFileDialog, act)


def all_visible_titles() -> list[str]:
    return [w.windowTitle() for w in QApplication.topLevelWidgets() if w.isVisible()]


def make_evidence(outside: Path, canary: str) -> list[Path]:
    """A statement holding the canary, and a PNG whose text chunk holds it (a preview
    decodes it; a thumbnailer or a cache would write it out)."""
    folder = outside / "evidence"
    folder.mkdir(parents=True, exist_ok=True)
    token = canary[-8:]
    statement = folder / f"statement-{token}.txt"
    statement.write_text(f"Witness statement: {canary} was taken away.\n" * 50, encoding="utf-8")
    photo = folder / f"photo-{token}.png"
    image = QImage(64, 48, QImage.Format.Format_RGB32)
    image.fill(0x3366CC)
    image.setText("Description", canary)
    assert image.save(str(photo))  # PNG, from the suffix
    return [statement, photo]


# -- the steps ----------------------------------------------------------------------


def first_run(j: Journey) -> None:
    from tests.ui.app_driver import DURESS, confirm_recovery_key, create_through_wizard

    wizard = create_through_wizard(j.carnet, duress=DURESS, finish=False)
    j.recovery_key = wizard.key_page.key.text()
    assert j.recovery_key.count("-") >= 5, "no recovery key shown"
    confirm_recovery_key(j.carnet, wizard)
    assert all_visible_titles() == ["Carnet"]


def add_incident(j: Journey) -> None:
    from PySide6.QtTest import QTest

    window = j.window()
    window.new_action.trigger()
    editor = window.panel.editor
    j.incident_title = f"Arrest of {j.canary} at the market"
    QTest.keyClicks(editor.title, j.incident_title)
    QTest.keyClicks(editor.narrative, f"Witnesses saw {j.canary} taken away.")
    assert editor.has_unsaved_changes()
    editor.save_button.click()
    assert not editor.has_unsaved_changes()
    model = window.incidents.model
    assert model.rowCount() == 1
    assert model.index(0, 1).data() == j.incident_title
    assert window.windowTitle() == "Carnet"


def add_person_with_consent(j: Journey) -> None:
    """A person whose name is the canary, linked with consent to share with named
    organisations: names are what a border examiner looks for first."""
    from PySide6.QtTest import QTest

    from tests.ui.app_driver import wait_until

    panel = j.window().panel
    people = panel.people
    panel.setCurrentWidget(people)
    people.add_button.click()
    form = people.form
    QTest.keyClicks(form.name, f"{j.canary} Diallo")
    form.role.setCurrentIndex(form.role.findData("witness"))
    form.consent.level.setCurrentIndex(form.consent.level.findData("share"))
    QTest.keyClicks(form.consent.organisations, "Front Line Defenders")
    QTest.keyClicks(form.consent.note, f"Agreed with {j.canary}")
    people.save_button.click()
    wait_until(lambda: people.model.rowCount() == 1)
    assert people.model.index(0, 0).data() == f"{j.canary} Diallo"


def add_intervention(j: Journey) -> None:
    """An intervention whose actor holds the canary, typed so the completer is fed."""
    from PySide6.QtTest import QTest

    from tests.ui.app_driver import wait_until

    panel = j.window().panel
    interventions = panel.interventions
    panel.setCurrentWidget(interventions)
    interventions.add_button.click()
    QTest.keyClicks(interventions.actor, f"Lawyer {j.canary}")
    QTest.keyClicks(interventions.notes, f"Called about {j.canary}")
    interventions.save_button.click()
    wait_until(lambda: interventions.model.rowCount() == 1)


def attach_files(j: Journey) -> None:
    from tests.ui.app_driver import wait_until

    window = j.window()
    evidence = window.panel.evidence
    window.panel.setCurrentWidget(evidence)
    assert evidence.attach_button.isEnabled()
    outcomes: list[object] = []
    evidence.attached.connect(outcomes.extend)
    choose_in_file_dialog(j.evidence[0].parent, [p.name for p in j.evidence])
    evidence.attach_button.click()
    wait_until(lambda: bool(outcomes))
    lines = sorted(evidence.results.item(i).text() for i in range(evidence.results.count()))
    assert lines == sorted(f"{p.name}: attached" for p in j.evidence), lines
    assert sorted(_attachment_names(j)) == sorted(p.name for p in j.evidence)


def _attachment_names(j: Journey) -> list[str]:
    model = j.window().panel.evidence.model
    rows = (model.attachment(row) for row in range(model.rowCount()))
    return [row.original_name for row in rows if row is not None]


def _select_attachment(j: Journey, name: str) -> None:
    names = _attachment_names(j)
    assert name in names, names
    j.window().panel.evidence.select_row(names.index(name))


def preview_image(j: Journey) -> None:
    from tests.ui.app_driver import wait_until

    evidence = j.window().panel.evidence
    ready: list[bool] = []
    evidence.preview_ready.connect(lambda: ready.append(True))
    _select_attachment(j, j.evidence[1].name)
    wait_until(lambda: bool(ready))
    assert not evidence.preview.pixmap().isNull(), evidence.preview.text()


def save_a_copy(j: Journey) -> None:
    from tests.ui.app_driver import wait_until

    evidence = j.window().panel.evidence
    source = j.evidence[0]
    _select_attachment(j, source.name)
    assert evidence.save_button.isEnabled()
    j.saved_copy.parent.mkdir(parents=True, exist_ok=True)
    choose_in_file_dialog(j.saved_copy.parent, [j.saved_copy.name])
    evidence.save_button.click()
    wait_until(lambda: j.saved_copy.exists() and evidence.bar.isHidden())
    assert j.saved_copy.read_bytes() == source.read_bytes()
    assert evidence.results.item(0).text() == f"Saved a copy: {j.saved_copy.name}"


def search(j: Journey) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from tests.ui.app_driver import wait_until

    window = j.window()
    listing, model = window.incidents, window.incidents.model
    QTest.keyClicks(listing.search, "nothingsuchword")
    wait_until(lambda: model.rowCount() == 0)
    listing.search.clear()
    QTest.keyClicks(listing.search, j.canary)
    wait_until(lambda: model.rowCount() == 1)
    assert model.index(0, 1).data() == j.incident_title
    table = listing.table
    cell = table.visualRect(model.index(0, 1)).center()
    QTest.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=cell)
    wait_until(lambda: window.panel.editor.title.text() == j.incident_title)


def change_a_setting(j: Journey) -> None:
    from ui.windows.settings import SettingsDialog

    def act(dialog: QWidget) -> None:
        assert isinstance(dialog, SettingsDialog)
        assert dialog.windowTitle().startswith("Carnet")
        dialog.clipboard.setValue(45)
        dialog.lock_delay.setCurrentIndex(dialog.lock_delay.findData(15))
        dialog.accept()

    when_modal(SettingsDialog, act)
    j.window().settings_action.trigger()
    prefs = j.carnet.preferences
    assert (prefs.clipboard_seconds, prefs.lock_minutes) == (45, 15)
    saved = json.loads(j.carnet.preferences_path.read_text(encoding="utf-8"))
    assert (saved["clipboard_seconds"], saved["lock_minutes"]) == (45, 15)
    assert j.carnet.clipboard.delay_ms() == 45_000


def copy_to_clipboard(j: Journey) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from tests.ui.app_driver import wait_until

    window = j.window()
    window.activateWindow()
    wait_until(lambda: QGuiApplication.focusWindow() is not None)
    title = window.panel.editor.title
    title.setFocus()
    QTest.keyClick(title, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClick(title, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QGuiApplication.clipboard().text() == j.incident_title
    assert j.carnet.clipboard.holds_secret() and j.carnet.clipboard.is_pending()


def lock_with_ctrl_l(j: Journey) -> None:
    """After the lock nothing of the notebook is left to read: not in a widget, a model,
    a window title, the accessibility tree (the app's and every window's) or the
    clipboard."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from tests.ui.app_driver import wait_until
    from tests.ui.widget_text import accessible_text, all_text
    from ui.app import State
    from ui.windows.unlock import UnlockWindow

    QTest.keyClick(j.window(), Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    wait_until(lambda: j.carnet.state is State.LOCKED)
    assert j.carnet.main_window is None and j.carnet.notebook is None
    visible = [w for w in QApplication.topLevelWidgets() if w.isVisible()]
    assert [type(w) for w in visible] == [UnlockWindow], visible
    assert all_visible_titles() == ["Carnet"]
    qapp = QApplication.instance()
    assert qapp is not None
    texts = all_text() + accessible_text(qapp)
    for widget in QApplication.topLevelWidgets():
        texts += [widget.windowTitle(), *accessible_text(widget)]
    # Not vacuous: the application's tree reaches the unlock window's controls.
    assert "Unlock" in accessible_text(qapp), accessible_text(qapp)
    leaks = [text for text in texts if j.canary in text or j.evidence[0].stem in text]
    assert leaks == [], f"notebook text left after the lock: {leaks}"
    assert j.canary not in QGuiApplication.clipboard().text()


def unlock(j: Journey) -> None:
    from tests.ui.app_driver import PASSPHRASE, unlock_with, wait_until
    from ui.app import State

    unlock_with(j.carnet, PASSPHRASE)
    wait_until(lambda: j.carnet.state is State.UNLOCKED)
    model = j.window().incidents.model
    assert model.rowCount() == 1 and model.index(0, 1).data() == j.incident_title
    assert j.window().incidents.search.text() == ""


def vault_holds_only_ciphertext(j: Journey) -> None:
    """The control that the canary really went in, checked here because the duress
    unlock that follows wipes this vault: blobs exist, and no vault file holds the canary
    or the first bytes of an attached file."""
    from tests.test_no_plaintext import scan

    notebook = j.carnet.notebook
    assert notebook is not None
    vault = notebook.session.paths.root
    blobs = [p for p in (vault / "blobs").rglob("*") if p.is_file() and p.name != ".lock"]
    assert len(blobs) >= len(j.evidence), sorted(p.name for p in vault.rglob("*"))
    assert scan([vault], j.canary) == []
    heads = [path.read_bytes()[:64] for path in j.evidence]
    assert not any(head in blob.read_bytes() for head in heads for blob in blobs)


def duress_unlock(j: Journey) -> None:
    """Lock, then the duress passphrase: an empty notebook, no notice; the real one is
    being wiped in the background (waited for, so its files are gone when the disk is
    scanned)."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from tests.ui.app_driver import DURESS, unlock_with, wait_until
    from ui.app import State

    QTest.keyClick(j.window(), Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    wait_until(lambda: j.carnet.state is State.LOCKED)
    shown_before = len(j.carnet.dialogs.shown)
    unlock_with(j.carnet, DURESS)
    wait_until(lambda: j.carnet.state is State.UNLOCKED)
    assert j.window().incidents.model.rowCount() == 0
    assert len(j.carnet.dialogs.shown) == shown_before  # no banner, no notice
    notebook = j.carnet.notebook
    assert notebook is not None
    notebook.session.wait()


def close_the_window(j: Journey) -> None:
    """The person closes the main window: the app locks and quits (checked after the
    event loop has returned, in main)."""
    j.window().close()


STEPS: list[Callable[[Journey], None]] = [
    first_run,
    add_incident,
    add_person_with_consent,
    add_intervention,
    attach_files,
    preview_image,
    save_a_copy,
    search,
    change_a_setting,
    copy_to_clipboard,
    lock_with_ctrl_l,
    unlock,
    vault_holds_only_ciphertext,
    duress_unlock,
    close_the_window,
]


# -- the process --------------------------------------------------------------------


def _run_steps(j: Journey, qapp: QApplication) -> None:
    try:
        for step in STEPS:
            print(f"step: {step.__name__}", file=sys.stderr, flush=True)
            step(j)
            j.done.append(step.__name__)
    except BaseException:
        traceback.print_exc()
        qapp.exit(1)


def main(argv: list[str]) -> int:
    faulthandler.enable()
    faulthandler.dump_traceback_later(HANG_SECONDS, exit=True)
    root = Path(argv[0])
    outside = root / "outside"
    plan = json.loads((outside / "plan.json").read_text(encoding="utf-8"))

    from ui.launch import prepare_qt

    prepare_qt()
    qapp = QApplication(["carnet"])
    qapp.setQuitOnLastWindowClosed(False)  # as ui/launch.py: the app quits itself

    from app.paths import default_vault_dir, preferences_path
    from tests.ui.app_driver import make_app
    from ui.app import State

    app = make_app(root, vault=default_vault_dir(), preferences=preferences_path())
    journey = Journey(
        carnet=app,
        canary=plan["canary"],
        outside=outside,
        evidence=make_evidence(outside, plan["canary"]),
        saved_copy=outside / "saved" / "copy-of-statement.txt",
    )
    QTimer.singleShot(0, lambda: _run_steps(journey, qapp))
    code = qapp.exec()
    (outside / "seen.json").write_text(
        json.dumps({"done": journey.done, "recovery_key": journey.recovery_key}),
        encoding="utf-8",
    )
    if code != 0:
        return int(code)
    if journey.done != [step.__name__ for step in STEPS]:
        print(f"the journey stopped after {journey.done}", file=sys.stderr)
        return 1
    assert app.state is State.CLOSED, app.state
    assert app.main_window is None and app.notebook is None
    assert all_visible_titles() == [], all_visible_titles()
    assert journey.canary not in QGuiApplication.clipboard().text()
    assert not any(isinstance(w, QDialog) and w.isVisible() for w in QApplication.allWidgets())
    faulthandler.cancel_dump_traceback_later()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
