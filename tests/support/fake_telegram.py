"""An offline Telegram Bot API behind PTB's BaseRequest seam: validates, records and answers."""

from __future__ import annotations

import copy
import itertools
import json
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from telegram.constants import ChatAction
from telegram.request import BaseRequest, RequestData

from tests.support import telegram_rules as rules
from tests.support.telegram_rules import TelegramRuleError

BOT_USER: dict[str, Any] = {
    "id": 999000,
    "is_bot": True,
    "first_name": "FamilyBot",
    "username": "family_test_bot",
    "can_join_groups": False,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
    "can_connect_to_business": False,
    "has_main_web_app": False,
}
_BOT_FROM = {key: BOT_USER[key] for key in ("id", "is_bot", "first_name", "username")}
_JSON_PARAMS = {
    "reply_markup",
    "entities",
    "caption_entities",
    "commands",
    "scope",
    "menu_button",
    "allowed_updates",
    "link_preview_options",
    "reply_parameters",
    "message_ids",
}
# Over HTTP every value arrives as a string; these are the integer ones tests compare to ints.
_INT_PARAMS = {"chat_id", "message_id", "offset", "limit", "timeout", "user_id", "cache_time"}
_FLOODABLE = {"sendMessage", "sendDocument", "editMessageText", "editMessageReplyMarkup"}
_CHAT_METHODS = _FLOODABLE | {
    "sendChatAction",
    "deleteMessage",
    "deleteMessages",
    "editMessageCaption",
}
# A bot may delete a private chat's messages, its own and the user's, for 48 hours.
DELETE_WINDOW_SECONDS = 48 * 3600
MAX_DELETE_IDS = 100
_SENT = ("sendMessage", "editMessageText", "editMessageReplyMarkup")
_CHAT_ACTIONS = {action.value for action in ChatAction}
Markup = list[list[tuple[str, str | None]]]


@dataclass
class Call:
    """One Bot API request as the fake received it, with its outcome."""

    method: str
    params: dict[str, Any]
    files: dict[str, tuple[str | None, bytes]] = field(default_factory=dict)
    result: Any = None
    error: str | None = None
    error_code: int | None = None

    @property
    def ok(self) -> bool:
        """Return whether Telegram accepted the call."""
        return self.error is None

    @property
    def chat_id(self) -> int | None:
        """Return the call's chat_id as an int, if it has one."""
        chat_id = self.params.get("chat_id")
        return None if chat_id is None else int(chat_id)


