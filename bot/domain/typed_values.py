"""What every typed value (a date, time, duration, number or code) is read as, before parsing.

Phones and copy-paste bring characters nobody sees: direction marks and isolates, zero-width
spaces and joiners, a byte-order mark, a soft hyphen (all of them format characters, Cf),
no-break, thin and ideographic spaces, and digits of the keyboard's script (Arabic-Indic,
Persian, Devanagari). A Chinese or Japanese keyboard types full-width forms: `０８：００`,
`２１．１１`, `１ｈ３０`. Every parser of a value starts with `plain_typed_value`, so 08:00
pasted with a right-to-left mark before it, or typed at full width, reads as 08:00 wherever a
time is typed. A keyword typed after a command (`pdf`, `all`, `closed`, a language) is
compared as `typed_word`.

Free text that is stored (notes, names, labels) never goes through it: there a joiner holds
an emoji together and a no-break space is the writer's choice.
"""

from __future__ import annotations

import unicodedata

# U+FF01..U+FF5E are ASCII's `!`..`~` at full width, in ASCII's order. Only these are mapped:
# NFKC would also make ² and ½ digits, which a value's parser must refuse, not misread.
_FULL_WIDTH = range(0xFF01, 0xFF5F)
_FULL_WIDTH_OFFSET = 0xFF01 - ord("!")


def plain_typed_value(text: str) -> str:
    """The text with format characters dropped, spaces plain, digits and full-width forms ASCII."""
    if text.isascii():
        return text
    return "".join(_plain(char) for char in text)


def typed_word(text: str) -> str:
    """A word typed after a command as it is compared with a keyword: plain, trimmed, lower."""
    return plain_typed_value(text).strip().lower()


def without_diacritics(text: str) -> str:
    """Lower case, `ś` as `s` and `ł` as `l`; a superscript or a fraction stays as it is."""
    # NFD, not NFKD: NFKD would make "jutro ¹⁰:³⁰" read as 10:30 and "za ² tygodnie" as two
    # weeks, where every value parser refuses such a number. ł has no decomposition at all.
    decomposed = unicodedata.normalize("NFD", text.lower().replace("ł", "l"))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _plain(char: str) -> str:
    """One character as a value's parser reads it."""
    if ord(char) in _FULL_WIDTH:
        return chr(ord(char) - _FULL_WIDTH_OFFSET)
    category = unicodedata.category(char)
    if category == "Cf":
        return ""
    if category == "Zs":
        return " "
    if category == "Nd":  # decimal digits only: a superscript ² is no digit of a value
        return str(unicodedata.decimal(char))
    return char
