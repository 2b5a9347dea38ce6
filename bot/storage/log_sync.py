"""The log syncer: a thread that puts the write-ahead log on the disk while the loop goes on.

An update's bookkeeping that must survive a power cut (a message remembered for the chat
clean-up) used to commit with `synchronous = FULL` on the event loop's thread, which then
waited 0.3-0.6 ms for the disk and handled nothing else. It now commits like any step and
asks this thread to fdatasync the log: the loop goes on to Telegram or to the next update,
and the rows are on the disk one fsync later. One fdatasync covers every commit written
before it, so asks made while the disk works are covered by the next one. What must be on the
disk before the bot goes on (the access log) waits for it: `Database.synced`.

Linux syncs a file, not a descriptor: the log opened here is the one SQLite writes, found
where SQLite put it (`PRAGMA database_list`, symbolic links resolved). Only the log is ever
opened here, never the database file: closing a descriptor of that file would drop the
locks SQLite holds on it.
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path

log = logging.getLogger(__name__)


class LogSync:
    """fdatasync of one database's log, asked from the loop, done in a thread of its own."""

    def __init__(self, log_file: Path) -> None:
        self.log_file = log_file
        self._changed = threading.Condition()
        self.asked = 0  # asks so far
        self.synced = 0  # asks covered by a finished fdatasync (or one that failed, logged)
        self._closed = False
        self._thread: threading.Thread | None = None
        self._descriptor: int | None = None

    def ask(self) -> None:
        """Sync everything written so far, soon; returns at once (a few microseconds)."""
        with self._changed:
            if self._closed:  # the database is closing: its last close checkpoints and syncs
                return
            if self._thread is None:  # started at the first ask: most commands never ask
                thread = threading.Thread(target=self._run, name="log-sync", daemon=True)
                thread.start()
                self._thread = thread
            self.asked += 1
            self._changed.notify_all()

    def pending(self) -> bool:
        """Whether an ask is not synced yet."""
        return self.synced < self.asked

    def wait(self) -> None:
        """Block until every ask so far is synced (in a worker thread, or at close)."""
        with self._changed:
            self._changed.wait_for(lambda: self.synced >= self.asked or self._thread is None)

    def close(self) -> None:
        """Sync what was asked, stop the thread and let go of the log (blocks: a thread)."""
        with self._changed:
            self._closed = True
            self._changed.notify_all()
        if self._thread is not None:
            self._thread.join()
        if self._descriptor is not None:
            os.close(self._descriptor)
            self._descriptor = None

    def _run(self) -> None:
        """Wait for asks; sync once for all those made meanwhile."""
        while True:
            with self._changed:
                self._changed.wait_for(lambda: self.asked > self.synced or self._closed)
                if self.asked == self.synced:  # closed, nothing left to sync
                    return
                covered = self.asked
            try:
                os.fdatasync(self._open())
            except Exception as error:  # a syncer that died would sync nothing again
                # The next sync or checkpoint tries again; a failing disk fails SQLite too.
                log.warning("could not sync the database log: %s", error)
            with self._changed:
                self.synced = covered
                self._changed.notify_all()

    def _open(self) -> int:
        """The log's descriptor, opened again if the log was made anew since."""
        inode = os.stat(self.log_file).st_ino  # no log: FileNotFoundError, logged by _run
        if self._descriptor is not None and os.fstat(self._descriptor).st_ino != inode:
            os.close(self._descriptor)
            self._descriptor = None
        if self._descriptor is None:
            self._descriptor = os.open(self.log_file, os.O_RDONLY)
        return self._descriptor
