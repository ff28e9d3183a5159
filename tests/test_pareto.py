"""The compute-settlement frontier: monotone, and its end points equal the single-objective optima
(computed independently: a max_value solve without milestone rewards, and a max_delivered solve)."""

from __future__ import annotations

import numpy as np
import pytest

from planner import load_roadmap, solve
from planner.discounting import discount_factors
from planner.errors import RoadmapError
from planner.solve.run import STAGE_TOLERANCE
from planner.sweep.pareto import frontier, write_frontier

ROADMAP = """
name: tiny-pareto
time: {start: 2026, end: 2030, step: year}
# nothing after the horizon counts: the frontier's compute is checked against the GW-years served inside it
objective: {mode: max_value, discount_rate_per_year: 0.1, end_of_horizon_years: 0}
locations:
  earth_surface: {}
  leo: {}
commodities:
  satellites:
    sources: [{location: earth_surface, cost_usd_per_kg: 500}]
  crew:
    unit: person
    unit_mass_t: 0.25
    sources: [{location: earth_surface, cost_musd_per_unit: 2}]
launch_vehicles:
  starship:
    payload_t: 100
    cost_per_flight_musd: 40
    max_flights_per_year: 20
compute:
  deploy_at: [leo]
  satellites: {satellites: {}}
  specific_power_w_per_kg: 150
funding:
  external_musd_per_year: 1500
milestones:
  crew_50:
    metric: {stock: {location: leo, commodity: crew}}
    threshold: 50
    reward: 1
"""
NO_REWARDS = {"milestones.crew_50.reward": 0}
MOST_CREW = {"objective.mode": "max_delivered", "objective.delivered": {"location": "leo", "commodities": ["crew"]}}


def _discounted_compute(plan) -> float:
    """V = sum_p delta_p S_p from the plan's GW-years served (yearly periods: tau_p = p, y_p = 1)."""
    rows = plan.tables["plan"]
    k = rows[rows["quantity"] == "compute_served"].set_index("year")["value"]
    years = np.arange(2026, 2031)
    df = discount_factors(years - 2026, np.ones(len(years)), 0.1)
    return float(sum(df[i] * k.get(float(y), 0.0) for i, y in enumerate(years)))


def _crew_at_end(plan) -> float:
    rows = plan.tables["plan"]
    held = rows[(rows["quantity"] == "stock") & (rows["commodity"] == "crew") & (rows["period"] == "2030")]
    return float(held["value"].sum())


def test_the_frontier_is_monotone_and_its_ends_are_the_single_objective_optima(write_roadmap, tmp_path):
    path = write_roadmap(ROADMAP)
    front = frontier(load_roadmap(path), points=5)
    p = front.points
    assert front.metric == "crew@leo" and len(p) == 5 and (p["status"] == "optimal").all()
    assert np.all(np.diff(p["settlement"]) > 0)
    assert np.all(np.diff(p["discounted_compute"]) <= 1e-6 * p["discounted_compute"].max())
    assert p["discounted_compute"].iloc[0] > p["discounted_compute"].iloc[-1]
    most_compute = solve(load_roadmap(path, overrides=NO_REWARDS))
    assert p["discounted_compute"].iloc[0] == pytest.approx(_discounted_compute(most_compute), rel=1e-6)
    most_crew = solve(load_roadmap(path, overrides=MOST_CREW))
    # the second stage may give up STAGE_TOLERANCE (relative) of the first to gain compute
    assert p["settlement"].iloc[-1] == pytest.approx(_crew_at_end(most_crew), rel=2 * STAGE_TOLERANCE)
    # the plan behind each point holds the settlement the frontier reports
    for tables, settlement in zip(front.plans, p["settlement"], strict=True):
        rows = tables["plan"]
        held = rows[(rows["quantity"] == "stock") & (rows["commodity"] == "crew") & (rows["period"] == "2030")]
        assert held["value"].sum() == pytest.approx(settlement, rel=1e-6, abs=1e-6)
    write_frontier(front, tmp_path / "pareto", "tiny")
    written = sorted(f.name for f in (tmp_path / "pareto").iterdir() if not f.name.startswith("."))
    assert written[:3] == ["frontier.csv", "frontier.png", "point_00"]


def test_the_settlement_metric_can_be_a_milestone_and_must_exist(write_roadmap):
    path = write_roadmap(ROADMAP)
    front = frontier(load_roadmap(path), points=2, metric="crew_50")
    assert front.metric == "crew_50" and front.points["settlement"].iloc[-1] > 0
    with pytest.raises(RoadmapError, match="is ever held at"):
        frontier(load_roadmap(path), points=2, metric="crew@mars")
    with pytest.raises(RoadmapError, match="no milestone"):
        frontier(load_roadmap(path), points=2, metric="crew_5000")
