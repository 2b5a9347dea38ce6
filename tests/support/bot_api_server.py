"""A local Telegram Bot API over real HTTP on 127.0.0.1, for running the real bot process.

Every Bot API method is answered by the same FakeTelegram core that the in-process tests use
(same validation, same errors); this module only adds the HTTP transport, the getUpdates
queue with long polling, simulated users for tests in the same event loop, and a small control
API for other processes. Standalone: `python -m tests.support.bot_api_server --port 8081`.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
import time
from collections.abc import Awaitable, Callable
from functools import partial
from types import TracebackType
from typing import Any

from aiohttp import BodyPartReader, web

from tests.support.fake_telegram import Call, FakeTelegram, Markup, decode_params, keyboard_rows
from tests.support.telegram_rules import TelegramRuleError
from tests.support.updates import UpdateFactory

HOST = "127.0.0.1"  # loopback only: this server must never be reachable from outside
DEFAULT_TOKEN = "123456:TEST-TOKEN"
UNAUTHORIZED: dict[str, Any] = {"ok": False, "error_code": 401, "description": "Unauthorized"}
MAX_UPDATES = 100

Update = dict[str, Any]
Files = dict[str, tuple[str | None, bytes]]
ControlAction = Callable[[dict[str, Any]], Awaitable[Any]]


class LocalBotApi:
    """A Bot API server for one bot token; updates queue here and survive bot restarts."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        port: int = 0,
        rate_limit: int | None = 30,
        retry_after: int = 1,
        require_known_chats: bool = True,
        quiet: float = 0.3,
    ) -> None:
        """Configure the server (port 0: any free port); start() binds it."""
        self.token = token
        self.quiet = quiet
        self.fake = FakeTelegram(require_known_chats=require_known_chats)
        self.fake.rate_limit(rate_limit, retry_after)
        self.fake.route("getUpdates", self._get_updates)
        self.fake.route("deleteWebhook", self._delete_webhook)
        self._requested_port = port
        self._port: int | None = None
        self._runner: web.AppRunner | None = None
        self._queue: list[Update] = []
        self._users: dict[int, SimUser] = {}
        self._pulse = asyncio.Event()
        self._closing = False
        self._last_activity = time.monotonic()
        self._last_poll: float | None = None
        self.polls_started = 0

    # --- lifecycle ----------------------------------------------------------------------------

    async def start(self) -> None:
        """Bind 127.0.0.1 and start serving."""
        # Telegram accepts uploads up to 50 MB; aiohttp's default cap is 1 MiB.
        app = web.Application(client_max_size=50 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._bot_api)
        control: list[tuple[str, str, ControlAction]] = [
            ("POST", "send", self._control_send),
            ("POST", "press", self._control_press),
            ("POST", "block", self._control_block),
            ("GET", "sent", self._control_sent),
            ("GET", "chat", self._control_chat),
            ("GET", "errors", self._control_errors),
        ]
        for http_method, name, action in control:
            app.router.add_route(http_method, f"/control/{name}", _control_handler(action))
        # handler_cancellation: a long poll from a killed bot process ends with its connection.
        runner = web.AppRunner(
            app, handle_signals=False, handler_cancellation=True, shutdown_timeout=1.0
        )
        await runner.setup()
        try:
            site = web.TCPSite(runner, HOST, self._requested_port)
            await site.start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner, self._closing = runner, False
        self._port = int(runner.addresses[0][1])

    async def stop(self) -> None:
        """Answer pending long polls at once and close the server."""
        self._closing = True
        self._notify()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> LocalBotApi:
        """Start the server."""
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Stop the server."""
        await self.stop()

    @property
    def base_url(self) -> str:
        """Return the value for TELEGRAM_API_BASE_URL / PTB's base_url."""
        return f"{self.url}/bot"

    @property
    def url(self) -> str:
        """Return the server's root URL (the control API lives under /control/)."""
        if self._port is None:
            raise RuntimeError("LocalBotApi is not started")
        return f"http://{HOST}:{self._port}"

    # --- simulated users and assertions ---------------------------------------------------------

    def user(
        self,
        user_id: int,
        *,
        language_code: str | None = "pl",
        first_name: str = "Anna",
        username: str | None = None,
    ) -> SimUser:
        """Return a simulated user with a private chat (chat id = user id) with the bot."""
        sim = SimUser(
            self, user_id, language_code=language_code, first_name=first_name, username=username
        )
        self._users[user_id] = sim
        return sim

    def block(self, user_id: int) -> None:
        """Make every later request to this user's chat answer 403 (user blocked the bot)."""
        self.fake.block(user_id)

    def unblock(self, user_id: int) -> None:
        """Undo block()."""
        self.fake.unblock(user_id)

    @property
    def calls(self) -> list[Call]:
        """Return every Bot API call received with a valid token, in order."""
        return self.fake.calls

    @property
    def errors(self) -> list[Call]:
        """Return calls refused as invalid (400): bot bugs, expected to stay empty."""
        return self.fake.errors

    @property
    def rejected(self) -> list[Call]:
        """Return every refused call, including 403 (blocked) and 429 (rate limit)."""
        return self.fake.rejected

    def queue_update(self, update: Update) -> None:
        """Queue any update dict (it must carry a fresh update_id from fake.next_update_id())."""
        self._queue.append(update)
        self._notify()

    def pending_updates(self) -> int:
        """Return how many queued updates the bot has not confirmed with a later offset."""
        return len(self._queue)

    # The waits below take a timeout (ASYNC109) rather than relying on asyncio.timeout: a test
    # helper that times out by itself can say what it was waiting for, which a cancel cannot.
    async def wait_until(self, predicate: Callable[[], bool], timeout: float) -> bool:  # noqa: ASYNC109
        """Wait until predicate holds, re-checking after every request or user action."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not predicate():
            remaining = deadline - loop.time()
            if remaining <= 0:
                return False
            pulse = self._pulse
            try:
                async with asyncio.timeout(remaining):
                    await pulse.wait()
            except TimeoutError:
                return predicate()
        return True

    async def wait_idle(self, timeout: float = 10.0) -> None:  # noqa: ASYNC109
        """Wait until every update is confirmed and the bot made no request for `quiet` s."""

        def idle() -> bool:
            return not self._queue and time.monotonic() - self._last_activity >= self.quiet

        deadline = time.monotonic() + timeout
        # Polled, not event-driven: idleness is the absence of events.
        while not idle():
            if time.monotonic() >= deadline:
                raise TimeoutError(f"the bot is not idle after {timeout:g} s: {self.status()}")
            await asyncio.sleep(0.05)

    def status(self) -> str:
        """Describe the queue and the bot's polling, for timeout messages."""
        now = time.monotonic()
        poll = "never" if self._last_poll is None else f"{now - self._last_poll:.1f} s ago"
        return (
            f"{len(self._queue)} update(s) unconfirmed, last getUpdates {poll}, "
            f"last other request {now - self._last_activity:.1f} s ago"
        )

    # --- Bot API over HTTP ----------------------------------------------------------------------

    async def _bot_api(self, request: web.Request) -> web.Response:
        """Answer one Bot API request through the fake's dispatch."""
        if request.match_info["token"] != self.token:
            return web.json_response(UNAUTHORIZED, status=401)
        method = request.match_info["method"]
        try:
            params, files = await _read_params(request)
        except TelegramRuleError as exc:
            return web.json_response(exc.to_response(), status=exc.error_code)
        if method == "getUpdates":
            self._last_poll = time.monotonic()
            self.polls_started += 1  # counted on arrival: a long poll answers only later
            self._notify()
            await self._long_poll(params)
        else:
            self._last_activity = time.monotonic()
        status, body = self.fake.dispatch(method, params, files)
        self._notify()
        return web.json_response(body, status=status)

    async def _long_poll(self, params: dict[str, Any]) -> None:
        """Confirm updates below offset, then wait up to `timeout` s for one at or above it."""
        offset = _int(params.get("offset"), 0)
        self._confirm(offset)
        timeout = max(0.0, float(params.get("timeout") or 0))
        await self.wait_until(lambda: self._closing or bool(self._deliverable(offset)), timeout)

    def _get_updates(self, call: Call) -> list[Update]:
        """Handle getUpdates: confirm by offset and return up to `limit` pending updates."""
        offset = _int(call.params.get("offset"), 0)
        limit = min(max(_int(call.params.get("limit"), MAX_UPDATES), 1), MAX_UPDATES)
        self._confirm(offset)
        updates = [] if self._closing else self._deliverable(offset)[:limit]
        if updates:
            self._last_activity = time.monotonic()
        return updates

    def _delete_webhook(self, call: Call) -> bool:
        """Handle deleteWebhook: there is no webhook, but drop_pending_updates clears the queue."""
        if str(call.params.get("drop_pending_updates", "")).lower() == "true":
            self._queue.clear()
        return True

    def _confirm(self, offset: int) -> None:
        """Forget updates confirmed by offset (negative: keep only the last -offset ones)."""
        if offset > 0:
            self._queue = [u for u in self._queue if u["update_id"] >= offset]
        elif offset < 0:
            self._queue = self._queue[offset:]

    def _deliverable(self, offset: int) -> list[Update]:
        """Return the queued updates a getUpdates with this offset may return."""
        return [u for u in self._queue if u["update_id"] >= offset]

    def _notify(self) -> None:
        """Wake everything waiting in wait_until (a fresh event for the next round)."""
        self._pulse.set()
        self._pulse = asyncio.Event()

    # --- control API (for other processes) -----------------------------------------------------

    def _control_user(self, body: dict[str, Any]) -> SimUser:
        """Return the known simulated user named in a control request, or a new default one."""
        user_id = int(body["user_id"])
        return self._users.get(user_id) or self.user(user_id)

    async def _control_send(self, body: dict[str, Any]) -> int:
        """POST /control/send {"user_id", "text"}: the user sends text; returns the update_id."""
        update = await self._control_user(body).send(str(body["text"]))
        return int(update["update_id"])

    async def _control_press(self, body: dict[str, Any]) -> int:
        """POST /control/press {"user_id", "button"}: press a button; returns the update_id."""
        update = await self._control_user(body).press(str(body["button"]))
        return int(update["update_id"])

    async def _control_block(self, body: dict[str, Any]) -> bool:
        """POST /control/block {"user_id"}: the user blocks the bot."""
        self.block(int(body["user_id"]))
        return True

    async def _control_sent(self, query: dict[str, Any]) -> list[dict[str, Any]]:
        """GET /control/sent?chat_id=: the bot's messages in the chat, oldest first."""
        return [
            {
                "message_id": message["message_id"],
                "text": message.get("text", message.get("caption", "")),
                "buttons": [
                    [{"text": text, "callback_data": data} for text, data in row]
                    for row in keyboard_rows(message)
                ],
            }
            for message in self.fake.messages(int(query["chat_id"]))
        ]

    async def _control_chat(self, query: dict[str, Any]) -> list[str]:
        """GET /control/chat?chat_id=: every text still in the chat, the user's and the bot's."""
        return self.fake.chat_texts(int(query["chat_id"]))

    async def _control_errors(self, query: dict[str, Any]) -> list[dict[str, Any]]:
        """GET /control/errors: every refused call (400, 403 and 429) in order."""
        return [
            {
                "method": call.method,
                "chat_id": call.chat_id,
                "error_code": call.error_code,
                "description": call.error,
            }
            for call in self.fake.rejected
        ]


