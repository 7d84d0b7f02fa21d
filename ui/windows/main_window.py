"""The main window: the incident list beside the selected incident, and a Lock button
that is always there (Ctrl+L).

Its title is "Carnet" and never names an incident. Closing it quits (the app locks
first); minimising locks when the person chose that.

A language change while unlocked rebuilds the list and the incident panel from the
notebook rather than retranslating each widget (KeePassXC's way, a retranslate method per
view): every label, header, vocabulary and tab a view builds is then in the new language,
including those of views added later that know nothing of it. What the person had set is
carried over: the search and filters, the sort, the selected incident, the tab, the
splitter, and the form's unsaved changes.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import QMainWindow, QSplitter, QToolBar

from ui.context import UiContext
from ui.dialogs import LOCK_KEYS
from ui.i18n import ui_text as _t
from ui.views.incident_list import IncidentListView
from ui.views.incident_panel import IncidentPanel

LIST_SHARE = 55  # per cent of the width, at first: the titles need the room
RETRY_MS = 100


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
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setChildrenCollapsible(False)
        self.setCentralWidget(self.splitter)
        self._build_views()
        self._sized = False

        self.toolbar = QToolBar(_t("Main"), self)
        self.toolbar.setObjectName("main-toolbar")
        self.toolbar.setMovable(False)
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.addToolBar(self.toolbar)
        self.new_action = self._action(_t("New incident"), QKeySequence.StandardKey.New)
        self.new_action.triggered.connect(lambda: self.panel.new_incident())
        self.settings_action = self._action(_t("Settings"), None)
        self.settings_action.triggered.connect(self.settings_requested)
        self.toolbar.addSeparator()
        self.lock_action = self._action(_t("Lock"), QKeySequence(LOCK_KEYS))
        self.lock_action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        self.lock_action.triggered.connect(lambda: self.lock_requested.emit("user"))

        self.resize(1180, 720)

    def _build_views(self) -> None:
        self._views_language = self.ctx.language
        self.incidents = IncidentListView(self.ctx, self.splitter)
        self.panel = IncidentPanel(self.ctx, self.splitter)
        self.splitter.insertWidget(0, self.incidents)
        self.splitter.insertWidget(1, self.panel)
        self.splitter.setStretchFactor(0, LIST_SHARE)
        self.splitter.setStretchFactor(1, 100 - LIST_SHARE)
        self.incidents.incident_chosen.connect(self.panel.show_incident)
        self.panel.saved.connect(self.incidents.refresh_and_select)
        self.panel.changed.connect(self.incidents.refresh)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._sized:  # the first time only: then it is the person's
            self._sized = True
            width = self.splitter.width()
            self.splitter.setSizes([width * LIST_SHARE // 100, width * (100 - LIST_SHARE) // 100])

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
        """The language changed while unlocked (the translators are already swapped):
        the window's own texts now, its views rebuilt as soon as no job is running."""
        self.ctx.language = language
        self.setWindowTitle(_t("Carnet"))
        self.setAccessibleName(_t("Carnet"))
        self.toolbar.setWindowTitle(_t("Main"))
        for action, text in (
            (self.new_action, _t("New incident")),
            (self.settings_action, _t("Settings")),
            (self.lock_action, _t("Lock")),
        ):
            action.setText(text)
            button = self.toolbar.widgetForAction(action)
            if button is not None:
                button.setAccessibleName(text)
        self._rebuild_views()

    def _rebuild_views(self) -> None:
        if self.ctx.workers.running or self.panel.has_unsaved_edits_beyond_details():
            # A job (an attach, a verification) reports to the view that started it; a
            # person or intervention being edited is saved or reverted first, never lost.
            QTimer.singleShot(RETRY_MS, self, self._rebuild_views)
            return
        if self.ctx.language == self._views_language:
            return
        old_list, old_panel = self.incidents, self.panel
        sizes = self.splitter.sizes()
        chosen, tab = self.panel.incident_id, self.panel.currentIndex()
        draft = self.panel.editor.draft()
        listed = old_list.state()
        for view in (old_list, old_panel):
            view.hide()
            view.setParent(None)
            view.deleteLater()
        self._build_views()
        self.incidents.restore(listed)
        self.panel.show_incident(chosen)
        if draft is not None:
            self.panel.editor.restore_draft(draft)
        self.panel.setCurrentIndex(tab)
        self.splitter.setSizes(sizes)

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
