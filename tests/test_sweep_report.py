"""The sweep report reads as a strategist writes: milestone years that are periods, series and outcomes in
words with their units, legends that cover no bar (issue 19)."""

from __future__ import annotations

import pandas as pd
import pytest

from planner.sweep import summary
from planner.sweep.report import fan_chart, outcome_label, series_label, tornado_chart


def results(years: list[float | None]) -> pd.DataFrame:
    rows = []
    for i, year in enumerate(years):
        rows.append({"scenario": str(i), "quantity": "status", "name": "optimal", "year": None, "value": None,
                     "note": ""})
        rows.append({"scenario": str(i), "quantity": "milestone_year", "name": "settlers_1000", "year": None,
                     "value": year, "note": ""})
    return pd.DataFrame(rows)


def test_milestone_year_quantiles_are_years_a_scenario_reached():
    # linear interpolation would say 2030.4 and 2038.6; the nearest scenario's year is a period's start
    years = summary.milestone_years(results([2030, 2031, 2032, 2038, 2039, None]))
    row = years.iloc[0]
    assert row["share_reached"] == pytest.approx(5 / 6)
    assert {row["year_p10"], row["year_p50"], row["year_p90"]} <= {2030, 2031, 2032, 2038, 2039}


def test_series_and_outcomes_read_in_words_with_units():
    assert series_label("compute_in_service_gw") == "compute in service, GW"
    assert series_label("held crew@mars_surface") == "crew held at mars_surface"
    assert outcome_label("objective", "discounted GW-years") == "objective, discounted GW-years"
    assert outcome_label("year: settlers_1000", "x").startswith("year settlers_1000 is reached")


def test_legends_sit_below_the_bars_and_bands():
    group = pd.DataFrame({"key": ["a", "b"], "low_mean": [1.0, 2.0], "high_mean": [3.0, 2.5], "swing": [2, 0.5]})
    fan = pd.DataFrame({"year": [2030.0, 2031.0], "p10": [0, 1], "p25": [1, 2], "p50": [2, 3], "p75": [3, 4],
                        "p90": [4, 5]})
    for fig in (tornado_chart(group, "objective, t launched"), fan_chart(fan, "compute in service, GW")):
        ax = fig.axes[0]
        anchor = ax.get_legend().get_bbox_to_anchor().transformed(ax.transAxes.inverted())
        assert anchor.y0 < 0  # under the axes, not over what they show
    assert tornado_chart(group, "objective, t launched").axes[0].get_xlabel() == "mean objective, t launched"
