"""Server-drawn line charts (inline SVG, no JavaScript): the coordinates a template needs.

The record's pain chart (patients.adherence) and its outcome-measure charts
(templates/patients/_measure_chart.html) are drawn from the same geometry.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from patients.measures import meaningful_size

WIDTH, HEIGHT, LEFT, RIGHT, TOP, BOTTOM = 640, 220, 36, 12, 12, 28


@dataclass(frozen=True)
class ChartPoint:
    x: float
    y: float
    date: datetime.date
    value: int | Decimal | None

    @property
    def corner(self) -> tuple[float, float]:
        """Top-left of the small square drawn for a point without a value."""
        return round(self.x - 4, 1), round(self.y - 4, 1)


@dataclass(frozen=True)
class Geometry:
    """Where a day and a value fall in the plot, from ``start`` to ``end`` and from
    ``low`` to ``high``."""

    start: datetime.date
    end: datetime.date
    low: float
    high: float

    def x_of(self, day: datetime.date) -> float:
        span = max((self.end - self.start).days, 1)
        return round(LEFT + (WIDTH - LEFT - RIGHT) * (day - self.start).days / span, 1)

    def y_of(self, value) -> float:
        value = min(max(float(value), self.low), self.high)
        plot_h = HEIGHT - TOP - BOTTOM
        return round(TOP + plot_h * (self.high - value) / (self.high - self.low), 1)


def line_chart(
    values: list[tuple[datetime.date, int | Decimal | None]],
    start: datetime.date,
    end: datetime.date,
    low: float,
    high: float,
    gridlines: list,
) -> dict:
    """Coordinates for one line of ``values`` (day, value or None) between ``start`` and
    ``end`` on a scale from ``low`` to ``high``; a day without a value sits at ``low``."""
    geometry = Geometry(start, end, low, high)
    points = [
        ChartPoint(geometry.x_of(day), geometry.y_of(low if value is None else value), day, value)
        for day, value in values
    ]
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "plot_right": WIDTH - RIGHT,
        "baseline": geometry.y_of(low),
        "points": points,
        "line": " ".join(f"{p.x},{p.y}" for p in points if p.value is not None),
        "gridlines": [{"value": value, "y": geometry.y_of(value)} for value in gridlines],
        "start": start,
        "end": end,
        "geometry": geometry,
    }


def measure_chart(progress, today: datetime.date) -> dict:
    """Coordinates for one outcome measure's scores over time (a patients.outcomes.Progress),
    with the band of change that is not yet meaningful shaded around the baseline (around
    "no change" for a rating of change)."""
    spec = progress.measure.spec
    answers = progress.answers
    low, high = spec.scale.low, spec.scale.high
    if spec.score == "sum":
        count = len(answers[0].values.get("items") or answers[0].values.get("activities"))
        low, high = low * count, high * count
    middle = (low + high) / 2
    gridlines = [low, int(middle) if middle == int(middle) else middle, high]
    start = answers[0].answered_on
    chart = line_chart(
        [(answer.answered_on, answer.score) for answer in answers],
        start,
        max(today, answers[-1].answered_on, start + datetime.timedelta(days=1)),
        low,
        high,
        gridlines,
    )
    centre = 0 if spec.compare == "itself" else progress.baseline.score
    size = meaningful_size(spec, None if spec.compare == "itself" else centre)
    geometry = chart["geometry"]
    top, bottom = geometry.y_of(centre + size), geometry.y_of(centre - size)
    chart["band"] = {
        "x": LEFT,
        "width": WIDTH - LEFT - RIGHT,
        "y": top,
        "height": round(bottom - top, 1),
        "low": centre - size,
        "high": centre + size,
    }
    return chart
