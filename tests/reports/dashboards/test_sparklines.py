"""The dashboards' sparklines written as SVG text: lines between known values, a gap for an
unknown one, a dot on the last known value, the score scale upwards."""

from __future__ import annotations

import re

from reports.dashboards.sparklines import sparkline_svg


def test_a_gap_splits_the_line_and_the_last_value_has_a_dot():
    svg = sparkline_svg([80, 90, None, 70], label="趋势")
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert svg.count("<polyline") == 1          # 80 → 90; 70 stands alone after the gap
    assert len(re.findall(r'<circle [^>]*r="1.5"', svg)) == 1
    assert len(re.findall(r'<circle [^>]*r="2"', svg)) == 1
    assert "style=" not in svg                    # CSP: attributes only


def test_higher_scores_are_drawn_higher_and_nothing_known_draws_the_box_only():
    points = re.search(r'points="([^"]+)"', sparkline_svg([0, 100], label="x")).group(1).split()
    (_, y_low), (_, y_high) = (tuple(map(float, p.split(","))) for p in points)
    assert y_high < y_low
    empty = sparkline_svg([None, None], label="x")
    assert "<rect" in empty and "<polyline" not in empty and "<circle" not in empty


def test_the_line_is_named_for_screen_readers_and_its_name_escaped():
    svg = sparkline_svg([80, 90], label='趋势 "80" <b>')
    assert 'role="img" aria-label="趋势 &#34;80&#34; &lt;b&gt;"' in svg
