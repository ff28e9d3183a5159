"""Orbital compute vintages, lunar output, Mars windows, cash and discounting, milestones: by hand."""

from __future__ import annotations

import importlib
import math
import time
from datetime import date, timedelta
from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from planner.discounting import discount_factors
from planner.model.compute import in_service_shares, retiring
from planner.windows import mars_table
from tests.conftest import value

COMPUTE = """
name: compute
time: {{start: 2030, end: 2037}}
objective: {{mode: max_value, tie_break_per_musd: 0}}
locations: {{leo: {{}}}}
commodities:
  satellites: {{sources: [{{location: leo, max_per_year: {{2030: 1000000, 2031: 0}}}}]}}
compute:
  deploy_at: [leo]
  satellites: {{satellites: {{origin: earth}}}}
  specific_power_w_per_kg: 100
  {life}
  degradation_fraction_per_year: 0.01
  attrition_fraction_per_year: 0.06
"""


def test_one_megaton_at_100_w_per_kg_adds_100_gw(solve_text):
    plan = solve_text(COMPUTE.format(life=""))
    assert value(plan, "compute_added", period="2030") == pytest.approx(100.0, rel=1e-9)


def test_vintages_degrade_and_retire(solve_text):
    plan = solve_text(COMPUTE.format(life="life_years: 5"))
    gamma = 0.99 * 0.94
    lam = -np.log(gamma)
    # 100 GW deployed evenly over 2030; a unit deployed s years in holds gamma**(t - s) until age 5, so at
    # the end of year k it holds 100 * integral_0^1 gamma**(k + 1 - s) ds until the last unit retires
    for k, year in enumerate(range(2030, 2038)):
        expected = 100 * gamma**k * (1 - gamma) / lam if k < 5 else 0.0
        assert value(plan, "compute_in_service", period=str(year)) == pytest.approx(expected, rel=1e-9, abs=1e-9)
    # no discounting: the objective is the GW-years served, each unit its full five years' integral_0^5 gamma**t dt
    assert plan.objective == pytest.approx(100 * (1 - gamma**5) / lam, rel=1e-9)
    assert value(plan, "compute_served") == pytest.approx(plan.objective, rel=1e-9)


@given(st.lists(st.floats(0.01, 3.0), min_size=1, max_size=30), st.floats(0.05, 12.0),
       st.one_of(st.just(0.0), st.floats(1e-9, 0.3)))  # not denormal: the reference below divides by it
def test_vintages_retire_at_their_life_inside_any_period(lengths, life, loss):
    years = 2030 + np.cumsum([0.0, *lengths])
    compute = SimpleNamespace(life_years=life, degradation_fraction_per_year=loss, attrition_fraction_per_year=0.0)
    d = SimpleNamespace(years=years[:-1], length_years=list(lengths), periods=list(range(len(lengths))),
                        roadmap=SimpleNamespace(compute=compute))
    retired = retiring(d)
    if loss == 0:  # no decay: a vintage's retired shares add up to the share of it whose life ends in the horizon
        for v, length in enumerate(lengths):
            share = sum(r.power for rs in retired.values() for r in rs if r.vintage == v)
            assert share == pytest.approx(min(max((years[-1] - life - years[v]) / length, 0.0), 1.0), abs=1e-7)
    # the recursion's coefficients give the vintages' dense shares in service at each period's end
    gamma, dense = 1 - loss, in_service_shares(d)
    lam = -np.log1p(-loss)  # so that 1 - gamma**y = -expm1(-lam * y) keeps its digits for tiny losses
    for v in range(len(lengths)):
        level = 0.0
        for p, y in enumerate(lengths):
            fresh = (-np.expm1(-lam * y) / lam if loss else y) / y if p == v else 0.0
            level = gamma**y * level + fresh - sum(r.power for r in retired.get(p, []) if r.vintage == v)
            assert level == pytest.approx(dense[p, v], abs=1e-9)


def test_no_maintenance_means_no_decay(solve_text):
    text = COMPUTE.format(life="").replace("0.01", "0").replace("0.06", "0")
    plan = solve_text(text)
    assert value(plan, "compute_in_service", period="2037") == pytest.approx(100.0, rel=1e-9)


