"""Facilities that convert commodities at a location: lunar factories, ISRU plants, Mars propellant.

Process :math:`q` at location :math:`l` runs at activity :math:`A_{qp}` (t per period). Each capital
commodity :math:`c` held there bounds it, :math:`A_{qp} \\le \\pi_{qc} S_{lcp} y_p` (productivity in t
per year per unit of capital); it takes :math:`\\alpha_{qi} A_{qp}` of each input (Earth-made parts)
and gives :math:`\\beta_{qo} A_{qp}` of each output. It draws :math:`e_q A_{qp} / (24 d_p)` kW of power.
Capital decays through its storage loss rate and needs spares through consumption rules.
"""

from __future__ import annotations

import pyomo.core as pyo

from planner.model.data import ModelData
from planner.model.parameters import add_param
from planner.model.registry import Registry, add_constraint, add_var

SUBSYSTEM = "industry"


def add_flows(m: pyo.ConcreteModel, d: ModelData, reg: Registry) -> None:
    r = d.roadmap
    idx = [(q, p) for q in r.processes for p in d.periods]
    add_var(m, reg, "activity", idx, quantity="activity", unit="t", dims=("process", "period"), table="industry")
    for q, p in idx:
        proc = r.processes[q]
        for o, beta in proc.outputs.items():
            reg.balance[(proc.location, o, p)].append(beta * m.activity[q, p])
            reg.made[(o, p)].append(beta * m.activity[q, p])
        for i, alpha in proc.inputs.items():
            reg.balance[(proc.location, i, p)].append(-alpha * m.activity[q, p])
        if proc.energy_kwh_per_t:
            reg.power_use[(proc.location, p)].append(proc.energy_kwh_per_t / (24.0 * d.length_days[p])
                                                    * m.activity[q, p])
        cost = 1e-3 * d.at(proc.cost_usd_per_kg, p)
        if cost:
            reg.spending["operations"][p].append(cost * m.activity[q, p])


def add_limits(m: pyo.ConcreteModel, d: ModelData, reg: Registry, stock) -> None:
    r = d.roadmap
    idx = [(q, c, p) for q, proc in r.processes.items() for c in proc.capital for p in d.periods]
    add_param(m, reg, "productivity", idx, _productivity, d, keys=("processes.*.capital.*",))
    add_constraint(
        m, reg, "process_capacity", idx,
        lambda mm, q, c, p: mm.activity[q, p] <= mm.productivity[q, c, p] * stock(r.processes[q].location, c, p),
        subsystem=SUBSYSTEM, description="Process activity within the productivity of the capital held.",
        math=r"A_{qp} \le \pi_{qc} S_{lcp} y_p", limit="facility capacity")


def _productivity(d: ModelData) -> dict[tuple[str, str, int], float]:
    """t of activity per unit of capital held, per period: :math:`\\pi_{qc}\\, y_p`."""
    return {(q, c, p): pi * d.length_years[p] for q, proc in d.roadmap.processes.items()
            for c, pi in proc.capital.items() for p in d.periods}
