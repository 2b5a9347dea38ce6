"""Reminder messages as HTML: family codes only, times in the assistant's zone, within limits.

The facts a reminder carries hold no member names, notes, purposes or institution names
(see `bot.domain.reminders.facts`), so nothing here can leak them; every piece is escaped anyway.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.domain.reminders.facts import (
    AppointmentFact,
    AssessmentFact,
    ContractFact,
    DigestFacts,
    DueFact,
    MonitoringFact,
    ReminderFacts,
    VisitGapFact,
)
from bot.domain.reminders.kinds import PlanItemKind, ReminderKind
from bot.i18n import Translator
from bot.storage.outbox import OutboxItem, UnreachableNotice
from bot.ui import labels, team_texts
from bot.ui.text import MESSAGE_LIMIT, esc, telegram_length

DATE_FORMAT = "EEE d MMM"
WHEN_FORMAT = "EEE d MMM, HH:mm"
TIME_FORMAT = "HH:mm"
SECTION_MAX = 15  # a caseload is at most 15 families; more lines are summed up


def render(tr: Translator, item: OutboxItem) -> str:
    """The whole message for one outbox row, within Telegram's length limit."""
    # A digest cut short points to where the rest is: the team's to /team, an assistant's own
    # to their appointments and families.
    if item.facts.team_digest is not None:
        rest = tr.gettext("The rest is in /team.")
    else:
        rest = tr.gettext("The rest is in /agenda and /families.")
    return _fit(_lines(tr, item.kind, item.facts, item.zone), rest)


def digest_lines(
    tr: Translator, digest: DigestFacts, zone: ZoneInfo, *, late: bool = False
) -> list[str]:
    """The morning digest: today's appointments, families waiting, due soon, assessments."""
    _ = tr.gettext
    day = _date(tr, digest.day)
    if late:  # inside a catch-up the greeting would be about a morning long gone
        lines = ["☀️ " + _("<b>Digest of {date}</b>").format(date=day)]
    else:
        lines = ["☀️ " + _("<b>Good morning! Your day: {date}</b>").format(date=day)]
    if digest.is_empty:
        return [*lines, _("Nothing pressing today. Have a good day!")]
    if digest.appointments:
        lines += ["", _("<b>Appointments today</b>")]
        lines += _capped(tr, [_agenda_line(tr, a, zone) for a in digest.appointments])
    if digest.overdue:
        lines += ["", _("<b>Waiting for a visit</b>")]
        lines += _capped(tr, ["• " + _gap_text(tr, g) for g in digest.overdue])
    if digest.due:
        lines += ["", _("<b>Goals and tasks due soon</b>")]
        lines += _capped(tr, ["• " + _due_line(tr, d, digest.day) for d in digest.due])
    if digest.assessments:
        lines += ["", _("<b>Periodic assessments</b>")]
        lines += _capped(
            tr, ["• " + _assessment_line(tr, a, digest.day) for a in digest.assessments]
        )
    if digest.contracts:
        lines += ["", _("<b>Contracts ending</b>")]
        lines += _capped(tr, ["• " + _contract_line(tr, c) for c in digest.contracts])
    return lines


def render_unreachable(tr: Translator, notice: UnreachableNotice) -> str:
    """For the admins: an assistant blocked the bot and their reminders stopped."""
    return "⚠️ " + tr.ngettext(
        "<b>{name}</b> blocked the bot or left Telegram. Their reminders are stopped; "
        "{count} waiting reminder was dropped. They resume once they write to the bot.",
        "<b>{name}</b> blocked the bot or left Telegram. Their reminders are stopped; "
        "{count} waiting reminders were dropped. They resume once they write to the bot.",
        notice.dropped,
    ).format(name=esc(notice.display_name), count=notice.dropped)


