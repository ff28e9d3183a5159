"""Where commodities enter the network: production on Earth (or ISRU-free sources) at a cost.

Source :math:`s` of commodity :math:`k` at location :math:`l` supplies :math:`q_{skp} \\ge 0` per period,
at most :math:`\\bar q_s(t_p)\\, y_p` per period and :math:`Q_s` in total, costing
:math:`(10^{-3} c^{kg}_s(t_p)\\, \\mu_k + c^{unit}_s(t_p))\\, q_{skp}` M$ (:math:`\\mu_k` in t per unit).
A source with a ``learning:`` curve prices its kg at the curve's average over the period's tonnes made,
:math:`c^{kg}_{sp}` = :func:`planner.model.learning.wright_average` of :math:`\\mu_k q_{skp}` after
``prior_t``, met by a fixed point (a mutable parameter set from each solve's supply for the next).
"""

from __future__ import annotations

import numpy as np
import pyomo.core as pyo

from planner.model.data import ModelData
from planner.model.learning import Curve, wright_average
from planner.model.parameters import add_param
from planner.model.registry import Registry, add_constraint, add_var, make_integer

SUBSYSTEM = "supply"


def add_flows(m: pyo.ConcreteModel, d: ModelData, reg: Registry) -> None:
    r = d.roadmap
    sources = [(k, i) for k, c in r.commodities.items() for i in range(len(c.sources))]
    idx = [(k, i, p) for k, i in sources for p in d.periods]
    add_var(m, reg, "supplied", idx, quantity="supplied", unit="commodity unit", dims=("commodity", "source", "period"),
            table="supply")
    make_integer(m.supplied, lambda i: d.whole(i[0]))
    for k, i, p in idx:
        src = r.commodities[k].sources[i]
        reg.balance[(src.location, k, p)].append(m.supplied[k, i, p])
        reg.made[(k, p)].append(m.supplied[k, i, p])
        cost = (1e-3 * d.at(src.cost_usd_per_kg, p) * d.mass_t(k)
                + d.at(src.cost_musd_per_unit, p))
        if cost:
            reg.spending["manufacturing"][p].append(cost * m.supplied[k, i, p])
    learning = [(k, i, p) for k, i, p in idx if r.commodities[k].sources[i].learning is not None]
    add_param(m, reg, "source_learning_cost", learning, _first_costs, d, keys=())
    for k, i, p in learning:
        reg.spending["manufacturing"][p].append(m.source_learning_cost[k, i, p] * m.supplied[k, i, p])
    rated = [(k, i, p) for k, i, p in idx if r.commodities[k].sources[i].max_per_year is not None]
    add_constraint(
        m, reg, "supply_rate", rated,
        lambda mm, k, i, p: mm.supplied[k, i, p]
        <= d.at(r.commodities[k].sources[i].max_per_year, p) * d.length_years[p],
        subsystem=SUBSYSTEM, description="Supply within its rate per year.",
        math=r"q_{skp} \le \bar q_s(t_p)\, y_p", limit="supply rate")
    totals = [(k, i) for k, i in sources if r.commodities[k].sources[i].max_total is not None]
    add_constraint(
        m, reg, "supply_total", totals,
        lambda mm, k, i: sum(mm.supplied[k, i, p] for p in d.periods) <= r.commodities[k].sources[i].max_total,
        subsystem=SUBSYSTEM, description="Supply within its total over the horizon.",
        math=r"\sum_p q_{skp} \le Q_s", limit="supply total")


def _unit_costs(d: ModelData, k: str, i: int, supplied: np.ndarray) -> np.ndarray:
    """M$ per unit supplied in each period: the curve's average $/kg over the period's tonnes."""
    learn = d.roadmap.commodities[k].sources[i].learning
    mu = d.mass_t(k)
    per_kg = wright_average(learn.first_unit_cost_usd_per_kg, learn.learning_rate, learn.floor_usd_per_kg,
                            learn.prior_t, mu * np.asarray(supplied, dtype=float))
    return 1e-3 * per_kg * mu


def _first_costs(d: ModelData) -> dict[tuple[str, int, int], float]:
    """The curves' costs before any solve: the marginal cost after the prior tonnes, in every period."""
    return {(k, i, p): float(cost) for k, c in d.roadmap.commodities.items() for i, src in enumerate(c.sources)
            if src.learning is not None for p, cost in enumerate(_unit_costs(d, k, i, np.zeros(len(d.periods))))}


def learning_curves(m: pyo.ConcreteModel, d: ModelData) -> list[Curve]:
    """The sources priced by a learning curve, as :class:`Curve` fixed points."""
    return [Curve(param="source_learning_cost", index=[(k, i, p) for p in d.periods],
                  amounts=lambda mm, k=k, i=i: np.array([pyo.value(mm.supplied[k, i, p]) for p in d.periods]),
                  costs=lambda supplied, k=k, i=i: _unit_costs(d, k, i, supplied), iterations=src.learning.iterations)
            for k, c in d.roadmap.commodities.items() for i, src in enumerate(c.sources) if src.learning is not None]
