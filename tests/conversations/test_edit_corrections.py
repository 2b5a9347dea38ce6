"""/edit's corrections through the real Application: a member corrected in place (name, role,
birth year) and the contract in force's dates corrected, not renewed."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
import time_machine

from bot.domain.errors import DomainError
from bot.domain.family import Family, Member, NewFamily
from bot.domain.lifecycle import CloseReason, Closure
from bot.domain.people import Actor, Role
from bot.domain.vocabulary import MemberRole
from bot.services.registry import Services
from tests.conversations.test_visit_like_last import _first_visit
from tests.support.harness import ADMIN_ID, BotHarness
from tests.support.updates import UserSim

NOW = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)  # a Tuesday morning in Warsaw
SIGNED, UNTIL = date(2026, 11, 20), date(2027, 5, 20)


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[None]:
    """A Tuesday morning in Warsaw."""
    with time_machine.travel(NOW, tick=True):
        yield


def _services(harness: BotHarness) -> Services:
    assert harness.services is not None
    return harness.services


async def _family(harness: BotHarness, language: str = "en") -> tuple[UserSim, int]:
    """An assistant holding R-01 (Anna, mother; Tomek, child; a contract), Anna at a visit."""
    sim = await harness.assistant(language_code=language)
    services = _services(harness)
    actor = await services.membership.actor(sim.user_id)
    members = [
        Member(name="Anna", role=MemberRole.MOTHER),
        Member(name="Tomek", role=MemberRole.CHILD),
    ]
    family_id, _ = await services.families.register(
        actor,
        NewFamily(
            code="R-01",
            members=members,
            contract_signed_on=SIGNED,
            contract_valid_until=UNTIL,
        ),
    )
    return sim, family_id


async def _get(harness: BotHarness, family_id: int) -> Family:
    family = await _services(harness).families.families.get(family_id)
    assert family is not None
    return family


def _last(harness: BotHarness, sim: UserSim) -> str:
    return harness.fake.last_text(sim.chat_id)


def _buttons(harness: BotHarness, sim: UserSim) -> list[str]:
    return [text for row in harness.fake.last_markup(sim.chat_id) for text, _ in row]


async def _actions(harness: BotHarness, family_id: int) -> list[str]:
    return [a for _, a in await _services(harness).families.audit.entries(family_id)]


async def _anna_card(sim: UserSim, language: str = "en") -> None:
    """/edit R-01, Members, Anna: her card."""
    await sim.send("/edit R-01" if language == "en" else "/edytuj R-01")
    await sim.press("Members" if language == "en" else "Członkowie rodziny")
    await sim.press("Anna")


# --- a member corrected in place ------------------------------------------------------------


async def test_a_renamed_member_keeps_their_visits_and_each_correction_is_audited(
    harness: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="bot")
    sim, family_id = await _family(harness)
    await _first_visit(sim)  # Anna was there
    anna_id = (await _get(harness, family_id)).members[0].id
    await _anna_card(sim)
    assert "Anna: mother, no birth year recorded" in _last(harness, sim)
    assert "✅ mother" in _buttons(harness, sim)
    await sim.send("Ania")
    assert _last(harness, sim).startswith("✅ Saved.")
    assert "Ania: mother" in _last(harness, sim)  # the card stays open, corrected
    await sim.press("grandparent")
    assert "✅ grandparent" in _buttons(harness, sim)
    await sim.press("Birth year")
    await sim.send("2030")
    assert "2030 has not come yet (this is 2026). Type the year the person" in _last(harness, sim)
    assert "Skip" not in _last(harness, sim)  # there is no Skip here
    await sim.send("1960")
    assert "Ania: grandparent, born 1960" in _last(harness, sim)
    await sim.press("Back")
    assert [t for t in _buttons(harness, sim) if t in ("Ania", "Anna")] == ["Ania"]
    await sim.press("Back")
    await sim.press("Finish")
    family = await _get(harness, family_id)
    anna = family.members[0]
    assert (anna.id, anna.name, anna.role, anna.birth_year) == (
        anna_id,
        "Ania",
        MemberRole.GRANDPARENT,
        1960,
    )
    assert family.former_members == ()  # nobody moved out, nobody added
    await sim.send("/visits R-01")
    assert "Present: Ania" in _last(harness, sim)
    services = _services(harness)
    actor = await services.membership.actor(sim.user_id)
    record = await services.dossiers.dossier(actor, "R-01")
    assert [record.member_name(m) for m in record.visits[0].present] == ["Ania"]
    actions = await _actions(harness, family_id)
    for action in ("member_name", "member_role", "member_year"):
        assert actions.count(f"family.edit.{action}") == 1, action
    assert "family.edit.member_add" not in actions
    assert "family.edit.member_left" not in actions
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "Ania" not in logged
    assert "Anna" not in logged
    assert harness.fake.errors == []


async def test_a_member_is_corrected_in_polish(harness: BotHarness) -> None:
    sim, family_id = await _family(harness, language="pl")
    await _anna_card(sim, language="pl")
    assert "Anna: matka, bez roku urodzenia" in _last(harness, sim)
    assert "Wpisz poprawione imię lub inicjały" in _last(harness, sim)
    await sim.send("Hanna")
    assert _last(harness, sim).startswith("✅ Zapisano.")
    await sim.press("inna osoba")
    await sim.press("Rok urodzenia")
    await sim.send("1800")
    assert "Rok 1800 to ponad 120 lat temu. Sprawdź rok." in _last(harness, sim)
    await sim.send("1988")
    assert "Hanna: inna osoba, rok urodzenia 1988" in _last(harness, sim)
    await sim.press("Rok urodzenia")
    await sim.press("Bez roku urodzenia")
    assert "Hanna: inna osoba, bez roku urodzenia" in _last(harness, sim)
    await sim.press("Wyprowadzka")  # moving out is on the card too
    await sim.press("Wstecz")  # …and not done
    await sim.press("Wstecz")
    await sim.press("Wstecz")
    await sim.press("Zakończ")
    family = await _get(harness, family_id)
    assert [(m.name, m.role, m.birth_year) for m in family.members] == [
        ("Hanna", MemberRole.OTHER, None),
        ("Tomek", MemberRole.CHILD, None),
    ]
    assert harness.fake.errors == []


@pytest.mark.parametrize(
    ("typed", "said", "kept"),
    [
        ("x" * 5000, "at most 30 characters", None),
        ("<b>Ola</b> & Co", None, "<b>Ola</b> & Co"),
        ("\u202eOla\u202c", None, "Ola"),  # direction marks are no part of a name
        ("\u200b\u200d\ufeff", "That text shows nothing", None),
        ("      ", "Please type text, or use the buttons.", None),
        ("2015", "A name has letters: type the corrected first name", None),
        ("12 34", "The birth year is under 🎂 Birth year.", None),
    ],
)
async def test_a_hostile_corrected_name_is_refused_or_kept_as_typed(
    harness: BotHarness, typed: str, said: str | None, kept: str | None
) -> None:
    sim, family_id = await _family(harness)
    await _anna_card(sim)
    await sim.send(typed)
    if said is not None:
        assert said in _last(harness, sim)
        assert "Anna: mother" in _last(harness, sim)  # asked again, on her card
    else:
        assert _last(harness, sim).startswith("✅ Saved.")
    assert (await _get(harness, family_id)).members[0].name == (kept or "Anna")
    await sim.send("/families")
    assert harness.fake.errors == []
    assert all(c.ok for c in harness.fake.calls if c.method in ("sendMessage", "editMessageText"))


async def test_an_older_cards_role_changes_nobody_and_a_twice_pressed_one_changes_it_once(
    harness: BotHarness,
) -> None:
    sim, family_id = await _family(harness)
    await _anna_card(sim)
    annas_card, child = harness.fake.button(sim.chat_id, "child")  # Anna's card, kept
    await sim.press("Back")
    await sim.press("Tomek")
    await sim.press_data(annas_card, child)  # not Tomek's card: nothing is changed
    family = await _get(harness, family_id)
    assert [m.role for m in family.members] == [MemberRole.MOTHER, MemberRole.CHILD]
    assert "Tomek: child" in _last(harness, sim)  # the card open now, asked again
    message, father = harness.fake.button(sim.chat_id, "father")
    await sim.press_data(message, father)
    await sim.press_data(message, father)  # a slow connection: the same press twice
    family = await _get(harness, family_id)
    assert [m.role for m in family.members] == [MemberRole.MOTHER, MemberRole.FATHER]
    await sim.press("Moved out")
    message, confirm = harness.fake.button(sim.chat_id, "Yes, moved out")
    await sim.press_data(message, confirm)
    await sim.press_data(message, confirm)  # the member's card is gone: an older message
    answers = [c for c in harness.fake.calls if c.method == "answerCallbackQuery"]
    assert "older message" in answers[-1].params.get("text", "")
    family = await _get(harness, family_id)
    assert [m.name for m in family.members] == ["Anna"]
    assert [m.name for m in family.former_members] == ["Tomek"]
    actions = await _actions(harness, family_id)
    assert actions.count("family.edit.member_left") == 1
    assert harness.fake.errors == []


async def test_a_card_open_at_a_restart_takes_the_corrected_name_after_it(
    harness: BotHarness,
) -> None:
    sim, family_id = await _family(harness)
    await _anna_card(sim)
    await harness.crash_and_restart()
    sim = harness.user(sim.user_id, language_code="en")
    await sim.send("Ania")
    assert _last(harness, sim).startswith("✅ Saved.")
    assert (await _get(harness, family_id)).members[0].name == "Ania"


async def test_a_member_who_moved_out_meanwhile_is_not_corrected(harness: BotHarness) -> None:
    sim, family_id = await _family(harness)
    await _anna_card(sim)
    services = _services(harness)
    actor = await services.membership.actor(sim.user_id)
    anna = (await _get(harness, family_id)).members[0]
    await services.family_edits.member_left(actor, family_id, anna.id)  # from an older draft
    await sim.send("Ania")
    assert _last(harness, sim).startswith("That person is not a member of this family.")
    assert "tap someone to correct their name" in _last(harness, sim)  # the list, open
    assert "Anna" not in _buttons(harness, sim)
    family = await _get(harness, family_id)
    assert [m.name for m in family.former_members] == ["Anna"]


# --- the contract in force corrected ----------------------------------------------------------


async def test_the_contracts_dates_are_corrected_in_place_not_renewed(
    harness: BotHarness,
) -> None:
    sim, family_id = await _family(harness)
    await sim.send("/edit R-01")
    assert "Renew the contract" in _buttons(harness, sim)  # renewing stays as it was
    await sim.press("Correct contract dates")
    assert "signed 20 Nov 2026, valid until 20 May 2027" in _last(harness, sim)
    for typed, said in (
        ("31.02", "That date does not exist"),
        ("in 2 days", "That date is in the future. A contract is entered once it has been signed"),
        ("\u200b", "I could not read that date"),
    ):
        await sim.send(typed)
        assert said in _last(harness, sim), typed
    await sim.send("15.11.2026")
    assert "Signed 15 Nov 2026. Valid until, as recorded: 20 May 2027" in _last(harness, sim)
    await sim.send("10.11.2026")
    assert (
        "The contract was signed on 15.11.2026; it cannot end before that (10.11.2026)"
        in _last(harness, sim)
    )
    assert (await _get(harness, family_id)).contract_signed_on == SIGNED  # nothing saved yet
    await sim.send("15.05.2027")
    assert _last(harness, sim).startswith("✅ Saved.")
    assert "Contract: signed 15 Nov 2026, valid until 15 May 2027" in _last(harness, sim)
    family = await _get(harness, family_id)
    assert (family.contract_signed_on, family.contract_valid_until) == (
        date(2026, 11, 15),
        date(2027, 5, 15),
    )
    services = _services(harness)
    actor = await services.membership.actor(sim.user_id)
    assert await services.family_edits.contract_history(actor, family_id) == []
    await sim.press("Correct contract dates")
    await sim.press("Keep 15 Nov 2026")
    await sim.press("Keep 15 May 2027")
    assert _last(harness, sim).startswith("Nothing changed")
    await sim.press("Correct contract dates")
    await sim.press("Keep 15 Nov 2026")
    await sim.press("for a year")  # from the signing
    assert (await _get(harness, family_id)).contract_valid_until == date(2027, 11, 15)
    actions = await _actions(harness, family_id)
    assert actions.count("family.edit.contract_dates") == 2
    assert "family.edit.contract" not in actions  # no renewal
    assert harness.fake.errors == []


async def test_the_contracts_dates_are_corrected_in_polish_and_a_signing_after_its_end_is_said(
    harness: BotHarness,
) -> None:
    sim, family_id = await _family(harness, language="pl")
    await sim.send("/edytuj R-01")
    await sim.press("Popraw daty kontraktu")
    assert "Poprawiasz obowiązujący kontrakt" in _last(harness, sim)
    await sim.send("wczoraj")  # 30 November
    await sim.press("Wstecz")  # back to the signing day
    await sim.send("3 dni temu")  # 28 November
    await sim.send("koniec maja")
    assert _last(harness, sim).startswith("✅ Zapisano.")
    family = await _get(harness, family_id)
    assert (family.contract_signed_on, family.contract_valid_until) == (
        date(2026, 11, 28),
        date(2027, 5, 31),
    )
    await sim.press("Popraw daty kontraktu")
    await sim.send("dziś")
    await sim.send("30.11.2026")
    assert "Kontrakt podpisano 01.12.2026; nie może skończyć się wcześniej (30.11.2026)" in (
        _last(harness, sim)
    )
    await sim.press("Wstecz")
    await sim.press("Zostaw")  # the signing day as it was
    await sim.press("Zostaw")  # and the end: nothing changed
    assert _last(harness, sim).startswith("Nic się nie zmieniło")
    assert harness.fake.errors == []


async def test_a_signing_day_typed_before_a_restart_is_saved_with_the_end_after_it(
    harness: BotHarness,
) -> None:
    sim, family_id = await _family(harness)
    await sim.send("/edit R-01")
    await sim.press("Correct contract dates")
    await sim.send("18.11.2026")
    await sim.send("/edit R-01")  # a typed signing day waits: asked before it is dropped
    assert "Drop the change you started" in _last(harness, sim)
    await sim.press("No, go back")
    await harness.crash_and_restart()
    sim = harness.user(sim.user_id, language_code="en")
    await sim.send("18.06.2027")
    family = await _get(harness, family_id)
    assert (family.contract_signed_on, family.contract_valid_until) == (
        date(2026, 11, 18),
        date(2027, 6, 18),
    )


# --- who may correct ------------------------------------------------------------------------


async def test_a_coordinator_cannot_correct_and_a_reader_mid_step_is_refused(
    harness: BotHarness,
) -> None:
    sim, family_id = await _family(harness)
    admin = await harness.admin()
    await admin.send("/edit R-01")  # an admin (a coordinator's rights) reads only
    assert "only its assistant can change it" in _last(harness, admin)
    services = _services(harness)
    boss = Actor(telegram_id=ADMIN_ID, is_admin=True)
    await sim.send("/edit R-01")
    await sim.press("Correct contract dates")
    await sim.send("18.11.2026")
    await harness.assistant(1002)
    await services.team.hand_over(boss, "R-01", 1002)
    await services.team.set_role(boss, sim.user_id, Role.COORDINATOR)  # now a reader
    await sim.send("18.06.2027")
    assert "only its assistant can change it" in _last(harness, sim)
    await sim.send("Ania")  # the walk is over: nothing takes it
    family = await _get(harness, family_id)
    assert (family.contract_signed_on, family.members[0].name) == (SIGNED, "Anna")
    reader = await services.membership.actor(sim.user_id)
    with pytest.raises(DomainError, match="read_only"):
        await services.family_edits.rename_member(reader, family_id, family.members[0].id, "X")
    denied = await services.families.audit.entries(family_id, "denied")
    assert (sim.user_id, "walk.step") in denied  # the typed end, refused
    assert (sim.user_id, "family.edit.member_name") in denied


async def test_a_family_closed_meanwhile_takes_no_correction(harness: BotHarness) -> None:
    sim, family_id = await _family(harness)
    await _anna_card(sim)
    assert "Type the corrected first name" in _last(harness, sim)
    services = _services(harness)
    actor = await services.membership.actor(sim.user_id)
    await services.cases.close(
        actor, family_id, Closure(day=NOW.date(), reason=CloseReason.MOVED_AWAY, summary="Moved")
    )
    await sim.send("Ania")
    assert "The work with R-01 is closed" in _last(harness, sim)
    assert (await _get(harness, family_id)).members[0].name == "Anna"


async def test_a_family_registered_without_a_contract_gets_its_dates_recorded(
    harness: BotHarness,
) -> None:
    """No contract yet: its dates are recorded as they were (Renew would date it today)."""
    sim = await harness.assistant(language_code="en")
    actor = await _services(harness).membership.actor(sim.user_id)
    members = [Member(name="Anna", role=MemberRole.MOTHER)]
    await _services(harness).families.register(actor, NewFamily(code="R-02", members=members))
    await sim.send("/assessment R-02")
    await sim.send("2.11.2026")  # before the registration: refused, the way out named
    assert "record the contract it began with in /edit" in _last(harness, sim)
    await sim.send("/edit R-02")
    await sim.press("Yes, drop it")
    assert "Correct contract dates" not in _buttons(harness, sim)  # nothing to correct
    await sim.press("Record the contract's dates")
    assert "Keep" not in " ".join(_buttons(harness, sim))
    await sim.send("1.06.2026")
    await sim.send("31.05.2027")
    assert "Saved" in _last(harness, sim)
    family = await _get(
        harness, (await _services(harness).families.open_by_code(actor, "R-02", "read.test")).id
    )
    assert (family.contract_signed_on, family.contract_valid_until) == (
        date(2026, 6, 1),
        date(2027, 5, 31),
    )
    await sim.send("/assessment R-02")
    await sim.send("2.11.2026")  # the work began with that contract
    assert "before the work" not in _last(harness, sim)
    assert harness.fake.errors == []
