"""In-place, warm-started re-solves on a worker: one HiGHS instance per roadmap, updated between scenarios.

The model is built once per worker. The first scenario of a roadmap on a worker, the *reference*, is built,
compiled and solved from scratch, and its model is kept when every key the sweep varies is a number the model
reads only through mutable parameters (:mod:`planner.model.parameters`: launch prices and caps, payload,
specific power, compute costs and revenue, chip supply, funding, factory productivity, discounting). A later
scenario whose roadmap differs from the reference's only in such keys (the roadmap data with the varied keys
blanked must be equal: a file edited mid-sweep is noticed) takes its numbers through the kept model: its
parameters are set from the scenario's data and only the rows that read a parameter are read again
(:mod:`planner.solve.parametric`; about 5 ms on baseline.yaml against 0.1 s to build and compile the model),
giving the matrices a rebuild would give, bit for bit. Any other scenario, or one whose numbers change the
sparsity pattern (a parameter that was zero, now not), is built and compiled as usual.

Either way the LP is not handed to a fresh HiGHS. When its structure (shape, sparsity pattern, integrality,
sense) equals the one the worker's instance already holds, the instance is changed in place: every cost,
column bound and row bound, and the matrix coefficients that differ, so that HiGHS then holds the new LP
number for number (were a row or column to stand for something else in the new model, only the warm start
would be poorer, never the answer: the solution is read back by the new model's own column order); then
simplex restarts from the optimal basis of the nearest scenario the worker has solved (by the scenario's
design point, the varied values scaled to [0, 1] and weighed by :mod:`planner.sweep.sensitivity`; the last
:data:`KEPT_BASES` optimal bases are kept). The sweep feeds each worker its scenarios along a
nearest-neighbour tour of the design (:mod:`planner.sweep.tour`), so the nearest is usually the one just
solved. HiGHS skips presolve when it has a basis. A scenario whose structure differs becomes the new
reference.

The warm attempt runs the dual simplex (:data:`WARM_OPTIONS`), whatever the profile's LP method: a
sweep's variations change costs, bounds and coefficients at once, so the old basis is usually neither
primal nor dual feasible, and from it the dual simplex needed 2-4x fewer iterations than the primal one
(baseline.yaml, neighbours 0.1-0.3 apart in a 200-point design of four factors scaled to [0, 1]:
1,600-5,200 iterations against 3,600-11,200; a cold primal solve with presolve takes ~14,000). Its cost
perturbation, which HiGHS adds against stalling on degenerate bases, is off: from a nearby basis it
mostly cost iterations (12 consecutive steps of the same tour: 2,300 iterations and 0.5 s per re-solve
on average without it, 3,500 and 0.85 s with it; Devex pricing instead of dual steepest edge: 0.9 s).
What the iterations are for (one tour step, measured): the changed costs alone leave the old basis optimal
(0 iterations); the changed coefficients and bounds leave ~100 reduced costs of the wrong sign, so the dual
simplex starts in its phase 1 (308 of 724 iterations), at ~270 µs an iteration against ~80 in a cold solve.
Solving the row and coefficient changes first (dual) and the cost changes after (primal) gave the same
counts over eight steps; the primal simplex alone took 2-7x more. Each re-solve also pays a fixed ~60 ms:
a changed matrix coefficient makes HiGHS drop its factorization and its dual steepest-edge weights, which
it computes afresh from the new basis (one BTRAN per row: 55-70 ms of 4,646 rows; with only bounds changed
a re-solve keeps both, 44 iterations in 13 ms against 34 in 89 ms after rewriting one coefficient to its
own value). Devex pricing, which needs no such weights, took 1.3-2.7x the iterations and more time (0.22
against 0.15 s per re-solve over 99 steps of the weighed tour), Dantzig's 5x the iterations (0.32 s).

A warm start from a far-away basis (or one that stalls) can be slower than a cold solve with presolve,
so the warm attempt gets at most :data:`WARM_ITERATION_SHARE` of the reference solve's simplex
iterations. Past that, or when its optimum violates a row by more than the plan check allows (the dual
simplex's tolerances hold on HiGHS's scaled model: a few warm answers missed 1e-5 on the rows as
written), it is solved again from scratch on the same instance with the profile's own options
(``restart``: no Pyomo rebuild). For anything but an optimal plan the scenario falls back to the
ordinary cold :func:`planner.solve` (which also raises the proper errors). Only single-stage LP
objectives without learning curves take this path; the others always solve cold. Instances are kept per
worker thread, so threads never share one; models never leave the worker.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import highspy
import numpy as np

from planner import collector
from planner.io.load import LoadedRoadmap
from planner.model import BuiltModel, build_model
from planner.model.data import build_data
from planner.model.parameters import covers, set_parameters
from planner.model.registry import Registry
from planner.results.tables import plan_tables
from planner.solve.highs_backend import (
    FEASIBILITY_TOLERANCE,
    Compiled,
    compile_model,
    load_values,
    max_violation,
    new_highs,
    pass_model,
)
from planner.solve.parametric import ParametricModel
from planner.solve.run import SolveOptions

WARM_ITERATION_SHARE = 0.5
MIN_WARM_ITERATIONS = 1000
KEPT_BASES = 256
# the dual simplex, from the basis given, without perturbing the costs (see the module text)
WARM_OPTIONS = {"solver": "simplex", "simplex_strategy": 1, "dual_simplex_cost_perturbation_multiplier": 0.0}


@dataclass
class Solved:
    """A scenario's answer as the sweep keeps it (from a warm re-solve or from :func:`planner.solve`)."""

    objective: float
    status: str
    tables: dict[str, Any]
    loaded: LoadedRoadmap
    labels: list[str]
    path: str  # reference (cold, on a new instance) | warm (in place) | restart (in place, from scratch) | cold
    solve_s: float  # seconds in HiGHS: the cold run, or the in-place update and the warm run (and a restart)
    iterations: int | None = None  # simplex iterations of the run that gave it (not known for cold)
    built: bool = True  # whether its model was built (False: the kept model's parameters were set)


