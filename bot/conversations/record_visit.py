"""/visit (/wizyta): record a visit in under a minute, step by step, mostly with buttons.

The states are in record_visit.mmd. The draft lives in user_data (persisted in SQLite after
every update), so a restart resumes at the same step; every button carries the draft's
token, so presses from older messages are recognised and ignored.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from enum import StrEnum
from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
)

from bot.conversations.common import (
    Answered,
    DraftStore,
    ask,
    build_walk,
    busy_elsewhere,
    lost_draft,
    new_token,
    stale,
    step_token,
    tell_busy,
)
from bot.domain.errors import DomainError, NotAllowed, NotFound
from bot.domain.family import Family
from bot.domain.parsing import parse_date, parse_duration
from bot.domain.plan import Goal
from bot.domain.visit import NEXT_STEPS_MAX, NOTE_MAX, VisitDraft, check_note, check_visit_date
from bot.domain.vocabulary import Activity, Area, MissedReason, Place, VisitKind
from bot.handlers.common import answer_press, show
from bot.handlers.context import BotContext
from bot.handlers.families import START_VISIT_PREFIX
from bot.i18n import Translator
from bot.ui import labels
from bot.ui.callbacks import as_int, decode
from bot.ui.keyboards import button, family_picker, in_rows, toggles
from bot.ui.text import esc, shorten

PREFIX = "v"
NAME = "record_visit"
SUMMARY_NOTE_PREVIEW = 1500
RESUME_KEY = f"{NAME}.resume"


class Step(StrEnum):
    """The conversation's states (strings, so they persist as readable JSON)."""

    RESUME = "resume"
    FAMILY = "family"
    DATE = "date"
    MISSED_REASON = "missed_reason"
    DURATION = "duration"
    PLACE = "place"
    PRESENT = "present"
    AREAS = "areas"
    ACTIVITIES = "activities"
    GOALS = "goals"
    NOTE = "note"
    NEXT_STEPS = "next_steps"
    SUMMARY = "summary"
    EDIT = "edit"


COMPLETED_FLOW = (
    Step.DATE,
    Step.DURATION,
    Step.PLACE,
    Step.PRESENT,
    Step.AREAS,
    Step.ACTIVITIES,
    Step.GOALS,
    Step.NOTE,
    Step.NEXT_STEPS,
)
MISSED_FLOW = (Step.MISSED_REASON, Step.DATE, Step.NOTE)
END = ConversationHandler.END


# --- draft in user_data -------------------------------------------------------------------

STORE = DraftStore(NAME, VisitDraft, Step)
_draft = STORE.load
_keep = STORE.keep
_step = STORE.step


def _drop(context: BotContext) -> None:
    """Forget the draft and where it was."""
    context.data.pop(RESUME_KEY, None)
    STORE.drop(context)


def _next(draft: VisitDraft, after: Step, family: Family | None) -> Step:
    """The step after `after` in this kind of visit (or the summary when editing)."""
    if draft.editing:
        return Step.SUMMARY
    flow = MISSED_FLOW if draft.kind is VisitKind.MISSED else COMPLETED_FLOW
    index = flow.index(after) + 1 if after in flow else 0
    while index < len(flow):
        step = flow[index]
        if step is Step.PRESENT and family is not None and not family.members:
            index += 1
            continue
        return step
    return Step.SUMMARY


# --- rendering ----------------------------------------------------------------------------


def _header(tr: Translator, draft: VisitDraft, family: Family | None, step: Step) -> str:
    """The first line of every prompt: which family, which kind, how far along."""
    code = esc(family.code) if family else "…"
    if draft.kind is VisitKind.MISSED:
        title = tr.gettext("✖ <b>{code}</b> — visit that did not take place").format(code=code)
        flow: tuple[Step, ...] = MISSED_FLOW
    else:
        title = tr.gettext("📝 <b>{code}</b> — visit").format(code=code)
        flow = COMPLETED_FLOW
    if step in flow and not draft.editing:
        title += f" · {flow.index(step) + 1}/{len(flow)}"
    return title


