"""Plurals come out of the .qm files in each language's own forms (French: 1 minute, 5
minutes; Arabic has six): the strings lupdate must see as plurals (`self.tr(text, "", n)`)
and the compiled translations Qt loads."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QApplication

from app.preferences import Preferences
from ui.i18n import Translations
from ui.locking import Availability
from ui.windows.settings import SettingsDialog


@pytest.fixture
def translations(qtbot: object) -> Iterator[Translations]:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    chosen = Translations(app)
    yield chosen
    chosen.apply("en")


def _lock_choices(qtbot: object) -> list[str]:
    dialog = SettingsDialog(Preferences(), Availability(screen_lock=True, suspend=True), None)
    qtbot.addWidget(dialog)  # type: ignore[attr-defined]
    return [dialog.lock_delay.itemText(i) for i in range(dialog.lock_delay.count())]


@pytest.mark.parametrize(
    ("language", "one", "five"),
    [
        ("en", "1 minute", "5 minutes"),
        ("fr", "1 minute", "5 minutes"),
        ("es", "1 minuto", "5 minutos"),
    ],
)
def test_minutes_in_each_language(
    qtbot: object, translations: Translations, language: str, one: str, five: str
) -> None:
    translations.apply(language)
    choices = _lock_choices(qtbot)
    assert one in choices and five in choices


def test_arabic_uses_its_own_plural_forms(qtbot: object, translations: Translations) -> None:
    translations.apply("ar")
    choices = _lock_choices(qtbot)
    numbered = [c for c in choices if any(ch.isdigit() for ch in c)]
    assert len(numbered) == 5
    assert not any("minute" in c for c in numbered)  # translated, not the English source
    # 1 and 15 (11-99) take the singular noun, 5 (3-10) the plural.
    one, five, fifteen = (c.split()[-1] for c in numbered[:3])
    assert one == fifteen == "دقيقة" and five == "دقائق", numbered