@dataclass
class _Kept:
    """A reference scenario's model, kept to take the next scenarios' numbers through its parameters."""

    built: BuiltModel
    parametric: ParametricModel
    base: dict[str, Any]  # the roadmap's data with the varied keys blanked: what must not differ


@dataclass
class _Instance:
    highs: highspy.Highs
    compiled: Compiled  # the numbers of the LP the instance holds now (no Pyomo rows or columns: see _numbers)
    iterations: int  # simplex iterations of the reference solve (cold, with presolve)
    bases: list[tuple[np.ndarray, Any]]  # (design point, optimal basis) of scenarios solved here
    kept: _Kept | None = None


_LOCAL = threading.local()  # per worker thread (an existing cluster may run several threads per worker)


def _instances() -> dict[str, _Instance]:
    """This thread's HiGHS instances, by roadmap file."""
    return _LOCAL.__dict__.setdefault("instances", {})


def warm_solve(loaded: LoadedRoadmap, options: SolveOptions, point: tuple[float, ...] = (),
               overrides: Mapping[str, Any] | None = None) -> Solved | None:
    """Solve ``loaded`` (at design ``point``, made by ``overrides`` of its file) on the worker's HiGHS
    instance; None when the cold path must."""
    if any(lv.learning for lv in loaded.roadmap.launch_vehicles.values()):
        return None
    key = str(loaded.path.resolve())
    instance = _instances().get(key)
    varied = dict(overrides or {})
    made = _from_kept(instance.kept, loaded, varied) if instance is not None and instance.kept else None
    built_now = made is None
    if made is None:
        made = _build(loaded)
        if made is None:
            return None
    built, compiled = made
    start = time.perf_counter()
    if instance is None or not _same_structure(instance, compiled):
        path = "reference"
        instance = _reference(compiled, options.highs_options())
        if instance is None:
            return None
        instance.kept = _keep(built, compiled, loaded, varied)
        _instances()[key] = instance
    else:
        path = _rerun(instance, compiled, np.asarray(point, dtype=float))
    solve_s = time.perf_counter() - start
    h = instance.highs
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None
    instance.bases = (instance.bases + [(np.asarray(point, dtype=float), h.getBasis())])[-KEPT_BASES:]
    x = np.asarray(h.getSolution().col_value, dtype=float)
    if max_violation(compiled, x) > FEASIBILITY_TOLERANCE:
        return None
    load_values(compiled, x, built.model)
    solved = Solved(objective=float(h.getInfo().objective_function_value), status="optimal",
                    tables=plan_tables(built, loaded, options.quantities), loaded=loaded,
                    labels=list(built.data.timeline.labels), path=path, solve_s=solve_s,
                    iterations=int(h.getInfo().simplex_iteration_count), built=built_now)
    if instance.kept is None or instance.kept.built is not built:
        collector.release(built.model)
    return solved


