"""`python -m bot export-family R-01 --out FILE`: everything held about one family, as JSON.

For a person's right of access (GDPR art. 15), from the command line only: the bot never
sends this file through Telegram. The file is created private (mode 600) and never
overwritten; the export is recorded in the access log without content.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
from datetime import UTC, datetime
from pathlib import Path

from bot.config import ConfigError, Settings
from bot.domain.family import normalise_code
from bot.storage.audit import AuditRepository
from bot.storage.db import Database, DatabaseError
from bot.storage.family_export import FamilyExport
from bot.storage.files import private_folder

EXPORT_ACTION = "family.export"
CLI_ACTOR = 0  # the access log's actor for the command line (no Telegram user)


async def export_family(db: Database, code: str, target: Path, now: datetime) -> int:
    """Write the family's record to `target`; the number of bytes written."""
    normal = normalise_code(code)
    export = FamilyExport(db)
    family_id = None if normal is None else await export.family_id(normal)
    if family_id is None:
        raise DatabaseError(f"no family with the code {code!r}")
    record = await export.collect(family_id)
    record["exported_at"] = now.isoformat()
    data = json.dumps(record, ensure_ascii=False, indent=2).encode()
    _write_private(target, data)
    await AuditRepository(db).record(now, CLI_ACTOR, EXPORT_ACTION, family_id, detail="cli")
    return len(data)


def _write_private(target: Path, data: bytes) -> None:
    """Create the file readable by its owner only; refuse to overwrite one."""
    private_folder(target.parent)  # a folder made for it is the owner's alone too
    try:
        descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise DatabaseError(f"{target} already exists; choose a new file name") from None
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)


def export_command(settings: Settings, args: argparse.Namespace) -> str:
    """`export-family R-01 --out FILE` from __main__: export, and say where the file is."""
    code, target = args.file, args.out
    if code is None or target is None:
        raise ConfigError(
            "export-family needs a family code and --out FILE, e.g. R-01 --out r.json"
        )
    size = asyncio.run(_export(settings, str(code), target))
    return f"{code}: {size} bytes written to {target} (keep it as protected as the database)"


async def _export(settings: Settings, code: str, target: Path) -> int:
    """Open the database (migrated), export, close it."""
    database = await Database.open(settings.database_path, settings.key())
    try:
        await database.migrate()
        return await export_family(database, code, target, datetime.now(UTC))
    finally:
        await database.close()
