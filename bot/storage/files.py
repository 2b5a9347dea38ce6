"""The files that hold family data are the bot's user's alone: folders 0700, files 0600.

SQLite creates its files 0644 minus the umask, and its `-wal`, `-shm` and `-journal` files
with the mode of the database file; so the database file is created 0600 before SQLite opens
it, and existing files are tightened at every start, whatever the umask.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

PRIVATE_FOLDER = 0o700
PRIVATE_FILE = 0o600
OTHERS_BITS = stat.S_IRWXG | stat.S_IRWXO
COMPANIONS = ("-wal", "-shm", "-journal")  # SQLite's files next to a database


class OpenFolderError(Exception):
    """The data folder is open to other local users; the message says how to close it."""


def mode_of(path: Path) -> int:
    """The permission bits of a file or folder."""
    return stat.S_IMODE(path.stat().st_mode)


def private_folder(folder: Path) -> None:
    """Create the folder 0700 if it is missing, and each missing parent 0700 too.

    A parent made the system's way (0755, 0777 under umask 0) would let anyone on the machine
    list the folder below and rename it away. Parents that were there are left as they are.
    """
    missing: list[Path] = []
    here = folder
    while not here.is_dir():
        missing.append(here)
        if here.parent == here:
            break
        here = here.parent
    for path in reversed(missing):
        try:
            path.mkdir(mode=PRIVATE_FOLDER)  # never wider than 0700, even for an instant
        except FileExistsError:
            if path.is_dir():  # made by someone else meanwhile: not ours to change
                continue
            raise NotADirectoryError(
                errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(path)
            ) from None
        path.chmod(PRIVATE_FOLDER)  # mkdir's mode is cut by the umask, and may be too wide


def open_to_others(folder: Path) -> int | None:
    """The folder's mode if other users of the machine may list or enter it; else None.

    None too for a folder that is not there (yet): the bot makes its folders 0700.
    """
    if not folder.is_dir():
        return None
    mode = mode_of(folder)
    return mode if mode & OTHERS_BITS else None


def check_private_folder(folder: Path) -> None:
    """Refuse a data folder other users may read or enter (OpenFolderError)."""
    mode = open_to_others(folder)
    if mode is not None:
        raise OpenFolderError(
            f"the data folder {folder} is open to other users (mode {mode:o}); "
            f"family data must be private: run chmod 700 {folder}"
        )


def private_file(path: Path) -> None:
    """Create the file empty and 0600 if it is missing (an existing one is left to tighten)."""
    try:
        new_private_file(path)
    except FileExistsError:
        return


def new_private_file(path: Path) -> None:
    """Create a new empty 0600 file; FileExistsError if the name is taken."""
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_RDWR, PRIVATE_FILE)
    try:
        os.fchmod(fd, PRIVATE_FILE)
    finally:
        os.close(fd)


def tighten(database: Path) -> None:
    """Make the database and whichever of its companion files exist 0600."""
    for path in (database, *(database.with_name(database.name + end) for end in COMPANIONS)):
        try:
            if mode_of(path) & ~PRIVATE_FILE:
                path.chmod(PRIVATE_FILE)
        except FileNotFoundError:
            continue


def wider_than_private(database: Path) -> list[str]:
    """The database's files (and their modes) that others could read, e.g. `bot.db 644`."""
    found = []
    for path in (database, *(database.with_name(database.name + end) for end in COMPANIONS)):
        try:
            mode = mode_of(path)
        except FileNotFoundError:
            continue
        if mode & OTHERS_BITS:
            found.append(f"{path.name} {mode:o}")
    return found


class UnusableFolder(OpenFolderError):
    """The bot's user cannot create or write the data folder or the database file."""


def writable_place(path: Path) -> None:
    """Create the data folder and the file private; UnusableFolder if this user cannot write."""
    folder = path.parent
    try:
        private_folder(folder)
    except OSError as exc:
        raise UnusableFolder(
            f"cannot create the data folder {folder} ({exc.strerror}): create it for the "
            "bot's user (mkdir -m 700), or set DATABASE_PATH to a folder that user owns"
        ) from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise UnusableFolder(
            f"the bot's user cannot write in the data folder {folder} (SQLite keeps its -wal "
            f"and -shm files there): chown it to that user and chmod 700 {folder}"
        )
    if path.exists() and not os.access(path, os.R_OK | os.W_OK):
        raise UnusableFolder(
            f"the bot's user cannot read and write {path}: chown it to that user and "
            f"chmod 600 {path}"
        )
