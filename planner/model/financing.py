"""Financing: explicit debt with interest, a ceiling and repayment, and equity released by milestones.

**Debt** (``funding.debt``). Drawn :math:`b^+_p` and repaid :math:`b^-_p` M$ in period :math:`p`, at
even rates over it like every other flow of :mod:`planner.model.funding`; the balance :math:`B_p` owed
at the period's end grows with interest :math:`r` by the growth convention of cash
(:func:`planner.discounting.growth_factor`, the balance carried out of period :math:`p-1` grows by
:math:`(1+r)^{y_{p-1}}`, as cash grows by :math:`(1+i)^{y_{p-1}}`), so interest is added to what is owed
and paid by the repayments:

.. math:: B_p = (1+r)^{y_{p-1}} B_{p-1} + b^+_p - b^-_p, \\qquad B_{-1} = 0, \\qquad
   I_p = \\left((1+r)^{y_{p-1}} - 1\\right) B_{p-1}, \\qquad B_p \\le \\bar B(t_p)

(:math:`I_p` the interest charged in :math:`p`, reported and counted as a cost by the objectives,
:mod:`planner.model.objective`, so that the plan borrows no more and no longer than it gains by;
:math:`\\bar B` the ceiling's mean over the period). The balance compounds as cash does: left alone for
a year it grows by :math:`1 + r` on a yearly or a quarterly grid, and borrowing at :math:`r = i` to hold
cash changes nothing. Repayment: ``repay_by_end``,
:math:`B_{P-1} = 0`; ``repay_within_years`` :math:`Y`, the balance never exceeds the draws of the periods
that start within :math:`Y` years before the period's end, :math:`B_p \\le \\sum_{q \\le p,\\; t_q \\ge
t_{p+1} - Y} b^+_q` (older draws, with their interest, are repaid).

**Equity** (``funding.equity``): a raise of :math:`Q_j` M$ after milestone :math:`m_j` comes in at the
end of the period that first reaches it, :math:`e_{m p}` of :mod:`planner.model.milestones`:

.. math:: Q_{mp} = \\Big(\\sum_{j: m_j = m} Q_j\\Big)\\, e_{mp}

With binary milestones (``integer: auto``) it comes in whole, once; with ``integer: none`` a milestone
reached in part releases that part (the relaxation's milestones are shares, and so are their raises).
It arrives at the period's end, so it enters the period's closing cash but not the cash checks inside it
nor the check of the closing cash before it (:mod:`planner.model.funding`): a raise pays only for what is
spent after its milestone. :math:`z_{mp}` may be declared later than the metric allows (it only must not
be earlier), so a plan that has no use for a raise yet may take it later; one that needs it takes it as
soon as its milestone is reached.
"""

from __future__ import annotations

from typing import Any

import pyomo.core as pyo

from planner.discounting import growth_factor
from planner.model.data import ModelData
from planner.model.registry import Registry, add_constraint, add_expression, add_var

SUBSYSTEM = "financing"


def add_debt(m: pyo.ConcreteModel, d: ModelData, reg: Registry) -> dict[int, Any]:
    """Debt columns and rows; per period, the cash it brings at an even rate, :math:`b^+_p - b^-_p`."""
    debt = d.roadmap.funding.debt
    if debt is None:
        return {}
    y = d.length_years
    ceiling = d.period_means(debt.ceiling_musd)
    for name, quantity in (("debt_drawn", "debt_drawn"), ("debt_repaid", "debt_repaid"), ("debt", "debt_balance")):
        add_var(m, reg, name, d.periods, quantity=quantity, unit="M$", dims=("period",), table="cash")

    def carried(mm, p):
        return growth_factor(debt.rate_per_year, y[p - 1]) * mm.debt[p - 1] if p > 0 else 0

    add_expression(m, reg, "debt_interest", d.periods,
                   lambda mm, p: (growth_factor(debt.rate_per_year, y[p - 1]) - 1) * mm.debt[p - 1] if p > 0 else 0,
                   quantity="debt_interest", unit="M$", dims=("period",), table="cash")
    add_constraint(m, reg, "debt_balance", d.periods,
                   lambda mm, p: mm.debt[p] == carried(mm, p) + mm.debt_drawn[p] - mm.debt_repaid[p],
                   subsystem=SUBSYSTEM, description="Debt owed: the balance carried with interest, plus draws, "
                                                    "minus repayments.",
                   math=r"B_p = (1+r)^{y_{p-1}} B_{p-1} + b^+_p - b^-_p")
    add_constraint(m, reg, "debt_ceiling", d.periods, lambda mm, p: mm.debt[p] <= ceiling[p],
                   subsystem=SUBSYSTEM, description="Debt owed within the ceiling.", math=r"B_p \le \bar B(t_p)",
                   limit="debt ceiling")
    if debt.repay_by_end:
        add_constraint(m, reg, "debt_repaid_by_end", d.periods[-1:], lambda mm, p: mm.debt[p] == 0,
                       subsystem=SUBSYSTEM, description="Nothing owed at the horizon's end.", math=r"B_{P-1} = 0",
                       limit="debt repayment")
    if debt.repay_within_years is not None:
        t, term = [*d.years.tolist(), float(d.years[-1]) + y[-1]], debt.repay_within_years

        def recent(mm, p):
            return mm.debt[p] <= sum(mm.debt_drawn[q] for q in range(p + 1) if t[q] >= t[p + 1] - term - 1e-9)

        add_constraint(m, reg, "debt_term", d.periods, recent, subsystem=SUBSYSTEM,
                       description="Each draw repaid within the term: the balance never exceeds the recent draws.",
                       math=r"B_p \le \sum_{q \le p,\; t_q \ge t_{p+1} - Y} b^+_q", limit="debt repayment")
    return {p: m.debt_drawn[p] - m.debt_repaid[p] for p in d.periods}


def equity_milestones(d: ModelData) -> dict[str, float]:
    """Milestone -> the equity its reaching releases, M$ (raises after the same milestone add up)."""
    out: dict[str, float] = {}
    for raise_ in d.roadmap.funding.equity if d.roadmap.funding else []:
        out[raise_.after_milestone] = out.get(raise_.after_milestone, 0.0) + raise_.musd
    return out


def add_equity(m: pyo.ConcreteModel, d: ModelData, reg: Registry) -> dict[int, Any]:
    """Equity columns :math:`Q_{mp}`; per period, the equity that comes in at its end. Their link to the
    milestones is :func:`add_equity_release` (milestones are built after the cash)."""
    idx = [(n, p) for n in equity_milestones(d) for p in d.periods]
    if not idx:
        return {}
    add_var(m, reg, "equity_raised", idx, quantity="equity_raised", unit="M$", dims=("milestone", "period"),
            table="cash")
    return {p: sum(m.equity_raised[n, p] for n in equity_milestones(d)) for p in d.periods}


def add_equity_release(m: pyo.ConcreteModel, d: ModelData, reg: Registry) -> None:
    """:math:`Q_{mp} = (\\sum_j Q_j) e_{mp}`: the equity of a milestone comes in when it is first reached."""
    amounts = equity_milestones(d)
    if not amounts:
        return
    add_constraint(m, reg, "equity_release", [(n, p) for n in amounts for p in d.periods],
                   lambda mm, n, p: mm.equity_raised[n, p] == amounts[n] * mm.first_reached[n, p],
                   subsystem=SUBSYSTEM, description="Equity comes in at the end of the period that first reaches "
                                                    "its milestone (a share of it for a milestone reached in part).",
                   math=r"Q_{mp} = \Big(\sum_{j: m_j = m} Q_j\Big)\, e_{mp}")
