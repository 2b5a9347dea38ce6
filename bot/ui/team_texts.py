"""The centre's pushes as HTML: escalations, the weekly team digest, holiday cover notices.

Family codes, counts, dates and staff names only: the facts carry no member names, labels or
notes (see `bot.domain.reminders.facts`); every piece is escaped anyway.
"""

from __future__ import annotations

from datetime import date

from bot.domain.reminders.facts import (
    CoverFact,
    EscalationCase,
    EscalationFact,
    HandOverFact,
    TeamDigestFacts,
)
from bot.domain.reminders.kinds import ReminderKind
from bot.i18n import Translator
from bot.ui.text import esc, shorten

DATE_FORMAT = "EEE d MMM"
NAME_MAX = 40
CODES_SHOWN = 15  # a caseload is at most 15 families


def escalation_lines(tr: Translator, kind: ReminderKind, fact: EscalationFact) -> list[str]:
    """An escalation as the coordinators get it, or as the assistant is told of it."""
    _ = tr.gettext
    if kind is ReminderKind.ESCALATION_TOLD:
        return ["ℹ️ " + _told_text(tr, fact), _("Your coordinator was informed.")]
    if fact.case is EscalationCase.UNREACHABLE:
        return [
            "🚨 "
            + tr.ngettext(
                "<b>{name}</b> has been out of reach for {count} working day: they blocked "
                "the bot and get no reminders.",
                "<b>{name}</b> has been out of reach for {count} working days: they blocked "
                "the bot and get no reminders.",
                fact.days,
            ).format(name=esc(shorten(fact.assistant_name, NAME_MAX)), count=fact.days),
            _("Their families are in the team view; consider /assign for cover."),
        ]
    return ["🚨 " + _told_text(tr, fact), _("Open the family to read its visits and plan.")]


def _told_text(tr: Translator, fact: EscalationFact) -> str:
    """What the case is, for a family case."""
    code = esc(fact.family_code or "?")
    if fact.case is EscalationCase.ASSESSMENT:
        return tr.ngettext(
            "The periodic assessment of <b>{family}</b> is {count} day overdue (due {date}).",
            "The periodic assessment of <b>{family}</b> is {count} days overdue (due {date}).",
            fact.days,
        ).format(family=code, count=fact.days, date=_date(tr, fact.due_on))
    if not fact.visited:
        return tr.ngettext(
            "<b>{family}</b> has had no visit in the {count} day since registration.",
            "<b>{family}</b> has had no visit in the {count} days since registration.",
            fact.days,
        ).format(family=code, count=fact.days)
    return tr.ngettext(
        "<b>{family}</b> has had no visit for {count} day.",
        "<b>{family}</b> has had no visit for {count} days.",
        fact.days,
    ).format(family=code, count=fact.days)


def team_digest_lines(tr: Translator, digest: TeamDigestFacts) -> list[str]:
    """The weekly team digest: last week per assistant, then the next 30 days."""
    _ = tr.gettext
    lines = [
        "📊 " + _("<b>The team's week from {date}</b>").format(date=_date(tr, digest.monday)),
    ]
    if not digest.rows:
        lines.append(_("No families and no visits last week."))
    else:
        lines.append("")
    for row in digest.rows:
        hours = f"{row.minutes / 60:.1f}".replace(".", "," if tr.locale == "pl" else ".")
        line = f"• <b>{esc(shorten(row.assistant_name, NAME_MAX))}</b>: " + _(
            "visits {done} of {target} · {hours} h · missed {missed}"
        ).format(done=row.completed, target=row.target, hours=hours, missed=row.missed)
        if row.not_seen:
            line += " · " + _("not seen: {codes}").format(codes=_codes(row.not_seen))
        lines.append(line)
    if digest.assessments:
        lines += ["", _("<b>Assessments due in the next 30 days</b>")]
        lines += [f"• <b>{esc(a.family_code)}</b> {_date(tr, a.day)}" for a in digest.assessments]
    if digest.contracts:
        lines += ["", _("<b>Contracts ending in the next 30 days</b>")]
        lines += [f"• <b>{esc(c.family_code)}</b> {_date(tr, c.day)}" for c in digest.contracts]
    return lines


def cover_lines(tr: Translator, kind: ReminderKind, cover: CoverFact) -> list[str]:
    """A holiday cover starting or ending, for the covering assistant or the family's own."""
    _ = tr.gettext
    values = {"family": esc(cover.family_code), "date": _date(tr, cover.until)}
    if kind is ReminderKind.COVER_STARTS:
        if cover.covering:
            return ["🧳 " + _("You cover <b>{family}</b> until {date}.").format(**values)]
        return [
            "🧳 "
            + _(
                "<b>{family}</b> is with a cover assistant until {date}; then it comes back."
            ).format(**values)
        ]
    if cover.covering:
        return ["🧳 " + _("Your cover of <b>{family}</b> has ended.").format(**values)]
    return ["🧳 " + _("<b>{family}</b> is back with you after the cover.").format(**values)]


def hand_over_lines(tr: Translator, hand_over: HandOverFact) -> list[str]:
    """A family handed over for good, for the assistant who has it now or one who had it."""
    _ = tr.gettext
    family = esc(hand_over.family_code)
    # Not "your caseload": a closed family under monitoring can be handed over too.
    if hand_over.yours:
        text = _("<b>{family}</b> was handed over to you for good: it is yours now.")
    else:
        text = _("<b>{family}</b> was handed over to another assistant for good.")
    return ["👪 " + text.format(family=family)]


def _codes(codes: tuple[str, ...]) -> str:
    """Family codes, escaped, at most CODES_SHOWN."""
    shown = ", ".join(esc(c) for c in codes[:CODES_SHOWN])
    return shown + (" …" if len(codes) > CODES_SHOWN else "")


def _date(tr: Translator, day: date | None) -> str:
    """A short local date, escaped."""
    return "?" if day is None else esc(tr.fmt_date(day, DATE_FORMAT))
