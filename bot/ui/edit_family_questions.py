"""The questions of /edit (/edytuj): what to change, then each change (HTML, escaped)."""

from __future__ import annotations

from collections.abc import Sequence

from bot.domain.family import LABEL_MAX, MEMBERS_MAX, Family
from bot.domain.lifecycle_steps import EditDraft, EditStep
from bot.domain.vocabulary import MemberRole
from bot.i18n import Translator
from bot.ui import labels
from bot.ui.keyboards import Keyboard, StepButtons, in_rows
from bot.ui.text import esc

EDIT_PREFIX = "ed"  # the /edit walk's buttons
MEMBERS_SHOWN = MEMBERS_MAX  # every member fits


def _facts(tr: Translator, family: Family) -> list[str]:
    """The family's details as they are now."""
    _ = tr.gettext
    none = _("—")
    members = ", ".join(f"{m.name} ({labels.name(tr, m.role)})" for m in family.members) or none
    signed = family.contract_signed_on
    until = family.contract_valid_until
    return [
        _("Label: {label}").format(label=esc(family.label or none)),
        _("Members: {members}").format(members=esc(members)),
        _("Visits a week: {n}").format(n=family.visits_per_week),
        _("Contract: signed {signed}, valid until {until}").format(
            signed=esc(tr.fmt_date(signed, "d MMM y") if signed else none),
            until=esc(tr.fmt_date(until, "d MMM y") if until else none),
        ),
    ]


def edit_question(
    tr: Translator,
    draft: EditDraft,
    step: EditStep,
    family: Family | None,
    families: Sequence[Family] = (),
    *,
    page: int = 0,
) -> tuple[str, Keyboard]:
    """A step of /edit."""
    _ = tr.gettext
    b = StepButtons(EDIT_PREFIX, draft.token, step)
    finish = [b(_("✔ Finish"), "finish")]
    if step is EditStep.FAMILY or family is None:
        return _("✏️ Which family's details do you change?"), b.family_picker(
            families, page, extra=[finish]
        )
    head = f"✏️ <b>{esc(family.code)}</b>\n"
    back = [b(_("⬅ Back"), "back")]
    if step is EditStep.MENU:
        rows = in_rows(
            [
                b(_("Label"), "label"),
                b(_("Members"), "members"),
                b(_("Visits a week"), "visits"),
                b(_("Renew the contract"), "contract"),
                b(_("Code"), "code"),
            ],
            2,
        )
        text = head + "\n".join(_facts(tr, family)) + "\n\n" + _("What do you change?")
        return text, Keyboard([*rows, finish])
    if step is EditStep.LABEL:
        return head + _(
            "Type the new label (no surnames or addresses; at most {limit} characters), "
            "or remove it."
        ).format(limit=LABEL_MAX), Keyboard([[b(_("Remove the label"), "clear")], back])
    if step is EditStep.MEMBERS:
        left = [b("🚪 " + m.name, "left", m.id) for m in family.members[:MEMBERS_SHOWN]]
        if len(family.members) >= MEMBERS_MAX:  # full: only moving out is offered
            text = head + _(
                "The family has {limit} members, the most there can be. Tap someone who no "
                "longer lives with the family (they stay in the history)."
            ).format(limit=MEMBERS_MAX)
            return text, Keyboard([*in_rows(left, 2), back])
        text = head + _(
            "Add a member (or type their first name), or tap someone who no longer lives "
            "with the family (they stay in the history)."
        )
        return text, Keyboard([*in_rows(left, 2), [b(_("➕ Add a member"), "add")], back])
    if step is EditStep.MEMBER_LEFT:
        member = next((m for m in family.members if m.id == draft.member_id), None)
        name = member.name if member else "?"
        return head + _(
            "{name} no longer lives with the family? They stay in the visits and the plan "
            "already written, and are no longer offered."
        ).format(name=esc(name)), Keyboard([[b(_("✅ Yes, moved out"), "confirm")], back])
    if step is EditStep.MEMBER_NAME:
        return head + _("Type the new member's first name or initials."), Keyboard([back])
    if step is EditStep.MEMBER_ROLE:
        roles = [b(labels.name(tr, r), "role", r.value) for r in MemberRole]
        return head + _("Who is {name} in the family?").format(
            name=esc(draft.name or "")
        ), Keyboard([*in_rows(roles, 3), back])
    if step is EditStep.MEMBER_YEAR:
        return head + _("Birth year (like 2015), or Skip."), Keyboard(
            [[b(_("Skip ➡"), "skip")], back]
        )
    if step is EditStep.VISITS:
        return head + _("How many visits a week should this family get?"), Keyboard(
            [b.row(("1", "visits", 1), ("2", "visits", 2)), back]
        )
    if step is EditStep.CONTRACT:
        spans = b.contract_spans(tr)
        return head + _(
            "Renewing the contract: press a span or type the new valid-until date "
            "(31.05.2027, end of May). It counts as signed today; the contract so far is kept "
            "in the history."
        ), Keyboard([spans, back])
    offered = [[b(_("Use {code}").format(code=draft.suggested), "suggested")]]
    return head + _("Type the family's new code (letters, digits and -)."), Keyboard(
        [*(offered if draft.suggested else []), back]
    )