def _prompt(
    tr: Translator,
    draft: VisitDraft,
    family: Family | None,
    step: Step,
    families: list[Family],
    *,
    page: int = 0,
    goals: Sequence[Goal] = (),
) -> tuple[str, InlineKeyboardMarkup]:
    """The question and the buttons of a step."""
    _ = tr.gettext
    t = step_token(draft.token, step)

    def row(*buttons: tuple[str, str, object]) -> list[Any]:
        return [button(text, PREFIX, t, action, arg) for text, action, arg in buttons]

    cancel_row = row((_("✖ Cancel"), "cancel", ""))
    if step is Step.FAMILY:
        return _("📝 Which family did you visit?"), family_picker(
            families, page, PREFIX, t, extra=[cancel_row]
        )
    if step is Step.RESUME:
        return (
            _("You have an unfinished visit record. Continue it or start over?"),
            InlineKeyboardMarkup(
                [
                    row(
                        (_("▶ Continue"), "resume", "resume"),
                        (_("↺ Start over"), "resume", "restart"),
                    )
                ]
            ),
        )
    head = _header(tr, draft, family, step)
    if step is Step.DATE:
        buttons = [row((_("Today"), "date", "today"), (_("Yesterday"), "date", "yesterday"))]
        if draft.kind is VisitKind.COMPLETED and not draft.editing:
            buttons.append(row((_("✖ The visit did not take place"), "missed", "")))
        return head + "\n" + _("When was it? Press a button or type a date (21.11)."), (
            InlineKeyboardMarkup([*buttons, cancel_row])
        )
    if step is Step.MISSED_REASON:
        reasons = [row((labels.missed(tr, r), "reason", r.value)) for r in MissedReason]
        return head + "\n" + _("What happened?"), InlineKeyboardMarkup([*reasons, cancel_row])
    if step is Step.DURATION:
        choices = row(*((_("{minutes} min").format(minutes=m), "dur", m) for m in (60, 90, 120)))
        return head + "\n" + _(
            "How long did it last? Press a button or type minutes (45) or hours (1h30)."
        ), InlineKeyboardMarkup([choices, cancel_row])
    if step is Step.PLACE:
        places = [button(labels.place(tr, p), PREFIX, t, "place", p.value) for p in Place]
        return head + "\n" + _("Where?"), InlineKeyboardMarkup([*in_rows(places, 2), cancel_row])
    if step is Step.PRESENT:
        members = family.members if family else ()
        options = [(str(m.id), f"{m.name} ({labels.role(tr, m.role)})") for m in members]
        chosen = {str(m) for m in draft.present}
        rows = toggles(options, chosen, PREFIX, t, done_text=_("Done ➡"))
        return head + "\n" + _("Who was present? Tap to mark, then Done."), InlineKeyboardMarkup(
            [*rows, cancel_row]
        )
    if step is Step.AREAS:
        options = [(a.value, labels.area(tr, a)) for a in Area]
        rows = toggles(options, {a.value for a in draft.areas}, PREFIX, t, done_text=_("Done ➡"))
        return head + "\n" + _(
            "Which areas did you work on? Tap to mark, then Done."
        ), InlineKeyboardMarkup([*rows, cancel_row])
    if step is Step.ACTIVITIES:
        options = [(a.value, labels.activity(tr, a)) for a in Activity]
        chosen = {a.value for a in draft.activities}
        rows = toggles(options, chosen, PREFIX, t, done_text=_("Done ➡"), per_row=1)
        return head + "\n" + _("What did you do? Tap to mark, then Done."), InlineKeyboardMarkup(
            [*rows, cancel_row]
        )
    if step is Step.GOALS:
        options = [(str(g.id), f"{labels.area(tr, g.area)}: {g.text}") for g in goals]
        chosen = {str(g) for g in draft.goals}
        rows = toggles(options, chosen, PREFIX, t, done_text=_("Done ➡"), per_row=1)
        return head + "\n" + _(
            "Which goals of the plan did you work on? Tap to mark, then Done."
        ), InlineKeyboardMarkup([*rows, cancel_row])
    if step is Step.NOTE:
        if draft.kind is VisitKind.MISSED:
            return head + "\n" + _("Type a short note, or press Skip."), InlineKeyboardMarkup(
                [row((_("Skip ➡"), "skip", "")), cancel_row]
            )
        return head + "\n" + _("Type a note about the visit (at most {limit} characters).").format(
            limit=NOTE_MAX
        ), InlineKeyboardMarkup([cancel_row])
    if step is Step.NEXT_STEPS:
        return head + "\n" + _("Next steps? Type them, or press Skip."), InlineKeyboardMarkup(
            [row((_("Skip ➡"), "skip", "")), cancel_row]
        )
    if step is Step.EDIT:
        flow = MISSED_FLOW if draft.kind is VisitKind.MISSED else COMPLETED_FLOW
        names = _step_names(tr)
        steps = [
            button(names[s], PREFIX, t, "edit", s.value)
            for s in flow
            if not (s is Step.PRESENT and family is not None and not family.members)
        ]
        return head + "\n" + _("Which step do you want to change?"), InlineKeyboardMarkup(
            [*in_rows(steps, 2), row((_("⬅ Back to the summary"), "back", ""))]
        )
    return _summary(tr, draft, family), InlineKeyboardMarkup(
        [
            row((_("💾 Save"), "save", "")),
            row((_("✏️ Change a step"), "change", ""), (_("✖ Cancel"), "cancel", "")),
        ]
    )


