"""/dossier (/teczka) R-01, a family's chart, and the periodic assessment as documents."""

from __future__ import annotations

from telegram import Update

from bot.domain.errors import DomainError
from bot.handlers.common import answer_press, no_families_text, send_lines
from bot.handlers.context import BotContext
from bot.handlers.documents import answered_again, documents_ready, send_document
from bot.ui import labels
from bot.ui.callbacks import as_int, pressed_data
from bot.ui.document_views import dossier_picker
from bot.ui.text import esc

DOCUMENT_WORDS = {"dokument", "document", "doc", "pdf"}


async def dossier(update: Update, context: BotContext) -> None:
    """`/dossier R-01`: the family's whole record as one PDF; without a code, which family."""
    if not context.args:
        own = await context.services.families.own_families(context.actor)
        text = context.tr.gettext("Which family? Or type its code, like /dossier R-01.")
        if not own:
            # A reader types any family's code; an assistant with nothing open is told why.
            said = esc(text) if context.actor.sees_team else await no_families_text(context)
            await send_lines(update, context, [said])
            return
        await send_lines(update, context, [esc(text)], dossier_picker(own))
        return
    await send_dossier(update, context, context.args[0])


async def send_dossier(update: Update, context: BotContext, family: int | str) -> None:
    """Build the dossier and send it; a refusal is answered in words."""
    tr = context.tr
    try:
        record = await context.services.dossiers.dossier(context.actor, family)
    except DomainError as error:
        await send_lines(update, context, [esc(labels.describe_error(tr, error))])
        return
    await documents_ready(charts=True)
    from bot.documents.dossier import dossier_pdf  # noqa: PLC0415 (see documents_ready)

    zone = context.services.settings.timezone
    stem = tr.gettext("dossier")
    name = f"{stem}-{record.family.code}-{record.made_on.isoformat()}.pdf"
    await send_document(update, context, dossier_pdf(tr, record, zone), name, name)


async def send_assessment(update: Update, context: BotContext, family: int | str) -> None:
    """The family's latest periodic assessment as a PDF for the head of the centre."""
    tr = context.tr
    try:
        doc = await context.services.dossiers.assessment_document(context.actor, family)
    except DomainError as error:
        await send_lines(update, context, [esc(labels.describe_error(tr, error))])
        return
    await documents_ready(charts=True)
    from bot.documents.assessment import assessment_pdf  # noqa: PLC0415 (see documents_ready)

    code, day = doc.record.family.code, doc.assessment.day.isoformat()
    stem = tr.gettext("assessment")
    name = f"{stem}-{code}-{day}.pdf"
    await send_document(update, context, assessment_pdf(tr, doc), name, name)


async def send_chart(update: Update, context: BotContext, family_id: int) -> None:
    """The family's visits per week against its target, as a picture."""
    tr = context.tr
    try:
        record = await context.services.dossiers.chart(context.actor, family_id)
    except DomainError as error:
        await send_lines(update, context, [esc(labels.describe_error(tr, error))])
        return
    await documents_ready(charts=True)
    from bot.documents.dossier import family_chart  # noqa: PLC0415 (see documents_ready)

    stem = tr.gettext("visits")
    name = f"{stem}-{record.family.code}-{record.made_on.isoformat()}.png"
    await send_document(update, context, family_chart(tr, record), name, name)


async def document_pressed(update: Update, context: BotContext) -> None:
    """📈, 📁 or 📄 on a family card or after an assessment (access re-checked by the service)."""
    press = pressed_data(update)
    family_id = None if press is None else as_int(press.arg)
    if press is None or family_id is None:
        await answer_press(update, context.tr.gettext("This button is no longer active."))
        return
    if await answered_again(update, context):  # the document is already in the chat
        return
    await answer_press(update)
    if press.action == "chart":
        await send_chart(update, context, family_id)
    elif press.action == "assess":
        await send_assessment(update, context, family_id)
    else:
        await send_dossier(update, context, family_id)
