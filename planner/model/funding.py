"""Funding: external money plus revenue pays every period's spending; cash is carried with interest.

With spending :math:`C_p` (launch, manufacturing, vehicles, operations) and revenue :math:`R_p`, M$ (compute's,
:mod:`planner.model.compute`, and ``revenue_streams``, :math:`R^o_{np} = \\bar x_{np} y_p` each), the
cash :math:`W_p` held at the end of period :math:`p` is

.. math:: W_p = (1+i)^{y_{p-1}} W_{p-1} + E(t_p)\\, y_p + R_p + b^+_p - b^-_p + Q_p - C_p, \\qquad
   W_{-1} = W^0, \\qquad W_p \\ge -\\bar D

(the growth convention of :mod:`planner.discounting`; debt drawn :math:`b^+_p` and repaid :math:`b^-_p`
and equity raised :math:`Q_p` are those of :mod:`planner.model.financing`, zero without ``debt`` and
``equity``; :math:`\\bar D` is ``debt_limit_musd``, an overdraft charged at the cash rate :math:`i`).
Without a ``funding:`` section spending is reported but not limited.

**Spending is paid from money held before the revenue it creates**, at every moment, not only at the
period's end. Within a period, spending, funding, debt flows and compute additions run at even rates (the
convention of :mod:`planner.model.compute`); equity comes in at the period's end, when its milestone is
reached. By the share :math:`f` of period :math:`p`, :math:`f C_p` has been
spent and :math:`f E(t_p) y_p` received; the revenue of earlier vintages, :math:`R_p - R^{new}_p(1)`,
comes in at a rate that only falls (decay, retirements), so at least :math:`f` of it has come in; the
period's own additions have earned :math:`R^{new}_p(f) = r(t_p)\\, a_p\\, \\omega_p(f)`, which grows
with the GW-years they have served (about :math:`f^2` of their period's revenue; on a demand curve their
share :math:`R^{new}_p(1)` is priced at the highest price in effect and :math:`R^{new}_p(f)` at the
lowest, :mod:`planner.model.demand`). The cash at that moment,

.. math:: W_p(f) = (1+i)^{y_{p-1}} W_{p-1} + f \\left(E(t_p)\\, y_p + R_p - R^{new}_p(1) + b^+_p - b^-_p
   - C_p\\right) + R^{new}_p(f) \\ge -\\bar D, \\qquad f \\in \\{\\tfrac14, \\tfrac12, \\tfrac34\\}

and :math:`W_p(1) = W_p - Q_p \\ge -\\bar D` at the end, before the equity (a raise pays only for what is spent
after its milestone). So new hardware is paid from cash held before it
earns, while the revenue it earns early in a period pays for hardware bought later in it, as it would in
continuous time:
growth financed by revenue compounds the same way on any grid, up to the even-rate assumption inside a
period (a period much longer than the hardware's payback time cannot represent the growth inside it:
:mod:`planner.model.refinement` splits such periods for the solve, or flags them).
"""

from __future__ import annotations

import pyomo.core as pyo

from planner.discounting import growth_factor
from planner.model import financing
from planner.model.data import ModelData
from planner.model.parameters import add_param, per_period
from planner.model.registry import Registry, add_constraint, add_expression, add_var

SUBSYSTEM = "funding"
CASH_CHECKS = (0.25, 0.5, 0.75)  # shares of a period at which the cash inside it is checked (the end is W_p)


