"""PeopleView on a real vault: a new person linked with consent and read back, an existing
person linked, consent "share" without organisations refused, unlink asked first, edits
of a person and a link, unsaved edits guarded by the panel, labels in French."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from app.models import ConsentInput, IncidentInput, PersonInput
from ui.context import UiContext
from ui.views.incident_panel import IncidentPanel
from ui.views.people import PeopleView
from ui.widgets.vocab import VocabCombo


def _view(qtbot: QtBot, ctx: UiContext) -> tuple[PeopleView, int]:
    incident = ctx.notebook.incidents.add(IncidentInput(title="Raid"))
    view = PeopleView(ctx)
    qtbot.addWidget(view)
    view.show_incident(incident)
    view.show()
    return view, incident


def _choose(combo: VocabCombo, code: str) -> None:
    index = combo.findData(code)
    assert index >= 0, code
    combo.setCurrentIndex(index)


def test_new_person_link_and_consent_round_trip(qtbot: QtBot, ui_ctx: UiContext) -> None:
    view, incident = _view(qtbot, ui_ctx)
    form = view.form
    assert not form.isVisible()
    view.add_button.click()
    QTest.keyClicks(form.name, "Amina Diallo")
    _choose(form.kind, "group")
    QTest.keyClicks(form.notes, "Met in Dakar")
    _choose(form.role, "witness")
    _choose(form.consent.level, "share")
    QTest.keyClicks(form.consent.organisations, "Front Line Defenders, OMCT")
    QTest.keyClicks(form.consent.date, "2024-03-05")
    QTest.keyClicks(form.consent.note, "Agreed in person")
    assert view.has_unsaved_changes()
    with qtbot.waitSignal(view.changed, timeout=2000):
        view.save_button.click()
    assert ui_ctx.dialogs.shown == []
    assert not view.has_unsaved_changes()

    (link,) = ui_ctx.notebook.people.links_for_incident(incident)
    person = ui_ctx.notebook.people.get(link.person_id)
    assert (person.name, person.kind, person.notes) == ("Amina Diallo", "group", "Met in Dakar")
    assert link.role == "witness"
    assert link.consent == ConsentInput(
        "share", ("Front Line Defenders", "OMCT"), "2024-03-05", "Agreed in person"
    )
    assert [view.model.index(0, c).data() for c in range(4)] == [
        "Amina Diallo",
        "Group",
        "Witness",
        "Share with named organisations: Front Line Defenders, OMCT (2024-03-05)",
    ]

    # Reopened in a fresh view, the form shows what app/ stored.
    again = PeopleView(ui_ctx)
    qtbot.addWidget(again)
    again.show_incident(incident)
    again.table.selectRow(0)
    shown = again.form
    assert shown.name.text() == "Amina Diallo"
    assert shown.kind.code() == "group"
    assert shown.notes.toPlainText() == "Met in Dakar"
    assert shown.role.code() == "witness"
    assert shown.consent.value() == link.consent
    assert not shown.person.isEnabled()  # a link's person does not change
    assert not again.has_unsaved_changes()


def test_share_without_organisations_is_refused_and_writes_nothing(
    qtbot: QtBot, ui_ctx: UiContext
) -> None:
    view, incident = _view(qtbot, ui_ctx)
    view.add_button.click()
    QTest.keyClicks(view.form.name, "Nadia")
    _choose(view.form.consent.level, "share")
    ui_ctx.dialogs.answer_next(None)
    view.save_button.click()
    assert "Please check what you typed" in ui_ctx.dialogs.shown[-1]
    assert "organisations" in ui_ctx.dialogs.shown[-1]
    assert ui_ctx.notebook.people.list_by_name() == []
    assert ui_ctx.notebook.people.links_for_incident(incident) == []
    assert view.form.name.text() == "Nadia"  # the form keeps what was typed
    assert view.has_unsaved_changes()
    # Naming an organisation makes the same link acceptable.
    QTest.keyClicks(view.form.consent.organisations, "OMCT")
    assert view.save()
    (link,) = ui_ctx.notebook.people.links_for_incident(incident)
    assert link.consent.organisations == ("OMCT",)


def test_bad_consent_date_gives_a_message_and_changes_nothing(
    qtbot: QtBot, ui_ctx: UiContext
) -> None:
    view, _ = _view(qtbot, ui_ctx)
    view.add_button.click()
    QTest.keyClicks(view.form.name, "Omar")
    _choose(view.form.consent.level, "publish")
    QTest.keyClicks(view.form.consent.date, "yesterday")
    ui_ctx.dialogs.answer_next(None)
    view.save_button.click()
    assert "YYYY-MM-DD" in ui_ctx.dialogs.shown[-1]
    assert ui_ctx.notebook.people.list_by_name() == []
    assert view.model.rowCount() == 0


def test_link_an_existing_person(qtbot: QtBot, ui_ctx: UiContext) -> None:
    people = ui_ctx.notebook.people
    karim = people.add(PersonInput("Karim", "individual", "Journalist"))
    people.add(PersonInput("Zora"))
    view, incident = _view(qtbot, ui_ctx)
    view.add_button.click()
    combo = view.form.person
    assert [combo.itemText(i) for i in range(combo.count())] == [
        "New person",
        "Karim (Individual)",
        "Zora (Individual)",
    ]
    combo.setCurrentIndex(combo.findData(karim))
    assert view.form.name.text() == "Karim"
    assert view.form.notes.toPlainText() == "Journalist"
    _choose(view.form.role, "source")
    assert view.save()
    (link,) = people.links_for_incident(incident)
    assert (link.person_id, link.role, link.consent.level) == (karim, "source", "none")
    assert len(people.list_by_name()) == 2  # linked, not copied


def test_edit_person_role_and_consent_of_a_link(qtbot: QtBot, ui_ctx: UiContext) -> None:
    people = ui_ctx.notebook.people
    view, incident = _view(qtbot, ui_ctx)
    person = people.add(PersonInput("Samir"))
    link_id = people.link(incident, person, "victim")
    view.refresh()
    view.table.selectRow(0)
    view.form.name.selectAll()
    QTest.keyClicks(view.form.name, "Samir B.")
    _choose(view.form.role, "defender")
    _choose(view.form.consent.level, "publish")
    assert view.save()
    assert people.get(person).name == "Samir B."
    link = people.get_link(link_id)
    assert link.role == "defender"
    assert link.consent.level == "publish"
    assert link.consent.date is not None  # app/ dates a consent given without a date


def test_a_second_link_with_the_same_role_is_refused(qtbot: QtBot, ui_ctx: UiContext) -> None:
    people = ui_ctx.notebook.people
    view, incident = _view(qtbot, ui_ctx)
    person = people.add(PersonInput("Lina"))
    people.link(incident, person, "victim")
    witness = people.link(incident, person, "witness")
    view.refresh()
    view.table.selectRow(1)
    _choose(view.form.role, "victim")
    ui_ctx.dialogs.answer_next(None)
    assert not view.save()
    assert ui_ctx.dialogs.shown[-1] == "This person already has this role in this incident."
    assert people.get_link(witness).role == "witness"


def test_unlink_asks_first(qtbot: QtBot, ui_ctx: UiContext) -> None:
    people = ui_ctx.notebook.people
    view, incident = _view(qtbot, ui_ctx)
    person = people.add(PersonInput("Hana"))
    people.link(incident, person, "victim")
    view.refresh()
    assert not view.unlink_button.isEnabled()
    view.table.selectRow(0)
    assert view.unlink_button.isEnabled()
    ui_ctx.dialogs.answer_next(False)
    view.unlink_button.click()
    assert "Remove this person from this incident?" in ui_ctx.dialogs.shown[-1]
    assert len(people.links_for_incident(incident)) == 1
    assert view.model.rowCount() == 1
    ui_ctx.dialogs.answer_next(True)
    view.unlink_button.click()
    assert people.links_for_incident(incident) == []
    assert view.model.rowCount() == 0
    assert people.get(person).name == "Hana"  # the person stays in the notebook


def test_choosing_another_row_with_unsaved_edits_asks(qtbot: QtBot, ui_ctx: UiContext) -> None:
    people = ui_ctx.notebook.people
    view, incident = _view(qtbot, ui_ctx)
    for name in ("Ali", "Badr"):
        people.link(incident, people.add(PersonInput(name)), "victim")
    view.refresh()
    view.table.selectRow(0)
    QTest.keyClicks(view.form.name, " edited")
    ui_ctx.dialogs.answer_next(False)
    view.table.selectRow(1)
    assert view.form.name.text() == "Ali edited"  # kept: the person said no
    assert view.current() is not None and view.current().person_name == "Ali"
    ui_ctx.dialogs.answer_next(True)
    view.table.selectRow(1)
    assert view.form.name.text() == "Badr"
    assert people.list_by_name()[0].name == "Ali"


def test_panel_guards_and_discards_unsaved_people_edits(qtbot: QtBot, ui_ctx: UiContext) -> None:
    first = ui_ctx.notebook.incidents.add(IncidentInput(title="First"))
    second = ui_ctx.notebook.incidents.add(IncidentInput(title="Second"))
    panel = IncidentPanel(ui_ctx)
    qtbot.addWidget(panel)
    panel.show_incident(first)
    assert panel.widget(1) is panel.people and panel.isTabEnabled(1)
    panel.people.add_button.click()
    QTest.keyClicks(panel.people.form.name, "Not yet saved")
    assert panel.has_unsaved_changes()
    ui_ctx.dialogs.answer_next(False)
    panel.show_incident(second)
    assert panel.incident_id == first
    assert panel.people.form.name.text() == "Not yet saved"
    panel.discard_edits()
    assert not panel.has_unsaved_changes()
    assert panel.people.form.name.text() == ""
    panel.show_incident(None)
    assert not panel.isTabEnabled(1) and not panel.isTabEnabled(2)


def test_labels_follow_the_language(qtbot: QtBot, ui_ctx: UiContext) -> None:
    ui_ctx.language = "fr"
    view, incident = _view(qtbot, ui_ctx)
    people = ui_ctx.notebook.people
    people.link(incident, people.add(PersonInput("Awa")), "witness")
    view.refresh()
    assert view.model.index(0, 2).data() == "Témoin"
    view.add_button.click()
    assert view.form.role.itemText(0) == "Victime"


def test_model_and_accessible_names(qtbot: QtBot, ui_ctx: UiContext, qtmodeltester: object) -> None:
    people = ui_ctx.notebook.people
    view, incident = _view(qtbot, ui_ctx)
    person = people.add(PersonInput("Rim"))
    people.link(incident, person, "victim", ConsentInput("share", ("OMCT",)))
    people.link(incident, person, "source")
    view.refresh()
    qtmodeltester.check(view.model)  # type: ignore[attr-defined]
    view.add_button.click()
    unnamed = [
        type(w).__name__
        for w in view.findChildren(QWidget)
        if w.isVisible() and w.focusPolicy() != Qt.FocusPolicy.NoFocus and not w.accessibleName()
    ]
    assert unnamed == []


@pytest.mark.skipif(
    sys.version_info >= (3, 12), reason="True is immortal: its count cannot run out"
)
def test_typing_in_the_form_keeps_pythons_true_alive(qtbot: QtBot, ui_ctx: UiContext) -> None:
    """PySide6 6.12's emit() from Python drops a reference to True per call: a signal
    emitted per keystroke would crash the app after a few thousand keys. The form's
    signals are connected signal to signal, so typing costs True nothing."""
    view, _ = _view(qtbot, ui_ctx)
    view.add_button.click()
    _choose(view.form.consent.level, "share")
    before = sys.getrefcount(True)
    for field in (view.form.name, view.form.consent.organisations, view.form.consent.date):
        QTest.keyClicks(field, "x" * 100)
    QTest.keyClicks(view.form.consent.note, "x" * 100)
    assert sys.getrefcount(True) - before > -50
