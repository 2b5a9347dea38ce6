"""A whole bot for tests: real database file, real Application, fake network; restartable."""

from __future__ import annotations

import asyncio
from typing import Any

from bot.app import BotApplication, build_application, start_up
from bot.config import Settings
from bot.reminders.job import DISPATCHER_KEY
from bot.services.registry import Services
from bot.storage.db import Database
from bot.storage.persistence import SQLitePersistence
from tests.support.fake_telegram import Call, FakeTelegram
from tests.support.updates import UserSim

ADMIN_ID = 500
ASSISTANT_ID = 1001


class ProcessKilled(BaseException):
    """The bot's process is killed (kill -9): no Exception, so nothing in the bot catches it."""


class PacingClock:
    """The dispatcher's pacing clock, moved on by its sleeps instead of waiting them out.

    The dispatcher keeps one second between two messages to one chat: with real sleeps a
    tick that sends three reminders to one assistant took two seconds of every such test
    (30 s of the suite). Its pacing itself is tested with a fake clock in
    tests/services/test_reminders.py.
    """

    def __init__(self) -> None:
        self.now = 0.0
        self.slept = 0.0  # how long the dispatcher would have waited, in seconds

    def monotonic(self) -> float:
        """The current reading."""
        return self.now

    async def sleep(self, seconds: float) -> None:
        """Move the clock on, and let other tasks run as a real sleep would."""
        self.now += seconds
        self.slept += seconds
        await asyncio.sleep(0)


class BotHarness:
    """Builds the bot like `python -m bot` does, minus polling; can crash and restart it."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.fake = FakeTelegram()
        self.db: Database | None = None
        self.app: BotApplication | None = None
        self.services: Services | None = None
        self.pacing = PacingClock()

    async def start(self) -> None:
        """Open the database, migrate, build and initialise the Application."""
        self.db = await Database.open(self.settings.database_path, self.settings.key())
        try:
            await self.db.migrate()
            self.services = Services.build(self.settings, self.db)
            self.app = build_application(
                self.services, SQLitePersistence(self.db), request=self.fake, rate_limited=False
            )
            dispatcher = self.app.bot_data[DISPATCHER_KEY]
            dispatcher.sleep, dispatcher.monotonic = self.pacing.sleep, self.pacing.monotonic
            await self.app.initialize()
            await start_up(self.app)
        except BaseException:
            await self.db.close()
            self.db = None
            raise

    async def crash_and_restart(self) -> None:
        """Drop the running bot without any shutdown (like kill -9) and start a fresh one."""
        assert self.db is not None
        await self.db.close()  # the process is gone: nothing more is written
        self.app = None
        await self.start()

    def kill_after(self, method: str, chat_id: int, nth: int = 1) -> None:
        """Telegram carries out the `nth` next `method` call to the chat, then the bot dies.

        It dies before it reads Telegram's answer: the call raises ProcessKilled, which the test
        catches before `crash_and_restart`, so nothing after that instant is written.
        """
        fake = self.fake
        usual = fake._handlers[method]
        left = nth

        def accept_then_die(call: Call) -> Any:
            nonlocal left
            if call.chat_id != chat_id:
                return usual(call)
            call.result = usual(call)
            left -= 1
            if left > 0:
                return call.result
            fake.route(method, usual)
            raise ProcessKilled

        fake.route(method, accept_then_die)

    async def restart(self) -> None:
        """A clean stop and start."""
        await self.close()
        await self.start()

    async def close(self) -> None:
        """Shut the Application down and close the database."""
        if self.app is not None:
            await self.app.shutdown()
            self.app = None
        if self.db is not None:
            await self.db.close()
            self.db = None

    def user(self, user_id: int = ASSISTANT_ID, **kwargs: Any) -> UserSim:
        """A simulated user talking to the current Application."""
        assert self.app is not None
        return UserSim(self.app, self.fake, user_id, **kwargs)

    async def admin(self) -> UserSim:
        """The configured admin, already known to the bot."""
        sim = self.user(ADMIN_ID, first_name="Ewa", language_code="en")
        await sim.send("/help")
        return sim

    async def assistant(self, user_id: int = ASSISTANT_ID, **kwargs: Any) -> UserSim:
        """An assistant let in through a real /invite and /start <code>."""
        admin = await self.admin()
        await admin.send("/invite assistant")
        text = self.fake.last_text(admin.chat_id)
        code = text.split("/start ")[-1].strip()
        sim = self.user(user_id, **kwargs)
        await sim.send(f"/start {code}")
        return sim
