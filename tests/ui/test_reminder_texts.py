"""Reminder texts: every kind in both languages shows family codes, never what is behind them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from bot.config import Settings
from bot.domain.appointment import AppointmentStatus, Institution, NewAppointment
from bot.domain.family import Member, NewFamily
from bot.domain.lifecycle import CloseReason, Closure, ContactForm
from bot.domain.people import Actor, Role
from bot.domain.plan import TaskOwner
from bot.domain.reminders.facts import (
    AppointmentFact,
    DigestFacts,
    MissedReminder,
    ReminderFacts,
    TeamDigestFacts,
    TeamDigestRow,
    VisitGapFact,
)
from bot.domain.reminders.kinds import ReminderKind
from bot.domain.visit import VisitDraft
from bot.domain.vocabulary import Area, MemberRole, Place
from bot.i18n import LOCALES, translator
from bot.services.registry import Services
from bot.services.reminders import Dispatcher
from bot.storage.db import Database
from bot.storage.outbox import OutboxItem, UnreachableNotice
from bot.storage.people import PeopleRepository
from bot.ui.reminder_texts import render, render_unreachable
from bot.ui.text import MESSAGE_LIMIT, telegram_length
from tests.support.harness import ADMIN_ID
from tests.support.telegram_rules import check_text

WARSAW = ZoneInfo("Europe/Warsaw")
MONDAY = date(2026, 12, 7)
OWNER = Actor(telegram_id=1001, is_assistant=True)
ADMIN = Actor(telegram_id=ADMIN_ID, is_admin=True)
COORDINATOR, COVER = 3001, 1002
SECRETS = [
    "Zbigniewqx",  # member names
    "Genowefaqx",
    "LabelSecretqx",  # the family's label
    "NoteSecretqx",  # a visit's note and next steps
    "NextStepsSecretqx",
    "GoalSecretqx",  # plan texts
    "EffectSecretqx",
    "TaskSecretqx",
    "TaskInstitutionSecretqx",
    "ProgressSecretqx",
    "AssessmentSecretqx",
    "ResourceSecretqx",
    "CourtNameSecretqx",  # an appointment's institution name, purpose and outcome
    "PurposeSecretqx",
    "OutcomeSecretqx",
    "ClosingSummarySecretqx",  # a closure's summary, a monitoring contact's note
    "ContactSecretqx",
]


def local(day: date, hour: int, minute: int = 0) -> datetime:
    """A Warsaw wall time as a UTC instant."""
    return datetime.combine(day, time(hour, minute), tzinfo=WARSAW).astimezone(UTC)


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[time_machine.Coordinates]:
    """Time starts in June, when the families were registered."""
    with time_machine.travel(local(date(2026, 6, 1), 9), tick=False) as traveller:
        yield traveller


class Recorder:
    """A Sender that keeps what it was given."""

    def __init__(self) -> None:
        self.sent: list[OutboxItem] = []

    async def send(self, chat_id: int, reminder: OutboxItem) -> None:
        """Accept everything."""
        self.sent.append(reminder)


async def _no_wait(_: float) -> None:
    """Pacing without waiting."""


async def _build_world(services: Services, db: Database, clock: time_machine.Coordinates) -> None:
    """Two families full of sensitive text, a plan, visits, appointments, an outcome."""
    await PeopleRepository(db).add_assistant(
        OWNER.telegram_id, "Owner", local(date(2026, 6, 1), 9)
    )
    first, _ = await services.families.register(
        OWNER,
        NewFamily(
            code="R-01",
            label="LabelSecretqx",
            members=[
                Member(name="Zbigniewqx", role=MemberRole.FATHER),
                Member(name="Genowefaqx", role=MemberRole.CHILD),
            ],
            contract_signed_on=date(2026, 6, 1),
            contract_valid_until=MONDAY + timedelta(days=10),
        ),
    )
    # R-02's contract was signed in April, before it came into the bot with its assessment.
    mother = Member(name="Genowefaqx", role=MemberRole.MOTHER)
    second, _ = await services.families.register(
        OWNER, NewFamily(code="R-02", members=[mother], contract_signed_on=date(2026, 4, 1))
    )
    plans = services.plans
    # R-02's last assessment was in May: overdue since November.
    clock.move_to(local(date(2026, 6, 2), 9))
    await plans.record_assessment(OWNER, second, date(2026, 5, 1), "AssessmentSecretqx")
    # R-01's plan starts mid-June: its assessment is due 14 December, announced on 7 December.
    clock.move_to(local(date(2026, 6, 14), 9))
    await plans.add_resource(OWNER, first, "ResourceSecretqx")
    members = (await services.families.peek(OWNER, first)).members
    clock.move_to(local(MONDAY - timedelta(days=10), 9))
    saved = await services.visits.record(
        OWNER,
        VisitDraft(
            token="v1",
            family_id=first,
            visit_date=MONDAY - timedelta(days=10),
            duration_min=60,
            place=Place.HOME,
            present=[m.id for m in members],
            note="NoteSecretqx",
            next_steps="NextStepsSecretqx",
        ),
    )
    tuesday = MONDAY + timedelta(days=1)
    goal = await plans.add_goal(
        OWNER,
        first,
        Area.HEALTH,
        "GoalSecretqx",
        expected_effect="EffectSecretqx",
        due=tuesday,
    )
    await plans.add_task(
        OWNER, goal.id, "TaskSecretqx", TaskOwner.member(members[0].id), due=tuesday
    )
    await plans.add_task(
        OWNER,
        goal.id,
        "TaskSecretqx",
        TaskOwner.of_institution("TaskInstitutionSecretqx"),
        due=tuesday,
    )
    await plans.add_progress_note(OWNER, goal.id, "ProgressSecretqx", saved.visit.id)

    def appointment(starts_at: datetime, accompany: bool) -> NewAppointment:
        return NewAppointment(
            family_id=first,
            member_ids=tuple(m.id for m in members),
            institution=Institution.COURT,
            institution_name="CourtNameSecretqx",
            starts_at=starts_at,
            accompany=accompany,
            purpose="PurposeSecretqx",
            goal_id=goal.id,
        )

    # The centre's pushes: a coordinator hears of R-02 (never visited, assessment late) and gets
    # the Monday digest; R-02 goes on holiday cover to another assistant until Tuesday, R-06
    # to that assistant for good.
    await PeopleRepository(db).add_assistant(COORDINATOR, "Coordinator", local(MONDAY, 6))
    await PeopleRepository(db).set_role(COORDINATOR, Role.COORDINATOR)
    await PeopleRepository(db).add_assistant(COVER, "Cover", local(MONDAY, 6))
    await services.team.cover(ADMIN, "R-02", COVER, tuesday)
    # R-06 goes to the cover assistant for good: both are told.
    handed = NewFamily(
        code="R-06",
        label="LabelSecretqx",
        members=[Member(name="Zbigniewqx", role=MemberRole.FATHER)],
    )
    await services.families.register(OWNER, handed)
    await services.team.hand_over(ADMIN, "R-06", COVER)
    clock.move_to(local(MONDAY - timedelta(days=3), 9))
    await services.appointments.create(OWNER, appointment(local(tuesday, 10), True))
    await services.appointments.create(OWNER, appointment(local(MONDAY, 9), False))
    done = await services.appointments.create(OWNER, appointment(local(MONDAY, 8), True))
    clock.move_to(local(MONDAY, 8, 30))
    await services.appointments.record_outcome(
        OWNER, done.id, AppointmentStatus.ATTENDED, "OutcomeSecretqx"
    )
    await _closed_families(services, clock)


async def _closed_families(services: Services, clock: time_machine.Coordinates) -> None:
    """R-04, monitored until Monday (finish or extend?); R-05, a month after its closure."""
    now = services.clock.now()
    clock.move_to(local(date(2026, 6, 1), 10))
    ended, _ = await services.families.register(OWNER, NewFamily(code="R-04"))
    monitored, _ = await services.families.register(OWNER, NewFamily(code="R-05"))
    clock.move_to(now)
    for family_id, closed_on, months in (
        (ended, MONDAY - timedelta(days=91), 3),
        (monitored, date(2026, 11, 7), 6),
    ):
        closure = Closure(
            day=closed_on,
            reason=CloseReason.GOALS_ACHIEVED,
            summary="ClosingSummarySecretqx",
            monitor_months=months,
        )
        await services.cases.close(OWNER, family_id, closure)
    await services.cases.record_contact(
        OWNER, ended, date(2026, 10, 1), ContactForm.VISIT, "ContactSecretqx"
    )


async def _every_item(
    settings: Settings, db: Database, clock: time_machine.Coordinates
) -> list[OutboxItem]:
    """Run the scheduler over two days and a downtime; return every outbox row."""
    services = Services.build(settings, db)
    await _build_world(services, db, clock)
    recorder = Recorder()
    dispatcher = Dispatcher(services.reminders.reminders, recorder, services.clock, sleep=_no_wait)
    moment = local(MONDAY, 7)
    while moment <= local(MONDAY + timedelta(days=1), 14):
        clock.move_to(moment)
        await services.reminders.tick()
        await services.team.tick()
        await dispatcher.dispatch()
        moment += timedelta(minutes=15)
    # Down until Monday a week later: what fell due meanwhile comes as one catch-up.
    clock.move_to(local(MONDAY + timedelta(days=7), 11))
    await services.reminders.tick()
    await dispatcher.dispatch()
    rows = await db.fetch_all("SELECT id FROM outbox ORDER BY id")
    items = [await services.reminders.reminders.get(int(r["id"])) for r in rows]
    return [i for i in items if i is not None]


async def test_every_kind_leaks_nothing_in_any_language(
    settings: Settings, db: Database, frozen_clock: time_machine.Coordinates
) -> None:
    items = await _every_item(settings, db, frozen_clock)
    assert {i.kind for i in items} == set(ReminderKind)
    payloads = await db.fetch_all("SELECT payload FROM outbox")
    stored = " ".join(str(p["payload"]) for p in payloads).lower()
    for secret in SECRETS:
        assert secret.lower() not in stored, secret
    for locale in LOCALES:
        tr = translator(locale)
        for item in items:
            text = render(tr, item)
            check_text(text, "HTML")
            assert telegram_length(text) <= MESSAGE_LIMIT
            lowered = text.lower()
            for secret in SECRETS:
                assert secret.lower() not in lowered, (locale, item.kind, secret)
            if item.family_code is not None:
                assert item.family_code in text


def _item(kind: ReminderKind, facts: ReminderFacts) -> OutboxItem:
    """An outbox row built by hand."""
    at = local(MONDAY, 8)
    return OutboxItem(
        id=1,
        key="k",
        assistant_id=1,
        kind=kind,
        facts=facts,
        due_at=at,
        next_attempt_at=at,
        created_at=at,
    )


@pytest.mark.parametrize("locale", LOCALES)
def test_times_are_shown_in_the_assistants_zone(locale: str) -> None:
    fact = AppointmentFact(
        appointment_id=1,
        family_id=1,
        family_code="R-07",
        institution=Institution.PUP,
        starts_at=datetime(2026, 12, 8, 9, 30, tzinfo=UTC),
        accompany=False,
    )
    text = render(
        translator(locale), _item(ReminderKind.APPOINTMENT_SOON, ReminderFacts(appointment=fact))
    )
    assert "10:30" in text  # 9:30 UTC is 10:30 in Warsaw in December
    assert "R-07" in text


def test_an_empty_digest_says_so() -> None:
    digest = ReminderFacts(digest=DigestFacts(day=MONDAY))
    assert "Nothing pressing today" in render(translator("en"), _item(ReminderKind.DIGEST, digest))


def test_a_huge_catch_up_stays_within_one_message() -> None:
    gap = VisitGapFact(family_id=1, family_code="R-01", days=9, visited=True, visits_per_week=1)
    missed = tuple(
        MissedReminder(
            kind=ReminderKind.OVERDUE_VISIT,
            due_at=local(MONDAY, 8) + timedelta(minutes=n),
            facts=ReminderFacts(visit_gap=gap.model_copy(update={"family_id": n})),
        )
        for n in range(400)
    )
    for locale in LOCALES:
        text = render(
            translator(locale), _item(ReminderKind.CATCH_UP, ReminderFacts(missed=missed))
        )
        assert telegram_length(text) <= MESSAGE_LIMIT
        check_text(text, "HTML")
        assert "…\n" in text  # cut at a line, with a pointer to the rest


def test_family_codes_and_names_are_escaped() -> None:
    gap = VisitGapFact(family_id=1, family_code="R<1>", days=9, visited=True, visits_per_week=2)
    text = render(
        translator("en"), _item(ReminderKind.OVERDUE_VISIT, ReminderFacts(visit_gap=gap))
    )
    assert "R&lt;1&gt;" in text
    check_text(text, "HTML")
    notice = UnreachableNotice(assistant_id=5, display_name="<b>Ola</b> & co", dropped=2)
    admin_text = render_unreachable(translator("pl"), notice)
    assert "&lt;b&gt;Ola&lt;/b&gt; &amp; co" in admin_text
    check_text(admin_text, "HTML")


@pytest.mark.parametrize(("locale", "pointer"), [("en", "/team"), ("pl", "/zespol")])
def test_a_team_digest_cut_short_points_to_the_team_view(locale: str, pointer: str) -> None:
    codes = tuple(f"R-{n:03}" for n in range(15))
    rows = tuple(
        TeamDigestRow(
            assistant_name=f"Assistant {n} " + "x" * 60,
            completed=1,
            target=15,
            minutes=90,
            missed=0,
            not_seen=codes,
        )
        for n in range(120)  # a large centre: more than one message holds
    )
    facts = ReminderFacts(team_digest=TeamDigestFacts(monday=MONDAY, rows=rows))
    text = render(translator(locale), _item(ReminderKind.TEAM_DIGEST, facts))
    check_text(text, "HTML")
    assert telegram_length(text) <= MESSAGE_LIMIT
    assert text.endswith(pointer + ".")
    assert "/agenda" not in text
    assert "/terminy" not in text
