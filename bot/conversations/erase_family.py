"""/erase (/usun), admins only: erase one family's personal data now, confirmed twice.

For a family registered by mistake or a lawful request; otherwise the daily retention job
erases closed families on its own. The walk is the table `TABLE` below; `erase_family.mmd`
is drawn from it (`make diagrams`).
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler

from bot.commands import names
from bot.conversations._table import End, Go, On, Outcome, Question, Stage, Turn
from bot.conversations._walk_chat import WALK_KEY
from bot.conversations.engine import Walk
from bot.domain.errors import DomainError, NotFound
from bot.domain.family import normalise_code
from bot.domain.lifecycle_steps import EraseDraft, EraseStep
from bot.handlers.context import BotContext
from bot.i18n import N_
from bot.reminders.erasure import forget_drafts_of
from bot.ui.case_questions import ERASE_PREFIX, erase_question
from bot.ui.labels import describe_error
from bot.ui.text import esc

NAME = "erase_family"
S = EraseStep
EraseTurn = Turn[EraseDraft, EraseStep]


async def _family(turn: EraseTurn) -> str:
    """The draft family's code, re-checked (the actor must still be an admin)."""
    if turn.draft.family_id is None:
        raise DomainError("draft_incomplete")
    family = await turn.services.families.families.get(turn.draft.family_id)
    found = await turn.services.retention.erasable(turn.actor, family.code if family else "?")
    return found.code


async def _question(turn: EraseTurn, page: int) -> Question:
    """A step's question."""
    assert turn.draft.family_id is not None
    family = await turn.services.families.families.get(turn.draft.family_id)
    if family is None:
        raise NotFound("family_unknown")
    await turn.services.retention.erasable(turn.actor, family.code)
    return erase_question(turn.tr, turn.draft, turn.step, family)


async def _code(turn: EraseTurn) -> Outcome:
    """The code typed back: it must be the family's."""
    code = await _family(turn)
    if normalise_code(turn.text) != code.upper():
        raise DomainError("code_mismatch")
    return Go(S.CONFIRM)


async def _erase(turn: EraseTurn) -> Outcome:
    """Erase now (the service checks the admin and the code again)."""
    code = await _family(turn)
    assert turn.draft.family_id is not None
    family_id = turn.draft.family_id
    await turn.services.retention.erase_now(turn.actor, family_id, code)
    turn.context.data.pop(WALK_KEY, None)  # this walk's own draft names the family too
    if await forget_drafts_of(turn.context.application, {family_id}):
        await turn.services.retention.compact()
    return End(
        turn.tr.gettext(
            "🗑 The personal data of {code} is erased. Counts, dates and reasons stay."
        ).format(code=esc(code))
    )


TABLE: dict[EraseStep, Stage] = {
    S.CODE: Stage(typed=On(_code, (S.CONFIRM,), "the code typed back")),
    S.CONFIRM: Stage({"erase": On(_erase, (None,), "🗑 Erase now")}),
}

STARTS = {"/erase R-01 (admins)": (S.CODE,)}
WALK = Walk(
    NAME,
    ERASE_PREFIX,
    EraseDraft,
    TABLE,
    _question,
    starts=STARTS,
    started=N_("the erasure you started"),
    wanted=N_("erasing a family"),
)


async def start(update: Update, context: BotContext) -> None:
    """`/erase R-01`: only an admin, only a family that exists and is not erased yet."""
    message = update.effective_message
    if message is None or await WALK.blocked(update, context):
        return
    if not context.args:
        await message.reply_text(context.tr.gettext("Name the family: /erase R-01 (admins only)."))
        return
    try:
        family = await context.services.retention.erasable(context.actor, context.args[0])
    except DomainError as error:
        await message.reply_text(esc(describe_error(context.tr, error)))
        return
    draft = WALK.new_draft()
    draft.family_id = family.id
    await WALK.go(update, context, draft, S.CODE)


HANDLERS = WALK.handlers(CommandHandler(names("erase"), start))