def _build(loaded: LoadedRoadmap) -> tuple[BuiltModel, Compiled] | None:
    """The scenario's model, built and compiled (keeping where its parameters reach the matrices); None when
    it is not a single-stage LP read directly."""
    built = build_model(loaded.roadmap)
    if len(built.stages) != 1:
        return None
    built.model.sweep_objective = built.stages[0].objective()
    try:
        compiled = compile_model(built.model, keep_parameters=True)
    except ValueError:
        return None
    if compiled.is_mip or compiled.parameters is None:
        return None
    return built, compiled


def _keep(built: BuiltModel, compiled: Compiled, loaded: LoadedRoadmap, varied: dict[str, Any]) -> _Kept | None:
    """The reference's model to keep, when every varied key is a number read only through parameters
    (:mod:`planner.model.parameters`)."""
    if not _numbers_only(built.registry, varied):
        return None
    return _Kept(built=built, parametric=ParametricModel(compiled), base=_blanked(loaded.origin.data, varied))


def _from_kept(kept: _Kept, loaded: LoadedRoadmap, varied: dict[str, Any]) -> tuple[BuiltModel, Compiled] | None:
    """The kept model with this scenario's numbers, without building it; None when the scenario differs from
    the kept one in more than covered numbers, or its numbers change the matrices' structure."""
    if not _numbers_only(kept.built.registry, varied) or _blanked(loaded.origin.data, varied) != kept.base:
        return None
    data = build_data(loaded.roadmap)
    built = kept.built
    if data.timeline != built.data.timeline:  # its growth splits other periods (planner.model.refinement)
        return None
    if not set_parameters(built.model, built.registry, data):
        return None
    compiled = kept.parametric.numbers()
    if compiled is None:
        return None
    built.data = data
    return built, compiled


def _numbers_only(registry: Registry, varied: Mapping[str, Any]) -> bool:
    """Whether every varied key is set to a value (not to none) and read by the model only through parameters."""
    return all(value is not None and covers(registry, key) for key, value in varied.items())


def _blanked(data: Any, varied: Mapping[str, Any]) -> Any:
    """``data`` (plain roadmap data) with the value at each varied dotted key replaced by None."""
    for key in varied:
        data = _blank(data, key.split("."))
    return data


def _blank(data: Any, parts: list[str]) -> Any:
    if not parts:
        return None
    head, rest = parts[0], parts[1:]
    if isinstance(data, dict) and head in data:  # overrides set mapping keys only (planner.io.compose)
        return {**data, head: _blank(data[head], rest)}
    return data


def _reference(compiled: Compiled, highs_options: dict[str, Any]) -> _Instance | None:
    h = new_highs(highs_options)
    pass_model(h, compiled, compiled.col_lower, compiled.col_upper, compiled.integer)
    h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None
    return _Instance(highs=h, compiled=_numbers(compiled), iterations=int(h.getInfo().simplex_iteration_count),
                     bases=[])


