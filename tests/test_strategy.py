"""Orbital compute vintages, lunar output, Mars windows, cash and discounting, milestones: by hand."""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from planner.discounting import discount_factors
from planner.model.compute import retirement_period
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
    for year in range(2030, 2038):
        expected = 100 * gamma ** (year - 2030) if year < 2035 else 0.0
        assert value(plan, "compute_in_service", period=str(year)) == pytest.approx(expected, rel=1e-9, abs=1e-9)
    # no discounting: the objective is the GW-years in service, 100 (1 + g + ... + g^4)
    assert plan.objective == pytest.approx(sum(100 * gamma**k for k in range(5)), rel=1e-9)


@given(st.lists(st.floats(0.01, 3.0), min_size=1, max_size=40), st.floats(0.0, 12.0))
def test_a_vintage_retires_in_the_first_period_its_life_after_its_start(lengths, life):
    years = 2030 + np.cumsum([0.0, *lengths])
    d = SimpleNamespace(years=years, roadmap=SimpleNamespace(compute=SimpleNamespace(life_years=life)))
    expected = {}
    for v in range(len(years)):
        later = [p for p in range(v + 1, len(years)) if years[p] - years[v] >= life - 1e-9]
        if later:
            expected[v] = later[0]
    assert retirement_period(d) == expected


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
    # one flight (50 M$) and 10 t of cargo (10 M$) in 2032, when money is cheapest in present value
    spend = 50 + 10
    assert plan.objective == pytest.approx(spend / 1.1**2, rel=1e-9)
    assert discount_factors([0.0, 1.0, 2.0], 0.1) == pytest.approx([1, 1 / 1.1, 1 / 1.21])
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
