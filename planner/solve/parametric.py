"""A compiled model's numbers after its mutable parameters change, without building or compiling it again.

:func:`planner.solve.highs_backend.compile_model` with ``keep_parameters`` notes which constraints (and
whether the objective) read a mutable parameter (:mod:`planner.model.parameters`). Only those are read
again, by the same walk and column numbering as the first time, so each number equals the one a fresh
compile of the rebuilt model gives (the same products and sums, in the same order). Everything else, the
rows that read no parameter and the column bounds, is the first compile's.

The sparsity pattern stays the first compile's: a coefficient that becomes zero is kept as an explicit
zero; one that appears where the first compile had none (a parameter that was zero, now not), or a row
that appears or vanishes, means the structure changed, and :meth:`ParametricModel.numbers` says so (None):
the caller rebuilds.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from pyomo.common.errors import InfeasibleConstraintException

from planner.solve.direct_form import ParameterRows, read_row
from planner.solve.highs_backend import Compiled


class ParametricModel:
    """A compiled model whose numbers can be read again after its parameters change."""

    def __init__(self, compiled: Compiled) -> None:
        if compiled.parameters is None:
            raise ValueError("compile the model with keep_parameters=True")
        self.compiled = compiled
        self._where: ParameterRows = compiled.parameters
        rows = np.array([first + k for _con, first, count in self._where.rows for k in range(count)], dtype=np.int64)
        matrix = compiled.matrix
        column_of = np.repeat(np.arange(matrix.shape[1]), np.diff(matrix.indptr))
        self._positions = np.flatnonzero(np.isin(matrix.indices, rows))  # the entries of rows with parameters
        self._position_of = dict(zip(zip(matrix.indices[self._positions].tolist(),
                                         column_of[self._positions].tolist(), strict=True),
                                     self._positions.tolist(), strict=True))

    def numbers(self) -> Compiled | None:
        """The model's matrices with its parameters' current values; None when its structure changed."""
        ref, where = self.compiled, self._where
        walker, kept = where.walker, where.kept
        walker.forget_named()
        data = ref.matrix.data.copy()
        data[self._positions] = 0.0
        lower, upper = ref.row_lower.copy(), ref.row_upper.copy()
        try:
            for con, first, count in where.rows:
                linear, offset, senses = read_row(con, walker)
                if len(senses) != count:
                    return None
                for row, (kind, bound) in enumerate(senses, start=first):
                    lower[row] = bound - offset if kind <= 0 else -np.inf
                    upper[row] = bound - offset if kind >= 0 else np.inf
                    for column, c in linear.items():
                        if c:
                            position = self._position_of.get((row, int(kept[column])))
                            if position is None:
                                return None
                            data[position] = c
        except InfeasibleConstraintException:
            return None
        cost, offset = ref.cost, ref.offset
        if where.objective is not None:
            read: dict[int, float] = {}
            offset = float(walker.walk(where.objective.expr, 1.0, read))
            cost = np.zeros(len(ref.cost))
            for column, c in read.items():
                if c:
                    if kept[column] < 0:
                        return None
                    cost[kept[column]] += c
        walker.forget_named()
        matrix = ref.matrix.copy()
        matrix.data = data
        return replace(ref, cost=cost, offset=offset, matrix=matrix, row_lower=lower, row_upper=upper)
