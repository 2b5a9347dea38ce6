"""`python -m bot doctor`: one line per check of an installation, for the centre's IT person.

Each line is `OK`, `PROBLEM` (with what to do) or `SKIP` (a check that needs an earlier one).
Nothing here changes the data: the database is opened only if it exists and is never
migrated. The token and the key are never printed, not even inside an error message.
"""

from __future__ import annotations

import getpass
import importlib
import os
import stat
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from telegram import Bot
from telegram.error import InvalidToken, TelegramError
from telegram.request import HTTPXRequest

from bot.config import ConfigError, Settings, load_settings
from bot.handlers.documents import CHART_MODULES, DOCUMENT_MODULES
from bot.reminders.job import TICK_SECONDS
from bot.safekeeping.backups import BACKUP_EVERY, open_backup_folder, taken_at
from bot.services.clock import Clock
from bot.storage.db import Database, DatabaseError, newest_migration
from bot.storage.files import UnusableFolder, mode_of, open_to_others, wider_than_private
from bot.storage.reminders import ReminderRepository
from bot.storage.running import BotRunning, refuse_if_running

TICK_LATE_AFTER = timedelta(seconds=5 * TICK_SECONDS)  # five missed minutes: not running
KEY_MIN_LENGTH = 16  # characters; the README's own examples are 44 (`openssl rand -base64 32`)
TELEGRAM_TIMEOUT = 10.0  # seconds; doctor must answer even when the network does not
BACKUP_LATE_AFTER = BACKUP_EVERY + timedelta(hours=2)  # the day, the hourly check, a retry


@dataclass(frozen=True)
class Check:
    """The outcome of one check: ok (True), a problem (False) or skipped (None)."""

    name: str
    ok: bool | None
    detail: str

    def line(self) -> str:
        """The printed line."""
        word = {True: "OK", False: "PROBLEM", None: "SKIP"}[self.ok]
        return f"{word:<8}{self.name}: {self.detail}"


