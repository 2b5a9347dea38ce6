"""The PDF every document is printed on: DejaVu Sans from matplotlib, page numbers, the date.

fpdf2 writes PDF in pure Python and embeds a TrueType subset, so Polish letters print;
DejaVu Sans ships inside matplotlib (already a dependency for the charts): no font is
downloaded or installed at run time. Everything is built in memory.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from functools import cache
from importlib.util import find_spec
from io import BytesIO
from pathlib import Path

from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.fonts import FontFace

from bot.documents.words import day_text
from bot.i18n import Translator

FAMILY = "DejaVu"
LINE = 5.0  # mm per line of body text


def font_path(bold: bool = False) -> Path:
    """matplotlib's bundled DejaVu Sans (regular or bold), found without importing it."""
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    spec = find_spec("matplotlib")
    assert spec is not None  # a dependency of the bot
    assert spec.origin is not None
    return Path(spec.origin).parent / "mpl-data" / "fonts" / "ttf" / name


@cache
def _glyphs() -> frozenset[int]:
    """The code points DejaVu Sans can print."""
    font = TTFont(font_path(), lazy=True)
    cmap = font.getBestCmap()
    font.close()
    return frozenset(cmap)


def printable(text: str) -> str:
    """The text with what the font cannot print (emoji, rare scripts) as '?', lines kept."""
    glyphs = _glyphs()
    return "".join(c if c == "\n" or ord(c) in glyphs else "?" for c in text)


class Document(FPDF):
    """An A4 page with the document's title at the top, page x of n and the date at the foot."""

    def __init__(self, tr: Translator, title: str, made_on: date) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.tr = tr
        self.title_line = printable(title)
        self.made_line = printable(tr.gettext("Made on {day}").format(day=day_text(made_on)))
        self.add_font(FAMILY, "", str(font_path()))
        self.add_font(FAMILY, "B", str(font_path(bold=True)))
        self.set_title(self.title_line)
        self.set_creator("familybot")
        self.set_auto_page_break(auto=True, margin=18)
        self.set_margins(15, 15, 15)
        self._widths: dict[tuple[str, int], dict[str, float]] = {}
        self.add_page()
        self.heading(title, 14)

    def header(self) -> None:
        """The title, small, on every page but the first (which opens with it large)."""
        if self.page_no() > 1:
            self.set_font(FAMILY, "", 8)
            self.cell(0, 5, self.title_line, new_x="LMARGIN", new_y="NEXT")
            self.ln(2)

    def footer(self) -> None:
        """Page x of n and the day the document was made."""
        self.set_y(-12)
        self.set_font(FAMILY, "", 8)
        page = self.tr.gettext("Page {page} of {pages}").format(page=self.page_no(), pages="{nb}")
        self.cell(0, 5, f"{self.made_line}    {page}", align="R")

    def heading(self, text: str, size: int = 13) -> None:
        """A bold heading line."""
        self.set_font(FAMILY, "B", size)
        self.multi_cell(0, size * 0.5, printable(text), align="L", new_x="LMARGIN", new_y="NEXT")
        self.ln(1)

    def paragraph(self, text: str, size: int = 10, bold: bool = False) -> None:
        """Wrapped text (a note may be long, in any script), left-aligned, one cell per line.

        fpdf2's multi_cell measures a line again for every character it adds: a year of
        3,500-character notes took seconds. Widths per character are measured once here.
        """
        style = "B" if bold else ""
        self.set_font(FAMILY, style, size)
        for line in self._wrap(printable(text), self.epw, (style, size)):
            self.cell(0, LINE, line, new_x="LMARGIN", new_y="NEXT")

    def _width(self, text: str, key: tuple[str, int]) -> float:
        """The printed width of a text in the current font, from cached character widths."""
        widths = self._widths.setdefault(key, {})
        total = 0.0
        for char in text:
            width = widths.get(char)
            if width is None:
                width = widths[char] = self.get_string_width(char)
            total += width
        return total

    def _rest(self, word: str, cut: str, key: tuple[str, int]) -> tuple[str, float]:
        """What is left of a word after the part that filled a line, and its width."""
        rest = word[len(cut) :]
        return rest, self._width(rest, key)

    def _wrap(self, text: str, room: float, key: tuple[str, int]) -> list[str]:
        """Greedy lines within `room` mm; a word longer than a line is cut between letters."""
        lines: list[str] = []
        space = self._width(" ", key)
        for typed in text.split("\n"):
            line, used = "", 0.0
            for typed_word in typed.split(" "):
                word, width = typed_word, self._width(typed_word, key)
                if line and used + space + width <= room:
                    line, used = f"{line} {word}", used + space + width
                    continue
                if line:
                    lines.append(line)
                line, used = "", 0.0
                while width > room:  # a run of letters without a space: cut it
                    cut, taken = "", 0.0
                    for char in word:
                        taken += self._width(char, key)
                        if taken > room:
                            break
                        cut += char
                    cut = cut or word[0]  # one glyph wider than the line still moves on
                    lines.append(cut)
                    word, width = self._rest(word, cut, key)
                line, used = word, width
            lines.append(line)
        return lines

    def table_of(
        self,
        headings: Sequence[str],
        rows: Sequence[Sequence[str]],
        widths: Sequence[int],
        *,
        total: Sequence[str] | None = None,
        size: int = 8,
    ) -> None:
        """A table with its headings repeated on every page, and a bold totals row."""
        self.set_font(FAMILY, "", size)
        bold = FontFace(emphasis="BOLD")
        with self.table(
            col_widths=tuple(widths),
            line_height=size * 0.5,
            headings_style=bold,
            text_align="LEFT",
            repeat_headings=1,
        ) as table:
            table.row([printable(h) for h in headings])
            for row in rows:
                table.row([printable(c) for c in row])
            if total is not None:
                table.row([printable(c) for c in total], style=bold)
        self.ln(3)

    def picture(self, png: bytes, width: float = 180) -> None:
        """A chart drawn in memory."""
        self.image(BytesIO(png), w=width)
        self.ln(2)

    def signatures(self, labels: Sequence[str]) -> None:
        """Lines to sign on, side by side."""
        self.ln(12)
        self.set_font(FAMILY, "", 9)
        width = (self.epw - 10 * (len(labels) - 1)) / len(labels)
        y = self.get_y()
        for index, label in enumerate(labels):
            x = self.l_margin + index * (width + 10)
            self.line(x, y, x + width, y)
            self.set_xy(x, y + 1)
            self.cell(width, 5, printable(label), align="C")
        self.ln(8)

    def finish(self) -> bytes:
        """The file's bytes."""
        return bytes(self.output())