def _step_names(tr: Translator) -> dict[Step, str]:
    """Button labels for 'change a step'."""
    _ = tr.gettext
    return {
        Step.DATE: _("Date"),
        Step.MISSED_REASON: _("What happened"),
        Step.DURATION: _("Duration"),
        Step.PLACE: _("Place"),
        Step.PRESENT: _("Who was present"),
        Step.AREAS: _("Areas"),
        Step.ACTIVITIES: _("Activities"),
        Step.GOALS: _("Goals"),
        Step.NOTE: _("Note"),
        Step.NEXT_STEPS: _("Next steps"),
    }


def _summary(tr: Translator, draft: VisitDraft, family: Family | None) -> str:
    """Everything the assistant entered, for a last look before saving."""
    _ = tr.gettext
    none = _("—")
    lines = [_header(tr, draft, family, Step.SUMMARY), ""]
    when = tr.fmt_date(draft.visit_date, "EEEE d MMMM y") if draft.visit_date else none
    lines.append(_("Date: {date}").format(date=esc(when)))
    if draft.kind is VisitKind.MISSED:
        reason = labels.missed(tr, draft.missed_reason) if draft.missed_reason else none
        lines.append(_("What happened: {reason}").format(reason=esc(reason)))
    else:
        minutes = draft.duration_min or 0
        lines.append(_("Duration: {minutes} min").format(minutes=minutes))
        place = labels.place(tr, draft.place) if draft.place else none
        lines.append(_("Place: {place}").format(place=esc(place)))
        if family is not None and family.members:
            names = [m.name for m in family.members if m.id in draft.present]
            lines.append(
                _("Present: {names}").format(names=esc(", ".join(names)) if names else none)
            )
        areas = ", ".join(labels.area(tr, a) for a in draft.areas) or none
        lines.append(_("Areas: {areas}").format(areas=esc(areas)))
        acts = ", ".join(labels.activity(tr, a) for a in draft.activities) or none
        lines.append(_("Activities: {activities}").format(activities=esc(acts)))
        if draft.goals:
            lines.append(
                tr.ngettext(
                    "Progress noted on {count} goal of the plan",
                    "Progress noted on {count} goals of the plan",
                    len(draft.goals),
                ).format(count=len(draft.goals))
            )
    note = draft.note or none
    if len(note) > SUMMARY_NOTE_PREVIEW:
        note = shorten(note, SUMMARY_NOTE_PREVIEW) + " " + _("(shortened here; saved in full)")
    lines.append(_("Note: {note}").format(note=esc(note)))
    if draft.kind is VisitKind.COMPLETED:
        steps = shorten(draft.next_steps, 800) if draft.next_steps else none
        lines.append(_("Next steps: {steps}").format(steps=esc(steps)))
    lines += ["", _("Save this visit?")]
    return "\n".join(lines)


