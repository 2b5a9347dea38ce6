"""The PDF every document is printed on: DejaVu Sans from matplotlib, page numbers, the date.

fpdf2 writes PDF in pure Python and embeds a TrueType subset, so Polish letters print;
DejaVu Sans ships inside matplotlib (already a dependency for the charts): no font is
downloaded or installed at run time. Everything is built in memory. A line with Hebrew or
Arabic is shaped by HarfBuzz (uharfbuzz): its letters joined, its runs in display order. What
DejaVu Sans lacks comes from STIX General (matplotlib's too) when it has it; what neither has
(emoji, most Asian scripts) prints as "�".
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from functools import cache
from importlib.util import find_spec
from io import BytesIO
from pathlib import Path

from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.bidi import BidiParagraph
from fpdf.enums import TextDirection, XPos, YPos
from fpdf.fonts import FontFace

from bot.documents.words import day_text
from bot.i18n import Translator

FAMILY = "DejaVu"
FALLBACK = "STIX"  # STIX General: mathematical and circled letters, arrows, technical signs
LINE = 5.0  # mm per line of body text
TAB = "    "
# fpdf2's own "{nb}" would turn a typed "{nb}" into the page count: a control character,
# which printable() never lets through, makes an alias no text can hold. Its length is the
# room kept for the number (three digits, as "{nb}" kept).
PAGES_ALIAS = "\x00nb"
TOP_ROOM = 10.0  # mm below the top margin (the small title) where a new page would gain nothing
ROW_LINES = 40  # a table row taller than this goes on in the next row (a row must fit a page)
_RIGHT_TO_LEFT = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")
# Shaping every line made a year's dossier 2.6 times slower and 4.6 times bigger (a glyph per
# text operator): only a line with Hebrew or Arabic is shaped. Without optional ligatures,
# "fi" in a shaped line stays two letters, found and copied as typed (Arabic's lam-alef is
# a required ligature, which HarfBuzz always makes).
NO_LIGATURES = {"liga": False}
RLI, PDI = "\u2067", "\u2069"  # an isolated right-to-left run, invisible
_NO_GLYPH = str.maketrans("", "", f"{RLI}{PDI}\n")  # what needs no font: isolates, line breaks
# U+FFFD, the replacement character, for what no font has: a "?" could not be told from a
# typed one. An emoji sequence (joiners, variation selectors) or a flag is one mark.
MISSING = "\ufffd"
_MISSING_RUN = re.compile("\ufffd(?:[\u200d\ufe0e\ufe0f]*\ufffd)*[\u200d\ufe0e\ufe0f]*")


def font_path(bold: bool = False) -> Path:
    """matplotlib's bundled DejaVu Sans (regular or bold), found without importing it."""
    return _bundled("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")


def fallback_path() -> Path:
    """matplotlib's bundled STIX General, for what DejaVu Sans lacks."""
    return _bundled("STIXGeneral.ttf")


def _bundled(name: str) -> Path:
    """A font file among matplotlib's."""
    spec = find_spec("matplotlib")
    assert spec is not None  # a dependency of the bot
    assert spec.origin is not None
    return Path(spec.origin).parent / "mpl-data" / "fonts" / "ttf" / name


@cache
def _characters(path: Path) -> frozenset[str]:
    """The characters a font can print."""
    font = TTFont(path, lazy=True)
    cmap = font.getBestCmap()
    font.close()
    return frozenset(map(chr, cmap))


@cache
def _printing(fallback: bool, bold: bool = False) -> frozenset[str]:
    """The characters a face of DejaVu Sans prints, with those of the fallback font or without.

    The bold face lacks about 140 characters the regular one has (the mathematical sans-serif
    and Arabic mathematical letters among them) and has others it lacks.
    """
    own = _characters(font_path(bold))
    return own | _characters(fallback_path()) if fallback else own


def printable(text: str, *, fallback: bool = True, bold: bool = False) -> str:
    """The text with what the fonts cannot print (emoji, rare scripts) as "�", lines kept.

    A tab (notes keep them, pasted from a form) has no glyph: it prints as spaces. A chart
    draws with DejaVu Sans alone (`fallback=False`); a `bold` text prints in the bold face.
    """
    glyphs = _printing(fallback, bold)
    if "\t" in text:
        text = text.replace("\t", TAB)
    if glyphs.issuperset(text.replace("\n", "")):
        return text
    marked = "".join(c if c == "\n" or c in glyphs else MISSING for c in text)
    return _MISSING_RUN.sub(MISSING, marked)


