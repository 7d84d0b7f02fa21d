"""Layouts hold in every language: a pseudo-language with strings 40% longer clips no
label or button, Arabic lays out right to left, and the shipped translations are
complete and load."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QWidget

from app.models import IncidentInput
from app.preferences import Preferences
from tests.ui import pseudo_locale
from ui.context import UiContext
from ui.i18n import TRANSLATIONS_DIR, Translations
from ui.locking import Availability
from ui.windows.first_run import FirstRunWizard
from ui.windows.main_window import MainWindow
from ui.windows.recovery import RecoveryDialog
from ui.windows.settings import SettingsDialog
from ui.windows.unlock import UnlockWindow


@pytest.fixture(scope="module")
def pseudo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return pseudo_locale.build(tmp_path_factory.mktemp("pseudo"))


@pytest.fixture
def translations(qtbot: object) -> Iterator[Translations]:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    chosen = Translations(app)
    yield chosen
    chosen.apply("en")


def _windows() -> list[QWidget]:
    wizard = FirstRunWizard("en", 8, 1000, keyring_available=False)
    return [UnlockWindow(), wizard, RecoveryDialog(8, True, None)]


def clipped(window: QWidget) -> list[str]:
    """Visible labels and buttons narrower than their text needs."""
    found = []
    for widget in window.findChildren(QWidget):
        if not widget.isVisible():
            continue
        if isinstance(widget, QLabel) and widget.text():
            if widget.wordWrap():
                needed = widget.heightForWidth(widget.width())
                if needed > widget.height() + 1:
                    found.append(widget.text())
            elif widget.sizeHint().width() > widget.width() + 1:
                found.append(widget.text())
        elif (
            isinstance(widget, QAbstractButton)
            and widget.text()
            and widget.sizeHint().width() > widget.width() + 1
        ):
            found.append(widget.text())
    return found


def test_pseudo_language_stretches_every_string(
    translations: Translations, pseudo_dir: Path
) -> None:
    translations._directory = pseudo_dir
    translations.apply("xx")
    window = UnlockWindow()
    assert window.unlock_button.text().startswith("[")


def test_no_clipped_text_in_the_pseudo_language(
    qtbot: object, translations: Translations, pseudo_dir: Path
) -> None:
    translations._directory = pseudo_dir
    translations.apply("xx")
    for window in _windows():
        window.show()
        window.adjustSize()
        QApplication.processEvents()
        if isinstance(window, FirstRunWizard):
            pages = [window.language_page, window.passphrase_page, window.safety_page]
            for _ in pages:
                QApplication.processEvents()
                assert clipped(window) == [], type(window.currentPage()).__name__
                window.next()
                window.adjustSize()
        else:
            assert clipped(window) == [], type(window).__name__
        window.close()


def _incident(ctx: UiContext) -> int:
    return ctx.notebook.incidents.add(
        IncidentInput(
            title="Journalist detained at the northern checkpoint",
            date="2026-11",
            country="CD",
            violations=("arbitrary-detention",),
            status="verified",
        )
    )


@pytest.mark.parametrize("size", [(1180, 720), (1024, 700)])
def test_no_clipped_text_in_the_main_window(
    ui_ctx: UiContext,
    translations: Translations,
    pseudo_dir: Path,
    size: tuple[int, int],
) -> None:
    """The main window at its default size and at 1024x700, an incident open, every tab
    of the incident panel in turn."""
    incident = _incident(ui_ctx)
    translations._directory = pseudo_dir
    translations.apply("xx")
    window = MainWindow(ui_ctx)
    window.resize(*size)
    window.show()
    window.incidents.refresh_and_select(incident)
    window.panel.show_incident(incident)
    assert window.width() <= size[0]  # nothing forces the window wider than the screen
    for index in range(window.panel.count()):
        window.panel.setCurrentIndex(index)
        QApplication.processEvents()
        assert clipped(window) == [], window.panel.tabText(index)
    window.close()


def test_no_clipped_text_in_settings_and_recovery(
    qtbot: object, translations: Translations, pseudo_dir: Path
) -> None:
    translations._directory = pseudo_dir
    translations.apply("xx")
    for available in (True, False):
        settings = SettingsDialog(Preferences(), Availability(available, available), None)
        recovery = RecoveryDialog(8, not available, None)
        for window in (settings, recovery):
            window.show()
            QApplication.processEvents()
            assert clipped(window) == [], type(window).__name__
            window.close()


def test_arabic_lays_out_right_to_left(qtbot: object, translations: Translations) -> None:
    translations.apply("ar")
    window = UnlockWindow()
    window.show()
    assert QApplication.layoutDirection() == Qt.LayoutDirection.RightToLeft
    assert window.isRightToLeft()
    # The Unlock button sits at the end of its row: on the left in Arabic.
    assert window.unlock_button.x() < window.recovery_button.x()
    assert window.unlock_button.text() != "Unlock"
    translations.apply("en")
    assert QApplication.layoutDirection() == Qt.LayoutDirection.LeftToRight


@pytest.mark.parametrize("language", ["fr", "es", "ar"])
def test_shipped_translations_are_complete(language: str) -> None:
    tree = ET.parse(TRANSLATIONS_DIR / f"carnet_{language}.ts")
    unfinished = [
        message.findtext("source")
        for message in tree.iter("message")
        if (message.find("translation") is not None)
        and message.find("translation").get("type") in ("unfinished", "vanished", "obsolete")
    ]
    assert unfinished == []
    assert (TRANSLATIONS_DIR / f"carnet_{language}.qm").exists()


def test_every_string_of_ui_is_in_the_translation_sources(pseudo_dir: Path) -> None:
    """lupdate of today's sources finds nothing the shipped .ts files lack."""
    fresh = {m.findtext("source") for m in ET.parse(pseudo_dir / "carnet_xx.ts").iter("message")}
    shipped = {
        m.findtext("source") for m in ET.parse(TRANSLATIONS_DIR / "carnet_fr.ts").iter("message")
    }
    assert fresh - shipped == set()