async def _family(context: BotContext, draft: VisitDraft) -> Family | None:
    """The draft's family, re-checked against the actor every time."""
    if draft.family_id is None:
        return None
    return await context.services.families.peek(context.actor, draft.family_id)


async def _go(
    update: Update,
    context: BotContext,
    draft: VisitDraft,
    step: Step,
    *,
    page: int = 0,
    notice: str | None = None,
    fresh: bool = False,
) -> str | int:
    """Store the draft, show the step's question (editing the pressed message), return the state.

    After typed text the question comes as a new message, so it stays at the bottom.
    """
    try:
        family = await _family(context, draft)
        goals: list[Goal] = []
        if step is Step.GOALS and family is not None:
            goals = await context.services.plans.open_goals(context.actor, family.id)
            if not goals:  # nothing in the plan to link: the step is skipped
                step = _next(draft, Step.GOALS, family)
    except DomainError:
        return await _abandon(update, context)
    _keep(context, draft, step)
    families: list[Family] = []
    if step is Step.FAMILY:
        families = await context.services.families.own_families(context.actor)
    text, markup = _prompt(context.tr, draft, family, step, families, page=page, goals=goals)
    await ask(update, context, text, markup, notice=notice, fresh=fresh)
    return step.value


async def _abandon(update: Update, context: BotContext) -> int:
    """The family is no longer the actor's (reassigned meanwhile): stop without saving."""
    _drop(context)
    await show(
        update,
        context,
        context.tr.gettext(
            "This family is no longer assigned to you, so the visit was not saved."
        ),
    )
    return END


# --- entry --------------------------------------------------------------------------------


async def start(update: Update, context: BotContext) -> str | int:
    """`/visit [code]`: pick a family (or take the one named), or offer to resume a draft."""
    if busy_elsewhere(context, NAME):
        await tell_busy(update, context)
        return END
    existing = _draft(context)
    if existing is not None and existing.family_id is not None:
        waiting = _step(context)
        if waiting is not Step.RESUME:
            context.data[RESUME_KEY] = (waiting or Step.SUMMARY).value
        return await _go(update, context, existing, Step.RESUME)
    draft = VisitDraft(token=new_token())
    own = await context.services.families.own_families(context.actor)
    if not own:
        _drop(context)
        if update.effective_message is not None:
            await update.effective_message.reply_text(
                context.tr.gettext("You have no families yet. Add one with /newfamily.")
            )
        return END
    if context.args:
        try:
            family = await context.services.families.open_by_code(
                context.actor, context.args[0], "visit.start"
            )
        except DomainError as error:
            return await _go(
                update,
                context,
                draft,
                Step.FAMILY,
                notice=labels.describe_error(context.tr, error),
            )
        draft.family_id = family.id
        return await _go(update, context, draft, Step.DATE)
    return await _go(update, context, draft, Step.FAMILY)


async def start_from_list(update: Update, context: BotContext) -> str | int:
    """A family's 📝 button under /families: start a visit for that family."""
    if busy_elsewhere(context, NAME) or _draft(context) is not None:
        await tell_busy(update, context)
        return END
    await answer_press(update)
    press = decode(update.callback_query.data if update.callback_query else None)
    family_id = None if press is None else as_int(press.arg)
    if family_id is None:
        return END
    try:
        family = await context.services.families.open_family(
            context.actor, family_id, "visit.start"
        )
    except DomainError as error:
        await show(update, context, esc(labels.describe_error(context.tr, error)))
        return END
    draft = VisitDraft(token=new_token(), family_id=family.id)
    if update.effective_chat is not None:  # keep the list; ask below it
        _keep(context, draft, Step.DATE)
        text, markup = _prompt(context.tr, draft, family, Step.DATE, [])
        await context.bot.send_message(update.effective_chat.id, text, reply_markup=markup)
    return Step.DATE.value


