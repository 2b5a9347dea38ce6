"""/monitoring: record a contact with a closed family under monitoring — day, form, a note.

Its day's question also finishes the monitoring (✔ Finish monitoring), as the reminder at
the monitoring's end does, without waiting for it.

The walk is the table `TABLE` below; `monitoring_contact.mmd` is drawn from it
(`make diagrams`).
"""

from __future__ import annotations

from datetime import date

from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.commands import names
from bot.conversations._case import ClosedPicker
from bot.conversations._table import End, Go, On, Outcome, Question, Stage, Turn, day_stage, picks
from bot.conversations.engine import Walk
from bot.domain.errors import DomainError, NotAllowed, Settled
from bot.domain.family import Family
from bot.domain.lifecycle import ContactForm, check_contact_day
from bot.domain.lifecycle_steps import ContactDraft, ContactStep
from bot.domain.people import Actor
from bot.handlers.context import BotContext
from bot.i18n import N_
from bot.services.registry import Services
from bot.ui.callbacks import as_day
from bot.ui.case_questions import CONTACT_PREFIX, contact_question
from bot.ui.family_views import CONTACT_CARD_PREFIX
from bot.ui.text import esc

NAME = "monitoring_contact"
S = ContactStep
ContactTurn = Turn[ContactDraft, ContactStep]


async def _monitored(services: Services, actor: Actor) -> list[Family]:
    """The actor's closed families still monitored."""
    return await services.cases.monitored_families(actor)


async def _still_monitored(services: Services, actor: Actor, family_id: int) -> None:
    """A button's family is still monitored (not finished, erased or reopened since)."""
    await services.cases.check_monitored(actor, family_id)


async def _question(turn: ContactTurn, page: int) -> Question:
    """A step's question."""
    families, family = await PICKER.choices(turn)
    until = None
    if family is not None:  # no longer monitored (reopened, finished): the walk ends
        period = await turn.services.cases.check_monitored(turn.actor, family.id)
        until = period.monitoring_until
    return contact_question(
        turn.tr, turn.draft, turn.step, family, families, page=page, until=until
    )


async def _check_day(turn: ContactTurn, day: date) -> Outcome:
    """A contact after the closure, by the monitoring's last day, not ahead (still monitored)."""
    assert turn.draft.family_id is not None
    period = await turn.services.cases.check_monitored(turn.actor, turn.draft.family_id)
    turn.draft.day = check_contact_day(day, period, turn.today)
    return Go(S.FORM)


MOVED = N_(
    "The monitoring's end moved meanwhile, so nothing was finished. Press ✔ Finish monitoring "
    "again to finish it now."
)


async def _finish(turn: ContactTurn) -> Outcome:
    """✔ Finish monitoring: what the reminder's ✔ does, for the end the question showed.

    Finished meanwhile (the reminder's ✔), erased, reopened or handed over: refused as the
    reminder's ✔ is, and the walk ends. An end moved since (➕ 3 more months) finishes
    nothing: the question comes again with the new end.
    """
    family_id, tr = turn.draft.family_id, turn.tr
    if family_id is None:
        raise DomainError("draft_incomplete")
    shown = as_day(turn.arg)
    if shown is None:  # the walk's ✔ always carries the end it shows: a forged press
        return Go(
            S.DAY, notice=tr.gettext("That button is from an older message; use the latest one.")
        )
    cases = turn.services.cases
    try:
        finished = await cases.finish_monitoring(turn.actor, family_id, shown_until=shown)
    except Settled:
        return Go(S.DAY, notice=tr.gettext(MOVED))
    if not finished:
        raise NotAllowed("not_monitored")
    family = await turn.services.families.peek(turn.actor, family_id, closed_ok=True)
    return End(
        tr.gettext("✔ The monitoring of {code} is finished as of {date}.").format(
            code=esc(family.code), date=esc(tr.fmt_date(turn.today, "d MMM y"))
        ),
        # A double tap's second press: said in place, as a reminder's buttons say theirs.
        again=tr.gettext("The monitoring of {code} is already finished.").format(code=family.code),
    )


async def _save(turn: ContactTurn) -> Outcome:
    """Save with the typed note, or without one (once per draft)."""
    draft, tr = turn.draft, turn.tr
    if draft.family_id is None or draft.day is None or draft.form is None:
        raise DomainError("draft_incomplete")
    family = await turn.services.families.peek(turn.actor, draft.family_id, closed_ok=True)
    await turn.services.cases.record_contact(
        turn.actor, draft.family_id, draft.day, draft.form, turn.text, token=draft.token
    )
    return End(
        tr.gettext("✅ Monitoring contact with {code} on {date} saved.").format(
            code=esc(family.code), date=esc(tr.fmt_date(draft.day, "d MMM y"))
        )
    )


async def _is_saved(context: BotContext, draft: ContactDraft) -> bool:
    """A draft whose contact is in the database is done, whatever was left in the chat."""
    return await context.services.cases.contact_saved(context.actor, draft.token)


PICKER = ClosedPicker(
    at=S.FAMILY,
    then=S.DAY,
    audit="monitoring.open",
    offered=_monitored,
    none=N_("None of your closed families is being monitored."),
    ready=_still_monitored,
)
TABLE: dict[ContactStep, Stage] = {
    S.FAMILY: PICKER.stage(),
    S.DAY: day_stage(
        _check_day,
        S.FORM,
        "typed date (closure to monitoring end, not ahead)",
        more={"finish": On(_finish, (None, S.DAY), "✔ Finish monitoring")},
    ),
    S.FORM: Stage(
        {"form": picks("form", ContactForm, S.NOTE, "visit / phone / social worker / school")}
    ),
    S.NOTE: Stage(
        {"save": On(_save, (None,), "💾 Save without a note")},
        typed=On(_save, (None,), "typed note — saved"),
    ),
}

STARTS = {"/monitoring": (S.FAMILY,), "/monitoring R-01, the card's 👁, a reminder": (S.DAY,)}
WALK = Walk(
    NAME,
    CONTACT_PREFIX,
    ContactDraft,
    TABLE,
    _question,
    starts=STARTS,
    saved=_is_saved,
    started=N_("the monitoring contact you started"),
    wanted=N_("a monitoring contact"),
)

HANDLERS = WALK.handlers(
    CommandHandler(names("monitoring"), PICKER.entry(WALK)),
    CallbackQueryHandler(PICKER.entry(WALK), pattern=rf"^{CONTACT_CARD_PREFIX}:"),
)
