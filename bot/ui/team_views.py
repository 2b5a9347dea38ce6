"""The team view (/team): the team at a glance, one person's caseload, the people and roles.

Codes, counts, dates and staff names only: no member names, labels or notes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.domain.family import CASELOAD_LIMIT
from bot.domain.people import Role
from bot.domain.team import AssistantFigures, FamilyFigures, TeamMember
from bot.i18n import Translator
from bot.ui.callbacks import encode, register
from bot.ui.family_views import CARD_PREFIX
from bot.ui.text import esc, shorten

# o: the team at a glance; c: a caseload; p: the people; m: a person;
# r: set a role (token: the role); d: deactivate; a: reactivate
TEAM_PREFIX = register("tm", {"o", "c", "p", "m", "r", "d", "a"})
NAME_MAX = 40
BUTTONS_MAX = 90
DATE_FORMAT = "d MMM"


def overview_lines(
    tr: Translator, figures: Sequence[AssistantFigures], today: date, zone: ZoneInfo
) -> list[str]:
    """The team at a glance: a block of lines per person, blank lines between (clean splits)."""
    _ = tr.gettext
    lines = [_("<b>The team at a glance</b>")]
    if not figures:
        return [*lines, _("Nobody holds families yet.")]
    for row in figures:
        lines += ["", *_person_block(tr, row, today, zone)]
    return [*lines, "", _("Tap a name to open their caseload.")]


def _person_block(tr: Translator, row: AssistantFigures, today: date, zone: ZoneInfo) -> list[str]:
    """One person's figures in three or four lines."""
    _ = tr.gettext
    member = row.member
    limit = "❗" if row.over_limit else ""
    block = [
        f"👤 <b>{esc(shorten(member.display_name, NAME_MAX))}</b> · "
        + _("{count}/{limit} families").format(count=row.families, limit=CASELOAD_LIMIT)
        + limit
        + " · "
        + _("visits {done} of {target} this week").format(
            done=row.visits_this_week, target=row.target_this_week
        )
    ]
    if row.not_seen:
        block.append("   " + _("no visit for 7+ days: {codes}").format(codes=_codes(row.not_seen)))
    if row.assessments:
        block.append(
            "   "
            + _("assessments overdue or due in 14 days: {codes}").format(
                codes=_codes(row.assessments)
            )
        )
    state = [_("goals/tasks overdue: {count}").format(count=row.overdue_items)]
    if member.unreachable:
        state.append("⚠ " + _("unreachable (blocked the bot)"))
    state.append(_("last activity: {when}").format(when=_activity(tr, member, today, zone)))
    block.append("   " + " · ".join(state))
    return block


def overview_buttons(tr: Translator, figures: Sequence[AssistantFigures]) -> InlineKeyboardMarkup:
    """A button per person (their caseload), and one for the people and roles."""
    rows = [
        [
            InlineKeyboardButton(
                shorten(f.member.display_name, NAME_MAX),
                callback_data=encode(TEAM_PREFIX, "-", "c", f.member.telegram_id),
            )
            for f in figures[i : i + 2]
        ]
        for i in range(0, min(len(figures), BUTTONS_MAX), 2)
    ]
    rows.append(
        [
            InlineKeyboardButton(
                "👥 " + tr.gettext("People and roles"),
                callback_data=encode(TEAM_PREFIX, "-", "p"),
            )
        ]
    )
    return InlineKeyboardMarkup(rows)


def caseload_lines(tr: Translator, member: TeamMember, rows: Sequence[FamilyFigures]) -> list[str]:
    """One person's families: visits this week, days since the last, assessment, appointments."""
    _ = tr.gettext
    lines = [
        _("<b>Families of {name}</b>").format(name=esc(shorten(member.display_name, NAME_MAX)))
    ]
    if not rows:
        return [*lines, _("No active families.")]
    for row in rows:
        if row.days_since_visit is None:
            last = _("never visited")
        else:
            last = tr.ngettext(
                "{n} day since the last visit",
                "{n} days since the last visit",
                row.days_since_visit,
            ).format(n=row.days_since_visit)
        parts = [
            _("{done} of {target} this week").format(done=row.visits_this_week, target=row.target),
            last,
            _("assessment {date}").format(date=_date(tr, row.next_assessment))
            if row.next_assessment
            else _("no plan yet"),
            tr.ngettext(
                "{n} open appointment", "{n} open appointments", row.open_appointments
            ).format(n=row.open_appointments),
        ]
        if row.cover_until is not None:
            parts.append(_("cover until {date}").format(date=_date(tr, row.cover_until)))
        lines.append(f"<b>{esc(row.code)}</b> — " + " · ".join(parts))
    return [*lines, "", _("Tap a family to read its card (read-only).")]


