"""Server-rendered SVG bar charts of survey answers and satisfaction by month.

The Content-Security-Policy forbids inline styles: presentation attributes
only, no ``style``, no script. Every text is escaped.
"""

from __future__ import annotations

# bandit B406 is about parsing XML: escape() only writes SVG text.
from xml.sax.saxutils import escape, quoteattr  # nosec B406

BAR_COLOUR = "#1f4e79"
EMPTY_COLOUR = "#e0e0e0"
TEXT_COLOUR = "#212121"
FONT = "Noto Sans, sans-serif"


def bar_chart_svg(
    bars: list[tuple[str, float | int | None]],
    *,
    title: str,
    maximum: float | None = None,
    unit: str = "",
    width: int = 560,
    row: int = 24,
    label_width: int = 180,
) -> str:
    """Horizontal bars, one per ``(label, value)``; None draws no bar.

    ``maximum`` is the value of a full bar (the largest value by default).
    The root has ``role="img"`` and ``aria-label`` = ``title``; each bar has
    a ``<title>`` with its label and value for screen readers and tooltips.
    """
    values = [v for _label, v in bars if v is not None]
    top = maximum if maximum else max(values, default=0) or 1
    height = row * max(len(bars), 1) + 8
    room = width - label_width - 60
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f"aria-label={quoteattr(title)} font-family={quoteattr(FONT)} "
        f'font-size="12">'
    ]
    for i, (label, value) in enumerate(bars):
        y = 4 + i * row
        shown = "—" if value is None else f"{value:g}{unit}"
        short = label if len(label) <= 28 else label[:27] + "…"
        parts.append(
            f'<text x="{label_width - 6}" y="{y + row * 0.65:.1f}" '
            f'text-anchor="end" fill="{TEXT_COLOUR}">{escape(short)}</text>'
        )
        length = 0.0 if value is None else max(value, 0) / top * room
        parts.append(
            f'<rect x="{label_width}" y="{y + 3}" width="{room}" '
            f'height="{row - 8}" fill="{EMPTY_COLOUR}"/>'
        )
        parts.append(
            f'<rect x="{label_width}" y="{y + 3}" width="{length:.1f}" '
            f'height="{row - 8}" fill="{BAR_COLOUR}">'
            f"<title>{escape(label)}: {escape(shown)}</title></rect>"
        )
        parts.append(
            f'<text x="{label_width + room + 6}" y="{y + row * 0.65:.1f}" '
            f'fill="{TEXT_COLOUR}">{escape(shown)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
