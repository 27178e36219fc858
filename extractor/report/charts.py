"""Step charts of tariff rates over time, one per imposer/target pair, as inline SVG.

Drawn here rather than in the browser: the page needs no charting library (nothing to fetch, works
offline) and the charts are in the file as it is written, so they also show with scripts off.

A measure's rate holds from one timeline point to the next (a step). The segment after a point is
drawn by what the point says of the rate: solid while in force, dashed while only announced or
threatened, dotted while paused, lifted or ruled out. A point without a rate keeps the level
before it (a lifted measure drops to 0).
"""
from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass
from html import escape
from typing import Optional

WIDTH, HEIGHT = 560, 220
LEFT, RIGHT, TOP, BOTTOM = 46, 18, 14, 30
SERIES_COLORS = ("#1f5fa8", "#c0392b", "#2e8b57", "#8e44ad", "#d35400", "#16a085", "#7f8c8d")
IN_FORCE = {"in_effect", "raised", "reduced", "agreed"}
PROPOSED = {"announced", "threatened"}
# status -> (marker shape, colour); the legend lists them in this order.
MARKERS = {
    "in_effect": ("circle", "#1b1b1b"),
    "raised": ("up", "#b03a2e"),
    "reduced": ("down", "#1e8449"),
    "announced": ("ring", "#2471a3"),
    "threatened": ("diamond", "#d68910"),
    "paused": ("pause", "#7d3c98"),
    "agreed": ("square", "#117864"),
    "lifted": ("cross", "#566573"),
    "ruled_out": ("cross", "#aab7b8"),
}


@dataclass(frozen=True)
class Point:
    day: dt.date
    status: str
    rate: Optional[float]
    level: float  # where the step is drawn
    n_articles: int


def parse_day(value: object) -> Optional[dt.date]:
    """YYYY-MM-DD, or the first day of YYYY-MM / YYYY; None otherwise."""
    if not isinstance(value, str):
        return None
    parts = value.split("-")
    try:
        if len(parts) == 3:
            return dt.date.fromisoformat(value)
        if len(parts) == 2:
            return dt.date(int(parts[0]), int(parts[1]), 1)
        if len(parts) == 1 and len(value) == 4:
            return dt.date(int(value), 1, 1)
    except ValueError:
        return None
    return None


def measure_points(measure: dict) -> list[Point]:
    points: list[Point] = []
    level = 0.0
    for item in measure.get("timeline") or []:
        day = parse_day(item.get("date"))
        if day is None:
            continue
        rate = item.get("rate")
        status = str(item.get("status") or "")
        if isinstance(rate, (int, float)):
            level = float(rate)
        elif status == "lifted":
            level = 0.0
        points.append(Point(day, status, rate if isinstance(rate, (int, float)) else None, level, len(item.get("article_ids") or [])))
    return sorted(points, key=lambda p: p.day)


def pair_key(measure: dict) -> tuple[str, tuple[str, ...]]:
    return str(measure.get("imposer") or "?"), tuple(measure.get("targets") or ())


def tariff_pairs(measures: list[dict]) -> dict[tuple[str, tuple[str, ...]], list[dict]]:
    """Tariff measures with at least one dated point, grouped by imposer and targets; the pairs
    the most articles report come first."""
    pairs: dict[tuple[str, tuple[str, ...]], list[dict]] = defaultdict(list)
    for measure in measures:
        if measure.get("type") == "tariff" and measure_points(measure):
            pairs[pair_key(measure)].append(measure)

    def weight(item: tuple) -> tuple:
        articles = sum(m.get("n_articles") if isinstance(m.get("n_articles"), int) else 0 for m in item[1])
        return -articles, item[0]

    return dict(sorted(pairs.items(), key=weight))


def scope_label(measure: dict) -> str:
    products = measure.get("products") or []
    return ", ".join(products) if products else "all goods"


def _nice_ceiling(value: float) -> float:
    if value <= 0:
        return 10.0
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def _day_ticks(first: dt.date, last: dt.date) -> list[dt.date]:
    span = (last - first).days
    if span >= 60:  # month starts, at most about eight of them
        months = [dt.date(y, m, 1) for y in range(first.year, last.year + 1) for m in range(1, 13)]
        months = [m for m in months if first <= m <= last]
        step = max(1, math.ceil(len(months) / 8))
        return months[::step]
    count = 5
    return sorted({first + dt.timedelta(days=round(span * i / (count - 1))) for i in range(count)})