async def _resume_choice(
    update: Update, context: BotContext, draft: VisitDraft, arg: str
) -> str | int:
    """Continue the unfinished draft where it stopped, or throw it away and start over."""
    if arg == "restart":
        _drop(context)
        restarted = VisitDraft(token=new_token())
        return await _go(update, context, restarted, Step.FAMILY)
    stored = context.data.pop(RESUME_KEY, None)
    step = Step(stored) if stored in Step._value2member_map_ else Step.SUMMARY
    if step is Step.RESUME:
        step = Step.SUMMARY
    return await _go(update, context, draft, step)


# --- button steps -------------------------------------------------------------------------


async def pressed(update: Update, context: BotContext) -> str | int | None:
    """Every button of the walk: check it belongs to this draft and this step, then act."""
    turn = await STORE.begin_press(update, context, _go)
    if isinstance(turn, Answered):
        return turn.state  # type: ignore[return-value]
    draft, step, press = turn.draft, turn.step, turn.press
    assert press is not None
    if press.action == "cancel":
        return await _cancelled(update, context)
    handler = _BUTTONS.get((step, press.action))
    if handler is None:  # a well-formed press this step has no use for
        await stale(update, context)
        return await _go(update, context, draft, step, fresh=True)
    try:
        state: str | int = await handler(update, context, draft, press.arg)
        return state
    except (NotAllowed, NotFound):
        return await _abandon(update, context)
    except DomainError as error:
        return await _go(
            update, context, draft, step, notice=labels.describe_error(context.tr, error)
        )


async def _pick_family(
    update: Update, context: BotContext, draft: VisitDraft, arg: str
) -> str | int:
    """A family from the picker; the service checks it is the actor's."""
    family_id = as_int(arg)
    if family_id is None:
        raise NotFound()
    family = await context.services.families.open_family(context.actor, family_id, "visit.start")
    draft.family_id = family.id
    return await _go(update, context, draft, Step.DATE)


async def _page(update: Update, context: BotContext, draft: VisitDraft, arg: str) -> str | int:
    """Another page of the family picker."""
    return await _go(update, context, draft, Step.FAMILY, page=as_int(arg) or 0)


async def _date_button(
    update: Update, context: BotContext, draft: VisitDraft, arg: str
) -> str | int:
    """Today or yesterday."""
    today = context.services.clock.today()
    draft.visit_date = today - timedelta(days=1) if arg == "yesterday" else today
    return await _go(
        update, context, draft, _next(draft, Step.DATE, await _family(context, draft))
    )


async def _missed(update: Update, context: BotContext, draft: VisitDraft, arg: str) -> str | int:
    """Switch to recording an attempt that did not become a visit."""
    draft.kind = VisitKind.MISSED
    draft.visit_date = None
    return await _go(update, context, draft, Step.MISSED_REASON)


async def _reason(update: Update, context: BotContext, draft: VisitDraft, arg: str) -> str | int:
    """Why the visit did not take place."""
    draft.missed_reason = MissedReason(arg) if arg in MissedReason._value2member_map_ else None
    if draft.missed_reason is None:
        raise DomainError("draft_incomplete")
    return await _go(update, context, draft, _next(draft, Step.MISSED_REASON, None))


async def _duration_button(
    update: Update, context: BotContext, draft: VisitDraft, arg: str
) -> str | int:
    """60, 90 or 120 minutes."""
    draft.duration_min = parse_duration(arg)
    return await _go(update, context, draft, _next(draft, Step.DURATION, None))


async def _place(update: Update, context: BotContext, draft: VisitDraft, arg: str) -> str | int:
    """Where the visit happened."""
    if arg not in Place._value2member_map_:
        raise DomainError("draft_incomplete")
    draft.place = Place(arg)
    return await _go(
        update, context, draft, _next(draft, Step.PLACE, await _family(context, draft))
    )


