"""The People and Interventions tabs in every language: stretched strings clip no label
or button, and Arabic lays the forms out right to left (labels on the right)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFormLayout
from pytestqt.qtbot import QtBot

from app.models import ConsentInput, IncidentInput, InterventionInput, PersonInput
from tests.ui import pseudo_locale
from tests.ui.test_layout_languages import clipped
from ui.context import UiContext
from ui.i18n import Translations
from ui.views.incident_panel import IncidentPanel


@pytest.fixture(scope="module")
def pseudo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return pseudo_locale.build(tmp_path_factory.mktemp("pseudo"))


@pytest.fixture
def translations(qtbot: QtBot) -> Iterator[Translations]:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    chosen = Translations(app)
    yield chosen
    chosen.apply("en")


def _panel(qtbot: QtBot, ctx: UiContext) -> IncidentPanel:
    notebook = ctx.notebook
    incident = notebook.incidents.add(IncidentInput(title="Raid"))
    long_name = "Association des familles de disparus de la région " * 3
    person = notebook.people.add(PersonInput(long_name.strip(), "organisation"))
    notebook.people.link(incident, person, "source", ConsentInput("share", ("OMCT", "FIDH")))
    notebook.interventions.add(incident, InterventionInput("Front Line Defenders"))
    panel = IncidentPanel(ctx)
    qtbot.addWidget(panel)
    panel.resize(900, 760)
    panel.show()
    panel.show_incident(incident)
    return panel


def test_no_clipped_text_in_the_pseudo_language(
    qtbot: QtBot, ui_ctx: UiContext, translations: Translations, pseudo_dir: Path
) -> None:
    translations._directory = pseudo_dir
    translations.apply("xx")
    panel = _panel(qtbot, ui_ctx)
    panel.setCurrentWidget(panel.people)
    panel.people.table.selectRow(0)
    QApplication.processEvents()
    assert panel.tabText(1).startswith("[")
    assert clipped(panel.people) == []
    panel.setCurrentWidget(panel.interventions)
    panel.interventions.table.selectRow(0)
    QApplication.processEvents()
    assert clipped(panel.interventions) == []


def test_arabic_lays_the_forms_out_right_to_left(
    qtbot: QtBot, ui_ctx: UiContext, translations: Translations
) -> None:
    translations.apply("ar")
    ui_ctx.language = "ar"
    panel = _panel(qtbot, ui_ctx)
    panel.setCurrentWidget(panel.people)
    people = panel.people
    people.add_button.click()
    QApplication.processEvents()
    assert people.isRightToLeft()
    assert people.add_button.x() > people.unlink_button.x()  # the first button on the right
    form = people.form
    layout = form.layout()
    assert isinstance(layout, QFormLayout)
    label = layout.labelForField(form.name)
    assert label is not None and label.x() > form.name.x()  # the label on the right
    assert form.role.itemText(0) == "ضحية"
    assert panel.tabText(1) == "الأشخاص"
    # Latin-script organisations stay one piece inside the Arabic sentence.
    assert "\u2068OMCT, FIDH\u2069" in str(people.model.index(0, 3).data())
    panel.setCurrentWidget(panel.interventions)
    view = panel.interventions
    view.add_button.click()
    QApplication.processEvents()
    assert view.add_button.x() > view.delete_button.x()
    assert view.kind.currentText() == "أخرى"  # "other", the default kind
    QTest.keyClicks(view.actor, "OMCT")
    assert view.save()
    # The saved row is the table's current one, right to left too.
    saved = view.current()
    assert saved is not None and saved.actor == "OMCT"
    assert view.delete_button.isEnabled()
    view.select_row(0)
    assert view.actor.text() == "Front Line Defenders"