def test_chip_supply_caps_compute_added(solve_text):
    text = COMPUTE.format(life="chip_supply_gw_per_year: 30")
    plan = solve_text(text)
    assert value(plan, "compute_added", period="2030") == pytest.approx(30.0, rel=1e-9)


def test_lunar_output_is_productivity_times_plant(solve_text):
    plan = solve_text("""
name: lunar
time: {start: 2030, end: 2032}
objective: {mode: max_delivered, delivered: {location: moon, commodities: [lunar_satellites]}}
locations: {moon: {}}
commodities:
  factory: {sources: [{location: moon, max_total: 200}]}
  chips: {sources: [{location: moon, max_total: 1000000}]}
  lunar_satellites: {}
processes:
  satellite_factory:
    location: moon
    capital: {factory: 5}
    outputs: {lunar_satellites: 1}
    inputs: {chips: 0.1}
""")
    # 200 t of factory at 5 t per t per year, supplied in 2030 and producing from the next period on (no
    # commissioning_days): two years, 2031 and 2032, make 2,000 t, needing 200 t of chips
    assert value(plan, "activity", period="2030") == pytest.approx(0, abs=1e-9)
    assert plan.objective == pytest.approx(2000, rel=1e-9)
    assert value(plan, "activity") == pytest.approx(2000, rel=1e-9)


MARS = """
name: mars
time: {start: 2026, end: 2031, step: month}
objective: {mode: max_delivered, delivered: {location: mars, commodities: [cargo]}}
locations: {leo: {}, mars: {}}
commodities:
  cargo: {sources: [{location: leo}]}
  propellant: {sources: [{location: leo}]}
routes:
  to_mars: {from: leo, to: mars, dv_km_s: 4.3, windows: {table: mars}}
vehicles:
  ship: {payload_t: 100, propellant_capacity_t: 1500, dry_mass_t: 120, isp_s: 378, initial_units: {leo: 2}}
"""


def test_mars_departures_only_in_windows_and_arrive_after_the_transit(solve_text):
    plan = solve_text(MARS)
    trips = plan.tables["transport"]
    departures = trips[trips["quantity"] == "trips"]
    windows = [row.span for row in mars_table() if date(2026, 1, 1) <= row.span.open < date(2032, 1, 1)]
    open_months = {f"{d.year}-{d.month:02d}" for w in windows
                   for d in (w.open + timedelta(days=k) for k in range((w.close - w.open).days + 1))}
    assert len(departures) > 0
    assert set(departures["period"]) <= open_months
    # the 2026 window opens 2026-10-15 with a 294-day flight: cargo first held at Mars in August 2027
    first = windows[0]
    arrival = first.open + timedelta(days=first.transit_days)
    stocks = plan.tables["stocks"]
    at_mars = stocks[(stocks["location"] == "mars") & (stocks["commodity"] == "cargo")]
    assert at_mars.sort_values("year")["period"].iloc[0] == f"{arrival.year}-{arrival.month:02d}"


