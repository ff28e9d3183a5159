"""Funding: external money plus revenue pays every period's spending; cash is carried with interest.

With spending :math:`C_p` (launch, manufacturing, vehicles, operations) and revenue :math:`R_p`, M$, the
cash :math:`W_p` held at the end of period :math:`p` is

.. math:: W_p = (1+i)^{y_{p-1}} W_{p-1} + E(t_p)\\, y_p + R_p - C_p, \\qquad W_{-1} = W^0, \\qquad W_p \\ge -\\bar D

(the growth convention of :mod:`planner.discounting`). Without a ``funding:`` section spending is
reported but not limited.

**Spending is paid from money held before the revenue it creates.** Within a period, spending, funding
and compute additions run at even rates (the convention of :mod:`planner.model.compute`). The revenue
:math:`R^{new}_p` that the period's own additions earn comes after their hardware and launches are paid,
so it is left out of what pays the period's spending; it is cash from the next period on:

.. math:: W_p - R^{new}_p = (1+i)^{y_{p-1}} W_{p-1} + E(t_p)\\, y_p + (R_p - R^{new}_p) - C_p \\ge -\\bar D

The revenue of earlier vintages, :math:`R_p - R^{new}_p`, does pay: it comes in as the period goes,
at a rate that only falls (decay, retirements), so by any share :math:`f` of the period at least
:math:`f` of it has come in, as has :math:`f` of the funding, against :math:`f C_p` spent; the row
therefore keeps the balance above :math:`-\\bar D` at every moment inside the period, not only at its end,
on any time grid. Revenue can never pay for the hardware that earns it.
"""

from __future__ import annotations

import pyomo.core as pyo

from planner.discounting import growth_factor
from planner.model.data import ModelData
from planner.model.parameters import add_param, per_period
from planner.model.registry import Registry, add_constraint, add_expression, add_var

SUBSYSTEM = "funding"


def add_cash(m: pyo.ConcreteModel, d: ModelData, reg: Registry) -> None:
    categories = sorted(reg.spending)
    spend_idx = [(c, p) for c in categories for p in d.periods]
    add_expression(m, reg, "spending", spend_idx, lambda mm, c, p: sum(reg.spending[c].get(p, [])),
                   quantity="spending", unit="M$", dims=("category", "period"), table="cash")
    add_expression(m, reg, "revenue", d.periods, lambda mm, p: sum(reg.revenue.get(p, [])),
                   quantity="revenue", unit="M$", dims=("period",), table="cash")
    f = d.roadmap.funding
    if f is None:
        return
    add_param(m, reg, "external_musd", d.periods, per_period(lambda r: r.funding.external_musd_per_year), d,
              keys=("funding.external_musd_per_year",))
    add_expression(m, reg, "funding_in", d.periods, lambda mm, p: mm.external_musd[p],
                   quantity="external_funding", unit="M$", dims=("period",), table="cash")
    add_var(m, reg, "cash", d.periods, quantity="cash", unit="M$", dims=("period",), table="cash",
            bounds=(-f.debt_limit_musd, None))

    def cash_balance(mm, p):
        before = growth_factor(f.interest_rate_per_year, d.length_years[p - 1]) * mm.cash[p - 1] if p > 0 \
            else f.initial_cash_musd
        # spending on the left: both row readers then add a variable's coefficients in the same order
        return mm.cash[p] + sum(mm.spending[c, p] for c in categories) == before + mm.funding_in[p] + mm.revenue[p]

    add_constraint(m, reg, "cash_balance", d.periods, cash_balance, subsystem=SUBSYSTEM,
                   description="Cash carried with interest, plus funding and revenue, minus spending; "
                               "never below the debt limit.",
                   math=r"W_p = (1+i)^{y_{p-1}} W_{p-1} + E(t_p) y_p + R_p - C_p \ge -\bar D", limit="funding")
    paid = [p for p in d.periods if reg.new_revenue.get(p)]
    add_constraint(m, reg, "paid_before_revenue", paid,
                   lambda mm, p: mm.cash[p] - sum(reg.new_revenue[p]) >= -f.debt_limit_musd, subsystem=SUBSYSTEM,
                   description="Spending is paid without the revenue that the period's own additions earn.",
                   math=r"W_p - R^{new}_p \ge -\bar D")