def add_cash(m: pyo.ConcreteModel, d: ModelData, reg: Registry) -> None:
    f = d.roadmap.funding
    if f is not None and f.revenue_streams:
        add_revenue_streams(m, d, reg)
    categories = sorted(reg.spending)
    spend_idx = [(c, p) for c in categories for p in d.periods]
    add_expression(m, reg, "spending", spend_idx, lambda mm, c, p: sum(reg.spending[c].get(p, [])),
                   quantity="spending", unit="M$", dims=("category", "period"), table="cash")
    add_expression(m, reg, "revenue", d.periods, lambda mm, p: sum(reg.revenue.get(p, [])),
                   quantity="revenue", unit="M$", dims=("period",), table="cash")
    if f is None:
        return
    add_param(m, reg, "external_musd", d.periods, per_period(lambda r: r.funding.external_musd_per_year), d,
              keys=("funding.external_musd_per_year",))
    add_expression(m, reg, "funding_in", d.periods, lambda mm, p: mm.external_musd[p],
                   quantity="external_funding", unit="M$", dims=("period",), table="cash")
    borrowed = financing.add_debt(m, d, reg)
    equity = financing.add_equity(m, d, reg)
    add_var(m, reg, "cash", d.periods, quantity="cash", unit="M$", dims=("period",), table="cash",
            bounds=(-f.debt_limit_musd, None))

    def cash_balance(mm, p):
        before = growth_factor(f.interest_rate_per_year, d.length_years[p - 1]) * mm.cash[p - 1] if p > 0 \
            else f.initial_cash_musd
        # spending on the left: both row readers then add a variable's coefficients in the same order
        return mm.cash[p] + sum(mm.spending[c, p] for c in categories) == before + mm.funding_in[p] + mm.revenue[p] \
            + borrowed.get(p, 0) + equity.get(p, 0)

    add_constraint(m, reg, "cash_balance", d.periods, cash_balance, subsystem=SUBSYSTEM,
                   description="Cash carried with interest, plus funding, revenue, debt drawn net of repayments "
                               "and equity raised, minus spending; never below the debt limit.",
                   math=r"W_p = (1+i)^{y_{p-1}} W_{p-1} + E(t_p) y_p + R_p + b^+_p - b^-_p + Q_p - C_p \ge -\bar D",
                   limit="funding")
    if equity:
        add_constraint(m, reg, "cash_before_equity", d.periods,
                       lambda mm, p: mm.cash[p] - equity[p] >= -f.debt_limit_musd, subsystem=SUBSYSTEM,
                       description="Cash within the debt limit at the period's end before its equity comes in: a "
                                   "raise pays only for what is spent after its milestone.",
                       math=r"W_p - Q_p \ge -\bar D", limit="funding")
    checks = [(p, share) for p in d.periods if reg.new_revenue.get(p) for share in CASH_CHECKS]
    # (R^new_p(f) - f R^new_p(1)) / f, with R^new_p(f) at the early rate and R^new_p(1) at the share's rate (one
    # rate but on a demand curve, planner.model.demand): what the period's own additions have earned by share f
    # beyond an even share of their revenue (a named expression, so that the row takes it at scale 1)
    m.revenue_ahead = pyo.Expression(checks, rule=lambda mm, p, share: sum(
        (early * (served(share) / share - served(1.0)) + (early - rate) * served(1.0)) * added
        for served, rate, early, added in reg.new_revenue[p]))

    def cash_inside(mm, p, share):
        """:math:`W_p(f) \\ge -\\bar D` divided by :math:`f`: spending, funding and revenue then enter with the
        balance row's coefficients, and with the spending on the left both row readers add a column's
        coefficients in the same order (bit for bit the same matrix)."""
        before = growth_factor(f.interest_rate_per_year, d.length_years[p - 1]) / share * mm.cash[p - 1] if p > 0 \
            else f.initial_cash_musd / share
        return sum(mm.spending[c, p] for c in categories) - mm.revenue_ahead[p, share] \
            <= before + mm.funding_in[p] + mm.revenue[p] + borrowed.get(p, 0) + f.debt_limit_musd / share

    add_constraint(m, reg, "cash_inside_period", checks, cash_inside, subsystem=SUBSYSTEM,
                   description="Cash within the debt limit inside the period, where new hardware has earned only "
                               "what it has served so far.",
                   math=r"(1+i)^{y_{p-1}} W_{p-1} + f(E y_p + R_p - R^{new}_p(1) + b^+_p - b^-_p - C_p) + R^{new}_p(f) "
                        r"\ge -\bar D",
                   limit="funding")



def add_revenue_streams(m: pyo.ConcreteModel, d: ModelData, reg: Registry) -> None:
    """Income other than compute's, :math:`R^o_{np} = \\bar x_{np}\\, y_p`, part of :math:`R_p` (even-rate)."""
    names = list(d.roadmap.funding.revenue_streams)
    add_param(m, reg, "stream_musd", [(n, p) for n in names for p in d.periods], _stream_values, d,
              keys=("funding.revenue_streams.*.musd_per_year",))
    add_expression(m, reg, "revenue_stream", [(n, p) for n in names for p in d.periods],
                   lambda mm, n, p: mm.stream_musd[n, p], quantity="revenue_stream", unit="M$",
                   dims=("category", "period"), table="cash")
    for n in names:
        for p in d.periods:
            reg.revenue[p].append(m.revenue_stream[n, p])


def _stream_values(d: ModelData) -> dict[tuple[str, int], float]:
    """:math:`\\bar x_{np}\\, y_p`: each stream's income in each period, M$."""
    return {(n, p): x * d.length_years[p] for n, s in d.roadmap.funding.revenue_streams.items()
            for p, x in enumerate(d.period_means(s.musd_per_year))}
