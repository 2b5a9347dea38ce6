"""What every typed value (a date, time, duration, number or code) is read as, before parsing.

Phones and copy-paste bring characters nobody sees: direction marks and isolates, zero-width
spaces and joiners, a byte-order mark, a soft hyphen (all of them format characters, Cf),
no-break and thin spaces, and digits of the keyboard's script (Arabic-Indic, Persian,
full-width). Every parser of a value starts with `plain_typed_value`, so 08:00 pasted with
a right-to-left mark before it reads as 08:00 wherever a time is typed. A keyword typed after
a command (`pdf`, `all`, `closed`, a language) is compared as `typed_word`.

Free text that is stored (notes, names, labels) never goes through it: there a joiner holds
an emoji together and a no-break space is the writer's choice.
"""

from __future__ import annotations

import unicodedata


def plain_typed_value(text: str) -> str:
    """The text with format characters dropped, every space a plain one, every digit ASCII."""
    if text.isascii():
        return text
    return "".join(_plain(char) for char in text)


def typed_word(text: str) -> str:
    """A word typed after a command as it is compared with a keyword: plain, trimmed, lower."""
    return plain_typed_value(text).strip().lower()


def _plain(char: str) -> str:
    """One character as a value's parser reads it."""
    category = unicodedata.category(char)
    if category == "Cf":
        return ""
    if category == "Zs":
        return " "
    if category == "Nd":  # decimal digits only: a superscript ² is no digit of a value
        return str(unicodedata.decimal(char))
    return char
