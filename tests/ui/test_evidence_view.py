"""EvidenceView on a real vault: attach, cancel, delete-source refused, drop, preview, copy."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent, QImage
from PySide6.QtTest import QAbstractItemModelTester

from app.models import IncidentInput
from tests.conftest import CarnetEnv
from ui.context import UiContext
from ui.views.evidence import EvidenceView


def _view(qtbot: object, ctx: UiContext) -> tuple[EvidenceView, int]:
    incident = ctx.notebook.incidents.add(IncidentInput(title="Raid"))
    view = EvidenceView(ctx)
    qtbot.addWidget(view)  # type: ignore[attr-defined]
    view.show_incident(incident)
    return view, incident


def _blobs(ctx: UiContext) -> set[str]:
    root = ctx.notebook.session.paths.blobs
    return {str(p) for p in root.rglob("*") if p.is_file() and not p.name.startswith(".")}


def _png(path: Path) -> Path:
    image = QImage(40, 30, QImage.Format.Format_RGB32)
    image.fill(Qt.GlobalColor.red)
    assert image.save(str(path), "PNG")
    return path


def test_attach_through_the_button(qtbot: object, ui_ctx: UiContext, tmp_path: Path) -> None:
    view, _ = _view(qtbot, ui_ctx)
    source = tmp_path / "note.txt"
    source.write_bytes(b"evidence " * 1000)
    seen: list[tuple[int, int]] = []
    view.bar.valueChanged.connect(lambda v: seen.append((v, view.bar.maximum())))
    ui_ctx.dialogs.answer_next([source])
    with qtbot.waitSignal(view.attached, timeout=10000):  # type: ignore[attr-defined]
        view.attach_button.click()
    assert view.model.rowCount() == 1
    assert view.results.item(0).text() == "note.txt: attached"
    assert seen and seen[-1][0] == seen[-1][1]
    QAbstractItemModelTester(view.model, QAbstractItemModelTester.FailureReportingMode.Fatal)


def test_cancel_leaves_no_row_and_no_blob(qtbot: object, ui_ctx: UiContext, tmp_path: Path) -> None:
    view, _ = _view(qtbot, ui_ctx)
    big = tmp_path / "big.bin"
    big.write_bytes(os.urandom(8 * 1024 * 1024))
    before = _blobs(ui_ctx)
    view.bar.valueChanged.connect(lambda _v: view.cancel_button.click())
    with qtbot.waitSignal(view.attached, timeout=20000) as blocker:  # type: ignore[attr-defined]
        view.attach_paths([big])
    assert blocker.args[0][0].attachment is None
    assert view.model.rowCount() == 0
    assert _blobs(ui_ctx) == before
    assert "failed" in view.results.item(0).text()


def test_delete_source_refused_keeps_everything(
    qtbot: object, ui_ctx: UiContext, tmp_path: Path
) -> None:
    view, _ = _view(qtbot, ui_ctx)
    source = tmp_path / "keep.txt"
    source.write_bytes(b"x")
    ui_ctx.dialogs.answer_next([source], False)
    view.attach_delete_button.click()
    assert source.exists()
    assert ui_ctx.workers.running == 0 and view.model.rowCount() == 0
    assert "not guaranteed" in ui_ctx.dialogs.shown[-1]


def test_drop_of_local_files_attaches(qtbot: object, ui_ctx: UiContext, tmp_path: Path) -> None:
    view, _ = _view(qtbot, ui_ctx)
    source = tmp_path / "dropped.txt"
    source.write_bytes(b"dropped")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(source))])
    event = QDropEvent(
        QPointF(QPoint(5, 5)),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    with qtbot.waitSignal(view.attached, timeout=10000):  # type: ignore[attr-defined]
        view.dropEvent(event)
    assert view.model.attachment(0) is not None
    assert view.model.attachment(0).original_name == "dropped.txt"  # type: ignore[union-attr]


def test_preview_shows_a_pixmap_and_writes_nothing(
    carnet_env: CarnetEnv, qtbot: object, ui_ctx: UiContext, tmp_path: Path
) -> None:
    # carnet_env: HOME and TMPDIR are this test's own (under tmp_path), so the snapshot
    # is of what the app could write, not of the real HOME that other processes change.
    view, incident = _view(qtbot, ui_ctx)
    png = _png(tmp_path / "photo.png")
    ui_ctx.notebook.attachments.attach(incident, [png])
    png.unlink()
    view.refresh()
    watched = [Path(os.environ.get(k, "/nonexistent")) for k in ("HOME", "TMPDIR")] + [tmp_path]
    snapshot = {str(p) for root in watched if root.exists() for p in root.rglob("*")}
    with qtbot.waitSignal(view.preview_ready, timeout=10000):  # type: ignore[attr-defined]
        view.select_row(0)
    assert not view.preview.pixmap().isNull()
    after = {str(p) for root in watched if root.exists() for p in root.rglob("*")}
    assert after == snapshot


def test_save_a_copy_round_trips(qtbot: object, ui_ctx: UiContext, tmp_path: Path) -> None:
    view, incident = _view(qtbot, ui_ctx)
    source = tmp_path / "doc.bin"
    source.write_bytes(os.urandom(100_000))
    ui_ctx.notebook.attachments.attach(incident, [source])
    view.refresh()
    view.select_row(0)
    target = tmp_path / "copy.bin"
    ui_ctx.dialogs.answer_next(target)
    view.save_button.click()
    qtbot.waitUntil(lambda: target.exists() and view.bar.isHidden(), timeout=10000)  # type: ignore[attr-defined]
    assert target.read_bytes() == source.read_bytes()


def test_strip_of_a_jpeg_adds_a_row(qtbot: object, ui_ctx: UiContext, tmp_path: Path) -> None:
    view, incident = _view(qtbot, ui_ctx)
    jpeg = tmp_path / "p.jpg"
    image = QImage(20, 20, QImage.Format.Format_RGB32)
    image.fill(Qt.GlobalColor.blue)
    assert image.save(str(jpeg), "JPG")
    ui_ctx.notebook.attachments.attach(incident, [jpeg])
    view.refresh()
    view.select_row(0)
    view.strip_button.click()
    qtbot.waitUntil(lambda: view.model.rowCount() == 2, timeout=10000)  # type: ignore[attr-defined]
    copy = view.model.attachment(1)
    assert copy is not None and copy.derived_from is not None


def test_delete_is_confirmed(qtbot: object, ui_ctx: UiContext, tmp_path: Path) -> None:
    view, incident = _view(qtbot, ui_ctx)
    source = tmp_path / "d.txt"
    source.write_bytes(b"d")
    ui_ctx.notebook.attachments.attach(incident, [source])
    view.refresh()
    view.select_row(0)
    ui_ctx.dialogs.answer_next(False)
    view.delete_button.click()
    assert view.model.rowCount() == 1
    view.select_row(0)
    ui_ctx.dialogs.answer_next(True)
    view.delete_button.click()
    assert view.model.rowCount() == 0
