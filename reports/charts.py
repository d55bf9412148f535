"""Inline SVG line charts for the HTML report (no JavaScript, no network, prints crisply).

``line_chart`` takes x labels and named value series (None = gap) and returns SVG markup
that is safe to embed: every label is XML-escaped here, so templates insert it as is.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

__all__ = ["Line", "line_chart", "waterfall_chart", "nice_ticks", "compact_number"]


@dataclass(frozen=True)
class Line:
    """One plotted series: its name, values (None leaves a gap), colour and dash pattern."""

    name: str
    values: Sequence[float | None]
    colour: str
    dash: str | None = None
    width: float = 2.0


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values (1, 2, 2.5, 5 × 10^k) covering [low, high]."""
    if not math.isfinite(low) or not math.isfinite(high):
        return [0.0, 1.0]
    if high <= low:
        high = low + (abs(low) or 1.0)
    raw = (high - low) / max(count - 1, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    ticks = [math.floor(low / step) * step]
    while ticks[-1] < high - step * 1e-9:
        ticks.append(ticks[-1] + step)
    return [round(t, 10) for t in ticks]


def compact_number(value: float) -> str:
    """1 234 567 -> '1.2M' for axis labels."""
    size = abs(value)
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if size >= limit:
            return f"{value / limit:.1f}".rstrip("0").rstrip(".") + suffix
    return f"{value:,.0f}" if size >= 10 or value == 0 else f"{value:.2g}"


def line_chart(
    labels: Sequence[str],
    lines: Sequence[Line],
    *,
    title: str,
    band: tuple[Sequence[float | None], Sequence[float | None]] | None = None,
    band_label: str = "80% interval",
    shade: Sequence[bool] | None = None,
    y_format: Callable[[float], str] = compact_number,
    width: int = 880,
    height: int = 280,
    label_every: int = 1,
) -> Markup:
    """An SVG line chart; ``band`` is a (low, high) ribbon, ``shade`` greys the marked x positions."""
    left, right, top, bottom = 64, 16, 40, 58
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [v for line in lines for v in line.values if v is not None]
    if band:
        values += [v for side in band for v in side if v is not None]
    low, high = (min(values), max(values)) if values else (0.0, 1.0)
    if low > 0 and low < 0.3 * high:
        low = 0.0  # anchor at zero unless that flattens the lines
    ticks = nice_ticks(low, high)
    y_min, y_max = ticks[0], ticks[-1]
    n = len(labels)

    def x(i: int) -> float:
        return left + (plot_w * (i + 0.5) / n if n else 0)

    def y(v: float) -> float:
        return top + plot_h * (1 - (v - y_min) / ((y_max - y_min) or 1))

    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        f'<text x="{left}" y="18" class="chart-title">{escape(title)}</text>',
    ]
    if shade:
        step = plot_w / n if n else 0
        for i, marked in enumerate(shade):
            if marked:
                parts.append(
                    f'<rect x="{left + step * i:.1f}" y="{top}" width="{step:.1f}" '
                    f'height="{plot_h}" class="shade"/>'
                )
    for tick in ticks:
        parts.append(
            f'<line x1="{left}" x2="{left + plot_w}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" class="grid"/>'
        )
        parts.append(
            f'<text x="{left - 6}" y="{y(tick) + 4:.1f}" class="axis" text-anchor="end">'
            f"{escape(y_format(tick))}</text>"
        )
    for i, label in enumerate(labels):
        if i % label_every == 0:
            parts.append(
                f'<text x="{x(i):.1f}" y="{top + plot_h + 16}" class="axis" text-anchor="middle">'
                f"{escape(label)}</text>"
            )
    if band:
        parts.append(_ribbon(band, x, y))
    for line in lines:
        for d in _paths(line.values, x, y):
            dash = f' stroke-dasharray="{line.dash}"' if line.dash else ""
            parts.append(
                f'<path d="{d}" fill="none" stroke="{line.colour}" stroke-width="{line.width}"{dash}/>'
            )
        for i, value in enumerate(line.values):  # a point with no neighbour has no segment: draw a dot
            alone = (i == 0 or line.values[i - 1] is None) and (
                i == len(line.values) - 1 or line.values[i + 1] is None
            )
            if value is not None and alone:
                parts.append(f'<circle cx="{x(i):.1f}" cy="{y(value):.1f}" r="3" fill="{line.colour}"/>')
    parts.append(_legend(lines, band_label if band else None, left, height - 14))
    parts.append("</svg>")
    return Markup("".join(parts))


def _paths(
    values: Sequence[float | None], x: Callable[[int], float], y: Callable[[float], float]
) -> list[str]:
    """Path data for each unbroken run of values."""
    runs: list[list[str]] = [[]]
    for i, v in enumerate(values):
        if v is None:
            runs.append([])
            continue
        runs[-1].append(f"{'L' if runs[-1] else 'M'}{x(i):.1f},{y(v):.1f}")
    return ["".join(run) for run in runs if len(run) > 1]


