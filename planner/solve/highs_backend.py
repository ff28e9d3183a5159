"""Hand the Pyomo model to HiGHS in bulk and read the answer back.

The model becomes one sparse matrix (rows in mixed form: each row keeps its sense), read directly by
:mod:`planner.solve.direct_form` or, for what that does not handle, by Pyomo's standard-form compiler.
It goes to ``Highs.passModel`` in a single call; no Python loop per row talks to the solver, an LP by
default as the reduced, row-scaled copy of :mod:`planner.solve.numerics` (same plans; the answer is mapped back to
the model as built). After the solve the primal values go back onto the Pyomo variables in one pass,
the plan is checked against every row and bound of the matrix as built, and the row duals are kept (for
a MIP, from the LP with its integer decisions fixed at their optimal values).

Speed (``python benchmarks/run.py`` measures it): the compiler is given ``scipy.sparse`` directly
through its class hooks, imported so that Pyomo's import callbacks do not also import ``scipy.stats``
and ``matplotlib.pyplot`` (1.3 s of CPU, once per process, for nothing). Bounds and integrality are
read once per kind of variable (domain and declared bounds), not once per variable; putting the values
back costs about 0.3 µs per variable.
"""

from __future__ import annotations

import importlib
import os
import sys
import time
from dataclasses import dataclass, field
from operator import attrgetter
from pathlib import Path
from typing import Any

import highspy
import numpy as np
import pyomo.core as pyo
from pyomo.common.dependencies import DeferredImportCallbackFinder
from pyomo.common.errors import InfeasibleConstraintException
from pyomo.repn.plugins.standard_form import LinearStandardFormCompiler, _LinearStandardFormCompiler_impl

from planner.errors import NoPlanError
from planner.solve.direct_form import NotDirect, ParameterRows, StandardForm, read_rows
from planner.solve.method import lp_options, method_name
from planner.solve.watchdog import Incumbent, run_watched

# Pyomo runs a callback when these are first imported, by anyone: scipy's also imports scipy.stats
# (0.6 s of CPU), matplotlib's also imports pyplot and pylab (0.7 s; the reports draw on Figure
# objects and never need them). Pyomo's own lazy handles still resolve, callback included, if Pyomo
# code ever uses them; the planner's does not (the compiler's scipy hooks are set below).
_UNNEEDED_IMPORT_CALLBACKS = ("scipy", "matplotlib")


def _scipy_sparse() -> Any:
    """``scipy.sparse``, imported without Pyomo's import callbacks (see above)."""
    for name in _UNNEEDED_IMPORT_CALLBACKS:
        if name not in sys.modules:
            DeferredImportCallbackFinder._callbacks.pop(name, None)
    return importlib.import_module("scipy.sparse")


_sparse = _scipy_sparse()
_LinearStandardFormCompiler_impl._to_vector = np.fromiter
_LinearStandardFormCompiler_impl._csc_matrix = _sparse.csc_array
_LinearStandardFormCompiler_impl._csr_matrix = _sparse.csr_array

FEASIBILITY_TOLERANCE = 1e-5
# what a variable's bounds and integrality depend on
_DOMAIN, _DECLARED_LOWER, _DECLARED_UPPER = attrgetter("_domain"), attrgetter("_lb"), attrgetter("_ub")


@dataclass
class Compiled:
    """The model as matrices, with the Pyomo rows and columns they stand for."""

    cost: np.ndarray
    offset: float
    matrix: Any  # scipy.sparse csc
    row_lower: np.ndarray
    row_upper: np.ndarray
    col_lower: np.ndarray
    col_upper: np.ndarray
    integer: np.ndarray
    rows: list[Any]
    columns: list[Any]
    maximize: bool
    parameters: ParameterRows | None = None  # where parameters reach the matrices, when asked and known

    @property
    def is_mip(self) -> bool:
        return bool(self.integer.any())


@dataclass
class HighsAnswer:
    """What HiGHS said about one compiled model."""

    status: str  # optimal | feasible | infeasible | unbounded | infeasible_or_unbounded | no_plan
    message: str
    objective: float | None = None
    mip_gap: float | None = None
    x: np.ndarray | None = None
    row_duals: np.ndarray | None = None
    max_violation: float = 0.0
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)
    method: str = "branch and cut"  # how HiGHS solved it: branch and cut, or the LP method (planner.solve.method)
    mip_start: dict[str, Any] | None = None  # a MIP's start from its LP relaxation (planner.solve.mip_start)


