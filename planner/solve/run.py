"""Solve a loaded roadmap: build the model, optimize its objective stages in order, iterate learning
curves to their fixed point, and return the plan as tidy tables with a machine-readable summary."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pyomo.core as pyo
from pyomo.common.gc_manager import PauseGC

from planner import collector
from planner.errors import InfeasibleError, NoPlanError, Problem, RoadmapError
from planner.io.load import LoadedRoadmap
from planner.model import BuiltModel, build_model
from planner.model.data import ModelData
from planner.model.launch import learning_curves as launch_curves
from planner.model.refinement import coarse_periods
from planner.model.supply import learning_curves as source_curves
from planner.solve.budget import TimeBudget
from planner.solve.highs_backend import (
    FEASIBILITY_TOLERANCE,
    Compiled,
    HighsAnswer,
    compile_model,
    highs_version,
    load_values,
    run_highs,
)
from planner.solve.numerics import inspect
from planner.solve.profiles import load_profile

STAGE_TOLERANCE = 1e-6
MIN_STAGE_S = 1e-3  # a later stage's time limit when those before used it up (HiGHS then returns its start)
LEARNING_TOLERANCE = 1e-4

# HiGHS branch-and-cut settings for the strategic MIPs (binary milestones), under any profile's options:
# no sub-MIP heuristics (RINS, RENS, root reduced cost) and branching on pseudo-costs without strong
# branching. With HiGHS's defaults the root spends its time in sub-MIPs and repair LPs that re-solve the
# 7,600-column LP; without them the shipped roadmaps are proven optimal after 5 to 20 nodes. Measured with
# `integer: auto` (HiGHS 1.16, one thread, CPU seconds, same optima; the LPs take 1.6, 1.9, 2.6):
# baseline 38.1 -> 5.2, seed-vision 13.6 -> 3.7, moon-first 24.5 -> 6.2. Not yet robust: the no_moon
# scenarios take 13-16 s and seed-vision's finds no plan within 60 s either way. LPs ignore these options.
MIP_OPTIONS: dict[str, Any] = {
    "mip_heuristic_run_rins": False,
    "mip_heuristic_run_rens": False,
    "mip_heuristic_run_root_reduced_cost": False,
    "mip_pscost_minreliable": 0,
}


def check_time_limit(seconds: float | None) -> None:
    """Refuse a ``--time-limit`` that is not a number of seconds above 0."""
    if seconds is not None and not seconds > 0:
        raise RoadmapError([Problem(f"time limit {seconds:g} s", key="--time-limit",
                                    allowed="a number of seconds above 0")])


@dataclass
class SolveOptions:
    """How to solve: a HiGHS profile (over :data:`MIP_OPTIONS`) plus command-line overrides."""

    profile: str = "default"
    time_limit_s: float | None = None
    mip_gap: float | None = None
    threads: int | None = None
    export_model: Path | None = None
    duals: bool = True
    condition: bool = True  # solve the reduced, row-scaled copy (planner.solve.numerics); false: the model as built
    mip_start: bool = True  # start a MIP from its rounded LP relaxation (planner.solve.mip_start)
    quantities: frozenset[str] | None = None  # the plan's quantities to tabulate (None: all; see plan_tables)
    window_years: float | None = None  # a rolling horizon of windows this long (planner.solve.rolling); None: one solve
    overlap_years: float = 0.0  # the years at the end of a window that the next window plans again
    # called just before each HiGHS solve: highspy releases the GIL while HiGHS runs, so work a caller
    # starts on a thread here uses the other core (the CLI imports the report's modules)
    before_highs: Callable[[], Any] | None = None

    def highs_options(self) -> dict[str, Any]:
        check_time_limit(self.time_limit_s)
        if self.mip_gap is not None and not 0 <= self.mip_gap < 1:
            raise RoadmapError([Problem(f"MIP gap {self.mip_gap:g}", key="--mip-gap",
                                        allowed="0 to 1 (0.01 is 1 %)")])
        options = {**MIP_OPTIONS, **load_profile(self.profile)}
        if self.time_limit_s is not None:
            options["time_limit"] = float(self.time_limit_s)
        if self.mip_gap is not None:
            options["mip_rel_gap"] = float(self.mip_gap)
        if self.threads is not None:
            options["threads"] = int(self.threads)
        return options


@dataclass
class Plan:
    """The answer: status, objective, tables and the summary written beside them."""

    loaded: LoadedRoadmap
    built: BuiltModel
    status: str
    objective: float
    stage_objectives: dict[str, float]
    mip_gap: float
    tables: dict[str, Any]
    summary: dict[str, Any]
    duals: Any = None
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def proven_optimal(self) -> bool:
        return self.status == "optimal"


def solve(loaded: LoadedRoadmap, options: SolveOptions | None = None,
          timings: dict[str, float] | None = None) -> Plan:
    """Optimize ``loaded``; raise :class:`InfeasibleError` or :class:`NoPlanError` when there is no plan."""
    options = options or SolveOptions()
    timings = dict(timings or {})
    highs_options = options.highs_options()
    # --time-limit covers the solve and, when there is no plan, its diagnosis: the diagnosis has what is left
    budget = TimeBudget(options.time_limit_s) if options.time_limit_s is not None else None
    if options.window_years is not None:
        return _solve_rolling(loaded, highs_options, options, timings, budget)
    start = time.perf_counter()
    with PauseGC():  # building creates millions of small objects; the cyclic collector only slows it
        built = build_model(loaded.roadmap)
    timings["build_s"] = time.perf_counter() - start
    with collector.frozen():  # the model just built: see planner.collector
        return _solve_built(loaded, built, highs_options, options, timings, budget)


def _solve_rolling(loaded: LoadedRoadmap, highs_options: dict[str, Any], options: SolveOptions,
                   timings: dict[str, float], budget: TimeBudget | None) -> Plan:
    """A rolling-horizon solve (:mod:`planner.solve.rolling`): the plan of its last window, with a record of
    every window in the summary."""
    from planner.solve.rolling import solve_rolling

    quiet = replace(options, export_model=None, duals=False)

    def window(built: BuiltModel) -> HighsAnswer:
        with collector.frozen():
            return solve_stages(built, highs_options, quiet, timings, budget)[1]

    def last(built: BuiltModel) -> Plan:
        with collector.frozen():
            return _solve_built(loaded, built, highs_options, options, timings, budget)

    with PauseGC():
        _built, plan, records = solve_rolling(loaded, last, window, options.window_years, options.overlap_years,
                                              timings)
    plan.summary["rolling_horizon"] = {"window_years": options.window_years, "overlap_years": options.overlap_years,
                                       "windows": records}
    return plan


def _solve_built(loaded: LoadedRoadmap, built: BuiltModel, highs_options: dict[str, Any], options: SolveOptions,
                 timings: dict[str, float], budget: TimeBudget | None) -> Plan:
    curves = launch_curves(built.model, built.data) + source_curves(built.model, built.data)
    iterations = max([c.iterations for c in curves], default=1)
    learning: dict[str, Any] | None = None
    for solves in range(1, iterations + 1):
        compiled, answer, stage_values = solve_stages(built, highs_options, options, timings, budget)
        if not curves:
            break
        changed = 0.0
        for curve in curves:
            param = getattr(built.model, curve.param)
            for key, cost in zip(curve.index, curve.costs(curve.amounts(built.model)), strict=True):
                old = pyo.value(param[key])
                changed = max(changed, abs(cost - old) / max(abs(old), 1e-9))
                param[key] = float(cost)
        learning = {"converged": bool(changed < LEARNING_TOLERANCE), "solves": solves, "largest_change": float(changed),
                    "tolerance": LEARNING_TOLERANCE}
        if learning["converged"]:
            break
    from planner.results.fractional import fractional_counts  # pandas: imported while HiGHS solved
    from planner.results.headlines import headlines
    from planner.results.tables import plan_tables  # (reports.preload)

    start = time.perf_counter()
    tables = plan_tables(built, loaded, options.quantities)
    timings["extract_s"] = time.perf_counter() - start
    duals = _dual_table(compiled, answer, built.data)
    start = time.perf_counter()
    numerics = inspect(compiled, built.registry).to_json()
    timings["numerics_s"] = time.perf_counter() - start
    summary = _summary(loaded, built, compiled, answer, stage_values, timings)
    summary["numerics"] = numerics
    summary["learning_curve"] = learning
    summary["fractional"] = fractional_counts(tables["plan"], built.data)
    summary["coarse_grid"] = coarse_periods(built.data)
    summary["refined_grid"] = built.data.refined
    summary["headlines"] = headlines(tables, list(built.data.timeline.labels), loaded.roadmap)
    return Plan(loaded=loaded, built=built, status=answer.status, objective=float(answer.objective),
                stage_objectives=stage_values, mip_gap=float(answer.mip_gap or 0.0), tables=tables,
                summary=summary, duals=duals, timings=timings)


def solve_stages(built: BuiltModel, highs_options: dict[str, Any], options: SolveOptions,
                 timings: dict[str, float],
                 budget: TimeBudget | None = None) -> tuple[Compiled, HighsAnswer, dict[str, float]]:
    """Optimize the objective stages in order, holding each optimum (within a tolerance) for the next.

    Returns the last stage's compiled model and answer and every stage's objective; the plan is loaded
    onto the model's variables. Raises when a stage has no plan, explained by a diagnosis within
    ``budget`` (default: its own, :data:`planner.diagnose.TIME_BUDGET_S`).
    """
    m = built.model
    stage_values: dict[str, float] = {}
    for name in [c.name for c in m.component_objects((pyo.Objective,), descend_into=False)]:
        m.del_component(name)
    for name in [c.name for c in m.component_objects(pyo.Constraint) if c.name.startswith("hold_stage_")]:
        m.del_component(name)
    began = time.perf_counter()
    for i, stage in enumerate(built.stages):
        objective = stage.objective()
        setattr(m, f"objective_{stage.name}", objective)
        start = time.perf_counter()
        try:
            compiled = compile_model(m)
        except ValueError as exc:
            raise InfeasibleError(f"the roadmap is infeasible: {exc}") from None
        timings["handoff_s"] = timings.get("handoff_s", 0.0) + time.perf_counter() - start
        last = i == len(built.stages) - 1
        export = options.export_model if last else None
        if options.before_highs is not None:
            options.before_highs()
        # the stages share the time limit, each taking an even share of what is left; a later stage of a MIP
        # starts from the plan of the one before, which its hold row admits (rounding its LP relaxation seldom
        # does: on the baseline with binary milestones it found no start, and the stage stopped 30 % from its bound)
        stage_options = highs_options
        if "time_limit" in highs_options:
            left = highs_options["time_limit"] - (time.perf_counter() - began if i else 0.0)
            stage_options = {**highs_options, "time_limit": max(left / (len(built.stages) - i), 0.0 if i == 0
                                                                else MIN_STAGE_S)}
        earlier = None if i == 0 or not compiled.is_mip else np.array([v.value or 0.0 for v in compiled.columns])
        answer = run_highs(compiled, stage_options, export=export, duals=options.duals and last,
                           condition=options.condition, mip_start=options.mip_start, start_x=earlier)
        timings["handoff_s"] += answer.timings.get("pass_model_s", 0.0)
        timings["condition_s"] = timings.get("condition_s", 0.0) + answer.timings.get("condition_s", 0.0)
        timings["solve_s"] = timings.get("solve_s", 0.0) + answer.seconds
        timings["duals_s"] = timings.get("duals_s", 0.0) + answer.timings.get("duals_s", 0.0)
        _raise_without_plan(answer, built, budget)
        if answer.max_violation > FEASIBILITY_TOLERANCE:
            raise NoPlanError(f"HiGHS returned a plan that violates the model by {answer.max_violation:.2e} "
                              f"(relative); refusing it")
        load_values(compiled, answer.x, m)
        stage_values[stage.name] = answer.objective
        objective.deactivate()
        if not last:
            slack = STAGE_TOLERANCE * max(1.0, abs(answer.objective)) + (answer.mip_gap or 0.0) * abs(answer.objective)
            held = stage.expression >= answer.objective - slack if stage.sense == "max" \
                else stage.expression <= answer.objective + slack
            setattr(m, f"hold_stage_{stage.name}", pyo.Constraint(expr=held))
    return compiled, answer, stage_values


def _raise_without_plan(answer: HighsAnswer, built: BuiltModel, budget: TimeBudget | None) -> None:
    """Explain a solve without a plan: out of time (exit 4), or infeasible or unbounded by the elastic and
    boxed re-solves of :mod:`planner.diagnose` within ``budget`` (exit 3), which also run when HiGHS fails
    numerically."""
    if answer.status in ("optimal", "feasible"):
        return
    stopped = "limit" in answer.message.lower() or "watchdog" in answer.message
    if stopped:
        raise NoPlanError(f"no plan found within the time limit (HiGHS: {answer.message}); raise --time-limit "
                          "or use a looser --mip-gap")
    from planner.diagnose import diagnose

    diagnosis = diagnose(built, budget)
    if not diagnosis.feasible or diagnosis.unbounded:
        raise diagnosis.error(infeasible=answer.status == "infeasible")
    if diagnosis.partial:
        raise NoPlanError(f"HiGHS says '{answer.message}'; the elastic re-solve finds a plan\n{diagnosis.text()}")
    raise NoPlanError(f"HiGHS says '{answer.message}' but the elastic re-solve finds a plan: numerical trouble "
                      "(check for very large or very small figures, or try another --profile)")


def learning_note(summary: dict[str, Any]) -> str | None:
    """Whether the learning-curve fixed point converged, in words (None without a learning curve).

    Each solve prices every period's flights at the curve's average over the flights of the solve before;
    the plan is consistent with its prices once no price moves by more than the tolerance (relative)."""
    learning = summary.get("learning_curve")
    if not learning:
        return None
    change = f"largest cost change {learning['largest_change']:.2%}, tolerance {learning['tolerance']:.2%}"
    if learning["converged"]:
        return f"learning curve converged after {learning['solves']} solves ({change})"
    return (f"learning curve NOT converged after {learning['solves']} solves ({change}): costs are not the "
            "curves' at this plan; raise learning.iterations")


def _dual_table(compiled: Compiled, answer: HighsAnswer, data: ModelData) -> Any:
    from planner.results.duals import dual_table

    rows = compiled.rows if answer.row_duals is not None else []
    return dual_table([row.parent_component().name for row in rows], [row.index() for row in rows],
                      answer.row_duals if answer.row_duals is not None else [], data.timeline.labels, data.years,
                      data.roadmap)


def _summary(loaded: LoadedRoadmap, built: BuiltModel, compiled: Compiled, answer: HighsAnswer,
             stage_values: dict[str, float], timings: dict[str, float]) -> dict[str, Any]:
    families: dict[str, int] = {}
    for row in compiled.rows:
        name = row.parent_component().name
        families[name] = families.get(name, 0) + 1
    return {
        "roadmap": loaded.roadmap.name,
        "scenario": loaded.roadmap.scenario,
        "overrides": [o.as_dict() for o in loaded.overrides],
        "status": answer.status,
        "proven_optimal": answer.status == "optimal",
        "objective": answer.objective,
        "objective_mode": loaded.roadmap.objective.mode,
        "stage_objectives": stage_values,
        "mip_gap": answer.mip_gap,
        "method": answer.method,
        "mip_start": answer.mip_start,
        "max_violation": answer.max_violation,
        "solver": {"name": "HiGHS", "version": highs_version()},
        "model_size": {
            "variables": len(compiled.columns),
            "integer_variables": int(compiled.integer.sum()),
            "constraints": len(compiled.rows),
            "nonzeros": int(compiled.matrix.nnz),
            "rows_by_family": dict(sorted(families.items())),
        },
        "timings_s": {k: round(v, 4) for k, v in timings.items()},
        "input_hash": loaded.input_hash(),
        "periods": list(built.data.timeline.labels),
    }
