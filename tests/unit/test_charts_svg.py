"""Server-drawn SVG charts: scaled from the data, escaped, whole steps for counts."""

from decimal import Decimal

from api.web import charts


def test_a_bar_is_as_tall_as_its_share_of_the_axis():
    svg = str(charts.bar_chart("笔数", ["a", "b"], [("n", [2, 4])]))
    plot = charts.HEIGHT - charts.TOP - charts.BOTTOM
    assert f'height="{Decimal(plot) / 2:.1f}"' in svg and f'height="{Decimal(plot):.1f}"' in svg


def test_counts_get_whole_ticks_and_money_round_ones():
    assert charts.axis_top(5, whole=True) == 8
    assert charts.axis_top(1, whole=True) == 4
    assert charts.axis_top(Decimal("1200.00"), whole=False) == 2000


def test_labels_are_escaped_and_the_svg_has_a_title():
    svg = str(charts.bar_chart("<b>", ["<script>"], [("x&y", [1])]))
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert svg.startswith('<svg class="chart"') and "<title>&lt;b&gt;</title>" in svg


def test_a_missing_day_breaks_the_line():
    svg = str(
        charts.line_chart("余额", ["1", "2", "3"], [("bank", [Decimal(1), None, Decimal(2)])])
    )
    assert svg.count("<polyline") == 2
