"""Lunar industry that grows itself (roadmaps/examples/lunar-bootstrap.yaml): a factory that makes factory.

With productivity :math:`g` (t of factory made per t held a year) and capital that produces from the period
after it is made (:mod:`planner.model.industry`), the factory held compounds once per period:
:math:`K_n = K_0 (1 + g y)^n` after :math:`n` periods of :math:`y` years of production, against
:math:`K_0 e^{g t}` in continuous time. Finer grids converge to it from below, and periods longer than
:math:`1/g` are flagged.
"""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import pytest

from planner import load_roadmap, solve
from tests.conftest import value

EXAMPLE = Path(__file__).parents[1] / "roadmaps" / "examples" / "lunar-bootstrap.yaml"
SEED, G = 10.0, 0.5



def test_the_shipped_example_grows_as_its_closed_form():
    # the seed lands in 2030 and produces from 2031: nine years of 1.5x; the arrays it needs (0.114 kW per t
    # of factory growing at 0.5 t a year, 2 MWh per t) stay within the 2 t landed, so power never binds
    plan = solve(load_roadmap(EXAMPLE))
    assert plan.objective == pytest.approx(SEED * (1 + G) ** 9, rel=1e-6)
    held = value(plan, "stock", commodity="factory", location="moon_surface", period="2039")
    assert held == pytest.approx(SEED * 1.5 ** 9, rel=1e-6)
    assert plan.summary["coarse_grid"] is None  # yearly periods are shorter than 1/g = 2 years


@pytest.mark.parametrize(("step", "per_year"), [("year", 1), ("quarter", 4)])
def test_growth_compounds_once_per_period_and_converges_from_below(step, per_year):
    plan = solve(load_roadmap(EXAMPLE, overrides={"time.step": step, "locations.moon_surface.power": None,
                                                  "processes.build_factory.energy_kwh_per_t": 0,
                                                  "processes.build_arrays.energy_kwh_per_t": 0}))
    # a period's length in years is its days over its year's days (a quarter of 2030 is 90/365 to 92/365)
    starts = [date(year, month, 1) for year in range(2030, 2040) for month in range(1, 13, 12 // per_year)]
    ends = [*starts[1:], date(2040, 1, 1)]
    lengths = [(b - a).days / (date(a.year + 1, 1, 1) - date(a.year, 1, 1)).days
               for a, b in zip(starts, ends, strict=True)]
    grown = SEED * math.prod(1 + G * y for y in lengths[1:])  # the first period lands the seed
    assert plan.objective == pytest.approx(grown, rel=1e-6)
    assert plan.objective < SEED * math.exp(G * sum(lengths[1:]))


FIVE_YEARS = {"dates": ["2030-01-01", "2035-01-01"], "end": "2039-12-31"}


def test_five_year_periods_kept_as_given_are_flagged():
    plan = solve(load_roadmap(EXAMPLE, overrides={"time": {**FIVE_YEARS, "max_growth_per_period": None}}))
    coarse = plan.summary["coarse_grid"]
    assert coarse["loops"] == ["process build_factory making its own capital"]
    assert coarse["payback_years"] == pytest.approx(1 / G) and coarse["periods"] == 2
    assert plan.summary["refined_grid"] is None


def test_five_year_periods_are_split_into_yearly_parts_and_grow_as_the_yearly_plan():
    """g = 0.5 a year grows 2.5 in five years: ceil(2.5 / 0.5) = 5 parts per period, the calendar years, so
    the plan is the yearly closed form (the seed lands in 2030, then nine years of 1.5x)."""
    plan = solve(load_roadmap(EXAMPLE, overrides={"time": FIVE_YEARS}))
    assert plan.summary["refined_grid"]["parts"] == 10 and plan.summary["coarse_grid"] is None
    assert list(plan.built.data.timeline.labels) == [f"{year}-01-01" for year in range(2030, 2040)]
    assert plan.objective == pytest.approx(SEED * (1 + G) ** 9, rel=1e-3)  # the last part is a day short
