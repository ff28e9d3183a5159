"""How far each aggregate can move among optimal plans: its range over the optimal face.

A degenerate LP (two identical rockets, a depot that can fill in either of two years) has many optimal
plans; their primal values differ, so comparing them would be noise. What does not differ are optimal
*values*. With the last objective stage :math:`f` (earlier stages are already held by the solve), its
optimum :math:`f^*` and the objective tolerance :math:`s`, the near-optimal face is

.. math:: F = \\{x \\text{ feasible} : f(x) \\ge f^* - s\\} \\quad (\\le f^* + s \\text{ when minimizing})

and each aggregate :math:`A` gets :math:`[\\min_F A, \\max_F A]`, two more solves of the same model with
:math:`A` as objective. Both ends are optimal values, so they do not depend on which optimal plan the
solver returned, nor on thread counts or the order of the roadmap's keys. An aggregate is *unique at
the optimum* when its range is narrower than its tolerance; otherwise the range itself is what a later
plan must fall into. The tie-break :math:`\\epsilon \\cdot \\text{cost}` of the objective removes
pointless activity but lies below the solver's tolerance, so it does not make costs unique: the range
says so instead of hiding it.

All range solves are LPs on one HiGHS instance whose objective alone changes, so each starts from the
previous optimal basis (a few primal simplex iterations each). For a MIP the integer decisions
(milestone flags, ships per window) are fixed at their optimal values: the ranges say what is unique
*given* those decisions. Milestone periods are compared exactly anyway; an alternative integer optimum
with the same objective could move an aggregate out of its range (ranges solved as MIPs cost minutes per
roadmap, which is why they are not).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import highspy
import numpy as np
import pyomo.core as pyo
from pyomo.repn import generate_standard_repn

from planner.regression.aggregates import Aggregate, expression
from planner.solve.highs_backend import Compiled, compile_model, new_highs, pass_model
from planner.solve.watchdog import run_watched

if TYPE_CHECKING:
    from planner.solve.run import Plan

FACE = "regression_face"
FACE_OBJECTIVE = "regression_face_objective"
PRIMAL_SIMPLEX = 4  # HiGHS simplex_strategy


def _compile_face(plan: Plan, slack: float) -> Compiled:
    """The model with its last stage held within ``slack`` of its optimum, as matrices."""
    m = plan.built.model
    stage = plan.built.stages[-1]
    best = plan.stage_objectives[stage.name]
    held = stage.expression >= best - slack if stage.sense == "max" else stage.expression <= best + slack
    setattr(m, FACE, pyo.Constraint(expr=held))
    setattr(m, FACE_OBJECTIVE, pyo.Objective(expr=stage.expression))
    try:
        return compile_model(m)
    finally:
        m.del_component(FACE)
        m.del_component(FACE_OBJECTIVE)


def _cost_vector(expr: Any, compiled: Compiled, column_of: dict[int, int]) -> tuple[np.ndarray, float]:
    """Coefficients of a linear expression over the compiled columns, and its constant.

    Variables in no row of the model are held at 0 by the solve, so they count as constants.
    """
    cost = np.zeros(len(compiled.columns))
    if isinstance(expr, (int, float)):
        return cost, float(expr)
    repn = generate_standard_repn(expr, quadratic=False)
    for var, coef in zip(repn.linear_vars, repn.linear_coefs, strict=True):
        at = column_of.get(id(var))
        if at is not None:
            cost[at] += float(coef)
    return cost, float(repn.constant)


def _face_solver(compiled: Compiled, x: np.ndarray, options: dict[str, Any]) -> highspy.Highs:
    """One HiGHS LP of the face, integer columns fixed at their values in the plan ``x``, solved once.

    Without the MIP options, and without ``threads``: the simplex is serial. Each run is in a worker thread
    of its own (:func:`~planner.solve.watchdog.run_watched`), as every solve is: HiGHS keeps a scheduler per
    thread and refuses a later thread count other than the one it started with, so a run here on the
    calling thread would break the solves that follow it there. After the first solve (with the
    profile's presolve) only costs change, so the optimal basis stays primal feasible: the range solves
    run the primal simplex from it without presolve, a few iterations each.
    """
    h = new_highs({k: v for k, v in options.items() if not k.startswith("mip") and k != "threads"})
    fixed = np.round(x)
    lower = np.where(compiled.integer, fixed, compiled.col_lower)
    upper = np.where(compiled.integer, fixed, compiled.col_upper)
    pass_model(h, compiled, lower, upper, np.zeros(len(compiled.columns), dtype=bool))
    run_watched(h, None)
    h.setOptionValue("presolve", "off")
    h.setOptionValue("simplex_strategy", PRIMAL_SIMPLEX)
    return h


def _extreme(h: highspy.Highs, cost: np.ndarray, constant: float, maximize: bool) -> float | None:
    """max (or min) of ``cost @ x + constant`` over the face (None: unbounded, or no optimum found).

    A warm start that ends in numerical trouble is retried once from scratch, with presolve.
    """
    h.changeColsCost(len(cost), np.arange(len(cost), dtype=np.int32), cost)
    h.changeObjectiveOffset(constant)
    h.changeObjectiveSense(highspy.ObjSense.kMaximize if maximize else highspy.ObjSense.kMinimize)
    run_watched(h, None)
    status = h.getModelStatus()
    if status not in (highspy.HighsModelStatus.kOptimal, highspy.HighsModelStatus.kUnbounded):
        h.clearSolver()
        h.setOptionValue("presolve", "on")
        run_watched(h, None)
        h.setOptionValue("presolve", "off")
        status = h.getModelStatus()
    if status != highspy.HighsModelStatus.kOptimal:
        return None
    return float(h.getInfo().objective_function_value)


def optimal_ranges(plan: Plan, found: list[Aggregate], slack: float,
                   options: dict[str, Any]) -> dict[str, tuple[float | None, float | None]]:
    """``{name: (min, max)}`` of each aggregate over the near-optimal face (None: an open end)."""
    compiled = _compile_face(plan, slack)
    x = np.array([var.value or 0.0 for var in compiled.columns], dtype=float)
    h = _face_solver(compiled, x, options)
    column_of = {id(var): i for i, var in enumerate(compiled.columns)}
    ranges: dict[str, tuple[float | None, float | None]] = {}
    for aggregate in found:
        cost, constant = _cost_vector(expression(aggregate, plan.built), compiled, column_of)
        if not cost.any():
            ranges[aggregate.name] = (constant, constant)
            continue
        ranges[aggregate.name] = (_extreme(h, cost, constant, False), _extreme(h, cost, constant, True))
    return ranges
