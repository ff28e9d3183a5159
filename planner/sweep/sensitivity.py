"""How far apart two scenarios are for a warm start: each varied key weighed by the simplex work it causes.

The tour (:mod:`planner.sweep.tour`) and the choice of the basis a warm re-solve starts from
(:mod:`planner.sweep.warm`) both measure the distance between design points. With every coordinate scaled
to [0, 1] the keys count alike, but they do not move the optimal basis alike: on roadmaps/baseline.yaml,
each key alone raised 3 % from the same optimum took, in dual simplex iterations, 8 (Starship flight cap),
36 (launch price), 85 (specific power) and 496 (compute revenue). A tour that treats them alike steps as
far in revenue as in the flight cap; one that weighs them steps mostly along the cheap keys.

So before a warm sweep is ordered, one worker *probes*: it solves the design point nearest the centre
(cold, as every worker's first scenario), then for each varied key a copy of it in which only that key
takes another value of the design, about :data:`STEP` of the key's range away, re-solved warm from the
centre's basis. With :math:`n_k` the probe's simplex iterations and :math:`s_k` the step in scaled units,
the key's cost rate is :math:`c_k = n_k / s_k` and its weight

.. math:: w_k = \\max\\left(\\sqrt{c_k / \\max_j c_j},\\; w_{\\min}\\right),

and every design point's coordinate :math:`k` is multiplied by :math:`w_k` before the tour is made. The
square root damps one probe's noise (a single step of a degenerate LP); :math:`w_{\\min}` =
:data:`MIN_WEIGHT` keeps a key whose probe took no iterations from being ignored at larger steps.
Measured on the benchmark's sweep (``benchmarks/bench_sweep.py``: four keys, 200-point Latin hypercube, each
of its two lanes of 100 scenarios re-solved in one process): the probe weighs the keys 0.20 (flight cap),
0.25 (price), 0.47 (specific power), 1 (revenue), and the mean warm re-solve takes 512 and 537 dual simplex
iterations on the two lanes against 845 and 897 unweighted (0.16-0.17 s of HiGHS against 0.21-0.23). Weights
in proportion to :math:`c_k` (no square root) gave 497, hand-set ones between the two 435-514: the order is
not sensitive to the exact weights, only to weighing the dear keys.

The weights change the order in which scenarios are solved and which basis each starts from, never a
result. A key whose probe cannot be re-solved warm weighs 1; so do all keys when the roadmap cannot be
re-solved warm at all (several stages, integer variables, learning curves).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from planner import collector
from planner.sweep.scenario import Task
from planner.sweep.warm import warm_solve

STEP = 0.1
MIN_WEIGHT = 0.05


def probes(tasks: Sequence[Task]) -> tuple[Task, list[tuple[Task, float]]]:
    """The probe's centre (the task nearest the design's centre) and, per varied key, a copy of it with only
    that key changed to another task's value about :data:`STEP` away, with the step in scaled units."""
    points = np.asarray([t.point for t in tasks], dtype=float)
    centre = int(np.argmin(np.sum((points - 0.5) ** 2, axis=1)))
    base = tasks[centre]
    keys = list(base.overrides)
    out = []
    for k, key in enumerate(keys):
        aim = base.point[k] + (STEP if base.point[k] <= 1 - STEP else -STEP)
        other = int(np.argmin(np.abs(points[:, k] - aim)))
        step = abs(float(points[other, k]) - base.point[k])
        point = tuple(float(points[other, k]) if j == k else x for j, x in enumerate(base.point))
        overrides = {**base.overrides, key: tasks[other].overrides[key]}
        out.append((replace(base, scenario=f"probe-{key}", overrides=overrides, point=point), step))
    return base, out


def probe_weights(base: Task, steps: Sequence[tuple[Task, float]]) -> list[float]:
    """Each varied key's weight (see the module text), from warm re-solves of ``steps`` after ``base``.

    Runs on a worker. Its HiGHS instance keeps the probes' bases for the scenarios that follow, under their
    unweighed points: all of them lie near the design's centre, so which one a later scenario starts from
    hardly depends on the weights."""
    with collector.paused():  # whole models made and dropped: see planner.collector
        options = base.solve_options()
        if warm_solve(base.load(), options, base.point, base.overrides) is None:
            return [1.0] * len(steps)
        rates: list[float | None] = []
        for task, step in steps:
            solved = warm_solve(task.load(), options, task.point, task.overrides)
            usable = solved is not None and solved.path == "warm" and step > 0
            rates.append(solved.iterations / step if usable else None)
    return weights(rates)


def weights(rates: Sequence[float | None]) -> list[float]:
    """:math:`w_k` from the cost rates :math:`c_k` (None: unknown, weighs 1; all zero: all weigh 1)."""
    known = [r for r in rates if r is not None]
    top = max(known, default=0.0)
    if top <= 0:
        return [1.0] * len(rates)
    return [1.0 if r is None else max(math.sqrt(r / top), MIN_WEIGHT) for r in rates]


def weighed(tasks: Sequence[Task], key_weights: Sequence[float]) -> list[Task]:
    """``tasks`` with every design point's coordinates multiplied by the keys' weights."""
    w = np.asarray(key_weights, dtype=float)
    return [replace(t, point=tuple(float(x) for x in np.asarray(t.point, dtype=float) * w)) for t in tasks]