class SimUser(UpdateFactory):
    """A Telegram user of the local server: acts by queueing updates, reads the bot's output."""

    def __init__(
        self,
        api: LocalBotApi,
        user_id: int,
        *,
        language_code: str | None = "pl",
        first_name: str = "Anna",
        username: str | None = None,
    ) -> None:
        """Register the user's chats with the server."""
        super().__init__(
            api.fake,
            user_id,
            language_code=language_code,
            first_name=first_name,
            username=username,
        )
        self.api = api
        self._mark = 0
        self._last_action = "no action yet"

    async def send(self, text: str) -> Update:
        """Send a private message (a leading /command gets its bot_command entity)."""
        return self._act(self.message_payload(text), f"sending {text!r}")

    async def group_message(self, text: str) -> Update:
        """Send a message in the user's group chat with the bot."""
        return self._act(self.message_payload(text, self.group_chat), f"group message {text!r}")

    async def press(self, button_text: str) -> Update:
        """Press the button (exact text, else unique substring) on the newest keyboard."""
        message_id, data = self.fake.button(self.chat_id, button_text)
        return self._act(self.callback_payload(message_id, data), f"pressing {button_text!r}")

    async def press_data(self, message_id: int, data: str) -> Update:
        """Press a button with arbitrary data on any (even stale or unknown) message."""
        return self._act(self.callback_payload(message_id, data), f"pressing data {data!r}")

    async def reply(self, timeout: float = 10.0, *, settle: float = 0.15) -> str:  # noqa: ASYNC109
        """Wait for the bot's answer to the last action; return the chat's latest text.

        After the first message or edit, wait until `settle` s pass without another one, since
        the bot often answers with a burst (edit the old message, send a new one).
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        if not await self.api.wait_until(lambda: bool(self.outputs()), timeout):
            raise self._timeout("the bot sent or edited nothing", timeout)
        while loop.time() < deadline and await self.api.wait_until(
            partial(self._more_outputs_than, len(self.outputs())),
            min(settle, deadline - loop.time()),
        ):
            pass
        return self.last_text()

    async def wait_for(self, substring: str, timeout: float = 10.0) -> str:  # noqa: ASYNC109
        """Wait until a message sent or edited since the last action contains substring."""

        def found() -> str | None:
            texts = [str(call.result.get("text", "")) for call in self.outputs()]
            return next((text for text in reversed(texts) if substring in text), None)

        if not await self.api.wait_until(lambda: found() is not None, timeout):
            raise self._timeout(f"no message containing {substring!r}", timeout)
        return str(found())

    def outputs(self) -> list[Call]:
        """Return the accepted sends and edits in this chat since the user's last action."""
        return self.fake.sent(self.chat_id)[self._mark :]

    def _more_outputs_than(self, count: int) -> bool:
        """Return whether the bot sent or edited more than count messages since the action."""
        return len(self.outputs()) > count

    def last_text(self) -> str:
        """Return the text of the bot's latest sent or edited text message in this chat."""
        return self.fake.last_text(self.chat_id)

    def last_markup(self) -> Markup:
        """Return the newest bot message's inline keyboard as rows of (text, callback_data)."""
        return self.fake.last_markup(self.chat_id)

    def _act(self, update: Update, description: str) -> Update:
        """Queue the update, remembering where the bot's answer to it starts."""
        self._mark = len(self.fake.sent(self.chat_id))
        self._last_action = description
        self.api.queue_update(update)
        return update

    def _timeout(self, what: str, timeout: float) -> TimeoutError:
        """Build a TimeoutError that says what the bot did and did not do."""
        refused = [
            f"{call.method}: {call.error_code} {call.error}"
            for call in self.fake.rejected
            if call.chat_id == self.chat_id
        ][-3:]
        sent = self.fake.sent(self.chat_id)
        latest = str(sent[-1].result.get("text", "")) if sent else None
        return TimeoutError(
            f"user {self.user_id}: {what} within {timeout:g} s after {self._last_action}; "
            f"refused calls in this chat: {refused or 'none'}; latest text: {latest!r}; "
            f"{self.api.status()}"
        )


