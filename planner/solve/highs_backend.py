"""Hand the Pyomo model to HiGHS in bulk and read the answer back.

The model becomes one sparse matrix (rows in mixed form: each row keeps its sense), read directly by
:mod:`planner.solve.direct_form` or, for what that does not handle, by Pyomo's standard-form compiler.
It goes to ``Highs.passModel`` in a single call; no Python loop per row talks to the solver. After the
solve the primal values go back onto the Pyomo variables in one pass, the plan is checked against every
row and bound of the matrix, and the row duals are kept (for a MIP, from the LP with its integer
decisions fixed at their optimal values).

Speed (``python benchmarks/run.py`` measures it): the compiler is given ``scipy.sparse`` directly
through its class hooks, imported so that Pyomo's import callbacks do not also import ``scipy.stats``
and ``matplotlib.pyplot`` (1.3 s of CPU, once per process, for nothing), and a faster expression walk,
:class:`FastLinearVisitor`, that gives the same matrix. The per-variable loops here (bounds,
integrality, values back) cost about 0.3 µs per variable.
"""

from __future__ import annotations

import importlib
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import highspy
import numpy as np
import pyomo.core as pyo
from pyomo.common.dependencies import DeferredImportCallbackFinder
from pyomo.common.errors import InfeasibleConstraintException
from pyomo.common.numeric_types import native_numeric_types
from pyomo.core.expr.numeric_expr import (
    DivisionExpression,
    LinearExpression,
    MonomialTermExpression,
    NegationExpression,
    ProductExpression,
    SumExpression,
)
from pyomo.core.expr.numvalue import is_potentially_variable
from pyomo.repn.linear import LinearRepnVisitor
from pyomo.repn.plugins.standard_form import LinearStandardFormCompiler, _LinearStandardFormCompiler_impl

from planner.solve.direct_form import NotDirect, StandardForm, read_rows
from planner.solve.watchdog import run_watched

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


class _NotSimple(Exception):
    """An expression node the fast walk leaves to Pyomo's general visitor."""


class FastLinearVisitor(LinearRepnVisitor):
    """Pyomo's linear visitor with a direct recursive walk for the nodes linear models are made of.

    Sums, linear expressions, monomials, negations, products and quotients by constants, named
    expressions (each walked once per compile and reused) and variables are read straight into the
    ``{id(var): coefficient}`` map; any other node (or a product of two variable expressions) sends
    the whole expression to :class:`LinearRepnVisitor`, so the result never differs. Variables are
    recorded in the order of first use, as Pyomo's visitor records them.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._named: dict[int, tuple[dict[int, float], float]] = {}

    def walk_expression(self, expr: Any) -> Any:
        linear: dict[int, float] = {}
        try:
            constant = self._walk(expr, 1.0, linear)
        except _NotSimple:
            return super().walk_expression(expr)
        ans = self.Result()
        ans.linear = {vid: c for vid, c in linear.items() if c}
        ans.constant = constant
        return ans

    def _walk(self, node: Any, scale: float, linear: dict[int, float]) -> float:
        """Add ``scale * node`` to ``linear``; return its constant part."""
        cls = node.__class__
        if cls is SumExpression or cls is LinearExpression:
            return self._sum(node.args, scale, linear)
        if cls is MonomialTermExpression:
            coef, var = node._args_
            return self._var(var, scale * (coef if coef.__class__ in native_numeric_types else pyo.value(coef)), linear)
        if cls in native_numeric_types:
            return scale * node
        if cls is NegationExpression:
            return self._walk(node._args_[0], -scale, linear)
        if cls is ProductExpression:
            a, b = node._args_
            if not is_potentially_variable(a):
                return self._walk(b, scale * pyo.value(a), linear)
            if not is_potentially_variable(b):
                return self._walk(a, scale * pyo.value(b), linear)
            raise _NotSimple
        if cls is DivisionExpression:
            a, b = node._args_
            if is_potentially_variable(b):
                raise _NotSimple
            return self._walk(a, scale / pyo.value(b), linear)
        if node.is_variable_type():
            return self._var(node, scale, linear)
        if node.is_named_expression_type():
            cached = self._named.get(id(node))
            if cached is None:
                inner: dict[int, float] = {}
                cached = self._named[id(node)] = (inner, self._walk(node.expr, 1.0, inner))
            for vid, c in cached[0].items():
                linear[vid] = linear.get(vid, 0.0) + scale * c
            return scale * cached[1]
        if not is_potentially_variable(node):
            return scale * pyo.value(node)
        raise _NotSimple

    def _sum(self, args: list[Any], scale: float, linear: dict[int, float]) -> float:
        """The terms of a sum; monomials and variables already in the column map are read in place."""
        constant = 0.0
        known = self.var_map
        for arg in args:
            cls = arg.__class__
            if cls is MonomialTermExpression:
                coef, var = arg._args_
                if coef.__class__ not in native_numeric_types:
                    coef = pyo.value(coef)
                vid = id(var)
                if vid in known:
                    linear[vid] = linear.get(vid, 0.0) + scale * coef
                else:
                    constant += self._var(var, scale * coef, linear)
            elif cls in native_numeric_types:
                constant += scale * arg
            elif id(arg) in known:
                linear[id(arg)] = linear.get(id(arg), 0.0) + scale
            else:
                constant += self._walk(arg, scale, linear)
        return constant

    def _var(self, var: Any, coef: float, linear: dict[int, float]) -> float:
        vid = id(var)
        if vid not in self.var_map:
            if var.fixed:
                return coef * pyo.value(var)
            self.var_recorder.add(var)
        linear[vid] = linear.get(vid, 0.0) + coef
        return 0.0


_sparse = _scipy_sparse()
_LinearStandardFormCompiler_impl._to_vector = np.fromiter
_LinearStandardFormCompiler_impl._csc_matrix = _sparse.csc_array
_LinearStandardFormCompiler_impl._csr_matrix = _sparse.csr_array
_LinearStandardFormCompiler_impl._get_visitor = FastLinearVisitor

FEASIBILITY_TOLERANCE = 1e-5


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


def compile_model(m: pyo.ConcreteModel, direct: bool = True) -> Compiled:
    """The active objective and constraints of ``m`` as matrices (raises on constant infeasible rows).

    Read directly (:mod:`planner.solve.direct_form`) when the model allows, else (or with ``direct``
    false, for comparisons) by Pyomo's compiler; both give the same matrices."""
    try:
        try:
            if not direct:
                raise NotDirect
            form = read_rows(m, FastLinearVisitor, _sparse.csr_array)
        except NotDirect:
            form = _pyomo_standard_form(m)
    except InfeasibleConstraintException as exc:
        raise ValueError(str(exc)) from None
    lower = np.where(form.kinds <= 0, form.rhs, -np.inf)
    upper = np.where(form.kinds >= 0, form.rhs, np.inf)
    cols = form.columns
    bounds = np.array([v.bounds for v in cols], dtype=float).reshape(len(cols), 2)  # None -> nan
    col_lower = np.nan_to_num(bounds[:, 0], nan=-np.inf)
    col_upper = np.nan_to_num(bounds[:, 1], nan=np.inf)
    integer = np.array([v.is_integer() for v in cols], dtype=bool)  # binary domains are integer too
    return Compiled(cost=form.cost, offset=form.offset, matrix=form.matrix.tocsc(), row_lower=lower,
                    row_upper=upper, col_lower=col_lower, col_upper=col_upper, integer=integer, rows=form.rows,
                    columns=cols, maximize=form.objective.sense == pyo.maximize)


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
        a.indptr.astype(np.int32), a.indices.astype(np.int32), a.data.astype(float),
        integer.astype(np.int32),
    )
    if status == highspy.HighsStatus.kError:
        raise RuntimeError("HiGHS refused the model")


