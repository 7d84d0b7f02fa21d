"""The evidence files of the shown incident: attach (button, Ctrl+Shift+A, drag and drop),
preview images in memory only, save a copy, make a stripped copy, delete.

Every long step runs in a worker through app/ services; no plaintext reaches the disk
but the copy the user asks to save (app/ writes it to a temp name beside the target).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QLocale, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QImage, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.models import Attachment, AttachOutcome
from app.progress import CancelToken, Progress
from ui.context import UiContext
from ui.errors import message_for
from ui.i18n import ui_text as _t
from ui.models.attachments import AttachmentsModel
from ui.views.evidence_text import result_line
from ui.widgets.flow_layout import FlowLayout
from ui.widgets.table import record_table
from ui.workers import Worker

PREVIEW_CAP = 64 * 1024 * 1024
PREVIEW_SIZE = 320


class EvidenceView(QWidget):
    changed = Signal()
    attached = Signal(list)  # the AttachOutcomes of a finished attach
    preview_ready = Signal()

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._incident_id: int | None = None
        self._job: Worker | None = None
        self.setAcceptDrops(True)
        self.model = AttachmentsModel()
        self.table = record_table(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAccessibleName(_t("Evidence files"))
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._selected())
        self.attach_button = self._button(_t("Attach files…"), self.attach_files)
        self.attach_delete_button = self._button(
            _t("Attach and delete the originals…"), self.attach_and_delete
        )
        self.save_button = self._button(_t("Save a copy as…"), self.save_copy)
        self.strip_button = self._button(_t("Make a shareable copy without metadata"), self.strip)
        self.delete_button = self._button(_t("Delete…"), self.delete)
        self.cancel_button = self._button(_t("Cancel"), self.cancel)
        self.cancel_button.hide()
        shortcut = QShortcut(QKeySequence("Ctrl+Shift+A"), self)
        shortcut.activated.connect(self.attach_files)
        self.bar = QProgressBar(self)
        self.bar.setAccessibleName(_t("Progress"))
        self.bar.hide()
        self.results = QListWidget(self)
        self.results.setAccessibleName(_t("Results of the last attach"))
        self.preview = QLabel(self)
        self.preview.setTextFormat(Qt.TextFormat.PlainText)
        self.preview.setAccessibleName(_t("Preview"))
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setMinimumSize(PREVIEW_SIZE // 2, PREVIEW_SIZE // 2)
        # The buttons wrap onto a second line rather than widen the window (French).
        button_bar = QWidget(self)
        buttons = FlowLayout(button_bar)
        for button in (
            self.attach_button,
            self.attach_delete_button,
            self.save_button,
            self.strip_button,
            self.delete_button,
        ):
            buttons.addWidget(button)
        middle = QHBoxLayout()
        middle.addWidget(self.table, 3)
        middle.addWidget(self.preview, 2)
        progress_row = QHBoxLayout()
        progress_row.addWidget(self.bar, 1)
        progress_row.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addWidget(button_bar)
        layout.addLayout(middle, 1)
        layout.addLayout(progress_row)
        layout.addWidget(self.results)
        self._update_buttons()

    def _button(self, text: str, slot: Any) -> QPushButton:
        button = QPushButton(text, self)
        button.setAccessibleName(text.rstrip("…"))
        button.clicked.connect(slot)
        return button

    # -- the contract ----------------------------------------------------------------
    def show_incident(self, incident_id: int | None) -> None:
        self._incident_id = incident_id
        self.results.clear()
        self.refresh()

    def refresh(self) -> None:
        rows = (
            []
            if self._incident_id is None
            else self._ctx.notebook.attachments.list_for(self._incident_id)
        )
        self.model.set_rows(rows)
        self._clear_preview()
        self._update_buttons()

    def current(self) -> Attachment | None:
        index = self.table.currentIndex()
        return self.model.attachment(index.row()) if index.isValid() else None

    def select_row(self, row: int) -> None:
        self.table.selectRow(row)

    # -- attaching -------------------------------------------------------------------
    def attach_files(self) -> None:
        if self._incident_id is None or self._job is not None:
            return
        paths = self._ctx.dialogs.open_files(self, _t("Attach files"))
        if paths:
            self.attach_paths(paths)

    def attach_and_delete(self) -> None:
        if self._incident_id is None or self._job is not None:
            return
        paths = self._ctx.dialogs.open_files(self, _t("Attach and delete the originals"))
        if not paths:
            return
        question = _t(
            "Each file is encrypted into the notebook, checked, and then its original is "
            "overwritten and deleted. This cannot be undone.\n\n"
            "On SSDs, USB sticks and journaled file systems, overwriting is not guaranteed "
            "to remove every trace of the original."
        )
        if self._ctx.dialogs.confirm(self, question, _t("Attach and delete")):
            self.attach_paths(paths, delete_source=True)

    def attach_paths(self, paths: list[Path], *, delete_source: bool = False) -> None:
        incident_id = self._incident_id
        if incident_id is None or self._job is not None:
            return
        service = self._ctx.notebook.attachments

        def job(progress: Progress, cancel: CancelToken) -> list[AttachOutcome]:
            return service.attach(
                incident_id, paths, delete_source=delete_source, progress=progress, cancel=cancel
            )

        self.results.clear()
        self._begin(cancellable=True)
        self._job = self._ctx.workers.start(
            job, succeeded=self._attached, failed=self._failed, progress=self._progress
        )

    def _attached(self, outcomes: Any) -> None:
        self._end()
        for outcome in outcomes:
            self.results.addItem(result_line(outcome))
        self.refresh()
        if any(outcome.attachment is not None for outcome in outcomes):
            self.changed.emit()
        self.attached.emit(list(outcomes))

    def cancel(self) -> None:
        if self._job is not None:
            self._job.cancel()

    # -- drag and drop ---------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        urls = event.mimeData().urls()
        if self._incident_id is not None and urls and all(u.isLocalFile() for u in urls):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        urls = event.mimeData().urls()
        paths = [Path(url.toLocalFile()) for url in urls if url.isLocalFile()]
        if self._incident_id is None or not paths or self._job is not None:
            event.ignore()
            return
        event.acceptProposedAction()
        self.attach_paths(paths)

    # -- the selected file -----------------------------------------------------------
    def _selected(self) -> None:
        self._update_buttons()
        item = self.current()
        self._clear_preview()
        if item is None:
            return
        if not item.media_type.startswith("image/") or item.size > PREVIEW_CAP:
            self.preview.setText(_t("No preview"))
            return
        service = self._ctx.notebook.attachments
        attachment_id = item.id

        def job(progress: Progress, cancel: CancelToken) -> QImage:
            data = bytearray()
            for chunk in service.chunks(attachment_id):
                cancel.raise_if_cancelled()
                data += chunk
                if len(data) > PREVIEW_CAP:
                    return QImage()
            image = QImage.fromData(bytes(data))
            data[:] = b"\0" * len(data)
            if image.isNull():
                return image
            return image.scaled(
                PREVIEW_SIZE,
                PREVIEW_SIZE,
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )

        self.preview.setText(_t("Loading…"))
        self._ctx.workers.start(
            job,
            succeeded=lambda image: self._show_preview(attachment_id, image),
            failed=self._preview_failed,
        )

    def _show_preview(self, attachment_id: int, image: Any) -> None:
        item = self.current()
        if item is None or item.id != attachment_id:
            return
        if image.isNull():
            self.preview.setText(_t("No preview"))
        else:
            # fromImage, never QPixmap.load/find: nothing goes through QPixmapCache.
            self.preview.setPixmap(QPixmap.fromImage(image))
        self.preview_ready.emit()

    def _preview_failed(self, exc: BaseException) -> None:
        self.preview.setText(_t("No preview"))
        self._ctx.dialogs.warn(self, message_for(exc))
        self.preview_ready.emit()

    def _clear_preview(self) -> None:
        self.preview.clear()

    def save_copy(self) -> None:
        item = self.current()
        if item is None or self._job is not None:
            return
        target = self._ctx.dialogs.save_file(self, _t("Save a copy as"), item.original_name)
        if target is None:
            return
        service = self._ctx.notebook.attachments
        attachment_id = item.id

        def job(progress: Progress, cancel: CancelToken) -> Path:
            return service.extract(attachment_id, target, progress=progress, cancel=cancel)

        self._begin(cancellable=True)
        self._job = self._ctx.workers.start(
            job, succeeded=self._saved, failed=self._failed, progress=self._progress
        )

    def _saved(self, path: Any) -> None:
        self._end()
        self.results.clear()
        self.results.addItem(_t("Saved a copy: {name}").format(name=Path(path).name))
        self.changed.emit()

    def strip(self) -> None:
        item = self.current()
        if item is None or self._job is not None:
            return
        service = self._ctx.notebook.attachments
        attachment_id = item.id

        def job(progress: Progress, cancel: CancelToken) -> Attachment:
            return service.strip(attachment_id)

        self._begin(cancellable=False)
        self._job = self._ctx.workers.start(job, succeeded=self._stripped, failed=self._failed)

    def _stripped(self, copy: Any) -> None:
        self._end()
        self.refresh()
        self.results.clear()
        self.results.addItem(
            _t("Made a copy without metadata: {name}").format(name=copy.original_name)
        )
        self.changed.emit()

    def delete(self) -> None:
        item = self.current()
        if item is None or self._job is not None:
            return
        question = _t(
            "Delete this file from the notebook? Its stripped copy, if any, is deleted too. "
            "This cannot be undone."
        )
        if not self._ctx.dialogs.confirm(self, question, _t("Delete")):
            return
        try:
            self._ctx.notebook.attachments.delete(item.id)
        except Exception as exc:
            self._ctx.dialogs.warn(self, message_for(exc))
        self.refresh()
        self.changed.emit()

    # -- progress --------------------------------------------------------------------
    def _begin(self, *, cancellable: bool) -> None:
        self.bar.setRange(0, 0)
        self.bar.setFormat("")
        self.bar.show()
        self.cancel_button.setVisible(cancellable)
        self._update_buttons(busy=True)

    def _progress(self, done: int, total: int, stage: str) -> None:
        locale = QLocale()
        self.bar.setRange(0, 1000)
        self.bar.setValue(0 if total <= 0 else int(done * 1000 / total))
        self.bar.setFormat(
            _t("{done} of {total}").format(
                done=locale.formattedDataSize(done), total=locale.formattedDataSize(total)
            )
        )

    def _failed(self, exc: BaseException) -> None:
        self._end()
        self.refresh()
        self._ctx.dialogs.warn(self, message_for(exc))

    def _end(self) -> None:
        self._job = None
        self.bar.hide()
        self.cancel_button.hide()
        self._update_buttons()

    def _update_buttons(self, busy: bool | None = None) -> None:
        busy = self._job is not None if busy is None else busy
        open_incident = self._incident_id is not None and not busy
        selected = open_incident and self.current() is not None
        self.attach_button.setEnabled(open_incident)
        self.attach_delete_button.setEnabled(open_incident)
        for button in (self.save_button, self.strip_button, self.delete_button):
            button.setEnabled(selected)
