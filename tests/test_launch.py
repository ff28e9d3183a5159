"""Launch costs: price per kg, learning curve fixed point, fleet limit; time periods; composition."""

from __future__ import annotations

import math

import numpy as np
import pytest

from planner import load_roadmap, solve
from planner.model.launch import learning_costs
from planner.schema.network import LaunchVehicle, TimeSpec
from planner.timeline import build_timeline
from tests.conftest import value

LAUNCH = """
name: launch
time: {{start: 2030, end: 2032}}
objective: {{mode: min_cost}}
locations: {{earth_surface: {{}}, leo: {{}}}}
commodities:
  cargo: {{sources: [{{location: earth_surface}}]}}
launch_vehicles:
  rocket:
    payload_t: 100
    {cost}
demands:
  delivered: {{location: leo, commodity: cargo, at_least: 1000, from: 2032}}
"""


def test_learning_curve_average_cost_by_hand():
    lv = LaunchVehicle.model_validate({"payload_t": 100, "learning": {
        "first_flight_cost_musd": 100, "learning_rate": 0.2, "prior_flights": 1}})
    b = -math.log2(0.8)
    costs = learning_costs(lv, np.array([0.0, 3.0]))
    # no flights: the marginal cost of flight number 2 (one flown before the horizon)
    assert costs[0] == pytest.approx(100 * 1 ** (-b))
    # three flights after one: average of the continuous curve from N=1 to N=4
    assert costs[1] == pytest.approx(100 * (4 ** (1 - b) - 1) / (1 - b) / 3)


def test_learning_curve_fixed_point(solve_text):
    plan = solve_text(LAUNCH.format(cost="learning: {first_flight_cost_musd: 100, learning_rate: 0.2, "
                                         "iterations: 20}"))
    # ten flights in 2032 after one prior flight: the cost is the curve's average over N = 1..11
    b = -math.log2(0.8)
    average = 100 * (11 ** (1 - b) - 1) / (1 - b) / 10
    assert value(plan, "flights") == pytest.approx(10)
    assert value(plan, "spending", category="launch") == pytest.approx(10 * average, rel=1e-6)


def test_fleet_limits_flights(solve_text):
    plan = solve_text(LAUNCH.format(cost="fleet: {size: 2, flights_per_vehicle_per_year: 2}\n"
                                         "    cost_per_flight_musd: 10").replace("at_least: 1000", "at_least: 1200"))
    # two vehicles flying twice a year: at most 4 flights a year, 12 over three years
    assert value(plan, "flights") == pytest.approx(12)
    assert value(plan, "flights", period="2030") == pytest.approx(4)


def test_quarterly_periods():
    timeline = build_timeline(TimeSpec(start=2030, end=2030, step="quarter"))
    assert timeline.labels == ("2030Q1", "2030Q2", "2030Q3", "2030Q4")
    assert timeline.length_years.sum() == pytest.approx(1.0)
    assert list(timeline.length_days) == [90, 91, 92, 92]


def test_scenario_and_override_apply_over_extends(write_roadmap):
    write_roadmap(LAUNCH.format(cost="cost_per_flight_musd: 10") + """
scenarios:
  pricey:
    description: Flights cost five times as much
    set:
      launch_vehicles.rocket.cost_per_flight_musd: 50
""", "base.yaml")
    child = write_roadmap("extends: base.yaml\nname: child\n", "child.yaml")
    assert solve(load_roadmap(child)).objective == pytest.approx(100)
    assert solve(load_roadmap(child, scenario="pricey")).objective == pytest.approx(500)
    overridden = load_roadmap(child, scenario="pricey", overrides={"launch_vehicles.rocket.payload_t": 200})
    assert solve(overridden).objective == pytest.approx(250)
    assert overridden.roadmap.scenario == "pricey"


def test_export_model_writes_an_mps(tmp_path, write_roadmap):
    from planner.solve.run import SolveOptions

    path = write_roadmap(LAUNCH.format(cost="cost_per_flight_musd: 10"))
    solve(load_roadmap(path), SolveOptions(export_model=tmp_path / "model.mps"))
    text = (tmp_path / "model.mps").read_text()
    assert "ROWS" in text and "COLUMNS" in text
