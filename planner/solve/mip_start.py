"""A MIP start from the LP relaxation: round its integer decisions, complete the plan by an LP, hand it over.

Branch and cut finds its first plan by its own heuristics, late on the strategic roadmaps with binary
milestones and whole ships. Before it runs, :func:`find_start` solves the LP relaxation of the same
compiled model (the integer columns made continuous; :func:`planner.solve.highs_backend.run_highs` with
the LP method of :mod:`planner.solve.method`) and rounds its plan :math:`\\bar x` to integer values
:math:`\\hat x_j` for each integer column :math:`j \\in I`. The first two roundings are both tried and the
better plan kept; the last two only when neither gives one:

``metric, running totals up``
    Milestones (the binary columns :math:`z_{mp}` of the rows ``milestone_threshold``,
    :math:`g_{mp}/\\theta_m \\ge z_{mp}`) are reached from the first period after which the LP plan's
    metric stays at the threshold: :math:`\\hat z_{mp} = [\\min_{q \\ge p} \\bar g_{mq}/\\theta_m \\ge 1]`,
    which keeps the rows :math:`z_{mp} \\ge z_{m,p-1}` and every deadline the LP met
    (:math:`\\bar z \\le \\bar g/\\theta`, so :math:`\\hat z \\ge \\lfloor \\bar z \\rfloor`). Counts (trips,
    units built, flights of integer classes: each decision's series over the periods) are rounded up as
    running totals, :math:`\\hat x_p = \\lceil X_p \\rceil - \\lceil X_{p-1} \\rceil` with
    :math:`X_p = \\sum_{q \\le p} \\bar x_q`: every running total is the LP's rounded up, so the ships
    that leave a place by period :math:`p` are still no more than those that reached it
    (:math:`\\lceil D_p \\rceil \\le \\lceil A_p \\rceil` when :math:`D_p \\le A_p`), and the fleet balances
    hold. Rounding each count up on its own does not: on the baseline without the Moon, 0.06 Mars ship
    leaving Earth in 2031 became a whole one that was not there.
``milestones one at a time, running totals up``
    A relax-and-fix over the milestones: each in turn is fixed reached from the first period where the
    current LP plan has :math:`\\bar z_{mp} \\ge 1/2` (or, if the LP with it so fixed is infeasible, by the
    metric rule above, which that plan meets), and the LP re-solved before the next; then the counts of
    the last plan are rounded as above. The LP re-plans the ships for each milestone's timing, which
    rounding one plan cannot: on the baseline this start is 0.06 % below the optimum, the one above 1.2 %;
    on its ``no_moon`` scenario it is the worse (1,389 against 1,431).
``milestones down, running totals up``
    Counts as in the first, milestones only where the LP reached them whole (:math:`\\lfloor \\bar z \\rfloor`).
``metric, each count up``
    Each count rounded up on its own, :math:`\\lceil \\bar x_j \\rceil`.

Each rounding is checked by the LP with the integer columns fixed, :math:`x_j = \\hat x_j` (bounds
lb = ub on a copy of the column bounds), which re-plans every continuous decision (cargo, propellant,
stocks, funding). Its optimum is integer feasible; it goes to HiGHS with ``Highs.setSolution`` as the
incumbent to beat (HiGHS checks it: "MIP start solution is feasible"), and the MIP gets the time limit
minus the time spent here (at most :data:`START_SHARE` of it, and :data:`START_CAP_S`: a rounding still
running then is dropped). When every fixed LP is infeasible (or the time runs out), branch and cut runs
without a start, as before.

Measured with ``python benchmarks/mip.py --roadmaps baseline,moon-first --time-limit 60`` (binary milestones,
whole Mars ships; HiGHS 1.16, one thread, this 2-core machine with the other core busy; ``--no-start`` for
"before"): seconds to the first plan, its objective, and the gap after 60 s (the objective's optimum is
written where proven). The start takes 6-8 s: the LP relaxation ~1.3 s, each fixed or dive LP ~1 s.

=========================  ===========================  =========================================
case                       before: first plan, gap      with the start: first plan, gap
=========================  ===========================  =========================================
baseline                   none in 60 s                 7.2 s, 2546.2, 1.01 % (optimum 2547.7)
baseline, cheap_launch     5.5 s, 2.87 % (2821.2)       7.4 s, 2870.1, 1.12 %
baseline, no_moon          none in 60 s                 6.6 s, 1431.1, 3.9 %
moon-first                 none in 60 s                 8.0 s, 2704.0, 0.75 %
moon-first, cheap_launch   7.6 s, 0.61 % (3070.1)       7.7 s, 3073.8, 0.49 %
moon-first, no_moon        5.8 s, 2.75 % (1678.6)       6.3 s, 1679.2, optimal after 21 s
=========================  ===========================  =========================================

A plan within 10 s now comes on every case; a proven 1 % within 60 s on three of six. What remains is
the bound, not the plan: after its root LP (~5 s on the baseline) HiGHS spends ~32 s in its first round
of cut separation and then 0-8 nodes, so the gap after 60 s is about the root LP's; the baseline's start
is 0.06 % below its optimum, which itself is 0.96 % below that bound. With the metric rounding alone
(2517.2 on the baseline, a plan in 2.2-3.0 s) one run proved the baseline optimal in 59 s: the tree's
path, not the start, decided it.
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
START_CAP_S = 8.0  # and at most this many seconds: the first plan is wanted within 10 s
INTEGRAL = 1e-6  # an LP value within this of an integer counts as that integer
HALF = 0.5  # the dive first tries each milestone reached from the first period the LP has it half reached
THRESHOLD_ROWS = "milestone_threshold"
LpSolve = Callable[[np.ndarray, np.ndarray], "tuple[np.ndarray, float] | None"]  # column bounds -> plan, objective
Rounding = Callable[[Compiled, np.ndarray, LpSolve], "np.ndarray | None"]  # LP plan -> integer columns' values


@dataclass
class MipStart:
    """The start found (``x`` None when none was), what it scores, and the time it took."""

    x: np.ndarray | None
    objective: float | None
    seconds: float
    rounding: str | None  # the rounding that gave it
    tried: list[str]
    lp_bound: float | None = None  # the LP relaxation's objective: no integer plan does better

    def summary(self) -> dict[str, Any]:
        """For ``summary.json`` (``mip_start``): with the LP bound, how far the start is from it (relative)."""
        gap = None if self.objective is None or self.lp_bound is None \
            else abs(self.lp_bound - self.objective) / max(abs(self.lp_bound), 1e-9)
        return {"given": self.x is not None, "objective": self.objective, "rounding": self.rounding,
                "tried": self.tried, "seconds": round(self.seconds, 4), "lp_bound": self.lp_bound,
                "gap_to_lp_bound": gap}


def find_start(c: Compiled, options: dict[str, Any]) -> MipStart:
    """An integer-feasible plan of the MIP ``c`` from its LP relaxation (see the module's docstring)."""
    clock = time.perf_counter()
    limit = options.get("time_limit")
    deadline = clock + min(START_CAP_S, START_SHARE * float(limit) if limit is not None else START_CAP_S)
    relaxed = _solve_lp(c, c.col_lower, c.col_upper, options, deadline)
    tried: list[str] = []

    def solve_lp(lower: np.ndarray, upper: np.ndarray) -> tuple[np.ndarray, float] | None:
        return _solve_lp(c, lower, upper, options, deadline)

    best = MipStart(x=None, objective=None, seconds=0.0, rounding=None, tried=tried)
    if relaxed is not None:
        lp_x, _ = relaxed
        for name, rounding in ROUNDINGS.items():
            if time.perf_counter() >= deadline or (best.x is not None and name in FALLBACKS):
                break
            tried.append(name)
            values = rounding(c, lp_x, solve_lp)
            if values is None:
                continue
            fixed = solve_lp(np.where(c.integer, values, c.col_lower), np.where(c.integer, values, c.col_upper))
            if fixed is not None and (best.objective is None or _better(c, fixed[1], best.objective)):
                x, objective = fixed
                x[c.integer] = values[c.integer]  # exactly integral, as fixed
                best = MipStart(x=x, objective=objective, seconds=0.0, rounding=name, tried=tried)
    best.seconds = time.perf_counter() - clock
    best.lp_bound = relaxed[1] if relaxed is not None else None
    return best


def known_start(c: Compiled, x: np.ndarray, options: dict[str, Any]) -> MipStart:
    """A plan known to be feasible (the previous lexicographic stage's, which the stage's hold row admits) as
    the start, improved by the LP with its integer decisions fixed (which re-plans everything else for this
    stage's objective; within :data:`START_CAP_S`): on the baseline with binary milestones it turned the
    value stage's start from 161 into 291 discounted GW-years (90 s in all)."""
    clock = time.perf_counter()
    values = np.clip(np.where(c.integer, np.round(x), x), c.col_lower, c.col_upper)
    best = MipStart(x=values, objective=float(c.cost @ values + c.offset), seconds=0.0,
                    rounding="the previous stage's plan", tried=["the previous stage's plan"])
    limit = options.get("time_limit")
    deadline = clock + min(START_CAP_S, START_SHARE * float(limit) if limit is not None else START_CAP_S)
    best.tried.append("its integer decisions fixed, the rest re-planned")
    fixed = _solve_lp(c, np.where(c.integer, values, c.col_lower), np.where(c.integer, values, c.col_upper), options,
                      deadline)
    if fixed is not None and _better(c, fixed[1], best.objective):
        plan, objective = fixed
        plan[c.integer] = values[c.integer]
        best = replace(best, x=plan, objective=objective, rounding=best.tried[-1])
    best.seconds = time.perf_counter() - clock
    return best


def _better(c: Compiled, objective: float, than: float) -> bool:
    return objective > than if c.maximize else objective < than


def give_start(h: highspy.Highs, start: MipStart) -> None:
    """Hand ``start``'s plan to ``h`` (holding the MIP) as its first incumbent."""
    solution = highspy.HighsSolution()
    solution.col_value = start.x.tolist()
    solution.value_valid = True
    if h.setSolution(solution) == highspy.HighsStatus.kError:
        raise RuntimeError("HiGHS refused the MIP start")


def _solve_lp(c: Compiled, lower: np.ndarray, upper: np.ndarray, options: dict[str, Any],
              deadline: float) -> tuple[np.ndarray, float] | None:
    """The optimal plan and objective of ``c`` as an LP within the given column bounds (None if it has none
    by ``deadline``, a ``time.perf_counter`` reading)."""
    left = deadline - time.perf_counter()
    if left <= 0:
        return None
    lp = replace(c, col_lower=lower, col_upper=upper, integer=np.zeros(len(c.columns), dtype=bool))
    answer = run_highs(lp, {**options, "time_limit": left}, duals=False)
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
        values[columns] = _stays(share).astype(float)
    return values


def _stays(share: np.ndarray) -> np.ndarray:
    """Whether the metric's share of the threshold stays at 1 from each period on."""
    return np.minimum.accumulate(share[::-1])[::-1] >= 1 - INTEGRAL


def _series(c: Compiled) -> list[np.ndarray]:
    """The general integer columns (counts) grouped by decision, each series in period order: the model
    indexes every integer decision by period last (``trips[v, route, p]``, ``built[v, p]``, ``flights[lv, p]``);
    a column indexed otherwise is a series of its own."""
    groups: dict[tuple[str, Any], list[tuple[int, int]]] = {}
    for j in np.flatnonzero(c.integer & ~_is_binary(c)).tolist():
        var = c.columns[j]
        index = var.index()
        key, period = (index[:-1], index[-1]) if isinstance(index, tuple) and isinstance(index[-1], int) else (j, 0)
        groups.setdefault((var.parent_component().name, key), []).append((period, j))
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


def _dive(c: Compiled, x: np.ndarray, solve_lp: LpSolve) -> np.ndarray | None:
    """Milestones fixed one at a time, each from the LP re-solved with those before it fixed: reached from the
    first period its :math:`\\bar z \\ge` :data:`HALF`, else by :func:`_milestones_by_metric`'s rule (which
    that LP's plan meets); then counts by running totals up. None when a milestone fits neither."""
    lower, upper = c.col_lower.copy(), c.col_upper.copy()
    for k, (columns, _share) in enumerate(_milestone_metrics(c, x)):
        if not np.isnan(_integral(x[columns])).any():
            lower[columns] = upper[columns] = np.round(x[columns])
            continue
        for reached in (x[columns] >= HALF, _stays(_milestone_metrics(c, x)[k][1])):
            trial_lower, trial_upper = lower.copy(), upper.copy()
            trial_lower[columns] = trial_upper[columns] = reached.astype(float)
            solved = solve_lp(trial_lower, trial_upper)
            if solved is not None:
                break
        else:
            return None
        lower, upper, x = trial_lower, trial_upper, solved[0]
    values = _milestones_down(c, x, _running_counts_up(c, x))
    fixed = _is_binary(c) & (lower == upper)
    values[fixed] = lower[fixed]
    return values


def _rounded(milestones: Callable[[Compiled, np.ndarray, np.ndarray], np.ndarray],
             counts: Callable[[Compiled, np.ndarray], np.ndarray]) -> Rounding:
    """A rounding of the LP plan alone: its counts, then its milestones set."""
    return lambda c, x, _solve_lp: milestones(c, x, counts(c, x))


# tried in this order (see the module's docstring): the first two both, the best plan kept; the fallbacks only
# while neither gave a plan
ROUNDINGS: dict[str, Rounding] = {
    "metric, running totals up": _rounded(_milestones_by_metric, _running_counts_up),
    "milestones one at a time, running totals up": _dive,
    "milestones down, running totals up": _rounded(_milestones_down, _running_counts_up),
    "metric, each count up": _rounded(_milestones_by_metric, _counts_up),
}
FALLBACKS = ("milestones down, running totals up", "metric, each count up")
