"""A hostile sweep of /settings, the buttons on reminders, and the coordinator's side.

Driven through the real Application the way a person on a phone breaks things: values typed
where buttons are asked, a button pressed twice or days later, a restart in between, a code
typed with an autocorrected dash, a coordinator who left.
"""

from __future__ import annotations

from tests.conversations.test_new_family import register_family
from tests.handlers.test_team import coordinator
from tests.support.harness import BotHarness


def answers(harness: BotHarness, since: int = 0) -> list[str]:
    """The texts of the press answers after call number `since` ("" for a bare answer)."""
    return [
        str(c.params.get("text") or "")
        for c in harness.fake.calls[since:]
        if c.method == "answerCallbackQuery"
    ]


# --- the coordinator reads a family by its code ---------------------------------------------


async def test_a_code_typed_with_another_dash_finds_the_family(harness: BotHarness) -> None:
    sim = await harness.assistant(1001, language_code="en", first_name="Ala")
    await register_family(sim)
    boss = await coordinator(harness)
    # A non-breaking hyphen (a code copied from a document), an en dash (a phone's keyboard
    # turned the hyphen into one), a minus sign, and spaces around the code.
    for typed in ("/plan R\u201101", "/visits R\u201301", "/plan  r\u221201 "):
        await boss.send(typed)
        text = harness.fake.last_text(boss.chat_id)
        assert "R-01" in text, typed
        assert "do not know" not in text, typed
    await sim.send("/visits r\u201101")  # the family's own assistant, too
    assert "R-01: last visits" in harness.fake.last_text(sim.chat_id)
    assert harness.fake.errors == []
