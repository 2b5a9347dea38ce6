"""✔ Finish monitoring on what `/monitoring R-01` shows, without waiting for the reminder.

Through the real Application: the button calls the service the reminder's ✔ calls, with the
end the question showed, under the same rules: only the assigned assistant, audited as
`monitoring.finish`, refused for a family no longer monitored (finished, erased, reopened,
handed over), and a double tap finishes once.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
import time_machine

from tests.conversations.test_case_walks import _with_family, close_r01
from tests.handlers.test_sweep_dec4 import sent_since
from tests.handlers.test_team import coordinator
from tests.reminders.test_monitoring_presses import _case_now, _change
from tests.reminders.test_sweep_reminder_buttons import answers
from tests.support.harness import BotHarness
from tests.support.updates import UserSim

TODAY = date(2026, 12, 1)
FINISH = {"en": "✔ Finish monitoring", "pl": "✔ Zakończ monitoring"}
SHOWN = {"en": "Monitored until 1 Jun 2027.", "pl": "Monitoring do 1 cze 2027."}
FINISHED = {
    "en": "✔ The monitoring of R-01 is finished as of 1 Dec 2026.",
    "pl": "✔ Monitoring rodziny R-01 zakończony z dniem 1 gru 2026.",
}
AGAIN = {
    "en": "The monitoring of R-01 is already finished.",
    "pl": "Monitoring rodziny R-01 jest już zakończony.",
}
REFUSED = {
    "finished": "This family is not being monitored.",
    "erased": "This family is not being monitored.",
    "reopened": "The work with this family is still going on.",
    "handed over": "I do not know that family among yours. Check the code in /families.",
}


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[None]:
    """A Tuesday morning in Warsaw (1 December 2026)."""
    with time_machine.travel(datetime(2026, 12, 1, 9, 30, tzinfo=UTC), tick=True):
        yield


async def _asked(harness: BotHarness, language: str = "en") -> tuple[UserSim, int]:
    """R-01 closed today, monitored for 6 months; `/monitoring R-01` asked, in `language`."""
    sim, family_id = await _with_family(harness)
    await close_r01(sim)
    if language == "pl":
        await sim.send("/lang")
        await sim.press("Polski")
    await sim.send("/monitoring R-01")
    return sim, family_id


async def _finished_on(harness: BotHarness, family_id: int) -> date | None:
    """The day R-01's monitoring was finished, if it was."""
    assert harness.services is not None
    [period] = await harness.services.cases.cases.periods_of(family_id)
    return period.monitoring_ended_on


async def _finishes(harness: BotHarness, family_id: int) -> int:
    """How many times R-01's monitoring was finished, by the access log."""
    assert harness.services is not None
    entries = await harness.services.families.audit.entries(family_id)
    return [action for _, action in entries].count("monitoring.finish")


@pytest.mark.parametrize("language", ["en", "pl"])
async def test_monitoring_r01_offers_finish_monitoring_and_it_finishes(
    harness: BotHarness, language: str
) -> None:
    sim, family_id = await _asked(harness, language)
    asked = harness.fake.last_text(sim.chat_id)
    assert SHOWN[language] in asked  # the end the button finishes
    # Was only Today and ✖ Cancel: the monitoring ended through the reminder's ✔ alone.
    rows = [[text for text, _ in row] for row in harness.fake.last_markup(sim.chat_id)]
    assert FINISH[language] in [text for row in rows for text in row]
    await sim.press(FINISH[language])
    assert harness.fake.last_text(sim.chat_id) == FINISHED[language]
    assert harness.fake.last_markup(sim.chat_id) == []  # nothing left to press on it
    assert await _finished_on(harness, family_id) == TODAY
    assert await _finishes(harness, family_id) == 1
    assert harness.services is not None
    actor = await harness.services.membership.actor(sim.user_id)
    assert await harness.services.cases.monitored_families(actor) == []
    assert harness.app is not None
    assert "walk" not in harness.app.user_data[sim.user_id]  # the contact walk is over
    assert harness.fake.errors == []


async def test_help_names_finishing_the_monitoring(harness: BotHarness) -> None:
    sim = await harness.assistant(language_code="en")
    await sim.send("/help")
    assert "/monitoring R-01 — a contact with a closed family you monitor, or ✔ finish its " in (
        harness.fake.last_text(sim.chat_id)
    )


