"""Server-rendered SVG charts of indicators (§8.2.3).

The Content-Security-Policy forbids inline styles, so the SVG carries
presentation attributes only: no ``style`` attribute, no ``<style>`` element,
no script.
"""

from __future__ import annotations

import math
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

# bandit B406 is about parsing XML: escape() only writes SVG text.
from xml.sax.saxutils import escape  # nosec B406

from django.utils.translation import gettext

from .models import Indicator

FONT_FAMILY = "Noto Sans, sans-serif"
COLOURS = {
    Indicator.Status.GREEN: "#2e7d32",
    Indicator.Status.AMBER: "#f9a825",
    Indicator.Status.RED: "#c62828",
}
LINE_COLOUR = "#1f4e79"
TARGET_COLOUR = "#424242"
AMBER_BAND_COLOUR = "#fff3cd"
GRID_COLOUR = "#e0e0e0"
AXIS_COLOUR = "#9e9e9e"
TEXT_COLOUR = "#212121"
MAX_X_LABELS = 12
NICE_MULTIPLES = (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5))
# At most this many intervals between y ticks (so 3 to 5 gridlines).
MAX_INTERVALS = 4
MIN_INTERVALS = 2


def indicator_chart_svg(
    *,
    points: list[tuple[str, Decimal]],
    target: Decimal,
    direction: str,
    amber_margin: Decimal,
    width: int = 640,
    height: int = 220,
    title: str = "",
) -> str:
    """Return an SVG line chart of an indicator's values, as a string.

    ``points`` are ``(label, value)`` pairs in time order (labels such as
    "2026-Q1"); ``target``, ``direction`` (an ``Indicator.Direction`` value)
    and ``amber_margin`` (a percentage of ``|target|``) are the indicator's.

    The chart has y gridlines with rounded tick labels whose range includes
    the target, x labels (at most 12: thinned when there are more points), the
    amber band (target to target ± margin on the bad side), the dashed target
    line with its label, the line of values and one circle per point filled
    with the colour of ``Indicator.status_of`` (see ``COLOURS``), each circle
    with a ``<title>`` giving its label and value. The root has ``role="img"``
    and ``aria-label`` (``title``, or a generic label). With no points the
    result is a small SVG showing "—".

    All text is escaped; only presentation attributes are used (the CSP
    forbids inline styles). Equal values and a zero target are drawn without
    dividing by zero. Raises ``ValueError`` for an unknown direction.
    """
    if direction not in Indicator.Direction.values:
        raise ValueError(f"Unknown direction: {direction!r}")
    label = title or gettext("Indicator chart")
    if not points:
        return _empty_svg(title or gettext("No measurements"))

    target = _decimal(target)
    amber_margin = _decimal(amber_margin)
    values = [_decimal(value) for _, value in points]
    indicator = Indicator(target=target, direction=direction, amber_margin=amber_margin)
    margin = abs(target) * amber_margin / Decimal(100)
    band_edge = (
        target - margin if direction == Indicator.Direction.HIGHER else target + margin
    )
    ticks = _nice_ticks(
        min(*values, target, band_edge), max(*values, target, band_edge)
    )
    low, high = ticks[0], ticks[-1]

    top = 30 if title else 12
    bottom = height - 30
    left, right = 56, width - 12
    plot_height = bottom - top
    slot = (right - left) / len(points)

    def y_of(value: Decimal) -> float:
        return top + float((high - value) / (high - low)) * plot_height

    def x_of(index: int) -> float:
        return left + (index + 0.5) * slot

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}"'
        f' viewBox="0 0 {width} {height}" role="img"'
        f' aria-label="{_attr(label)}" font-family="{FONT_FAMILY}"'
        f' font-size="11" fill="{TEXT_COLOUR}">',
        f"<title>{escape(label)}</title>",
    ]
    if title:
        parts.append(
            f'<text x="{left}" y="18" font-size="13" font-weight="bold">'
            f"{escape(title)}</text>"
        )

    if margin:
        band_top, band_bottom = sorted((y_of(target), y_of(band_edge)))
        parts.append(
            f'<rect class="amber-band" x="{left}" y="{band_top:.1f}"'
            f' width="{right - left}" height="{band_bottom - band_top:.1f}"'
            f' fill="{AMBER_BAND_COLOUR}"/>'
        )

    parts.append('<g class="y-axis">')
    for tick in ticks:
        y = y_of(tick)
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}"'
            f' stroke="{GRID_COLOUR}" stroke-width="1"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">'
            f"{escape(_number(tick))}</text>"
        )
    parts.append("</g>")

    parts.append(
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{bottom}"'
        f' stroke="{AXIS_COLOUR}" stroke-width="1"/>'
        f'<line x1="{left}" y1="{bottom}" x2="{right}" y2="{bottom}"'
        f' stroke="{AXIS_COLOUR}" stroke-width="1"/>'
    )

    target_y = y_of(target)
    target_label = gettext("target %(value)s") % {"value": _number(target)}
    parts.append(
        f'<g class="target"><line x1="{left}" y1="{target_y:.1f}" x2="{right}"'
        f' y2="{target_y:.1f}" stroke="{TARGET_COLOUR}" stroke-width="1.5"'
        f' stroke-dasharray="6 4"/>'
        f'<text x="{right}" y="{target_y - 4:.1f}" text-anchor="end"'
        f' fill="{TARGET_COLOUR}">{escape(target_label)}</text></g>'
    )

    every = math.ceil(len(points) / MAX_X_LABELS)
    parts.append('<g class="x-labels" text-anchor="middle">')
    for index, (point_label, _) in enumerate(points):
        if index % every == 0:
            parts.append(
                f'<text x="{x_of(index):.1f}" y="{bottom + 16}">'
                f"{escape(str(point_label))}</text>"
            )
    parts.append("</g>")

    coordinates = [(x_of(i), y_of(value)) for i, value in enumerate(values)]
    if len(coordinates) > 1:
        polyline = " ".join(f"{x:.1f},{y:.1f}" for x, y in coordinates)
        parts.append(
            f'<polyline class="values" points="{polyline}" fill="none"'
            f' stroke="{LINE_COLOUR}" stroke-width="2"/>'
        )
    parts.append('<g class="points">')
    for (point_label, _), value, (x, y) in zip(
        points, values, coordinates, strict=True
    ):
        colour = COLOURS[indicator.status_of(value)]
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}"'
            f' stroke="#ffffff" stroke-width="1">'
            f"<title>{escape(f'{point_label}: {_number(value)}')}</title></circle>"
        )
    parts.append("</g></svg>")
    return "".join(parts)


