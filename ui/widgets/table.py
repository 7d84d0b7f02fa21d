"""The table every view shows its rows in: a QTableView the keyboard can leave.

QTableView's default moves Tab from cell to cell and never out of the table: a keyboard
user who tabs into the incident list or the evidence table is trapped there (found by
tests/ui/test_keyboard_only.py). Here Tab goes on to the next control, and the arrow
keys still move between rows."""

from __future__ import annotations

from PySide6.QtWidgets import QTableView, QWidget


def record_table(parent: QWidget) -> QTableView:
    table = QTableView(parent)
    table.setTabKeyNavigation(False)
    return table
