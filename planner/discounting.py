"""The one discounting and cash-growth convention of the planner.

Everything that accrues during period :math:`p` (compute-years, spending, revenue) runs at an even rate
over it, from :math:`\\tau_p` to :math:`\\tau_p + y_p` years after the horizon's start, so it is valued at
the period's mean discount factor (the same value on any grid for the same flows):

.. math:: \\delta_p = \\frac{1}{y_p}\\int_{\\tau_p}^{\\tau_p + y_p} (1 + \\rho)^{-t}\\, dt
   = \\frac{(1+\\rho)^{-\\tau_p} - (1+\\rho)^{-\\tau_p - y_p}}{y_p \\ln(1+\\rho)}

Cash left at the end of period :math:`p-1` earns interest :math:`i` over that period's length
:math:`y_{p-1}` years: it is worth :math:`(1+i)^{y_{p-1}}` times as much at the start of period :math:`p`.
"""

from __future__ import annotations

import numpy as np


def discount_factors(years_from_start: np.ndarray, lengths: np.ndarray, rate_per_year: float) -> np.ndarray:
    """:math:`\\delta_p`, the mean discount factor over each period that starts :math:`\\tau_p` years after the
    horizon's start and lasts :math:`y_p` years."""
    start, length = np.asarray(years_from_start, dtype=float), np.asarray(lengths, dtype=float)
    if rate_per_year == 0:
        return np.ones_like(start)
    log = np.log1p(rate_per_year)
    return np.exp(-log * start) * -np.expm1(-log * length) / (log * length)


def growth_factor(rate_per_year: float, years: float) -> float:
    """:math:`(1+i)^{y}`: what one unit of cash carried for ``years`` is worth."""
    return float((1.0 + rate_per_year) ** years)
