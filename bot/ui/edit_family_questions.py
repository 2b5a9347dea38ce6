"""The questions of /edit (/edytuj): what to change, then each change (HTML, escaped)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from bot.domain.family import LABEL_MAX, MEMBERS_MAX, Family, Member
from bot.domain.lifecycle_steps import EditDraft, EditStep
from bot.domain.vocabulary import MemberRole
from bot.i18n import Translator
from bot.ui import labels
from bot.ui.keyboards import Key, Keyboard, StepButtons, in_rows
from bot.ui.text import esc

EDIT_PREFIX = "ed"  # the /edit walk's buttons
MEMBERS_SHOWN = MEMBERS_MAX  # every member fits
MEMBER_STEPS = frozenset({EditStep.MEMBER, EditStep.MEMBER_BORN, EditStep.MEMBER_LEFT})


def _day(tr: Translator, day: date | None) -> str:
    """A contract's day as the menu shows it (— for none)."""
    return tr.fmt_date(day, "d MMM y") if day else tr.gettext("—")


def _keep(tr: Translator, b: StepButtons, day: date | None) -> list[Key]:
    """The row that keeps a contract's day as it is (or empty)."""
    _ = tr.gettext
    text = _("Keep {day} ➡").format(day=_day(tr, day)) if day else _("Leave it empty ➡")
    return [b(text, "keep")]


def _member_line(tr: Translator, member: Member) -> str:
    """A member as their card shows them: name, role, birth year (HTML)."""
    _ = tr.gettext
    role = labels.name(tr, member.role)
    if member.birth_year is None:
        line = _("<b>{name}</b>: {role}, no birth year recorded")
    else:
        line = _("<b>{name}</b>: {role}, born {year}")
    return line.format(name=esc(member.name), role=esc(role), year=member.birth_year)


def member_question(
    tr: Translator, b: StepButtons, step: EditStep, head: str, member: Member
) -> tuple[str, Keyboard]:
    """A member's card (correct the name or role), their birth year, or moving out."""
    _ = tr.gettext
    if step is EditStep.MEMBER:
        ticked = {r: ("✅ " if r is member.role else "") + labels.name(tr, r) for r in MemberRole}
        roles = [b(text, "recast", f"{member.id}-{r}") for r, text in ticked.items()]
        more = [b(_("🎂 Birth year"), "born", member.id), b(_("🚪 Moved out"), "left", member.id)]
        text = (
            head
            + _member_line(tr, member)
            + "\n\n"
            + _(
                "Type the corrected first name or initials, or press the right role. Their "
                "visits, plan and appointments stay theirs."
            )
        )
        return text, Keyboard([*in_rows(roles, 3), more, [b(_("⬅ Back"), "back")]])
    if step is EditStep.MEMBER_BORN:
        clear = [[b(_("✖ No birth year"), "clear")]] if member.birth_year is not None else []
        text = (
            head
            + _member_line(tr, member)
            + "\n\n"
            + _("Type the year they were born (like 2015).")
        )
        return text, Keyboard([*clear, [b(_("⬅ Back"), "back")]])
    return head + _(
        "{name} no longer lives with the family? They stay in the visits and the plan "
        "already written, and are no longer offered."
    ).format(name=esc(member.name)), Keyboard(
        [[b(_("✅ Yes, moved out"), "confirm")], [b(_("⬅ Back"), "back")]]
    )


def _facts(tr: Translator, family: Family) -> list[str]:
    """The family's details as they are now."""
    _ = tr.gettext
    none = _("—")
    members = ", ".join(f"{m.name} ({labels.name(tr, m.role)})" for m in family.members) or none
    return [
        _("Label: {label}").format(label=esc(family.label or none)),
        _("Members: {members}").format(members=esc(members)),
        _("Visits a week: {n}").format(n=family.visits_per_week),
        _("Contract: signed {signed}, valid until {until}").format(
            signed=esc(_day(tr, family.contract_signed_on)),
            until=esc(_day(tr, family.contract_valid_until)),
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
        recorded = family.contract_signed_on or family.contract_valid_until
        # None yet (registered without one): its dates are recorded as they were; a renewal
        # would date it today.
        dates = _("Correct contract dates") if recorded else _("Record the contract's dates")
        contract = [b(_("Renew the contract"), "contract"), b(dates, "dates")]
        rows = [
            [b(_("Label"), "label"), b(_("Members"), "members")],
            [b(_("Visits a week"), "visits"), b(_("Code"), "code")],
            contract,
        ]
        text = head + "\n".join(_facts(tr, family)) + "\n\n" + _("What do you change?")
        return text, Keyboard([*rows, finish])
    if step is EditStep.LABEL:
        return head + _(
            "Type the new label (no surnames or addresses; at most {limit} characters), "
            "or remove it."
        ).format(limit=LABEL_MAX), Keyboard([[b(_("Remove the label"), "clear")], back])
    if step is EditStep.MEMBERS:
        shown = family.members[:MEMBERS_SHOWN]
        picks = [b(m.name, "member", m.id) for m in shown]
        if len(family.members) >= MEMBERS_MAX:  # full: only corrections and moving out
            text = head + _(
                "The family has {limit} members, the most there can be. Tap someone to correct "
                "their name, role or birth year, or to mark that they no longer live with the "
                "family (they stay in the history)."
            ).format(limit=MEMBERS_MAX)
            return text, Keyboard([*in_rows(picks, 2), back])
        text = head + _(
            "Add a member (or type their first name), or tap someone to correct their name, "
            "role or birth year, or to mark that they no longer live with the family (they "
            "stay in the history)."
        )
        return text, Keyboard([*in_rows(picks, 2), [b(_("➕ Add a member"), "add")], back])
    member = next((m for m in family.members if m.id == draft.member_id), None)
    if step in MEMBER_STEPS and member is not None:
        return member_question(tr, b, step, head, member)
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
    if step is EditStep.CONTRACT_SIGNED and not (
        family.contract_signed_on or family.contract_valid_until
    ):
        return head + _(
            "No contract is recorded yet. Type the day the contract in force was signed "
            "(15.06.2026, 3 months ago)."
        ), Keyboard([back])
    if step is EditStep.CONTRACT_SIGNED:
        return head + _(
            "Correcting the contract in force, for a day typed wrong (a new contract is a "
            "renewal). Now: signed {signed}, valid until {until}.\n\nType the day it was "
            "signed (15.11.2026, 3 days ago), or keep it."
        ).format(
            signed=esc(_day(tr, family.contract_signed_on)),
            until=esc(_day(tr, family.contract_valid_until)),
        ), Keyboard([_keep(tr, b, family.contract_signed_on), back])
    if step is EditStep.CONTRACT_UNTIL:
        return head + _(
            "Signed {signed}. Valid until, as recorded: {until}.\n\nType the day it is valid "
            "until (31.05.2027, end of May), press a span from the signing, or keep it."
        ).format(
            signed=esc(_day(tr, draft.signed_on)),
            until=esc(_day(tr, family.contract_valid_until)),
        ), Keyboard([b.contract_spans(tr), _keep(tr, b, family.contract_valid_until), back])
    offered = [[b(_("Use {code}").format(code=draft.suggested), "suggested")]]
    return head + _("Type the family's new code (letters, digits and -)."), Keyboard(
        [*(offered if draft.suggested else []), back]
    )
