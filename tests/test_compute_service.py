"""Compute vintages credited for the time they serve, on any time grid: checked against continuous time.

The continuous-time reference is written here from the definitions alone: a period's additions are
deployed at an even rate over the period, a unit deployed at time ``s`` gives ``gamma**(t - s)`` of its
power at time ``t`` while ``t - s`` is below its life. Its service in a window is the closed form
``(gamma**a - gamma**b) / -ln(gamma)``; the even deployment is averaged by a fine midpoint rule in ``s``
(for GW-years) or integrated in closed form (for the level at a period's end).
"""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pytest

from tests.conftest import value

# Reproducer T2 (/work/shared/cases/time/t2b_nonuniform.yaml): periods of 1, 2, 3 and 4 years, life 3
T2B = """
name: t2b_nonuniform
time: {dates: [2030-01-01, 2031-01-01, 2033-01-01, 2036-01-01], end: 2039-12-31}
objective: {mode: max_value, discount_rate_per_year: 0.05, tie_break_per_musd: 0, end_of_horizon_years: 0}
locations:
  earth_surface: {}
  leo: {}
commodities:
  satellites:
    sources: [{location: earth_surface}]
launch_vehicles:
  lv:
    payload_t: 100
    cost_per_flight_musd: 0
    max_flights_per_year: {2030: 4, 2032: 10}
compute:
  deploy_at: [leo]
  satellites: {satellites: {origin: earth}}
  specific_power_w_per_kg: {2030: 50, 2035: 100, interpolation: linear}
  life_years: 3
  degradation_fraction_per_year: 0.05
  attrition_fraction_per_year: 0.05
  chip_supply_gw_per_year: 0.07
"""
NONUNIFORM = "{dates: [2030-01-01, 2031-01-01, 2033-01-01, 2036-01-01], end: 2039-12-31}"
YEARLY = "{start: 2030, end: 2039, step: year}"
GAMMA = 0.95 * 0.95
LIFE = 3.0
SAMPLES = 20_000  # deployment times per period (midpoint rule)


def decimal_year(day: str) -> float:
    """Decimal year of an ISO date: the year plus the share of its days gone by."""
    d = date.fromisoformat(day)
    start, following = date(d.year, 1, 1), date(d.year + 1, 1, 1)
    return d.year + (d - start).days / (following - start).days


NONUNIFORM_BOUNDS = [2030.0, 2031.0, 2033.0, 2036.0, decimal_year("2039-12-31")]


