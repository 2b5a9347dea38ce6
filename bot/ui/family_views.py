"""The family views: the caseload (/families), a family's card, a picker, its last visits."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.domain.cadence import FamilyCadence
from bot.domain.family import CASELOAD_LIMIT, Family
from bot.domain.lifecycle import CasePeriod
from bot.domain.visit import Visit
from bot.domain.vocabulary import VisitKind
from bot.i18n import Translator
from bot.storage.lifecycle import ClosedFamily
from bot.ui import labels
from bot.ui.callbacks import encode, register
from bot.ui.case_questions import reason_name
from bot.ui.document_views import card_row
from bot.ui.text import esc, shorten

VISITS_PREFIX = register("vl", {"f"})  # /visits for the family
START_VISIT_PREFIX = register("fv", {"f"})  # starts /visit (conversations/record_visit.py)
CARD_PREFIX = register("fc", {"f"})  # opens the family's card
PLAN_PREFIX = register("pl", {"f", "a"})  # /plan for the family (handlers/plan.py)
GOALS_PREFIX = register("fg", {"f"})  # starts /goal for the family (conversations/goal.py)
# The case of a family (conversations/close_family.py, edit_family.py, reopen_family.py,
# monitoring_contact.py)
CLOSE_CARD_PREFIX = register("fx", {"f"})
EDIT_CARD_PREFIX = register("fe", {"f"})
REOPEN_CARD_PREFIX = register("fr", {"f"})
CONTACT_CARD_PREFIX = register("fm", {"f"})
BUTTONS_MAX = 90


def family_buttons(
    families: Sequence[Family | FamilyCadence | ClosedFamily], prefix: str, per_row: int = 3
) -> InlineKeyboardMarkup:
    """One button per family code (at most BUTTONS_MAX), `per_row` to a row."""
    buttons = [
        InlineKeyboardButton(
            f.code,
            callback_data=encode(prefix, "-", "f", f.id if isinstance(f, Family) else f.family_id),
        )
        for f in families[:BUTTONS_MAX]
    ]
    return InlineKeyboardMarkup(
        [buttons[i : i + per_row] for i in range(0, len(buttons), per_row)]
    )


def caseload_lines(
    tr: Translator, caseload: Sequence[FamilyCadence], over_limit: bool, today: date
) -> list[str]:
    """One line per family: this week's visits against the target, days since the last."""
    _ = tr.gettext
    lines = [_("<b>Your families</b>")]
    for row in caseload:
        days = row.days_since_last(today)
        if days is None:
            last = _("never visited")
        elif days == 0:
            last = _("last visit today")
        else:
            last = tr.ngettext("last visit {n} day ago", "last visit {n} days ago", days).format(
                n=days
            )
        mark = "✅" if row.week_done() else "⚠️"
        label = f" {esc(shorten(row.label, 40))}" if row.label else ""
        lines.append(
            f"{mark} <b>{esc(row.code)}</b>{label} — "
            + _("{done} of {target} this week").format(
                done=row.visits_this_week, target=row.visits_per_week
            )
            + f" · {last}"
        )
    if over_limit:
        lines += [
            "",
            "❗ "
            + _(
                "You hold {count} families; the law allows at most {limit} at once. "
                "Please talk to your coordinator."
            ).format(count=len(caseload), limit=CASELOAD_LIMIT),
        ]
    return [*lines, "", _("Tap a family to open its card.")]


def closed_lines(tr: Translator, closed: Sequence[ClosedFamily]) -> list[str]:
    """`/families closed`: one line per closed family, the day and the reason."""
    _ = tr.gettext
    if not closed:
        return [_("You have no closed families.")]
    lines = [_("<b>Closed families</b>")]
    for item in closed:
        label = f" {esc(shorten(item.label, 40))}" if item.label else ""
        line = f"🔒 <b>{esc(item.code)}</b>{label} — " + _("{date}: {reason}").format(
            date=esc(tr.fmt_date(item.closed_on, "d MMM y")),
            reason=esc(reason_name(tr, item.close_reason)),
        )
        if item.monitoring_until is not None and item.monitoring_ended_on is None:
            line += " · " + _("monitored until {date}").format(
                date=esc(tr.fmt_date(item.monitoring_until, "d MMM y"))
            )
        if item.erased:
            line += " · " + _("data erased")
        lines.append(line)
    return [*lines, "", _("Tap a family to open its card.")]


