"""Rolling horizon: windows by hand, earlier decisions held, the plan never better than the full solve."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from planner import SolveOptions, load_roadmap, solve
from planner.errors import RoadmapError
from planner.solve.rolling import Window, cut, windows
from tests.conftest import ROOT, value

YEARS = [2026.0 + i for i in range(35)]  # 2026 ... 2060, yearly


def test_windows_of_ten_years_overlapping_by_five():
    # commit 2026, plan to 2035; commit 2031 (five before 2036), plan to 2040; ... the last ends with 2060
    assert windows(YEARS, 10, 5) == [Window(0, 10), Window(5, 15), Window(10, 20), Window(15, 25), Window(20, 30),
                                     Window(25, 35)]
    assert windows(YEARS, 15, 0) == [Window(0, 15), Window(15, 30), Window(30, 35)]
    assert windows(YEARS, 40, 5) == [Window(0, 35)]


@pytest.mark.parametrize(("window", "overlap"), [(0, 0), (5, 5), (5, -1)])
def test_a_window_must_be_longer_than_its_overlap(window, overlap):
    with pytest.raises(RoadmapError, match="overlap"):
        windows(YEARS, window, overlap)


@pytest.fixture(scope="module")
def baseline():
    loaded = load_roadmap(ROOT / "roadmaps" / "baseline.yaml")
    return loaded, solve(loaded)


def test_a_window_as_long_as_the_horizon_is_the_full_solve(baseline):
    loaded, full = baseline
    plan = solve(loaded, SolveOptions(window_years=50))
    assert plan.objective == pytest.approx(full.objective, rel=1e-9)
    assert plan.summary["rolling_horizon"]["windows"] == [
        {**plan.summary["rolling_horizon"]["windows"][0], "commit": "2026", "end": "2060", "held_variables": 0}]


def test_decisions_before_a_commit_point_are_the_earlier_windows(baseline):
    loaded, full = baseline
    first = solve(replace(loaded, roadmap=cut(loaded.roadmap, date(2046, 1, 1))))
    plan = solve(loaded, SolveOptions(window_years=20, overlap_years=5))
    windows_run = plan.summary["rolling_horizon"]["windows"]
    assert [(w["commit"], w["end"]) for w in windows_run] == [("2026", "2045"), ("2041", "2060")]
    # 2026-2040 are held at the first window's plan: the first window is the roadmap cut at 2046
    for year in range(2026, 2041):
        assert value(plan, "flights", period=str(year)) == pytest.approx(value(first, "flights", period=str(year)),
                                                                         rel=1e-6, abs=1e-6)
    # a myopic plan is a plan of the full problem: it cannot beat the full optimum
    assert plan.objective <= full.objective * (1 + 1e-9)
    assert windows_run[0]["objective"] == pytest.approx(first.objective, rel=1e-9)


def test_min_cost_is_refused_with_a_reason(write_roadmap):
    path = write_roadmap("""
        name: costly
        time: {start: 2026, end: 2030}
        objective: {mode: min_cost}
        locations: {leo: {}}
        commodities: {cargo: {sources: [{location: leo}]}}
        """)
    with pytest.raises(RoadmapError, match="requires every milestone"):
        solve(load_roadmap(path), SolveOptions(window_years=2))


def test_windows_cut_the_parts_of_periods_split_for_the_solve(write_roadmap):
    """d6's two five-year periods are split into the calendar years (planner.model.refinement): four-year
    windows overlapping by one then cut those years, and plan what they plan on yearly periods."""
    from tests.test_funding_timing import D6_5YR, D6_YEARLY
    rolling = SolveOptions(window_years=4, overlap_years=1)
    five = solve(load_roadmap(write_roadmap(D6_5YR, "five.yaml")), rolling)
    yearly = solve(load_roadmap(write_roadmap(D6_YEARLY, "yearly.yaml")), rolling)
    assert five.summary["refined_grid"]["parts"] == 10
    commits = [w["commit"] for w in five.summary["rolling_horizon"]["windows"]]
    assert commits == ["2030-01-01", "2033-01-01", "2036-01-01"]
    assert value(five, "spending") == pytest.approx(value(yearly, "spending"), rel=0.01)
