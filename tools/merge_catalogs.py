"""Developer tool: settle a git merge conflict in the catalogs by keeping both sides' translations.

Run it in the middle of a merge that conflicts in `bot/locales`: it reads "ours" and "theirs"
of each catalog from git's index, re-extracts the strings from the merged code, and fills every
translation either side had (ours first). Then `git add bot/locales`.
"""

from __future__ import annotations

import subprocess
import sys
from io import BytesIO
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

REPO = Path(__file__).resolve().parent.parent
LOCALES = REPO / "bot" / "locales"
PYTHON = sys.executable


def _side(path: str, stage: int, locale: str) -> Catalog | None:
    """One side of a conflicted catalog from git's index (2 ours, 3 theirs), if it has one."""
    shown = subprocess.run(
        ["git", "show", f":{stage}:{path}"], cwd=REPO, capture_output=True, check=False
    )
    if shown.returncode != 0:
        return None
    return read_po(BytesIO(shown.stdout), locale=locale)


def _translations(catalogs: list[Catalog]) -> dict[object, object]:
    """Every non-empty translation of the given catalogs, the first catalog winning."""
    known: dict[object, object] = {}
    for catalog in reversed(catalogs):
        for message in catalog:
            if message.id and (
                all(message.string) if isinstance(message.string, tuple) else message.string
            ):
                known[message.id] = message.string
    return known


def main() -> None:
    """Re-extract, update both catalogs, then fill translations from both sides of the merge."""
    sides: dict[str, list[Catalog]] = {}
    for locale in ("pl", "en"):
        path = f"bot/locales/{locale}/LC_MESSAGES/bot.po"
        found = [c for c in (_side(path, 2, locale), _side(path, 3, locale)) if c is not None]
        if not found:
            current = (REPO / path).read_bytes()
            if b"<<<<<<<" not in current:
                found = [read_po(BytesIO(current), locale=locale)]
        sides[locale] = found
    pot = LOCALES / "bot.pot"
    babel = [PYTHON, "-m", "babel.messages.frontend"]
    subprocess.run(
        [*babel, "extract", "-F", "babel.cfg", "-o", str(pot), "--no-location", "--omit-header",
         "-k", "ngettext:1,2", "-k", "N_", "bot"],
        cwd=REPO, check=True, capture_output=True,
    )  # fmt: skip
    for locale, found in sides.items():
        path = LOCALES / locale / "LC_MESSAGES" / "bot.po"
        template = read_po(pot.open("rb"))
        catalog = Catalog(locale=locale, domain="bot")
        if found:
            catalog = found[0]
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        known = _translations(found)
        empty = 0
        for message in catalog:
            if not message.id:
                continue
            message.flags.discard("fuzzy")
            if message.id in known:
                message.string = known[message.id]
            if not (all(message.string) if isinstance(message.string, tuple) else message.string):
                empty += 1
        with path.open("wb") as handle:
            write_po(handle, catalog, omit_header=False, no_location=True, width=99)
        print(f"{locale}: {empty} strings still without a translation")
    subprocess.run([PYTHON, "tools/fill_english.py"], cwd=REPO, check=True)


if __name__ == "__main__":
    main()
