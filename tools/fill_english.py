"""Developer tool: the English catalog's translations are its message ids (they are English)."""

from __future__ import annotations

from pathlib import Path

from babel.messages.pofile import read_po, write_po

REPO = Path(__file__).resolve().parent.parent
CATALOG = REPO / "bot" / "locales" / "en" / "LC_MESSAGES" / "bot.po"


def main() -> None:
    """Fill every empty English translation with its id."""
    with CATALOG.open("rb") as handle:
        catalog = read_po(handle, locale="en")
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, tuple | list):
            if not all(message.string):
                message.string = tuple(message.id)
        elif not message.string:
            message.string = message.id
        message.flags.discard("fuzzy")
    with CATALOG.open("wb") as handle:
        write_po(handle, catalog, omit_header=False, no_location=True, width=99)


if __name__ == "__main__":
    main()