def _lines(
    tr: Translator,
    kind: ReminderKind,
    facts: ReminderFacts,
    zone: ZoneInfo,
    *,
    late: bool = False,
) -> list[str]:
    """The lines of one reminder of a kind (`late`: inside a catch-up)."""
    _ = tr.gettext
    if kind is ReminderKind.DIGEST and facts.digest is not None:
        return digest_lines(tr, facts.digest, zone, late=late)
    if kind is ReminderKind.CATCH_UP:
        return _catch_up_lines(tr, facts, zone)
    if facts.escalation is not None:
        return team_texts.escalation_lines(tr, kind, facts.escalation)
    if facts.team_digest is not None:
        return team_texts.team_digest_lines(tr, facts.team_digest)
    if facts.cover is not None:
        return team_texts.cover_lines(tr, kind, facts.cover)
    if facts.hand_over is not None:
        return team_texts.hand_over_lines(tr, facts.hand_over)
    if facts.appointment is not None:
        return _appointment_lines(tr, kind, facts.appointment, zone)
    if facts.visit_gap is not None:
        gap = facts.visit_gap
        target = tr.ngettext(
            "Target: {count} visit a week.", "Target: {count} visits a week.", gap.visits_per_week
        ).format(count=gap.visits_per_week)
        return ["🏠 " + _gap_text(tr, gap), target]
    if facts.due is not None:
        due = facts.due
        values = {"family": _code(due.family_code), "date": _date(tr, due.due_on)}
        if due.item is PlanItemKind.GOAL:
            return ["🎯 " + _("A goal of <b>{family}</b> is due {date}.").format(**values)]
        return ["☑️ " + _("A task of <b>{family}</b> is due {date}.").format(**values)]
    if facts.assessment is not None:
        values = {
            "family": _code(facts.assessment.family_code),
            "date": _date(tr, facts.assessment.due_on),
        }
        if kind is ReminderKind.ASSESSMENT_OVERDUE:
            text = _("The periodic assessment of <b>{family}</b> was due {date} and is overdue.")
        else:
            text = _("The periodic assessment of <b>{family}</b> is due {date}.")
        return ["📝 " + text.format(**values)]
    if facts.contract is not None:
        return ["📄 " + _contract_line(tr, facts.contract)]
    if facts.monitoring is not None:
        return ["👁 " + _monitoring_line(tr, kind, facts.monitoring)]
    return ["🔔 " + _("A reminder is due. Open /agenda or /families.")]


def _appointment_lines(
    tr: Translator, kind: ReminderKind, appointment: AppointmentFact, zone: ZoneInfo
) -> list[str]:
    """An appointment reminder: heading, family, institution type, time, who goes."""
    _ = tr.gettext
    headings = {
        ReminderKind.APPOINTMENT_EVENING: "📅 " + _("<b>Appointment coming up</b>"),
        ReminderKind.APPOINTMENT_SOON: "⏰ " + _("<b>Appointment soon</b>"),
        ReminderKind.OUTCOME_QUESTION: "❓ " + _("<b>How did the appointment go?</b>"),
    }
    lines = [
        headings.get(kind, "📅 " + _("<b>Appointment</b>")),
        _("<b>{family}</b>: {institution}, {when}").format(
            family=_code(appointment.family_code),
            institution=esc(labels.name(tr, appointment.institution)),
            when=_when(tr, appointment.starts_at, zone),
        ),
    ]
    if kind is ReminderKind.OUTCOME_QUESTION:
        return [*lines, _("Record the outcome: attended, not attended or rescheduled.")]
    if appointment.accompany:
        return [*lines, _("You go along.")]
    return [*lines, _("The family goes on their own.")]


def _catch_up_lines(tr: Translator, facts: ReminderFacts, zone: ZoneInfo) -> list[str]:
    """Several reminders missed while the bot was down, oldest first, in one message."""
    count = len(facts.missed)
    lines = [
        "🔁 " + tr.gettext("<b>While I was offline</b>"),
        tr.ngettext(
            "{count} reminder came due meanwhile:", "{count} reminders came due meanwhile:", count
        ).format(count=count),
    ]
    for missed in facts.missed:
        lines += ["", *_lines(tr, missed.kind, missed.facts, zone, late=True)]
    return lines


def _gap_text(tr: Translator, gap: VisitGapFact) -> str:
    """How long a family has waited for a visit."""
    if gap.visited:
        text = tr.ngettext(
            "<b>{family}</b>: no visit for {count} day.",
            "<b>{family}</b>: no visit for {count} days.",
            gap.days,
        )
    else:
        text = tr.ngettext(
            "<b>{family}</b>: no visit yet, {count} day since registration.",
            "<b>{family}</b>: no visit yet, {count} days since registration.",
            gap.days,
        )
    return text.format(family=_code(gap.family_code), count=gap.days)


