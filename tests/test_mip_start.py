"""The MIP start rounded from the LP relaxation (planner.solve.mip_start), on roadmaps solved by hand."""

from __future__ import annotations

import numpy as np
import pyomo.environ as pyo
import pytest

from planner import SolveOptions, load_roadmap, solve
from planner.solve.highs_backend import compile_model
from planner.solve.mip_start import ROUNDINGS, _counts_up, _running_counts_up
from tests.conftest import value

# Ships built at leo (100 M$ each, here paid from 100 M$ of funding a year, cash carried over) carry cargo 3 days
# to llo, 100 t a trip, one-way (no route back): a ship flies at most once. Propellant is free. A milestone
# wants 150 t at llo (reward 1, 10 % less a year late); nothing else scores, costs do not count.
#   LP: 2026 builds the 1 ship it can pay for and lands 100 t (2/3 of the milestone: 2/3 x 1); 2027 builds
#       half a ship more and lands the other 50 t (the remaining 1/3 x 0.9): 0.9667.
#   Whole ships: 100 t in 2026 are short of 150 t, so the milestone counts in 2027 (0.9), with a second
#       ship built and flown by 2027.
#   The start: the milestone from 2027, where the LP's metric stays at 150 t; ships built and trips as running
#       totals rounded up (1, 1.5 -> 1, 2: one each year): 0.9. Milestones one at a time: the LP has it 2/3
#       reached in 2026, so it is tried from 2026 (150 t by then: more ships than 100 M$ buy, infeasible),
#       then by the metric, as before: the same 0.9, and the first start is kept.
FUNDED = """
name: funded_ships
time: {start: 2026, end: 2027}
integer: auto
objective: {mode: max_value, tie_break_per_musd: 0}
locations: {leo: {}, llo: {}}
commodities:
  cargo: {sources: [{location: leo}]}
  propellant: {sources: [{location: leo}]}
routes:
  leo_llo: {from: leo, to: llo, dv_km_s: 4.04, transit_days: 3}
vehicles:
  ship: {payload_t: 100, propellant_capacity_t: 1500, dry_mass_t: 120, isp_s: 380, enters_at: leo,
         build_cost_musd: 100, integer: true}
funding: FUNDING
milestones:
  hundred_fifty_tonnes:
    metric: {stock: {location: llo, commodity: cargo}}
    threshold: 150
    reward: 1
    reward_decay_per_year: 0.1
"""
LP_OPTIMUM = 2 / 3 + 1 / 3 * 0.9
OPTIMUM = 0.9


def solved(write_roadmap, text: str, integer: str = "auto", mip_start: bool = True):
    path = write_roadmap(text.replace("integer: auto", f"integer: {integer}"))
    return solve(load_roadmap(path), SolveOptions(mip_start=mip_start))


def milestone_series(plan) -> list[float]:
    return [value(plan, "milestone_reached", milestone="hundred_fifty_tonnes", period=p) for p in ("2026", "2027")]


def test_the_start_is_given_and_branch_and_cut_ends_at_the_hand_optimum(write_roadmap):
    text = FUNDED.replace("FUNDING", "{external_musd_per_year: 100}")
    relaxed = solved(write_roadmap, text, integer="none")
    assert relaxed.objective == pytest.approx(LP_OPTIMUM, rel=1e-6)  # the LP credits 2/3 of the reward in 2026
    plan = solved(write_roadmap, text)
    assert plan.proven_optimal and plan.objective == pytest.approx(OPTIMUM, rel=1e-6)
    start = plan.summary["mip_start"]
    assert start["given"] and start["rounding"] == "metric, running totals up"
    assert start["tried"] == ["metric, running totals up", "milestones one at a time, running totals up"]
    assert start["objective"] <= plan.objective + 1e-9 and start["objective"] == pytest.approx(OPTIMUM, rel=1e-6)
    assert start["seconds"] >= 0
    # the LP bound beside the plan: (0.9667 - 0.9) / 0.9667 = 6.9 % by hand
    assert start["lp_bound"] == pytest.approx(LP_OPTIMUM, rel=1e-6)
    assert start["gap_to_lp_bound"] == pytest.approx((LP_OPTIMUM - OPTIMUM) / LP_OPTIMUM, rel=1e-6)
    without = solved(write_roadmap, text, mip_start=False)
    assert without.summary["mip_start"] is None
    assert without.objective == pytest.approx(plan.objective, rel=1e-9)
    # unique at the optimum: the milestone from 2027, two ships built and flown in all (when is free:
    # cash carries over, and 100 t in 2026 score nothing)
    for run in (plan, without):
        assert milestone_series(run) == pytest.approx([0, 1])
        assert value(run, "vehicles_built") == pytest.approx(2) and value(run, "trips") == pytest.approx(2)


def test_without_a_feasible_rounding_branch_and_cut_runs_alone(write_roadmap):
    # 150 M$ at the start and nothing more: the LP builds 1.5 ships in 2026 and reaches the milestone then (1).
    # Every rounding rounds the ships up, to 2 (200 M$): no start. Whole ships: one,
    # 100 t, the milestone is never reached, and the optimum is 0.
    text = FUNDED.replace("FUNDING", "{initial_cash_musd: 150}")
    plan = solved(write_roadmap, text)
    start = plan.summary["mip_start"]
    assert start["given"] is False and start["objective"] is None
    assert start["tried"] == list(ROUNDINGS)
    assert plan.proven_optimal and plan.objective == pytest.approx(0, abs=1e-9)
    assert milestone_series(plan) == pytest.approx([0, 0])


def test_counts_are_rounded_up_as_running_totals():
    # ships leaving one place in three periods, 0.06, 0.5 and 0.6 in the LP: running totals 0.06, 0.56, 1.16
    # rounded up are 1, 1, 2, so 1, 0, 1 leave (each rounded up: 1, 1, 1, one more than the LP's 1.16 allow)
    m = pyo.ConcreteModel()
    m.trips = pyo.Var([("route", p) for p in range(3)], domain=pyo.NonNegativeIntegers, bounds=(0, 5))
    m.goal = pyo.Objective(expr=sum(m.trips.values()))
    c = compile_model(m)
    x = np.array([{0: 0.06, 1: 0.5, 2: 0.6}[var.index()[1]] for var in c.columns])
    by_period = {var.index()[1]: j for j, var in enumerate(c.columns)}
    running = _running_counts_up(c, x)
    assert [running[by_period[p]] for p in range(3)] == [1, 0, 1]
    assert _counts_up(c, x).tolist() == [1, 1, 1]
