"""Small server-side SVG charts: grouped columns and horizontal bars, nothing else.

The SVG is built as an element tree (so every label is escaped) and inlined in
the page. It carries a ``<title>`` and a ``<desc>`` that spells out every
figure, a ``<title>`` tooltip on every bar, and visible amounts in ¥. Nothing
in it needs script or a ``style`` attribute: colours come from presentation
attributes (``fill``) that the classes in ``taibao/charts.css`` may override,
so a strict Content-Security-Policy leaves the charts intact.

Bars carry ``data-value`` (the exact amount) so that tests, and anyone who
copies the SVG, can read the figures back.
"""

import math
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal

from django.utils.safestring import SafeString, mark_safe

SVG_NS = "http://www.w3.org/2000/svg"
PALETTE = ("#2e7d32", "#f9a825", "#1565c0", "#c62828", "#6a1b9a", "#00838f")
FONT_SIZE = 12
CJK_START = 0x2E80  # CJK radicals and everything after: about one em wide


def yuan(amount: Decimal) -> str:
    """¥1,234.50 (negative as -¥1,234.50)."""
    sign = "-" if amount < 0 else ""
    return f"{sign}¥{abs(amount):,.2f}"


def yuan_short(amount: Decimal) -> str:
    """A bar's label: whole yuan, or 万 (ten thousand) with one decimal from ¥10,000."""
    sign = "-" if amount < 0 else ""
    amount = abs(amount)
    if amount >= 10_000:
        tenths = (amount / 1000).quantize(Decimal(1), rounding=ROUND_HALF_UP) / 10
        return f"{sign}¥{tenths:.1f}万"
    return f"{sign}¥{amount.quantize(Decimal(1), rounding=ROUND_HALF_UP):,}"


def text_width(text: str, size: int = FONT_SIZE) -> float:
    """Rough rendered width: CJK characters one em, others about 0.6 em."""
    return sum(size if ord(ch) >= CJK_START else size * 0.6 for ch in text)


def _clip(text: str, width: float, size: int = FONT_SIZE) -> str:
    if text_width(text, size) <= width:
        return text
    while text and text_width(text + "…", size) > width:
        text = text[:-1]
    return text + "…"


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _nice_step(value: Decimal) -> Decimal:
    """1, 2, 2.5 or 5 times a power of ten, at least ``value``: a round axis step."""
    if value <= 0:
        return Decimal(1)
    exponent = math.floor(math.log10(float(value)))
    for factor in ("1", "2", "2.5", "5", "10"):
        candidate = Decimal(factor) * Decimal(10) ** exponent
        if candidate >= value:
            return candidate
    return Decimal(10) ** (exponent + 1)


def _axis(low: Decimal, high: Decimal, steps: int = 4) -> tuple[Decimal, Decimal, Decimal]:
    """The axis's ends and step: round numbers around ``low`` ≤ 0 ≤ ``high``, zero on a tick."""
    step = _nice_step((high - low) / steps)
    return (
        (low / step).to_integral_value(rounding=ROUND_FLOOR) * step,
        max((high / step).to_integral_value(rounding=ROUND_CEILING) * step, step),
        step,
    )


@dataclass(frozen=True)
class Series:
    """One series of a column chart: a name for the legend and one value per category."""

    name: str
    values: Sequence[Decimal]


@dataclass(frozen=True)
class Bar:
    """One bar of a horizontal bar chart and the text shown after it."""

    label: str
    value: Decimal
    text: str


def _svg(*, chart_id: str, title: str, description: str, width: int, height: int) -> ET.Element:
    svg = ET.Element(
        "svg",
        {
            "xmlns": SVG_NS,
            "viewBox": f"0 0 {width} {height}",
            "width": str(width),
            "height": str(height),
            "class": "taibao-chart",
            "role": "img",
            "aria-labelledby": f"{chart_id}-title {chart_id}-desc",
            "id": chart_id,
        },
    )
    ET.SubElement(svg, "title", {"id": f"{chart_id}-title"}).text = title
    ET.SubElement(svg, "desc", {"id": f"{chart_id}-desc"}).text = description
    return svg


def _text(parent: ET.Element, x: float, y: float, text: str, **attributes: str) -> ET.Element:
    element = ET.SubElement(
        parent,
        "text",
        {"x": _num(x), "y": _num(y), "font-size": str(FONT_SIZE), **attributes},
    )
    element.text = text
    return element


def _render(svg: ET.Element) -> SafeString:
    return mark_safe(ET.tostring(svg, encoding="unicode"))  # built as a tree: escaped


