"""`python -m bot report …` and `python -m bot dossier …`: the centre's documents at the server.

The IT person or the coordinator runs them on the machine the bot runs on; they read the same
settings and database. Their reads are logged like any other, as actor 0 (the server).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from bot.config import ConfigError, Settings, load_settings
from bot.documents import team, work_card
from bot.documents.dossier import dossier_pdf
from bot.domain.errors import DomainError
from bot.domain.people import Actor
from bot.domain.reports import parse_month
from bot.i18n import LOCALES, translator
from bot.services.registry import Services
from bot.storage.db import Database, DatabaseError

SERVER = Actor(telegram_id=0, is_admin=True)  # the access log's name for the command line


def _parser(command: str) -> argparse.ArgumentParser:
    """The options of one document command."""
    parser = argparse.ArgumentParser(prog=f"python -m bot {command}")
    if command == "report":
        parser.add_argument("--month", required=True, help="the month, e.g. 2026-11")
        parser.add_argument("--assistant", type=int, help="one assistant's Telegram id")
        parser.add_argument("--format", choices=["pdf", "xlsx", "csv"], default="pdf")
    else:
        parser.add_argument("code", help="the family's code, e.g. R-01")
    parser.add_argument("--out", type=Path, required=True, help="the file to write (new)")
    parser.add_argument("--lang", choices=LOCALES, help="the document's language")
    return parser


async def _build(command: str, args: argparse.Namespace, settings: Settings) -> bytes:
    """Open the database, make the document, close."""
    db = await Database.open(settings.database_path, settings.key())
    try:
        await db.migrate()
        services = Services.build(settings, db)
        tr = translator(args.lang or settings.default_locale)
        if command == "dossier":
            record = await services.dossiers.dossier(SERVER, args.code)
            return dossier_pdf(tr, record, settings.timezone)
        month = parse_month(args.month, services.clock.today())
        if args.assistant is None:
            report = await services.reports.team_report(SERVER, month)
            if args.format == "pdf":
                return team.team_pdf(tr, report)
            if args.format == "xlsx":
                return team.team_xlsx(tr, report)
            return work_card.card_csv(tr, list(report.cards))
        card = await services.reports.work_card(SERVER, month, args.assistant)
        if args.format == "pdf":
            return work_card.card_pdf(tr, card)
        if args.format == "xlsx":
            return work_card.card_xlsx(tr, card)
        return work_card.card_csv(tr, [card])
    finally:
        await db.close()


def main(command: str, argv: list[str]) -> int:
    """Write the document to --out; a problem is one line on stderr and exit code 2."""
    args = _parser(command).parse_args(argv)
    if args.out.exists():
        print(f"error: {args.out} already exists; choose a new file name", file=sys.stderr)
        return 2
    try:
        content = asyncio.run(_build(command, args, load_settings()))
    except (ConfigError, DatabaseError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except DomainError as exc:
        print(f"error: {exc.code}", file=sys.stderr)
        return 2
    args.out.write_bytes(content)
    args.out.chmod(0o600)  # a family's data: readable by the one who asked for it
    print(f"{args.out}: {len(content)} bytes")
    return 0