class FakeTelegram(BaseRequest):
    """A BaseRequest that plays Telegram: validates requests, records them, answers with JSON."""

    def __init__(self, *, require_known_chats: bool = True) -> None:
        """Create an empty fake; chats must be registered (add_chat) unless told otherwise."""
        self.calls: list[Call] = []
        self.require_known_chats = require_known_chats
        # Keyboards with callback data starting with one of these (a bot's reminders, which
        # arrive on their own between a user's steps) are passed over by `button`.
        self.unsolicited_prefixes: tuple[str, ...] = ()
        self._chats: dict[int, dict[str, Any]] = {}
        self._messages: dict[tuple[int, int], dict[str, Any]] = {}
        self._user_messages: dict[tuple[int, int], dict[str, Any]] = {}
        self._last_id: dict[int, int] = {}
        self._blocked: set[int] = set()
        self._flood_left = 0
        self._flood_retry_after = 3
        self._rate_limit: int | None = None
        self._rate_retry_after = 1
        self._recent_sends: deque[float] = deque()
        self._open_queries: set[str] = set()
        self._commands: dict[str, list[Any]] = {}
        self._update_ids = itertools.count(1)
        self._file_ids = itertools.count(1)
        self._handlers: dict[str, Callable[[Call], Any]] = {
            "getMe": lambda call: BOT_USER,
            "getUpdates": lambda call: [],
            "sendMessage": self._send_message,
            "editMessageText": self._edit_message_text,
            "editMessageReplyMarkup": self._edit_reply_markup,
            "deleteMessage": self._delete_message,
            "deleteMessages": self._delete_messages,
            "editMessageCaption": self._edit_message_caption,
            "answerCallbackQuery": self._answer_callback_query,
            "sendChatAction": self._send_chat_action,
            "sendDocument": self._send_document,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": lambda call: self._commands.get(self._commands_key(call), []),
            "deleteMyCommands": self._delete_my_commands,
        }

    # --- BaseRequest interface -------------------------------------------------------------

    @property
    def read_timeout(self) -> float | None:
        """Return the nominal read timeout (nothing ever waits)."""
        return 5.0

    async def initialize(self) -> None:
        """Do nothing: there is no connection to open."""

    async def shutdown(self) -> None:
        """Do nothing: there is no connection to close."""

    async def do_request(  # noqa: PLR0917 (signature fixed by BaseRequest)
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Record the request and answer it the way the Bot API would."""
        status, body = self.dispatch(
            url.rsplit("/", 1)[-1], _params(request_data), _files(request_data)
        )
        return status, json.dumps(body).encode()

    # --- transport-free core (also serves tests/support/bot_api_server.py over HTTP) ---------

    def dispatch(
        self,
        method: str,
        params: dict[str, Any],
        files: dict[str, tuple[str | None, bytes]] | None = None,
    ) -> tuple[int, dict[str, Any]]:
        """Record one Bot API call with decoded params; return its HTTP status and JSON body."""
        call = Call(method, params, files or {})
        self.calls.append(call)
        try:
            self._check_chat(call)
            call.result = self._handlers.get(call.method, _accept)(call)
        except TelegramRuleError as exc:
            call.error, call.error_code = exc.description, exc.error_code
            return exc.error_code, exc.to_response()
        return 200, {"ok": True, "result": call.result}

    def route(self, method: str, handler: Callable[[Call], Any]) -> None:
        """Answer method with handler (raising TelegramRuleError to refuse) from now on."""
        self._handlers[method] = handler

    # --- knobs used by tests and by the user simulator --------------------------------------

    def add_chat(self, chat: dict[str, Any]) -> None:
        """Make a chat known, so messages to it are delivered with this chat object."""
        self._chats[int(chat["id"])] = dict(chat)

    def block(self, user_id: int) -> None:
        """Make every later request addressed to this chat answer 403 (user blocked the bot)."""
        self._blocked.add(user_id)

    def unblock(self, user_id: int) -> None:
        """Undo block()."""
        self._blocked.discard(user_id)

    def flood(self, n: int = 1, retry_after: int = 3) -> None:
        """Make the next n sends/edits answer 429 with this retry_after."""
        self._flood_left, self._flood_retry_after = n, retry_after

    def rate_limit(self, per_second: int | None, retry_after: int = 1) -> None:
        """Answer 429 to a send once per_second sends happened in the last second (None: off)."""
        self._rate_limit, self._rate_retry_after = per_second, retry_after
        self._recent_sends.clear()

    def next_update_id(self) -> int:
        """Return a new update_id (increasing over the fake's lifetime)."""
        return next(self._update_ids)

    def restart_update_numbering(self) -> None:
        """Start update ids from 1 again, as Telegram does after a quiet week or a new token."""
        self._update_ids = itertools.count(1)

    def next_message_id(self, chat_id: int) -> int:
        """Return the next message_id of a chat (shared by user and bot messages)."""
        self._last_id[chat_id] = self._last_id.get(chat_id, 0) + 1
        return self._last_id[chat_id]

    def note_user_message(
        self, chat_id: int, message_id: int, date: int | None = None, text: str = ""
    ) -> None:
        """Remember a message the user sent, so the bot may delete (for 48 h) but not edit it."""
        stored = {"message_id": message_id, "date": int(time.time()) if date is None else date}
        self._user_messages[chat_id, message_id] = stored | {"text": text}

    def user_messages(self, chat_id: int) -> list[dict[str, Any]]:
        """Return the user's messages still in a chat (not deleted), oldest first."""
        keys = sorted(key for key in self._user_messages if key[0] == chat_id)
        return [copy.deepcopy(self._user_messages[key]) for key in keys]

    def chat_texts(self, chat_id: int) -> list[str]:
        """Return every text still in a chat, the user's and the bot's (captions too)."""
        shown = [*self.user_messages(chat_id), *self.messages(chat_id)]
        shown.sort(key=lambda message: int(message["message_id"]))
        return [str(m.get("text", m.get("caption", ""))) for m in shown]

    def open_callback_query(self, query_id: str) -> None:
        """Register a callback query id that the bot may answer once."""
        self._open_queries.add(query_id)

    # --- assertion helpers --------------------------------------------------------------------

    @property
    def errors(self) -> list[Call]:
        """Return calls rejected as invalid (400): bot bugs; tests expect this to stay empty."""
        return [call for call in self.calls if call.error_code == 400]

    @property
    def rejected(self) -> list[Call]:
        """Return every rejected call, including injected 403 (blocked) and 429 (flood)."""
        return [call for call in self.calls if not call.ok]

    def clear(self) -> None:
        """Forget recorded calls (messages, chats, blocks and flood settings are kept)."""
        self.calls.clear()

    def sent(self, chat_id: int | None = None) -> list[Call]:
        """Return accepted sendMessage/editMessageText/editMessageReplyMarkup calls."""
        return [
            call
            for call in self.calls
            if call.ok and call.method in _SENT and chat_id in (None, call.chat_id)
        ]

    def documents(self, chat_id: int | None = None) -> list[tuple[str | None, bytes]]:
        """Return (file name, content) of every accepted uploaded document."""
        return [
            call.files["document"]
            for call in self.calls
            if call.ok and call.method == "sendDocument" and "document" in call.files
            if chat_id in (None, call.chat_id)
        ]

    def last_text(self, chat_id: int) -> str:
        """Return the plain text of the bot's latest sent or edited text message in a chat."""
        for call in reversed(self.sent(chat_id)):
            if call.method != "editMessageReplyMarkup":
                return str(call.result["text"])
        raise AssertionError(f"the bot has sent no text to chat {chat_id}")

    def message(self, chat_id: int, message_id: int) -> dict[str, Any] | None:
        """Return the current state of a bot message (a Message dict), or None."""
        stored = self._messages.get((chat_id, message_id))
        return copy.deepcopy(stored) if stored else None

    def messages(self, chat_id: int) -> list[dict[str, Any]]:
        """Return the bot's messages currently in a chat, oldest first."""
        keys = sorted(key for key in self._messages if key[0] == chat_id)
        return [copy.deepcopy(self._messages[key]) for key in keys]

    def last_markup(self, chat_id: int) -> Markup:
        """Return the inline keyboard of the bot's newest message as rows of (text, data)."""
        messages = self.messages(chat_id)
        return keyboard_rows(messages[-1]) if messages else []

    def button(self, chat_id: int, text: str) -> tuple[int, str]:
        """Find a button (exact text, else unique substring) on the newest keyboard message."""
        keyboards = [
            msg
            for msg in self.messages(chat_id)
            if keyboard_rows(msg) and not self._unsolicited(keyboard_rows(msg))
        ]
        if not keyboards:
            raise AssertionError(f"no message with an inline keyboard in chat {chat_id}")
        message = keyboards[-1]
        buttons = [button for row in keyboard_rows(message) for button in row]
        found = [b for b in buttons if b[0] == text] or [b for b in buttons if text in b[0]]
        if len(found) != 1 or found[0][1] is None:
            raise AssertionError(f"{len(found)} callback buttons match {text!r} in {buttons}")
        return int(message["message_id"]), str(found[0][1])

    def _unsolicited(self, rows: Markup) -> bool:
        """Whether a keyboard belongs to a message the bot sent on its own (a reminder)."""
        return any(
            data is not None and data.startswith(self.unsolicited_prefixes)
            for row in rows
            for _, data in row
        )

    # --- Bot API methods ------------------------------------------------------------------------

    def _check_chat(self, call: Call) -> None:
        """Apply unknown-chat, blocked-user and flood rules to chat-addressed methods."""
        chat_id = call.chat_id
        if call.method not in _CHAT_METHODS or chat_id is None:
            return
        if self.require_known_chats and chat_id not in self._chats:
            raise TelegramRuleError("Bad Request: chat not found")
        if chat_id in self._blocked:
            raise rules.blocked_error()
        if call.method in _FLOODABLE and self._flood_left > 0:
            self._flood_left -= 1
            raise rules.flood_error(self._flood_retry_after)
        if call.method in _FLOODABLE and self._rate_limit is not None:
            self._check_rate(time.monotonic())

    def _check_rate(self, now: float) -> None:
        """Apply Telegram's global limit on sends within any one-second window."""
        assert self._rate_limit is not None
        while self._recent_sends and now - self._recent_sends[0] >= 1.0:
            self._recent_sends.popleft()
        if len(self._recent_sends) >= self._rate_limit:
            raise rules.flood_error(self._rate_retry_after)
        self._recent_sends.append(now)

    def _new_message(self, chat_id: int, content: dict[str, Any], markup: Any) -> dict[str, Any]:
        """Store and return a new bot message in a chat."""
        chat = self._chats.get(chat_id) or {"id": chat_id, "type": "private", "first_name": "User"}
        message = {
            "message_id": self.next_message_id(chat_id),
            "date": int(time.time()),
            "chat": chat,
            "from": _BOT_FROM,
            **content,
        }
        if markup and "inline_keyboard" in markup:
            message["reply_markup"] = markup
        self._messages[chat_id, message["message_id"]] = message
        return dict(message)  # a stored message only ever changes at its top level (_edit)

    def _stored(self, call: Call, action: str = "edit") -> dict[str, Any]:
        """Return the stored bot message an edit or delete refers to."""
        if "inline_message_id" in call.params:
            raise TelegramRuleError("Bad Request: MESSAGE_ID_INVALID")
        key = (int(call.params["chat_id"]), int(call.params["message_id"]))
        if key in self._user_messages and action == "edit":
            raise TelegramRuleError("Bad Request: message can't be edited")
        if key not in self._messages:
            raise TelegramRuleError(f"Bad Request: message to {action} not found")
        return self._messages[key]

    def _send_message(self, call: Call) -> dict[str, Any]:
        """Handle sendMessage."""
        params = call.params
        text, entities = rules.check_text(str(params.get("text", "")), params.get("parse_mode"))
        rules.check_reply_markup(params.get("reply_markup"))
        content: dict[str, Any] = {"text": text}
        if entities:
            content["entities"] = entities
        return self._new_message(int(params["chat_id"]), content, params.get("reply_markup"))

    def _edit(self, message: dict[str, Any], content: dict[str, Any], markup: Any) -> Any:
        """Apply an edit unless it changes nothing; return the edited message."""
        markup = markup if markup and "inline_keyboard" in markup else None
        new = {key: val for key, val in content.items() if val}
        old = {key: message.get(key) for key in content if message.get(key)}
        if new == old and markup == message.get("reply_markup"):
            raise TelegramRuleError(rules.NOT_MODIFIED)
        for key in content:
            message.pop(key, None)
        message.pop("reply_markup", None)
        message.update(new, edit_date=int(time.time()))
        if markup:
            message["reply_markup"] = markup
        # The parts inside (chat, keyboard) are replaced, never changed: a shallow copy
        # keeps this answer as it was.
        return dict(message)

    def _edit_message_text(self, call: Call) -> Any:
        """Handle editMessageText (no reply_markup means the keyboard is removed)."""
        params = call.params
        text, entities = rules.check_text(str(params.get("text", "")), params.get("parse_mode"))
        rules.check_reply_markup(params.get("reply_markup"))
        message = self._stored(call)
        if "text" not in message:
            raise TelegramRuleError("Bad Request: there is no text in the message to edit")
        content = {"text": text, "entities": entities}
        return self._edit(message, content, params.get("reply_markup"))

    def _edit_reply_markup(self, call: Call) -> Any:
        """Handle editMessageReplyMarkup."""
        rules.check_reply_markup(call.params.get("reply_markup"))
        return self._edit(self._stored(call), {}, call.params.get("reply_markup"))

    def _deletable(self, chat_id: int, message_id: int) -> dict[str, Any] | None:
        """The message a delete names (None: not found), if the bot may delete it now.

        In a private chat the bot deletes its own and the user's messages; in a group only
        its own (it is never an admin here); nothing older than 48 hours.
        """
        key = (chat_id, message_id)
        chat = self._chats.get(chat_id, {"type": "private"})
        if key in self._user_messages and chat.get("type") != "private":
            raise TelegramRuleError("Bad Request: message can't be deleted")
        message = self._user_messages.get(key) or self._messages.get(key)
        if message is not None and time.time() - message["date"] >= DELETE_WINDOW_SECONDS:
            raise TelegramRuleError("Bad Request: message can't be deleted for everyone")
        return message

    def _delete_message(self, call: Call) -> bool:
        """Handle deleteMessage."""
        if "inline_message_id" in call.params:
            raise TelegramRuleError("Bad Request: MESSAGE_ID_INVALID")
        key = (int(call.params["chat_id"]), int(call.params["message_id"]))
        if self._deletable(*key) is None:
            raise TelegramRuleError("Bad Request: message to delete not found")
        self._user_messages.pop(key, None)
        self._messages.pop(key, None)
        return True

    def _delete_messages(self, call: Call) -> bool:
        """Handle deleteMessages: up to 100 ids; unknown ones are skipped (as documented).

        One the bot may not delete refuses the whole request and deletes nothing (Telegram's
        docs do not say; the stricter reading makes the bot's one-by-one fallback needed).
        """
        chat_id, ids = int(call.params["chat_id"]), call.params.get("message_ids")
        if not isinstance(ids, list) or not ids:
            raise TelegramRuleError("Bad Request: message identifiers are not specified")
        if len(ids) > MAX_DELETE_IDS:
            raise TelegramRuleError("Bad Request: too many messages to delete")
        found = [int(m) for m in ids if self._deletable(chat_id, int(m)) is not None]
        for message_id in found:
            self._user_messages.pop((chat_id, message_id), None)
            self._messages.pop((chat_id, message_id), None)
        return True

    def _edit_message_caption(self, call: Call) -> Any:
        """Handle editMessageCaption (a bot's own message may be edited at any age)."""
        params = call.params
        caption, entities = rules.check_caption(
            str(params.get("caption", "")), params.get("parse_mode")
        )
        rules.check_reply_markup(params.get("reply_markup"))
        message = self._stored(call)
        if "text" in message:
            raise TelegramRuleError("Bad Request: there is no caption in the message to edit")
        content = {"caption": caption, "caption_entities": entities}
        return self._edit(message, content, params.get("reply_markup"))

    def _answer_callback_query(self, call: Call) -> bool:
        """Handle answerCallbackQuery: each query may be answered once."""
        query_id = str(call.params.get("callback_query_id"))
        if query_id not in self._open_queries:
            raise TelegramRuleError(
                "Bad Request: query is too old and response timeout expired or query ID is invalid"
            )
        if len(str(call.params.get("text", ""))) > rules.MAX_CALLBACK_ANSWER_LENGTH:
            raise TelegramRuleError("Bad Request: MESSAGE_TOO_LONG")
        self._open_queries.discard(query_id)
        return True

    def _send_chat_action(self, call: Call) -> bool:
        """Handle sendChatAction."""
        if call.params.get("action") not in _CHAT_ACTIONS:
            raise TelegramRuleError("Bad Request: wrong parameter action in request")
        return True

    def _send_document(self, call: Call) -> dict[str, Any]:
        """Handle sendDocument with an uploaded file or a file_id/URL string."""
        params = call.params
        caption, entities = rules.check_caption(
            str(params.get("caption", "")), params.get("parse_mode")
        )
        rules.check_reply_markup(params.get("reply_markup"))
        name, data = call.files.get("document", (None, b""))
        if "document" in call.files and not data:
            raise TelegramRuleError("Bad Request: file must be non-empty")
        if "document" not in call.files and not params.get("document"):
            raise TelegramRuleError("Bad Request: there is no document in the request")
        number = next(self._file_ids)
        document: dict[str, Any] = {"file_id": f"doc-{number}", "file_unique_id": f"udoc-{number}"}
        document |= {"file_name": name, "file_size": len(data)} if name else {}
        content: dict[str, Any] = {"document": document}
        if caption:
            content["caption"] = caption
        if entities:
            content["caption_entities"] = entities
        return self._new_message(int(params["chat_id"]), content, params.get("reply_markup"))

    @staticmethod
    def _commands_key(call: Call) -> str:
        """Return the storage key of a command list (scope and language)."""
        scope = call.params.get("scope") or {"type": "default"}
        return json.dumps([scope, call.params.get("language_code", "")], sort_keys=True)

    def _set_my_commands(self, call: Call) -> bool:
        """Handle setMyCommands."""
        rules.check_commands(call.params.get("commands"))
        self._commands[self._commands_key(call)] = list(call.params["commands"])
        return True

    def _delete_my_commands(self, call: Call) -> bool:
        """Handle deleteMyCommands."""
        self._commands.pop(self._commands_key(call), None)
        return True


def _accept(call: Call) -> bool:
    """Answer True to a method the fake does not model."""
    return True


def decode_params(raw: dict[str, Any]) -> dict[str, Any]:
    """Return parameters as Python values: JSON-encoded objects and integer ids decoded."""
    params = dict(raw)
    for key in _JSON_PARAMS & params.keys():
        if isinstance(params[key], str):
            try:
                params[key] = json.loads(params[key])
            except json.JSONDecodeError:
                raise TelegramRuleError(f"Bad Request: can't parse {key} JSON object") from None
    for key in _INT_PARAMS & params.keys():
        value = params[key]
        if isinstance(value, str) and value.lstrip("-").isdigit():
            params[key] = int(value)
    return params


def _params(request_data: RequestData | None) -> dict[str, Any]:
    """Return request parameters as Python values, decoding JSON-encoded objects."""
    return decode_params(dict(request_data.parameters) if request_data else {})


def _files(request_data: RequestData | None) -> dict[str, tuple[str | None, bytes]]:
    """Return uploaded files as {part name: (file name, bytes)}."""
    if request_data is None or not request_data.contains_files:
        return {}
    files: dict[str, tuple[str | None, bytes]] = {}
    for part, value in request_data.multipart_data.items():
        name, content = value[0], value[1]
        data = content.read() if hasattr(content, "read") else content
        files[part] = (name, bytes(data))
    return files


def keyboard_rows(message: dict[str, Any]) -> Markup:
    """Return a message's inline keyboard as rows of (text, callback_data)."""
    rows = message.get("reply_markup", {}).get("inline_keyboard", [])
    return [[(b["text"], b.get("callback_data")) for b in row] for row in rows]
