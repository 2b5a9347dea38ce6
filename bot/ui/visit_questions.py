"""The questions and the summary of the /visit walk (HTML, escaped; no service calls)."""

from __future__ import annotations

from collections.abc import Sequence

from bot.domain.family import Family
from bot.domain.plan import Goal
from bot.domain.visit import NOTE_MAX, VisitDraft
from bot.domain.visit_steps import MISSED_FLOW, Step, counted_flow
from bot.domain.vocabulary import Activity, Area, MissedReason, Place, VisitKind
from bot.i18n import Translator
from bot.ui import labels
from bot.ui.keyboards import Keyboard, StepButtons, in_rows
from bot.ui.text import esc, shorten

PREFIX = "v"  # the /visit walk's buttons
DURATIONS = (60, 90, 120)
SUMMARY_NOTE_PREVIEW = 1500


def header(tr: Translator, draft: VisitDraft, family: Family | None, step: Step) -> str:
    """The first line of every prompt: which family, which kind, how far along."""
    code = esc(family.code) if family else "…"
    if draft.kind is VisitKind.MISSED:
        title = tr.gettext("✖ <b>{code}</b> — visit that did not take place").format(code=code)
    else:
        title = tr.gettext("📝 <b>{code}</b> — visit").format(code=code)
    # Not counted what is not asked: a missed visit's kept date, who was present of a family
    # without members, the goals of a plan without open ones.
    flow = counted_flow(draft, members=family is None or bool(family.members))
    if step in flow and not draft.editing:
        title += f" · {flow.index(step) + 1}/{len(flow)}"
    return title


def visit_question(
    tr: Translator,
    draft: VisitDraft,
    family: Family | None,
    step: Step,
    families: list[Family],
    *,
    page: int = 0,
    goals: Sequence[Goal] = (),
) -> tuple[str, Keyboard]:
    """The question and the buttons of a step."""
    _ = tr.gettext
    b = StepButtons(PREFIX, draft.token, step)
    cancel_row = b.row((_("✖ Cancel"), "cancel", ""))
    if step is Step.FAMILY:
        return _("📝 Which family did you visit?"), b.family_picker(
            families, page, extra=[cancel_row]
        )
    if step is Step.RESUME:
        return (
            _("You have an unfinished visit record. Continue it or start over?"),
            Keyboard(
                [
                    b.row(
                        (_("▶ Continue"), "resume", "resume"),
                        (_("↺ Start over"), "resume", "restart"),
                    )
                ]
            ),
        )
    head = header(tr, draft, family, step)
    if step is Step.DATE:
        buttons = [b.row((_("Today"), "date", "today"), (_("Yesterday"), "date", "yesterday"))]
        if draft.kind is VisitKind.COMPLETED and not draft.editing:
            buttons.append(b.row((_("✖ The visit did not take place"), "missed", "")))
        return head + "\n" + _("When was it? Press a button or type a date (21.11)."), (
            Keyboard([*buttons, cancel_row])
        )
    if step is Step.MISSED_REASON:
        reasons = [b.row((labels.name(tr, r), "reason", r.value)) for r in MissedReason]
        return head + "\n" + _("What happened?"), Keyboard([*reasons, cancel_row])
    if step is Step.DURATION:
        lengths = list(DURATIONS)
        if draft.duration_min is not None and draft.duration_min not in lengths:
            lengths.append(draft.duration_min)  # the last visit's own length, one tap away
        choices = b.row(
            *(
                (_tick(m == draft.duration_min) + _("{minutes} min").format(minutes=m), "dur", m)
                for m in lengths
            )
        )
        return head + "\n" + _(
            "How long did it last? Press a button or type minutes (45) or hours (1h30)."
        ) + _like(tr, draft, draft.duration_min), Keyboard([choices, cancel_row])
    if step is Step.PLACE:
        places = [b(_tick(p is draft.place) + labels.name(tr, p), "place", p.value) for p in Place]
        return head + "\n" + _("Where?") + _like(tr, draft, draft.place), Keyboard(
            [*in_rows(places, 2), cancel_row]
        )
    if step is Step.PRESENT:
        members = family.members if family else ()
        options = [(str(m.id), f"{m.name} ({labels.name(tr, m.role)})") for m in members]
        chosen = {str(m) for m in draft.present}
        rows = b.toggles(options, chosen, done_text=_("Done ➡"))
        nobody = b.row((_("✖ Nobody was there"), "missed", ""))  # it was a missed visit
        return head + "\n" + _("Who was present? Tap to mark, then Done.") + _like(
            tr, draft, draft.present
        ), Keyboard([*rows, nobody, cancel_row])
    if step is Step.AREAS:
        options = [(a.value, labels.name(tr, a)) for a in Area]
        rows = b.toggles(options, {a.value for a in draft.areas}, done_text=_("Done ➡"))
        return head + "\n" + _("Which areas did you work on? Tap to mark, then Done.") + _like(
            tr, draft, draft.areas
        ), Keyboard([*rows, cancel_row])
    if step is Step.ACTIVITIES:
        options = [(a.value, labels.name(tr, a)) for a in Activity]
        chosen = {a.value for a in draft.activities}
        rows = b.toggles(options, chosen, done_text=_("Done ➡"), per_row=1)
        return head + "\n" + _("What did you do? Tap to mark, then Done.") + _like(
            tr, draft, draft.activities
        ), Keyboard([*rows, cancel_row])
    if step is Step.GOALS:
        options = [(str(g.id), f"{labels.name(tr, g.area)}: {g.text}") for g in goals]
        chosen = {str(g) for g in draft.goals}
        rows = b.toggles(options, chosen, done_text=_("Done ➡"), per_row=1)
        return head + "\n" + _(
            "Which goals of the plan did you work on? Tap to mark, then Done."
        ), Keyboard([*rows, cancel_row])
    if step is Step.NOTE:
        if draft.kind is VisitKind.MISSED:
            return head + "\n" + _("Type a short note, or press Skip."), Keyboard(
                [b.row((_("Skip ➡"), "skip", "")), cancel_row]
            )
        return head + "\n" + _("Type a note about the visit (at most {limit} characters).").format(
            limit=NOTE_MAX
        ), Keyboard([cancel_row])
    if step is Step.NEXT_STEPS:
        return head + "\n" + _("Next steps? Type them, or press Skip."), Keyboard(
            [b.row((_("Skip ➡"), "skip", "")), cancel_row]
        )
    if step is Step.EDIT:
        # The steps the walk asked (none it skipped), a missed visit's date too.
        asked = counted_flow(draft, members=family is None or bool(family.members))
        if draft.kind is VisitKind.MISSED:
            asked = MISSED_FLOW
        names = step_names(tr)
        steps = [b(names[s], "edit", s.value) for s in asked]
        return head + "\n" + _("Which step do you want to change?"), Keyboard(
            [*in_rows(steps, 2), b.row((_("⬅ Back to the summary"), "back", ""))]
        )
    return summary(tr, draft, family), Keyboard(
        [
            b.row((_("💾 Save"), "save", "")),
            b.row((_("✏️ Change a step"), "change", ""), (_("✖ Cancel"), "cancel", "")),
        ]
    )


