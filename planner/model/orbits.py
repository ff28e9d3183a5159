"""Orbital limits: how much satellite mass a deployment location holds at once (shell capacity, spectrum).

A satellite stays in orbit from its deployment until its life :math:`L` ends (attrition and degradation take
power, not mass). Deployments of period :math:`v` run at an even rate over it, so at the end of period
:math:`p` the share of them still in orbit is the share of :math:`[t_v, t_{v+1})` later than
:math:`t_{p+1} - L`, :math:`O_{pv} = |[t_v, t_{v+1}) \\cap (t_{p+1} - L, \\infty)| / y_v` (1 without a life),
and the mass in orbit at :math:`l` is within the roadmap's capacity,
:math:`\\sum_{v \\le p} O_{pv} \\sum_k D_{klv} \\le \\bar O_l(t_p)`. So a roadmap can ask when orbit fills:
the row binds from then on, and its shadow price is what one more tonne of room is worth.
"""

from __future__ import annotations

import pyomo.core as pyo

from planner.model.compute import period_bounds
from planner.model.data import ModelData
from planner.model.registry import Registry, add_constraint, linear

SUBSYSTEM = "orbits"


def in_orbit_shares(d: ModelData, p: int) -> dict[int, float]:
    """:math:`O_{pv}` for the vintages :math:`v \\le p` with some mass still in orbit at the end of ``p``."""
    life, t = d.roadmap.compute.life_years, period_bounds(d)
    out = {}
    for v in range(p + 1):
        alive_from = t[v] if life is None else max(t[v], t[p + 1] - life)
        if t[v + 1] > alive_from:
            out[v] = (t[v + 1] - alive_from) / (t[v + 1] - t[v])
    return out


def add_limits(m: pyo.ConcreteModel, d: ModelData, reg: Registry) -> None:
    c = d.roadmap.compute
    if c is None or not c.orbit_capacity_t:
        return
    idx = [(loc, p) for loc in c.orbit_capacity_t for p in d.periods]
    add_constraint(
        m, reg, "orbit_capacity", idx,
        lambda mm, loc, p: linear([(share, mm.deployed[k, loc, v]) for v, share in in_orbit_shares(d, p).items()
                                   for k in c.satellites]) <= d.at(c.orbit_capacity_t[loc], p),
        subsystem=SUBSYSTEM, description="Satellite mass in orbit at a location (deployed and not yet at its "
                                         "life's end) within the location's capacity.",
        math=r"\sum_{v \le p} O_{pv} \sum_k D_{klv} \le \bar O_l(t_p)", limit="orbit capacity")