def compile_model(m: pyo.ConcreteModel, direct: bool = True, keep_parameters: bool = False) -> Compiled:
    """The active objective and constraints of ``m`` as matrices (raises on constant infeasible rows).

    Read directly (:mod:`planner.solve.direct_form`) when the model allows, else (or with ``direct``
    false, for comparisons) by Pyomo's compiler; both give the same matrices. With ``keep_parameters``
    a direct read also keeps where the model's mutable parameters reach the matrices
    (:mod:`planner.solve.parametric`)."""
    try:
        form = _direct_form(m, keep_parameters) if direct else None
        if form is None:
            form = _pyomo_standard_form(m)
    except InfeasibleConstraintException as exc:
        raise ValueError(str(exc)) from None
    lower = np.where(form.kinds <= 0, form.rhs, -np.inf)
    upper = np.where(form.kinds >= 0, form.rhs, np.inf)
    cols = form.columns
    col_lower, col_upper, integer = _column_bounds(cols)
    return Compiled(cost=form.cost, offset=form.offset, matrix=form.matrix.tocsc(), row_lower=lower,
                    row_upper=upper, col_lower=col_lower, col_upper=col_upper, integer=integer, rows=form.rows,
                    columns=cols, maximize=form.objective.sense == pyo.maximize,
                    parameters=form.parameters)


def _column_bounds(cols: list[Any]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Lower and upper bounds (infinite where none) and integrality of each variable: worked out once for
    each distinct (domain, declared lower, declared upper) and spread by index."""
    kinds = _Numbering()
    keys = zip(map(id, map(_DOMAIN, cols)), map(_DECLARED_LOWER, cols), map(_DECLARED_UPPER, cols), strict=True)
    kind_of = np.fromiter(map(kinds.__getitem__, keys), dtype=np.int64, count=len(cols))
    sample = [cols[i] for i in np.unique(kind_of, return_index=True)[1].tolist()]  # one variable of each kind
    bounds = np.array([v.bounds for v in sample], dtype=float).reshape(len(sample), 2)  # None -> nan
    lower = np.nan_to_num(bounds[:, 0], nan=-np.inf)[kind_of]
    upper = np.nan_to_num(bounds[:, 1], nan=np.inf)[kind_of]
    integer = np.array([v.is_integer() for v in sample], dtype=bool)[kind_of]  # binary domains are integer too
    return lower, upper, integer


class _Numbering(dict):
    """Numbers keys in the order they are first looked up (``d[key]`` adds a new key as ``len(d)``)."""

    def __missing__(self, key: Any) -> int:
        number = self[key] = len(self)
        return number


def _direct_form(m: pyo.ConcreteModel, keep_parameters: bool) -> StandardForm | None:
    """``m`` read directly, or None when it has something only Pyomo's compiler handles."""
    try:
        return read_rows(m, _sparse.csr_array, keep_parameters)
    except NotDirect:
        return None


def _pyomo_standard_form(m: pyo.ConcreteModel) -> StandardForm:
    info = LinearStandardFormCompiler().write(m, mixed_form=True, set_sense=None)
    cols = info.columns
    return StandardForm(cost=np.asarray(info.c.toarray()[0] if info.c.shape[0] else np.zeros(len(cols)), dtype=float),
                        offset=float(info.c_offset[0]) if len(info.c_offset) else 0.0, matrix=info.A,
                        kinds=np.array([entry.bound_type for entry in info.rows], dtype=int),
                        rhs=np.asarray(info.rhs, dtype=float), rows=[entry.constraint for entry in info.rows],
                        columns=cols, objective=info.objectives[0])


def pass_model(h: highspy.Highs, c: Compiled, col_lower: np.ndarray, col_upper: np.ndarray,
               integer: np.ndarray) -> None:
    """Hand ``c`` to ``h`` in one ``passModel`` call, with the given column bounds and integrality."""
    a = c.matrix
    status = h.passModel(
        len(c.columns), len(c.rows), int(a.nnz), 1, -1 if c.maximize else 1, c.offset,
        c.cost, col_lower, col_upper, c.row_lower, c.row_upper,
        a.indptr.astype(np.int32, copy=False), a.indices.astype(np.int32, copy=False),
        a.data.astype(float, copy=False), integer.astype(np.int32),
    )
    if status == highspy.HighsStatus.kError:
        raise RuntimeError("HiGHS refused the model")


def silent_highs() -> highspy.Highs:
    """A Highs instance, constructed with stdout muted (HiGHS prints a banner on its first one)."""
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 1)
            h = highspy.Highs()
            h.setOptionValue("output_flag", False)
    finally:
        os.dup2(saved, 1)
        os.close(saved)
    return h


