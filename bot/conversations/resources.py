"""/resources (/zasoby): the family's strengths the work builds on, added and removed.

The walk is the table `TABLE` below; `resources.mmd` is drawn from it (`make diagrams`).
Each resource is saved as it is typed, with a token of its own (saved once after a crash).
"""

from __future__ import annotations

from telegram.ext import CommandHandler

from bot.commands import names
from bot.conversations._family import FamilyPicker, family_of
from bot.conversations._plan_walks import PlanWalk, entry, item_saved
from bot.conversations._table import Go, On, Outcome, Question, Stage, Turn
from bot.domain.drafts import ItemsDraft, next_item
from bot.domain.errors import DomainError, NotFound
from bot.domain.plan_walks import ResourcesStep
from bot.i18n import N_
from bot.ui.callbacks import as_int
from bot.ui.plan_walk_questions import RESOURCES_PREFIX, resources_question

NAME = "resources"
S = ResourcesStep
ResourcesTurn = Turn[ItemsDraft, ResourcesStep]


async def _question(turn: ResourcesTurn, page_number: int) -> Question:
    """A step's question; the list shows the family's current resources."""
    services, actor, step = turn.services, turn.actor, turn.step
    families, family = await PICKER.choices(turn)
    items = []
    if step is S.RESOURCES and family is not None:
        items = await services.plans.resources(actor, family.id)
    return resources_question(
        turn.tr, turn.draft, step, family, families, page=page_number, items=items
    )


async def _add(turn: ResourcesTurn) -> Outcome:
    """➕ Add a resource: ask for its text."""
    await family_of(turn)  # still the actor's: a refusal ends the walk here, not in the question
    return Go(S.ADD)


async def _remove(turn: ResourcesTurn) -> Outcome:
    """✖ a resource: off the list (the service keeps its record and checks it is the actor's)."""
    resource_id = as_int(turn.arg)
    if resource_id is None:
        raise NotFound("resource_unknown")
    try:
        await turn.services.plans.remove_resource(turn.actor, resource_id)
    except NotFound as error:
        if error.code != "resource_unknown":
            raise
        # A second tap on a slow connection: the first took it off. The list stays open (a
        # forged id is refused and logged by the service all the same).
        return Go(S.RESOURCES, notice=turn.tr.gettext("That one is off the list already."))
    return Go(S.RESOURCES)


async def _typed(turn: ResourcesTurn) -> Outcome:
    """A typed resource, saved at once."""
    if turn.draft.family_id is None:
        raise DomainError("draft_incomplete")
    await turn.services.plans.add_resource(
        turn.actor, turn.draft.family_id, turn.text, token=turn.draft.item_token
    )
    next_item(turn.draft)
    return Go(S.RESOURCES, notice=turn.tr.gettext("Saved ✅"))


PICKER = FamilyPicker(at=S.FAMILY, then=S.RESOURCES, audit="plan.open")
TABLE: dict[ResourcesStep, Stage] = {
    S.FAMILY: PICKER.stage(),
    S.RESOURCES: Stage(
        {
            "add": On(_add, (S.ADD,), "➕ Add a resource"),
            "remove": On(_remove, (), "✖ resource (removed, kept in history)"),
        },
        typed=On(_typed, (S.RESOURCES,), "typed resource (saved)"),
    ),
    S.ADD: Stage(typed=On(_typed, (S.RESOURCES,), "typed resource (saved)")),
}

STARTS = {"/resources": (S.FAMILY,), "/resources R-01": (S.RESOURCES,)}
WALK = PlanWalk(
    NAME,
    RESOURCES_PREFIX,
    ItemsDraft,
    TABLE,
    _question,
    starts=STARTS,
    saved=item_saved,
    started=N_("the resources list you opened"),
    wanted=N_("the resources list"),
    resting=frozenset({S.FAMILY, S.RESOURCES}),
)

HANDLERS = WALK.handlers(CommandHandler(names("resources"), entry(WALK, PICKER)))
