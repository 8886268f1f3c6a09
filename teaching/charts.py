"""
Bar charts drawn on the server as SVG geometry, readable without colour.

Bars are hatched and outlined, each carries its count as a label, and the
same numbers go in a table beside the chart, so no reader depends on colour or
on seeing the picture at all. No style attributes: the CSP forbids them, SVG
presentation attributes do the drawing.
"""

import math
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from teaching.analysis import Bin

WIDTH = 480
HEIGHT = 260
LEFT = 52  # room for the count axis
RIGHT = 12
TOP = 28  # room for the value label above the tallest bar
BOTTOM = 62  # room for band labels and the axis title
GAP = 10


@dataclass(frozen=True)
class Bar:
    label: str
    count: int
    x: float
    y: float
    width: float
    height: float

    @property
    def centre(self) -> float:
        return self.x + self.width / 2

    @property
    def value_y(self) -> float:
        return self.y - 6


@dataclass(frozen=True)
class Tick:
    value: int
    y: float

    @property
    def label_y(self) -> float:
        return round(self.y + 5, 1)


@dataclass(frozen=True)
class BarChart:
    """A histogram ready for ``teaching/_score_chart.html``."""

    id: str
    title: str
    description: str
    x_label: str
    y_label: str
    pattern: str  # "hatch" or "dots": two charts on a page differ in texture too
    bars: tuple[Bar, ...]
    ticks: tuple[Tick, ...]
    total: int
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right_edge: int = WIDTH - RIGHT
    baseline: int = HEIGHT - BOTTOM

    @property
    def tick_label_x(self) -> int:
        return self.left - 6

    @property
    def band_label_y(self) -> int:
        return self.baseline + 22

    @property
    def x_label_y(self) -> int:
        return self.height - 10

    @property
    def x_label_x(self) -> float:
        return (self.left + self.right_edge) / 2

    @property
    def y_label_y(self) -> float:
        return (TOP + self.baseline) / 2


def _ticks(top: int) -> list[int]:
    """Return up to five whole-number gridline values from 0 to at least ``top``."""
    step = max(1, math.ceil(top / 4))
    return list(range(0, step * math.ceil(max(top, 1) / step) + 1, step))


def _band(bin_: Bin) -> str:
    return f"{bin_.low}–{bin_.high}%"


def histogram_chart(bins: list[Bin], *, chart_id: str, title: str, pattern: str = "hatch") -> BarChart:
    """Return the geometry of a histogram of ``bins`` with its accessible description."""
    total = sum(b.count for b in bins)
    ticks = _ticks(max((b.count for b in bins), default=0))
    scale_top = ticks[-1]
    plot_height = HEIGHT - BOTTOM - TOP
    slot = (WIDTH - LEFT - RIGHT) / max(len(bins), 1)
    bars = []
    for index, bin_ in enumerate(bins):
        height = plot_height * bin_.count / scale_top
        bars.append(
            Bar(
                label=_band(bin_),
                count=bin_.count,
                x=round(LEFT + index * slot + GAP / 2, 1),
                y=round(HEIGHT - BOTTOM - height, 1),
                width=round(slot - GAP, 1),
                height=round(height, 1),
            )
        )
    parts = [
        ngettext("%(count)d student scored %(band)s", "%(count)d students scored %(band)s", b.count)
        % {"count": b.count, "band": _band(b)}
        for b in bins
    ]
    description = (
        ngettext("Scores of %(total)d student: ", "Scores of %(total)d students: ", total) % {"total": total}
        + "; ".join(parts)
        + "."
        if total
        else _("No scores yet.")
    )
    return BarChart(
        id=chart_id,
        title=title,
        description=description,
        x_label=_("Score"),
        y_label=_("Students"),
        pattern=pattern,
        bars=tuple(bars),
        ticks=tuple(Tick(v, round(HEIGHT - BOTTOM - plot_height * v / scale_top, 1)) for v in ticks),
        total=total,
    )
