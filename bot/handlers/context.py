"""The per-update context: who is acting, in which language, with which services."""

from __future__ import annotations

import asyncio
from typing import Any

from telegram.ext import Application, CallbackContext, ExtBot

from bot.domain.people import Actor
from bot.i18n import Translator, translator
from bot.services.registry import Services
from bot.storage.sqlite_work import Statement

SERVICES_KEY = "services"


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """PTB's context plus the actor and translator the gatekeeper resolved for this update."""

    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> None:
        super().__init__(application=application, chat_id=chat_id, user_id=user_id)
        self._actor: Actor | None = None
        self._tr: Translator | None = None
        # One context serves every handler group of an update: the gate's digest is reused.
        self.update_fingerprint = ""
        # Walks this update ended or replaced (draft token, message keeping the last word):
        # their messages leave the chat once the update is handled (conversations/engine.py).
        self.ended_walks: list[tuple[str, int | None]] = []
        # Writes that belong with this update's walk state: committed in its one transaction.
        self.update_writes: list[Statement] = []
        # The press's answer, sent while the update goes on; awaited once its state is saved.
        self.answering: asyncio.Future[None] | None = None
        # Whether this update remembers a message for the chat clean-up: then its commit is
        # synced at once (storage/log_sync.py), or a power cut could leave it in the chat.
        self.update_remembers = False
        # Whether the text this update typed into a walk is stored already (it is, before the
        # bot answers it: conversations/_walk_chat.remember_typed).
        self.typed_remembered = False

    async def save_update_writes(self) -> None:
        """Commit this update's pending writes now, on their own (no walk state to ride with)."""
        writes, self.update_writes = self.update_writes, []
        if writes:
            await self.services.chat_cleanup.save_now(writes)

    @property
    def services(self) -> Services:
        """The services wired in build_application."""
        services: Services = self.application.bot_data[SERVICES_KEY]
        return services

    @property
    def actor(self) -> Actor:
        """The member behind this update (the gatekeeper lets only members through)."""
        if self._actor is None:
            raise RuntimeError("the gatekeeper did not resolve an actor for this update")
        return self._actor

    @actor.setter
    def actor(self, value: Actor) -> None:
        self._actor = value

    @property
    def tr(self) -> Translator:
        """The translator for this user's language."""
        if self._tr is None:
            self._tr = translator(self.services.settings.default_locale)
        return self._tr

    @tr.setter
    def tr(self, value: Translator) -> None:
        self._tr = value

    @property
    def data(self) -> dict[Any, Any]:
        """This user's persisted data (the in-progress drafts)."""
        data = self.user_data
        if data is None:
            raise RuntimeError("update without a user")
        return data