class Doctor:
    """Runs the checks in order; later ones are skipped when what they need failed."""

    def __init__(self, clock: Clock | None = None) -> None:
        self.clock = clock
        self.checks: list[Check] = []
        self._secrets: list[str] = []

    async def run(self) -> list[Check]:
        """Every check, in the order an IT person would fix them."""
        try:
            settings = load_settings()
        except ConfigError as exc:
            self._add("configuration", False, f"{exc} (fix it in .env or the environment)")
            for name in ("encryption", "data folder", "database", "schema", "telegram"):
                self._add(name, None, "needs a valid configuration")
            self._add("reminders", None, "needs a valid configuration")
            self._add("backups", None, "needs a valid configuration")
            self._documents()
            return self.checks
        self._secrets = [s for s in (_token(settings), settings.key()) if s]
        clock = self.clock or Clock(settings.tz)
        self._configuration(settings)
        self._encryption(settings)
        self._data_folder(settings.database_path)
        db = await self._database(settings)
        try:
            if db is None:
                self._add("schema", None, "needs the database")
            else:
                await self._schema(db)
            await self._telegram(settings)
            if db is None:
                self._add("reminders", None, "needs the database")
            elif not self._passed("schema"):
                self._add("reminders", None, "needs the newest schema")
            else:
                await self._reminders(db, settings, clock)
        finally:
            if db is not None:
                await db.close()
        self._backups(settings, clock)
        self._documents()
        return self.checks

    def _passed(self, name: str) -> bool:
        """Whether an earlier check passed."""
        return any(check.name == name and check.ok for check in self.checks)

    def _add(self, name: str, ok: bool | None, detail: str) -> None:
        """Record one outcome, with any secret blanked out of its text."""
        for secret in self._secrets:
            detail = detail.replace(secret, "***")
        self.checks.append(Check(name, ok, detail))

    def _configuration(self, settings: Settings) -> None:
        """A token and at least one admin; the rest was validated when loading."""
        if settings.telegram_bot_token is None:
            self._add(
                "configuration",
                False,
                "TELEGRAM_BOT_TOKEN is not set: put the token from @BotFather in .env",
            )
        elif (open_env := _open_env_file(settings)) is not None:
            self._add(
                "configuration",
                False,
                f"{open_env}, where the token and the key go, is readable by other users "
                f"(mode {stat.S_IMODE(open_env.stat().st_mode):o}): run chmod 600 {open_env}",
            )
        elif not settings.admin_telegram_ids:
            self._add(
                "configuration",
                False,
                "ADMIN_TELEGRAM_IDS is empty, so nobody can invite assistants: put the "
                "coordinators' numeric Telegram ids there",
            )
        else:
            count = len(settings.admin_telegram_ids)
            self._add(
                "configuration",
                True,
                f"token set, {count} admin{'s' if count != 1 else ''}, "
                f"time zone {settings.timezone}, language {settings.default_locale}",
            )

    def _encryption(self, settings: Settings) -> None:
        """The data is about vulnerable families: it should be encrypted at rest."""
        if settings.key() is None:
            self._add(
                "encryption",
                False,
                "DATABASE_KEY is not set, so family data is stored unencrypted: set a long "
                "random key (DATABASE_KEY or DATABASE_KEY_FILE); a database created without "
                "one is converted with `python -m bot encrypt`",
            )
        else:
            where = "DATABASE_KEY_FILE" if settings.database_key_file else "DATABASE_KEY"
            length = len(settings.key() or "")
            if length < KEY_MIN_LENGTH:
                self._add(
                    "encryption",
                    False,
                    f"{where} is set but only {length} characters long: a short key is guessed "
                    f"from a copy of the file; use at least {KEY_MIN_LENGTH} random characters "
                    "(`openssl rand -base64 32`) and change it with `python -m bot rekey`",
                )
                return
            self._add("encryption", True, f"{where} is set (SQLCipher)")

    def _data_folder(self, database: Path) -> None:
        """The folder with the database, and the database's files, are for the bot's user."""
        folder = database.parent
        if not folder.is_dir():
            self._add("data folder", None, f"{folder} does not exist yet (see database)")
            return
        mode = mode_of(folder)  # also said when the folder is private
        if open_to_others(folder) is not None:
            self._add(
                "data folder",
                False,
                f"{folder} is open to other users (mode {mode:o}), so the bot refuses to "
                f"start: run chmod 700 {folder}",
            )
            return
        if not os.access(folder, os.W_OK | os.X_OK):
            self._add(
                "data folder",
                False,
                f"{folder} is not writable by this user ({getpass.getuser()}), so the bot "
                f"cannot keep its database there: chown it to the bot's user (chmod 700 {folder})",
            )
            return
        wide = wider_than_private(database)
        if wide:
            self._add(
                "data folder",
                False,
                f"readable by others: {', '.join(wide)}: run chmod 600 {database}* "
                "(the bot also tightens them at start)",
            )
            return
        self._add("data folder", True, f"{folder} is private (mode {mode:o})")

    async def _database(self, settings: Settings) -> Database | None:
        """The file exists and the configured key (or none) opens it."""
        path = settings.database_path
        if not path.is_file():
            self._add(
                "database",
                False,
                f"no database at {path}: check DATABASE_PATH, or create it with "
                "`python -m bot migrate` (the bot also creates it at its first start)",
            )
            return None
        try:
            db = await Database.open(path, settings.key())
        except UnusableFolder as exc:  # its message says what to change
            self._add("database", False, str(exc))
            return None
        except DatabaseError:
            what = "this DATABASE_KEY" if settings.key() else "no DATABASE_KEY"
            self._add(
                "database",
                False,
                f"{path} does not open with {what}: set the DATABASE_KEY it was created with "
                "(or point DATABASE_PATH at the right file)",
            )
            return None
        except Exception as exc:  # unreadable file, full disk, …: say what the system said
            self._add("database", False, f"cannot open {path}: {type(exc).__name__}: {exc}")
            return None
        how = "with the configured key" if settings.key() else "(no key: not encrypted)"
        self._add("database", True, f"{path} opens {how}")
        return db

    async def _schema(self, db: Database) -> None:
        """The database is at the newest migration this code ships."""
        version, newest = await db.schema_version(), newest_migration()
        if version == newest:
            self._add("schema", True, f"version {version}, the newest this code ships")
        elif version < newest:
            self._add(
                "schema",
                False,
                f"version {version}, this code ships {newest}: run `python -m bot migrate` "
                "(the bot also migrates at start)",
            )
        else:
            self._add(
                "schema",
                False,
                f"version {version} is newer than this code ({newest}): install the release "
                "that wrote it",
            )

    async def _telegram(self, settings: Settings) -> None:
        """Telegram (or TELEGRAM_API_BASE_URL) knows this token: getMe answers."""
        where = settings.telegram_api_base_url
        if settings.telegram_bot_token is None:
            self._add("telegram", None, "needs TELEGRAM_BOT_TOKEN")
            return
        request = HTTPXRequest(
            connection_pool_size=1,
            connect_timeout=TELEGRAM_TIMEOUT,
            read_timeout=TELEGRAM_TIMEOUT,
        )
        try:
            async with Bot(settings.token(), base_url=where, request=request) as bot:
                me = await bot.get_me()
        except InvalidToken:  # its message quotes the token: never print it
            self._add(
                "telegram",
                False,
                f"{where} refused the token: copy TELEGRAM_BOT_TOKEN again from @BotFather "
                "(/mybots → API Token)",
            )
            return
        except (TelegramError, OSError, ValueError) as exc:
            self._add(
                "telegram",
                False,
                f"no answer from {where} ({type(exc).__name__}: {exc}): check outgoing HTTPS "
                "to api.telegram.org (proxy, firewall) or TELEGRAM_API_BASE_URL",
            )
            return
        self._add("telegram", True, f"@{me.username} answers getMe at {where}")

    async def _reminders(self, db: Database, settings: Settings, clock: Clock) -> None:
        """The minute tick ran lately, so the bot is running and its reminders are going out."""
        repository = ReminderRepository(
            db, timezone=settings.timezone, locale=settings.default_locale
        )
        last = await repository.last_tick()
        if last is None:
            self._add(
                "reminders",
                False,
                "no reminder tick recorded yet: start the bot (`python -m bot`) and check again "
                "in a minute",
            )
            return
        age = clock.now() - last
        when = f"{last.astimezone(settings.tz):%Y-%m-%d %H:%M:%S %Z}"
        if _stopped(settings.database_path):
            self._add(
                "reminders",
                False,
                f"the bot is not running (it has stopped; its last tick at {when}, {_ago(age)}): "
                "start it and read its log",
            )
        elif age > TICK_LATE_AFTER:
            self._add(
                "reminders",
                False,
                f"last tick at {when}, {_ago(age)}: the bot is not running or its job is stuck; "
                "start it and read its log",
            )
        else:
            self._add("reminders", True, f"last tick at {when}, {_ago(age)}")

    def _backups(self, settings: Settings, clock: Clock) -> None:
        """With BACKUP_DIR set, a backup was made in the last day (a failure is only logged)."""
        folder = settings.backup_dir
        if folder is None:
            self._add(
                "backups",
                None,
                "BACKUP_DIR is not set, so the bot makes no scheduled backups (README, section 6)",
            )
            return
        if folder.is_dir() and not os.access(folder, os.W_OK | os.X_OK):
            self._add(
                "backups",
                False,
                f"{folder} is not writable by this user ({getpass.getuser()}): chown it to the "
                f"bot's user (chmod 700 {folder})",
            )
            return
        if (why := open_backup_folder(folder)) is not None:  # the bot warns at start too
            self._add("backups", False, f"{why}: run chmod 700 {folder}")
            return
        taken = sorted(t for p in _listing(folder) if (t := taken_at(p)) is not None)
        if not taken:
            self._add(
                "backups",
                False,
                f"no backup in {folder} yet: the bot makes the first a minute after it starts; "
                "if it has run longer, read its log ('scheduled backup … failed')",
            )
            return
        age = clock.now() - taken[-1]
        if age > BACKUP_LATE_AFTER:
            self._add(
                "backups",
                False,
                f"the newest backup in {folder} was made {_ago(age)}: the bot is not running, "
                "or backing up fails; read its log ('scheduled backup … failed')",
            )
        else:
            self._add("backups", True, f"the newest in {folder} was made {_ago(age)}")

    def _documents(self) -> None:
        """The bot loads its document libraries at the first document: try them all now."""
        try:
            for name in (*DOCUMENT_MODULES, *CHART_MODULES):
                importlib.import_module(name)
            made = _make_documents((self.clock or Clock(ZoneInfo("UTC"))).today())
        except Exception as exc:  # whatever fails, the IT person is told what
            self._add(
                "documents",
                False,
                f"cannot make documents ({type(exc).__name__}: {exc}): reinstall the bot's "
                "packages (`make install`, or `pip install --require-hashes -r "
                "requirements.lock`)",
            )
        else:
            self._add("documents", True, made)