def served(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """GW-years from age ``a`` to age ``b`` of one GW deployed: the integral of gamma**age (0 when b <= a)."""
    lam = -math.log(GAMMA)
    return np.where(b > a, (GAMMA ** a - GAMMA ** np.maximum(a, b)) / lam, 0.0)


def continuous(bounds: list[float], added: list[float]) -> tuple[np.ndarray, np.ndarray]:
    """GW-years served in each period and GW in service at each period's end, in continuous time."""
    n = len(added)
    years = np.zeros(n)
    at_end = np.zeros(n)
    for v in range(n):
        step = (bounds[v + 1] - bounds[v]) / SAMPLES
        s = bounds[v] + step * (np.arange(SAMPLES) + 0.5)  # deployment times of vintage v
        for p in range(v, n):
            start, end = np.maximum(bounds[p], s), np.minimum(bounds[p + 1], s + LIFE)
            years[p] += added[v] * served(start - s, end - s).mean()
            # alive at the end: deployed in (end - LIFE, end], at ages end - s, in closed form over s
            first, last = max(bounds[v], bounds[p + 1] - LIFE), bounds[v + 1]
            ages = served(np.array(bounds[p + 1] - last), np.array(bounds[p + 1] - first))
            at_end[p] += added[v] * float(ages) / (bounds[v + 1] - bounds[v])
    return years, at_end


def mean_discount(bounds: list[float]) -> np.ndarray:
    """Each period's mean of 1.05^-(t - 2030): what a GW-year served evenly over it is worth."""
    b = np.array(bounds) - 2030
    return (1.05 ** -b[:-1] - 1.05 ** -b[1:]) / (np.diff(b) * math.log(1.05))


def series(plan, quantity: str, years: list[int]) -> list[float]:
    """Values of ``quantity`` in the periods starting in ``years`` (0 where the plan has no row)."""
    rows = plan.tables["plan"]
    rows = rows[rows["quantity"] == quantity]
    return rows.groupby("year")["value"].sum().reindex(years, fill_value=0.0).tolist()


def test_nonuniform_periods_serve_the_continuous_time_compute_years(solve_text):
    plan = solve_text(T2B)
    starts = [2030, 2031, 2033, 2036]
    years, at_end = continuous(NONUNIFORM_BOUNDS, series(plan, "compute_added", starts))
    # no tie-break, nothing after the horizon: the objective is the compute-years, each period's at its mean
    # discount factor
    assert plan.objective == pytest.approx(float(np.dot(mean_discount(NONUNIFORM_BOUNDS), years)), rel=1e-6)
    assert series(plan, "compute_served", starts) == pytest.approx(years.tolist(), rel=1e-6, abs=1e-12)
    assert series(plan, "compute_in_service", starts) == pytest.approx(at_end.tolist(), rel=1e-6, abs=1e-12)


def test_yearly_and_nonuniform_periods_tell_the_same_story(solve_text):
    # with tables that stay put inside the periods, chips bind everywhere: 0.07 GW a year on either grid
    steady = T2B.replace("{2030: 4, 2032: 10}", "10").replace("{2030: 50, 2035: 100, interpolation: linear}", "100")
    coarse, yearly = solve_text(steady), solve_text(steady.replace(NONUNIFORM, YEARLY))
    totals = []
    for plan, bounds in ((coarse, NONUNIFORM_BOUNDS), (yearly, [2030.0 + k for k in range(11)])):
        lengths = np.diff(bounds)
        years, _ = continuous(bounds, (0.07 * lengths).tolist())
        assert plan.objective == pytest.approx(float(np.dot(mean_discount(bounds), years)), rel=1e-6)
        totals.append(value(plan, "compute_served"))
        assert totals[-1] == pytest.approx(years.sum(), rel=1e-6)
    assert totals[0] == pytest.approx(totals[1], rel=2e-3)  # the dated grid ends a day early
    # on the reproducer itself the flight cap rises in 2032, inside the dated grid's 2031-2032 period: each
    # period takes the table's mean over it, so the grids still agree (9 % apart when tables were read at
    # period starts; 73 % above continuous time before vintages were credited for their service)
    coarse, yearly = solve_text(T2B), solve_text(T2B.replace(NONUNIFORM, YEARLY))
    assert value(coarse, "compute_served") == pytest.approx(value(yearly, "compute_served"), rel=0.01)


END = """
name: salvage
time: {{start: 2030, end: 2030, step: year}}
objective: {{mode: max_value, discount_rate_per_year: {rate}, end_of_horizon_years: {after}}}
locations: {{earth_surface: {{}}, leo: {{}}}}
commodities:
  satellites: {{sources: [{{location: earth_surface}}]}}
launch_vehicles:
  lv: {{payload_t: 100, cost_per_flight_musd: 0, max_flights_per_year: 10}}
compute:
  deploy_at: [leo]
  satellites: {{satellites: {{}}}}
  specific_power_w_per_kg: 100
  life_years: 5
  degradation_fraction_per_year: {loss}
"""


def test_compute_in_service_at_the_end_is_worth_its_remaining_service(solve_text):
    # 1,000 t at 100 W/kg: 0.1 GW deployed evenly over 2030, the horizon's only year. No decay, no discounting:
    # a unit deployed s years in serves 1 - s inside and s + 4 after (its life is 5), 0.5 and 4.5 on average,
    # so with the end rule the vintage is worth its whole life, 0.1 x 5 GW-years
    plan = solve_text(END.format(rate=0, after=20, loss=0))
    assert value(plan, "compute_served") == pytest.approx(0.05, rel=1e-9)
    assert value(plan, "compute_served_after_horizon") == pytest.approx(0.45, rel=1e-9)
    assert plan.objective == pytest.approx(0.5, rel=1e-6)
    # within 2 years after the horizon: 2 GW-years per GW after it, for every unit (s + 4 >= 2)
    assert solve_text(END.format(rate=0, after=2, loss=0)).objective == pytest.approx(0.05 + 0.2, rel=1e-6)
    # 0: nothing after the horizon counts
    assert solve_text(END.format(rate=0, after=0, loss=0)).objective == pytest.approx(0.05, rel=1e-6)


def test_the_value_after_the_horizon_is_decayed_and_discounted(solve_text):
    from scipy.integrate import dblquad

    rate, loss = 0.08, 0.1
    plan = solve_text(END.format(rate=rate, after=20, loss=loss))
    # by numerical integration: units deployed at s in [0, 1] serve (1 - loss)^(t - s) from t = 1 to s + 5,
    # each GW-year worth 1.08^-t
    after, _ = dblquad(lambda t, s: (1 - loss) ** (t - s) * (1 + rate) ** -t, 0, 1, lambda s: 1, lambda s: s + 5)
    inside, _ = dblquad(lambda t, s: (1 - loss) ** (t - s), 0, 1, lambda s: s, lambda s: 1)
    mean_discount = (1 - 1 / (1 + rate)) / math.log(1 + rate)  # the period's mean discount factor
    assert value(plan, "compute_served") == pytest.approx(0.1 * inside, rel=1e-9)
    assert plan.objective == pytest.approx(0.1 * (inside * mean_discount + after), rel=1e-6)


HELD = """
name: held
time: {start: 2030, end: 2033, step: year}
objective: {mode: max_value}
locations: {earth_surface: {}, leo: {}}
commodities:
  satellites: {sources: [{location: earth_surface, max_per_year: {2030: 1000, 2031: 0}}]}
launch_vehicles:
  lv: {payload_t: 100, cost_per_flight_musd: 0, max_flights_per_year: 100}
compute:
  deploy_at: [leo]
  satellites: {satellites: {}}
  specific_power_w_per_kg: {2030: 100, 2032: 300}
  life_years: 10
  chip_supply_gw_per_year: {2030: 0, 2032: 10}
"""


def test_a_satellite_keeps_the_power_of_the_year_it_was_built(solve_text):
    # 1,000 t can only be made in 2030, at 100 W/kg; chips allow deploying them only from 2032, when new
    # satellites would have 300 W/kg: held two years, they still add 1,000 t x 100 W/kg = 0.1 GW (0.3 before)
    plan = solve_text(HELD)
    assert value(plan, "compute_added") == pytest.approx(0.1, rel=1e-9)
    assert value(plan, "compute_added", period="2030") == pytest.approx(0.0, abs=1e-12)
    assert value(plan, "deployed_by_build_period", built="2030") == pytest.approx(1000, rel=1e-9)
    # a kind whose W/kg does not change needs no build periods: the same plan adds 1,000 t x 300 W/kg
    flat = solve_text(HELD.replace("{2030: 100, 2032: 300}", "300"))
    assert value(flat, "compute_added") == pytest.approx(0.3, rel=1e-9)
    assert "built_before_deployed" not in flat.summary["model_size"]["rows_by_family"]


def test_a_satellite_waits_at_most_its_hold_years(solve_text):
    # the same 1,000 t made in 2030 may wait at most one year: chips come in 2032, too late for all of them
    plan = solve_text(HELD.replace("life_years: 10", "life_years: 10\n  hold_years: 1"))
    assert value(plan, "compute_added") == pytest.approx(0.0, abs=1e-12)
    assert value(plan, "deployed_by_build_period", built="2030") == pytest.approx(0.0, abs=1e-9)


ORBIT = """
name: orbit_fills
time: {start: 2030, end: 2031}
objective: {mode: max_value}
locations: {leo: {}}
commodities:
  satellites: {sources: [{location: leo}]}
compute:
  deploy_at: [leo]
  satellites: {satellites: {}}
  specific_power_w_per_kg: 100
  life_years: 1.5
  orbit_capacity_t: {leo: 100}
"""


def test_orbit_fills_and_retirements_free_room(solve_text):
    """Satellites are free and worth deploying; leo holds 100 t. 2030 deploys 100 t (evenly); at the end of
    2031 the 2030 satellites deployed before mid-2030 have reached their 1.5-year life, so half of them are
    still up: 2031 deploys 100 - 50 = 50 t."""
    plan = solve_text(ORBIT)
    assert value(plan, "deployed", period="2030") == pytest.approx(100.0, rel=1e-6)
    assert value(plan, "deployed", period="2031") == pytest.approx(50.0, rel=1e-6)
