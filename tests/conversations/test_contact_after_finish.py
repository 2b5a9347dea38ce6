"""A monitoring contact walk whose family's monitoring was finished meanwhile saves nothing.

Through the real Application: the contact walk is opened, the end-of-monitoring reminder's
✔ Finish monitoring is pressed, and the walk's next step (its save, its day) is refused with
why, its draft cleared; the earlier contacts and the finished monitoring stay as they are.
"""

from __future__ import annotations

from datetime import date

import pytest
import time_machine

from bot.domain.errors import NotAllowed
from bot.domain.family import NewFamily
from bot.domain.lifecycle import CloseReason, Closure, ContactForm
from tests.reminders.test_reminder_job import tick
from tests.services.test_sweep_pushes import OWNER, button, family_id, local, tick_at
from tests.support.harness import BotHarness
from tests.support.updates import UserSim

CLOSED_ON = date(2026, 11, 2)  # monitored for 3 months: until 2 February
ENDS = date(2027, 2, 2)
REFUSED = {
    "en": (
        "R-01 is no longer monitored: its monitoring was finished on 02.02.2027, so no contact "
        "can be recorded. Nothing was saved."
    ),
    "pl": (
        "Rodzina R-01 nie jest już monitorowana: monitoring zakończono 02.02.2027, więc nie "
        "można zapisać kontaktu. Nic nie zostało zapisane."
    ),
}
LABELS = {
    "en": ("Today", "Phone call", "Finish monitoring"),
    "pl": ("Dziś", "Rozmowa telefoniczna", "Zakończ monitoring"),
}


async def _monitored_family(harness: BotHarness, language: str) -> tuple[UserSim, int]:
    """R-01 closed on 2 November, monitored until 2 February, one contact on 1 December."""
    assert harness.services is not None
    with time_machine.travel(local(CLOSED_ON, 9), tick=False):
        sim = await harness.assistant(language_code=language)
        if language == "en":  # chosen: what the bot sends on its own follows it too
            await sim.send("/lang")
            await sim.press("English")
        await harness.services.families.register(OWNER, NewFamily(code="R-01"))
        await tick(harness)
        closure = Closure(day=CLOSED_ON, reason=CloseReason.REFUSED, summary="x", monitor_months=3)
        await harness.services.cases.close(OWNER, await family_id(harness), closure)
    with time_machine.travel(local(date(2026, 12, 1), 12), tick=False):
        await harness.services.cases.record_contact(
            OWNER, await family_id(harness), date(2026, 12, 1), ContactForm.PHONE, "Called"
        )
    return sim, await family_id(harness)


async def _finish_on_the_reminder(harness: BotHarness, sim: UserSim, language: str) -> None:
    """The end-of-monitoring reminder's ✔ Finish monitoring, pressed."""
    label = LABELS[language][2]
    # The reminder's (mn:), not the ✔ on the contact walk's own day question (mc:).
    messages = harness.fake.messages(sim.chat_id)
    [reminder] = [m for m in messages if label in str(m) and "'mn:" in str(m)]
    await sim.press_data(int(reminder["message_id"]), button(reminder, label))
    assert harness.services is not None  # finished, as the reminder's button does
    assert await harness.services.cases.monitored_families(OWNER) == []


async def _what_stayed(harness: BotHarness, sim: UserSim, family: int) -> None:
    """Only the earlier contact is kept, the monitoring stays finished, no walk is open."""
    assert harness.services is not None
    assert harness.app is not None
    contacts = await harness.services.cases.cases.monitoring_contacts(family)
    assert [(c.day, c.note) for c in contacts] == [(date(2026, 12, 1), "Called")]
    [period] = await harness.services.cases.cases.closures_of(family)
    assert period.monitoring_ended_on == ENDS
    assert "walk" not in harness.app.user_data[sim.user_id]  # the draft is cleared
    assert await harness.services.cases.monitored_families(OWNER) == []


@pytest.mark.parametrize("language", ["en", "pl"])
async def test_a_contact_saved_after_the_monitoring_was_finished_is_refused(
    harness: BotHarness, language: str
) -> None:
    sim, family = await _monitored_family(harness, language)
    await tick_at(harness, local(ENDS, 10))  # "… Finish it, or monitor a while longer?"
    today, phone, _ = LABELS[language]
    with time_machine.travel(local(ENDS, 10, 5), tick=True):
        await sim.send("/monitoring R-01")
        await sim.press(today)
        await sim.press(phone)
        await _finish_on_the_reminder(harness, sim, language)
        await sim.send("All well at home")  # the note: the save
        assert REFUSED[language] in harness.fake.last_text(sim.chat_id)
        await _what_stayed(harness, sim, family)
        await sim.send("/monitoring R-01")  # opened again: refused at once, no walk
        assert REFUSED[language] in harness.fake.last_text(sim.chat_id)
        await _what_stayed(harness, sim, family)
    assert harness.fake.errors == []


async def test_the_day_of_a_contact_after_the_monitoring_was_finished_is_refused(
    harness: BotHarness,
) -> None:
    sim, family = await _monitored_family(harness, "en")
    await tick_at(harness, local(ENDS, 10))
    with time_machine.travel(local(ENDS, 10, 5), tick=True):
        await sim.send("/monitoring R-01")
        await _finish_on_the_reminder(harness, sim, "en")
        await sim.press("Today")
        assert REFUSED["en"] in harness.fake.last_text(sim.chat_id)
        await _what_stayed(harness, sim, family)
    assert harness.fake.errors == []


async def test_the_service_records_no_contact_once_the_monitoring_is_finished(
    harness: BotHarness,
) -> None:
    _sim, family = await _monitored_family(harness, "en")
    assert harness.services is not None
    cases = harness.services.cases
    with time_machine.travel(local(ENDS, 10), tick=False):
        assert await cases.finish_monitoring(OWNER, family)
        assert not await cases.finish_monitoring(OWNER, family)  # a second press: no error
        with pytest.raises(NotAllowed, match="monitoring_finished"):
            await cases.record_contact(OWNER, family, ENDS, ContactForm.VISIT, "Too late")
        with pytest.raises(NotAllowed, match="monitoring_finished"):
            await cases.check_monitored(OWNER, family)
        with pytest.raises(NotAllowed, match="not_monitored"):  # as before
            await cases.extend_monitoring(OWNER, family)
    contacts = await cases.cases.monitoring_contacts(family)
    assert [c.note for c in contacts] == ["Called"]