def test_cash_balance_and_discounting_on_three_periods(solve_text):
    plan = solve_text("""
name: cash
time: {start: 2030, end: 2032}
objective: {mode: min_cost, discount_rate_per_year: 0.1}
locations: {earth: {}, leo: {}}
commodities:
  cargo: {sources: [{location: earth, cost_usd_per_kg: 1000}]}
launch_vehicles:
  rocket: {payload_t: 10, cost_per_flight_musd: 50, to: leo, from: earth}
funding:
  external_musd_per_year: 40
  initial_cash_musd: 100
  interest_rate_per_year: 0.05
demands:
  late: {location: leo, commodity: cargo, at_least: 10, from: 2032}
""")
    # one flight (50 M$) and 10 t of cargo (10 M$) in 2032, when money is cheapest in present value; spent
    # evenly over 2032, it is worth the mean of 1.1^-t over t in [2, 3]: (1.1^-2 - 1.1^-3) / ln 1.1
    spend = 50 + 10
    mean_2032 = (1 / 1.21 - 1 / 1.331) / math.log(1.1)
    assert mean_2032 == pytest.approx(0.78828, rel=1e-5)
    assert plan.objective == pytest.approx(spend * mean_2032, rel=1e-9)
    assert discount_factors([0.0, 1.0, 2.0], [1.0, 1.0, 1.0], 0.1) == pytest.approx(
        [(1 - 1 / 1.1) / math.log(1.1), (1 / 1.1 - 1 / 1.21) / math.log(1.1), mean_2032])
    # a five-year period's factor is the mean of its five years' (the same flows, the same value)
    assert discount_factors([0.0], [5.0], 0.1)[0] == pytest.approx(
        discount_factors(np.arange(5.0), np.ones(5), 0.1).mean(), rel=1e-12)
    cash_2030 = 100 + 40
    cash_2031 = cash_2030 * 1.05 + 40
    cash_2032 = cash_2031 * 1.05 + 40 - spend
    assert value(plan, "cash", period="2030") == pytest.approx(cash_2030, rel=1e-9)
    assert value(plan, "cash", period="2031") == pytest.approx(cash_2031, rel=1e-9)
    assert value(plan, "cash", period="2032") == pytest.approx(cash_2032, rel=1e-9)


MILESTONE = """
name: milestone
time: {{start: 2030, end: 2035}}
objective: {{mode: {mode}, tie_break_per_musd: 0, compute_weight_per_gw_year: 1000000}}
locations: {{earth: {{}}, leo: {{}}}}
commodities:
  satellites: {{sources: [{{location: earth}}]}}
  crew: {{unit: person, unit_mass_t: 10, sources: [{{location: earth}}]}}
launch_vehicles:
  rocket: {{from: earth, to: leo, payload_t: 10, max_flights_per_year: 1}}
compute:
  deploy_at: [leo]
  satellites: {{satellites: {{}}}}
  specific_power_w_per_kg: 100
milestones:
  three_people:
    metric: {{stock: {{location: leo, commodity: crew}}}}
    threshold: 3
    reward: 1
    reward_decay_per_year: 0.1
"""


def reached(plan) -> str:
    return plan.tables["milestones"].set_index("milestone").loc["three_people", "reached_period"]


def test_milestone_reached_in_the_first_period_its_metric_crosses(solve_text):
    text = MILESTONE.format(mode="max_value").replace("gw_year: 1000000", "gw_year: 0")
    plan = solve_text(text)
    # one flight a year carries one person: the stock reaches 3 in 2032, and the reward decays after that
    assert reached(plan) == "2032"
    assert value(plan, "milestone_reached", milestone="three_people", period="2032") == pytest.approx(1)
    assert value(plan, "milestone_reached", milestone="three_people", period="2031") == pytest.approx(0)
    assert plan.objective == pytest.approx(0.9**2, rel=1e-9)


def test_lexicographic_never_trades_a_milestone_for_compute(solve_text):
    weighted = solve_text(MILESTONE.format(mode="max_value"))
    assert reached(weighted) == "not reached"  # compute is worth far more than the reward
    plan = solve_text(MILESTONE.format(mode="lexicographic"))
    assert reached(plan) == "2032"
    assert plan.stage_objectives["milestones"] == pytest.approx(0.9**2, rel=1e-9)
    # the three remaining flights (2033-2035) carry satellites: 10 t x 100 W/kg = 0.001 GW each
    assert value(plan, "compute_added") == pytest.approx(0.003, rel=1e-9)