async def _read_params(request: web.Request) -> tuple[dict[str, Any], Files]:
    """Read Bot API parameters from the query, a JSON body, a form or multipart."""
    raw: dict[str, Any] = dict(request.query)
    files: Files = {}
    if request.content_type == "application/json" and request.can_read_body:
        body = await request.json()
        if not isinstance(body, dict):
            raise TelegramRuleError("Bad Request: the JSON body must be an object")
        raw.update(body)
    elif request.content_type.startswith("multipart/"):
        # Read parts into memory: request.post() would spool files to unclosed temp files.
        reader = await request.multipart()
        async for part in reader:
            if not isinstance(part, BodyPartReader) or part.name is None:
                continue
            if part.filename is not None:
                files[part.name] = (part.filename, bytes(await part.read()))
            else:
                raw[part.name] = await part.text()
    elif request.can_read_body:
        raw.update((key, str(value)) for key, value in (await request.post()).items())
    return decode_params(raw), files


def _int(value: Any, default: int) -> int:
    """Return value as an int, or default when it is missing."""
    return default if value is None or value == "" else int(value)


def _control_handler(action: ControlAction) -> Callable[[web.Request], Awaitable[web.Response]]:
    """Wrap a control action: JSON body (POST) or query (GET) in, {"ok", "result"} out."""

    async def handle(request: web.Request) -> web.Response:
        """Run the action; a bad request or a missing button answers 400 with the reason."""
        try:
            body = await request.json() if request.method == "POST" else dict(request.query)
            result = await action(body)
        except (AssertionError, KeyError, TypeError, ValueError) as exc:
            reason = f"{type(exc).__name__}: {exc}"
            return web.json_response({"ok": False, "description": reason}, status=400)
        return web.json_response({"ok": True, "result": result})

    return handle


async def _serve(token: str, port: int, rate_limit: int | None) -> None:
    """Serve until SIGINT or SIGTERM."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    async with LocalBotApi(token, port=port, rate_limit=rate_limit) as api:
        print(api.base_url, flush=True)  # first stdout line: scripts read the URL from it
        print(
            f"TELEGRAM_API_BASE_URL={api.base_url} TELEGRAM_BOT_TOKEN={token}; "
            f"control API at {api.url}/control/; Ctrl+C stops",
            file=sys.stderr,
            flush=True,
        )
        await stop.wait()


def main(argv: list[str] | None = None) -> None:
    """Parse the command line and serve."""
    parser = argparse.ArgumentParser(description="Local Telegram Bot API on 127.0.0.1.")
    parser.add_argument("--port", type=int, default=8081, help="0 picks a free port")
    parser.add_argument("--token", default=DEFAULT_TOKEN)
    parser.add_argument(
        "--rate-limit", type=int, default=30, help="sends per second before 429; 0 disables"
    )
    args = parser.parse_args(argv)
    asyncio.run(_serve(args.token, args.port, args.rate_limit or None))


if __name__ == "__main__":
    main()
