"""Milestones: a threshold on a metric, reached in the first period the plan takes it there.

For milestone :math:`m` with metric :math:`g_{mp}` and threshold :math:`\\theta_m`, binary
:math:`z_{mp}` says "reached by period :math:`p`" and :math:`e_{mp} = z_{mp} - z_{m,p-1}` "first reached
in :math:`p`":

.. math:: z_{mp} \\ge z_{m,p-1}, \\qquad g_{mp} / \\theta_m \\ge z_{mp}, \\qquad z_{m,p_D} = 1 \\text{ (deadline)}

so a milestone counts from the period after which its metric stays at the threshold (for cumulative
metrics, the first period it gets there). This is tighter than bounding only the first period, which
matters for the LP relaxation (``integer: none``): a relaxed milestone required at the end still needs
its full threshold there. The reward :math:`\\sum_p w_m (1 - \\delta_m)^{\\tau_p} e_{mp}` decays with lateness
(:math:`\\tau_p` years from the horizon's start). The year a milestone is *reported* reached is read
from the plan itself (first period where the metric crosses the threshold), not from :math:`z`.

The threshold row is written divided by :math:`\\theta_m`, so the binary's coefficient is 1 whatever
the threshold's size (a 1 Mt milestone put 10^6 in the matrix). Measured on the shipped roadmaps with
binary milestones (``integer: auto``, HiGHS 1.16, one thread, CPU seconds, same optima): baseline
6.9 -> 5.2, seed-vision 16.8 -> 3.7, moon-first 7.4 -> 6.2 (with the MIP options of
:mod:`planner.solve.run`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pyomo.core as pyo

from planner.model.data import ModelData
from planner.model.registry import Registry, add_constraint, add_expression, add_var, index_set
from planner.schema.strategy import Metric

SUBSYSTEM = "milestones"


def metric_expression(m: pyo.ConcreteModel, d: ModelData, reg: Registry, metric: Metric,
                      stock: Callable[[str, str, int], Any], p: int) -> Any:
    """The metric's value in period ``p`` as a linear expression."""
    if metric.compute_gw:
        return m.compute[p]
    if metric.stock:
        return stock(metric.stock.location, metric.stock.commodity, p)
    if metric.delivered:
        return m.delivered_total[metric.delivered.location, "+".join(metric.delivered.commodities), p]
    proc = d.roadmap.processes[metric.production.process]
    return sum(proc.outputs.values()) * m.activity[metric.production.process, p] / d.length_years[p]


def add_delivered_totals(m: pyo.ConcreteModel, d: ModelData, reg: Registry) -> None:
    r"""Cumulative mass delivered for each 'delivered' metric, kept by a sparse recursion
    :math:`T_p = T_{p-1} + \sum_k \mu_k \text{arrivals}_{lkp}` instead of a dense sum per period."""
    targets = sorted({(ms.metric.delivered.location, "+".join(ms.metric.delivered.commodities))
                      for ms in d.roadmap.milestones.values() if ms.metric.delivered})
    idx = [(loc, ks, p) for loc, ks in targets for p in d.periods]
    add_var(m, None, "delivered_total", idx)

    def running(mm, loc, ks, p):
        before = mm.delivered_total[loc, ks, p - 1] if p > 0 else 0
        arrived = sum(d.mass_t(k) * term for k in ks.split("+") for term in reg.arrivals.get((loc, k, p), []))
        return mm.delivered_total[loc, ks, p] == before + arrived

    add_constraint(m, reg, "delivered_running_total", idx, running, subsystem=SUBSYSTEM,
                   description="Cumulative mass delivered to a location (for 'delivered' milestones).",
                   math=r"T_{p} = T_{p-1} + \sum_k \mu_k \,\text{arrivals}_{lkp}")


def add_milestones(m: pyo.ConcreteModel, d: ModelData, reg: Registry, stock, required: bool) -> None:
    """Milestone variables; with ``required`` every milestone must be reached within the horizon."""
    r = d.roadmap
    names = list(r.milestones)
    add_delivered_totals(m, d, reg)
    idx = [(n, p) for n in names for p in d.periods]
    add_var(m, reg, "reached", idx, quantity="milestone_reached", unit="share", dims=("milestone", "period"),
            table="milestones", integer=d.integer(True), bounds=(0, 1))
    if not d.integer(True):
        for var in m.reached.values():
            var.domain = pyo.UnitInterval
    add_expression(m, reg, "metric", idx,
                   lambda mm, n, p: metric_expression(mm, d, reg, r.milestones[n].metric, stock, p),
                   quantity="milestone_metric", unit="metric unit", dims=("milestone", "period"), table="milestones")

    def first(mm, n, p):
        return mm.reached[n, p] - (mm.reached[n, p - 1] if p > 0 else 0)

    m.first_reached = pyo.Expression(index_set(idx), rule=first)
    add_constraint(m, reg, "milestone_monotone", [(n, p) for n, p in idx if p > 0],
                   lambda mm, n, p: mm.reached[n, p] >= mm.reached[n, p - 1], subsystem=SUBSYSTEM,
                   description="Once reached, a milestone stays reached.", math=r"z_{mp} \ge z_{m,p-1}")
    add_constraint(m, reg, "milestone_threshold", idx,
                   lambda mm, n, p: mm.metric[n, p] / r.milestones[n].threshold >= mm.reached[n, p],
                   subsystem=SUBSYSTEM, description="A milestone counts as reached only while its metric "
                                                    "meets the threshold.",
                   math=r"g_{mp} / \theta_m \ge z_{mp}")
    due = [(n, d.period_by(r.milestones[n].deadline)) for n in names if r.milestones[n].deadline is not None]
    if required:
        due += [(n, d.periods[-1]) for n in names if r.milestones[n].deadline is None]
    add_constraint(m, reg, "milestone_deadline", due, lambda mm, n, p: mm.reached[n, p] == 1,
                   subsystem=SUBSYSTEM, description="A milestone with a deadline is reached by it.",
                   math=r"z_{m p_D} = 1", limit="milestone deadline")


def milestone_rewards(m: pyo.ConcreteModel, d: ModelData) -> Any:
    """:math:`\\sum_{mp} w_m (1-\\delta_m)^{\\tau_p} e_{mp}`."""
    r = d.roadmap
    tau = d.timeline.years_from_start
    return sum(ms.reward * (1 - ms.reward_decay_per_year) ** tau[p] * m.first_reached[n, p]
               for n, ms in r.milestones.items() if ms.reward for p in d.periods)