def _silent_highs() -> highspy.Highs:
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
    h = _silent_highs()
    h.setOptionValue("output_flag", False)
    for key, value in options.items():
        if h.setOptionValue(key, value) == highspy.HighsStatus.kError:
            raise ValueError(f"HiGHS option '{key}' = {value!r} was refused")
    return h


def highs_version() -> str:
    return _silent_highs().version()


def run_highs(c: Compiled, options: dict[str, Any], export: Path | None = None, duals: bool = True) -> HighsAnswer:
    """Solve ``c`` with HiGHS; for a feasible plan check it against ``c`` and compute duals."""
    h = new_highs(options)
    start = time.perf_counter()
    pass_model(h, c, c.col_lower, c.col_upper, c.integer)
    timings = {"pass_model_s": time.perf_counter() - start}
    if export is not None:
        h.writeModel(str(export))
    start = time.perf_counter()
    stopped = run_watched(h, options.get("time_limit"))
    seconds = time.perf_counter() - start
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
                         timings=timings)
    if kind not in ("optimal", "feasible"):
        return answer
    x = np.asarray(h.getSolution().col_value, dtype=float)
    answer.x = x
    answer.objective = float(info.objective_function_value)
    answer.mip_gap = float(info.mip_gap) if c.is_mip else 0.0
    answer.max_violation = max_violation(c, x)
    if duals:
        start = time.perf_counter()
        answer.row_duals = _row_duals(h, c, x, options)
        timings["duals_s"] = time.perf_counter() - start
    return answer


def max_violation(c: Compiled, x: np.ndarray) -> float:
    """Largest violation of a row or bound by ``x``, relative to the size of the row's bound."""
    ax = c.matrix @ x
    scale = 1.0 + np.abs(np.where(np.isfinite(c.row_lower), c.row_lower, 0.0)) \
        + np.abs(np.where(np.isfinite(c.row_upper), c.row_upper, 0.0))
    rows = np.maximum(c.row_lower - ax, ax - c.row_upper) / scale
    cols = np.maximum(c.col_lower - x, x - c.col_upper) / (1.0 + np.abs(x))
    worst = max(float(rows.max(initial=0.0)), float(cols.max(initial=0.0)))
    return max(worst, 0.0)


def _row_duals(h: highspy.Highs, c: Compiled, x: np.ndarray, options: dict[str, Any]) -> np.ndarray | None:
    if not c.is_mip:
        return np.asarray(h.getSolution().row_dual, dtype=float)
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
    """Put ``x`` on the model's variables (variables absent from the matrix get 0)."""
    for var in m.component_data_objects(pyo.Var, descend_into=True):
        var.set_value(0.0, skip_validation=True)
    for var, value in zip(c.columns, x.tolist(), strict=True):
        var.set_value(value, skip_validation=True)
