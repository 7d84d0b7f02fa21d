"""The chain-of-custody entries of the shown incident (or the whole notebook), and Verify."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.progress import CancelToken, Progress
from ui.context import UiContext
from ui.errors import message_for
from ui.i18n import ui_text as _t
from ui.models.custody import CustodyModel
from ui.widgets.table import record_table


class CustodyView(QWidget):
    changed = Signal()
    verified = Signal(str)  # the result line, for tests and the status bar

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._incident_id: int | None = None
        self.model = CustodyModel()
        self.table = record_table(self)
        self.table.setModel(self.model)
        self.table.setAccessibleName(_t("Custody log"))
        self.whole = QCheckBox(_t("Whole notebook"), self)
        self.whole.setAccessibleName(_t("Show the whole notebook's custody log"))
        self.whole.toggled.connect(self.refresh)
        self.verify_button = QPushButton(_t("Verify"), self)
        self.verify_button.setAccessibleName(_t("Verify the custody log"))
        self.verify_button.clicked.connect(self.verify)
        self.bar = QProgressBar(self)
        self.bar.setAccessibleName(_t("Verification progress"))
        self.bar.hide()
        self.result = QLabel(self)
        self.result.setTextFormat(Qt.TextFormat.PlainText)
        self.result.setAccessibleName(_t("Verification result"))
        self.result.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(self.whole)
        top.addStretch(1)
        top.addWidget(self.verify_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table)
        layout.addWidget(self.bar)
        layout.addWidget(self.result)

    def show_incident(self, incident_id: int | None) -> None:
        self._incident_id = incident_id
        self.refresh()

    def refresh(self) -> None:
        if self.whole.isChecked():
            self.model.set_rows(self._ctx.notebook.custody.entries(None))
        elif self._incident_id is None:
            self.model.set_rows([])
        else:
            self.model.set_rows(self._ctx.notebook.custody.entries(self._incident_id))

    def verify(self) -> None:
        custody = self._ctx.notebook.custody

        def job(progress: Progress, cancel: CancelToken) -> int:
            return custody.verify(progress)

        self.verify_button.setEnabled(False)
        self.bar.setRange(0, 0)
        self.bar.show()
        self.result.clear()
        self._ctx.workers.start(
            job, succeeded=self._verified, failed=self._failed, progress=self._progress
        )

    def _progress(self, done: int, total: int, stage: str) -> None:
        self.bar.setRange(0, max(total, 1))
        self.bar.setValue(done)

    def _verified(self, count: Any) -> None:
        self._finish(self.tr("%n entries verified, the chain is intact", "", int(count)))

    def _failed(self, exc: BaseException) -> None:
        text = message_for(exc)
        self._finish(text)
        self._ctx.dialogs.warn(self, text)

    def _finish(self, text: str) -> None:
        self.bar.hide()
        self.verify_button.setEnabled(True)
        self.result.setText(text)
        self.verified.emit(text)