def _toggler(step: Step) -> Any:
    """A handler that flips one option of a multi-choice step and redraws the buttons."""

    async def toggle(
        update: Update, context: BotContext, draft: VisitDraft, arg: str
    ) -> str | int:
        if step is Step.PRESENT:
            member = as_int(arg)
            family = await _family(context, draft)
            if member is None or family is None or member not in {m.id for m in family.members}:
                raise DomainError("draft_incomplete")
            draft.present = _flip(draft.present, member)
        elif step is Step.AREAS and arg in Area._value2member_map_:
            draft.areas = _flip(draft.areas, Area(arg))
        elif step is Step.ACTIVITIES and arg in Activity._value2member_map_:
            draft.activities = _flip(draft.activities, Activity(arg))
        elif step is Step.GOALS and (goal := as_int(arg)) is not None:
            family = await _family(context, draft)
            open_ids = (
                set()
                if family is None
                else {
                    g.id for g in await context.services.plans.open_goals(context.actor, family.id)
                }
            )
            if goal not in open_ids:
                raise DomainError("goal_unknown")
            draft.goals = _flip(draft.goals, goal)
        return await _go(update, context, draft, step)

    return toggle


def _flip(items: list[Any], value: Any) -> list[Any]:
    """Add the value if absent, remove it if present."""
    return [i for i in items if i != value] if value in items else [*items, value]


def _done(step: Step) -> Any:
    """A handler that closes a multi-choice step."""

    async def done(update: Update, context: BotContext, draft: VisitDraft, arg: str) -> str | int:
        return await _go(update, context, draft, _next(draft, step, await _family(context, draft)))

    return done


async def _skip(update: Update, context: BotContext, draft: VisitDraft, arg: str) -> str | int:
    """Skip an optional text step (the note of a missed visit, next steps)."""
    step = _step(context)
    if step is Step.NOTE:
        draft.note = ""
    else:
        draft.next_steps = ""
    return await _go(update, context, draft, _next(draft, step or Step.NEXT_STEPS, None))


async def _save(update: Update, context: BotContext, draft: VisitDraft, arg: str) -> str | int:
    """Save once (the draft token makes a repeat harmless) and tell the week's tally."""
    saved = await context.services.visits.record(context.actor, draft)
    if draft.goals and saved.visit.kind is VisitKind.COMPLETED:
        await context.services.plans.record_visit_progress(
            context.actor,
            saved.family.id,
            draft.goals,
            saved.visit.id,
            day=saved.visit.visit_date,
        )
    _drop(context)
    tr = context.tr
    family = saved.family
    if saved.visit.kind is VisitKind.MISSED:
        text = tr.gettext("Saved: the visit to {code} on {date} did not take place.").format(
            code=esc(family.code), date=esc(tr.fmt_date(saved.visit.visit_date))
        )
    else:
        text = tr.gettext("✅ Saved: visit to {code} on {date}.").format(
            code=esc(family.code), date=esc(tr.fmt_date(saved.visit.visit_date))
        )
    tally = tr.ngettext(
        "This week: {count} visit of {target}",
        "This week: {count} visits of {target}",
        saved.visits_this_week,
    ).format(count=saved.visits_this_week, target=family.visits_per_week)
    await show(update, context, f"{text}\n{tally}")
    return END


async def _change(update: Update, context: BotContext, draft: VisitDraft, arg: str) -> str | int:
    """Open the list of steps to change."""
    return await _go(update, context, draft, Step.EDIT)


async def _edit(update: Update, context: BotContext, draft: VisitDraft, arg: str) -> str | int:
    """Go to one step; answering it returns to the summary."""
    if arg not in Step._value2member_map_:
        raise DomainError("draft_incomplete")
    draft.editing = True
    return await _go(update, context, draft, Step(arg))


async def _back(update: Update, context: BotContext, draft: VisitDraft, arg: str) -> str | int:
    """Back to the summary without changing anything."""
    return await _go(update, context, draft, Step.SUMMARY)