def column_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    categories: Sequence[str],
    series: Sequence[Series],
    value_text: Callable[[Decimal], str] = yuan_short,
    value_title: Callable[[Decimal], str] = yuan,
) -> SafeString:
    """Grouped columns: one group per category, one column per series, amounts above them."""
    bar_width, bar_gap, group_gap = 22, 2, 16
    left, right, top, bottom = 86, 16, 34, 40
    label_room = 64  # above the tallest column, for its rotated amount
    group = len(series) * (bar_width + bar_gap) - bar_gap
    plot_width = max(len(categories) * (group + group_gap), 240)
    plot_height = 220
    width, height = left + plot_width + right, top + label_room + plot_height + bottom
    svg = _svg(chart_id=chart_id, title=title, description=description, width=width, height=height)
    values = [v for s in series for v in s.values]
    low, high, step = _axis(min([*values, Decimal(0)]), max([*values, Decimal(0)]))
    span = high - low
    plot_top = top + label_room

    def y_of(value: Decimal) -> float:
        return plot_top + float((high - value) / span) * plot_height

    # Legend.
    legend = ET.SubElement(svg, "g", {"class": "chart-legend"})
    x = float(left)
    for index, one in enumerate(series):
        ET.SubElement(
            legend,
            "rect",
            {
                "x": _num(x),
                "y": "8",
                "width": "12",
                "height": "12",
                "fill": PALETTE[index % len(PALETTE)],
                "class": f"chart-series-{index}",
            },
        )
        _text(legend, x + 16, 18, one.name)
        x += 16 + text_width(one.name) + 24
    # Axis and grid: round steps from low to high.
    axis = ET.SubElement(svg, "g", {"class": "chart-axis"})
    value = low
    while value <= high:
        y = y_of(value)
        ET.SubElement(
            axis,
            "line",
            {
                "x1": str(left),
                "x2": str(left + plot_width),
                "y1": _num(y),
                "y2": _num(y),
                "stroke": "#cccccc" if value else "#555555",
                "class": "chart-zero" if not value else "chart-grid",
            },
        )
        _text(axis, left - 6, y + 4, yuan_short(value), **{"text-anchor": "end"})
        value += step
    bars = ET.SubElement(svg, "g", {"class": "chart-bars"})
    zero = y_of(Decimal(0))
    for position, category in enumerate(categories):
        x0 = left + group_gap / 2 + position * (group + group_gap)
        for index, one in enumerate(series):
            value = one.values[position]
            x = x0 + index * (bar_width + bar_gap)
            y = y_of(value)
            rect = ET.SubElement(
                bars,
                "rect",
                {
                    "x": _num(x),
                    "y": _num(min(y, zero)),
                    "width": str(bar_width),
                    "height": _num(abs(zero - y)),
                    "fill": PALETTE[index % len(PALETTE)],
                    "class": f"chart-bar chart-series-{index}",
                    "data-category": category,
                    "data-series": one.name,
                    "data-value": str(value),
                },
            )
            ET.SubElement(rect, "title").text = f"{category} {one.name}: {value_title(value)}"
            cx = x + bar_width / 2 + 4
            cy = min(y, zero) - 4
            _text(
                bars,
                cx,
                cy,
                value_text(value),
                transform=f"rotate(-90 {_num(cx)} {_num(cy)})",
                **{"class": "chart-value"},
            )
        _text(
            bars,
            x0 + group / 2,
            plot_top + plot_height + 18,
            _clip(category, group + group_gap),
            **{"text-anchor": "middle", "class": "chart-category"},
        )
    return _render(svg)


def bar_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    bars: Sequence[Bar],
    width: int = 720,
) -> SafeString:
    """Horizontal bars, one per row: the label on the left, the bar, then its text."""
    row, bar_height, top = 28, 18, 8
    text_room = 190
    label_width = min(max([text_width(b.label) for b in bars] + [40]) + 12, 220)
    height = top * 2 + max(len(bars), 1) * row
    svg = _svg(chart_id=chart_id, title=title, description=description, width=width, height=height)
    group = ET.SubElement(svg, "g", {"class": "chart-bars"})
    high = max([b.value for b in bars] + [Decimal(0)]) or Decimal(1)
    room = width - label_width - text_room
    for index, bar in enumerate(bars):
        y = top + index * row
        _text(
            group,
            label_width - 8,
            y + bar_height - 4,
            _clip(bar.label, label_width - 12),
            **{"text-anchor": "end", "class": "chart-category"},
        )
        length = max(float(bar.value / high) * room, 0) if bar.value > 0 else 0
        rect = ET.SubElement(
            group,
            "rect",
            {
                "x": _num(label_width),
                "y": _num(y),
                "width": _num(length),
                "height": str(bar_height),
                "fill": PALETTE[0],
                "class": "chart-bar chart-series-0",
                "data-category": bar.label,
                "data-value": str(bar.value),
            },
        )
        ET.SubElement(rect, "title").text = f"{bar.label}: {bar.text}"
        _text(
            group,
            label_width + length + 6,
            y + bar_height - 4,
            bar.text,
            **{"class": "chart-value"},
        )
    return _render(svg)
