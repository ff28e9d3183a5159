"""Where commodities enter the network: production on Earth (or ISRU-free sources) at a cost.

Source :math:`s` of commodity :math:`k` at location :math:`l` supplies :math:`q_{skp} \\ge 0` per period,
at most :math:`\\bar q_s(t_p)\\, y_p` per period and :math:`Q_s` in total, costing
:math:`(10^{-3} c^{kg}_s(t_p)\\, \\mu_k + c^{unit}_s(t_p))\\, q_{skp}` M$ (:math:`\\mu_k` in t per unit).
"""

from __future__ import annotations

import pyomo.core as pyo

from planner.model.data import ModelData
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
