"""What a PDF's pages really draw: each glyph read back through the embedded font's own cmap.

pypdf's text goes through the ToUnicode map, which gives an Arabic letter's base code point
whichever form was drawn (isolated or joined): it cannot tell the two apart. The embedded
font subset keeps its cmap, and DejaVu Sans maps each joined form from its presentation
code point (U+FE70-U+FEFF), so reading a glyph back through it shows which form is printed.
An invisible direction mark (LRM, RLM, an isolate's RLI ... PDI: no width) is left out.
"""

from __future__ import annotations

import io
import re
from typing import Any

from fontTools.ttLib import TTFont
from pypdf import PdfReader
from pypdf.generic import ContentStream

MARKS = {"\u200e", "\u200f", "\u2066", "\u2067", "\u2068", "\u2069"}


def _characters(font: Any) -> dict[int, str]:
    """A font resource's codes (CIDs) as the character of the glyph each one draws."""
    descendant = font["/DescendantFonts"][0].get_object()
    program = descendant["/FontDescriptor"]["/FontFile2"].get_data()
    embedded = TTFont(io.BytesIO(program))
    glyph_order = embedded.getGlyphOrder()
    cmap = embedded.getBestCmap()
    # A glyph mapped from several code points reads as the lowest one (its base letter).
    by_glyph = {name: code for code, name in sorted(cmap.items(), reverse=True)}
    gids = descendant["/CIDToGIDMap"].get_data()
    characters: dict[int, str] = {}
    for cid in range(len(gids) // 2):
        gid = int.from_bytes(gids[2 * cid : 2 * cid + 2], "big")
        if gid and glyph_order[gid] in by_glyph:
            characters[cid] = chr(by_glyph[glyph_order[gid]])
    typed = re.findall(r"<([0-9A-F]{4})> <([0-9A-F]{4})>", font["/ToUnicode"].get_data().decode())
    for cid, unicode in typed:
        if chr(int(unicode, 16)) in MARKS:
            characters[int(cid, 16)] = ""
    return characters


def drawn(content: bytes) -> str:
    """Every page's glyphs, in the order they are drawn, as characters; a text block per line."""
    out: list[str] = []
    for page in PdfReader(io.BytesIO(content)).pages:
        resources = page["/Resources"]["/Font"].items()
        fonts = {name: _characters(font.get_object()) for name, font in resources}
        current: dict[int, str] = {}
        for operands, operator in ContentStream(page.get_contents(), page.pdf).operations:
            if operator == b"Tf":
                current = fonts[operands[0]]
            elif operator == b"Tj":
                codes = operands[0].original_bytes
                cids = (int.from_bytes(codes[n : n + 2], "big") for n in range(0, len(codes), 2))
                out.extend(current.get(cid, "\ufffd") for cid in cids)
            elif operator == b"ET":
                out.append("\n")
    return "".join(out)