def new_highs(options: dict[str, Any]) -> highspy.Highs:
    h = silent_highs()
    h.setOptionValue("output_flag", False)
    for key, value in options.items():
        if h.setOptionValue(key, value) == highspy.HighsStatus.kError:
            raise ValueError(f"HiGHS option '{key}' = {value!r} was refused")
    return h


def highs_version() -> str:
    return silent_highs().version()


def run_highs(c: Compiled, options: dict[str, Any], export: Path | None = None, duals: bool = True,
              condition: bool = True, mip_start: bool = True, start_x: np.ndarray | None = None) -> HighsAnswer:
    """Solve ``c`` with HiGHS (the LP method chosen by :func:`planner.solve.method.lp_options`); for a feasible
    plan check it against ``c`` and compute duals.

    With ``condition``, an LP is solved as the reduced, row-scaled copy of
    :func:`planner.solve.numerics.condition` (a fresh one: ``c`` is not changed), and its plan and row duals
    are mapped back to ``c``'s rows; the plan is checked against ``c`` as built. Should that check fail
    (HiGHS's tolerances hold on the scaled rows), ``c`` itself is solved. A MIP is handed over as built:
    branch and cut on the scaled copy of the baseline with binary milestones took 111 s against 24 s
    (HiGHS 1.16, one thread). With ``mip_start``, a MIP starts from a plan rounded from its LP relaxation
    (:mod:`planner.solve.mip_start`; branch and cut gets the time limit minus what that took), or from
    ``start_x`` when given (a plan known to be feasible: a lexicographic stage's, for the next). ``export``
    writes ``c`` as built."""
    from planner.solve.mip_start import find_start, give_start, known_start
    from planner.solve.numerics import condition as conditioned

    options = lp_options(options, int(c.matrix.nnz), c.is_mip)
    timings: dict[str, float] = {}
    start_plan = None
    if c.is_mip and (mip_start or start_x is not None):
        start_plan = find_start(c, options) if start_x is None else known_start(c, start_x, options)
        timings["mip_start_s"] = start_plan.seconds
        if "time_limit" in options:
            options = {**options, "time_limit": max(float(options["time_limit"]) - start_plan.seconds, 0.001)}
    restore = None
    solved = c
    if condition and not c.is_mip:
        start = time.perf_counter()
        solved, restore = conditioned(c)
        timings["condition_s"] = time.perf_counter() - start
    h = new_highs(options)
    start = time.perf_counter()
    pass_model(h, solved, solved.col_lower, solved.col_upper, solved.integer)
    timings["pass_model_s"] = time.perf_counter() - start
    if start_plan is not None and start_plan.x is not None:
        give_start(h, start_plan)
    if export is not None:
        _write_model(c, options, export, h if restore is None else None)
    start = time.perf_counter()
    incumbent = Incumbent.watch(h) if c.is_mip else None
    try:
        stopped = run_watched(h, options.get("time_limit"))
    except NoPlanError as abandoned:
        if incumbent is None or incumbent.x is None or max_violation(c, incumbent.x) > FEASIBILITY_TOLERANCE:
            raise
        # HiGHS still runs in its thread: answer from the plan it reported, without touching h again
        answer = HighsAnswer(status="feasible", message=f"{abandoned}; its best plan is kept",
                             seconds=time.perf_counter() - start, timings=timings,
                             method=method_name(options, c.is_mip),
                             mip_start=start_plan.summary() if start_plan is not None else None)
        answer.x, answer.objective, answer.mip_gap = incumbent.x, incumbent.objective, incumbent.gap
        answer.max_violation = max_violation(c, incumbent.x)
        answer.row_duals = _mip_row_duals(c, incumbent.x, options) if duals else None
        return answer
    seconds = time.perf_counter() - start + (start_plan.seconds if start_plan is not None else 0.0)
    status = h.getModelStatus()
    info = h.getInfo()
    has_plan = info.primal_solution_status == highspy.SolutionStatus.kSolutionStatusFeasible
    S = highspy.HighsModelStatus
    if status == S.kOptimal:
        kind = "optimal"
    elif status == S.kInfeasible:
        kind = "infeasible"
    elif status == S.kUnbounded:
        kind = "unbounded"
    elif status == S.kUnboundedOrInfeasible:
        kind = "infeasible_or_unbounded"
    else:
        kind = "feasible" if has_plan else "no_plan"
    answer = HighsAnswer(status=kind, message=stopped or h.modelStatusToString(status), seconds=seconds,
                         timings=timings, method=method_name(options, c.is_mip),
                         mip_start=start_plan.summary() if start_plan is not None else None)
    if kind not in ("optimal", "feasible"):
        return answer
    solution = h.getSolution()
    x = np.asarray(solution.col_value, dtype=float)
    if restore is not None:
        x = restore.x(x)
    answer.x = x
    answer.objective = float(info.objective_function_value)
    answer.mip_gap = float(info.mip_gap) if c.is_mip else 0.0
    answer.max_violation = max_violation(c, x)
    if restore is not None and answer.max_violation > FEASIBILITY_TOLERANCE:
        left = dict(options)
        if "time_limit" in options:  # the time limit covers both solves
            left["time_limit"] = max(float(options["time_limit"]) - seconds, 0.001)
        again = run_highs(c, left, duals=duals, condition=False)
        again.seconds += seconds
        again.timings = {**timings, **again.timings, "unconditioned_s": again.seconds - seconds}
        return again
    if duals:
        start = time.perf_counter()
        if c.is_mip:
            answer.row_duals = _mip_row_duals(c, x, options)
        elif restore is not None:
            answer.row_duals = restore.row_duals(np.asarray(solution.row_dual, dtype=float),
                                                 np.asarray(solution.col_dual, dtype=float))
        else:
            answer.row_duals = np.asarray(solution.row_dual, dtype=float)
        timings["duals_s"] = time.perf_counter() - start
    return answer


