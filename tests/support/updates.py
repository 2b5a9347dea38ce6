"""Simulated Telegram users that feed real telegram.Update objects to a real Application."""

from __future__ import annotations

import re
import time
from typing import Any

from telegram import Update
from telegram.ext import Application, CallbackContext

from tests.support.fake_telegram import FakeTelegram
from tests.support.telegram_rules import utf16_len

AnyApplication = Application[Any, Any, Any, Any, Any, Any]
_COMMAND = re.compile(r"/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{1,32})?(?=\s|$)")


class UpdateFactory:
    """Builds the Bot API update dicts a user's actions produce, with ids from the fake."""

    def __init__(
        self,
        fake: FakeTelegram,
        user_id: int = 1001,
        *,
        language_code: str | None = "pl",
        first_name: str = "Anna",
        username: str | None = None,
        group_id: int | None = None,
    ) -> None:
        """Register the user's private chat and group chat with the fake Telegram."""
        self.fake = fake
        self.user_id = user_id
        self.user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
        if username:
            self.user["username"] = username
        if language_code:
            self.user["language_code"] = language_code
        self.chat: dict[str, Any] = {"id": user_id, "type": "private", "first_name": first_name}
        if username:
            self.chat["username"] = username
        group = group_id if group_id is not None else -1_000_000 - user_id
        self.group_chat: dict[str, Any] = {"id": group, "type": "group", "title": "Family"}
        fake.add_chat(self.chat)
        fake.add_chat(self.group_chat)

    @property
    def chat_id(self) -> int:
        """Return the id of the private chat with the bot (equal to the user id)."""
        return self.user_id

    def message_payload(self, text: str, chat: dict[str, Any] | None = None) -> dict[str, Any]:
        """Build a text-message update dict, with a bot_command entity if relevant."""
        chat = chat or self.chat
        message_id, date = self.fake.next_message_id(chat["id"]), int(time.time())
        self.fake.note_user_message(chat["id"], message_id, date, text)
        message: dict[str, Any] = {
            "message_id": message_id,
            "date": date,
            "chat": chat,
            "from": self.user,
            "text": text,
        }
        if command := _COMMAND.match(text):
            length = utf16_len(command.group())
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        return {"update_id": self.fake.next_update_id(), "message": message}

    def callback_payload(self, message_id: int, data: str) -> dict[str, Any]:
        """Build a callback_query update dict for a press on a bot message (stub if unknown)."""
        message = self.fake.message(self.chat_id, message_id)
        if message is None:
            message = {"message_id": message_id, "chat": self.chat, "date": 0}
        update_id = self.fake.next_update_id()
        query_id = f"{self.user_id}-{update_id}"
        self.fake.open_callback_query(query_id)
        query = {
            "id": query_id,
            "from": self.user,
            "chat_instance": f"ci-{self.chat_id}",
            "message": message,
            "data": data,
        }
        return {"update_id": update_id, "callback_query": query}


class UserSim(UpdateFactory):
    """A user chatting with the bot in a private chat (and in one group) through real Updates."""

    def __init__(
        self,
        application: AnyApplication,
        fake: FakeTelegram,
        user_id: int = 1001,
        *,
        language_code: str | None = "pl",
        first_name: str = "Anna",
        username: str | None = None,
        group_id: int | None = None,
        raise_errors: bool = True,
    ) -> None:
        """Register the user's chats with the fake and bind the user to the application."""
        super().__init__(
            fake,
            user_id,
            language_code=language_code,
            first_name=first_name,
            username=username,
            group_id=group_id,
        )
        self.application = application
        self.raise_errors = raise_errors
        self.handler_errors: list[BaseException] = []

    def message_update(self, text: str, chat: dict[str, Any] | None = None) -> Update:
        """Build a text-message Update from this user, with a bot_command entity if relevant."""
        return self._update(self.message_payload(text, chat))

    def callback_update(self, message_id: int, data: str) -> Update:
        """Build a CallbackQuery Update for a press on a bot message (inaccessible if unknown)."""
        return self._update(self.callback_payload(message_id, data))

    async def send(self, text: str) -> Update:
        """Send a private message (commands such as "/start payload" included) to the bot."""
        return await self.process(self.message_update(text))

    async def group_message(self, text: str) -> Update:
        """Send a message to the bot in the user's group chat."""
        return await self.process(self.message_update(text, self.group_chat))

    async def press(self, button_text: str) -> Update:
        """Press the button matching button_text on the bot's newest keyboard in the chat."""
        message_id, data = self.fake.button(self.chat_id, button_text)
        return await self.press_data(message_id, data)

    async def press_data(self, message_id: int, data: str) -> Update:
        """Press a button with arbitrary data on any (even stale or deleted) message."""
        return await self.process(self.callback_update(message_id, data))

    async def process(self, update: Update) -> Update:
        """Let the application handle the update; re-raise a handler's error if raise_errors."""
        errors_before = len(self.handler_errors)
        self.application.add_error_handler(self._collect_error)
        try:
            await self.application.process_update(update)
        finally:
            self.application.remove_error_handler(self._collect_error)
        if self.raise_errors and len(self.handler_errors) > errors_before:
            raise self.handler_errors[errors_before]
        return update

    async def _collect_error(
        self, update: object, context: CallbackContext[Any, Any, Any, Any]
    ) -> None:
        """Error handler that records exceptions raised by the bot's handlers."""
        if context.error is not None:
            self.handler_errors.append(context.error)

    def _update(self, data: dict[str, Any]) -> Update:
        """Turn an update dict into a real Update bound to the application's bot."""
        update = Update.de_json(data, self.application.bot)
        assert update is not None
        return update
