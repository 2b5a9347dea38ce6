"""The centre's view: the team, roles and deactivation, holiday cover, escalations, team digest.

Reads of families here are coordinators' reads: each is audited like any other. Every push
goes through the outbox under a key unique to its occurrence, so a restart sends none twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.domain.errors import DomainError, NotFound
from bot.domain.family import Family
from bot.domain.people import Actor, Role
from bot.domain.reminders.escalation import (
    build_team_digest,
    escalation_cases,
    escalations_due,
    team_check_day,
    team_digest_key,
    team_digest_monday,
    team_digest_reminder,
)
from bot.domain.reminders.facts import CoverFact, HandOverFact, Reminder, ReminderFacts
from bot.domain.reminders.kinds import ESCALATE_AFTER_DAYS, ReminderKind
from bot.domain.reminders.quiet import CatchUp, defer_for_quiet_hours
from bot.domain.team import (
    AssistantFigures,
    FamilyFigures,
    TeamMember,
    family_figures,
    last_week,
    named_family_ids,
    team_overview,
)
from bot.services.audit import AccessAudit
from bot.services.clock import Clock
from bot.services.families import FamilyService
from bot.storage.people import PeopleRepository
from bot.storage.reminders import ReminderRepository
from bot.storage.team import CoverEnd, TeamRepository

COVER_MAX_DAYS = 92  # a holiday cover longer than a quarter is a reassignment


@dataclass(frozen=True)
class TeamService:
    """What coordinators and admins see and do about the team."""

    team: TeamRepository
    people: PeopleRepository
    families: FamilyService
    outbox: ReminderRepository
    clock: Clock
    admin_ids: frozenset[int]
    escalate_after_days: int = ESCALATE_AFTER_DAYS

    @property
    def audit(self) -> AccessAudit:
        """The access log the family service writes."""
        return self.families.audit

    # What a coordinator sees

    async def members(self, actor: Actor) -> list[TeamMember]:
        """Everyone registered, with role and state (coordinators and admins)."""
        actor.check_team()
        return await self.team.members(self.admin_ids)

    async def overview(self, actor: Actor) -> list[AssistantFigures]:
        """The team at a glance: per person holding families, this week's figures.

        Logged as one read of the view (its counts cover every family) and one read of each
        family whose code it names, in one commit.
        """
        actor.check_team()
        today = self.clock.today()
        members, families = await self.team.members_and_families(
            self.admin_ids, today, self.clock.now()
        )
        figures = team_overview(members, families, today)
        await self.audit.allowed_each(
            actor.telegram_id,
            "read.team",
            named_family_ids(figures, families, actor.telegram_id),
            summary=f"families={len(families)}",
        )
        return figures

    async def caseload_of(
        self, actor: Actor, assistant_id: int
    ) -> tuple[TeamMember, list[FamilyFigures]]:
        """One person's families with their figures; each family read is audited."""
        actor.check_team()
        today = self.clock.today()
        members, families = await self.team.members_and_families(
            self.admin_ids, today, self.clock.now(), assistant_id=assistant_id
        )
        member = next((m for m in members if m.telegram_id == assistant_id), None)
        if member is None:
            await self.audit.denied(
                actor.telegram_id, "read.caseload", subject=f"person={assistant_id}"
            )
            raise NotFound("assistant_unknown")
        rows = sorted((family_figures(f, today) for f in families), key=lambda r: r.code)
        await self.audit.allowed_each(
            actor.telegram_id, "read.caseload", [row.family_id for row in rows]
        )
        return member, rows

    # What an admin does about people

    async def set_role(self, actor: Actor, telegram_id: int, role: Role) -> TeamMember:
        """Make a person an assistant or a coordinator (admins only)."""
        actor.check_admin()
        if not await self.people.set_role(telegram_id, role):
            raise NotFound("assistant_unknown")
        await self.audit.allowed(actor.telegram_id, "team.role", None, f"{telegram_id}={role}")
        return await self._member(telegram_id)

    async def deactivate(self, actor: Actor, telegram_id: int) -> TeamMember:
        """Deactivate someone who left; refused while they still hold active families."""
        actor.check_admin()
        member = await self._member(telegram_id)
        if member.is_admin:
            raise DomainError("admin_in_config")
        codes = await self.team.held_codes(telegram_id)
        if codes:
            raise DomainError(
                "still_holds_families", name=member.display_name, codes=", ".join(codes)
            )
        await self.people.set_active(telegram_id, False)
        await self.audit.allowed(actor.telegram_id, "team.deactivate", None, str(telegram_id))
        return await self._member(telegram_id)

    async def reactivate(self, actor: Actor, telegram_id: int) -> TeamMember:
        """Let a deactivated person in again, in their old role."""
        actor.check_admin()
        await self._member(telegram_id)
        await self.people.set_active(telegram_id, True)
        await self.audit.allowed(actor.telegram_id, "team.reactivate", None, str(telegram_id))
        return await self._member(telegram_id)

    async def _member(self, telegram_id: int) -> TeamMember:
        """One registered person; NotFound for anyone else."""
        for member in await self.team.members(self.admin_ids):
            if member.telegram_id == telegram_id:
                return member
        raise NotFound("assistant_unknown")

    # Handing a family over

    async def hand_over(self, actor: Actor, code: str, assistant_id: int) -> Family:
        """Move a family to another assistant for good (admins); the family as it is now.

        The assistant who has it now and whoever had it are told, with its code only.
        """
        before = await self.families.checked_assignment(actor, code, assistant_id, "family.assign")
        family = await self.families.move(actor, before, assistant_id)
        now = self.clock.now()
        await self._enqueue(_hand_over_notices(before, assistant_id, now), now)
        return family

    # Holiday cover

    async def cover(self, actor: Actor, code: str, cover_id: int, until: date) -> str:
        """Hand a family to a cover assistant until a day (admins); both are told. Its code."""
        family = await self.families.checked_assignment(actor, code, cover_id, "family.cover")
        today = self.clock.today()
        if until <= today:
            raise DomainError("cover_past")
        if until > today + timedelta(days=COVER_MAX_DAYS):
            raise DomainError("cover_too_long", days=COVER_MAX_DAYS)
        owner = family.cover_for or family.assistant_id
        if family.assistant_id == cover_id:
            raise DomainError("cover_same")
        if owner == cover_id:  # its own assistant "covering" it: it goes back to them anyway
            raise DomainError("cover_owner", family_code=family.code, id=cover_id)
        earlier = _earlier_cover(family, cover_id)
        await self.team.start_cover(family.id, cover_id, until)
        cover = CoverEnd(
            family_id=family.id, code=family.code, owner=owner or 0, cover=cover_id, until=until
        )
        await self.audit.allowed(
            actor.telegram_id, "family.cover", family.id, f"{cover_id} until {until}"
        )
        now = self.clock.now()
        notices = [
            _cover_notice(ReminderKind.COVER_STARTS, person, person == cover_id, cover, now)
            for person in (cover_id, owner)
            if person is not None
        ]
        if earlier is not None:  # the cover it replaces ends now: its assistant is told
            notices.append(
                _cover_notice(ReminderKind.COVER_ENDS, earlier.cover, True, earlier, now)
            )
        await self._enqueue(notices, now)
        return family.code

    # The tick

    async def tick(self, now: datetime | None = None) -> int:
        """Covers that end go back; escalations once a working day; the Monday team digest."""
        now = now or self.clock.now()
        found = await self._covers_ended(now)
        found += await self._escalations(now)
        found += await self._team_digests(now)
        queued = await self._enqueue(found, now)
        day = team_check_day(now, self.clock.tz)
        if day is not None and await self.team.checked_on() != day:
            await self.team.mark_checked(day)
        return queued

    async def _covers_ended(self, now: datetime) -> list[Reminder]:
        """Give back the families whose cover ended today; tell both."""
        ended = await self.team.end_covers(now.astimezone(self.clock.tz).date())
        found: list[Reminder] = []
        for end in ended:
            await self.audit.allowed(0, "family.cover_end", end.family_id, str(end.owner))
            found += [
                _cover_notice(ReminderKind.COVER_ENDS, person, person == end.cover, end, now)
                for person in (end.owner, end.cover)
            ]
        return found

    async def _escalations(self, now: datetime) -> list[Reminder]:
        """The day's escalation cases, once a working day (the keys stop any repeat)."""
        day = team_check_day(now, self.clock.tz)
        if day is None or await self.team.checked_on() == day:
            return []
        recipients = await self.team.recipients(self.admin_ids)
        if not recipients:
            return []
        families = await self.team.families(day, now)
        names = {m.telegram_id: m.display_name for m in await self.team.members(self.admin_ids)}
        gone = {
            person: since.astimezone(self.clock.tz).date()
            for person, since in (await self.team.unreachable_since()).items()
        }
        cases = escalation_cases(day, families, gone, names, after_days=self.escalate_after_days)
        return escalations_due(day, self.clock.tz, cases, recipients)

    async def _team_digests(self, now: datetime) -> list[Reminder]:
        """The weekly team digest of each coordinator and admin whose Monday 08:00 came."""
        waiting: dict[int, date] = {}
        prefs = {}
        for recipient in await self.team.recipients(self.admin_ids):
            prefs[recipient] = await self.outbox.prefs(recipient)
            monday = team_digest_monday(now, prefs[recipient])
            if monday is not None:
                waiting[recipient] = monday
        done = await self.outbox.existing_keys([team_digest_key(r, m) for r, m in waiting.items()])
        waiting = {r: m for r, m in waiting.items() if team_digest_key(r, m) not in done}
        if not waiting:
            return []
        names = {m.telegram_id: m.display_name for m in await self.team.members(self.admin_ids)}
        found = []
        for monday in sorted(set(waiting.values())):
            reported, sunday = last_week(monday)
            families = await self.team.families(sunday, now)
            week = {
                person: (w.completed, w.missed, w.minutes)
                for person, w in (await self.team.week_of_visits(reported, sunday)).items()
            }
            digest = build_team_digest(monday, names, families, week)
            found += [
                team_digest_reminder(r, monday, prefs[r], digest)
                for r, m in waiting.items()
                if m == monday
            ]
        return found

    async def _enqueue(self, reminders: list[Reminder], now: datetime) -> int:
        """Store pushes in the outbox, each past its recipient's quiet hours."""
        if not reminders:
            return 0
        existing = await self.outbox.existing_keys([r.key for r in reminders])
        fresh = [r for r in reminders if r.key not in existing]
        deferred = []
        for reminder in fresh:
            prefs = await self.outbox.prefs(reminder.assistant_id)
            if prefs.unreachable:
                continue
            deferred.append(defer_for_quiet_hours(reminder, prefs))
        return await self.outbox.enqueue(CatchUp(send=tuple(deferred)), now)


