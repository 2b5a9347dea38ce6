"""Command line: `python -m bot` runs the bot.

`python -m bot migrate` prepares the database and exits; `python -m bot backup FILE` writes a
consistent copy of the database (encrypted with the same key) while the bot may keep running;
`python -m bot doctor` checks the installation and prints one line per check;
`python -m bot restore FILE` puts a backup back, `encrypt` encrypts a plain database with the
configured key, `rekey --new-key-file FILE` changes the key (the bot stopped, for these three);
`python -m bot audit [--family R-01] [--since 2026-11-01] --out FILE.csv` exports the access log;
`python -m bot export-family R-01 --out FILE` writes everything held about one family as JSON.
`python -m bot report …` and `python -m bot dossier …` write the centre's documents
(bot/cli_documents.py).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path

# Opt in to PTB's coming behaviour (retry_after as a timedelta) instead of a warning per 429.
os.environ.setdefault("PTB_TIMEDELTA", "true")

from telegram import Update
from telegram.error import InvalidToken, NetworkError

from bot import logs
from bot.app import BotApplication, build_application, start_up
from bot.config import ConfigError, Settings, load_settings
from bot.doctor import doctor
from bot.export_family import export_command
from bot.reminders.job import stop_sending
from bot.safekeeping import audit_cli, keys
from bot.services.registry import Services
from bot.storage import running
from bot.storage.db import Database, DatabaseError
from bot.storage.files import OpenFolderError, check_private_folder, writable_place
from bot.storage.persistence import SQLitePersistence

log = logging.getLogger("bot")


async def open_database(settings: Settings) -> Database:
    """Open the database as configured and bring its schema up to date."""
    check_private_folder(settings.database_path.parent)
    db = await Database.open(settings.database_path, settings.key())
    if settings.key() is None:
        log.warning(
            "DATABASE_KEY is not set: family data is stored UNENCRYPTED in %s",
            settings.database_path,
        )
    version = await db.migrate()
    log.info("database %s at schema version %s", settings.database_path, version)
    return db


async def migrate(settings: Settings) -> None:
    """Apply migrations and exit."""
    db = await open_database(settings)
    await db.close()


async def backup(settings: Settings, target: Path) -> None:
    """Copy the database to a new file."""
    db = await open_database(settings)
    try:
        await db.backup(target, settings.key())
    finally:
        await db.close()
    log.info("backup written to %s", target)


async def run(settings: Settings) -> None:
    """Poll Telegram until SIGINT or SIGTERM, then shut down cleanly."""
    settings.token()  # fail fast, before touching the database
    check_private_folder(settings.database_path.parent)
    writable_place(settings.database_path)  # the lock file goes next to the database
    lock = running.hold(settings.database_path)  # one bot per database
    try:
        await _run(settings)
    finally:
        running.release(lock)


async def _run(settings: Settings) -> None:
    """Open the database, poll until a stop signal, close."""
    db = await open_database(settings)
    try:
        services = Services.build(settings, db)
        application = build_application(services, SQLitePersistence(db))
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await connect(application, settings)
        async with application:
            await start_up(application)
            await application.start()
            assert application.updater is not None
            await application.updater.start_polling(allowed_updates=Update.ALL_TYPES)
            log.info("bot @%s is running", application.bot.username)
            await stop.wait()
            log.info("stopping")
            stop_sending(application)  # PTB's stop waits for the running tick
            await application.updater.stop()
            await application.stop()
    finally:
        await db.close()


async def connect(application: BotApplication, settings: Settings) -> None:
    """Initialize (getMe): a refused token or a Telegram that does not answer is one line."""
    where = settings.telegram_api_base_url
    try:
        await application.initialize()
    except InvalidToken:  # its message quotes the token: never let it reach the log
        raise ConfigError(
            f"TELEGRAM_BOT_TOKEN: {where} refused the token: copy it again from @BotFather "
            "(/mybots → API Token)"
        ) from None
    except NetworkError as exc:
        why = str(exc).replace(settings.token(), "***")
        raise ConfigError(
            f"TELEGRAM_API_BASE_URL: no answer from {where} ({why}): check outgoing HTTPS to "
            "api.telegram.org (proxy, firewall) or the URL"
        ) from None


COMMANDS = ["run", "migrate", "backup", "doctor"]
# Commands on the files (encrypt, rekey and restore refuse a running bot); each returns one line.
OFFLINE: dict[str, Callable[[Settings, argparse.Namespace], str]] = {
    "encrypt": lambda settings, _: keys.encrypt(settings),
    "rekey": lambda settings, args: keys.rekey(settings, args.new_key_file),
    "restore": lambda settings, args: keys.restore(settings, args.file),
    "audit": audit_cli.export,
    "export-family": export_command,  # bot/export_family.py (may run beside the bot)
}
DOCUMENT_COMMANDS = ("report", "dossier")  # bot/cli_documents.py: options of their own


def main(argv: list[str] | None = None) -> int:
    """Parse the command, load settings, run; configuration problems are one clear line."""
    words = sys.argv[1:] if argv is None else argv
    if words and words[0] in DOCUMENT_COMMANDS:
        from bot.cli_documents import main as documents  # noqa: PLC0415 (heavy: fpdf, matplotlib)

        return documents(words[0], words[1:])
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    parser.add_argument("command", nargs="?", default="run", choices=[*COMMANDS, *OFFLINE])
    parser.add_argument(
        "file",
        nargs="?",
        type=Path,
        help="backup: the new file to write; restore: the backup; export-family: the code",
    )
    parser.add_argument("--new-key-file", type=Path, help="rekey: a file holding the new key")
    audit_cli.add_arguments(parser)
    args = parser.parse_args(argv)
    if args.command == "backup" and args.file is None:
        parser.error("backup needs the name of a new file, e.g. backups/familybot-2026-11-23.db")
    if args.command == "restore" and args.file is None:
        parser.error("restore needs the backup file, e.g. backups/familybot-2026-11-23.db")
    logging.basicConfig(
        level=logging.WARNING if args.command == "doctor" else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)  # it would log the token in URLs
    logs.install(logging.getLogger())
    if args.command == "doctor":  # it reads the settings itself, and reports, not raises
        return asyncio.run(doctor())
    try:
        settings = load_settings()
        if args.command in OFFLINE:
            print(OFFLINE[args.command](settings, args))
        elif args.command == "migrate":
            asyncio.run(migrate(settings))
        elif args.command == "backup":
            asyncio.run(backup(settings, args.file))
        else:
            asyncio.run(run(settings))
    except (ConfigError, DatabaseError, OpenFolderError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # a file the command was told to write or read: say which, and why
        if args.command == "run" or exc.filename is None:
            raise
        print(f"error: {exc.filename}: {exc.strerror}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