def _agenda_line(tr: Translator, appointment: AppointmentFact, zone: ZoneInfo) -> str:
    """One of today's appointments in the digest."""
    values = {
        "time": esc(tr.fmt_datetime(appointment.starts_at.astimezone(zone), TIME_FORMAT)),
        "family": _code(appointment.family_code),
        "institution": esc(labels.name(tr, appointment.institution)),
    }
    if appointment.accompany:
        return "• " + tr.gettext("{time} <b>{family}</b>: {institution}, you go along").format(
            **values
        )
    return "• " + tr.gettext("{time} <b>{family}</b>: {institution}").format(**values)


def _due_line(tr: Translator, due: DueFact, today: date) -> str:
    """A goal or task in the digest, overdue ones said so."""
    _ = tr.gettext
    values = {"family": _code(due.family_code), "date": _date(tr, due.due_on)}
    goal = due.item is PlanItemKind.GOAL
    if due.due_on < today:
        text = (
            _("<b>{family}</b>: goal overdue since {date}")
            if goal
            else _("<b>{family}</b>: task overdue since {date}")
        )
    else:
        text = (
            _("<b>{family}</b>: goal due {date}")
            if goal
            else _("<b>{family}</b>: task due {date}")
        )
    return text.format(**values)


def _assessment_line(tr: Translator, assessment: AssessmentFact, today: date) -> str:
    """A periodic assessment in the digest."""
    values = {"family": _code(assessment.family_code), "date": _date(tr, assessment.due_on)}
    if assessment.due_on < today:
        return tr.gettext("<b>{family}</b>: overdue since {date}").format(**values)
    return tr.gettext("<b>{family}</b>: due {date}").format(**values)


def _contract_line(tr: Translator, contract: ContractFact) -> str:
    """A contract coming to its end."""
    return tr.gettext("The contract with <b>{family}</b> ends {date}.").format(
        family=_code(contract.family_code), date=_date(tr, contract.ends_on)
    )


def _monitoring_line(tr: Translator, kind: ReminderKind, fact: MonitoringFact) -> str:
    """A monitoring reminder: a contact is due, or the period is over."""
    values = {"family": _code(fact.family_code), "date": _date(tr, fact.until)}
    if kind is ReminderKind.MONITORING_ENDS:
        return tr.gettext(
            "The monitoring of <b>{family}</b> after the closure ended {date}. "
            "Finish it, or monitor a while longer?"
        ).format(**values)
    return tr.gettext(
        "<b>{family}</b> is monitored until {date}: time to record a monitoring contact "
        "(/monitoring)."
    ).format(**values)


def _capped(tr: Translator, lines: list[str]) -> list[str]:
    """A section's lines, the ones beyond SECTION_MAX summed up in one line."""
    if len(lines) <= SECTION_MAX:
        return lines
    rest = len(lines) - SECTION_MAX
    more = tr.ngettext("…and {count} more", "…and {count} more", rest).format(count=rest)
    return [*lines[:SECTION_MAX], more]


def _fit(lines: list[str], rest: str) -> str:
    """The lines as one message; too long, whole lines go from the end, `rest` points on."""
    # Dropping whole lines keeps the HTML balanced: every line closes the tags it opens.
    text = "\n".join(lines)
    if telegram_length(text) <= MESSAGE_LIMIT:
        return text
    tail = "…\n" + rest
    kept = list(lines)
    while kept and telegram_length("\n".join([*kept, tail])) > MESSAGE_LIMIT:
        kept.pop()
    return "\n".join([*kept, tail])


def _code(code: str) -> str:
    """A family code, escaped."""
    return esc(code)


def _date(tr: Translator, day: date) -> str:
    """A short local date such as 'pt., 11 gru', escaped."""
    return esc(tr.fmt_date(day, DATE_FORMAT))


def _when(tr: Translator, moment: datetime, zone: ZoneInfo) -> str:
    """A day and time in the assistant's zone, escaped."""
    return esc(tr.fmt_datetime(moment.astimezone(zone), WHEN_FORMAT))