def caseload_buttons(tr: Translator, rows: Sequence[FamilyFigures]) -> InlineKeyboardMarkup:
    """A button per family (its card), and back to the team."""
    buttons = [
        InlineKeyboardButton(r.code, callback_data=encode(CARD_PREFIX, "-", "f", r.family_id))
        for r in rows[:BUTTONS_MAX]
    ]
    grid = [buttons[i : i + 3] for i in range(0, len(buttons), 3)]
    return InlineKeyboardMarkup([*grid, [_back(tr)]])


def people_lines(
    tr: Translator, members: Sequence[TeamMember], today: date, zone: ZoneInfo
) -> list[str]:
    """Everyone registered: role and state."""
    return [tr.gettext("<b>People and roles</b>")] + [
        f"• <b>{esc(shorten(member.display_name, NAME_MAX))}</b> — "
        + " · ".join(_state(tr, member))
        + " · "
        + tr.gettext("last activity: {when}").format(when=_activity(tr, member, today, zone))
        for member in members
    ]


def people_buttons(
    tr: Translator, members: Sequence[TeamMember], *, admin: bool
) -> InlineKeyboardMarkup:
    """For an admin a button per person (to change role or state); back to the team."""
    rows = []
    if admin:
        rows = [
            [
                InlineKeyboardButton(
                    shorten(m.display_name, NAME_MAX),
                    callback_data=encode(TEAM_PREFIX, "-", "m", m.telegram_id),
                )
                for m in members[i : i + 2]
            ]
            for i in range(0, min(len(members), BUTTONS_MAX), 2)
        ]
    return InlineKeyboardMarkup([*rows, [_back(tr)]])


def member_lines(tr: Translator, member: TeamMember) -> list[str]:
    """One person's role and state, for an admin about to change them."""
    return [
        f"👤 <b>{esc(shorten(member.display_name, NAME_MAX))}</b>",
        " · ".join(_state(tr, member)),
    ]


def member_buttons(tr: Translator, member: TeamMember) -> InlineKeyboardMarkup:
    """Change the role, deactivate or reactivate; back to the people."""
    _ = tr.gettext
    person = member.telegram_id
    rows = []
    if member.role is Role.ASSISTANT:
        role = InlineKeyboardButton(
            _("Make coordinator"), callback_data=encode(TEAM_PREFIX, "coordinator", "r", person)
        )
    else:
        role = InlineKeyboardButton(
            _("Make assistant"), callback_data=encode(TEAM_PREFIX, "assistant", "r", person)
        )
    rows.append([role])
    if not member.is_admin:
        if member.active:
            state = InlineKeyboardButton(
                "⛔ " + _("Deactivate (left the centre)"),
                callback_data=encode(TEAM_PREFIX, "-", "d", person),
            )
        else:
            state = InlineKeyboardButton(
                "✅ " + _("Reactivate"), callback_data=encode(TEAM_PREFIX, "-", "a", person)
            )
        rows.append([state])
    rows.append(
        [
            InlineKeyboardButton(
                "← " + _("People and roles"), callback_data=encode(TEAM_PREFIX, "-", "p")
            )
        ]
    )
    return InlineKeyboardMarkup(rows)


def _state(tr: Translator, member: TeamMember) -> list[str]:
    """Role, admin, active or not, reachable or not."""
    _ = tr.gettext
    parts = [_("coordinator") if member.role is Role.COORDINATOR else _("assistant")]
    if member.is_admin:
        parts.append(_("admin"))
    parts.append(_("active") if member.active else _("deactivated"))
    if member.unreachable:
        parts.append("⚠ " + _("unreachable"))
    return parts


def _activity(tr: Translator, member: TeamMember, today: date, zone: ZoneInfo) -> str:
    """When the person last did something the access log records."""
    if member.last_activity is None:
        return tr.gettext("none yet")
    local = _local(member.last_activity, zone)
    if local.date() == today:
        return tr.gettext("today")
    return _date(tr, local.date())


def _local(moment: datetime, zone: ZoneInfo) -> datetime:
    """A stored instant in the centre's zone."""
    return moment.astimezone(zone)


def _back(tr: Translator) -> InlineKeyboardButton:
    """Back to the team at a glance."""
    return InlineKeyboardButton(
        "← " + tr.gettext("The team"), callback_data=encode(TEAM_PREFIX, "-", "o")
    )


def _codes(codes: tuple[str, ...]) -> str:
    """Family codes, escaped."""
    return ", ".join(esc(c) for c in codes)


def _date(tr: Translator, day: date | None) -> str:
    """A short date, escaped."""
    return "?" if day is None else esc(tr.fmt_date(day, DATE_FORMAT))
