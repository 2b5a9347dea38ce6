"""A whole bot for tests: real database file, real Application, fake network; restartable."""

from __future__ import annotations

from typing import Any

from bot.app import BotApplication, build_application, start_up
from bot.config import Settings
from bot.services.registry import Services
from bot.storage.db import Database
from bot.storage.persistence import SQLitePersistence
from tests.support.fake_telegram import FakeTelegram
from tests.support.updates import UserSim

ADMIN_ID = 500
ASSISTANT_ID = 1001


class BotHarness:
    """Builds the bot like `python -m bot` does, minus polling; can crash and restart it."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.fake = FakeTelegram()
        self.db: Database | None = None
        self.app: BotApplication | None = None
        self.services: Services | None = None

    async def start(self) -> None:
        """Open the database, migrate, build and initialise the Application."""
        self.db = await Database.open(self.settings.database_path, self.settings.key())
        try:
            await self.db.migrate()
            self.services = Services.build(self.settings, self.db)
            self.app = build_application(
                self.services, SQLitePersistence(self.db), request=self.fake, rate_limited=False
            )
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
