"""The one discounting and cash-growth convention of the planner.

Everything that accrues during period :math:`p` (compute-years, spending, revenue, rewards) is valued
at the period's start, :math:`\\tau_p` years after the horizon's start:

.. math:: \\delta_p = (1 + \\rho)^{-\\tau_p}

Cash left at the end of period :math:`p-1` earns interest :math:`i` over that period's length
:math:`y_{p-1}` years: it is worth :math:`(1+i)^{y_{p-1}}` times as much at the start of period :math:`p`.
"""

from __future__ import annotations

import numpy as np


def discount_factors(years_from_start: np.ndarray, rate_per_year: float) -> np.ndarray:
    """:math:`\\delta_p = (1+\\rho)^{-\\tau_p}` for each period start :math:`\\tau_p` (years)."""
    return np.power(1.0 + rate_per_year, -np.asarray(years_from_start, dtype=float))


def growth_factor(rate_per_year: float, years: float) -> float:
    """:math:`(1+i)^{y}`: what one unit of cash carried for ``years`` is worth."""
    return float((1.0 + rate_per_year) ** years)
