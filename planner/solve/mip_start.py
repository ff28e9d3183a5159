"""A MIP start from the LP relaxation: round its integer decisions, complete the plan by an LP, hand it over.

Branch and cut finds its first plan by its own heuristics, late on the strategic roadmaps with binary
milestones and whole ships. Before it runs, :func:`find_start` solves the LP relaxation of the same
compiled model (the integer columns made continuous; :func:`planner.solve.highs_backend.run_highs` with
the LP method of :mod:`planner.solve.method`) and rounds its plan :math:`\\bar x` to integer values
:math:`\\hat x_j` for each integer column :math:`j \\in I`, by the first of these that works:

``metric``
    Milestones (the binary columns :math:`z_{mp}` of the rows ``milestone_threshold``,
    :math:`g_{mp}/\\theta_m \\ge z_{mp}`) are reached from the first period after which the LP plan's
    metric stays at the threshold: :math:`\\hat z_{mp} = [\\min_{q \\ge p} \\bar g_{mq}/\\theta_m \\ge 1]`,
    which keeps the rows :math:`z_{mp} \\ge z_{m,p-1}` and every deadline the LP met
    (:math:`\\bar z \\le \\bar g/\\theta` so :math:`\\hat z \\ge \\lfloor \\bar z \\rfloor`). Counts (trips, units
    built, flights of integer classes) are rounded up, :math:`\\hat x_j = \\lceil \\bar x_j \\rceil`: more
    capacity than the LP plan used.
``floor``
    Binaries rounded down (a milestone only where the LP reached it whole), counts rounded up.
``nearest``
    Every integer column rounded to the nearest integer.

Each rounding is checked by the LP with the integer columns fixed, :math:`x_j = \\hat x_j` (bounds
lb = ub on a copy of the column bounds), which re-plans every continuous decision (cargo, propellant,
stocks, funding). Its optimum is integer feasible; it goes to HiGHS with ``Highs.setSolution`` as the
incumbent to beat, and the MIP gets the time limit minus the time spent here (at most
:data:`START_SHARE` of it). When every fixed LP is infeasible, branch and cut runs without a start, as
before.

Measured: see the figures below (``python benchmarks/mip.py --roadmaps baseline,moon-first --time-limit 60``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import highspy
import numpy as np

from planner.solve.highs_backend import Compiled, run_highs

START_SHARE = 0.25  # at most this share of the solve's time limit goes to finding a start
INTEGRAL = 1e-6  # an LP value within this of an integer counts as that integer
THRESHOLD_ROWS = "milestone_threshold"
Rounding = Callable[[Compiled, np.ndarray], np.ndarray]


@dataclass
class MipStart:
    """The start found (``x`` None when none was), what it scores, and the time it took."""

    x: np.ndarray | None
    objective: float | None
    seconds: float
    rounding: str | None  # the rounding that gave it
    tried: list[str]

    def summary(self) -> dict[str, Any]:
        """For ``summary.json`` (``mip_start``)."""
        return {"given": self.x is not None, "objective": self.objective, "rounding": self.rounding,
                "tried": self.tried, "seconds": round(self.seconds, 4)}


def find_start(c: Compiled, options: dict[str, Any]) -> MipStart:
    """An integer-feasible plan of the MIP ``c`` from its LP relaxation (see the module's docstring)."""
    clock = time.perf_counter()
    limit = options.get("time_limit")
    deadline = clock + START_SHARE * float(limit) if limit is not None else None
    relaxed = _solve_lp(c, c.col_lower, c.col_upper, options, deadline)
    tried: list[str] = []
    if relaxed is not None:
        lp_x, _ = relaxed
        for name, (milestones, counts) in ROUNDINGS.items():
            if deadline is not None and time.perf_counter() >= deadline:
                break
            values = milestones(c, lp_x, counts(c, lp_x))
            tried.append(name)
            lower = np.where(c.integer, values, c.col_lower)
            upper = np.where(c.integer, values, c.col_upper)
            fixed = _solve_lp(c, lower, upper, options, deadline)
            if fixed is not None:
                x, objective = fixed
                x[c.integer] = values[c.integer]  # exactly integral, as fixed
                return MipStart(x=x, objective=objective, seconds=time.perf_counter() - clock, rounding=name,
                                tried=tried)
    return MipStart(x=None, objective=None, seconds=time.perf_counter() - clock, rounding=None, tried=tried)


def give_start(h: highspy.Highs, start: MipStart) -> None:
    """Hand ``start``'s plan to ``h`` (holding the MIP) as its first incumbent."""
    solution = highspy.HighsSolution()
    solution.col_value = start.x.tolist()
    solution.value_valid = True
    if h.setSolution(solution) == highspy.HighsStatus.kError:
        raise RuntimeError("HiGHS refused the MIP start")


def _solve_lp(c: Compiled, lower: np.ndarray, upper: np.ndarray, options: dict[str, Any],
              deadline: float | None) -> tuple[np.ndarray, float] | None:
    """The optimal plan and objective of ``c`` as an LP within the given column bounds (None if it has none
    within the time left)."""
    lp_options = {**options}
    if deadline is not None:
        left = deadline - time.perf_counter()
        if left <= 0:
            return None
        lp_options["time_limit"] = left
    lp = replace(c, col_lower=lower, col_upper=upper, integer=np.zeros(len(c.columns), dtype=bool))
    answer = run_highs(lp, lp_options, duals=False)
    if answer.status != "optimal":
        return None
    return answer.x, float(answer.objective)


def _integral(x: np.ndarray) -> np.ndarray:
    """``x`` where within :data:`INTEGRAL` of an integer, else nan."""
    nearest = np.round(x)
    return np.where(np.abs(x - nearest) <= INTEGRAL, nearest, np.nan)


def _ceil(x: np.ndarray) -> np.ndarray:
    """Rounded up, values within :data:`INTEGRAL` of an integer taken as that integer."""
    exact = _integral(x)
    return np.where(np.isnan(exact), np.ceil(x), exact)


def _is_binary(c: Compiled) -> np.ndarray:
    return c.integer & (c.col_lower == 0) & (c.col_upper == 1)


def _counts_up(c: Compiled, x: np.ndarray) -> np.ndarray:
    """Each integer column rounded up on its own."""
    return _ceil(x)


def _running_counts_up(c: Compiled, x: np.ndarray) -> np.ndarray:
    r"""Each series of counts rounded up as a running total: :math:`\hat x_p = \lceil X_p \rceil -
    \lceil X_{p-1} \rceil` with :math:`X_p = \sum_{q \le p} \bar x_q`."""
    values = _ceil(x)
    for columns in _series(c):
        totals = _ceil(np.cumsum(x[columns]))
        values[columns] = np.diff(totals, prepend=0.0)
    return values


def _milestones_down(c: Compiled, x: np.ndarray, values: np.ndarray) -> np.ndarray:
    """``values`` with the binaries rounded down (1 only where the LP reached a milestone whole)."""
    binary = _is_binary(c)
    values[binary] = np.floor(x[binary] + INTEGRAL)
    return values


def _milestones_by_metric(c: Compiled, x: np.ndarray, values: np.ndarray) -> np.ndarray:
    """``values`` with each milestone reached from the period after which its LP metric stays at the threshold."""
    values = _milestones_down(c, x, values)
    for columns, share in _milestone_metrics(c, x):
        stays = np.minimum.accumulate(share[::-1])[::-1]  # min over the periods from p on
        values[columns] = (stays >= 1 - INTEGRAL).astype(float)
    return values


def _series(c: Compiled) -> list[np.ndarray]:
    """The general integer columns (counts) grouped by decision, each series in period order: the model
    indexes every integer decision by period last (``trips[v, route, p]``, ``built[v, p]``, ``flights[lv, p]``)."""
    groups: dict[tuple[str, Any], list[tuple[int, int]]] = {}
    for j in np.flatnonzero(c.integer & ~_is_binary(c)).tolist():
        var = c.columns[j]
        *key, period = var.index()
        groups.setdefault((var.parent_component().name, tuple(key)), []).append((period, j))
    return [np.array([j for _p, j in sorted(members)]) for members in groups.values()]


def _milestone_metrics(c: Compiled, x: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per milestone, its binary columns by period and the share of its threshold the plan ``x`` reaches in each:
    from the row :math:`g/\\theta - z \\ge 0` (or its negation), :math:`g/\\theta = (a x - a_z z) / (-a_z)`."""
    csr = c.matrix.tocsr()
    activity = csr @ x
    series: dict[Any, list[tuple[Any, int, float]]] = {}
    for i, row in enumerate(c.rows):
        if row.parent_component().name != THRESHOLD_ROWS:
            continue
        cols = csr.indices[csr.indptr[i]:csr.indptr[i + 1]]
        coefficients = csr.data[csr.indptr[i]:csr.indptr[i + 1]]
        (at,) = np.flatnonzero(c.integer[cols])  # the milestone's binary is the row's one integer column
        z, a_z = cols[at], coefficients[at]
        milestone, period = row.index()
        series.setdefault(milestone, []).append((period, int(z), float((activity[i] - a_z * x[z]) / -a_z)))
    out = []
    for rows in series.values():
        rows.sort()
        out.append((np.array([z for _p, z, _s in rows]), np.array([s for _p, _z, s in rows])))
    return out


# tried in this order, each (milestones, counts): see the module's docstring
ROUNDINGS: dict[str, tuple[Callable[[Compiled, np.ndarray, np.ndarray], np.ndarray], Rounding]] = {
    "metric, running totals up": (_milestones_by_metric, _running_counts_up),
    "milestones down, running totals up": (_milestones_down, _running_counts_up),
    "metric, each count up": (_milestones_by_metric, _counts_up),
}