def family_card(
    tr: Translator,
    family: Family,
    cadence: FamilyCadence | None,
    period: CasePeriod | None = None,
    *,
    changes: bool = True,
) -> tuple[list[str], InlineKeyboardMarkup | None]:
    """A family's card: who they are, this week, the contract, and what to do next.

    A closed family's card says when and why, and offers its file, monitoring and reopening;
    an erased family's card offers nothing. Without `changes` (a reader: the coordinator, an
    admin) it offers only what they may read, not buttons that would only be refused.
    """
    _ = tr.gettext
    lines = [f"👪 <b>{esc(family.code)}</b>" + (f" {esc(family.label)}" if family.label else "")]
    if family.closed:
        return _closed_card(tr, family, period, lines, changes)
    if family.members:
        members = ", ".join(f"{m.name} ({labels.name(tr, m.role)})" for m in family.members)
        lines.append(_("Members: {members}").format(members=esc(shorten(members, 600))))
    if cadence is not None:
        lines.append(
            _("{done} of {target} this week").format(
                done=cadence.visits_this_week, target=cadence.visits_per_week
            )
        )
    if family.contract_valid_until is not None:
        lines.append(
            _("Contract valid until {date}").format(
                date=esc(tr.fmt_date(family.contract_valid_until, "d MMM y"))
            )
        )
    if not changes:
        return lines, _card_buttons(tr, family, _read_actions(tr))
    actions = [
        (_("📝 Record a visit"), START_VISIT_PREFIX),
        (_("📋 Plan"), PLAN_PREFIX),
        (_("🎯 Goals"), GOALS_PREFIX),
        (_("🕘 Last visits"), VISITS_PREFIX),
        (_("✏️ Edit"), EDIT_CARD_PREFIX),
        (_("🔒 Close the work"), CLOSE_CARD_PREFIX),
    ]
    return lines, _card_buttons(tr, family, actions)


def _read_actions(tr: Translator) -> list[tuple[str, str]]:
    """What anyone who may read a family is offered on its card: the plan and the visits."""
    _ = tr.gettext
    return [(_("📋 Plan"), PLAN_PREFIX), (_("🕘 Last visits"), VISITS_PREFIX)]


def _card_buttons(
    tr: Translator, family: Family, actions: list[tuple[str, str]]
) -> InlineKeyboardMarkup:
    """A card's buttons, two to a row, then its documents (📈 chart, 📁 dossier)."""
    buttons = [
        InlineKeyboardButton(text, callback_data=encode(prefix, "-", "f", family.id))
        for text, prefix in actions
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    return InlineKeyboardMarkup([*rows, card_row(tr, family.id)])


def _closed_card(
    tr: Translator, family: Family, period: CasePeriod | None, lines: list[str], changes: bool
) -> tuple[list[str], InlineKeyboardMarkup | None]:
    """The card of a closed family: the closure, monitoring, its file and reopening."""
    _ = tr.gettext
    if period is not None and period.closed_on is not None and period.close_reason is not None:
        lines.append(
            _("🔒 Closed on {date}: {reason}").format(
                date=esc(tr.fmt_date(period.closed_on, "d MMM y")),
                reason=esc(reason_name(tr, period.close_reason)),
            )
        )
    monitored = (
        period is not None
        and period.monitoring_until is not None
        and period.monitoring_ended_on is None
    )
    if monitored and period is not None and period.monitoring_until is not None:
        lines.append(
            _("👁 Monitored until {date}").format(
                date=esc(tr.fmt_date(period.monitoring_until, "d MMM y"))
            )
        )
    if family.erased_at is not None:
        lines.append(_("The family's personal data was erased."))
        # No keyboard at all: an empty one is sent as `{}`, which Telegram refuses.
        return lines, None
    actions = _read_actions(tr)
    if changes:
        if monitored:
            actions.append((_("👁 Monitoring contact"), CONTACT_CARD_PREFIX))
        actions.append((_("🔓 Reopen"), REOPEN_CARD_PREFIX))
    return lines, _card_buttons(tr, family, actions)


def visit_lines(
    tr: Translator, family: Family, recent: list[Visit], *, own: bool = True
) -> list[str]:
    """The last visits of a family as HTML lines, every piece of user text escaped.

    Not `own`: read by someone who records none (a coordinator, an admin).
    """
    _ = tr.gettext
    header = _("<b>{code}</b>: last visits").format(code=esc(family.code))
    if not recent:
        if own:
            return [header, _("No visits recorded yet. Record one with /visit.")]
        return [header, _("No visits recorded yet.")]
    names = {m.id: m.name for m in family.everyone}
    lines = [header]
    for visit in recent:
        lines.append("")
        if visit.kind is VisitKind.MISSED:
            reason = labels.name(tr, visit.missed_reason) if visit.missed_reason else ""
            lines.append(f"✖ <b>{esc(tr.fmt_date(visit.visit_date))}</b> — " + esc(reason))
        else:
            place = labels.name(tr, visit.place) if visit.place else ""
            lines.append(
                f"✅ <b>{esc(tr.fmt_date(visit.visit_date))}</b> · "
                + _("{minutes} min").format(minutes=visit.duration_min)
                + f" · {esc(place)}"
            )
        if visit.present:
            present = ", ".join(names.get(m, "?") for m in visit.present)
            lines.append(_("Present: {names}").format(names=esc(shorten(present, 300))))
        if visit.areas:
            areas = ", ".join(labels.name(tr, a) for a in visit.areas)
            lines.append(_("Areas: {areas}").format(areas=esc(areas)))
        if visit.activities:
            acts = ", ".join(labels.name(tr, a) for a in visit.activities)
            lines.append(_("Activities: {activities}").format(activities=esc(acts)))
        if visit.note:
            lines.append(_("Note: {note}").format(note=esc(shorten(visit.note, 600))))
        if visit.next_steps:
            lines.append(
                _("Next steps: {steps}").format(steps=esc(shorten(visit.next_steps, 300)))
            )
    return lines
