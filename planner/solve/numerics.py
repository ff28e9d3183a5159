"""The numbers of a compiled model: what they span, and a reduced, better-scaled copy to hand to HiGHS.

A compiled model (:class:`planner.solve.highs_backend.Compiled`) has rows
:math:`L_i \\le \\sum_j a_{ij} x_j \\le U_i` (one side may be infinite; :math:`L_i = U_i` for an equality)
and columns :math:`l_j \\le x_j \\le u_j`. A row's *family* is the constraint it belongs to (its Pyomo
component), a column's the variable.

**Inspect** (:func:`inspect`). For each family: how many rows (columns), the smallest and largest
:math:`|a_{ij}|` of its rows, :math:`|c_j|` of its columns, and its smallest and largest finite nonzero
:math:`|L_i|, |U_i|` (:math:`|l_j|, |u_j|`). A family whose coefficients, costs or bounds span more than
:data:`WARN_RATIO` (largest over smallest) is warned about, naming the roadmap keys behind it where the
registry can tell (the keys of the mutable parameters, :mod:`planner.model.parameters`, in the
coefficients, or bounds, that are its smallest and largest), else its description; it also names the rows
(and columns) where those are. Over the whole matrix it
counts:

* *redundant rows*, which can never bind given the column bounds. Row :math:`i`'s activity lies within
  :math:`\\underline m_i = \\sum_{a_{ij}>0} a_{ij} l_j + \\sum_{a_{ij}<0} a_{ij} u_j` and
  :math:`\\overline m_i = \\sum_{a_{ij}>0} a_{ij} u_j + \\sum_{a_{ij}<0} a_{ij} l_j` (infinite when a column
  it needs is unbounded that way); it is redundant when :math:`\\overline m_i \\le U_i` (or
  :math:`U_i = \\infty`) and :math:`\\underline m_i \\ge L_i` (or :math:`L_i = -\\infty`), each within
  :math:`10^{-12} \\max(1, |U_i|)` (:math:`|L_i|`) for the rounding of the sums;
* *singleton rows* (not redundant, one nonzero): :math:`L_i \\le a x_j \\le U_i` says only
  :math:`L_i/a \\le x_j \\le U_i/a` (the sides swap when :math:`a < 0`);
* *empty columns*, in no row (held by their bounds and cost alone).

**Condition** (:func:`condition`). A copy of the model (the original is never changed: the parametric
re-solves of :mod:`planner.solve.parametric` rewrite its coefficients by row position) in which

1. redundant rows are dropped;
2. singleton rows become column bounds: :math:`l'_j = \\max(l_j, \\max_i L_i/a_i)` and
   :math:`u'_j = \\min(u_j, \\min_i U_i/a_i)` over the singleton rows :math:`i` of column :math:`j`; on an
   integer column a bound is rounded inward, :math:`\\lceil l - \\epsilon \\rceil` and
   :math:`\\lfloor u + \\epsilon \\rfloor` with :math:`\\epsilon = 10^{-9} \\max(1, |l|)` (so that the
   :math:`2.9999999999999996` of :math:`0.3/0.1` stays 3). Each bound remembers the row that gave it
   (the first among rows that give the same number; none when the column's own bound is as tight);
3. every other row is multiplied by :math:`s_i = 2^{-\\operatorname{round}((\\log_2 \\max_j |a_{ij}| +
   \\log_2 \\min_j |a_{ij}|)/2)}`, the power of two nearest (in the exponent) to
   :math:`1/\\sqrt{\\max_j |a_{ij}| \\min_j |a_{ij}|}`: its bounds too, so :math:`s_i L_i \\le \\sum_j s_i
   a_{ij} x_j \\le s_i U_i`. Multiplying by a power of two only changes a number's exponent, so every
   scaled coefficient and bound is exact and the feasible set, and so the plan, is the model's own; the
   row's largest and smallest coefficients come to straddle 1 (their product within a factor 2 of 1).

The costs and columns are the model's, so a plan :math:`x` of the copy is one of the model
(:meth:`Restore.x` returns it unchanged) with the same objective, and it is checked against the model as
built. The row duals come back by :meth:`Restore.row_duals`. HiGHS reports row duals :math:`y` and
reduced costs :math:`r = c - A^\\top y` (in either sense; when minimizing :math:`r_j > 0` means
:math:`x_j` is held at its lower bound and :math:`r_j < 0` at its upper, the reverse when maximizing).
From the copy's :math:`y', r'`:

* a scaled row: :math:`y_i = s_i y'_i`, because :math:`(S A)^\\top y' = A^\\top (S y')`;
* a dropped redundant row: :math:`y_i = 0` (it cannot bind);
* a singleton row :math:`i` that became a bound of column :math:`j` with coefficient :math:`a`:
  :math:`y_i = r'_j / a` when the bound it gave is the one :math:`r'_j` says holds, else 0; the
  column's reduced cost in the model, :math:`r'_j - a y_i`, is then 0 (:meth:`Restore.column_duals`).

The restored :math:`y, r` satisfy :math:`c - A^\\top y = r` on the model as built, with the signs and the
complementary slackness of the copy's, so they are an optimal dual solution of the model (one of them,
when the LP is degenerate). A bound rounded on an integer column is not the row's own; a MIP's duals are
those of its LP with the integer decisions fixed, which the planner solves on the model as built.

What it buys, measured (HiGHS 1.16, one thread, two cores with another process busy, one run each): HiGHS
presolves and scales on its own, so little. Under the primal simplex the yearly baseline took 14,716
simplex iterations conditioned against 15,943 as built (seed-vision 10,565 against 12,194; 1.3-3.0 s either
way), the quarterly baseline (``--set time.step=quarter``) 114 s against 105 s; under the interior point
method that :mod:`planner.solve.method` now picks for it, 9.7 s against 11.4 s, the same optimum within
4e-8. Branch and cut is slower on the copy (the baseline with binary milestones: 111 s against 24 s), so
a MIP is handed over as built (:func:`planner.solve.highs_backend.run_highs`). ``planner solve
--no-condition`` (hidden) and ``SolveOptions(condition=False)`` hand HiGHS any model as built. The pass
itself costs 1.0 s (condition) and 1.7 s (inspect) on the 6.9-million-nonzero ``large`` benchmark
instance, 0.04 s each on the quarterly baseline.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from operator import attrgetter
from typing import Any

import numpy as np
from pyomo.core.expr.visitor import identify_mutable_parameters
from pyomo.repn.standard_repn import generate_standard_repn

from planner.solve.highs_backend import Compiled, _Numbering, _sparse

WARN_RATIO = 1e6  # a family's numbers spanning more than this (largest / smallest) is warned about
REDUNDANT_MARGIN = 1e-12  # relative: rounding of the activity sums
INTEGER_ROUNDING = 1e-9  # relative: an implied integer bound this close to an integer is that integer
_COMPONENT = attrgetter("_component")  # a Pyomo data object's weak reference to its component

Span = tuple[float, float] | None  # smallest and largest magnitude; None when there is none


@dataclass(frozen=True)
class FamilyNumbers:
    """The numbers of one family of rows (a constraint) or columns (a variable)."""

    name: str
    kind: str  # row | column
    count: int
    coefficients: Span  # rows: |a| in its rows; columns: |a| in its columns
    bounds: Span  # finite nonzero |bounds|
    costs: Span = None  # columns: nonzero |c|
    redundant: int = 0  # rows
    singleton: int = 0  # rows

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"count": self.count, "coefficients": _span_json(self.coefficients),
                               "bounds": _span_json(self.bounds)}
        if self.kind == "row":
            out |= {"redundant": self.redundant, "singleton": self.singleton}
        else:
            out["costs"] = _span_json(self.costs)
        return out


@dataclass(frozen=True)
class NumericsWarning:
    """A family whose numbers span more than :data:`WARN_RATIO`."""

    family: str
    kind: str  # row | column
    what: str  # coefficients | bounds | costs
    span: tuple[float, float]
    keys: tuple[str, ...]  # the roadmap keys behind its smallest and largest number, where known
    description: str
    smallest_at: str = ""  # where its smallest number is: "row" or "column in row"
    largest_at: str = ""

    @property
    def ratio(self) -> float:
        return self.span[1] / self.span[0]

    @property
    def message(self) -> str:
        kind = "constraint" if self.kind == "row" else "variable"
        behind = f"roadmap keys {', '.join(self.keys)}" if self.keys else (self.description or "no description")
        low = f" ({self.smallest_at})" if self.smallest_at else ""
        high = f" ({self.largest_at})" if self.largest_at else ""
        return (f"{kind} {self.family}: {self.what} span {self.span[0]:.3g}{low} to {self.span[1]:.3g}{high}, "
                f"ratio {self.ratio:.2g}; {behind}")

    def to_json(self) -> dict[str, Any]:
        return {"family": self.family, "kind": self.kind, "what": self.what, "range": list(self.span),
                "ratio": self.ratio, "keys": list(self.keys), "description": self.description,
                "smallest_at": self.smallest_at, "largest_at": self.largest_at, "message": self.message}


@dataclass
class Numerics:
    """What :func:`inspect` finds: ranges per family and overall, counts, warnings."""

    rows: int
    columns: int
    nonzeros: int
    coefficients: Span
    costs: Span
    row_bounds: Span
    column_bounds: Span
    redundant_rows: int
    singleton_rows: int
    empty_columns: int
    row_families: list[FamilyNumbers] = field(default_factory=list)
    column_families: list[FamilyNumbers] = field(default_factory=list)
    warnings: list[NumericsWarning] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "rows": self.rows, "columns": self.columns, "nonzeros": self.nonzeros,
            "ranges": {"coefficients": _span_json(self.coefficients), "costs": _span_json(self.costs),
                       "row_bounds": _span_json(self.row_bounds), "column_bounds": _span_json(self.column_bounds)},
            "redundant_rows": self.redundant_rows, "singleton_rows": self.singleton_rows,
            "empty_columns": self.empty_columns,
            "row_families": {f.name: f.to_json() for f in self.row_families},
            "column_families": {f.name: f.to_json() for f in self.column_families},
            "warnings": [w.to_json() for w in self.warnings],
        }


@dataclass(frozen=True)
class Restore:
    """Maps a solution of the conditioned copy back to the model as built (see the module's docstring)."""

    rows: int  # rows of the model as built
    kept: np.ndarray  # the built row of each row of the copy
    scale: np.ndarray  # and its scale
    redundant: np.ndarray  # built rows dropped as redundant
    singleton: np.ndarray  # built rows turned into column bounds
    singleton_column: np.ndarray  # their column
    singleton_coefficient: np.ndarray  # and coefficient
    lower_source: np.ndarray  # per column: position in `singleton` of the row that gave its lower bound, or -1
    upper_source: np.ndarray  # the same for its upper bound
    maximize: bool

    def x(self, x: np.ndarray) -> np.ndarray:
        """The plan: the copy's columns are the model's."""
        return x

    def _held(self, reduced_costs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Columns held at a bound a singleton row gave, and the position of that row in ``singleton``."""
        r = reduced_costs
        lower = (r < 0) if self.maximize else (r > 0)
        upper = (r > 0) if self.maximize else (r < 0)
        source = np.where(lower, self.lower_source, np.where(upper, self.upper_source, -1))
        columns = np.flatnonzero(source >= 0)
        return columns, source[columns]

    def row_duals(self, row_duals: np.ndarray, reduced_costs: np.ndarray) -> np.ndarray:
        """The built rows' duals from the copy's row duals and reduced costs."""
        y = np.zeros(self.rows)
        y[self.kept] = self.scale * np.asarray(row_duals, dtype=float)
        r = np.asarray(reduced_costs, dtype=float)
        columns, k = self._held(r)
        y[self.singleton[k]] = r[columns] / self.singleton_coefficient[k]
        return y

    def column_duals(self, reduced_costs: np.ndarray) -> np.ndarray:
        """The built model's reduced costs: 0 where a singleton row now carries the copy's."""
        r = np.array(reduced_costs, dtype=float)
        columns, _k = self._held(r)
        r[columns] = 0.0
        return r


@dataclass
class _Rows:
    """Row-wise facts shared by :func:`inspect` and :func:`condition`."""

    csr: Any  # the matrix by rows, explicit zeros removed
    row_of: np.ndarray  # the row of each nonzero
    count: np.ndarray  # nonzeros per row
    redundant: np.ndarray  # bool per row
    singleton: np.ndarray  # bool per row (not redundant, one nonzero)


def _analyse_rows(c: Compiled) -> _Rows:
    csr = _sparse.csr_array(c.matrix, copy=True)
    csr.eliminate_zeros()
    n = csr.shape[0]
    count = np.diff(csr.indptr)
    row_of = np.repeat(np.arange(n), count)
    a = csr.data
    positive = a > 0
    top = np.where(positive, c.col_upper[csr.indices], c.col_lower[csr.indices])  # the bound that maximizes a x
    bottom = np.where(positive, c.col_lower[csr.indices], c.col_upper[csr.indices])
    highest, high_infinite = _activity(row_of, a, top, n)
    lowest, low_infinite = _activity(row_of, a, bottom, n)
    upper, lower = c.row_upper, c.row_lower
    with np.errstate(invalid="ignore"):
        below_upper = np.isposinf(upper) | (~high_infinite & (highest <= upper + REDUNDANT_MARGIN
                                                              * np.maximum(1.0, np.abs(upper))))
        above_lower = np.isneginf(lower) | (~low_infinite & (lowest >= lower - REDUNDANT_MARGIN
                                                             * np.maximum(1.0, np.abs(lower))))
    redundant = below_upper & above_lower
    return _Rows(csr=csr, row_of=row_of, count=count, redundant=redundant, singleton=(count == 1) & ~redundant)


def _activity(row_of: np.ndarray, a: np.ndarray, bound: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Per row, :math:`\\sum_j a_j b_j` over its finite bounds, and whether any of its bounds is infinite."""
    infinite = np.isinf(bound)
    total = np.bincount(row_of, weights=np.where(infinite, 0.0, a * np.where(infinite, 0.0, bound)), minlength=n)
    return total, np.bincount(row_of, weights=infinite, minlength=n) > 0


def condition(c: Compiled) -> tuple[Compiled, Restore]:
    """A reduced, row-scaled copy of ``c`` with the same plans, and how to map its solution back."""
    facts = _analyse_rows(c)
    csr, row_of = facts.csr, facts.row_of
    n_rows = csr.shape[0]

    singleton = np.flatnonzero(facts.singleton)
    first = csr.indptr[singleton]
    column, coefficient = csr.indices[first], csr.data[first]
    lower, upper = _implied_bounds(c, singleton, column, coefficient)
    col_lower, col_upper = c.col_lower.copy(), c.col_upper.copy()
    np.maximum.at(col_lower, column, lower)
    np.minimum.at(col_upper, column, upper)
    lower_source = np.full(len(c.columns), -1, dtype=np.int64)
    upper_source = np.full(len(c.columns), -1, dtype=np.int64)
    gives = np.flatnonzero((lower > c.col_lower[column]) & (lower == col_lower[column]))[::-1]  # first one wins
    lower_source[column[gives]] = gives
    gives = np.flatnonzero((upper < c.col_upper[column]) & (upper == col_upper[column]))[::-1]
    upper_source[column[gives]] = gives

    keep = ~facts.redundant & ~facts.singleton
    kept = np.flatnonzero(keep)
    scale = _row_scales(csr, facts.count)[kept]
    entries = keep[row_of]
    renumber = np.cumsum(keep) - 1
    reduced = _sparse.csr_array(
        (csr.data[entries] * scale[renumber[row_of[entries]]], csr.indices[entries],
         np.concatenate(([0], np.cumsum(facts.count[kept])))), shape=(len(kept), csr.shape[1]))
    rows = list(map(c.rows.__getitem__, kept.tolist()))
    copy = replace(c, cost=c.cost.copy(), matrix=reduced.tocsc(), row_lower=c.row_lower[kept] * scale,
                   row_upper=c.row_upper[kept] * scale, col_lower=col_lower, col_upper=col_upper,
                   integer=c.integer.copy(), rows=rows, columns=list(c.columns), parameters=None)
    restore = Restore(rows=n_rows, kept=kept, scale=scale, redundant=np.flatnonzero(facts.redundant),
                      singleton=singleton, singleton_column=column, singleton_coefficient=coefficient,
                      lower_source=lower_source, upper_source=upper_source, maximize=c.maximize)
    return copy, restore


def _implied_bounds(c: Compiled, rows: np.ndarray, column: np.ndarray,
                    coefficient: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The column bounds singleton rows ``rows`` say (rounded inward on integer columns)."""
    low, high = c.row_lower[rows], c.row_upper[rows]
    positive = coefficient > 0
    lower = np.where(positive, low, high) / coefficient
    upper = np.where(positive, high, low) / coefficient
    integer = c.integer[column]
    lower = np.where(integer, np.ceil(lower - _rounding(lower)), lower)
    upper = np.where(integer, np.floor(upper + _rounding(upper)), upper)
    return lower, upper


def _rounding(bound: np.ndarray) -> np.ndarray:
    """:math:`10^{-9} \\max(1, |b|)` for a finite bound ``b`` (0 for an infinite one)."""
    finite = np.isfinite(bound)
    return np.where(finite, INTEGER_ROUNDING * np.maximum(1.0, np.abs(np.where(finite, bound, 0.0))), 0.0)


def _row_scales(csr: Any, count: np.ndarray) -> np.ndarray:
    """Per row, the power of two nearest to :math:`1/\\sqrt{\\max|a| \\min|a|}` (1 for an empty row)."""
    scale = np.ones(csr.shape[0])
    filled = np.flatnonzero(count > 0)
    if len(filled):
        magnitude = np.abs(csr.data)
        starts = csr.indptr[filled]
        largest = np.maximum.reduceat(magnitude, starts)
        smallest = np.minimum.reduceat(magnitude, starts)
        exponent = -np.rint(0.5 * (np.log2(largest) + np.log2(smallest)))
        scale[filled] = np.ldexp(1.0, exponent.astype(np.int32))
    return scale


def inspect(c: Compiled, registry: Any = None) -> Numerics:
    """The ranges of ``c``'s numbers by family and overall, its redundant and singleton rows and empty
    columns, and warnings about families whose numbers span more than :data:`WARN_RATIO`.

    ``registry`` (:class:`planner.model.registry.Registry`) names the roadmap keys and descriptions behind
    the warnings."""
    facts = _analyse_rows(c)
    csr, row_of = facts.csr, facts.row_of
    magnitude = np.abs(csr.data)
    row_family, row_names = _families(c.rows)
    col_family, col_names = _families(c.columns)
    column_of = csr.indices

    row_coefficients = _group_spans(row_family[row_of], magnitude, len(row_names))
    bound_rows, bounds = _finite_nonzero(c.row_lower, c.row_upper)
    row_bound_spans = _group_spans(row_family[bound_rows], bounds, len(row_names))
    col_coefficients = _group_spans(col_family[column_of], magnitude, len(col_names))
    bound_cols, col_bounds = _finite_nonzero(c.col_lower, c.col_upper)
    col_bound_spans = _group_spans(col_family[bound_cols], col_bounds, len(col_names))
    costed = np.flatnonzero(c.cost != 0)
    costs = np.abs(c.cost[costed])
    cost_spans = _group_spans(col_family[costed], costs, len(col_names))

    rows_per = np.bincount(row_family, minlength=len(row_names))
    redundant_per = np.bincount(row_family, weights=facts.redundant, minlength=len(row_names)).astype(int)
    singleton_per = np.bincount(row_family, weights=facts.singleton, minlength=len(row_names)).astype(int)
    cols_per = np.bincount(col_family, minlength=len(col_names))
    row_families = [FamilyNumbers(name, "row", int(rows_per[f]), row_coefficients[f], row_bound_spans[f],
                                  redundant=int(redundant_per[f]), singleton=int(singleton_per[f]))
                    for f, name in enumerate(row_names)]
    column_families = [FamilyNumbers(name, "column", int(cols_per[f]), col_coefficients[f], col_bound_spans[f],
                                     costs=cost_spans[f]) for f, name in enumerate(col_names)]

    warnings: list[NumericsWarning] = []
    for f, family in enumerate(row_families):
        for what, span in (("coefficients", family.coefficients), ("bounds", family.bounds)):
            if span is not None and _wide(span):
                ends = _extremes(f, what, row_family, row_of, column_of, magnitude, bound_rows, bounds)
                entries = [(c.rows[row], None if column < 0 else c.columns[column]) for row, column in ends]
                keys = tuple(sorted({key for row, var in entries for key in _keys_behind(row, var, registry)}))
                low, high = (var.name + " in " + row.name if var is not None else row.name for row, var in entries)
                warnings.append(NumericsWarning(family.name, "row", what, span, keys,
                                                _row_description(family.name, registry), low, high))
    for family in column_families:
        for what, span in (("costs", family.costs), ("bounds", family.bounds)):
            if span is not None and _wide(span):
                warnings.append(NumericsWarning(family.name, "column", what, span, (),
                                                _column_description(family.name, registry)))
    warnings.sort(key=lambda w: -w.ratio)
    column_nonzeros = np.bincount(column_of, minlength=len(c.columns))
    return Numerics(
        rows=len(c.rows), columns=len(c.columns), nonzeros=int(csr.nnz), coefficients=_span(magnitude),
        costs=_span(costs), row_bounds=_span(bounds), column_bounds=_span(col_bounds),
        redundant_rows=int(facts.redundant.sum()), singleton_rows=int(facts.singleton.sum()),
        empty_columns=int((column_nonzeros == 0).sum()), row_families=row_families,
        column_families=column_families, warnings=warnings)


def _families(items: list[Any]) -> tuple[np.ndarray, list[str]]:
    """The family number of each row (or column): its Pyomo component, numbered in order of appearance.

    By C-level maps over the weak reference each Pyomo data object keeps to its component (one reference
    object per component), not by calling ``parent_component()`` on each: 0.5 µs an item."""
    number = _Numbering()
    ids = np.fromiter(map(number.__getitem__, map(id, map(_COMPONENT, items))), dtype=np.int64, count=len(items))
    firsts = np.unique(ids, return_index=True)[1] if len(ids) else np.zeros(0, dtype=np.int64)
    names = [items[i].parent_component().name for i in firsts.tolist()]
    family: dict[str, int] = {}  # by name, should two references ever stand for one component
    renumber = np.array([family.setdefault(name, len(family)) for name in names], dtype=np.int64)
    return renumber[ids] if len(ids) else ids, list(family)


def _finite_nonzero(lower: np.ndarray, upper: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The finite nonzero magnitudes of two bound arrays, with the position each came from."""
    values = np.concatenate((lower, upper))
    where = np.flatnonzero(np.isfinite(values) & (values != 0))
    return where % len(lower) if len(lower) else where, np.abs(values[where])


def _group_spans(group: np.ndarray, values: np.ndarray, n: int) -> list[Span]:
    smallest, largest = np.full(n, np.inf), np.full(n, -np.inf)
    np.minimum.at(smallest, group, values)
    np.maximum.at(largest, group, values)
    return [(lo, hi) if hi >= lo else None for lo, hi in zip(smallest.tolist(), largest.tolist(), strict=True)]


def _span(values: np.ndarray) -> Span:
    return (float(values.min()), float(values.max())) if len(values) else None


def _span_json(span: Span) -> list[float] | None:
    return list(span) if span is not None else None


def _wide(span: tuple[float, float]) -> bool:
    return span[1] > WARN_RATIO * span[0]


def _extremes(family: int, what: str, row_family: np.ndarray, row_of: np.ndarray, column_of: np.ndarray,
              magnitude: np.ndarray, bound_rows: np.ndarray, bounds: np.ndarray) -> list[tuple[int, int]]:
    """Where a row family's smallest and largest coefficient (row, column) or bound (row, -1) are."""
    if what == "coefficients":
        where = np.flatnonzero(row_family[row_of] == family)
        ends = where[[magnitude[where].argmin(), magnitude[where].argmax()]]
        return list(zip(row_of[ends].tolist(), column_of[ends].tolist(), strict=True))
    where = np.flatnonzero(row_family[bound_rows] == family)
    ends = where[[bounds[where].argmin(), bounds[where].argmax()]]
    return [(row, -1) for row in bound_rows[ends].tolist()]


def _keys_behind(row: Any, var: Any, registry: Any) -> tuple[str, ...]:
    """The roadmap keys of the declared parameters in ``var``'s coefficient in ``row`` (in its bounds when
    ``var`` is None)."""
    if registry is None:
        return ()
    repn = generate_standard_repn(row.body, compute_values=False, quadratic=False)
    if var is None:
        parts = [repn.constant, row.lower, row.upper]
    else:
        parts = [coef for v, coef in zip(repn.linear_vars, repn.linear_coefs, strict=True) if v is var]
    names = {p.parent_component().name for part in parts if part is not None and not isinstance(part, (int, float))
             for p in identify_mutable_parameters(part)}
    declared = registry.parameters
    return tuple(sorted({key for name in names if name in declared for key in declared[name].keys}))


def _row_description(name: str, registry: Any) -> str:
    family = registry.families.get(name) if registry is not None else None
    return family.description if family is not None else ""


def _column_description(name: str, registry: Any) -> str:
    if registry is None:
        return ""
    for quantity in registry.quantities:
        if quantity.component == name:
            return f"{quantity.quantity} ({quantity.unit}), table {quantity.table}"
    return ""
