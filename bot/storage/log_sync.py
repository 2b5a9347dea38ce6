"""The log syncer: a thread that puts the write-ahead log on the disk while the loop goes on.

An update's bookkeeping that must survive a power cut (a message remembered for the chat
clean-up, a read by someone other than the family's assistant) used to commit with
`synchronous = FULL` on the event loop's thread, which then waited 0.3-0.6 ms for the disk
and handled nothing else. It now commits like any step and asks this thread to fdatasync the
log: the loop goes on to Telegram's answer, or to the next update, and the rows are on the
disk one fsync later, long before Telegram has answered. A later commit is covered by a later
ask; one fdatasync covers every commit written before it.

Linux syncs a file, not a descriptor: the log opened here is the one SQLite writes. Its
inode is checked at each sync, so a log that was deleted and made again (the last connection
closed, a journal-mode change) is opened again; with no log at all the database file is
synced instead (a rollback journal writes there).
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path

log = logging.getLogger(__name__)


class LogSync:
    """fdatasync of one database's log, asked from the loop, done in a thread of its own."""

    def __init__(self, database: Path) -> None:
        self.database = database
        self.log_file = database.with_name(database.name + "-wal")
        self._changed = threading.Condition()
        self.asked = 0  # asks so far
        self.synced = 0  # asks covered by a finished fdatasync
        self._closing = False
        self._thread: threading.Thread | None = None
        self._descriptor: int | None = None

    def ask(self) -> None:
        """Sync everything written so far, soon; returns at once (a few microseconds)."""
        with self._changed:
            if self._closing:
                raise RuntimeError("the log syncer is closed")
            self.asked += 1
            self._changed.notify()
            if self._thread is None:  # started at the first ask: most commands never ask
                self._thread = threading.Thread(target=self._run, name="log-sync", daemon=True)
                self._thread.start()

    def wait(self) -> None:
        """Block until every ask so far is synced (in a worker thread, or at close)."""
        with self._changed:
            self._changed.wait_for(lambda: self.synced >= self.asked or self._thread is None)

    def close(self) -> None:
        """Sync what was asked, stop the thread and let go of the file (blocks: a thread)."""
        with self._changed:
            self._closing = True
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
                self._changed.wait_for(lambda: self.asked > self.synced or self._closing)
                if self.asked == self.synced:  # closing, nothing left to sync
                    return
                covered = self.asked
            try:
                os.fdatasync(self._open())
            except Exception as error:  # a syncer that died would sync nothing
                # The next sync or checkpoint tries again; a failing disk fails SQLite too.
                log.warning("could not sync the database log: %s", error)
            with self._changed:
                self.synced = covered
                self._changed.notify_all()

    def _open(self) -> int:
        """The log's descriptor, opened again if the log was made anew (or the file)."""
        path = self.log_file if self.log_file.exists() else self.database
        inode = os.stat(path).st_ino
        if self._descriptor is not None and os.fstat(self._descriptor).st_ino != inode:
            os.close(self._descriptor)
            self._descriptor = None
        if self._descriptor is None:
            self._descriptor = os.open(path, os.O_RDONLY)
        return self._descriptor