def _tick(chosen: bool) -> str:
    """The mark of a choice pre-selected (from the last visit) or chosen before."""
    return "✅ " if chosen else ""


def _like(tr: Translator, draft: VisitDraft, marked: object) -> str:
    """A line saying the step's choices come from the last visit, while it has some."""
    if draft.like_visit is None or draft.editing or not marked:
        return ""
    day = tr.fmt_date(draft.like_visit)
    return "\n" + esc(
        tr.gettext("Marked as on the last visit ({date}); change what differs.").format(date=day)
    )


def step_names(tr: Translator) -> dict[Step, str]:
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


def summary(tr: Translator, draft: VisitDraft, family: Family | None) -> str:
    """Everything the assistant entered, for a last look before saving."""
    _ = tr.gettext
    none = _("—")
    lines = [header(tr, draft, family, Step.SUMMARY), ""]
    when = tr.fmt_date(draft.visit_date, "EEEE d MMMM y") if draft.visit_date else none
    lines.append(_("Date: {date}").format(date=esc(when)))
    if draft.kind is VisitKind.MISSED:
        reason = labels.name(tr, draft.missed_reason) if draft.missed_reason else none
        lines.append(_("What happened: {reason}").format(reason=esc(reason)))
    else:
        minutes = draft.duration_min or 0
        lines.append(_("Duration: {minutes} min").format(minutes=minutes))
        place = labels.name(tr, draft.place) if draft.place else none
        lines.append(_("Place: {place}").format(place=esc(place)))
        if family is not None and family.members:
            names = [m.name for m in family.members if m.id in draft.present]
            lines.append(
                _("Present: {names}").format(names=esc(", ".join(names)) if names else none)
            )
        areas = ", ".join(labels.name(tr, a) for a in draft.areas) or none
        lines.append(_("Areas: {areas}").format(areas=esc(areas)))
        acts = ", ".join(labels.name(tr, a) for a in draft.activities) or none
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
