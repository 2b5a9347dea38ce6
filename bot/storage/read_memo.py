"""A memo of rows read since the database last changed (`Database.generation`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Generic, TypeVar

if TYPE_CHECKING:
    from bot.storage.db import Database

K = TypeVar("K")
V = TypeVar("V")


class ReadMemo(Generic[K, V]):
    """Rows read since the last change (`write()`, `write_with()`): none can differ until the next.

    A walk asks for its actor and family at every press; bookkeeping writes (walk state,
    update ids) leave the memo valid, so those are read once per change, not once per press.
    """

    def __init__(self, db: Database, limit: int = 1000) -> None:
        self.db = db
        self.limit = limit
        self._rows: dict[K, V] = {}
        self._at = -1

    def get(self, key: K) -> tuple[bool, V | None]:
        """(True, the row) if it was read at this generation, else (False, None)."""
        if self._at == self.db.generation and key in self._rows:
            return True, self._rows[key]
        return False, None

    def keep(self, read_at: int, key: K, row: V) -> None:
        """Keep a row read at generation `read_at`, unless a write began or ended meanwhile."""
        if read_at != self.db.generation:
            return
        if self._at != read_at or len(self._rows) >= self.limit:
            self._rows, self._at = {}, read_at
        self._rows[key] = row
