"""Hostile text typed into every free-text step: escaped, within limits, answered, kept."""

from __future__ import annotations

import pytest

from tests.support.harness import BotHarness

HOSTILE = [
    "<b>bold</b> <script>alert(1)</script>",
    "a < b && c > d &amp; &lt; &#x26;",
    "\u202eevil RTL override\u202c",
    "zero\u200bwidth\u200djoiner\ufeff",
    "NUL\x00inside",
    "emoji 👩‍👩‍👧‍👦🇵🇱 and combining e\u0301\u0301\u0301",
    "ąćęłńóśźż ĄĆĘŁŃÓŚŹŻ",
    "x" * 5000,
    "🙂" * 2000,
]


@pytest.mark.parametrize("text", HOSTILE)
async def test_hostile_text_in_every_visit_step(harness: BotHarness, text: str) -> None:
    sim = await harness.assistant(language_code="en")
    await sim.send("/newfamily")
    await sim.send(text)  # as a code: refused politely (or, cleaned, a valid code)
    accepted = not any(
        "Use R-01" in b for row in harness.fake.last_markup(sim.chat_id) for b, _ in row
    )
    if not accepted:
        await sim.press("Use R-01")
    await sim.send(text)  # as a label
    if len(text) > 40:
        await sim.press("Skip")
    await sim.press("Add a member")
    await sim.send(text)  # as a member name
    if len(text) > 30:
        await sim.send("Ola")
    await sim.press("child")
    await sim.send(text)  # as a birth year: refused
    await sim.press("Skip")
    await sim.press("Done")
    await sim.press("1")
    await sim.send(text)  # as a date: refused
    await sim.press("Skip")
    await sim.send(text)
    await sim.press("Skip")
    await sim.press("Save")
    code = harness.fake.last_text(sim.chat_id).split("Family ")[1].split(" is")[0]
    await sim.send(f"/visit {code}")
    await sim.send(text)  # as a date
    await sim.press("Today")
    await sim.send(text)  # as a duration
    await sim.press("60 min")
    await sim.send(text)  # on a button step
    await sim.press("Phone")
    await sim.press("(child)")  # the member, whatever their name
    await sim.press("Done")
    await sim.press("Done")
    await sim.press("Done")
    await sim.send(text)  # as the note
    if len(text) > 3500:
        await sim.send("short note " + text[:100])
    await sim.send(text)  # as next steps
    if len(text) > 1000:
        await sim.press("Skip")
    await sim.press("Save")
    assert "Saved" in harness.fake.last_text(sim.chat_id)
    await sim.send(f"/visits {code}")
    await sim.send("/families")
    assert harness.fake.errors == []
    incoming = [c for c in harness.fake.calls if c.method in ("sendMessage", "editMessageText")]
    assert all(c.ok for c in incoming)


@pytest.mark.parametrize("text", HOSTILE)
async def test_hostile_text_in_every_plan_step(harness: BotHarness, text: str) -> None:
    sim = await harness.assistant(language_code="en")
    await sim.send("/newfamily")
    await sim.press("Use R-01")
    await sim.press("Skip")
    await sim.press("Add a member")
    await sim.send("Ola")
    await sim.press("child")
    await sim.press("Skip")
    await sim.press("Done")
    await sim.press("1")
    await sim.press("Skip")
    await sim.press("Skip")
    await sim.press("Save")
    await sim.send("/goal R-01")
    await sim.press("New goal")
    await sim.press("Health")
    await sim.send(text)  # goal text
    if "too long" in harness.fake.last_text(sim.chat_id):
        await sim.send("A goal " + text[:50])
    await sim.send(text)  # expected effect
    if "too long" in harness.fake.last_text(sim.chat_id):
        await sim.press("Skip")
    await sim.send(text)  # due date: refused
    await sim.press("Skip")
    await sim.press("Progress note")
    await sim.send(text)
    if "too long" in harness.fake.last_text(sim.chat_id):
        await sim.press("Back to the goal")
    await sim.press("Due date")
    await sim.send(text)  # refused
    await sim.press("Back to the goal")
    await sim.press("➕ Task")
    await sim.send(text)
    if "too long" in harness.fake.last_text(sim.chat_id):
        await sim.send("A task " + text[:50])
    await sim.press("Institution")
    await sim.send(text)
    if "too long" in harness.fake.last_text(sim.chat_id):
        await sim.send("PUP")
    await sim.send(text)  # task due: refused
    await sim.press("Skip")
    await sim.press("Finish")
    await sim.send("/resources R-01")
    await sim.press("Add a resource")
    await sim.send(text)
    if "too long" in harness.fake.last_text(sim.chat_id):
        await sim.send("A resource " + text[:50])
    await sim.press("Finish")
    await sim.send("/assessment R-01")
    await sim.send(text)  # date: refused
    await sim.press("Today")
    await sim.send(text)
    if "too long" in harness.fake.last_text(sim.chat_id):
        await sim.send("Summary " + text[:50])
    await sim.send("/plan R-01 all")
    assert harness.fake.errors == []


async def test_invisible_labels_and_names_are_refused_bidi_dropped(harness: BotHarness) -> None:
    sim = await harness.assistant(language_code="en")
    await sim.send("/newfamily")
    await sim.press("Use R-01")
    await sim.send("\u200b\u200c\u200d\ufeff")  # a label that would show blank
    assert "only spaces or invisible characters" in harness.fake.last_text(sim.chat_id)
    await sim.send("\u202eKowalscy 👩\u200d👩\u200d👧\u200d👦")
    await sim.press("Add a member")
    await sim.send("\u2060 \u200b")
    assert "only spaces or invisible characters" in harness.fake.last_text(sim.chat_id)
    await sim.send("Ola\u200f")
    await sim.press("child")
    await sim.press("Skip")
    await sim.press("Done")
    await sim.press("1")
    await sim.press("Skip")
    await sim.press("Skip")
    await sim.press("Save")
    assert "R-01 is registered" in harness.fake.last_text(sim.chat_id)
    assert harness.services is not None
    family = await harness.services.families.families.by_code("R-01")
    assert family is not None
    assert family.label == "Kowalscy 👩\u200d👩\u200d👧\u200d👦"
    assert [m.name for m in family.members] == ["Ola"]
    await sim.send("/families")
    assert "Kowalscy" in harness.fake.last_text(sim.chat_id)
    shown = [str(c.params.get("text", "")) for c in harness.fake.calls]
    assert not any("\u202e" in text or "\u200f" in text for text in shown)
    assert harness.fake.errors == []
