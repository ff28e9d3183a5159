"""Rolling horizon (myopic) solves: a long horizon planned one window of years at a time, as PyPSA's and
TEMOA's myopic modes do.

Window :math:`k` plans the periods from its commit point :math:`c_k` to its end :math:`e_k`, the first
period start at least ``window_years`` after :math:`c_k` (or the horizon's end). It is the roadmap cut at
:math:`e_k` (same start, same periods up to :math:`e_k`; milestone deadlines after :math:`e_k` dropped),
built and solved with every decision of a period before :math:`c_k` held at what the earlier windows chose
(a decision an earlier window could not take, such as a departure that would have landed after its end, at
0). The end of each window is valued by the roadmap's end-of-horizon rule, as the horizon's end is. The next
window commits from the first period start at least ``overlap_years`` before :math:`e_k`, so the last
``overlap_years`` of a window are planned again with the years after them in view. The last window ends at the
horizon's end: its plan is the rolling plan, and its objective is the full objective of that plan, so the
objective lost against the full solve is the difference of the two (``python benchmarks/rolling.py``).

A decision belongs to the period in the last position of its index that is a period (the departure period
of a trip, the deployment period of a satellite built earlier). Learning curves iterate in the last window
only (the earlier windows use the costs the roadmap starts with). Objectives that require every milestone
(``min_cost``) are refused: a window would have to reach a milestone due after its end.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date
from typing import Any

import pyomo.core as pyo

from planner.errors import Problem, RoadmapError
from planner.io.load import LoadedRoadmap
from planner.model import BuiltModel, build_model
from planner.model.data import solve_timeline
from planner.model.objective import REQUIRES_ALL_MILESTONES
from planner.schema.network import TimeSpec
from planner.schema.roadmap import Roadmap
from planner.timeline import as_date

Values = dict[tuple[str, Any], float]  # (variable component, index) -> value


@dataclass(frozen=True)
class Window:
    """Periods ``commit`` (first planned anew) to ``end`` (exclusive) of the full timeline."""

    commit: int
    end: int


def windows(start_years: list[float], window_years: float, overlap_years: float) -> list[Window]:
    """The windows over periods starting at ``start_years`` (decimal years)."""
    if not window_years > 0 or not 0 <= overlap_years < window_years:
        raise RoadmapError([Problem(f"window {window_years:g} years, overlap {overlap_years:g} years",
                                    key="--window-years",
                                    allowed="a window above 0 years and an overlap from 0 to less than the window")])
    n = len(start_years)
    out, commit = [], 0
    while True:
        end = next((p for p in range(commit + 1, n) if start_years[p] >= start_years[commit] + window_years - 1e-9), n)
        out.append(Window(commit, end))
        if end == n:
            return out
        commit = max(commit + 1, next(p for p in range(n) if start_years[p] >= start_years[end] - overlap_years - 1e-9))


def cut(roadmap: Roadmap, end: date) -> Roadmap:
    """``roadmap`` with its horizon ending at ``end`` (a period start), its later deadlines dropped."""
    spec = roadmap.time
    if spec.dates is not None:
        time_spec = TimeSpec(dates=[d for d in spec.dates if d < end], end=end,
                             max_growth_per_period=spec.max_growth_per_period)
    else:
        time_spec = TimeSpec(start=spec.start, end=end, step=spec.step,
                             max_growth_per_period=spec.max_growth_per_period)
    milestones = {name: ms.model_copy(update={"deadline": None})
                  if ms.deadline is not None and as_date(ms.deadline, end_of_year=True) >= end else ms
                  for name, ms in roadmap.milestones.items()}
    return roadmap.model_copy(update={"time": time_spec, "milestones": milestones})


def period_position(built: BuiltModel) -> dict[str, int]:
    """Variable component -> the position of its period in its index: the last dimension named ``period``
    (registered quantities), else the last integer of its first index."""
    dims = {q.component: q.dims for q in built.registry.quantities}
    out = {}
    for var in built.model.component_objects(pyo.Var, descend_into=False):
        names = dims.get(var.name)
        if names is not None and "period" in names:
            out[var.name] = len(names) - 1 - names[::-1].index("period")
            continue
        first = next(iter(var.keys()), None)
        if first is None:  # an empty family in this window (nothing of its kind yet): nothing to hold
            continue
        index = first if isinstance(first, tuple) else (first,)
        out[var.name] = max(i for i, x in enumerate(index) if isinstance(x, int))
    return out


def hold(built: BuiltModel, before: int, values: Values) -> int:
    """Hold every decision of a period before ``before`` at its value in ``values`` (0 when absent), as
    bounds (fixing would take the model off the direct compile); returns how many were held."""
    position = period_position(built)
    held = 0
    for var in built.model.component_objects(pyo.Var, descend_into=False):
        at = position.get(var.name)
        if at is None:
            continue
        for index, data in var.items():
            period = index[at] if isinstance(index, tuple) else index
            if period < before:
                x = values.get((var.name, index), 0.0)
                data.setlb(x)
                data.setub(x)
                held += 1
    return held


def values_of(built: BuiltModel) -> Values:
    return {(var.name, index): float(data.value or 0.0)
            for var in built.model.component_objects(pyo.Var, descend_into=False) for index, data in var.items()}


def solve_rolling(loaded: LoadedRoadmap, solve_built: Any, solve_window: Any, window_years: float,
                  overlap_years: float, timings: dict[str, float]) -> tuple[BuiltModel, Any, list[dict[str, Any]]]:
    """Solve ``loaded`` window by window: each window but the last by ``solve_window(built)``, the last by
    ``solve_built(built)`` (whose answer is returned with the last window's model and a record per window)."""
    roadmap = loaded.roadmap
    if roadmap.objective.mode in REQUIRES_ALL_MILESTONES:
        raise RoadmapError([Problem(f"objective mode '{roadmap.objective.mode}' requires every milestone by the "
                                    f"horizon's end, which a window cannot promise", key="objective.mode",
                                    allowed="a rolling horizon with max_value, lexicographic, "
                                            "min_launch_mass or max_delivered")])
    timeline, split = solve_timeline(roadmap)
    if split is not None:  # periods split for the solve (planner.model.refinement): windows cut the parts
        roadmap = roadmap.model_copy(update={"time": TimeSpec(dates=list(timeline.starts), end=timeline.end,
                                                              max_growth_per_period=None)})
    plan_windows = windows([float(y) for y in timeline.start_years], window_years, overlap_years)
    values: Values = {}
    records = []
    for k, w in enumerate(plan_windows):
        last = k == len(plan_windows) - 1
        start = time.perf_counter()
        built = build_model(roadmap if last else cut(roadmap, timeline.starts[w.end]))
        built.data.refined = split  # the roadmap's own periods were split: the summary says so
        held = hold(built, w.commit, values)
        timings["build_s"] = timings.get("build_s", 0.0) + time.perf_counter() - start
        start = time.perf_counter()
        answer = solve_built(built) if last else solve_window(built)
        records.append({"commit": timeline.labels[w.commit], "end": timeline.labels[w.end - 1],
                        "held_variables": held, "objective": float(answer.objective),
                        "seconds": round(time.perf_counter() - start, 3)})
        if last:
            return built, answer, records
        values.update(values_of(built))
    raise AssertionError("the last window returns")