def _rerun(instance: _Instance, compiled: Compiled, point: np.ndarray) -> str:
    """Update the instance to ``compiled`` and re-solve from the nearest basis by the dual simplex with capped
    iterations; past the cap, or when its optimum misses :data:`FEASIBILITY_TOLERANCE` on the unscaled rows,
    solve it again from scratch (presolve on, the profile's options) on the same instance. Say which happened."""
    _update(instance, compiled)
    h = instance.highs
    h.setBasis(_nearest(instance.bases, point))
    cap = max(MIN_WARM_ITERATIONS, int(WARM_ITERATION_SHARE * instance.iterations))
    own = {key: h.getOptionValue(key)[1] for key in (*WARM_OPTIONS, "simplex_iteration_limit")}  # (status, value)
    for key, value in {**WARM_OPTIONS, "simplex_iteration_limit": cap}.items():
        h.setOptionValue(key, value)
    h.run()
    for key, value in own.items():
        h.setOptionValue(key, value)
    status = h.getModelStatus()
    inexact = status == highspy.HighsModelStatus.kOptimal and _violation(h, compiled) > FEASIBILITY_TOLERANCE
    if status != highspy.HighsModelStatus.kIterationLimit and not inexact:
        return "warm"
    h.clearSolver()
    h.run()
    return "restart"


def _violation(h: highspy.Highs, compiled: Compiled) -> float:
    """The largest violation of a row or bound by the instance's solution (see :func:`max_violation`)."""
    return max_violation(compiled, np.asarray(h.getSolution().col_value, dtype=float))


def _nearest(bases: list[tuple[np.ndarray, Any]], point: np.ndarray) -> Any:
    """The basis solved at the design point nearest to ``point`` (the latest one when points are absent)."""
    usable = [(where, basis) for where, basis in bases if where.shape == point.shape]
    if not usable or point.size == 0:
        return bases[-1][1]
    distances = [float(np.sum((where - point) ** 2)) for where, _basis in usable]
    return usable[int(np.argmin(distances))][1]


def _same_structure(instance: _Instance, compiled: Compiled) -> bool:
    """Whether ``compiled`` differs from the instance's LP in numbers only (see the module text)."""
    held = instance.compiled
    return (held.matrix.shape == compiled.matrix.shape and held.maximize == compiled.maximize
            and np.array_equal(held.matrix.indptr, compiled.matrix.indptr)
            and np.array_equal(held.matrix.indices, compiled.matrix.indices)
            and np.array_equal(held.integer, compiled.integer))


def _update(instance: _Instance, new: Compiled) -> None:
    """Change the instance's costs, bounds and differing coefficients to those of ``new``."""
    h, old = instance.highs, instance.compiled
    n, m = len(new.columns), len(new.rows)
    cols, rows = np.arange(n, dtype=np.int32), np.arange(m, dtype=np.int32)
    h.changeColsCost(n, cols, new.cost)
    h.changeColsBounds(n, cols, new.col_lower, new.col_upper)
    h.changeRowsBounds(m, rows, new.row_lower, new.row_upper)
    h.changeObjectiveOffset(new.offset)
    changed = np.flatnonzero(new.matrix.data != old.matrix.data)
    column_of = np.repeat(np.arange(n), np.diff(new.matrix.indptr))
    for k in changed:
        h.changeCoeff(int(new.matrix.indices[k]), int(column_of[k]), float(new.matrix.data[k]))
    instance.compiled = _numbers(new)


def _numbers(compiled: Compiled) -> Compiled:
    """``compiled`` without its Pyomo rows, columns and parameter rows: all an instance needs to compare and
    update, and it lets the scenario's model go when the scenario is done."""
    return replace(compiled, rows=[], columns=[], parameters=None)