def _make_documents(today: date) -> str:
    """A one-page PDF with a chart, and a workbook, made in memory; what made them."""
    from io import BytesIO  # noqa: PLC0415 - imported here, like the libraries

    import fpdf  # noqa: PLC0415
    import matplotlib  # noqa: PLC0415
    import openpyxl  # noqa: PLC0415
    import uharfbuzz  # noqa: PLC0415

    from bot.documents.charts import family_weeks_png  # noqa: PLC0415
    from bot.documents.pdf import Document  # noqa: PLC0415
    from bot.i18n import translator  # noqa: PLC0415

    pdf = Document(translator("en"), "doctor", today)
    pdf.paragraph("שרה, محمد")  # a Hebrew and an Arabic name are shaped (uharfbuzz)
    pdf.picture(family_weeks_png("doctor", [today], [1], 1, ("visits", "target")))
    if not bytes(pdf.output()).startswith(b"%PDF"):
        raise ValueError("the PDF came out empty")
    book = BytesIO()
    openpyxl.Workbook().save(book)
    return (
        f"PDF (fpdf2 {fpdf.__version__}, DejaVu Sans, uharfbuzz {uharfbuzz.__version__}), "
        f"charts (matplotlib {matplotlib.__version__}) and XLSX (openpyxl "
        f"{openpyxl.__version__}) are made"
    )


