"""The model's objective and rows read straight into a sparse matrix, as Pyomo's standard-form compiler would.

For each active constraint ``lhs <= rhs`` or ``lhs == rhs`` (in the order Pyomo's compiler takes them),
the body is ``lhs`` when ``rhs`` is constant, ``rhs`` when ``lhs`` is, else ``lhs - rhs``: both sides are
walked into one row, with scale :math:`-1` on the right, instead of first building the expression
``lhs - rhs``. The body's constant moves into the bound (:math:`b - c`); a row keeps its sense (mixed
form: kind 0 for ``==``, 1 for ``<=``, -1 for ``>=``). Columns are numbered as the compiler numbers them
(every variable of a component at its first appearance, the objective first) and those that appear
nowhere are dropped, as are coefficients that cancel to zero. The matrix and bounds are bit for bit the
compiler's (checked on every shipped roadmap and the benchmark instances); an objective coefficient
reached through nested scales may differ in its last bit (:math:`(a b) c` against :math:`a (b c)`).
It takes less than half the compiler's time (``python benchmarks/handoff.py`` compares them) and less
memory above the model: each row is read into a ``{column: coefficient}`` map by :class:`RowWalker`
and appended to flat arrays of indices and values, where the compiler keeps one dictionary per row,
keyed by variable, until the end.

Anything else (ranged rows, several objectives, fixed variables, nodes the walk does not know, such as
a product of two variables) raises :class:`NotDirect`, and the caller uses Pyomo's compiler.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass
from operator import attrgetter
from typing import Any

import numpy as np
import pyomo.core as pyo
from pyomo.common.errors import InfeasibleConstraintException
from pyomo.common.numeric_types import native_numeric_types, native_types
from pyomo.core.expr.numeric_expr import (
    DivisionExpression,
    LinearExpression,
    MonomialTermExpression,
    NegationExpression,
    ProductExpression,
    SumExpression,
)
from pyomo.core.expr.numvalue import is_potentially_variable
from pyomo.core.expr.relational_expr import EqualityExpression, InequalityExpression
from pyomo.repn.plugins.standard_form import LinearStandardFormCompiler
from pyomo.repn.util import FileDeterminism_to_SortComponents

SORTER = FileDeterminism_to_SortComponents(LinearStandardFormCompiler.CONFIG().file_determinism)
_FIXED = attrgetter("_fixed")


class NotDirect(Exception):
    """The model has something only Pyomo's compiler handles."""


@dataclass
class StandardForm:
    """Objective and rows in mixed form; ``matrix`` is CSR, one row per entry of ``rows``."""

    cost: np.ndarray
    offset: float
    matrix: Any
    kinds: np.ndarray  # 0: row == rhs, 1: row <= rhs, -1: row >= rhs
    rhs: np.ndarray
    rows: list[Any]
    columns: list[Any]
    objective: Any
    parameters: ParameterRows | None = None  # kept when asked: what to read again after parameters change


@dataclass
class ParameterRows:
    """Where a model's mutable parameters reach its matrices (see :mod:`planner.solve.parametric`)."""

    walker: RowWalker  # its column numbering, to read rows again in the same order
    rows: list[tuple[Any, int, int]]  # (constraint, its first row, its rows: 0, 1 or 2) of those with parameters
    objective: Any  # the objective when it holds parameters, else None
    kept: np.ndarray  # the walker's column -> column of the matrix, -1 when it appears nowhere


