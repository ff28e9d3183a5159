"""Propellant kept in vehicles' tanks: a stock of its own, apart from the location's depot.

For a vehicle design :math:`u` that says ``keeps_propellant``, what is left in its tanks after a trip it
pushes (alone or at the head of a stack) stays in its tanks where it lands, :math:`G_{ulj p}` for component
:math:`j` at location :math:`l` (held at the end of period :math:`p`), instead of joining the location's
stock. There it boils off at the vehicle's rate, :math:`\\gamma_{up} = (1-\\lambda_u)^{d_p/30.44}` per period,
and the next trips that :math:`u` pushes from :math:`l` load from it without a transfer; the rest of their
load comes from the location's stock, paying its transfer loss :math:`\\chi`; and it may be unloaded into
that stock, :math:`U_{uljp}`, paying the loss there too:

.. math:: G_{uljp} = \\gamma_{u,p-1} G_{ulj,p-1}
          + \\sum_{a \\to l} \\beta_a (\\ell_{aj} - s_j b_a) - \\sum_{a \\leftarrow l} o_{aj} - U_{uljp},
          \\qquad o_{aj} \\le \\ell_{aj}

with the location's stock taking :math:`(\\ell_{aj} - o_{aj})/(1-\\chi)` per trip (:mod:`planner.model.transport`
takes :math:`\\ell_{aj}/(1-\\chi)`; this module gives back :math:`o_{aj}/(1-\\chi)`) and receiving
:math:`(1-\\chi) U_{uljp}`. The tanks of the units parked there hold it, :math:`\\sum_j G_{uljp} \\le T_u
u_{ulp}` (and each component within its own tank when they are separate), and what a late arc leaves in them
is still held at the period's end, as for a location's stock.
"""

from __future__ import annotations

import pyomo.core as pyo

from planner.model.data import ModelData, kept_after, transfer_loss
from planner.model.registry import Registry, add_constraint, add_var, linear, scaled

SUBSYSTEM = "tanks"


def add_flows(m: pyo.ConcreteModel, d: ModelData, reg: Registry) -> None:
    """Tank stocks of the vehicles that keep their propellant, their loads and unloads, and their limits."""
    r, flyers = d.roadmap, d.flyers
    arc_of = {(a.route, a.depart): a for a in d.arcs}
    arcs = [(v, rt, p) for v, rt, p in m.vehicle_arcs if flyers[v].keeps_propellant]
    if not arcs:
        return
    # (pusher, location, component) for every place a keeping pusher leaves from or lands at
    places = sorted({(flyers[v].pusher, loc, j) for v, rt, _p in arcs
                     for loc in (r.routes[rt].from_, r.routes[rt].to) for j in flyers[v].shares})
    idx = [(u, loc, j, p) for u, loc, j in places for p in d.periods]
    add_var(m, reg, "in_tanks", idx, quantity="propellant_in_tanks", unit="t",
            dims=("vehicle", "location", "commodity", "period"), table="fleet")
    add_var(m, reg, "unloaded", idx, quantity="propellant_unloaded", unit="t",
            dims=("vehicle", "location", "commodity", "period"), table="fleet")
    own_idx = [(v, rt, p, j) for v, rt, p in arcs for j in flyers[v].shares]
    add_var(m, reg, "loaded_own", own_idx, quantity="propellant_loaded_from_tanks", unit="t",
            dims=("vehicle", "route", "period", "commodity"), table="transport")
    terms: dict[tuple[str, str, str, int], list] = {key: [] for key in idx}
    late: dict[tuple[str, str, str, int], list] = {}
    for v, rt, p, j in own_idx:
        fl, route, arc = flyers[v], r.routes[rt], arc_of[(rt, p)]
        own, loaded = m.loaded_own[v, rt, p, j], m.loaded[v, rt, p, j]
        terms[fl.pusher, route.from_, j, p].append(-own)
        reg.balance[(route.from_, j, p)].append(scaled(1.0 / (1.0 - transfer_loss(r, route.from_, j)), own))
        kept = kept_after(fl.boil_off_per_month, arc.transit_days)
        left = [scaled(kept, loaded), scaled(-kept * fl.shares[j], m.burned[v, rt, p])]
        terms[fl.pusher, route.to, j, arc.arrive] += left
        if arc.late:
            late.setdefault((fl.pusher, route.to, j, arc.arrive), []).extend(left)
    for u, loc, j, p in idx:
        chi = transfer_loss(r, loc, j)
        reg.balance[(loc, j, p)].append(scaled(1.0 - chi, m.unloaded[u, loc, j, p]))

    def tank_balance(mm, u, loc, j, p):
        kept = kept_after(r.vehicles[u].boil_off_fraction_per_month, d.length_days[p - 1]) if p > 0 else 0.0
        before = [(kept, mm.in_tanks[u, loc, j, p - 1])] if p > 0 else []
        return mm.in_tanks[u, loc, j, p] == linear(before) + sum(terms[u, loc, j, p]) - mm.unloaded[u, loc, j, p]

    add_constraint(m, reg, "tank_balance", idx, tank_balance, subsystem=SUBSYSTEM,
                   description="Propellant kept in a vehicle's tanks at a location: last period's after boil-off, "
                               "plus what trips leave in them, minus what trips load from them and what is "
                               "unloaded.",
                   math=r"G_{uljp} = \gamma_{u,p-1} G_{ulj,p-1} + \sum_{a \to l} \beta_a (\ell_{aj} - s_j b_a) "
                        r"- \sum_{a \leftarrow l} o_{aj} - U_{uljp}")
    add_constraint(m, reg, "own_load_within_load", own_idx,
                   lambda mm, v, rt, p, j: mm.loaded_own[v, rt, p, j] <= mm.loaded[v, rt, p, j],
                   subsystem=SUBSYSTEM, description="What a trip loads from its own tanks is part of its load.",
                   math=r"o_{aj} \le \ell_{aj}")
    held = sorted({(u, loc, p) for u, loc, _j, p in idx})
    add_constraint(
        m, reg, "tanks_hold", held,
        lambda mm, u, loc, p: sum(mm.in_tanks[u, loc, j, p] for j in flyers[u].shares)
        <= r.vehicles[u].propellant_capacity_t * mm.parked[u, loc, p],
        subsystem=SUBSYSTEM, description="Propellant kept in the tanks of the units parked at a location.",
        math=r"\sum_j G_{uljp} \le T_u u_{ulp}", limit="tank capacity")
    split = [(u, loc, j, p) for u, loc, j, p in idx if flyers[u].component_tanks_t is not None]
    add_constraint(
        m, reg, "component_tanks_hold", split,
        lambda mm, u, loc, j, p: mm.in_tanks[u, loc, j, p] <= flyers[u].component_tanks_t[j] * mm.parked[u, loc, p],
        subsystem=SUBSYSTEM, description="Each propellant component kept in its own tanks (separate tanks).",
        math=r"G_{uljp} \le T_{uj} u_{ulp}", limit="tank capacity")
    add_constraint(m, reg, "late_propellant_held", sorted(late),
                   lambda mm, u, loc, j, p: mm.in_tanks[u, loc, j, p] >= sum(late[u, loc, j, p]),
                   subsystem=SUBSYSTEM, description="What a late arc leaves in the tanks is still held at the "
                                                    "period's end.",
                   math=r"G_{uljq} \ge \sum_{a \text{ late}} \beta_a (\ell_{aj} - s_j b_a)")