def display_order(line: str) -> str:
    """A line with Hebrew or Arabic, its runs in display order, each run as typed.

    With shaping on, fpdf2 2.8 shapes each right-to-left run (letters joined, brackets
    mirrored, marks placed) but lays a line's runs out in the order typed: "שרה 12 lat"
    printed the number on the wrong side of the name. The Unicode bidi algorithm orders
    the runs here, in a left-to-right page, and fpdf2 shapes each one. A right-to-left run
    is isolated (RLI ... PDI, invisible), so that fpdf2, reading the line again, gives all
    of it that direction and pairs its brackets only within it.
    """
    if not _RIGHT_TO_LEFT.search(line):
        return line
    paragraph = BidiParagraph(line, base_direction=TextDirection.LTR, preserve_bn_chars=True)
    runs: list[tuple[bool, list[str]]] = []
    for char in paragraph.get_reordered_characters():
        backwards = char.embedding_level % 2 == 1
        if runs and runs[-1][0] == backwards:
            runs[-1][1].append(char.character)
        else:
            runs.append((backwards, [char.character]))
    return "".join(
        f"{RLI}{''.join(reversed(chars))}{PDI}" if backwards else "".join(chars)
        for backwards, chars in runs
    )


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
        self.alias_nb_pages(PAGES_ALIAS)
        self.set_creator("familybot")
        self.set_auto_page_break(auto=True, margin=18)
        self.set_margins(15, 15, 15)
        self._widths: dict[tuple[str, int], dict[str, float]] = {}
        self._fallback = False  # the fallback font is added at its first use (17 ms)
        self.add_page()
        self.heading(title, 14)

    def header(self) -> None:
        """The title, small, on every page but the first (which opens with it large)."""
        if self.page_no() > 1:
            self.set_font(FAMILY, "", 8)
            self._line(0, 5, self.title_line)
            self.ln(2)

    def footer(self) -> None:
        """Page x of n and the day the document was made."""
        self.set_y(-12)
        self.set_font(FAMILY, "", 8)
        page = self.tr.gettext("Page {page} of {pages}")
        page = page.format(page=self.page_no(), pages=PAGES_ALIAS)
        with self._drawing(""):  # the page-count alias is filled in plain text only
            self.cell(0, 5, f"{self.made_line}    {page}", align="R")

    @contextmanager
    def _drawing(self, text: str, bold: str = "") -> Iterator[None]:
        """Shaping and the fallback font as `text` needs them, then as before (a page break nests).

        `text` prints in the current face, `bold` (a table's headings and totals) in the bold one.
        Text shaping is for Hebrew and Arabic, the fallback font for what the face lacks.
        Switched on for every line, either slowed every document: a year's dossier took 2.6
        times as long shaped, a fifth longer with the fallback font (fpdf2 then takes each
        character through Python), which is embedded only once a line uses it.
        """
        before = self.text_shaping, self._fallback
        shaped = bool(_RIGHT_TO_LEFT.search(text + bold))
        self.set_text_shaping(shaped, features=NO_LIGATURES, direction="ltr")  # an LTR page
        own = _printing(False, "B" in self.font_style)
        lacking = not own.issuperset(text.translate(_NO_GLYPH))
        lacking = lacking or not _printing(False, True).issuperset(bold.translate(_NO_GLYPH))
        self._fall_back(lacking)
        try:
            yield
        finally:
            self.text_shaping = before[0]
            self._fall_back(before[1])

    def _fall_back(self, on: bool) -> None:
        """The fallback font for what the current font lacks, or none (fpdf2's quicker way)."""
        if on and FALLBACK.lower() not in self.fonts:
            self.add_font(FALLBACK, "", str(fallback_path()))
        if on != self._fallback:
            self.set_fallback_fonts([FALLBACK] if on else [], exact_match=False)  # bold too
            self._fallback = on

    def _line(self, w: float, h: float, text: str, align: str = "L", *, down: bool = True) -> None:
        """One printed line (then at the left margin below it, if `down`)."""
        new_x, new_y = (XPos.LMARGIN, YPos.NEXT) if down else (XPos.RIGHT, YPos.TOP)
        with self._drawing(text):
            self.cell(w, h, display_order(text), align=align, new_x=new_x, new_y=new_y)

    def heading(self, text: str, size: int = 13, keep: float = LINE) -> None:
        """A bold heading, on the next page unless `keep` mm of what follows fit below it."""
        self.set_font(FAMILY, "B", size)
        lines = self._wrap(printable(text, bold=True), self.epw, ("B", size))
        self._keep_together(len(lines) * size * 0.5 + 1 + keep)
        for line in lines:
            self._line(0, size * 0.5, line)
        self.ln(1)

    def paragraph(self, text: str, size: int = 10, bold: bool = False, keep: float = 0) -> None:
        """Wrapped text (a note may be long, in any script), left-aligned, one cell per line.

        With `keep` (a line that heads what follows), it goes on the next page unless `keep` mm
        of what follows fit below it. fpdf2's multi_cell measures a line again for every
        character it adds: a year of 3,500-character notes took seconds. Widths per character
        are measured once here.
        """
        style = "B" if bold else ""
        self.set_font(FAMILY, style, size)
        lines = self._wrap(printable(text, bold=bold), self.epw, (style, size))
        if keep:
            self._keep_together(len(lines) * LINE + keep)
        for line in lines:
            self._line(0, LINE, line)

    def _keep_together(self, height: float) -> None:
        """Begin a new page unless `height` mm fit on this one, or it has only just begun."""
        if self.will_page_break(height) and self.get_y() > self.t_margin + TOP_ROOM:
            self.add_page()

    def _width(self, text: str, key: tuple[str, int]) -> float:
        """The printed width of a text in the current font, from cached character widths.

        A word with Hebrew or Arabic is measured whole, shaped (joined letters have widths
        of their own).
        """
        widths = self._widths.setdefault(key, {})
        if len(text) > 1 and _RIGHT_TO_LEFT.search(text):
            width = widths.get(text)
            if width is None:
                with self._drawing(text):
                    width = widths[text] = self.get_string_width(text)
            return width
        total = 0.0
        for char in text:
            width = widths.get(char)
            if width is None:
                with self._drawing(char):  # a letter of the fallback font has its width
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
        title: str | None = None,
    ) -> None:
        """A table with its headings repeated on every page, and a bold totals row.

        The cells are wrapped here, as paragraphs are (a line at a time, as fpdf2 shapes it), and
        a row of more than ROW_LINES lines goes on in the rows after it: fpdf2 refuses a row
        taller than a page, and a period's progress notes can fill more than one. A `title`
        (the section's heading) goes to the next page with the table's headings and first row
        when they do not fit below it: fpdf2 moves those on its own, and left it behind alone.
        """
        room = [w * self.epw / sum(widths) - 2 * self.c_margin - 0.5 for w in widths]
        self.set_font(FAMILY, "B", size)  # widths are measured in the font they print in
        head = [self._cell(h, r, ("B", size)) for h, r in zip(headings, room, strict=True)]
        foot = [self._cell(c, r, ("B", size)) for c, r in zip(total or (), room, strict=False)]
        self.set_font(FAMILY, "", size)
        body: list[list[str]] = []
        for row in rows:
            wrapped = [
                self._wrap(printable(c), r, ("", size)) for c, r in zip(row, room, strict=True)
            ]
            for first in range(0, max(len(lines) for lines in wrapped), ROW_LINES):
                part = [lines[first : first + ROW_LINES] for lines in wrapped]
                body.append(["\n".join(map(display_order, lines)) for lines in part])
        if title is not None:
            opening = [head, *body[:1]]
            tall = sum(max(cell.count("\n") + 1 for cell in row) for row in opening)
            self.heading(title, 11, keep=tall * size * 0.5 + 1)  # 1 mm: the rules between rows
            self.set_font(FAMILY, "", size)
        bold = FontFace(emphasis="BOLD")
        texts = "".join(cell for row in body for cell in row)
        with (
            self._drawing(texts, "".join([*head, *foot])),  # drawn at the end of this block
            self.table(
                col_widths=tuple(widths),
                line_height=size * 0.5,
                headings_style=bold,
                text_align="LEFT",
                repeat_headings=1,
            ) as table,
        ):
            table.row(head)
            for cells in body:
                table.row(cells)
            if total is not None:
                table.row(foot, style=bold)
        self.ln(3)

    def _cell(self, text: str, room: float, key: tuple[str, int]) -> str:
        """A short cell's text (a heading, a total), wrapped, its runs in display order."""
        lines = self._wrap(printable(text, bold="B" in key[0]), room, key)
        return "\n".join(map(display_order, lines))

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
            self._line(width, 5, printable(label), "C", down=False)
        self.ln(8)

    def finish(self) -> bytes:
        """The file's bytes."""
        return bytes(self.output())