class RowWalker:
    """Reads linear expressions into ``{column: coefficient}`` maps.

    A variable gets its column when its component is first met: the whole component is numbered at once,
    in the compiler's order, so the numbering does not depend on the order the expressions name them.
    Sums, linear expressions, monomials, negations, products and quotients by constants, named
    expressions (each walked once and reused) and variables are read; anything else raises
    :class:`NotDirect`. ``parametric`` turns true when a number read was not a plain number (a mutable
    parameter, or an expression of them).
    """

    def __init__(self) -> None:
        self.var_map: dict[int, Any] = {}  # id(var) -> var, in column order
        self.order: dict[int, int] = {}  # id(var) -> column
        self.parametric = False
        self._components: set[int] = set()
        self._named: dict[int, tuple[dict[int, float], float, bool]] = {}

    def forget_named(self) -> None:
        """Drop the named expressions read so far (to read them again with new parameter values)."""
        self._named.clear()

    def value(self, node: Any) -> float:
        """The value of a constant node, noting when it is not a plain number."""
        if node.__class__ in native_numeric_types:
            return node
        self.parametric = True
        return pyo.value(node)

    def walk(self, node: Any, scale: float, linear: dict[int, float]) -> float:
        """Add ``scale * node`` to ``linear``; return its constant part."""
        cls = node.__class__
        if cls is SumExpression or cls is LinearExpression:
            return self._sum(node.args, scale, linear)
        if cls is MonomialTermExpression:
            coef, var = node._args_
            if coef.__class__ not in native_numeric_types:
                coef = self.value(coef)
            return self._var(var, scale * coef, linear)
        if cls in native_numeric_types:
            return scale * node
        if cls is NegationExpression:
            return self.walk(node._args_[0], -scale, linear)
        if cls is ProductExpression:
            a, b = node._args_
            if not is_potentially_variable(a):
                return self.walk(b, scale * self.value(a), linear)
            if not is_potentially_variable(b):
                return self.walk(a, scale * self.value(b), linear)
            raise NotDirect
        if cls is DivisionExpression:
            a, b = node._args_
            if is_potentially_variable(b):
                raise NotDirect
            return self.walk(a, scale / self.value(b), linear)
        if node.is_variable_type():
            return self._var(node, scale, linear)
        if node.is_named_expression_type():
            cached = self._named.get(id(node))
            if cached is None:
                inner: dict[int, float] = {}
                outer, self.parametric = self.parametric, False
                constant = self.walk(node.expr, 1.0, inner)
                cached = self._named[id(node)] = (inner, constant, self.parametric)
                self.parametric = outer
            for col, c in cached[0].items():
                linear[col] = linear.get(col, 0.0) + scale * c
            self.parametric |= cached[2]
            return scale * cached[1]
        if not is_potentially_variable(node):
            return scale * self.value(node)
        raise NotDirect

    def _sum(self, args: list[Any], scale: float, linear: dict[int, float]) -> float:
        """The terms of a sum; monomials and variables already numbered are read in place."""
        constant = 0.0
        order = self.order
        for arg in args:
            cls = arg.__class__
            if cls is MonomialTermExpression:
                coef, var = arg._args_
                if coef.__class__ not in native_numeric_types:
                    coef = self.value(coef)
                col = order.get(id(var))
                if col is None:
                    constant += self._var(var, scale * coef, linear)
                else:
                    linear[col] = linear.get(col, 0.0) + scale * coef
            elif cls in native_numeric_types:
                constant += scale * arg
            else:
                col = order.get(id(arg))
                if col is None:
                    constant += self.walk(arg, scale, linear)
                else:
                    linear[col] = linear.get(col, 0.0) + scale
        return constant

    def _var(self, var: Any, coef: float, linear: dict[int, float]) -> float:
        col = self.order.get(id(var))
        if col is None:
            if var.fixed:
                return coef * pyo.value(var)
            col = self._number(var)
        linear[col] = linear.get(col, 0.0) + coef
        return 0.0

    def _number(self, var: Any) -> int:
        """Number every variable of ``var``'s component (in the compiler's order); ``var``'s column."""
        component = var.parent_component()
        if id(component) not in self._components:
            self._components.add(id(component))
            members = list(component.values(SORTER))
            ids = list(map(id, members))
            first = len(self.order)
            self.var_map.update(zip(ids, members, strict=True))
            self.order.update(zip(ids, range(first, first + len(ids)), strict=True))
        return self.order[id(var)]


def read_rows(m: pyo.ConcreteModel, csr_array: Any, keep_parameters: bool = False) -> StandardForm:
    """``m`` in mixed standard form; raises :class:`NotDirect` (see the module). With ``keep_parameters``
    the form keeps where the model's mutable parameters reach it (:class:`ParameterRows`)."""
    walker = RowWalker()
    objectives = list(m.component_data_objects(pyo.Objective, active=True, sort=SORTER))
    if len(objectives) != 1:
        raise NotDirect
    objective = objectives[0]
    cost: dict[int, float] = {}
    cost_offset = walker.walk(objective.expr, 1.0, cost)
    objective_parametric, walker.parametric = walker.parametric, False
    indices, values, indptr = array("q"), array("d"), array("q", [0])
    rows: list[Any] = []
    kinds: list[int] = []
    rhs: list[float] = []
    parametric: list[tuple[Any, int, int]] = []
    for con in m.component_data_objects(pyo.Constraint, active=True, sort=SORTER):
        linear, offset, senses = read_row(con, walker)
        if walker.parametric:
            parametric.append((con, len(rows), len(senses)))
            walker.parametric = False
        for kind, bound in senses:
            indices.extend(linear)
            values.extend(linear.values())
            indptr.append(len(indices))
            rows.append(con)
            kinds.append(kind)
            rhs.append(bound - offset)
    form, kept = _drop_unused(walker.var_map, cost, cost_offset, indices, values, indptr, rows, kinds, rhs,
                              objective, csr_array)
    if keep_parameters:
        walker.forget_named()
        form.parameters = ParameterRows(walker, parametric, objective if objective_parametric else None, kept)
    return form


