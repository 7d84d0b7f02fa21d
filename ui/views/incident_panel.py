"""The selected incident, one tab per part of it: details, people and consent,
interventions, evidence, custody. Each tab is a view of ui/views/ following the same
contract (show_incident, a `changed` signal); the tabs after Details open once the
incident is saved. Views with a form take part in has_unsaved_changes/discard_edits.

Ctrl+PageDown and Ctrl+PageUp move between the tabs from anywhere inside them: QTabWidget
does this itself only when no child takes the key first, and the scrolling forms do."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QTabWidget, QWidget

from ui.context import UiContext
from ui.i18n import ui_text as _t
from ui.views.custody import CustodyView
from ui.views.evidence import EvidenceView
from ui.views.incident_editor import IncidentEditor
from ui.views.interventions import InterventionsView
from ui.views.people import PeopleView


class IncidentPanel(QTabWidget):
    changed = Signal()
    saved = Signal(int)

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(_t("Incident"))
        self.editor = IncidentEditor(ctx, self)
        self.people = PeopleView(ctx, self)
        self.interventions = InterventionsView(ctx, self)
        self.evidence = EvidenceView(ctx, self)
        self.custody = CustodyView(ctx, self)
        self.addTab(self.editor, _t("Details"))
        self.addTab(self.people, _t("People"))
        self.addTab(self.interventions, _t("Interventions"))
        self.addTab(self.evidence, _t("Evidence"))
        self.addTab(self.custody, _t("Custody"))
        self.editor.saved.connect(self._saved)
        for view in (self.editor, self.people, self.interventions, self.evidence, self.custody):
            view.changed.connect(self.changed)
        for keys, step in (("Ctrl+PgDown", 1), ("Ctrl+PgUp", -1)):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(lambda step=step: self.step_tab(step))
        self.ctx = ctx
        self.incident_id: int | None = None
        self.show_incident(None)

    def step_tab(self, step: int) -> None:
        """To the next (step 1) or previous (-1) enabled tab, round the end, with the
        keyboard focus on it."""
        index = self.currentIndex()
        for _ in range(self.count()):
            index = (index + step) % self.count()
            if self.isTabEnabled(index):
                self.setCurrentIndex(index)
                self.tabBar().setFocus(Qt.FocusReason.TabFocusReason)
                return

    def _linked_views(
        self,
    ) -> tuple[PeopleView | InterventionsView | EvidenceView | CustodyView, ...]:
        return (self.people, self.interventions, self.evidence, self.custody)

    def show_incident(self, incident_id: int | None) -> None:
        if (
            incident_id != self.incident_id
            and self.has_unsaved_changes()
            and not self.ctx.dialogs.confirm(
                self,
                _t("The incident has changes that are not saved. Discard them?"),
                _t("Discard changes"),
            )
        ):
            return
        self.incident_id = incident_id
        self.editor.show_incident(incident_id)
        for view in self._linked_views():
            view.show_incident(incident_id)
        for index in range(1, self.count()):
            self.setTabEnabled(index, incident_id is not None)

    def new_incident(self) -> None:
        self.show_incident(None)
        self.editor.new_incident()
        self.setCurrentWidget(self.editor)

    def _saved(self, incident_id: int) -> None:
        if incident_id != self.incident_id:
            self.incident_id = incident_id
            for view in self._linked_views():
                view.show_incident(incident_id)
            for index in range(1, self.count()):
                self.setTabEnabled(index, True)
        self.saved.emit(incident_id)

    def has_unsaved_changes(self) -> bool:
        return (
            self.editor.has_unsaved_changes()
            or self.people.has_unsaved_changes()
            or self.interventions.has_unsaved_changes()
        )

    def has_unsaved_edits_beyond_details(self) -> bool:
        """Unsaved edits a rebuild of the views could not carry over (only the Details
        form has a draft to restore)."""
        return self.people.has_unsaved_changes() or self.interventions.has_unsaved_changes()

    def discard_edits(self) -> None:
        self.editor.discard()
        self.people.discard_edits()
        self.interventions.discard_edits()
