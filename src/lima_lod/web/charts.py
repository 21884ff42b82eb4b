"""Server-rendered SVG bar charts of ratings on the fixed 0-3 scale: no JavaScript, no chart library.

Each chart says what it is (``<title>``, ``<desc>``, ``role="img"``, ``aria-labelledby``), prints
each value on its bar, and tells the series apart without colour (lightness steps and patterns),
so it survives greyscale printing. Every text written into the SVG is escaped here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from xml.sax.saxutils import escape

SCALE_MAX = 3.0
TICKS = (0, 1, 2, 3)


@dataclass(frozen=True)
class Series:
    """One kind of bar (a criterion, or the average) and how it is drawn."""

    label: str
    fill: str  # a colour; series differ in lightness too
    pattern: str = ""  # "", "hatch", "dots" or "cross"


@dataclass(frozen=True)
class Group:
    """One group of bars on the x axis (a commitment, an axis), one value per series."""

    label: str
    values: tuple[float | None, ...]
    title: str = ""  # a longer name, shown as a tooltip


#: The report's four series: three criteria and the country average, dark to light with patterns.
CRITERIA_SERIES = ("relevance", "effectiveness", "sustainability", "overall")
STYLES = (("#1f3b63", ""), ("#4f7fb8", "hatch"), ("#9cc1e6", "dots"), ("#e3a23b", "cross"))
#: Further series (a comparison of more reports than four): other hues, still with patterns.
MORE_STYLES = (("#6b4c9a", "hatch"), ("#2e7d32", "dots"), ("#b23a48", "cross"), ("#7f7f7f", ""))


def style(index: int) -> tuple[str, str]:
    """The fill and pattern of the series at ``index``, cycling when there are many."""
    every = STYLES + MORE_STYLES
    return every[index % len(every)]


def _safe_id(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "-", text) or "chart"


def _pattern(pid: str, kind: str, fill: str) -> str:
    ink = "#ffffff" if kind != "cross" else "#3a2a08"
    marks = {
        "hatch": f'<path d="M0,6 L6,0" stroke="{ink}" stroke-width="1.5"/>',
        "dots": '<circle cx="3" cy="3" r="1.2" fill="#1f3b63"/>',
        "cross": f'<path d="M0,0 L6,6 M6,0 L0,6" stroke="{ink}" stroke-width="0.8"/>',
    }[kind]
    return (
        f'<pattern id="{pid}" width="6" height="6" patternUnits="userSpaceOnUse">'
        f'<rect width="6" height="6" fill="{fill}"/>{marks}</pattern>'
    )


def bar_chart(
    chart_id: str,
    title: str,
    desc: str,
    series: tuple[Series, ...],
    groups: list[Group],
    axis_label: str = "0-3",
) -> str:
    """A grouped vertical bar chart on the fixed 0-3 scale, as an SVG document fragment."""
    cid = _safe_id(chart_id)
    n = max(len(series), 1)
    bar_w = 26 if n > 1 else 40
    gap = 16
    group_w = n * bar_w + gap
    left, top, plot_h, bottom = 46, 52, 200, 64
    legend_w = sum(24 + 7 * len(s.label) for s in series)
    width = max(left + len(groups) * group_w + 20, left + legend_w + 10, 320)
    height = top + plot_h + bottom
    legend_y = 34

    def y(value: float) -> float:
        return top + plot_h - plot_h * min(max(value, 0.0), SCALE_MAX) / SCALE_MAX

    out = [
        (
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
            f'width="{width}" height="{height}" role="img" class="chart" '
            f'aria-labelledby="{cid}-title {cid}-desc" id="{cid}">'
        ),
        f'<title id="{cid}-title">{escape(title)}</title>',
        f'<desc id="{cid}-desc">{escape(desc)}</desc>',
        "<defs>",
    ]
    fills = []
    for index, s in enumerate(series):
        if s.pattern:
            pid = f"{cid}-p{index}"
            out.append(_pattern(pid, s.pattern, s.fill))
            fills.append(f"url(#{pid})")
        else:
            fills.append(s.fill)
    out.append("</defs>")
    out.append(f'<rect width="{width}" height="{height}" fill="#ffffff"/>')
    out.append(
        f'<text x="{left}" y="18" font-size="14" font-weight="bold" '
        f'font-family="sans-serif">{escape(title)}</text>'
    )
    # the legend: swatch + name, so the series can be told apart without colour
    x = left
    for s, fill in zip(series, fills, strict=True):
        out.append(
            f'<rect x="{x}" y="{legend_y - 10}" width="12" height="12" fill="{fill}" '
            f'stroke="#222" stroke-width="0.6"/>'
        )
        out.append(
            f'<text x="{x + 16}" y="{legend_y}" font-size="11" '
            f'font-family="sans-serif">{escape(s.label)}</text>'
        )
        x += 24 + 7 * len(s.label)
    # the fixed scale: gridlines and ticks 0, 1, 2, 3
    for tick in TICKS:
        ty = y(tick)
        out.append(
            f'<line x1="{left}" y1="{ty:.1f}" x2="{width - 10}" y2="{ty:.1f}" '
            f'stroke="#bbbbbb" stroke-width="0.6"/>'
        )
        out.append(
            f'<text x="{left - 6}" y="{ty + 4:.1f}" font-size="11" text-anchor="end" '
            f'font-family="sans-serif">{tick}</text>'
        )
    out.append(
        f'<text x="12" y="{top + plot_h / 2:.0f}" font-size="11" text-anchor="middle" '
        f'font-family="sans-serif" transform="rotate(-90 12 {top + plot_h / 2:.0f})">'
        f"{escape(axis_label)}</text>"
    )
    for gi, group in enumerate(groups):
        gx = left + 10 + gi * group_w
        out.append(
            f'<g class="group">{"<title>" + escape(group.title) + "</title>" if group.title else ""}'
        )
        for si, (value, fill) in enumerate(zip(group.values, fills, strict=False)):
            bx = gx + si * bar_w
            if value is None:
                continue
            by = y(value)
            out.append(
                f'<rect x="{bx}" y="{by:.1f}" width="{bar_w - 2}" '
                f'height="{top + plot_h - by:.1f}" fill="{fill}" stroke="#222" '
                f'stroke-width="0.6"><title>{escape(series[si].label)}: '
                f"{value:.2f}</title></rect>"
            )
            out.append(
                f'<text x="{bx + (bar_w - 2) / 2:.1f}" y="{by - 3:.1f}" font-size="9" '
                f'text-anchor="middle" font-family="sans-serif">{value:.2f}</text>'
            )
        out.append(
            f'<text x="{gx + n * bar_w / 2:.1f}" y="{top + plot_h + 16}" font-size="11" '
            f'text-anchor="middle" font-family="sans-serif">{escape(group.label)}</text>'
        )
        out.append("</g>")
    out.append(
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - 10}" y2="{top + plot_h}" '
        f'stroke="#222"/>'
    )
    out.append("</svg>")
    return "\n".join(out)


def document(svg: str) -> bytes:
    """A chart as a standalone SVG file (for downloads)."""
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + svg + "\n").encode()
