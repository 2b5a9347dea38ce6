"""/families: the caseload at a glance; /visits: a family's last visits."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.domain.errors import DomainError
from bot.domain.family import CASELOAD_LIMIT, Family
from bot.domain.visit import Visit
from bot.domain.vocabulary import VisitKind
from bot.handlers.common import answer_press, send_lines
from bot.handlers.context import BotContext
from bot.i18n import Translator
from bot.ui import labels
from bot.ui.callbacks import as_int, decode, encode, register
from bot.ui.text import esc, shorten

VISITS_PREFIX = register("vl", {"f"})
START_VISIT_PREFIX = register("fv", {"f"})
CARD_PREFIX = register("fc", {"f"})
PLAN_PREFIX = register("pl", {"f", "a"})  # handled in bot.handlers.plan
GOALS_PREFIX = register("fg", {"f"})  # starts /goal for the family (bot.conversations.goal)
BUTTONS_MAX = 90


async def families(update: Update, context: BotContext) -> None:
    """One line per family: this week's visits against the target, days since the last."""
    tr = context.tr
    _ = tr.gettext
    caseload = await context.services.families.caseload(context.actor)
    if not caseload.families:
        await send_lines(
            update, context, [_("You have no families yet. Add one with /newfamily.")]
        )
        return
    today = context.services.clock.today()
    lines = [_("<b>Your families</b>")]
    for row in caseload.families:
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
    if caseload.over_limit:
        lines += [
            "",
            "❗ "
            + _(
                "You hold {count} families; the law allows at most {limit} at once. "
                "Please talk to your coordinator."
            ).format(count=len(caseload.families), limit=CASELOAD_LIMIT),
        ]
    buttons = [
        InlineKeyboardButton(row.code, callback_data=encode(CARD_PREFIX, "-", "f", row.family_id))
        for row in caseload.families[:BUTTONS_MAX]
    ]
    rows = [buttons[i : i + 3] for i in range(0, len(buttons), 3)]
    lines += ["", _("Tap a family to open its card.")]
    await send_lines(update, context, lines, InlineKeyboardMarkup(rows))


async def card_pressed(update: Update, context: BotContext) -> None:
    """A family's card: who they are, this week, the contract, and what to do next."""
    press = decode(update.callback_query.data if update.callback_query else None)
    family_id = None if press is None else as_int(press.arg)
    await answer_press(update)
    if family_id is None:
        return
    tr = context.tr
    _ = tr.gettext
    try:
        family = await context.services.families.open_family(context.actor, family_id, "read.card")
    except DomainError as error:
        await send_lines(update, context, [esc(labels.describe_error(tr, error))])
        return
    cadence = {
        row.family_id: row
        for row in (await context.services.families.caseload(context.actor)).families
    }.get(family.id)
    lines = [f"👪 <b>{esc(family.code)}</b>" + (f" {esc(family.label)}" if family.label else "")]
    if family.members:
        members = ", ".join(f"{m.name} ({labels.role(tr, m.role)})" for m in family.members)
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
    actions = [
        (_("📝 Record a visit"), START_VISIT_PREFIX),
        (_("📋 Plan"), PLAN_PREFIX),
        (_("🎯 Goals"), GOALS_PREFIX),
        (_("🕘 Last visits"), VISITS_PREFIX),
    ]
    buttons = [
        InlineKeyboardButton(text, callback_data=encode(prefix, "-", "f", family.id))
        for text, prefix in actions
    ]
    await send_lines(update, context, lines, InlineKeyboardMarkup([buttons[:2], buttons[2:]]))


async def visits(update: Update, context: BotContext) -> None:
    """`/visits R-01`: the last ten visits; without a code, a button per family."""
    message = update.message
    if message is None:
        return
    _ = context.tr.gettext
    if not context.args:
        own = await context.services.families.own_families(context.actor)
        if not own:
            await message.reply_text(_("You have no families yet. Add one with /newfamily."))
            return
        buttons = [
            InlineKeyboardButton(f.code, callback_data=encode(VISITS_PREFIX, "-", "f", f.id))
            for f in own[:BUTTONS_MAX]
        ]
        await message.reply_text(
            _("Which family?"),
            reply_markup=InlineKeyboardMarkup(
                [buttons[i : i + 3] for i in range(0, len(buttons), 3)]
            ),
        )
        return
    await _send_visits(update, context, context.args[0])


async def visits_pressed(update: Update, context: BotContext) -> None:
    """A family was picked for /visits."""
    press = decode(update.callback_query.data if update.callback_query else None)
    family_id = None if press is None else as_int(press.arg)
    await answer_press(update)
    if family_id is None:
        return
    try:
        family = await context.services.families.open_family(
            context.actor, family_id, "read.visits.pick"
        )
    except DomainError as error:
        await send_lines(update, context, [esc(labels.describe_error(context.tr, error))])
        return
    await _send_visits(update, context, family.code)


async def _send_visits(update: Update, context: BotContext, code: str) -> None:
    """Render a family's last visits."""
    try:
        family, recent = await context.services.visits.recent(context.actor, code)
    except DomainError as error:
        await send_lines(update, context, [esc(labels.describe_error(context.tr, error))])
        return
    await send_lines(update, context, visit_lines(context.tr, family, recent))


def visit_lines(tr: Translator, family: Family, recent: list[Visit]) -> list[str]:
    """The last visits of a family as HTML lines, every piece of user text escaped."""
    _ = tr.gettext
    header = _("<b>{code}</b>: last visits").format(code=esc(family.code))
    if not recent:
        return [header, _("No visits recorded yet. Record one with /visit.")]
    names = {m.id: m.name for m in family.members}
    lines = [header]
    for visit in recent:
        lines.append("")
        if visit.kind is VisitKind.MISSED:
            reason = labels.missed(tr, visit.missed_reason) if visit.missed_reason else ""
            lines.append(f"✖ <b>{esc(tr.fmt_date(visit.visit_date))}</b> — " + esc(reason))
        else:
            place = labels.place(tr, visit.place) if visit.place else ""
            lines.append(
                f"✅ <b>{esc(tr.fmt_date(visit.visit_date))}</b> · "
                + _("{minutes} min").format(minutes=visit.duration_min)
                + f" · {esc(place)}"
            )
        if visit.present:
            present = ", ".join(names.get(m, "?") for m in visit.present)
            lines.append(_("Present: {names}").format(names=esc(shorten(present, 300))))
        if visit.areas:
            areas = ", ".join(labels.area(tr, a) for a in visit.areas)
            lines.append(_("Areas: {areas}").format(areas=esc(areas)))
        if visit.activities:
            acts = ", ".join(labels.activity(tr, a) for a in visit.activities)
            lines.append(_("Activities: {activities}").format(activities=esc(acts)))
        if visit.note:
            lines.append(_("Note: {note}").format(note=esc(shorten(visit.note, 600))))
        if visit.next_steps:
            lines.append(
                _("Next steps: {steps}").format(steps=esc(shorten(visit.next_steps, 300)))
            )
    return lines
