"""Rows read directly give Pyomo's standard form bit for bit; anything else falls back to Pyomo's compiler."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyomo.core as pyo
import pytest

from planner import load_roadmap
from planner.model import build_model
from planner.solve import highs_backend
from planner.solve.direct_form import NotDirect, read_rows
from planner.solve.highs_backend import compile_model

ROOT = Path(__file__).resolve().parents[1]


def _same(a, b) -> None:
    assert a.matrix.shape == b.matrix.shape and (a.matrix != b.matrix).nnz == 0
    for field in ("kinds", "rhs"):
        assert np.array_equal(getattr(a, field), getattr(b, field)), field
    # a scale nested in a scale is multiplied in another order ((a*b)*c against a*(b*c)): the last bit may differ
    np.testing.assert_allclose(a.cost, b.cost, rtol=1e-15, atol=0)
    assert a.offset == b.offset and a.objective is b.objective
    assert all(x is y for x, y in zip(a.rows, b.rows, strict=True))
    assert all(x is y for x, y in zip(a.columns, b.columns, strict=True))


@pytest.mark.parametrize("roadmap", ["roadmaps/baseline.yaml", "roadmaps/examples/crewed-sorties.yaml",
                                     "roadmaps/examples/cislunar-depot.yaml"])
def test_direct_rows_equal_pyomos_compiler(roadmap: str):
    built = build_model(load_roadmap(ROOT / roadmap).roadmap)
    stage = built.stages[-1]
    built.model.o = pyo.Objective(expr=stage.expression, sense=pyo.maximize if stage.sense == "max" else pyo.minimize)
    direct = read_rows(built.model, highs_backend._sparse.csr_array)
    _same(direct, highs_backend._pyomo_standard_form(built.model))
    assert direct.matrix.nnz > 500


def _small() -> pyo.ConcreteModel:
    m = pyo.ConcreteModel()
    m.x = pyo.Var(range(3), bounds=(0, 4))
    m.unused = pyo.Var()
    m.o = pyo.Objective(expr=m.x[0] + 2 * m.x[1], sense=pyo.maximize)
    m.a = pyo.Constraint(expr=m.x[0] + m.x[1] <= 3 + m.x[2])  # both sides variable: x0 + x1 - x2 <= 3
    m.b = pyo.Constraint(expr=5 == m.x[2] + 1)  # constant on the left: x2 == 4
    m.c = pyo.Constraint(expr=m.x[0] >= 2)  # Pyomo keeps it as 2 <= x0: constant on the left, a lower bound
    return m


def test_both_sides_constants_and_unused_columns():
    m = _small()
    form = read_rows(m, highs_backend._sparse.csr_array)
    _same(form, highs_backend._pyomo_standard_form(m))
    assert [v.name for v in form.columns] == ["x[0]", "x[1]", "x[2]"]  # 'unused' is left out
    assert form.matrix.toarray().tolist() == [[1, 1, -1], [0, 0, 1], [1, 0, 0]]
    assert form.kinds.tolist() == [1, 0, -1] and form.rhs.tolist() == [3, 4, 2]


def test_ranged_rows_and_fixed_variables_go_to_pyomos_compiler():
    m = _small()
    m.r = pyo.Constraint(expr=pyo.inequality(1, m.x[0] + m.x[1], 3))
    with pytest.raises(NotDirect):
        read_rows(m, highs_backend._sparse.csr_array)
    compiled = compile_model(m)  # falls back
    assert compiled.row_lower.tolist()[-2:] == [-np.inf, 1] and compiled.row_upper.tolist()[-2:] == [3, np.inf]
    m.r.deactivate()
    m.x[2].fix(4)
    with pytest.raises(NotDirect):
        read_rows(m, highs_backend._sparse.csr_array)
    assert [v.name for v in compile_model(m).columns] == ["x[0]", "x[1]"]


def test_a_constant_infeasible_row_is_refused():
    m = _small()
    m.bad = pyo.Constraint(expr=m.x[0] - m.x[0] >= 1)
    with pytest.raises(ValueError, match="infeasible"):
        compile_model(m)


def test_every_node_kind_and_bounds_of_every_kind_of_variable():
    m = pyo.ConcreteModel()
    m.x, m.y = pyo.Var(), pyo.Var(bounds=(0, 4))
    m.z = pyo.Var(range(3), domain=pyo.NonNegativeIntegers)
    m.z[1].setub(7)
    m.b = pyo.Var(domain=pyo.Binary)
    m.p = pyo.Param(initialize=2.0, mutable=True)
    m.e = pyo.Expression(expr=3 * m.x + 1)
    m.c1 = pyo.Constraint(expr=-m.x + m.p * m.y / 4 + m.e * 2 <= 10)  # negation, param, quotient, named
    m.c2 = pyo.Constraint(expr=m.x + sum(m.z.values()) + m.b >= 1)
    m.c3 = pyo.Constraint(expr=(m.x + m.y) * 3 == 2 * m.p)  # product of a sum by a constant
    m.c4 = pyo.Constraint(expr=m.x / m.p + m.e - m.e + 0 * m.y <= 7)  # terms that cancel or are zero
    m.c5 = pyo.Constraint(expr=m.y - m.y >= -1)  # cancels to a constant that holds: no row
    m.o = pyo.Objective(expr=m.e + m.y - 4, sense=pyo.maximize)
    form = read_rows(m, highs_backend._sparse.csr_array)
    _same(form, highs_backend._pyomo_standard_form(m))
    assert form.matrix.toarray().tolist() == [[5, 0.5, 0, 0, 0, 0], [1, 0, 1, 1, 1, 1], [3, 3, 0, 0, 0, 0],
                                              [0.5, 0, 0, 0, 0, 0]]
    assert form.rhs.tolist() == [8, 1, 4, 7] and form.offset == -3 and form.cost.tolist() == [3, 1, 0, 0, 0, 0]
    compiled = compile_model(m)
    assert compiled.col_lower.tolist() == [-np.inf, 0, 0, 0, 0, 0]
    assert compiled.col_upper.tolist() == [np.inf, 4, np.inf, 7, np.inf, 1]
    assert compiled.integer.tolist() == [False, False, True, True, True, True]


def test_a_product_of_two_variables_goes_to_pyomos_compiler_which_refuses_it():
    from pyomo.common.errors import InvalidConstraintError

    m = pyo.ConcreteModel()
    m.x, m.y = pyo.Var(), pyo.Var()
    m.c = pyo.Constraint(expr=m.x * m.y + m.x <= 1)
    m.o = pyo.Objective(expr=m.x)
    with pytest.raises(NotDirect):
        read_rows(m, highs_backend._sparse.csr_array)
    with pytest.raises(InvalidConstraintError):
        compile_model(m)


def test_values_go_on_the_columns_and_variables_outside_the_matrix_get_zero():
    m = pyo.ConcreteModel()
    m.x = pyo.Var(range(3), bounds=(0, 10))
    m.unused = pyo.Var(bounds=(0, 10), initialize=5.0)
    m.c = pyo.Constraint(expr=m.x[0] + 2 * m.x[1] + m.x[2] <= 8)
    m.o = pyo.Objective(expr=m.x[0] + m.x[1], sense=pyo.maximize)
    compiled = compile_model(m)
    assert len(compiled.columns) == 3
    highs_backend.load_values(compiled, np.array([1.0, 2.0, 3.0]), m)
    assert [m.x[i].value for i in range(3)] == [1.0, 2.0, 3.0] and m.unused.value == 0.0
    del m.unused
    highs_backend.load_values(compiled, np.array([4.0, 0.5, 0.25]), m)  # every variable a column
    assert [m.x[i].value for i in range(3)] == [4.0, 0.5, 0.25]
