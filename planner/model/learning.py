"""Wright's law: unit costs that fall with cumulative production, met by a fixed point.

A curve with first-unit cost :math:`c_1` and learning rate :math:`LR` (the share by which the unit cost
falls when cumulative production doubles) costs :math:`c_1 N^{-b}` for unit :math:`N`, with
:math:`b = -\\log_2(1 - LR)`. With :math:`N_{p-1}` made before period :math:`p` (the prior units included)
and :math:`n_p` in it, the period's average unit cost is
:math:`\\frac{c_1}{n_p}\\int_{N_{p-1}}^{N_{p-1}+n_p} x^{-b}\\,dx`, the marginal :math:`c_1 N_{p-1}^{-b}`
when :math:`n_p = 0`, never below the floor (:func:`wright_average`).

The total cost is concave in cumulative production, which a linear program cannot hold exactly; so each
curve is met by a fixed point: the amounts of one solve set the average unit costs of the next
(:class:`Curve`, iterated by :func:`planner.solve.run.solve`), until no cost moves by more than the
tolerance, and the summary says whether it converged. Launch flights (:mod:`planner.model.launch`) and
sources priced by a curve per kg (:mod:`planner.model.supply`: satellites, factories) use it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np


def wright_average(first_cost: float, learning_rate: float, floor: float, prior: float,
                   amounts: np.ndarray) -> np.ndarray:
    """The average unit cost in each period, given the amounts made per period (units as ``prior``)."""
    b = -math.log2(1.0 - learning_rate)
    n = np.asarray(amounts, dtype=float)
    before = prior + np.concatenate([[0.0], np.cumsum(n)[:-1]])
    marginal = first_cost * before ** (-b)
    with np.errstate(divide="ignore", invalid="ignore"):
        if abs(1.0 - b) < 1e-12:
            integral = first_cost * np.log((before + n) / before)
        else:
            integral = first_cost * ((before + n) ** (1 - b) - before ** (1 - b)) / (1 - b)
        average = np.where(n > 1e-9, integral / np.where(n > 1e-9, n, 1.0), marginal)
    return np.maximum(average, floor)


@dataclass(frozen=True)
class Curve:
    """One learning curve of a built model: the mutable cost parameter it sets, its index by period, the
    amounts per period read from a solved model, and the costs they imply."""

    param: str
    index: list[Any]
    amounts: Callable[[Any], np.ndarray]  # solved model -> amount made in each period
    costs: Callable[[np.ndarray], np.ndarray]  # amounts -> the parameter's value in each period
    iterations: int
