"""The questions of /assessment and /resources (HTML, escaped; no service calls)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from bot.domain.drafts import FamilyDraft
from bot.domain.family import Family
from bot.domain.plan import RESOURCE_MAX, SUMMARY_MAX, Resource, days_until
from bot.domain.plan_walks import AssessmentDraft, AssessmentStep, ResourcesStep
from bot.i18n import Translator
from bot.ui.keyboards import Key, Keyboard, StepButtons
from bot.ui.text import esc, fitting, shorten

# Before the split both walks were one conversation under "pn"; /assessment keeps it.
ASSESSMENT_PREFIX = "pn"
RESOURCES_PREFIX = "rs"
RESOURCES_LISTED = 40  # ✖ buttons at most
LIST_BUDGET = 3000  # the listed resources, with the question and a notice, stay under 4096


def _finish(tr: Translator, b: StepButtons) -> list[Key]:
    """The ✔ Finish row under every question of both walks."""
    return [b(tr.gettext("✔ Finish"), "finish")]


def _family(
    tr: Translator, families: Sequence[Family], page: int, b: StepButtons
) -> tuple[str, Keyboard]:
    """The first question of both walks: which family."""
    return tr.gettext("Which family?"), b.family_picker(families, page, extra=[_finish(tr, b)])


def assessment_question(
    tr: Translator,
    draft: AssessmentDraft,
    step: AssessmentStep,
    family: Family | None,
    families: Sequence[Family] = (),
    *,
    page: int = 0,
    due: date | None = None,
    today: date | None = None,
) -> tuple[str, Keyboard]:
    """A step's question: the family, the day (with when the next is due), the summary."""
    _ = tr.gettext
    b = StepButtons(ASSESSMENT_PREFIX, draft.token, step)
    if step is AssessmentStep.FAMILY or family is None:
        return _family(tr, families, page, b)
    head = f"📝 <b>{esc(family.code)}</b> — " + _("periodic assessment") + "\n"
    finish = _finish(tr, b)
    if step is AssessmentStep.WHEN:
        assert due is not None  # the walk looks it up for this step
        assert today is not None
        return head + _(
            "The next one is due on {date} ({days} days from today). "
            "When was this assessment made? Press Today or type a date."
        ).format(date=esc(tr.fmt_date(due, "d MMM y")), days=days_until(due, today)), (
            Keyboard([[b(_("Today"), "today")], finish])
        )
    return head + _(
        "Type a short summary of the family's situation (at most {limit} characters)."
    ).format(limit=SUMMARY_MAX), Keyboard([finish])


def resources_question(
    tr: Translator,
    draft: FamilyDraft,
    step: ResourcesStep,
    family: Family | None,
    families: Sequence[Family] = (),
    *,
    page: int = 0,
    items: Sequence[Resource] = (),
) -> tuple[str, Keyboard]:
    """A step's question: the family, its resources (✖ removes one), a new one to type."""
    _ = tr.gettext
    b = StepButtons(RESOURCES_PREFIX, draft.token, step)
    if step is ResourcesStep.FAMILY or family is None:
        return _family(tr, families, page, b)
    head = f"💪 <b>{esc(family.code)}</b>"
    finish = _finish(tr, b)
    if step is ResourcesStep.RESOURCES:
        listed = "\n".join(fitting([f"• {esc(shorten(r.text, 120))}" for r in items], LIST_BUDGET))
        listed = listed or _("none yet")
        rows = [[b("✖ " + r.text, "remove", r.id)] for r in items[:RESOURCES_LISTED]]
        add = [b(_("➕ Add a resource"), "add")]
        hint = _("Type a strength of the family to add it, or press ✖ to take one off.")
        text = f"{head} — " + _("the family's resources") + "\n" + listed + "\n\n" + hint
        return text, Keyboard([*rows, add, finish])
    return f"{head}\n" + _(
        "Type one strength or resource of the family (at most {limit} characters)."
    ).format(limit=RESOURCE_MAX), Keyboard([finish])
