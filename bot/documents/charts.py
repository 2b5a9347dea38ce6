"""Charts drawn in memory with matplotlib's Agg canvas (no pyplot: no global state, no window)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from io import BytesIO
from typing import TYPE_CHECKING

from bot.documents.pdf import printable
from bot.ui.text import shorten

if TYPE_CHECKING:
    from matplotlib.figure import Figure

DPI = 90  # sharp enough on A4 at 180 mm, and quick to draw
BAR = "#4C72B0"
TARGET = "#C44E52"


def _figure(height: float) -> Figure:
    """A new figure, 7.5 inches wide, laid out to fit its labels.

    matplotlib is imported on the first chart, not at start-up: it is most of the bot's
    import time (about 0.6 s) and most days nobody asks for a chart.
    """
    from matplotlib.figure import Figure  # noqa: PLC0415 (see above)

    return Figure(layout="constrained", figsize=(7.5, height))


def label(text: str, limit: int = 40) -> str:
    """Typed text (a name, a task) as a chart prints it: shortened with "…", never a formula.

    matplotlib reads text between two "$" as a formula (a task "a$x^$b" stopped the whole
    document; "200$ i 300$" lost its dollars): an escaped "\\$" prints as "$". Hebrew and
    Arabic go in as typed: matplotlib (3.11 on) puts them in display order and joins them.
    """
    return printable(shorten(text, limit), fallback=False).replace("$", r"\$")


def _png(figure: Figure) -> bytes:
    """The figure as PNG bytes."""
    buffer = BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)  # no "tight" box: it draws twice
    return buffer.getvalue()


def team_weeks_png(
    title: str,
    *,
    names: Sequence[str],
    weeks: Sequence[date],
    visits: Sequence[Sequence[int]],
    minutes: Sequence[Sequence[int]],
    legend: str,
) -> bytes:
    """A grid: one row per assistant, one column per week, shaded by hours, 'visits · h' in it."""
    rows = max(len(names), 1)
    figure = _figure(1.2 + 0.32 * rows)
    axes = figure.add_subplot()
    hours = [[m / 60 for m in row] for row in minutes] or [[0.0] * len(weeks)]
    image = axes.imshow(hours, aspect="auto", cmap="Blues", vmin=0)
    axes.set_xticks(range(len(weeks)), [f"{w:%d.%m}" for w in weeks], fontsize=8)
    axes.set_yticks(range(len(names)), [label(n, 30) for n in names], fontsize=7)
    peak = max((h for row in hours for h in row), default=0) or 1
    for y, row in enumerate(visits):
        for x, count in enumerate(row):
            shade = hours[y][x] / peak
            axes.text(
                x,
                y,
                f"{count} · {hours[y][x]:.1f}",
                ha="center",
                va="center",
                fontsize=6,
                color="white" if shade > 0.6 else "black",
            )
    axes.set_title(label(title, 120), fontsize=10)
    figure.colorbar(image, ax=axes, label=legend, shrink=0.8)
    return _png(figure)


def family_weeks_png(
    title: str, weeks: Sequence[date], visits: Sequence[int], target: int, labels: tuple[str, str]
) -> bytes:
    """Visits per week over a period as bars, with the family's target as a line."""
    figure = _figure(2.8)
    axes = figure.add_subplot()
    positions = list(range(len(weeks)))
    axes.bar(positions, visits, color=BAR, label=labels[0])
    axes.axhline(target, color=TARGET, linestyle="--", linewidth=1.2, label=labels[1])
    step = max(1, len(weeks) // 12)
    axes.set_xticks(positions[::step], [f"{w:%d.%m}" for w in weeks][::step], fontsize=7)
    axes.set_ylim(0, max([target, *visits]) + 1)
    from matplotlib.ticker import MaxNLocator  # noqa: PLC0415 (see _figure)

    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_title(label(title, 120), fontsize=10)
    axes.legend(fontsize=7, loc="upper left")
    return _png(figure)


def independence_png(
    title: str,
    series: Sequence[tuple[str, Sequence[tuple[date, int]]]],
    level_names: Sequence[str],
    today: date,
) -> bytes:
    """Each task's independence level over time, as steps from 'shown' to 'alone'."""
    from matplotlib.dates import DateFormatter  # noqa: PLC0415 (see _figure)

    figure = _figure(2.8)
    axes = figure.add_subplot()
    lines = []
    for _name, points in series:
        days = [d for d, _ in points] + [today]
        levels = [lv for _, lv in points] + [points[-1][1]]
        lines += axes.step(days, levels, where="post", linewidth=1.5)  # type: ignore[arg-type]
    axes.set_yticks(range(len(level_names)), list(level_names), fontsize=7)
    axes.set_ylim(-0.5, len(level_names) - 0.5)
    axes.tick_params(axis="x", labelsize=7)
    # Days as the documents write them (matplotlib's own are 2026-11-09).
    axes.xaxis.set_major_formatter(DateFormatter("%d.%m.%Y"))  # type: ignore[no-untyped-call]
    axes.set_title(label(title, 120), fontsize=10)
    if series:  # named here: a label starting with "_" is left out of a legend made from lines
        axes.legend(lines, [label(name) for name, _ in series], fontsize=6, loc="upper left")
    figure.autofmt_xdate()
    return _png(figure)