def test_the_value_stage_starts_from_the_milestone_stages_plan_within_one_shared_time_limit(write_roadmap,
                                                                                            monkeypatch):
    """With a binary milestone the stages are MIPs: the second holds the first's optimum, so the first's plan
    (re-planned with its integer decisions fixed) is its start; the two share --time-limit, the first taking
    half of it."""
    from planner import SolveOptions, load_roadmap, solve

    run = importlib.import_module("planner.solve.run")  # the module, not planner.solve (the function)

    calls = []

    def recording(compiled, options, **kwargs):
        calls.append((options["time_limit"], kwargs["start_x"] is not None, compiled.is_mip, time.perf_counter()))
        return real(compiled, options, **kwargs)

    real = run.run_highs
    monkeypatch.setattr(run, "run_highs", recording)
    plan = solve(load_roadmap(write_roadmap(MILESTONE.format(mode="lexicographic"))), SolveOptions(time_limit_s=20))
    (first, first_started, mip, at_first), (second, second_started, _, at_second) = calls
    assert mip and not first_started and second_started
    assert first == pytest.approx(10, abs=0.5)  # half of the 20 s
    assert 10 < second <= 20 - (at_second - at_first) + 1e-6  # what the first left
    start = plan.summary["mip_start"]
    assert start["given"] and start["rounding"] == "its integer decisions fixed, the rest re-planned"
    # the first stage's plan carries 3 people and then 3 flights of satellites: the start is the optimum
    assert start["objective"] == pytest.approx(plan.objective, rel=1e-9) and reached(plan) == "2032"


def test_lunar_satellites_thrown_by_a_mass_driver_count_as_compute(solve_text):
    plan = solve_text("""
name: mass_driver
time: {start: 2030, end: 2030}
objective: {mode: max_value, tie_break_per_musd: 0}
locations: {moon: {}, eml2: {}}
commodities:
  lunar_satellites: {sources: [{location: moon}]}
  mass_driver: {sources: [{location: moon, max_total: 10}]}
routes:
  throw:
    from: moon
    to: eml2
    transit_days: 3
    facility: {commodity: mass_driver, throughput_t_per_year_per_unit: 200, carries: [lunar_satellites]}
compute:
  deploy_at: [eml2]
  satellites: {lunar_satellites: {origin: moon}}
  specific_power_w_per_kg: 100
""")
    # 10 t of mass driver throw 2,000 t a year: 2,000 t x 100 W/kg = 0.2 GW, no propellant burned
    assert value(plan, "facility_launch") == pytest.approx(2000, rel=1e-9)
    assert value(plan, "compute_in_service") == pytest.approx(0.2, rel=1e-9)
    assert value(plan, "propellant_burned") == 0


def test_a_time_table_enters_a_period_as_its_mean_over_it():
    from planner.schema.time_table import TimeTable

    step = TimeTable.model_validate({2030: 10, 2032: 20})
    linear = TimeTable.model_validate({2030: 100, 2050: 300, "interpolation": "linear"})
    starts, ends = np.array([2029, 2031, 2030, 2033, 2035.5]), np.array([2030, 2033, 2031, 2034, 2035.5])
    # by hand: before the first year the first value; (10 + 20) / 2; a calendar year its own step; the last
    # value beyond; an empty span its value at the point
    assert step.mean(starts, ends).tolist() == [10, 15, 10, 20, 20]
    # linear (10 a year): a span's mean is the value at its middle: 2029.5 -> 100 (held), 2032 -> 120,
    # 2030.5 -> 105, 2033.5 -> 135, 2035.5 -> 155
    assert linear.mean(starts, ends) == pytest.approx([100, 120, 105, 135, 155])
    # across the last point: 2049..2053 holds 295 (2049..2050 mean) for 1 year, then 300 for 3
    assert linear.mean(np.array([2049.0]), np.array([2053.0]))[0] == pytest.approx((295 + 3 * 300) / 4)


@given(st.floats(2020, 2060), st.floats(0.01, 20), st.sampled_from(["step", "linear"]))
def test_a_tables_mean_is_its_integral_over_the_span(start, width, interpolation):
    from planner.schema.time_table import TimeTable

    table = TimeTable.model_validate({2026: 90, 2030: 40, 2031: 45, 2045: 10, "interpolation": interpolation})
    grid = np.linspace(start, start + width, 200_001)
    midpoints = (grid[1:] + grid[:-1]) / 2
    assert table.mean(np.array([start]), np.array([start + width]))[0] == pytest.approx(
        table.at(midpoints).mean(), rel=1e-3, abs=1e-3)
