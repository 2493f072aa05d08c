"""Charts for the supervisor dashboard, drawn on the server as SVG: no CDN, no script.

Each chart carries its title for assistive technology, and the template shows the same numbers
in a table, so nothing is conveyed by the picture alone. Every label is escaped.
"""

from __future__ import annotations

from collections.abc import Collection

from markupsafe import Markup, escape

INK = "#0b0c0c"
BAR = "#1d70b8"
ALERT = "#d4351c"
GRID = "#b1b4b6"


def _number(value: float) -> str:
    return f"{value:g}"


def bar_chart(
    chart_id: str, title: str, items: list[tuple[str, int]], width: int = 520,
    highlight: Collection[str] = (),
) -> Markup:
    """Horizontal bars, one per (label, count), largest scale = the largest count."""
    row, label_width, top = 28, 190, 8
    height = top + row * max(len(items), 1) + 8
    scale = max([count for _label, count in items] + [1])
    bar_space = width - label_width - 50
    parts = [
        f'<svg class="chart" id="{escape(chart_id)}" role="img" '
        f'aria-labelledby="{escape(chart_id)}-title" viewBox="0 0 {width} {height}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
    ]
    if not items:
        parts.append(f'<text x="0" y="24" fill="{INK}" font-size="15">Nothing yet.</text>')
    for index, (label, count) in enumerate(items):
        y = top + index * row
        length = round(bar_space * count / scale) if count else 0
        colour = ALERT if label in highlight else BAR
        parts.append(
            f'<text x="{label_width - 8}" y="{y + 18}" text-anchor="end" fill="{INK}" '
            f'font-size="14">{escape(label[:28])}</text>'
            f'<rect x="{label_width}" y="{y + 4}" width="{length}" height="18" '
            f'fill="{colour}"></rect>'
            f'<text x="{label_width + length + 6}" y="{y + 18}" fill="{INK}" '
            f'font-size="14">{count}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def column_chart(
    chart_id: str, title: str, series: list[tuple[str, int]], width: int = 720,
    height: int = 200,
) -> Markup:
    """Columns over time (one per hour), with the hour under every third column."""
    left, bottom, top = 36, 24, 10
    plot_height = height - bottom - top
    scale = max([count for _label, count in series] + [1])
    step = (width - left) / max(len(series), 1)
    parts = [
        f'<svg class="chart" id="{escape(chart_id)}" role="img" '
        f'aria-labelledby="{escape(chart_id)}-title" viewBox="0 0 {width} {height}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
        f'<line x1="{left}" y1="{top + plot_height}" x2="{width}" y2="{top + plot_height}" '
        f'stroke="{GRID}"></line>',
        f'<text x="{left - 6}" y="{top + 10}" text-anchor="end" fill="{INK}" '
        f'font-size="12">{scale}</text>',
        f'<text x="{left - 6}" y="{top + plot_height}" text-anchor="end" fill="{INK}" '
        f'font-size="12">0</text>',
    ]
    for index, (label, count) in enumerate(series):
        x = left + index * step
        bar = plot_height * count / scale
        y = top + plot_height - bar
        parts.append(
            f'<rect x="{_number(round(x + 2, 1))}" y="{_number(round(y, 1))}" '
            f'width="{_number(round(max(step - 4, 1), 1))}" height="{_number(round(bar, 1))}" '
            f'fill="{BAR}"></rect>'
        )
        if index % 3 == 0:
            parts.append(
                f'<text x="{_number(round(x + step / 2, 1))}" y="{height - 6}" '
                f'text-anchor="middle" fill="{INK}" font-size="12">{escape(label)}</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))
