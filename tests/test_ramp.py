"""The launch ramp is a bound in continuous time: the flights it allows over a horizon are the same on a
yearly, a monthly and an uneven grid (reproducers ``shared/cases/time/d3_ramp_*.yaml``)."""

from __future__ import annotations

import math
from datetime import date

import pytest

from tests.conftest import value

# d3_ramp_yearly.yaml / d3_ramp_monthly.yaml, with the grid and the ramp as blanks
RAMP = """
name: d3_ramp
time: {time}
objective: {{mode: max_delivered, delivered: {{location: leo, commodities: [cargo]}}, tie_break_per_musd: 0}}
locations: {{earth_surface: {{}}, leo: {{}}}}
commodities:
  cargo: {{sources: [{{location: earth_surface}}]}}
launch_vehicles:
  lv:
    payload_t: 1
    cost_per_flight_musd: 0
    growth: {growth}
"""
YEARLY = "{start: 2030, end: 2031, step: year}"
MONTHLY = "{start: 2030, end: 2031, step: month}"
UNEVEN = "{dates: [2030-01-01, 2030-03-01, 2031-07-01], end: 2032-01-01}"


def fastest_flights(g: float, seed: float, initial: float, start: float, end: float) -> float:
    """Flights of the fastest ramp between ``start`` and ``end`` years after the horizon's start: the
    rate :math:`r` with :math:`\\dot r = \\ln(1+g)\\, r + s` from :math:`r(0)` = ``initial`` is
    :math:`r(t) = (r_0 + s/\\lambda)(1+g)^t - s/\\lambda`, or :math:`r_0 + s t` without growth;
    integrated by hand."""
    if g == 0:
        return initial * (end - start) + seed * (end ** 2 - start ** 2) / 2
    lam = math.log(1 + g)
    return (initial + seed / lam) * ((1 + g) ** end - (1 + g) ** start) / lam - seed / lam * (end - start)


def test_the_reproducers_allow_the_flights_of_the_continuous_ramp_on_both_grids(solve_text):
    growth = "{rate_per_year: 0.0, seed_flights_per_year: 12}"
    yearly = solve_text(RAMP.format(time=YEARLY, growth=growth))
    monthly = solve_text(RAMP.format(time=MONTHLY, growth=growth))
    # a rate of 12 flights/yr at 1 January 2030 growing by 12 flights/yr each year, for two years:
    # 12 * 2 + 12 * 2^2 / 2 = 48 flights (the defect allowed 12 + 24 = 36 yearly, 1 + 2 + ... + 24 = 300
    # monthly: the seed was added per period)
    assert 12 * 2 + 12 * 2 ** 2 / 2 == 48
    assert value(yearly, "flights") == pytest.approx(48, rel=1e-6)
    assert value(monthly, "flights") == pytest.approx(48, rel=1e-6)
    # the year's mean rate: 12 + 12 * 0.5 in 2030, 12 + 12 * 1.5 in 2031
    assert value(yearly, "flights", period="2030") == pytest.approx(18, rel=1e-6)
    assert value(yearly, "flights", period="2031") == pytest.approx(30, rel=1e-6)
    # each month flies the rate at its midpoint times its length (2030 and 2031 have 365 days)
    for month in (date(2030, 1, 1), date(2030, 7, 1), date(2031, 12, 1)):
        following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
        start = (month - date(2030, 1, 1)).days / 365
        end = (following - date(2030, 1, 1)).days / 365
        assert value(monthly, "flights", period=f"{month:%Y-%m}") == pytest.approx(
            fastest_flights(0.0, 12, 12, start, end), rel=1e-6)


@pytest.mark.parametrize("grid", [YEARLY, MONTHLY, UNEVEN])
def test_a_growing_ramp_allows_the_same_flights_on_any_grid(solve_text, grid):
    plan = solve_text(RAMP.format(time=grid, growth="{rate_per_year: 1.0, seed_flights_per_year: 12, "
                                                    "initial_flights_per_year: 6}"))
    # doubling each year from 6 flights/yr plus 12 flights/yr per year: (6 + 12/ln 2)(2^2 - 1)/ln 2 - 2 * 12/ln 2
    total = fastest_flights(1.0, 12, 6, 0, 2)
    assert total == pytest.approx((6 + 12 / math.log(2)) * 3 / math.log(2) - 24 / math.log(2))
    assert value(plan, "flights") == pytest.approx(total, rel=1e-6)


def test_a_growing_ramp_year_by_year(solve_text):
    plan = solve_text(RAMP.format(time="{start: 2030, end: 2032}",
                                  growth="{rate_per_year: 0.5, seed_flights_per_year: 10}"))
    # the rate starts at the seed, 10 flights/yr; each year flies the integral of the fastest ramp over it
    for k, period in enumerate(("2030", "2031", "2032")):
        assert value(plan, "flights", period=period) == pytest.approx(fastest_flights(0.5, 10, 10, k, k + 1),
                                                                      rel=1e-6)
