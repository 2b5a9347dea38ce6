"""/settings: the digest time, quiet hours and language, by buttons."""

from __future__ import annotations

from datetime import time

from tests.support.harness import BotHarness


async def test_settings_change_by_buttons(harness: BotHarness) -> None:
    sim = await harness.assistant(language_code="en")
    await sim.send("/settings")
    text = harness.fake.last_text(sim.chat_id)
    assert "07:30" in text
    assert "20:00–07:00" in text
    await sim.press("08:00")
    await sim.press("22:00–06:00")
    assert harness.services is not None
    actor = await harness.services.membership.actor(sim.user_id)
    prefs = await harness.services.reminders.prefs(actor)
    assert (prefs.digest_time, prefs.quiet_start, prefs.quiet_end) == (
        time(8, 0),
        time(22, 0),
        time(6, 0),
    )
    await sim.press("no quiet hours")
    assert "none" in harness.fake.last_text(sim.chat_id)
    await sim.send("/ustawienia")
    await sim.press("Polski")
    assert "po polsku" in harness.fake.last_text(sim.chat_id)
    assert harness.fake.errors == []


def _ticked(harness: BotHarness, chat_id: int) -> list[str]:
    """The buttons of the settings message that show the active choice."""
    rows = harness.fake.last_markup(chat_id)
    return [text for row in rows for text, _ in row if text.startswith("✅")]


async def test_the_active_digest_time_and_quiet_hours_are_ticked(harness: BotHarness) -> None:
    sim = await harness.assistant(language_code="en")
    await sim.send("/settings")
    assert _ticked(harness, sim.chat_id) == ["✅ 07:30", "✅ 20:00–07:00", "✅ English"]
    await sim.press("22:00–06:00")
    assert _ticked(harness, sim.chat_id) == ["✅ 07:30", "✅ 22:00–06:00", "✅ English"]
    await sim.press("no quiet hours")
    assert _ticked(harness, sim.chat_id) == ["✅ 07:30", "✅ no quiet hours", "✅ English"]
    await sim.press("✅ no quiet hours")  # the active one pressed again: still the one ticked
    assert _ticked(harness, sim.chat_id) == ["✅ 07:30", "✅ no quiet hours", "✅ English"]
    assert all("not modified" in (c.error or "") for c in harness.fake.errors)


async def test_the_language_the_bot_speaks_is_ticked(harness: BotHarness) -> None:
    sim = await harness.assistant(language_code="en")
    await sim.send("/settings")
    assert "✅ English" in _ticked(harness, sim.chat_id)
    await sim.press("Polski")
    await sim.send("/ustawienia")
    assert _ticked(harness, sim.chat_id)[-1] == "✅ Polski"
    await sim.send("/jezyk")
    assert _ticked(harness, sim.chat_id) == ["✅ Polski"]
    await sim.press("✅ Polski")  # the active one pressed again: still Polish
    assert "po polsku" in harness.fake.last_text(sim.chat_id)
    assert harness.fake.errors == []
