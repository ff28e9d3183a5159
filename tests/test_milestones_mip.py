"""Binary milestones: the scaled threshold rows, the MIP options, and optima checked by hand."""

from __future__ import annotations

import pyomo.environ as pyo
import pytest

from planner import SolveOptions, load_roadmap
from planner.model import build_model
from planner.solve.highs_backend import compile_model
from planner.solve.run import MIP_OPTIONS
from tests.conftest import value

TWO_GOALS = """
name: two_goals
time: {start: 2030, end: 2035}
integer: auto
objective: {mode: max_value, tie_break_per_musd: 0}
locations: {earth: {}, leo: {}}
commodities:
  cargo: {sources: [{location: earth}]}
  crew: {unit: person, unit_mass_t: 10, sources: [{location: earth}]}
launch_vehicles:
  rocket: {from: earth, to: leo, payload_t: 10, max_flights_per_year: 1}
milestones:
  three_people:
    metric: {stock: {location: leo, commodity: crew}}
    threshold: 3
    reward: 1
    reward_decay_per_year: 0.1
  thirty_tonnes:
    metric: {stock: {location: leo, commodity: cargo}}
    threshold: 30
    reward: 1.5
    reward_decay_per_year: 0.1
"""

MEGATON = """
name: megaton
time: {start: 2030, end: 2034}
integer: auto
objective: {mode: max_value, tie_break_per_musd: 0}
locations: {earth: {}, leo: {}}
commodities:
  cargo: {sources: [{location: earth}]}
launch_vehicles:
  rocket: {from: earth, to: leo, payload_t: 100, max_flights_per_year: 4000}
milestones:
  one_megaton:
    metric: {stock: {location: leo, commodity: cargo}}
    threshold: 1000000
    reward: 1
    reward_decay_per_year: 0.1
"""


def reached(plan, name: str) -> str:
    return plan.tables["milestones"].set_index("milestone").loc[name, "reached_period"]


def test_two_milestones_share_one_flight_a_year_in_the_better_order(solve_text):
    plan = solve_text(TWO_GOALS)
    # each goal needs three 10 t flights; one flight a year. Cargo first: 1.5 x 0.9^2 + 1 x 0.9^5 = 1.8055;
    # people first: 1 x 0.9^2 + 1.5 x 0.9^5 = 1.6957; interleaving only delays both.
    assert plan.proven_optimal
    assert plan.objective == pytest.approx(1.5 * 0.9**2 + 0.9**5, rel=1e-6)
    assert reached(plan, "thirty_tonnes") == "2032"
    assert reached(plan, "three_people") == "2035"
    for period in ("2030", "2031"):
        assert value(plan, "milestone_reached", milestone="thirty_tonnes", period=period) == pytest.approx(0)
    assert value(plan, "milestone_reached", milestone="thirty_tonnes", period="2032") == pytest.approx(1)


def test_the_lp_relaxation_credits_progress_the_mip_does_not(solve_text):
    relaxed = solve_text(TWO_GOALS.replace("integer: auto", "integer: none"))
    # fractional milestones earn part of a reward for part of a threshold: strictly more than the MIP's
    # optimum here, which is the gap branch and bound has to close
    assert relaxed.objective > 1.5 * 0.9**2 + 0.9**5 + 1e-6


def test_a_megaton_milestone_is_reached_exactly_when_its_metric_crosses(solve_text):
    plan = solve_text(MEGATON)
    # 4,000 flights x 100 t = 0.4 Mt a year: 0.8 Mt by 2031 (short), 1.2 Mt by 2032
    assert reached(plan, "one_megaton") == "2032"
    assert value(plan, "milestone_reached", milestone="one_megaton", period="2031") == pytest.approx(0, abs=1e-9)
    assert value(plan, "milestone_reached", milestone="one_megaton", period="2032") == pytest.approx(1)
    assert value(plan, "stock", location="leo", commodity="cargo", period="2032") >= 1_000_000 * (1 - 1e-9)
    assert plan.objective == pytest.approx(0.9**2, rel=1e-6)


def test_threshold_rows_give_the_binary_a_unit_coefficient(write_roadmap):
    built = build_model(load_roadmap(write_roadmap(MEGATON)).roadmap)
    m = built.model
    m.goal = pyo.Objective(expr=built.stages[0].expression, sense=pyo.maximize)
    c = compile_model(m)
    a = c.matrix.tocsr()
    column = {id(var): j for j, var in enumerate(c.columns)}
    rows = [i for i, row in enumerate(c.rows) if row.parent_component().name == "milestone_threshold"]
    assert rows
    for i in rows:
        p = c.rows[i].index()[1]
        z = column[id(m.reached["one_megaton", p])]
        coefficients = dict(zip(a.indices[a.indptr[i]:a.indptr[i + 1]], a.data[a.indptr[i]:a.indptr[i + 1]],
                                strict=True))
        assert abs(coefficients[z]) == pytest.approx(1.0)
        others = [abs(v) for j, v in coefficients.items() if j != z]
        assert others and max(others) == pytest.approx(1e-6)  # one tonne of the metric per 1 Mt threshold


def test_mip_options_sit_under_the_profile(tmp_path):
    options = SolveOptions().highs_options()
    for key, wanted in MIP_OPTIONS.items():
        assert options[key] == wanted
    profile = tmp_path / "heuristic.yaml"
    profile.write_text("options: {mip_heuristic_run_rins: true, mip_pscost_minreliable: 8}\n", encoding="utf-8")
    chosen = SolveOptions(profile=str(profile)).highs_options()
    assert chosen["mip_heuristic_run_rins"] is True
    assert chosen["mip_pscost_minreliable"] == 8
    assert chosen["mip_heuristic_run_rens"] is False
