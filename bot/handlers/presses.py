"""One handler for every button with a registered prefix: a dict lookup, not forty patterns."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler

PressCallback = Callable[[Update, Any], Awaitable[Any]]
_PREFIXED = re.compile(r"\^([A-Za-z0-9_]+):")  # how every prefixed handler's pattern reads


class PressRouter(CallbackQueryHandler[Any, Any]):
    """Routes a press by the prefix of its callback data to the callback registered for it.

    PTB tries a group's handlers one by one: with a handler per prefix, a press was matched
    against the patterns of every handler before its own (about forty). Its pattern still
    names every prefix, for whoever reads the handlers (tests/test_commands.py does).
    """

    def __init__(self, routes: dict[str, PressCallback]) -> None:
        alternatives = "|".join(re.escape(prefix) for prefix in routes)
        super().__init__(self._route, pattern=rf"^(?:{alternatives}):")
        self.routes = routes

    def check_update(self, update: object) -> str | None:
        """The prefix of a press this router serves, else None."""
        query = update.callback_query if isinstance(update, Update) else None
        data = None if query is None else query.data
        if not isinstance(data, str):
            return None
        prefix, colon, _ = data.partition(":")
        return prefix if colon and prefix in self.routes else None

    def collect_additional_context(
        self, context: Any, update: Update, application: Any, check_result: Any
    ) -> None:
        """Nothing to add: no callback reads `context.matches`."""

    async def _route(self, update: Update, context: Any) -> None:
        """The registered callback of the press's prefix."""
        query = update.callback_query
        assert query is not None  # check_update saw to both
        assert isinstance(query.data, str)
        await self.routes[query.data.partition(":")[0]](update, context)


def routed(handlers: list[BaseHandler[Any, Any, Any]]) -> list[BaseHandler[Any, Any, Any]]:
    """The same handlers, the prefixed button ones replaced by one PressRouter.

    The router stands where the first of them stood. Prefixes are unique and no other press
    handler may come before a prefixed one (refused here), so every press reaches the same
    callback as before.
    """
    routes: dict[str, PressCallback] = {}
    kept: list[BaseHandler[Any, Any, Any] | None] = []
    other_press_handler = False
    for handler in handlers:
        prefix = _prefix_of(handler)
        if prefix is None:
            other_press_handler |= isinstance(handler, CallbackQueryHandler)
            kept.append(handler)
            continue
        if prefix in routes or other_press_handler:
            raise ValueError(f"the press handler for {prefix!r} cannot move into the router")
        if not routes:
            kept.append(None)  # the router's place
        routes[prefix] = handler.callback
    return [PressRouter(routes) if handler is None else handler for handler in kept]


def _prefix_of(handler: BaseHandler[Any, Any, Any]) -> str | None:
    """The prefix of a plain prefixed button handler (pattern ^prefix:), else None."""
    if type(handler) is not CallbackQueryHandler or not handler.block:
        return None
    pattern = handler.pattern
    if not isinstance(pattern, re.Pattern):
        return None
    found = _PREFIXED.fullmatch(pattern.pattern)
    return found.group(1) if found else None
