"""`python -m bot audit [--family R-01] [--since 2026-11-01] --out FILE.csv`: the access log.

For the data protection officer: one row per access or refusal, oldest first, with times in
UTC and in the centre's zone, Telegram ids and family codes; no names, no notes.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
from datetime import date, datetime, time
from pathlib import Path

from bot.config import ConfigError, Settings
from bot.domain.audit import AccessEntry
from bot.domain.errors import NotFound
from bot.services.access_log import AccessLogService
from bot.services.audit import AccessAudit
from bot.services.clock import Clock
from bot.storage.audit import AccessLogReader, AuditRepository
from bot.storage.db import Database, DatabaseError
from bot.storage.families import FamilyRepository
from bot.storage.files import new_private_file, private_folder

COLUMNS = (
    "at_utc",
    "at_local",
    "telegram_id",
    "kind",
    "action",
    "family",
    "outcome",
    "detail",
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `audit`."""
    parser.add_argument("--family", help="audit: only this family's code, e.g. R-01")
    parser.add_argument(
        "--since", type=_day, help="audit: only from this day on (YYYY-MM-DD, the centre's zone)"
    )
    parser.add_argument("--out", type=Path, help="audit: the new CSV file to write")


def export(settings: Settings, args: argparse.Namespace) -> str:
    """Write the CSV; return what was written."""
    out: Path | None = args.out
    if out is None:
        raise ConfigError("audit needs --out FILE.csv (a new file)")
    since = None
    if args.since is not None:
        since = datetime.combine(args.since, time(0), tzinfo=settings.tz)
    count = asyncio.run(_export(settings, args.family, since, out))
    return f"{count} access log entries written to {out}"


async def _export(settings: Settings, code: str | None, since: datetime | None, out: Path) -> int:
    """Read the log and write it."""
    if not settings.database_path.is_file():
        raise DatabaseError(f"no database at {settings.database_path}: check DATABASE_PATH")
    db = await Database.open(settings.database_path, settings.key())
    try:
        audit = AccessAudit(AuditRepository(db), Clock(settings.tz))
        service = AccessLogService(AccessLogReader(db), FamilyRepository(db), audit)
        try:
            _, entries = await service.export(code, since)
        except NotFound:
            raise DatabaseError(f"no family with the code {code!r}") from None
    finally:
        await db.close()
    write_csv(out, entries, settings)
    return len(entries)


def write_csv(out: Path, entries: list[AccessEntry], settings: Settings) -> None:
    """The entries as CSV in a new 0600 file (a folder made for it is 0700, as its parents)."""
    private_folder(out.parent)
    try:
        new_private_file(out)
    except FileExistsError:
        raise DatabaseError(f"{out} already exists; choose a new file name") from None
    with out.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(COLUMNS)
        for entry in entries:
            writer.writerow(
                (
                    entry.at.isoformat(),
                    entry.at.astimezone(settings.tz).strftime("%Y-%m-%d %H:%M:%S"),
                    entry.actor_id,
                    entry.kind,
                    entry.action,
                    entry.family_code or "",
                    entry.outcome,
                    entry.detail,
                )
            )


def _day(text: str) -> date:
    """A YYYY-MM-DD day for --since."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a day like 2026-11-01") from None
