"""Languages: Carnet's own translations, Qt's, the locale and the layout direction.

Qt's `qtbase_*.qm` is loaded beside Carnet's own: it translates Qt's standard buttons and
it is what declares a language right to left. The direction is also set explicitly, so a
missing Qt catalogue cannot leave Arabic laid out left to right.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, Qt, QTranslator
from PySide6.QtWidgets import QApplication

import resources

TRANSLATIONS_DIR = Path(resources.__file__).resolve().parent / "translations"
RIGHT_TO_LEFT = frozenset({"ar"})
# Each language named in itself, so a person who cannot read the current one finds theirs.
LANGUAGE_NAMES = {"en": "English", "fr": "Français", "es": "Español", "ar": "العربية"}
# A test-only pseudo-language with stretched strings (tests/ui/pseudo_locale.py builds it).
PSEUDO = "xx"


def ui_text(text: str) -> str:
    """A user-visible string, translated. Modules import it as `_t`, which lupdate is told
    to read as `tr` (Makefile: -tr-function-alias tr+=_t); such strings share the one
    unnamed context lupdate gives them. Plurals use the widget's own `self.tr(text, "", n)`
    (context: its class name), the one form the pinned lupdate (6.11) reads as a plural."""
    return QCoreApplication.translate("", text)


class Translations:
    """The translators installed in the application, swapped as a whole."""

    def __init__(self, app: QApplication, directory: Path = TRANSLATIONS_DIR) -> None:
        self._app = app
        self._directory = directory
        self._installed: list[QTranslator] = []
        self.language = "en"

    def apply(self, language: str) -> None:
        for translator in self._installed:
            QCoreApplication.removeTranslator(translator)
        self._installed = []
        own = QTranslator(self._app)
        if own.load(str(self._directory / f"carnet_{language}.qm")):
            self._install(own)
        qt = QTranslator(self._app)
        qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        if qt.load(f"qtbase_{language}", qt_dir):
            self._install(qt)
        self.language = language
        QLocale.setDefault(locale_for(language))
        self._app.setLayoutDirection(
            Qt.LayoutDirection.RightToLeft
            if language in RIGHT_TO_LEFT
            else Qt.LayoutDirection.LeftToRight
        )

    def _install(self, translator: QTranslator) -> None:
        QCoreApplication.installTranslator(translator)
        self._installed.append(translator)


def locale_for(language: str) -> QLocale:
    return QLocale("en") if language == PSEUDO else QLocale(language)


def vocabulary_language(language: str) -> str:
    """The language the vocabularies are shown in (they have en, fr, es and ar)."""
    return language if language in LANGUAGE_NAMES else "en"
