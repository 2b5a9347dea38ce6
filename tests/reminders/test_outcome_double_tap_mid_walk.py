"""✅ / ❌ / 📅 on one "how did it go?" reminder, double-tapped while another walk holds work,
once its family is no longer the assistant's to work with: the first tap closes the reminder,
the second is only answered; the open walk is never offered to be dropped for it."""

from __future__ import annotations

import pytest
import time_machine

from bot.domain.lifecycle import CloseReason, Closure
from tests.conversations.test_new_family import register_family
from tests.handlers.test_sweep_dec4 import sent_since
from tests.reminders.test_reminder_job import AFTER, THURSDAY_MORNING, WEDNESDAY, booked, tick
from tests.reminders.test_sweep_reminder_buttons import answers
from tests.support.harness import ADMIN_ID, BotHarness
from tests.support.updates import UserSim

TOLD = {
    "handed over": "R-01 is no longer assigned to you, so this reminder is closed.",
    "closed": "The work with R-01 has ended, so this reminder is closed.",
}


async def _change(harness: BotHarness, sim: UserSim, change: str) -> None:
    """What happened to R-01 after its "how did it go?" was sent."""
    services = harness.services
    assert services is not None
    family = await services.families.families.by_code("R-01")
    assert family is not None
    if change == "closed":
        actor = await services.membership.actor(sim.user_id)
        closure = Closure(
            day=AFTER.date(), reason=CloseReason.GOALS_ACHIEVED, summary="x", monitor_months=0
        )
        await services.cases.close(actor, family.id, closure)
        return
    await harness.assistant(2002, language_code="en", first_name="Ola")
    admin = await services.membership.actor(ADMIN_ID)
    await services.team.hand_over(admin, "R-01", 2002)


async def asked_how_it_went(harness: BotHarness) -> UserSim:
    """R-01's hearing booked on Wednesday, R-02 registered too; its "how did it go?" sent."""
    with time_machine.travel(WEDNESDAY, tick=True):
        sim = await booked(harness)
        await register_family(sim, "R-02", members=(("Basia", "mother"),))
    with time_machine.travel(THURSDAY_MORNING, tick=True):
        await tick(harness)
    with time_machine.travel(AFTER, tick=True):
        await tick(harness)  # "How did it go?" about R-01's hearing
    return sim


async def visit_half_done(sim: UserSim) -> None:
    """A visit to R-02 holds work, at "Where?"."""
    await sim.send("/visit R-02")
    await sim.press("Today")
    await sim.press("60 min")


@pytest.mark.parametrize("change", list(TOLD))
@pytest.mark.parametrize("button", ["✅ Attended", "❌ Not attended", "📅 Rescheduled"])
async def test_an_outcome_tapped_twice_mid_walk_is_answered_in_place(
    harness: BotHarness, button: str, change: str
) -> None:
    sim = await asked_how_it_went(harness)
    with time_machine.travel(AFTER, tick=True):
        message_id, data = harness.fake.button(sim.chat_id, button)
        await visit_half_done(sim)
        await _change(harness, sim, change)
        mark = len(harness.fake.calls)
        await sim.press_data(message_id, data)
        assert answers(harness, mark) == [TOLD[change]]  # not "Drop the visit you started …?"
        assert sent_since(harness, mark) == []
        settled = harness.fake.message(sim.chat_id, message_id)
        assert settled is not None
        assert "reply_markup" not in settled
        # The second tap of the double tap, as Telegram sends it: the message as it is now.
        mark = len(harness.fake.calls)
        await sim.press_data(message_id, data)
        assert answers(harness, mark) == ["This button is no longer active."]
        assert sent_since(harness, mark) == []  # no "Drop the visit you started …?"
        assert harness.fake.message(sim.chat_id, message_id) == settled
        await sim.press("Family's home")  # the visit to R-02 goes on where it was
        assert "Who was present" in harness.fake.last_text(sim.chat_id)
    assert harness.fake.errors == []
