import itertools
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest

from sapat.quality.charts import COLOURS, MAX_X_LABELS, indicator_chart_svg
from sapat.quality.models import Indicator

SVG = "{http://www.w3.org/2000/svg}"
GREEN = COLOURS[Indicator.Status.GREEN]
AMBER = COLOURS[Indicator.Status.AMBER]
RED = COLOURS[Indicator.Status.RED]


def chart(points, *, target="90", direction="higher", amber_margin="10", **kwargs):
    return indicator_chart_svg(
        points=[(label, Decimal(value)) for label, value in points],
        target=Decimal(target),
        direction=direction,
        amber_margin=Decimal(amber_margin),
        **kwargs,
    )


def parse(svg: str) -> ET.Element:
    assert isinstance(svg, str)
    # Our own output, not untrusted input.
    return ET.fromstring(svg)  # noqa: S314


def circle_fills(root: ET.Element) -> list[str]:
    return [circle.get("fill") for circle in root.iter(f"{SVG}circle")]


def test_chart_parses_and_is_an_accessible_image():
    root = parse(chart([("2026-Q1", "80"), ("2026-Q2", "95")], title="Pass rate"))
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("aria-label") == "Pass rate"


def test_higher_is_better_colours_met_amber_and_missed_points():
    # Target 90, margin 10 % of 90 = 9: 95 met, 85 within 9, 70 beyond.
    root = parse(chart([("Q1", "95"), ("Q2", "85"), ("Q3", "70"), ("Q4", "90")]))
    assert circle_fills(root) == [GREEN, AMBER, RED, GREEN]


def test_lower_is_better_colours_met_amber_and_missed_points():
    # Target 10 days, margin 20 % = 2: 8 met, 11.5 within 2, 13 beyond.
    root = parse(
        chart(
            [("Q1", "8"), ("Q2", "11.5"), ("Q3", "13"), ("Q4", "10")],
            target="10",
            direction="lower",
            amber_margin="20",
        )
    )
    assert circle_fills(root) == [GREEN, AMBER, RED, GREEN]


def test_colours_follow_indicator_status_of():
    indicator = Indicator(
        target=Decimal("50"), direction="lower", amber_margin=Decimal("10")
    )
    values = ["40", "50", "54", "55", "56", "70"]
    root = parse(
        chart(
            [(str(i), v) for i, v in enumerate(values)],
            target="50",
            direction="lower",
            amber_margin="10",
        )
    )
    expected = [COLOURS[indicator.status_of(Decimal(v))] for v in values]
    assert circle_fills(root) == expected


def test_each_point_has_a_title_with_its_label_and_value():
    root = parse(chart([("2026-Q1", "80.50"), ("2026-Q2", "95")]))
    titles = [c.find(f"{SVG}title").text for c in root.iter(f"{SVG}circle")]
    assert titles == ["2026-Q1: 80.5", "2026-Q2: 95"]


def test_no_inline_styles():
    svg = chart([("Q1", "80"), ("Q2", "95")], title="KPI")
    root = parse(svg)
    assert all("style" not in element.attrib for element in root.iter())
    assert root.find(f".//{SVG}style") is None
    assert "style" not in svg


def test_target_line_is_dashed_and_labelled():
    root = parse(chart([("Q1", "80"), ("Q2", "95")], target="90"))
    target = root.find(f".//{SVG}g[@class='target']")
    assert target.find(f"{SVG}line").get("stroke-dasharray")
    assert "90" in target.find(f"{SVG}text").text


def test_amber_band_lies_on_the_bad_side_of_the_target():
    root = parse(chart([("Q1", "80"), ("Q2", "95")], target="90"))
    band = root.find(f".//{SVG}rect[@class='amber-band']")
    line = root.find(f".//{SVG}g[@class='target']/{SVG}line")
    # Higher is better: the band hangs below the target line (larger y).
    assert float(band.get("y")) == pytest.approx(float(line.get("y1")), abs=0.1)
    assert float(band.get("height")) > 0


def test_y_ticks_are_round_and_cover_the_target():
    root = parse(chart([("Q1", "71"), ("Q2", "77")], target="90"))
    labels = [
        Decimal(text.text)
        for text in root.findall(f".//{SVG}g[@class='y-axis']/{SVG}text")
    ]
    assert 3 <= len(labels) <= 5
    assert min(labels) <= Decimal("71") and max(labels) >= Decimal("90")
    steps = {b - a for a, b in itertools.pairwise(labels)}
    assert len(steps) == 1


def test_text_is_escaped():
    svg = chart([("<Q1>&", "80")], title='Rate <&> "quoted"')
    root = parse(svg)
    assert root.get("aria-label") == 'Rate <&> "quoted"'
    texts = [text.text for text in root.iter(f"{SVG}text")]
    assert 'Rate <&> "quoted"' in texts
    assert "<Q1>&" in texts


def test_empty_points_give_a_small_dash():
    root = parse(chart([], title="Nothing yet"))
    assert root.get("role") == "img"
    assert [text.text for text in root.iter(f"{SVG}text")] == ["—"]
    assert root.find(f".//{SVG}circle") is None


def test_thirty_points_thin_the_x_labels():
    points = [(f"2020-{i:02d}", str(i)) for i in range(30)]
    root = parse(chart(points, target="15"))
    x_labels = root.findall(f".//{SVG}g[@class='x-labels']/{SVG}text")
    assert 1 < len(x_labels) <= MAX_X_LABELS
    assert x_labels[0].text == "2020-00"
    assert len(root.findall(f".//{SVG}circle")) == 30


def test_twelve_points_keep_every_x_label():
    points = [(f"M{i}", "5") for i in range(12)]
    root = parse(chart(points, target="5"))
    assert len(root.findall(f".//{SVG}g[@class='x-labels']/{SVG}text")) == 12


@pytest.mark.parametrize(
    ("values", "target"),
    [
        (["5", "5", "5"], "5"),
        (["0", "0"], "0"),
        (["3", "4"], "0"),
        (["-2", "-2"], "-2"),
        (["0.001", "0.002"], "0"),
        (["1000000", "1000000"], "1000000"),
    ],
)
def test_equal_values_and_zero_target_do_not_crash(values, target):
    root = parse(chart([(str(i), v) for i, v in enumerate(values)], target=target))
    assert len(root.findall(f".//{SVG}circle")) == len(values)
    for circle in root.iter(f"{SVG}circle"):
        assert float(circle.get("cy")) == float(circle.get("cy"))  # not NaN


def test_a_zero_target_has_no_amber_band():
    root = parse(chart([("Q1", "1"), ("Q2", "2")], target="0", direction="lower"))
    assert root.find(f".//{SVG}rect[@class='amber-band']") is None


def test_unknown_direction_is_rejected():
    with pytest.raises(ValueError):
        chart([("Q1", "1")], direction="sideways")
