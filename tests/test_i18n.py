"""Catalogs: every message the code uses exists in Polish and English, placeholders match."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot.i18n import LOCALE_DIR, LOCALES, guess_locale, translator

PLACEHOLDER = re.compile(r"\{[a-z_]+\}")
TAG = re.compile(r"</?([a-z-]+)")
BOT_DIR = Path(__file__).resolve().parent.parent / "bot"


def _used_messages() -> set[str]:
    """Every msgid the code marks, extracted fresh from the source like `make catalogs` does."""
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
    found: set[str] = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(BOT_DIR), method_map=[("**.py", "python")], keywords=keywords
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


@pytest.mark.parametrize("locale", LOCALES)
def test_catalog_is_complete_and_placeholders_match(locale: str) -> None:
    with (LOCALE_DIR / locale / "LC_MESSAGES" / "bot.po").open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    translated = {}
    problems = []
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple | list) else (message.id,)
        strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
        translated[ids[0]] = strings
        wanted = set(PLACEHOLDER.findall(" ".join(ids)))
        if "fuzzy" in message.flags:
            problems.append(f"fuzzy: {ids[0]!r}")
        for string in strings:
            if not string:
                problems.append(f"untranslated: {ids[0]!r}")
            elif set(PLACEHOLDER.findall(string)) != wanted:
                problems.append(f"placeholders differ: {ids[0]!r} -> {string!r}")
            elif sorted(TAG.findall(string)) != sorted(TAG.findall(ids[0])):
                problems.append(f"tags differ: {ids[0]!r} -> {string!r}")
    missing = _used_messages() - set(translated)
    problems += [f"missing from {locale}: {m!r}" for m in sorted(missing)]
    assert problems == []
    expected_forms = 3 if locale == "pl" else 2
    assert catalog.num_plurals == expected_forms
    assert all(len(s) == expected_forms for s in translated.values() if len(s) > 1)


def test_polish_plural_forms() -> None:
    tr = translator("pl")
    forms = [
        tr.ngettext(
            "This week: {count} visit of {target}", "This week: {count} visits of {target}", n
        ).format(count=n, target=2)
        for n in (1, 2, 5, 22, 25)
    ]
    assert "1 wizyta" in forms[0]
    assert "2 wizyty" in forms[1]
    assert "5 wizyt" in forms[2]
    assert "22 wizyty" in forms[3]
    assert "25 wizyt" in forms[4]


def test_dates_are_formatted_per_language() -> None:
    day = date(2026, 11, 23)
    assert translator("pl").fmt_date(day, "long") == "23 listopada 2026"
    assert translator("en").fmt_date(day, "long") == "November 23, 2026"


def test_language_guess() -> None:
    assert guess_locale("en-GB", "pl") == "en"
    assert guess_locale("pl", "en") == "pl"
    assert guess_locale("de", "pl") == "pl"
    assert guess_locale(None, "en") == "en"
    assert translator("xx").locale == "pl"