def _write_model(c: Compiled, options: dict[str, Any], path: Path, h: highspy.Highs | None) -> None:
    """Write ``c`` as built to ``path`` (.mps or .lp) from ``h`` when it holds ``c``, else from a new instance."""
    if h is None:
        h = new_highs(options)
        pass_model(h, c, c.col_lower, c.col_upper, c.integer)
    h.writeModel(str(path))


def max_violation(c: Compiled, x: np.ndarray) -> float:
    """Largest violation of a row or bound by ``x``, relative to the size of the row's bound."""
    ax = c.matrix @ x
    scale = 1.0 + np.abs(np.where(np.isfinite(c.row_lower), c.row_lower, 0.0)) \
        + np.abs(np.where(np.isfinite(c.row_upper), c.row_upper, 0.0))
    rows = np.maximum(c.row_lower - ax, ax - c.row_upper) / scale
    cols = np.maximum(c.col_lower - x, x - c.col_upper) / (1.0 + np.abs(x))
    worst = max(float(rows.max(initial=0.0)), float(cols.max(initial=0.0)))
    return max(worst, 0.0)


def _mip_row_duals(c: Compiled, x: np.ndarray, options: dict[str, Any]) -> np.ndarray | None:
    """The row duals of a MIP: those of its LP with the integer columns fixed at ``x``, on ``c`` as built."""
    fixed = new_highs({k: v for k, v in options.items() if not k.startswith("mip")})
    values = np.round(x)
    lower = np.where(c.integer, values, c.col_lower)
    upper = np.where(c.integer, values, c.col_upper)
    pass_model(fixed, c, lower, upper, np.zeros(len(c.columns), dtype=bool))
    fixed.run()
    if fixed.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None
    return np.asarray(fixed.getSolution().row_dual, dtype=float)


def load_values(c: Compiled, x: np.ndarray, m: pyo.ConcreteModel) -> None:
    """Put ``x`` on the model's variables (variables absent from the matrix get 0; each column is a distinct
    variable, so when there are as many columns as variables there are none to look for)."""
    if sum(len(var) for var in m.component_objects(pyo.Var, descend_into=True)) != len(c.columns):
        present = set(map(id, c.columns))
        for var in m.component_data_objects(pyo.Var, descend_into=True):
            if id(var) not in present:
                var.set_value(0.0, skip_validation=True)
    for var, value in zip(c.columns, x.tolist(), strict=True):
        var.set_value(value, skip_validation=True)
