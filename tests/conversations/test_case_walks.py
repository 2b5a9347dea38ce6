"""A family's case through the real Application: /close, /families closed, /reopen,
/monitoring, /edit and an admin's /erase."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import time_machine

from bot.domain.appointment import Institution, NewAppointment
from bot.domain.lifecycle import CloseReason
from bot.domain.plan import GoalStatus
from bot.domain.vocabulary import Area
from bot.reminders.erasure import erase_due
from tests.conversations.test_new_family import register_family
from tests.support.harness import BotHarness
from tests.support.updates import UserSim

NOW = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[None]:
    """A Tuesday morning in Warsaw."""
    with time_machine.travel(NOW, tick=True):
        yield


async def _with_family(harness: BotHarness) -> tuple[UserSim, int]:
    """An assistant holding R-01 with Anna, an open goal and an appointment next week."""
    sim = await harness.assistant(language_code="en")
    await register_family(sim, members=(("Anna", "mother"),))
    services = harness.services
    assert services is not None
    actor = await services.membership.actor(sim.user_id)
    family = await services.families.families.by_code("R-01")
    assert family is not None
    await services.plans.add_goal(actor, family.id, Area.HOUSING, "Pay the rent")
    await services.appointments.create(
        actor,
        NewAppointment(
            family_id=family.id,
            institution=Institution.PUP,
            starts_at=datetime(2026, 12, 8, 9, 0, tzinfo=UTC),
            purpose="Register as unemployed",
        ),
    )
    return sim, family.id


async def close_r01(sim: UserSim, months: str = "6 months") -> None:
    """/close R-01: today, goals achieved, a summary, monitoring, confirm."""
    await sim.send("/close R-01")
    await sim.press("Today")
    await sim.press("Goals achieved")
    await sim.send("Rent paid for a year <b>&")
    await sim.press(months)
    await sim.press("Close the work")


async def test_closing_the_work_takes_the_family_out_of_the_caseload(
    harness: BotHarness,
) -> None:
    sim, family_id = await _with_family(harness)
    await close_r01(sim)
    told = harness.fake.last_text(sim.chat_id)
    assert "R-01 is closed" in told
    assert "1 appointment was cancelled" in told
    assert "1 open goal was closed as dropped" in told
    services = harness.services
    assert services is not None
    actor = await services.membership.actor(sim.user_id)
    assert (await services.families.caseload(actor)).families == ()
    assert await services.families.own_families(actor) == []
    [goal] = await services.plans.plans.goals(family_id)  # the plan stays as it was
    assert goal.status is GoalStatus.DROPPED
    [closure] = await services.cases.cases.closures_of(family_id)
    assert closure.close_reason is CloseReason.GOALS_ACHIEVED
    assert closure.summary == "Rent paid for a year <b>&"
    assert closure.monitor_months == 6
    await sim.send("/families closed")
    listed = harness.fake.last_text(sim.chat_id)
    assert "R-01" in listed
    assert "Goals achieved" in listed
    await sim.press("R-01")
    card = harness.fake.last_text(sim.chat_id)
    assert "Closed on" in card
    assert "Monitored until" in card
    await sim.send("/appointment R-01")
    assert "is closed" in harness.fake.last_text(sim.chat_id)
    actions = [a for _, a in await services.families.audit.entries(family_id)]
    assert "family.close" in actions


async def test_the_default_monitoring_is_marked_and_a_stranger_cannot_close(
    harness: BotHarness,
) -> None:
    sim, family_id = await _with_family(harness)
    await sim.send("/close R-01")
    await sim.press("Today")
    await sim.press("The family moved away")
    await sim.send("Moved to another town")
    assert "⭐ 6 months" in str(harness.fake.last_markup(sim.chat_id))
    await sim.press("✖ Cancel")
    other = await harness.assistant(2002, language_code="en")
    await other.send("/close R-01")
    assert "do not know that family" in harness.fake.last_text(other.chat_id)
    services = harness.services
    assert services is not None
    denied = [a for _, a in await services.families.audit.entries(family_id, "denied")]
    assert "family.close.start" in denied
    family = await services.families.families.get(family_id)
    assert family is not None
    assert family.active


async def test_a_closing_day_before_the_start_or_ahead_is_re_asked(harness: BotHarness) -> None:
    sim, _family_id = await _with_family(harness)
    await sim.send("/close R-01")
    await sim.send("05.12.2026")
    assert "day still to come" in harness.fake.last_text(sim.chat_id)
    await sim.send("01.11.2026")
    assert "began on" in harness.fake.last_text(sim.chat_id)
    await sim.send("31.02")
    assert "does not exist" in harness.fake.last_text(sim.chat_id)


async def test_monitoring_then_reopening_keeps_the_history_in_order(harness: BotHarness) -> None:
    sim, family_id = await _with_family(harness)
    await close_r01(sim, "3 months")
    await sim.send("/monitoring")
    await sim.press("R-01")
    await sim.press("Today")
    await sim.press("Phone call")
    await sim.send("Doing well, <i>school</i> ok")
    assert "Monitoring contact with R-01" in harness.fake.last_text(sim.chat_id)
    services = harness.services
    assert services is not None
    actor = await services.membership.actor(sim.user_id)
    history = await services.cases.history(actor, family_id)
    assert [c.note for c in history.contacts] == ["Doing well, <i>school</i> ok"]
    await sim.send("/reopen R-01")
    await sim.press("Today")
    await sim.press("Reopen")
    assert "back in your caseload" in harness.fake.last_text(sim.chat_id)
    history = await services.cases.history(actor, family_id)
    assert [p.is_open for p in history.periods] == [False, True]
    assert [f.code for f in await services.families.own_families(actor)] == ["R-01"]
    assert await services.plans.goals(actor, family_id) == []  # a new plan period
    await sim.send("/monitoring R-01")
    assert "still going on" in harness.fake.last_text(sim.chat_id)


async def test_a_contact_after_the_monitoring_ended_or_before_the_closure_is_re_asked(
    harness: BotHarness,
) -> None:
    sim, family_id = await _with_family(harness)
    await close_r01(sim, "3 months")  # closed on 1 December: monitored until 1 March
    with time_machine.travel(datetime(2027, 3, 10, 9, 30, tzinfo=UTC), tick=True):
        await sim.send("/monitoring R-01")  # not finished yet: still offered
        await sim.send("05.03.2027")
        text = harness.fake.last_text(sim.chat_id)
        assert "Monitoring ended on 01.03.2027; a contact after that day is not part of it." in (
            text
        )
        assert "When was the contact?" in text  # the same question, the family kept
        await sim.press("Today")  # 10 March: after the end as well
        assert "Monitoring ended on 01.03.2027" in harness.fake.last_text(sim.chat_id)
        await sim.send("30.11.2026")
        text = harness.fake.last_text(sim.chat_id)
        assert "The work was closed on 01.12.2026; a monitoring contact comes after." in text
        assert "When was the contact?" in text
        await sim.send("01.03.2027")  # the last day of monitoring
        await sim.press("Phone call")
        await sim.send("All well at home")
        assert "Monitoring contact with R-01 on 1 Mar 2027 saved" in harness.fake.last_text(
            sim.chat_id
        )
    services = harness.services
    assert services is not None
    [contact] = await services.cases.cases.monitoring_contacts(family_id)
    assert (str(contact.day), contact.note) == ("2027-03-01", "All well at home")
    assert harness.fake.errors == []


async def test_editing_a_family_saves_each_change_and_keeps_history(harness: BotHarness) -> None:
    sim, family_id = await _with_family(harness)
    await sim.send("/edit R-01")
    await sim.press("Label")
    await sim.send("Polna & <b>")
    await sim.press("Members")
    await sim.press("Add a member")
    await sim.send("Kuba")
    await sim.press("child")
    await sim.send("2015")
    await sim.press("Anna")  # her card: correct her, or mark her as moved out
    await sim.press("Moved out")
    await sim.press("Yes, moved out")
    await sim.press("Back")
    await sim.press("Visits a week")
    await sim.press("2")
    await sim.press("Renew the contract")
    await sim.send("30.06.2027")
    await sim.press("Code")
    await sim.send("R-02")
    await sim.press("Finish")
    services = harness.services
    assert services is not None
    family = await services.families.families.get(family_id)
    assert family is not None
    assert (family.code, family.label, family.visits_per_week) == ("R-02", "Polna & <b>", 2)
    assert [m.name for m in family.members] == ["Kuba"]
    assert [m.name for m in family.former_members] == ["Anna"]
    assert str(family.contract_valid_until) == "2027-06-30"
    actions = {a for _, a in await services.families.audit.entries(family_id)}
    assert {
        "family.edit.label",
        "family.edit.member_add",
        "family.edit.member_left",
        "family.edit.visits",
        "family.edit.contract",
        "family.edit.code",
    } <= actions


async def test_editing_forgives_typed_names_and_days_ahead_and_says_why_it_refuses(
    harness: BotHarness,
) -> None:
    sim, family_id = await _with_family(harness)
    services = harness.services
    assert services is not None
    await sim.send("/edit R-01")
    await sim.press("Members")
    await sim.send("Kuba")  # typed at the list: adds a member, as in /newfamily
    assert "Who is Kuba in the family?" in harness.fake.last_text(sim.chat_id)
    await sim.press("child")
    await sim.send("2030")
    assert "2030 has not come yet (this is 2026)" in harness.fake.last_text(sim.chat_id)
    await sim.send("1800")
    assert "more than 120 years ago" in harness.fake.last_text(sim.chat_id)
    await sim.send("2015")
    await sim.press("Back")
    renewals = (
        ("do 15 marca", "2027-03-15"),  # a day ahead, not last March
        ("15.03", "2027-03-15"),
        ("koniec lutego", "2027-02-28"),
        ("for a year", "2027-12-01"),  # a span button, from today's signing
        ("for half a year", "2027-06-01"),
    )
    await sim.press("Renew the contract")
    await sim.send("01.11.2026")
    assert "cannot end on 01.11.2026, a day gone by" in harness.fake.last_text(sim.chat_id)
    await sim.press("Back")
    await sim.press("Renew the contract")
    message_id, data = harness.fake.button(sim.chat_id, "for a year")
    await sim.press_data(message_id, data.replace(":1y", ":1w"))  # a plan's span, forged
    assert "could not read" in harness.fake.last_text(sim.chat_id)
    await sim.press("Back")
    for answer, until in renewals:
        await sim.press("Renew the contract")
        if answer.startswith("for "):
            await sim.press(answer)
        else:
            await sim.send(answer)
        assert "✅ Saved." in harness.fake.last_text(sim.chat_id), answer
        family = await services.families.families.get(family_id)
        assert family is not None
        assert str(family.contract_valid_until) == until, answer
    assert [(m.name, m.birth_year) for m in family.members] == [("Anna", None), ("Kuba", 2015)]


async def test_a_full_family_offers_no_new_member_and_a_taken_code_offers_a_free_one(
    harness: BotHarness,
) -> None:
    sim, family_id = await _with_family(harness)
    services = harness.services
    assert services is not None
    await register_family(sim, code="K-2")
    await sim.send("/edit R-01")
    await sim.press("Members")
    for n in range(19):  # Anna and 19 more: the most a family can have
        await sim.send(f"M{n}")
        await sim.press("child")
        await sim.press("Skip")
    assert "the most there can be" in harness.fake.last_text(sim.chat_id)
    labels = [text for row in harness.fake.last_markup(sim.chat_id) for text, _ in row]
    assert "➕ Add a member" not in labels
    await sim.send("Extra")  # typed at the full list: refused at once, with the reason
    assert "at most 20 members" in harness.fake.last_text(sim.chat_id)
    family = await services.families.families.get(family_id)
    assert family is not None
    assert len(family.members) == 20
    await sim.press("Back")
    await sim.press("Code")
    await sim.send("k-2")
    assert "K-3 is free" in harness.fake.last_text(sim.chat_id)
    await sim.press("Back")
    await sim.press("Code")  # the offer belonged to that refusal
    labels = [text for row in harness.fake.last_markup(sim.chat_id) for text, _ in row]
    assert "Use K-3" not in labels
    await sim.send("k-2")
    await sim.press("Use K-3")
    assert "✅ Saved." in harness.fake.last_text(sim.chat_id)
    family = await services.families.families.get(family_id)
    assert family is not None
    assert family.code == "K-3"
    assert harness.fake.errors == []


async def test_a_code_in_use_is_refused_on_edit(harness: BotHarness) -> None:
    sim, _family_id = await _with_family(harness)
    await register_family(sim)
    await sim.send("/edit R-01")
    await sim.press("Code")
    await sim.send("r-02")
    assert "already used" in harness.fake.last_text(sim.chat_id)


async def test_an_admin_erases_a_family_after_typing_its_code_back(harness: BotHarness) -> None:
    sim, family_id = await _with_family(harness)
    admin = await harness.admin()
    await sim.send("/erase R-01")
    assert "Only the centre's admins" in harness.fake.last_text(sim.chat_id)
    await admin.send("/erase R-01")
    await admin.send("R-99")
    assert "not the family's code" in harness.fake.last_text(admin.chat_id)
    await admin.send("r-01")
    await admin.press("Erase now")
    assert "is erased" in harness.fake.last_text(admin.chat_id)
    services = harness.services
    assert services is not None
    family = await services.families.families.get(family_id)
    assert family is not None
    assert family.erased_at is not None
    assert not family.active
    assert [m.name for m in family.members] == ["—"]


async def test_the_cards_buttons_start_close_and_edit(harness: BotHarness) -> None:
    sim, _family_id = await _with_family(harness)
    await sim.send("/families")
    await sim.press("R-01")
    await sim.press("✏️ Edit")
    assert "What do you change?" in harness.fake.last_text(sim.chat_id)
    await sim.press("Finish")
    await sim.send("/families")
    await sim.press("R-01")
    await sim.press("🔒 Close the work")
    assert "On which day did the work end?" in harness.fake.last_text(sim.chat_id)


async def test_a_long_summary_is_re_asked_and_a_twice_pressed_confirm_closes_once(
    harness: BotHarness,
) -> None:
    sim, family_id = await _with_family(harness)
    await sim.send("/close R-01")
    await sim.press("Today")
    await sim.press("Other")
    await sim.send("x" * 5000)
    assert "2000" in harness.fake.last_text(sim.chat_id)
    await sim.send("\u200b\u200b")
    assert "That text shows nothing" in harness.fake.last_text(sim.chat_id)
    await sim.send("Short and true")
    await sim.press("not monitored")
    message_id, data = harness.fake.button(sim.chat_id, "Close the work")
    await sim.press_data(message_id, data)
    await sim.press_data(message_id, data)  # a second tap on the same, older message
    services = harness.services
    assert services is not None
    assert len(await services.cases.cases.closures_of(family_id)) == 1
    assert (await services.cases.cases.closures_of(family_id))[0].monitoring_until is None


async def test_a_forged_card_press_on_another_assistants_family_opens_nothing(
    harness: BotHarness,
) -> None:
    _sim, family_id = await _with_family(harness)
    other = await harness.assistant(2002, language_code="en")
    await other.press_data(1, f"fx:-:f:{family_id}")
    assert "do not know that family" in harness.fake.last_text(other.chat_id)
    await other.send("/cancel")  # the refusal was said above their own picker
    await other.press_data(1, f"fr:-:f:{family_id}")
    assert "do not know that family" in harness.fake.last_text(other.chat_id)
    services = harness.services
    assert services is not None
    family = await services.families.families.get(family_id)
    assert family is not None
    assert family.active


async def test_the_monthly_reminders_button_starts_the_monitoring_contact(
    harness: BotHarness,
) -> None:
    sim, family_id = await _with_family(harness)
    await close_r01(sim)
    await sim.press_data(1, f"fm:-:f:{family_id}")  # 👁 Record a contact, on a reminder
    assert "When was the contact?" in harness.fake.last_text(sim.chat_id)
    await sim.send("tomorrow")  # read as a day (day_words), refused as one still to come
    assert "has not come yet" in harness.fake.last_text(sim.chat_id)
    await sim.send("tomorrowish")
    assert "could not read" in harness.fake.last_text(sim.chat_id)
    await sim.press("Today")
    await sim.press("From the school")
    await sim.press("Save without a note")
    services = harness.services
    assert services is not None
    [contact] = await services.cases.cases.monitoring_contacts(family_id)
    assert (contact.note, contact.form.value) == ("", "school")
    await sim.send("/families")
    assert "/families closed" in harness.fake.last_text(sim.chat_id)


async def test_an_erasure_drops_open_drafts_about_the_family_from_the_file(
    harness: BotHarness,
) -> None:
    sim, family_id = await _with_family(harness)
    secret = "DraftNoteSecretxq"
    await sim.send("/visit R-01")
    for press in ("Today", "90 min", "Family's home", "Anna", "Done", "Housing", "Done"):
        await sim.press(press)
    await sim.press("Done")  # no activities
    await sim.press("Done")  # no goal worked on
    await sim.send(secret)  # the note waits in the open visit's draft
    assert "Next steps" in harness.fake.last_text(sim.chat_id)
    admin = await harness.admin()
    await admin.send("/erase R-01")
    await admin.send("R-01")
    await admin.press("Erase now")
    assert "is erased" in harness.fake.last_text(admin.chat_id)
    services = harness.services
    assert services is not None
    family = await services.families.families.get(family_id)
    assert family is not None
    assert family.erased_at is not None
    await harness.close()  # the bot stopped: both files as the disk holds them
    path = harness.settings.database_path
    for part in (path, path.with_name(path.name + "-wal")):
        if part.exists():
            assert secret.encode() not in part.read_bytes(), part


async def test_the_retention_job_drops_a_draft_about_a_family_it_erases(
    harness: BotHarness,
) -> None:
    sim, family_id = await _with_family(harness)
    await close_r01(sim, "not monitored")
    await sim.send("/reopen R-01")  # a draft naming the family, left open
    services, app = harness.services, harness.app
    assert services is not None
    assert app is not None
    assert app.user_data[sim.user_id]["walk"]["draft"]["family_id"] == family_id
    with time_machine.travel(datetime(2037, 1, 1, 2, 0, tzinfo=UTC), tick=False):
        assert await erase_due(app, services) == [family_id]
    assert "walk" not in app.user_data[sim.user_id]
    stored = await services.families.families.db.fetch_all("SELECT data FROM ptb_user_data")
    assert all('"walk"' not in str(row["data"]) for row in stored)
