"""`python -m bot report …` and `python -m bot dossier …`: the centre's documents at the server.

The IT person or the coordinator runs them on the machine the bot runs on; they read the same
settings and database. Their reads are logged like any other, as actor 0 (the server).
"""

from __future__ import annotations

import argparse
import asyncio
import os
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
from bot.storage.files import OpenFolderError, private_folder
from bot.ui.labels import describe_error

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
    except (ConfigError, DatabaseError, OpenFolderError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except DomainError as exc:
        print(f"error: {_refusal(command, args, exc)}", file=sys.stderr)
        return 2
    try:
        _write_private(args.out, content)
    except FileExistsError:
        print(f"error: {args.out} already exists; choose a new file name", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"error: cannot write {args.out} ({exc.strerror})", file=sys.stderr)
        return 2
    print(f"{args.out}: {len(content)} bytes")
    return 0


def _refusal(command: str, args: argparse.Namespace, error: DomainError) -> str:
    """What the command line says for a refused document: the option to change."""
    if error.code in {"family_unknown", "family_code_unknown"}:  # a reader is told of /team
        return f"no family with the code {args.code!r}"
    if error.code == "month_format":
        return f"--month: {args.month!r} is not a month like 2026-11"
    if error.code == "month_future":
        return f"--month: {args.month} has not begun yet"
    return f"{command}: {describe_error(translator('en'), error)}"


def _write_private(target: Path, content: bytes) -> None:
    """Create the file readable by its owner only (never wider, not for a moment), then fill it."""
    private_folder(target.parent)  # a folder made for it is the owner's alone too
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        os.fchmod(descriptor, 0o600)  # whatever the umask
        handle.write(content)