def _earlier_cover(family: Family, cover_id: int) -> CoverEnd | None:
    """The cover a new one replaces (another assistant covering the family now), if any."""
    if family.cover_for is None or family.cover_until is None or family.assistant_id == cover_id:
        return None
    return CoverEnd(
        family_id=family.id,
        code=family.code,
        owner=family.cover_for,
        cover=family.assistant_id,
        until=family.cover_until,
    )


def _hand_over_notices(before: Family, assistant_id: int, now: datetime) -> list[Reminder]:
    """Who is told of a hand-over for good, and what.

    The assistant who has the family now, and whoever had it (its assistant, and its own one
    during a cover). A cover given back early to the family's own assistant is told as the
    cover's end.
    """
    end = _earlier_cover(before, assistant_id) if before.cover_for == assistant_id else None
    if end is not None:
        return [
            _cover_notice(ReminderKind.COVER_ENDS, person, person == end.cover, end, now)
            for person in (end.owner, end.cover)
        ]
    had = [p for p in (before.assistant_id, before.cover_for) if p is not None]
    if had == [assistant_id]:  # with that assistant already: nothing changes
        return []
    return [
        Reminder(
            assistant_id=person,
            kind=ReminderKind.HANDED_OVER,
            key=f"{ReminderKind.HANDED_OVER.value}:{before.id}:{person}:{now.isoformat()}",
            due_at=now,
            facts=ReminderFacts(
                hand_over=HandOverFact(
                    family_id=before.id, family_code=before.code, yours=person == assistant_id
                )
            ),
        )
        for person in dict.fromkeys([assistant_id, *had])
    ]


def _cover_notice(
    kind: ReminderKind, person: int, covering: bool, cover: CoverEnd, now: datetime
) -> Reminder:
    """A cover's start or end as told to one of the two assistants (codes only).

    Keyed by the moment too: a cover given back early and made again to the same day is
    another event, told again (the tick ends each cover once).
    """
    return Reminder(
        assistant_id=person,
        kind=kind,
        key=f"{kind.value}:{cover.family_id}:{cover.until}:{person}:{now.isoformat()}",
        due_at=now,
        facts=ReminderFacts(
            cover=CoverFact(
                family_id=cover.family_id,
                family_code=cover.code,
                until=cover.until,
                covering=covering,
            )
        ),
    )