@pytest.mark.parametrize("language", ["en", "pl"])
async def test_a_double_tap_on_finish_monitoring_finishes_once(
    harness: BotHarness, language: str
) -> None:
    sim, family_id = await _asked(harness, language)
    message_id, data = harness.fake.button(sim.chat_id, FINISH[language])
    shown = harness.fake.message(sim.chat_id, message_id)
    assert shown is not None
    await sim.press_data(message_id, data)
    assert harness.fake.last_text(sim.chat_id) == FINISHED[language]
    # The second tap, arriving with the buttons as they were shown, then once they went.
    for press in ("as shown", "again"):
        mark = len(harness.fake.calls)
        if press == "as shown":
            payload = sim.callback_payload(message_id, data)
            payload["callback_query"]["message"] = shown
            await sim.process(sim._update(payload))
        else:
            await sim.press_data(message_id, data)
        # Answered in place, as the reminder's buttons answer theirs; nothing sent or edited.
        assert answers(harness, mark) == [AGAIN[language]]
        assert [c.method for c in harness.fake.calls[mark:]] == ["answerCallbackQuery"]
        assert harness.fake.last_text(sim.chat_id) == FINISHED[language]
    assert await _finished_on(harness, family_id) == TODAY
    assert await _finishes(harness, family_id) == 1
    assert harness.fake.errors == []


@pytest.mark.parametrize("change", list(REFUSED))
async def test_finish_monitoring_of_a_family_no_longer_monitored_is_refused(
    harness: BotHarness, change: str
) -> None:
    sim, family_id = await _asked(harness)
    message_id, data = harness.fake.button(sim.chat_id, FINISH["en"])
    await _change(harness, sim, family_id, change)  # after the question was shown
    before = await _case_now(harness, family_id)
    finishes = await _finishes(harness, family_id)
    mark = len(harness.fake.calls)
    await sim.press_data(message_id, data)
    # The reminder's ✔ refusals, said where the question was; the walk ends.
    assert harness.fake.last_text(sim.chat_id) == REFUSED[change]
    assert harness.fake.last_markup(sim.chat_id) == []
    assert sent_since(harness, mark) == []
    assert await _case_now(harness, family_id) == before  # nothing finished again
    if change != "finished":  # a second finish is logged, as on the reminder; a refusal is not
        assert await _finishes(harness, family_id) == finishes
    assert harness.app is not None
    assert "walk" not in harness.app.user_data[sim.user_id]
    assert "Anna" not in " ".join(str(c.params) for c in harness.fake.calls[mark:])
    assert harness.fake.errors == []


async def test_a_family_closed_without_monitoring_gets_no_finish_button(
    harness: BotHarness,
) -> None:
    sim, _family_id = await _with_family(harness)
    await close_r01(sim, "not monitored")
    await sim.send("/monitoring R-01")
    assert "This family is not being monitored." in harness.fake.last_text(sim.chat_id)
    markup = harness.fake.last_markup(sim.chat_id)
    assert FINISH["en"] not in [text for row in markup for text, _ in row]


async def test_finish_monitoring_after_its_end_moved_asks_again(harness: BotHarness) -> None:
    sim, family_id = await _asked(harness)
    message_id, data = harness.fake.button(sim.chat_id, FINISH["en"])
    assert harness.services is not None
    actor = await harness.services.membership.actor(sim.user_id)
    await harness.services.cases.extend_monitoring(actor, family_id)  # the reminder's ➕
    await sim.press_data(message_id, data)
    asked = harness.fake.last_text(sim.chat_id)
    assert "The monitoring's end moved meanwhile, so nothing was finished" in asked
    assert "Monitored until 1 Sep 2027." in asked  # the end the new ✔ finishes
    assert await _finished_on(harness, family_id) is None
    await sim.press(FINISH["en"])
    assert harness.fake.last_text(sim.chat_id) == FINISHED["en"]
    assert await _finished_on(harness, family_id) == TODAY
    assert harness.fake.errors == []


async def test_a_coordinator_cannot_finish_an_assistants_monitoring(harness: BotHarness) -> None:
    sim, family_id = await _asked(harness)
    _, data = harness.fake.button(sim.chat_id, FINISH["en"])
    boss = await coordinator(harness)
    await boss.send("/monitoring R-01")
    assert harness.fake.last_text(boss.chat_id) == (
        "You can read R-01, but only its assistant can change it. To take the family over, "
        "ask an admin to /assign it."
    )
    assert harness.fake.last_markup(boss.chat_id) == []  # no ✔ to press
    mark = len(harness.fake.calls)
    await boss.press_data(1, data)  # the assistant's ✔, sent by the coordinator's client
    assert answers(harness, mark) == [
        "This button is no longer active. Start again with a command."
    ]
    assert await _finished_on(harness, family_id) is None
    assert await _finishes(harness, family_id) == 0


async def test_a_finish_monitoring_press_carrying_no_end_changes_nothing(
    harness: BotHarness,
) -> None:
    sim, family_id = await _asked(harness)
    message_id, data = harness.fake.button(sim.chat_id, FINISH["en"])
    forged = data.rpartition(":")[0] + ":garbage"  # never sent: the walk's ✔ carries its end
    await sim.press_data(message_id, forged)
    assert "That button is from an older message; use the latest one." in (
        harness.fake.last_text(sim.chat_id)
    )
    assert await _finished_on(harness, family_id) is None
    assert await _finishes(harness, family_id) == 0
    assert harness.fake.errors == []
