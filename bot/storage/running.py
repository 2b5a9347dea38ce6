"""One bot per database: the running bot holds an exclusive lock on `<database>.lock`.

A second bot on the same file would poll beside the first and keep conversations apart in
memory; `restore`, `encrypt` and `rekey` would replace the file under its open connections
(it then writes into the set-aside copy). The kernel drops the lock when the process ends,
however it ends, so a stopped or killed bot never leaves it behind.
"""

from __future__ import annotations

import fcntl
import os
import time
from pathlib import Path

from bot.storage.db import DatabaseError
from bot.storage.files import private_file

LOCK_SUFFIX = ".lock"
# A check (`refuse_if_running`: doctor, encrypt, rekey, restore) holds the lock shared for a few
# microseconds: a bot starting in that instant waits for it rather than refusing to start.
START_TRIES, START_PAUSE_S = 20, 0.05


class BotRunning(DatabaseError):
    """Another process holds the database's lock: a bot is running on it."""


def lock_path(database: Path) -> Path:
    """The lock file next to the database."""
    return database.with_name(database.name + LOCK_SUFFIX)


def hold(database: Path) -> int:
    """Take the lock for this process (a file descriptor to keep open); BotRunning if taken."""
    path = lock_path(database)
    private_file(path)
    descriptor = os.open(path, os.O_RDWR)
    for attempt in range(START_TRIES):
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            if attempt + 1 < START_TRIES:
                time.sleep(START_PAUSE_S)
    else:
        holder = _holder(descriptor)
        os.close(descriptor)
        raise BotRunning(
            f"a bot is already running on {database}{holder}: stop it first (one bot per database)"
        )
    os.ftruncate(descriptor, 0)
    os.write(descriptor, f"{os.getpid()}\n".encode())
    return descriptor


def release(descriptor: int) -> None:
    """Let go of the lock taken by `hold`."""
    os.close(descriptor)


def refuse_if_running(database: Path) -> bool:
    """BotRunning if a bot holds the lock; True if one of ours ran here and has stopped."""
    path = lock_path(database)
    try:
        descriptor = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return False  # no bot of this release ran on this file
    try:
        fcntl.flock(descriptor, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        raise BotRunning(
            f"the bot is running on {database}{_holder(descriptor)}: stop it first, then run "
            "this again"
        ) from None
    finally:
        os.close(descriptor)
    return True


def _holder(descriptor: int) -> str:
    """` (process 1234)` from the lock file, or nothing when it cannot be read."""
    try:
        text = os.pread(descriptor, 32, 0).decode().strip()
    except (OSError, UnicodeDecodeError):
        return ""
    return f" (process {text})" if text.isdigit() else ""
