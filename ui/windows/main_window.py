"""The main window: the incident list beside the selected incident, and a Lock button
that is always there (Ctrl+L).

Its title is "Carnet" and never names an incident. Closing it quits (the app locks
first); minimising locks when the person chose that.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QMainWindow, QSplitter, QToolBar

from ui.context import UiContext
from ui.dialogs import LOCK_KEYS
from ui.i18n import ui_text as _t
from ui.views.incident_list import IncidentListView
from ui.views.incident_panel import IncidentPanel


class MainWindow(QMainWindow):
    lock_requested = Signal(str)
    settings_requested = Signal()
    quit_requested = Signal()

    def __init__(self, ctx: UiContext, lock_on_minimise: bool = False) -> None:
        super().__init__()
        self.ctx = ctx
        self.lock_on_minimise = lock_on_minimise
        self.setWindowTitle(_t("Carnet"))
        self.setAccessibleName(_t("Carnet"))
        self.incidents = IncidentListView(ctx, self)
        self.panel = IncidentPanel(ctx, self)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self.incidents)
        splitter.addWidget(self.panel)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setChildrenCollapsible(False)
        self.setCentralWidget(splitter)

        self.toolbar = QToolBar(_t("Main"), self)
        self.toolbar.setObjectName("main-toolbar")
        self.toolbar.setMovable(False)
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.addToolBar(self.toolbar)
        self.new_action = self._action(_t("New incident"), QKeySequence.StandardKey.New)
        self.new_action.triggered.connect(self.panel.new_incident)
        self.settings_action = self._action(_t("Settings"), None)
        self.settings_action.triggered.connect(self.settings_requested)
        self.toolbar.addSeparator()
        self.lock_action = self._action(_t("Lock"), QKeySequence(LOCK_KEYS))
        self.lock_action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        self.lock_action.triggered.connect(lambda: self.lock_requested.emit("user"))

        self.incidents.incident_chosen.connect(self.panel.show_incident)
        self.panel.saved.connect(self.incidents.refresh_and_select)
        self.panel.changed.connect(self.incidents.refresh)
        self.resize(1180, 720)

    def _action(self, text: str, keys: QKeySequence | QKeySequence.StandardKey | None) -> QAction:
        action = QAction(text, self)
        if keys is not None:
            action.setShortcut(keys)
        self.toolbar.addAction(action)
        button = self.toolbar.widgetForAction(action)
        if button is not None:
            button.setAccessibleName(text)
        return action

    def retranslate(self, language: str) -> None:
        """The language changed while unlocked: vocabularies and labels follow on the
        next unlock; the window's own actions follow now."""
        self.ctx.language = language
        self.new_action.setText(_t("New incident"))
        self.settings_action.setText(_t("Settings"))
        self.lock_action.setText(_t("Lock"))

    def has_unsaved_changes(self) -> bool:
        return self.panel.has_unsaved_changes()

    def discard_edits(self) -> None:
        self.panel.discard_edits()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if (
            event.type() == QEvent.Type.WindowStateChange
            and self.isMinimized()
            and self.lock_on_minimise
        ):
            self.lock_requested.emit("minimise")

    def closeEvent(self, event: QCloseEvent) -> None:
        if (
            self.isVisible()
            and self.has_unsaved_changes()
            and not self.ctx.dialogs.confirm(
                self, _t("The incident has changes that are not saved. Quit anyway?"), _t("Quit")
            )
        ):
            event.ignore()
            return
        event.accept()
        if self.isVisible():
            self.quit_requested.emit()