def read_row(con: Any, walker: RowWalker) -> tuple[dict[int, float], float, tuple[tuple[int, float], ...]]:
    """One constraint as ``({column: coefficient}, constant of the body, ((kind, bound), ...))``: no rows
    when it bounds nothing or its body is constant and within its bounds, two when it is ranged."""
    expr = con.expr
    kind = expr.__class__
    if kind is not InequalityExpression and kind is not EqualityExpression:
        raise NotDirect
    lhs, rhs = expr.args
    equal = kind is EqualityExpression
    linear: dict[int, float] = {}
    if _constant(rhs):
        lower, upper = (rhs if equal else None), rhs
        offset = walker.walk(lhs, 1.0, linear)
    elif _constant(lhs):
        lower, upper = lhs, (lhs if equal else None)
        offset = walker.walk(rhs, 1.0, linear)
    else:
        lower, upper = (0 if equal else None), 0
        offset = walker.walk(lhs, 1.0, linear) + walker.walk(rhs, -1.0, linear)
    if lower is not None and lower.__class__ not in native_types:
        lower = walker.value(lower)
    if upper is not None and upper.__class__ not in native_types:
        upper = walker.value(upper)
    if lower is None and upper is None:
        return linear, offset, ()
    if not any(linear.values()):
        if (lower is None or lower <= offset) and (upper is None or upper >= offset):
            return linear, offset, ()
        raise InfeasibleConstraintException(f"model contains a trivially infeasible constraint, '{con.name}'")
    if lower == upper:
        return linear, offset, ((0, upper),)
    if lower is None:
        return linear, offset, ((1, upper),)
    if upper is None:
        return linear, offset, ((-1, lower),)
    return linear, offset, ((1, upper), (-1, lower))


def _constant(side: Any) -> bool:
    return side.__class__ in native_types or not side.is_potentially_variable()


def _drop_unused(var_map: dict[int, Any], cost: dict[int, float], offset: float, indices: array, values: array,
                 indptr: array, rows: list[Any], kinds: list[int], rhs: list[float], objective: Any,
                 csr_array: Any) -> tuple[StandardForm, np.ndarray]:
    """Drop the zero coefficients, number the columns that appear somewhere, in order; refuse fixed ones
    (Pyomo moves them to the rhs). Also say which column of the form each walked column became (-1: none)."""
    columns = list(var_map.values())
    at = np.frombuffer(indices, dtype=np.int64)
    data = np.frombuffer(values, dtype=float)
    starts = np.frombuffer(indptr, dtype=np.int64)
    nonzero = data != 0
    if not nonzero.all():
        at, data = at[nonzero], data[nonzero]
        starts = np.concatenate(([0], np.cumsum(nonzero)))[starts]
    cost_at = np.fromiter((c for c, v in cost.items() if v), dtype=np.int64)
    cost_values = np.fromiter((v for v in cost.values() if v), dtype=float)
    used = (np.bincount(at, minlength=len(columns)) + np.bincount(cost_at, minlength=len(columns))) > 0
    kept = [v for v, keep in zip(columns, used.tolist(), strict=True) if keep]
    if any(map(_FIXED, kept)):
        raise NotDirect
    renumber = np.cumsum(used) - 1
    matrix = csr_array((data, renumber[at], starts), shape=(len(rows), len(kept)))
    dense_cost = np.zeros(len(kept))
    np.add.at(dense_cost, renumber[cost_at], cost_values)
    form = StandardForm(cost=dense_cost, offset=float(offset), matrix=matrix, kinds=np.asarray(kinds, dtype=int),
                        rhs=np.asarray(rhs, dtype=float), rows=rows, columns=kept, objective=objective)
    return form, np.where(used, renumber, -1)