_BUTTONS: dict[tuple[Step, str], Any] = {
    (Step.FAMILY, "fam"): _pick_family,
    (Step.FAMILY, "page"): _page,
    (Step.DATE, "date"): _date_button,
    (Step.DATE, "missed"): _missed,
    (Step.MISSED_REASON, "reason"): _reason,
    (Step.DURATION, "dur"): _duration_button,
    (Step.PLACE, "place"): _place,
    (Step.PRESENT, "tog"): _toggler(Step.PRESENT),
    (Step.PRESENT, "done"): _done(Step.PRESENT),
    (Step.AREAS, "tog"): _toggler(Step.AREAS),
    (Step.AREAS, "done"): _done(Step.AREAS),
    (Step.ACTIVITIES, "tog"): _toggler(Step.ACTIVITIES),
    (Step.ACTIVITIES, "done"): _done(Step.ACTIVITIES),
    (Step.GOALS, "tog"): _toggler(Step.GOALS),
    (Step.GOALS, "done"): _done(Step.GOALS),
    (Step.NOTE, "skip"): _skip,
    (Step.NEXT_STEPS, "skip"): _skip,
    (Step.SUMMARY, "save"): _save,
    (Step.SUMMARY, "change"): _change,
    (Step.EDIT, "edit"): _edit,
    (Step.EDIT, "back"): _back,
    (Step.RESUME, "resume"): _resume_choice,
}


# --- typed steps --------------------------------------------------------------------------


async def typed(update: Update, context: BotContext) -> str | int | None:
    """Text typed at any step: parsed where text is expected, a gentle re-prompt elsewhere."""
    draft = _draft(context)
    step = _step(context)
    message = update.message
    if message is None:
        return None
    if draft is None or step is None:  # the draft could not be read back: say so, start clean
        return await lost_draft(update, context, _drop)
    tr = context.tr
    text = message.text or ""
    try:
        if step is Step.DATE and text:
            today = context.services.clock.today()
            draft.visit_date = check_visit_date(parse_date(text, today), today)
            return await _go(
                update, context, draft, _next(draft, step, await _family(context, draft))
            )
        if step is Step.DURATION and text:
            draft.duration_min = parse_duration(text)
            return await _go(update, context, draft, _next(draft, step, None))
        if step is Step.NOTE and text:
            draft.note = _required(check_note(text, NOTE_MAX))
            return await _go(update, context, draft, _next(draft, step, None))
        if step is Step.NEXT_STEPS and text:
            draft.next_steps = check_note(text, NEXT_STEPS_MAX)
            return await _go(update, context, draft, _next(draft, step, None))
    except (NotAllowed, NotFound):
        return await _abandon(update, context)
    except DomainError as error:
        return await _go(update, context, draft, step, notice=labels.describe_error(tr, error))
    if step in (Step.DATE, Step.DURATION, Step.NOTE, Step.NEXT_STEPS):
        notice = tr.gettext("Please type text, or use the buttons.")
    else:
        notice = tr.gettext("Please use the buttons below.")
    return await _go(update, context, draft, step, notice=notice)


def _required(text: str) -> str:
    """A note must say something."""
    if not text:
        raise DomainError("text_empty")
    return text


async def _cancelled(update: Update, context: BotContext) -> int:
    """Drop the draft and say so."""
    _drop(context)
    await show(update, context, context.tr.gettext("Cancelled. Nothing was saved."))
    return END


async def cancel(update: Update, context: BotContext) -> int:
    """/cancel (/anuluj) during the walk."""
    return await _cancelled(update, context)


def build() -> ConversationHandler[BotContext]:
    """The /visit conversation, persistent across restarts."""
    return build_walk(
        name=NAME,
        prefix=PREFIX,
        steps=Step,
        entry_points=[
            CommandHandler(["visit", "wizyta"], start),
            CallbackQueryHandler(start_from_list, pattern=rf"^{START_VISIT_PREFIX}:"),
        ],
        pressed=pressed,
        typed=typed,
        cancel=cancel,
        allow_reentry=True,
    )
