"""The questions of the appointment move / outcome walk (HTML, escaped; no service calls)."""

from __future__ import annotations

from datetime import datetime

from bot.domain.appointment import OUTCOME_MAX
from bot.domain.appointment_change_steps import ChangeDraft, Step
from bot.i18n import Translator
from bot.ui.keyboards import Keyboard, StepButtons
from bot.ui.text import esc

PREFIX = "ac"  # the walk's buttons
WHEN_FORMAT = "EEEE d MMMM y, HH:mm"


def change_question(
    tr: Translator, draft: ChangeDraft, step: Step, code: str, starts_at: datetime
) -> tuple[str, Keyboard]:
    """A step's question under the appointment's family code and (local) time."""
    _ = tr.gettext
    b = StepButtons(PREFIX, draft.token, step)
    cancel = [b(_("✖ Cancel"), "cancel")]
    head = "📅 " + f"<b>{esc(code)}</b> · " + esc(tr.fmt_datetime(starts_at, WHEN_FORMAT))
    if step is Step.WHEN:
        text = _("New date and time? Type it: jutro 10:30, pt 9, 12.12 14:00, tomorrow 10.")
        markup = Keyboard([cancel])
    elif step is Step.CONFIRM:
        when = tr.fmt_datetime(draft.starts_at, WHEN_FORMAT) if draft.starts_at else "—"
        text = _("Is this right: <b>{when}</b>?").format(when=esc(when))
        markup = Keyboard(
            [
                [
                    b(_("✅ Yes"), "yes"),
                    b(_("✏️ Type again"), "again"),
                ],
                cancel,
            ]
        )
    else:
        text = _("A short note on how it went (at most {limit} characters), or Skip.").format(
            limit=OUTCOME_MAX
        )
        markup = Keyboard([[b(_("Skip ➡"), "skip")], cancel])
    return f"{head}\n{text}", markup
