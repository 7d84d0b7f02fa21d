"""Every piece of text the live widgets, their models and the accessibility tree hold:
what a lock must have emptied of the notebook, and what an onlooker could read."""

from __future__ import annotations

from collections.abc import Iterator

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractListModel,
    QAbstractTableModel,
    QModelIndex,
    QObject,
    Qt,
)
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QCompleter,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

_TEXT_ROLES = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.EditRole)


def model_text(model: QAbstractItemModel, parent: QModelIndex | None = None) -> Iterator[str]:
    parent = parent or QModelIndex()
    flat = isinstance(model, (QAbstractListModel, QAbstractTableModel))
    columns = 1 if isinstance(model, QAbstractListModel) else model.columnCount(parent)
    for row in range(model.rowCount(parent)):
        for column in range(columns):
            index = model.index(row, column, parent)
            for role in _TEXT_ROLES:
                value = model.data(index, role)
                if value is not None:
                    yield str(value)
            if not flat and column == 0 and model.rowCount(index) > 0:
                yield from model_text(model, index)


def widget_text(widget: QWidget) -> Iterator[str]:
    yield widget.windowTitle()
    yield widget.accessibleName()
    yield widget.accessibleDescription()
    yield widget.toolTip()
    yield widget.statusTip()
    yield widget.whatsThis()
    if isinstance(widget, (QLabel, QAbstractButton)):
        yield widget.text()
    if isinstance(widget, QLineEdit):
        yield widget.text()
        yield widget.placeholderText()
        if widget.completer() is not None:
            yield from _completer_text(widget.completer())
    if isinstance(widget, (QPlainTextEdit, QTextEdit)):
        yield widget.toPlainText()
    if isinstance(widget, QComboBox):
        yield from (widget.itemText(i) for i in range(widget.count()))
    if isinstance(widget, QAbstractItemView) and widget.model() is not None:
        yield from model_text(widget.model())


def _completer_text(completer: QCompleter) -> Iterator[str]:
    model = completer.model()
    if model is not None:
        yield from model_text(model)


def all_text() -> list[str]:
    """Text of every widget alive in the application, shown or not."""
    texts: list[str] = []
    for widget in QApplication.allWidgets():
        texts.extend(t for t in widget_text(widget) if t)
    for model in _live_models():
        texts.extend(model_text(model))
    return texts


def _live_models() -> Iterator[QAbstractItemModel]:
    seen: set[int] = set()
    for widget in QApplication.allWidgets():
        for child in widget.findChildren(QObject):
            if isinstance(child, QAbstractItemModel) and id(child) not in seen:
                seen.add(id(child))
                yield child


def accessible_text(widget: QObject) -> list[str]:
    """The accessibility tree under a window (or the whole application's, given the
    QApplication), as a screen reader would read it."""
    root = QAccessible.queryAccessibleInterface(widget)
    texts: list[str] = []
    stack = [root] if root is not None else []
    while stack:
        node = stack.pop()
        for kind in (QAccessible.Text.Name, QAccessible.Text.Description, QAccessible.Text.Value):
            value = node.text(kind)
            if value:
                texts.append(value)
        stack.extend(node.child(i) for i in range(node.childCount()) if node.child(i) is not None)
    return texts
