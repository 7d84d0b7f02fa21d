"""The table every view shows its rows in: a QTableView the keyboard can leave.

QTableView's default moves Tab from cell to cell and never out of the table: a keyboard
user who tabs into the incident list or the evidence table is trapped there (found by
tests/ui/test_keyboard_only.py). Here Tab goes on to the next control, and the arrow
keys still move between rows.

`point_at` selects a row the way a click does. QTableView.selectRow picks the column at
the viewport's far edge in right-to-left layouts, where there can be none, and then
selects nothing: in Arabic the selected incident or file would silently be lost."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QModelIndex
from PySide6.QtWidgets import QTableView, QWidget


def record_table(parent: QWidget) -> QTableView:
    table = QTableView(parent)
    table.setTabKeyNavigation(False)
    return table


def point_at(table: QTableView, row: int | None) -> None:
    """Make `row` current and selected (None: nothing selected)."""
    model = table.model()
    if row is None or not 0 <= row < model.rowCount():
        table.clearSelection()
        table.setCurrentIndex(QModelIndex())
        return
    flags = (
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
    )
    table.selectionModel().setCurrentIndex(model.index(row, 0), flags)
