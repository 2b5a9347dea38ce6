"""PTB persistence on our own SQLite database: conversation states and drafts survive restarts."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

from telegram.ext import BasePersistence, PersistenceInput
from telegram.ext._utils.types import CDCData, ConversationDict, ConversationKey

from bot.domain.replay import REPLAY_WINDOW, RecentUpdates
from bot.storage.db import Database
from bot.storage.sqlite_work import Statement

_REMEMBER_UPDATE = (
    "INSERT INTO recent_updates (update_id, fingerprint, processed_at) VALUES (?, ?, ?) "
    "ON CONFLICT (update_id) DO UPDATE SET fingerprint = excluded.fingerprint, "
    "processed_at = excluded.processed_at"
)

UserData = dict[Any, Any]
ChatData = dict[Any, Any]
BotData = dict[Any, Any]


class SQLitePersistence(BasePersistence[UserData, ChatData, BotData]):
    """Stores user_data (the in-progress draft) and conversation states; nothing else.

    Values must be JSON-serialisable: drafts are pydantic models dumped in JSON mode.
    """

    def __init__(self, db: Database) -> None:
        super().__init__(
            store_data=PersistenceInput(
                bot_data=False, chat_data=False, user_data=True, callback_data=False
            ),
            update_interval=60,
        )
        self.db = db
        self.recent = RecentUpdates()
        self._batch: list[tuple[str, tuple[Any, ...]]] | None = None

    @asynccontextmanager
    async def batch(
        self,
        update_id: int,
        fingerprint: str,
        at: datetime,
        writes: Sequence[Statement] = (),
        *,
        durable: bool = True,
    ) -> AsyncIterator[None]:
        """Collect the writes of one update and commit them with its id in one transaction.

        The conversation state, the draft, the update's other `writes` and "this update is
        done" then land together or not at all, so a crash can never leave a state without
        its draft; and one update costs one commit (`durable`: see write_bookkeeping).
        """
        self._batch = []
        try:
            yield
            statements = self._batch
        finally:
            self._batch = None
        remember = (_REMEMBER_UPDATE, (update_id, fingerprint, at.isoformat()))
        await self.db.write_bookkeeping([*statements, *writes, remember], durable=durable)
        self.recent.remember(update_id, fingerprint, at)

    async def _write(self, sql: str, params: tuple[Any, ...]) -> None:
        """Run one statement now, or add it to the open batch."""
        if self._batch is not None:
            self._batch.append((sql, params))
            return
        await self.db.write_bookkeeping([(sql, params)])

    async def get_user_data(self) -> dict[int, UserData]:
        """All stored user_data, by user id."""
        rows = await self.db.fetch_all("SELECT user_id, data FROM ptb_user_data")
        return {int(r["user_id"]): json.loads(r["data"]) for r in rows}

    async def update_user_data(self, user_id: int, data: UserData) -> None:
        """Save one user's data (an empty dict removes the row)."""
        if data:
            await self._write(
                "INSERT INTO ptb_user_data (user_id, data) VALUES (?, ?) "
                "ON CONFLICT (user_id) DO UPDATE SET data = excluded.data",
                (user_id, json.dumps(data, ensure_ascii=False)),
            )
        else:
            await self.drop_user_data(user_id)

    async def drop_user_data(self, user_id: int) -> None:
        """Forget one user's data."""
        await self._write("DELETE FROM ptb_user_data WHERE user_id = ?", (user_id,))

    async def refresh_user_data(self, user_id: int, user_data: UserData) -> None:
        """Nothing to refresh: this process is the only writer."""

    async def get_conversations(self, name: str) -> ConversationDict:
        """The stored states of one conversation handler."""
        rows = await self.db.fetch_all(
            "SELECT key, state FROM ptb_conversations WHERE name = ?", (name,)
        )
        return {tuple(json.loads(r["key"])): json.loads(r["state"]) for r in rows}

    async def update_conversation(
        self, name: str, key: ConversationKey, new_state: object | None
    ) -> None:
        """Save or clear one conversation's state."""
        encoded_key = json.dumps(list(key))
        if new_state is None:
            await self._write(
                "DELETE FROM ptb_conversations WHERE name = ? AND key = ?", (name, encoded_key)
            )
        else:
            await self._write(
                "INSERT INTO ptb_conversations (name, key, state) VALUES (?, ?, ?) "
                "ON CONFLICT (name, key) DO UPDATE SET state = excluded.state",
                (name, encoded_key, json.dumps(new_state)),
            )

    async def get_chat_data(self) -> dict[int, ChatData]:
        """Chat data is not kept."""
        return {}

    async def update_chat_data(self, chat_id: int, data: ChatData) -> None:
        """Chat data is not kept."""

    async def drop_chat_data(self, chat_id: int) -> None:
        """Chat data is not kept."""

    async def refresh_chat_data(self, chat_id: int, chat_data: ChatData) -> None:
        """Chat data is not kept."""

    async def get_bot_data(self) -> BotData:
        """Bot data is not kept."""
        return {}

    async def update_bot_data(self, data: BotData) -> None:
        """Bot data is not kept."""

    async def refresh_bot_data(self, bot_data: BotData) -> None:
        """Bot data is not kept."""

    async def get_callback_data(self) -> CDCData | None:
        """Arbitrary callback data is not used."""
        return None

    async def update_callback_data(self, data: CDCData) -> None:
        """Arbitrary callback data is not used."""

    async def flush(self) -> None:
        """Every write is already committed."""

    async def load_recent_updates(self, now: datetime) -> RecentUpdates:
        """Forget updates older than the replay window, then read the rest into memory."""
        await self.forget_updates_before(now - REPLAY_WINDOW)
        rows = await self.db.fetch_all(
            "SELECT update_id, fingerprint, processed_at FROM recent_updates "
            "ORDER BY processed_at, update_id"
        )
        recent = RecentUpdates()
        for row in rows:
            at = datetime.fromisoformat(row["processed_at"])
            recent.remember(int(row["update_id"]), row["fingerprint"], at)
        self.recent = recent
        return recent

    async def forget_updates_before(self, cutoff: datetime) -> None:
        """Drop processed update ids too old to be delivered again (once a day).

        The newest one stays, so after a quiet week the high-water mark is still known and
        Telegram's renumbering is logged as such.
        """
        await self._write(
            "DELETE FROM recent_updates WHERE processed_at < ? AND update_id <> ("
            "SELECT update_id FROM recent_updates ORDER BY processed_at DESC, update_id DESC "
            "LIMIT 1)",
            (cutoff.isoformat(),),
        )
        self.recent.forget_before(cutoff)