def _marker(shape: str, x: float, y: float, color: str) -> str:
    r = 5.0
    if shape == "circle":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r}" fill="{color}"/>'
    if shape == "ring":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r}" fill="#fff" stroke="{color}" stroke-width="2"/>'
    if shape in ("up", "down"):
        d = -1 if shape == "up" else 1
        return (f'<polygon points="{x:.1f},{y + d * r * 1.2:.1f} {x - r:.1f},{y - d * r * 0.8:.1f} {x + r:.1f},{y - d * r * 0.8:.1f}" '
                f'fill="{color}"/>')
    if shape == "diamond":
        return (f'<polygon points="{x:.1f},{y - r * 1.3:.1f} {x + r:.1f},{y:.1f} {x:.1f},{y + r * 1.3:.1f} {x - r:.1f},{y:.1f}" '
                f'fill="#fff" stroke="{color}" stroke-width="2"/>')
    if shape == "pause":
        return (f'<rect x="{x - r:.1f}" y="{y - r:.1f}" width="{2 * r}" height="{2 * r}" fill="#fff" stroke="{color}" stroke-width="1.5"/>'
                f'<path d="M{x - 2:.1f} {y - 3:.1f}v6M{x + 2:.1f} {y - 3:.1f}v6" stroke="{color}" stroke-width="2"/>')
    if shape == "square":
        return f'<rect x="{x - r:.1f}" y="{y - r:.1f}" width="{2 * r}" height="{2 * r}" fill="{color}"/>'
    return f'<path d="M{x - r:.1f} {y - r:.1f}L{x + r:.1f} {y + r:.1f}M{x + r:.1f} {y - r:.1f}L{x - r:.1f} {y + r:.1f}" stroke="{color}" stroke-width="2.5"/>'


def _dash(status: str) -> str:
    if status in IN_FORCE:
        return ""
    return ' stroke-dasharray="6 4"' if status in PROPOSED else ' stroke-dasharray="2 4"'


def series_color(index: int) -> str:
    return SERIES_COLORS[index % len(SERIES_COLORS)]


def step_chart(title: str, measures: list[dict]) -> str:
    """One SVG: each measure of the pair a stepped line, each timeline point a status marker."""
    series = [(m, measure_points(m)) for m in measures]
    days = [p.day for _, points in series for p in points]
    first, last = min(days), max(days)
    pad = max(3, round((last - first).days * 0.06))
    x_lo, x_hi = first - dt.timedelta(days=pad), last + dt.timedelta(days=pad)
    top = _nice_ceiling(max([p.level for _, points in series for p in points] + [1.0]) * 1.08)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x_of(day: dt.date) -> float:
        return LEFT + plot_w * (day - x_lo).days / max(1, (x_hi - x_lo).days)

    def y_of(level: float) -> float:
        return TOP + plot_h * (1 - level / top)

    out = [f'<svg class="step-chart" role="img" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" '
           f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>']
    for i in range(5):  # horizontal grid with rate labels
        level = top * i / 4
        y = y_of(level)
        out.append(f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}"/>'
                   f'<text class="tick" x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{level:g}%</text>')
    for day in _day_ticks(first, last):
        x = x_of(day)
        out.append(f'<line class="axis" x1="{x:.1f}" x2="{x:.1f}" y1="{TOP + plot_h}" y2="{TOP + plot_h + 4}"/>'
                   f'<text class="tick" x="{x:.1f}" y="{HEIGHT - 10}" text-anchor="middle">{day.isoformat()}</text>')
    out.append(f'<line class="axis" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{TOP + plot_h}" y2="{TOP + plot_h}"/>')
    for index, (measure, points) in enumerate(series):
        color = series_color(index)
        label = escape(scope_label(measure))
        out.append(f'<g class="series" data-measure="{escape(str(measure.get("measure_id", "")))}"><title>{label}</title>')
        for here, after in zip(points, points[1:] + [None]):
            x0, y0 = x_of(here.day), y_of(here.level)
            x1 = x_of(after.day) if after else WIDTH - RIGHT
            out.append(f'<line class="step" x1="{x0:.1f}" x2="{x1:.1f}" y1="{y0:.1f}" y2="{y0:.1f}" stroke="{color}" stroke-width="2.5"{_dash(here.status)}/>')
            if after and after.level != here.level:
                out.append(f'<line class="riser" x1="{x1:.1f}" x2="{x1:.1f}" y1="{y0:.1f}" y2="{y_of(after.level):.1f}" stroke="{color}" stroke-width="1.2"/>')
        for p in points:
            shape, mark_color = MARKERS.get(p.status, ("circle", "#555"))
            rate = f"{p.rate:g}%" if p.rate is not None else "no rate given"
            tip = f"{p.day.isoformat()}: {p.status}, {rate} ({label}; {p.n_articles} article(s))"
            out.append(f'<g class="marker status-{escape(p.status)}" data-status="{escape(p.status)}"><title>{escape(tip)}</title>'
                       f'{_marker(shape, x_of(p.day), y_of(p.level), mark_color)}</g>')
        out.append("</g>")
    out.append("</svg>")
    return "".join(out)


def legend() -> str:
    """The status markers and line styles, once for all charts."""
    items = []
    for status, (shape, color) in MARKERS.items():
        items.append(f'<span class="legend-item"><svg width="16" height="16" viewBox="0 0 16 16">{_marker(shape, 8, 8, color)}</svg>'
                     f'{escape(status.replace("_", " "))}</span>')
    lines = [("in force", ""), ("announced / threatened", ' stroke-dasharray="6 4"'), ("paused / lifted", ' stroke-dasharray="2 4"')]
    for name, dash in lines:
        items.append(f'<span class="legend-item"><svg width="30" height="10"><line x1="0" x2="30" y1="5" y2="5" stroke="#333" '
                     f'stroke-width="2.5"{dash}/></svg>{name}</span>')
    return '<div class="legend">' + "".join(items) + "</div>"
