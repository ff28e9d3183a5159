"""Facilities that convert commodities at a location: lunar factories, ISRU plants, Mars propellant.

Process :math:`q` at location :math:`l` runs at activity :math:`A_{qp}` (t per period). Each capital
commodity :math:`c` held there bounds it, :math:`A_{qp} \\le \\pi_{qc} S_{lcp} y_p` (productivity in t
per year per unit of capital); it takes :math:`\\alpha_{qi} A_{qp}` of each input (Earth-made parts)
and gives :math:`\\beta_{qo} A_{qp}` of each output. It draws :math:`e_q A_{qp} / (24 d_p)` kW of power.
Capital decays through its storage loss rate and needs spares through consumption rules.

Capital produces only once commissioned, :math:`c_q` days (``commissioning_days``) after it arrives. The
capital of period :math:`p` is what was held at the end of :math:`m_q(p)`, the last period that starts
before :math:`s_p - c_q`: :math:`A_{qp} \\le \\pi_{qc} S_{l c m_q(p)} y_p` (none before the horizon). With
the default :math:`c_q = 0` capital produces from the period after the one it arrives in (what a period
launches, lands or makes is not producing in it); on any grid production starts within one period of
the arrival plus :math:`c_q` (the arrival is known to its period: :math:`S_{lcm}` holds what arrived up to
the end of :math:`m`).

Commissioned capital may ramp up over :math:`R_q` days (``ramp_days``) instead of producing at full rate at
once: what is added to the stock in period :math:`m` is commissioned at :math:`a_m`, the first period start
after :math:`s_m + c_q` (the rule above), and produces the share :math:`\\min(1, (t - a_m)/R_q)` at time
:math:`t` after it, so that :math:`A_{qp} \\le \\pi_{qc} y_p \\sum_m \\omega_{pm} S_{lcm}` with weights
that average the ramp over period :math:`p` (:func:`ramp_weights`). On yearly periods a 2-year ramp gives a
unit of capital 0.25, 0.75 and then 1 of its output in the years after it is commissioned, the mean of the
straight line over each year.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right

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

    def commissioned(mm, q, c, p):
        loc = r.processes[q].location
        held = sum(w * stock(loc, c, m_p) for m_p, w in ramp_weights(d, q, p).items())
        return mm.activity[q, p] <= mm.productivity[q, c, p] * held

    add_constraint(
        m, reg, "process_commissioned", idx, commissioned, subsystem=SUBSYSTEM,
        description="Process activity within the productivity of the capital held commissioning_days before "
                    "the period (none in the period it arrives).",
        math=r"A_{qp} \le \pi_{qc} S_{l c m_q(p)} y_p", limit="commissioning")


def commissioned_period(d: ModelData, q: str, p: int) -> int | None:
    """:math:`m_q(p)`: the last period starting before :math:`s_p - c_q` (None: before the horizon)."""
    m_p = bisect_left(d.start_days, d.start_days[p] - d.roadmap.processes[q].commissioning_days) - 1
    return m_p if m_p >= 0 else None


def ramp_weights(d: ModelData, q: str, p: int) -> dict[int, float]:
    """:math:`\\omega_{pm} = \\phi_{pm} - \\phi_{p,m+1}`, with :math:`\\phi_{pm}` the mean over period
    :math:`p` of the ramp :math:`\\min(1, (t - a_m)^+/R_q)` of the capital held at the end of :math:`m`,
    commissioned at :math:`a_m`, the first period start after :math:`s_m + c_q` (:func:`commissioned_period`'s
    rule; without a ramp :math:`\\omega` is 1 on :math:`m_q(p)` alone)."""
    proc, starts = d.roadmap.processes[q], d.start_days
    ramp = proc.ramp_days

    def ramped(x: float) -> float:  # integral of the ramp over the first x days after commissioning
        if x <= 0:
            return 0.0
        return x - ramp / 2 if x >= ramp else x * x / (2 * ramp)

    def share(m: int) -> float:
        k = p + 1 if m > p else bisect_right(starts, starts[m] + proc.commissioning_days)
        if k > p:
            return 0.0
        a = starts[k]
        return (ramped(starts[p] + d.length_days[p] - a) - ramped(starts[p] - a)) / d.length_days[p]

    shares = [share(m) for m in range(p + 2)]
    return {m: shares[m] - shares[m + 1] for m in range(p + 1) if shares[m] - shares[m + 1] > 1e-12}


def _productivity(d: ModelData) -> dict[tuple[str, str, int], float]:
    """t of activity per unit of capital held, per period: :math:`\\pi_{qc}\\, y_p`."""
    return {(q, c, p): pi * d.length_years[p] for q, proc in d.roadmap.processes.items()
            for c, pi in proc.capital.items() for p in d.periods}
