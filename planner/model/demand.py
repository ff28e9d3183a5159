"""Demand for compute: revenue as a concave, piecewise-linear function of the compute served.

``compute.demand`` gives segments :math:`k = 1..K` of the price of a GW-year: the first
:math:`u_1(t)` GW served sell at :math:`\\pi_1(t)` M$ per GW-year, the next :math:`u_2(t) - u_1(t)` at
:math:`\\pi_2(t)`, and so on, the last segment selling whatever is served beyond :math:`u_{K-1}(t)`.
The GW-years :math:`S_p` served in period :math:`p` (:mod:`planner.model.compute`) are split into
segment columns :math:`s_{kp}`, each within its width in GW times the period's length :math:`y_p` (a
mean GW of compute served over the period, so the same curve holds on any grid):

.. math:: \\sum_k s_{kp} = S_p, \\qquad 0 \\le s_{kp} \\le (\\bar u_k - \\bar u_{k-1})\\, y_p \\; (k < K),
   \\qquad R^c_p = \\sum_k \\bar\\pi_{kp}\\, s_{kp}

(bars: the tables' means over the period, :math:`u_0 = 0`). The schema refuses a price that rises from
one segment to the next: with prices :math:`\\pi_1 \\ge \\pi_2 \\ge \\dots` the LP fills the segments in
order, so :math:`R^c_p` is the area under the price steps up to the period's mean GW served, without
integers. The curve reads the period's mean: while compute grows inside a period, a concave curve of the
mean earns more than the curve of each moment would (by at most the area between the curve and its chord
over the GW the period adds); on a steady compute level every grid earns the same.

**Cash inside the period** (:mod:`planner.model.funding`): the period's own additions :math:`a_p` serve
:math:`\\omega_p(1)\\, a_p` of :math:`S_p` and have served :math:`\\omega_p(f)\\, a_p` by the share
:math:`f` of the period. Their share of :math:`R^c_p` is taken at its largest, at the highest price in
effect :math:`\\bar\\pi_{1p}`, and what they have earned by :math:`f` at its least, at the lowest
:math:`\\bar\\pi_{Kp}`: :math:`R^{new}_p(1) = \\bar\\pi_{1p} \\omega_p(1) a_p`, :math:`R^{new}_p(f) =
\\bar\\pi_{Kp} \\omega_p(f) a_p`. Whatever price the curve gives their GW-years, a GW-year never earns
more than :math:`\\pi_1` nor less than :math:`\\pi_K`, so the cash inside the period is never overstated;
with a single segment both are the flat price and the rule is the one of ``revenue_musd_per_gw_year``.
"""

from __future__ import annotations

from collections.abc import Callable

import pyomo.core as pyo

from planner.model.data import ModelData
from planner.model.registry import Registry, add_constraint, add_expression, add_var

SUBSYSTEM = "demand"


def segment_means(d: ModelData) -> tuple[list[list[float]], list[list[float | None]]]:
    """Per segment and period, the mean price :math:`\\bar\\pi_{kp}` (M$ per GW-year) and the width
    :math:`(\\bar u_k - \\bar u_{k-1}) y_p` in GW-years (None for the last, unbounded segment)."""
    segments = d.roadmap.compute.demand.segments
    prices = [d.period_means(seg.price_musd_per_gw_year) for seg in segments]
    below = [0.0] * len(d.periods)
    widths: list[list[float | None]] = []
    for seg in segments:
        if seg.up_to_gw is None:
            widths.append([None] * len(d.periods))
            continue
        up_to = d.period_means(seg.up_to_gw)
        widths.append([(u - b) * y for u, b, y in zip(up_to, below, d.length_years, strict=True)])
        below = up_to
    return prices, widths


def segment_name(k: int) -> str:
    """The label of the demand curve's ``k``-th segment (from 0) in the tables' ``category`` column."""
    return f"segment_{k + 1}"


def add_revenue(m: pyo.ConcreteModel, d: ModelData, reg: Registry, own: Callable[[int], Callable[[float], float]]
                ) -> None:
    """Segment columns, their split of :math:`S_p` and the revenue; ``own(p)`` is :math:`\\omega_p`."""
    prices, widths = segment_means(d)
    names = [segment_name(k) for k in range(len(prices))]
    idx = [(name, p) for name in names for p in d.periods]
    number = {name: k for k, name in enumerate(names)}

    def bounds(mm, name, p):
        return 0.0, widths[number[name]][p]

    add_var(m, reg, "compute_sold", idx, quantity="compute_sold", unit="GW-year", dims=("category", "period"),
            table="compute", bounds=bounds)
    add_expression(m, reg, "compute_price", idx, lambda mm, name, p: prices[number[name]][p],
                   quantity="compute_price", unit="M$/GW-year", dims=("category", "period"), table="compute")
    add_constraint(m, reg, "demand_segments", d.periods,
                   lambda mm, p: sum(mm.compute_sold[name, p] for name in names) == mm.compute_served[p],
                   subsystem=SUBSYSTEM, description="The GW-years served, split into the segments of the demand "
                                                    "curve (each within its width; the LP fills them in order "
                                                    "because their prices fall).",
                   math=r"\sum_k s_{kp} = S_p, \quad 0 \le s_{kp} \le (\bar u_k - \bar u_{k-1})\, y_p")
    add_expression(m, reg, "compute_revenue", d.periods,
                   lambda mm, p: sum(prices[number[name]][p] * mm.compute_sold[name, p] for name in names),
                   quantity="compute_revenue", unit="M$", dims=("period",), table="compute")
    for p in d.periods:
        reg.revenue[p].append(m.compute_revenue[p])
        reg.new_revenue[p].append((own(p), prices[0][p], prices[-1][p], m.compute_added[p]))