def _empty_svg(label: str) -> str:
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="48" height="24"'
        f' viewBox="0 0 48 24" role="img" aria-label="{_attr(label)}"'
        f' font-family="{FONT_FAMILY}" font-size="14">'
        f"<title>{escape(label)}</title>"
        f'<text x="24" y="17" text-anchor="middle" fill="{TEXT_COLOUR}">—</text>'
        "</svg>"
    )


def _nice_ticks(low: Decimal, high: Decimal) -> list[Decimal]:
    """Round ticks covering ``low``–``high``: 3 to 5 of them, evenly spaced."""
    if high == low:
        pad = abs(high) / 10 or Decimal(1)
        low, high = low - pad, high + pad
    raw = (high - low) / MAX_INTERVALS
    exponent = raw.adjusted()
    candidates = sorted(
        multiple.scaleb(power)
        for power in (exponent - 1, exponent, exponent + 1)
        for multiple in NICE_MULTIPLES
    )
    for step in candidates:
        first = (low / step).to_integral_value(rounding=ROUND_FLOOR)
        last = (high / step).to_integral_value(rounding=ROUND_CEILING)
        if last - first <= MAX_INTERVALS:
            break
    # Too few gridlines read poorly: widen by a step above.
    last = max(last, first + MIN_INTERVALS)
    return [step * i for i in range(int(first), int(last) + 1)]


def _decimal(value) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _number(value: Decimal) -> str:
    if value == 0:
        return "0"
    return format(value.normalize(), "f")


def _attr(text: str) -> str:
    return escape(text, {'"': "&quot;"})
