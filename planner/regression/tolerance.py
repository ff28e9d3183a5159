"""Tolerances of a comparison, derived from the solver's own tolerances and the MIP gap.

* Objective: two solves of the same model, each stopped within a relative gap :math:`g` of the optimum
  (incumbents on the same side of it), differ by at most :math:`g|f^*|`; an LP optimum is exact to its
  primal and dual feasibility tolerances :math:`\\varepsilon_p, \\varepsilon_d`, which move the objective by
  a relative amount of order :math:`\\kappa \\max(\\varepsilon_p, \\varepsilon_d)` (:math:`\\kappa = 10`
  covers the scaling HiGHS applies). Hence :math:`t_f = (\\kappa\\max(\\varepsilon_p, \\varepsilon_d)
  + g_{\\text{MIP}}) \\max(1, |f^*|)`, with :math:`g_{\\text{MIP}} = 0` for an LP.
* The optimal face (:mod:`.face`) holds the last stage within the solver's accuracy,
  :math:`s = \\max(\\varepsilon_p, \\varepsilon_d) \\max(1, |f^*|)`: wider would let the tie-break's
  :math:`\\epsilon` cost wander; narrower than the solver's accuracy means nothing.
* Aggregates: a plan's aggregate lies in its optimal-face range up to the feasibility of the plan,
  :math:`t_A = \\kappa \\varepsilon_p \\max(1, |A_{\\min}|, |A_{\\max}|)`; a range narrower than
  :math:`t_A` is one value, unique at the optimum.

Golden values are written with :data:`SIGNIFICANT` significant digits: a rounding error of
:math:`5 \\cdot 10^{-8}` relative, below every tolerance, and coarse enough that solver noise does not
change a golden file's bytes.
"""

from __future__ import annotations

import math
from typing import Any

from planner.results.tables import ZERO

SAFETY = 10.0
DEFAULT_FEASIBILITY = 1e-7  # HiGHS's default primal and dual feasibility tolerances
SIGNIFICANT = 7


def _feasibility(highs_options: dict[str, Any]) -> float:
    return max(float(highs_options.get("primal_feasibility_tolerance", DEFAULT_FEASIBILITY)),
               float(highs_options.get("dual_feasibility_tolerance", DEFAULT_FEASIBILITY)))


def objective_tolerance(objective: float, highs_options: dict[str, Any], is_mip: bool) -> float:
    """Absolute tolerance :math:`t_f` on the objective value."""
    gap = float(highs_options.get("mip_rel_gap", 1e-4)) if is_mip else 0.0
    return (SAFETY * _feasibility(highs_options) + gap) * max(1.0, abs(objective))


def face_slack(objective: float, highs_options: dict[str, Any]) -> float:
    """How far below its optimum (above, when minimizing) the face lets the last stage go: :math:`s`."""
    return _feasibility(highs_options) * max(1.0, abs(objective))


def aggregate_tolerance(ends: list[float], highs_options: dict[str, Any]) -> float:
    """Absolute tolerance :math:`t_A` around an aggregate's range with finite ``ends``."""
    feasibility = float(highs_options.get("primal_feasibility_tolerance", DEFAULT_FEASIBILITY))
    return SAFETY * feasibility * max([1.0, *(abs(v) for v in ends)])


def rounded(value: float) -> float:
    """``value`` with :data:`SIGNIFICANT` significant digits; 0 (never -0) below the tidy tables' zero."""
    if abs(value) <= ZERO:
        return 0.0
    return float(f"{value:.{SIGNIFICANT}g}")


def tolerance_rounded(value: float) -> float:
    """A tolerance with two significant digits, rounded up so that it never shrinks."""
    if value <= 0:
        return 0.0
    exponent = math.floor(math.log10(value)) - 1
    return float(f"{math.ceil(value / 10 ** exponent) * 10 ** exponent:.2g}")