def _open_env_file(settings: Settings) -> Path | None:
    """The .env file the settings came from, if group or others may read it."""
    name = settings.model_config.get("env_file")
    if not isinstance(name, str):
        return None
    path = Path(name)
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except OSError:
        return None
    return path if mode & (stat.S_IRWXG | stat.S_IRWXO) else None


def _listing(folder: Path) -> list[Path]:
    """The files in a folder (none when it is missing or unreadable)."""
    try:
        return list(folder.iterdir())
    except OSError:
        return []


def _token(settings: Settings) -> str | None:
    """The token, if set (only to blank it out of messages)."""
    return None if settings.telegram_bot_token is None else settings.token()


def _stopped(database: Path) -> bool:
    """A bot of this release ran on the database and holds its lock no more (storage/running)."""
    try:
        return refuse_if_running(database)
    except BotRunning:
        return False


def _ago(age: timedelta) -> str:
    """A rough age: 40 s ago, 12 min ago, 3 h ago, 2 days ago."""
    seconds = max(int(age.total_seconds()), 0)
    for unit, size in (("days", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size * (2 if unit == "days" else 1):
            return f"{seconds // size} {unit} ago"
    return f"{seconds} s ago"


async def doctor() -> int:
    """Run every check, print one line each; 1 if any found a problem, else 0."""
    checks = await Doctor().run()
    for check in checks:
        print(check.line())
    return 1 if any(check.ok is False for check in checks) else 0
