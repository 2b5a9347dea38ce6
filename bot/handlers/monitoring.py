"""The buttons of the end-of-monitoring reminder: finish the monitoring, or extend it."""

from __future__ import annotations

from telegram import Update

from bot.domain.errors import DomainError, NotAllowed, Settled
from bot.handlers.common import answer_press, settle_reminder, settled_reminder
from bot.handlers.context import BotContext
from bot.ui.callbacks import as_day_of, as_int, pressed_data
from bot.ui.labels import describe_error


async def monitoring_pressed(update: Update, context: BotContext) -> None:
    """✔ Finish monitoring, or ➕ 3 more months (the service checks the family is theirs).

    Once the family is no longer monitored (or no longer theirs) the reminder closes, saying why.
    """
    press = pressed_data(update)
    query = update.callback_query
    family_id = None if press is None else as_int(press.token)
    tr = context.tr
    # An old button carries no end (""); one that carries what is not an end is forged.
    if (
        press is None
        or family_id is None
        or query is None
        or (press.arg and not as_day_of(press.arg)[0])
    ):
        await answer_press(update, tr.gettext("This button is no longer active."))
        return
    cases = context.services.cases
    # The end the reminder showed and the period it was of; None on a button sent before it
    # carried them, which finishes (or extends) the monitoring running, as it always did.
    shown, period = as_day_of(press.arg)
    try:
        if press.action == "finish":
            if not await cases.finish_monitoring(
                context.actor, family_id, shown_until=shown, shown_period=period
            ):
                raise NotAllowed("not_monitored")  # finished before: the reminder says so
            note = tr.gettext("Monitoring finished ✔")
        else:
            until = await cases.extend_monitoring(
                context.actor, family_id, shown_until=shown, shown_period=period
            )
            note = tr.gettext("Monitored until {date}.").format(date=tr.fmt_date(until, "d MMM y"))
    except DomainError as error:
        # About another monitoring than the one running: it closes with the service's words,
        # which name the end shown (the reminder's own check would say it without the end).
        if isinstance(error, Settled):
            await settle_reminder(update, describe_error(tr, error))
            return
        if await settled_reminder(update, context, error):  # no longer monitored: it closes
            return
        await answer_press(update, describe_error(tr, error))
        return
    await settle_reminder(update, note)
