"""The questions and the summary of the /newfamily walk (HTML, escaped; no service calls)."""

from __future__ import annotations

from bot.domain.family import LABEL_MAX, MEMBERS_MAX
from bot.domain.family_steps import FamilyDraft, Step
from bot.domain.vocabulary import MemberRole
from bot.i18n import Translator
from bot.ui import labels
from bot.ui.keyboards import Keyboard, StepButtons, in_rows
from bot.ui.text import esc

PREFIX = "nf"  # the /newfamily walk's buttons


def family_question(tr: Translator, draft: FamilyDraft, step: Step) -> tuple[str, Keyboard]:
    """The question and buttons of a step."""
    _ = tr.gettext
    b = StepButtons(PREFIX, draft.token, step)
    cancel = b.row((_("✖ Cancel"), "cancel", ""))
    skip = b.row((_("Skip ➡"), "skip", ""))
    head = _("👪 New family") + (f" <b>{esc(draft.code)}</b>" if draft.code else "")
    if step is Step.CODE:
        text = _("Which code should the family have? Press the suggestion or type another one.")
        keys = [b.row((_("Use {code}").format(code=draft.suggested), "code", "")), cancel]
    elif step is Step.LABEL:
        text = _(
            "A short label to recognise the family (no surnames or addresses), or Skip. "
            "At most {limit} characters."
        ).format(limit=LABEL_MAX)
        keys = [skip, cancel]
    elif step is Step.MEMBERS:
        text = _members(tr, draft)
        if len(draft.members) < MEMBERS_MAX:
            text += "\n\n" + _("Type a member's first name to add them, or press Done.")
        adds = [(_("➕ Add a member"), "add", "")] if len(draft.members) < MEMBERS_MAX else []
        keys = [b.row(*adds, (_("Done ➡"), "done", "")), cancel]
    elif step is Step.MEMBER_NAME:
        text = _("Type the member's first name or initials.")
        keys = [cancel]
    elif step is Step.MEMBER_ROLE:
        name = draft.pending.name if draft.pending else ""
        text = _("Who is {name} in the family?").format(name=esc(name))
        roles = [b(labels.name(tr, r), "role", r.value) for r in MemberRole]
        keys = [*in_rows(roles, 3), cancel]
    elif step is Step.MEMBER_YEAR:
        text = _("Birth year (like 2015), or Skip.")
        keys = [skip, cancel]
    elif step is Step.TARGET:
        text = _("How many visits a week should this family get?")
        keys = [b.row(("1", "target", 1), ("2", "target", 2)), cancel]
    elif step is Step.SIGNED:
        text = _("When was the contract signed? Type a date (21.11), press Today, or Skip.")
        keys = [b.row((_("Today"), "today", ""), (_("Skip ➡"), "skip", "")), cancel]
    elif step is Step.UNTIL:
        text = _(
            "Until when is the contract valid? Press a span (from the signing), type a date "
            "(31.05.2027, end of May), or Skip."
        )
        spans = b.contract_spans(tr)
        keys = [spans, skip, cancel]
    else:
        text = summary(tr, draft)
        keys = [b.row((_("💾 Save"), "save", ""), (_("✖ Cancel"), "cancel", ""))]
    return f"{head}\n{text}", Keyboard(keys)


def _members(tr: Translator, draft: FamilyDraft) -> str:
    """The members added so far, one a line."""
    _ = tr.gettext
    listed = [
        f"• {esc(m.name)} ({esc(labels.name(tr, m.role))}"
        + (f", {m.birth_year}" if m.birth_year else "")
        + ")"
        for m in draft.members
    ]
    return (
        _("Members (first names or initials only):")
        + "\n"
        + ("\n".join(listed) if listed else _("none yet"))
    )


def summary(tr: Translator, draft: FamilyDraft) -> str:
    """The family as it will be saved."""
    _ = tr.gettext
    none = _("—")
    members = ", ".join(f"{m.name} ({labels.name(tr, m.role)})" for m in draft.members) or none
    signed = tr.fmt_date(draft.contract_signed_on, "d MMM y") if draft.contract_signed_on else none
    until = (
        tr.fmt_date(draft.contract_valid_until, "d MMM y") if draft.contract_valid_until else none
    )
    return "\n".join(
        [
            _("Label: {label}").format(label=esc(draft.label or none)),
            _("Members: {members}").format(members=esc(members)),
            _("Visits a week: {n}").format(n=draft.visits_per_week),
            _("Contract: signed {signed}, valid until {until}").format(
                signed=esc(signed), until=esc(until)
            ),
            "",
            _("Save this family?"),
        ]
    )