def _ribbon(
    band: tuple[Sequence[float | None], Sequence[float | None]],
    x: Callable[[int], float],
    y: Callable[[float], float],
) -> str:
    lows, highs = band
    keep = [i for i in range(len(lows)) if lows[i] is not None and highs[i] is not None]
    if len(keep) < 2:
        return ""
    upper = [f"{x(i):.1f},{y(highs[i]):.1f}" for i in keep]  # type: ignore[arg-type]
    lower = [f"{x(i):.1f},{y(lows[i]):.1f}" for i in reversed(keep)]  # type: ignore[arg-type]
    return f'<polygon points="{" ".join(upper + lower)}" class="band"/>'


def _legend(lines: Sequence[Line], band_label: str | None, left: int, baseline: int) -> str:
    parts = []
    offset = left
    if band_label:
        parts.append(f'<rect x="{offset}" y="{baseline - 9}" width="18" height="10" class="band"/>')
        parts.append(f'<text x="{offset + 24}" y="{baseline}" class="legend">{escape(band_label)}</text>')
        offset += 34 + 7 * len(band_label)
    for line in lines:
        dash = f' stroke-dasharray="{line.dash}"' if line.dash else ""
        parts.append(
            f'<line x1="{offset}" x2="{offset + 18}" y1="{baseline - 4}" y2="{baseline - 4}" '
            f'stroke="{line.colour}" stroke-width="{line.width}"{dash}/>'
        )
        parts.append(f'<text x="{offset + 24}" y="{baseline}" class="legend">{escape(line.name)}</text>')
        offset += 34 + 7 * len(line.name)
    return "".join(parts)


def waterfall_chart(
    steps: Sequence[tuple[str, float, float, str]],
    *,
    title: str,
    floor: float,
    y_format: Callable[[float], str] = compact_number,
    value_format: Callable[[float, bool], str] | None = None,
    width: int = 880,
    height: int = 380,
) -> Markup:
    """An SVG waterfall: ``steps`` are (label, start, end, kind) with kind 'total', 'up' or 'down'.

    Totals stand on the axis floor; each step floats from its start to its end, joined to the
    next by a thin connector. Labels are slanted so long names stay readable.
    """
    fmt = value_format or (lambda v, signed: ("+" if signed and v > 0 else "") + compact_number(v))
    # Slanted labels need room below the plot: about 0.57 (sin 35°) × 6.5 px per character.
    longest = max((min(len(label), 34) for label, *_ in steps), default=6)
    left, right, top, bottom = 72, 16, 40, int(30 + 3.7 * longest)
    height = max(height, bottom + 220)
    plot_w, plot_h = width - left - right, height - top - bottom
    # Totals stand on the floor, so only their ends count; steps count at both ends.
    values = [v for _, start, end, kind in steps for v in ((end,) if kind == "total" else (start, end))]
    values = values or [0.0, 1.0]
    ticks = nice_ticks(min(floor, *values), max(values))
    y_min, y_max = ticks[0], ticks[-1]
    n = max(len(steps), 1)
    slot = plot_w / n

    def y(v: float) -> float:
        return top + plot_h * (1 - (v - y_min) / ((y_max - y_min) or 1))

    parts = [
        f'<svg class="chart waterfall" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        f'<text x="{left}" y="18" class="chart-title">{escape(title)}</text>',
    ]
    for tick in ticks:
        parts.append(
            f'<line x1="{left}" x2="{left + plot_w}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" class="grid"/>'
            f'<text x="{left - 6}" y="{y(tick) + 4:.1f}" class="axis" text-anchor="end">'
            f"{escape(y_format(tick))}</text>"
        )
    for i, (label, start, end, kind) in enumerate(steps):
        x0 = left + slot * i + slot * 0.15
        bar_w = slot * 0.7
        low, high = (y_min, end) if kind == "total" else (min(start, end), max(start, end))
        y_top, y_bottom = y(high), y(max(low, y_min))
        parts.append(
            f'<rect x="{x0:.1f}" y="{y_top:.1f}" width="{bar_w:.1f}" '
            f'height="{max(y_bottom - y_top, 1.0):.1f}" class="wf-{kind}"><title>'
            f"{escape(label)}: {escape(fmt(end - start if kind != 'total' else end, kind != 'total'))}"
            "</title></rect>"
        )
        text = fmt(end if kind == "total" else end - start, kind != "total")
        parts.append(
            f'<text x="{x0 + bar_w / 2:.1f}" y="{y_top - 4:.1f}" class="axis wf-value" '
            f'text-anchor="middle">{escape(text)}</text>'
        )
        if i + 1 < len(steps):
            parts.append(
                f'<line x1="{x0 + bar_w:.1f}" x2="{x0 + slot:.1f}" y1="{y(end):.1f}" y2="{y(end):.1f}" '
                'class="wf-link"/>'
            )
        cx, cy = x0 + bar_w / 2, top + plot_h + 12
        short = label if len(label) <= 34 else label[:33] + "…"
        parts.append(
            f'<text x="{cx:.1f}" y="{cy:.1f}" class="axis" text-anchor="end" '
            f'transform="rotate(-35 {cx:.1f} {cy:.1f})">{escape(short)}</text>'
        )
    parts.append(
        f'<line x1="{left}" x2="{left + plot_w}" y1="{top + plot_h}" y2="{top + plot_h}" class="wf-axis"/>'
    )
    parts.append("</svg>")
    return Markup("".join(parts))
