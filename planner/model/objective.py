"""Objectives: each mode is a function that returns the stages to optimize in order.

A stage is optimized, then held (within a tolerance) while the next is optimized; single-stage modes
have one. Terms, with discount factors :math:`\\delta_p` (:mod:`planner.discounting`):

* discounted compute-years :math:`V = \\omega \\sum_p \\delta_p S_p + \\omega \\sum_v \\sigma_v a_v`, with
  :math:`S_p` the GW-years served in period :math:`p` (:mod:`planner.model.compute`) and, the
  end-of-horizon rule, :math:`\\sigma_v` those that vintage :math:`v` still serves within
  ``objective.end_of_horizon_years`` after the horizon (:func:`~planner.model.compute.after_horizon`), as
  capacity-expansion models credit the salvage value of assets that outlive the horizon;
* milestone rewards :math:`M = \\sum_{mp} w_m (1-\\delta_m)^{\\tau_p} e_{mp}`;
* discounted cost :math:`C = \\sum_p \\delta_p (\\sum_c C_{cp} + I_p)` (M$; :math:`I_p` the interest charged on
  debt, :mod:`planner.model.financing`, added to what is owed rather than spent), and a tie-break
  :math:`\\epsilon (C - R^c)` that removes pointless activity from alternative optima; :math:`R^c =
  \\sum_p \\delta_p R^c_p` is compute's discounted revenue on a demand curve (:mod:`planner.model.demand`;
  0 without one), which the tie-break, and ``min_cost`` by :math:`C - \\epsilon R^c`, push up so that the
  LP fills the curve's segments in order even where cash does not bind (with ``tie_break_per_musd: 0`` the
  split, and the revenue reported, is then left to the solver).

New modes register with :func:`objective`; nothing else needs to change.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pyomo.core as pyo

from planner.discounting import discount_factors
from planner.model.compute import after_horizon, gw_years
from planner.model.data import ModelData
from planner.model.launch import launched_mass_t
from planner.model.milestones import milestone_rewards
from planner.model.parameters import add_param
from planner.model.registry import Registry


@dataclass(frozen=True)
class Stage:
    """One objective to optimize: a name, a linear expression and a sense ('max' or 'min')."""

    name: str
    expression: Any
    sense: str

    def objective(self) -> pyo.Objective:
        """This stage as a Pyomo objective, to be added to the model."""
        return pyo.Objective(expr=self.expression, sense=pyo.maximize if self.sense == "max" else pyo.minimize)


Builder = Callable[[pyo.ConcreteModel, ModelData, Any], list[Stage]]
OBJECTIVES: dict[str, Builder] = {}
REQUIRES_ALL_MILESTONES = {"min_cost"}


def objective(mode: str) -> Callable[[Builder], Builder]:
    def register(builder: Builder) -> Builder:
        OBJECTIVES[mode] = builder
        return builder
    return register


def add_discounting(m: pyo.ConcreteModel, d: ModelData, reg: Registry) -> None:
    """The discount factors :math:`\\delta_p` and the value of a GW-year :math:`\\omega \\delta_p`, as parameters
    (the objectives' terms read them, so a new discount rate or weight needs no rebuild)."""
    add_param(m, reg, "discount", d.periods, _discount_factors, d, keys=("objective.discount_rate_per_year",))
    add_param(m, reg, "gw_year_value", d.periods, _gw_year_values, d,
              keys=("objective.discount_rate_per_year", "objective.compute_weight_per_gw_year"))
    if d.roadmap.compute is not None:
        add_param(m, reg, "salvage_value", d.periods, _salvage_values, d,
                  keys=("objective.discount_rate_per_year", "objective.compute_weight_per_gw_year",
                        "objective.end_of_horizon_years"))


def _discount_factors(d: ModelData) -> dict[int, float]:
    """:math:`\\delta_p` of each period (:func:`planner.discounting.discount_factors`)."""
    factors = discount_factors(d.timeline.years_from_start, d.timeline.length_years,
                               d.roadmap.objective.discount_rate_per_year)
    return {p: float(f) for p, f in enumerate(factors)}


def _gw_year_values(d: ModelData) -> dict[int, float]:
    """:math:`\\omega \\delta_p`, the objective's value of a GW-year in service in each period."""
    weight = d.roadmap.objective.compute_weight_per_gw_year
    return {p: weight * f for p, f in _discount_factors(d).items()}


def _salvage_values(d: ModelData) -> dict[int, float]:
    """:math:`\\omega \\sigma_v`, the value of one GW of vintage :math:`v` for its service after the horizon
    (:func:`planner.model.compute.after_horizon`)."""
    o = d.roadmap.objective
    residual = after_horizon(d, o.discount_rate_per_year)
    return {v: o.compute_weight_per_gw_year * float(x) for v, x in enumerate(residual)}


def discounted_cost(m: pyo.ConcreteModel, d: ModelData) -> Any:
    spent = sum(m.discount[p] * m.spending[c, p] for c, p in m.spending.keys())
    if d.roadmap.funding is None or d.roadmap.funding.debt is None:
        return spent
    return spent + sum(m.discount[p] * m.debt_interest[p] for p in d.periods)


def discounted_compute(m: pyo.ConcreteModel, d: ModelData) -> Any:
    if d.roadmap.compute is None:
        return 0
    inside = sum(m.gw_year_value[p] * term for p, term in enumerate(gw_years(m, d)))
    return inside + sum(m.salvage_value[v] * m.compute_added[v] for v in d.periods)


def demand_revenue(m: pyo.ConcreteModel, d: ModelData) -> Any:
    """:math:`\\sum_p \\delta_p R^c_p`, compute's discounted revenue on a demand curve (0 without one)."""
    if d.roadmap.compute is None or d.roadmap.compute.demand is None:
        return 0
    return sum(m.discount[p] * m.compute_revenue[p] for p in d.periods)


def tie_break(m: pyo.ConcreteModel, d: ModelData) -> Any:
    """:math:`\\epsilon (C - R^c)`: the tie-break of every mode but ``min_cost`` (taken from a value, added to a
    cost)."""
    return d.roadmap.objective.tie_break_per_musd * (discounted_cost(m, d) - demand_revenue(m, d))


@objective("max_value")
def _max_value(m, d, reg) -> list[Stage]:
    return [Stage("value", discounted_compute(m, d) + milestone_rewards(m, d) - tie_break(m, d), "max")]


@objective("lexicographic")
def _lexicographic(m, d, reg) -> list[Stage]:
    rewards = milestone_rewards(m, d)
    if not any(ms.reward for ms in d.roadmap.milestones.values()):
        rewards = sum(m.reached[n, d.periods[-1]] for n in d.roadmap.milestones)
    return [Stage("milestones", rewards, "max"),
            Stage("value", discounted_compute(m, d) - tie_break(m, d), "max")]


@objective("min_cost")
def _min_cost(m, d, reg) -> list[Stage]:
    return [Stage("cost", discounted_cost(m, d) - d.roadmap.objective.tie_break_per_musd * demand_revenue(m, d),
                  "min")]


@objective("min_launch_mass")
def _min_launch_mass(m, d, reg) -> list[Stage]:
    return [Stage("launch_mass", launched_mass_t(m, d) + tie_break(m, d), "min")]


@objective("max_delivered")
def _max_delivered(m, d, reg) -> list[Stage]:
    target = d.roadmap.objective.delivered
    last = d.periods[-1]
    held = sum(d.mass_t(k) * m.stock[target.location, k, last] for k in target.commodities
               if (target.location, k, last) in m.stock)
    return [Stage("delivered", held - tie_break(m, d), "max")]
