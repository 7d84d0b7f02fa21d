"""The first-run wizard: language, passphrase, safety options, creation, recovery key.

The wizard only gathers choices and shows what the core reports; the controller
(ui/app.py) runs the creation in a worker. The recovery key is shown once, has no copy
button (a clipboard is read by other programs), and must be confirmed by retyping one of
its groups before the wizard can finish.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from ui.i18n import LANGUAGE_NAMES
from ui.i18n import ui_text as _t
from ui.widgets.busy import BusyBar
from ui.widgets.secret_field import SecretField
from ui.widgets.strength import StrengthHint


@dataclass(frozen=True, repr=False)
class VaultChoices:
    """What the person chose. Never printed: the repr names nothing."""

    passphrase: str = field(repr=False)
    duress_passphrase: str | None = field(repr=False)
    wipe_after: int

    def __repr__(self) -> str:
        return "VaultChoices()"


def _wrapped(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


class LanguagePage(QWizardPage):
    language_chosen = Signal(str)

    def __init__(self, current: str) -> None:
        super().__init__()
        self.setTitle(_t("Choose your language"))
        self.languages = QListWidget(self)
        self.languages.setAccessibleName(_t("Language"))
        for code, name in LANGUAGE_NAMES.items():
            item = QListWidgetItem(name, self.languages)
            item.setData(Qt.ItemDataRole.UserRole, code)
            if code == current:
                self.languages.setCurrentItem(item)
        self.languages.currentItemChanged.connect(self._chosen)
        layout = QVBoxLayout(self)
        layout.addWidget(_wrapped(_t("You can change it later in Settings."), self))
        layout.addWidget(self.languages)

    def _chosen(self, item: QListWidgetItem | None) -> None:
        if item is not None:
            self.language_chosen.emit(str(item.data(Qt.ItemDataRole.UserRole)))


class PassphrasePage(QWizardPage):
    def __init__(self, min_chars: int, keyring_available: bool) -> None:
        super().__init__()
        self.min_chars = min_chars
        self.setTitle(_t("Choose a passphrase"))
        self.first = SecretField(_t("Passphrase"), self)
        self.second = SecretField(_t("Passphrase again"), self)
        self.strength = StrengthHint(self)
        self.problem = _wrapped("", self)
        self.problem.setAccessibleName(_t("Passphrase problem"))
        form = QFormLayout()
        form.addRow(_t("Passphrase"), self.first)
        form.addRow(_t("Again"), self.second)
        layout = QVBoxLayout(self)
        layout.addWidget(
            _wrapped(
                _t(
                    "It protects everything in the notebook. Use at least {n} characters: "
                    "several unusual words are easier to remember and harder to guess. "
                    "If you forget it, only the recovery key can open the notebook."
                ).format(n=min_chars),
                self,
            )
        )
        layout.addLayout(form)
        layout.addWidget(self.strength)
        layout.addWidget(self.problem)
        layout.addWidget(_wrapped(keyring_line(keyring_available), self))
        self.first.textChanged.connect(self.strength.text_changed)
        self.first.textChanged.connect(self._changed)
        self.second.textChanged.connect(self._changed)

    def _changed(self) -> None:
        first, second = self.first.text(), self.second.text()
        if first and len(first) < self.min_chars:
            self.problem.setText(_t("At least {n} characters.").format(n=self.min_chars))
        elif second and first != second:
            self.problem.setText(_t("The two passphrases are not the same."))
        else:
            self.problem.setText("")
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        first = self.first.text()
        return len(first) >= self.min_chars and first == self.second.text()


def keyring_line(available: bool) -> str:
    if available:
        return _t(
            "This computer's keyring will hold one part of the key. Someone who copies "
            "the notebook to another computer cannot open it even with your passphrase; "
            "on a new computer you will need the recovery key."
        )
    return _t(
        "This computer has no keyring Carnet can use, so the passphrase alone opens "
        "the notebook. Choose a long one."
    )


class SafetyPage(QWizardPage):
    """The two options a defender should decide on before a checkpoint, not at one."""

    def __init__(self, min_chars: int, max_wipe_after: int) -> None:
        super().__init__()
        self.min_chars = min_chars
        self.setTitle(_t("Safety options (you can skip them)"))
        self.use_duress = QCheckBox(_t("Set a duress passphrase"), self)
        self.duress = SecretField(_t("Duress passphrase"), self)
        self.duress_again = SecretField(_t("Duress passphrase again"), self)
        self.use_wipe = QCheckBox(_t("Wipe the notebook after failed unlocks"), self)
        self.wipe_after = QSpinBox(self)
        self.wipe_after.setRange(1, max_wipe_after)
        self.wipe_after.setValue(10)
        self.wipe_after.setAccessibleName(_t("Failed unlocks before the wipe"))
        self.problem = _wrapped("", self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.use_duress)
        layout.addWidget(
            _wrapped(
                _t(
                    "If someone forces you to unlock, type the duress passphrase instead. "
                    "Carnet then erases everything in the notebook, without any sign, and "
                    "opens an empty notebook. What was erased cannot be brought back."
                ),
                self,
            )
        )
        duress_form = QFormLayout()
        duress_form.addRow(_t("Duress passphrase"), self.duress)
        duress_form.addRow(_t("Again"), self.duress_again)
        layout.addLayout(duress_form)
        layout.addWidget(self.use_wipe)
        layout.addWidget(
            _wrapped(
                _t(
                    "After this many wrong passphrases in a row, Carnet erases the "
                    "notebook. A person guessing cannot try for long, but neither can you: "
                    "keep your recovery key safe."
                ),
                self,
            )
        )
        wipe_form = QFormLayout()
        wipe_form.addRow(_t("Failed unlocks"), self.wipe_after)
        layout.addLayout(wipe_form)
        layout.addWidget(self.problem)
        for widget in (self.duress, self.duress_again, self.wipe_after):
            widget.setEnabled(False)
        self.use_duress.toggled.connect(self.duress.setEnabled)
        self.use_duress.toggled.connect(self.duress_again.setEnabled)
        self.use_wipe.toggled.connect(self.wipe_after.setEnabled)
        for signal in (self.use_duress.toggled, self.duress.textChanged):
            signal.connect(self._changed)
        self.duress_again.textChanged.connect(self._changed)

    def _changed(self) -> None:
        self.problem.setText(self._problem() or "")
        self.completeChanged.emit()

    def _problem(self) -> str | None:
        if not self.use_duress.isChecked():
            return None
        first, second = self.duress.text(), self.duress_again.text()
        if len(first) < self.min_chars:
            return _t("At least {n} characters.").format(n=self.min_chars)
        if first != second:
            return _t("The two passphrases are not the same.")
        passphrase = self.field_passphrase()
        if passphrase is not None and first == passphrase:
            return _t("The duress passphrase must differ from your passphrase.")
        return None

    def field_passphrase(self) -> str | None:
        wizard = self.wizard()
        return wizard.passphrase_page.first.text() if isinstance(wizard, FirstRunWizard) else None

    def isComplete(self) -> bool:
        return self._problem() is None


class CreatingPage(QWizardPage):
    """Shown while the key derivation runs; the wizard's buttons are off meanwhile."""

    def __init__(self) -> None:
        super().__init__()
        self.setTitle(_t("Creating your notebook"))
        self.busy = BusyBar(self)
        self.status = _wrapped(_t("Deriving the key from your passphrase…"), self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(self.busy)
        self.created = False

    def isComplete(self) -> bool:
        return self.created


class RecoveryKeyPage(QWizardPage):
    save_requested = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.setTitle(_t("Your recovery key"))
        self.key = QLabel("", self)
        self.key.setTextFormat(Qt.TextFormat.PlainText)
        self.key.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.key.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        self.key.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        self.key.setAccessibleName(_t("Recovery key"))
        self.save_button = QPushButton(_t("Save to file…"), self)
        self.save_button.setAccessibleName(_t("Save the recovery key to a file"))
        self.save_button.clicked.connect(self.save_requested)
        self.confirm = QLineEdit(self)
        self.confirm.setAccessibleName(_t("Group to retype"))
        self.confirm.textChanged.connect(self.completeChanged)
        self.confirm_label = _wrapped("", self)
        layout = QVBoxLayout(self)
        layout.addWidget(
            _wrapped(
                _t(
                    "Write this key down on paper and keep it apart from this computer. "
                    "It opens the notebook if you forget your passphrase or lose this "
                    "computer. It is shown only now."
                ),
                self,
            )
        )
        layout.addWidget(self.key)
        layout.addWidget(self.save_button)
        layout.addWidget(self.confirm_label)
        layout.addWidget(self.confirm)
        self._groups: list[str] = []
        self._asked = 0

    def show_key(self, key: str) -> None:
        self._groups = key.split("-")
        self._asked = secrets.randbelow(len(self._groups))
        self.key.setText(key)
        self.confirm_label.setText(
            _t("To check you wrote it down, type group number {n}:").format(n=self._asked + 1)
        )

    def isComplete(self) -> bool:
        if not self._groups:
            return False
        typed = self.confirm.text().strip().upper()
        return typed == self._groups[self._asked].upper()

    def forget(self) -> None:
        self.key.clear()
        self._groups = []
        self.confirm.clear()


class FirstRunWizard(QWizard):
    """Pages in order; the controller listens to `create_requested` and answers with
    `creation_succeeded(recovery_key)` or `creation_failed(message)`."""

    create_requested = Signal(object)  # VaultChoices
    language_chosen = Signal(str)
    save_key_requested = Signal(str)

    def __init__(
        self, language: str, min_chars: int, max_wipe_after: int, keyring_available: bool
    ) -> None:
        super().__init__()
        self.setWindowTitle(_t("Carnet — new notebook"))
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.language_page = LanguagePage(language)
        self.passphrase_page = PassphrasePage(min_chars, keyring_available)
        self.safety_page = SafetyPage(min_chars, max_wipe_after)
        self.creating_page = CreatingPage()
        self.key_page = RecoveryKeyPage()
        for page in (
            self.language_page,
            self.passphrase_page,
            self.safety_page,
            self.creating_page,
            self.key_page,
        ):
            self.addPage(page)
        self.language_page.language_chosen.connect(self.language_chosen)
        self.key_page.save_requested.connect(self._save_key)
        self.currentIdChanged.connect(self._entered)
        self.resize(620, 480)

    def _entered(self, page_id: int) -> None:
        if self.page(page_id) is self.creating_page and not self.creating_page.created:
            self._set_inputs_enabled(False)
            self.creating_page.busy.show()
            self.create_requested.emit(self.choices())

    def choices(self) -> VaultChoices:
        safety = self.safety_page
        return VaultChoices(
            passphrase=self.passphrase_page.first.text(),
            duress_passphrase=safety.duress.text() if safety.use_duress.isChecked() else None,
            wipe_after=safety.wipe_after.value() if safety.use_wipe.isChecked() else 0,
        )

    def _set_inputs_enabled(self, enabled: bool) -> None:
        for which in (QWizard.WizardButton.BackButton, QWizard.WizardButton.CancelButton):
            self.button(which).setEnabled(enabled)

    def creation_succeeded(self, recovery_key: str) -> None:
        for secret in (
            self.safety_page.duress,
            self.safety_page.duress_again,
            self.passphrase_page.second,
        ):
            secret.clear()
        self.creating_page.busy.hide()
        self.creating_page.created = True
        self.creating_page.status.setText(_t("Your notebook is ready."))
        self.key_page.show_key(recovery_key)
        self.next()
        # The key is read above it; the keyboard goes straight to where the group is typed.
        self.key_page.confirm.setFocus(Qt.FocusReason.OtherFocusReason)

    def creation_failed(self, message: str) -> None:
        self.creating_page.busy.hide()
        self._set_inputs_enabled(True)
        self.creating_page.status.setText(message)

    def take_passphrase(self) -> str:
        """The passphrase, for the unlock that follows; the field is emptied."""
        return self.passphrase_page.first.take()

    def _save_key(self) -> None:
        self.save_key_requested.emit(self.key_page.key.text())
