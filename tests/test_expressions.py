"""The one-step builders give what Pyomo's own way gives: linear forms equal to its sum, index sets equal to its Set."""

from __future__ import annotations

import gc
import weakref

import pyomo.core as pyo
import pytest

from planner.model.registry import Registry, add_constraint, add_expression, index_set, linear, negated, total
from planner.solve.highs_backend import compile_model


def _model():
    m = pyo.ConcreteModel()
    m.x = pyo.Var(range(4), bounds=(0, 10))
    return m


def test_linear_equals_a_sum_and_leaves_out_zero_coefficients():
    built, summed = _model(), _model()
    coefs = [2.5, 0.0, -1.0, 4.0]
    built.c = pyo.Constraint(expr=linear((c, built.x[i]) for i, c in enumerate(coefs)) <= 7)
    summed.c = pyo.Constraint(expr=sum(c * summed.x[i] for i, c in enumerate(coefs)) <= 7)
    for m in (built, summed):
        m.o = pyo.Objective(expr=m.x[3])
    a, b = compile_model(built), compile_model(summed)
    assert [v.name for v in a.columns] == [v.name for v in b.columns] == ["x[0]", "x[2]", "x[3]"]  # no x[1]
    assert (a.matrix != b.matrix).nnz == 0 and list(a.row_upper) == [7.0]


def test_total_of_none_one_and_many_terms():
    m = _model()
    assert total([]) == 0
    assert total([m.x[0]]) is m.x[0]
    m.c = pyo.Constraint(expr=total([m.x[0], 2 * m.x[1], linear([(3.0, m.x[2])])]) == 1)
    m.o = pyo.Objective(expr=m.x[0])
    c = compile_model(m)
    assert dict(zip([v.name for v in c.columns], c.matrix.toarray()[0], strict=True)) == {
        "x[0]": 1.0, "x[1]": 2.0, "x[2]": 3.0}


def test_negated_is_pyomos_negation():
    m = _model()
    made, pyomos = negated(m.x[1]), -m.x[1]
    assert type(made) is type(pyomos) and made.args == pyomos.args == (-1, m.x[1])
    m.c = pyo.Constraint(expr=total([m.x[0], made]) <= 2)
    m.o = pyo.Objective(expr=m.x[0])
    assert compile_model(m).matrix.toarray().tolist() == [[1.0, -1.0]]


def test_index_set_equals_pyomos_set():
    for items in ([("ship", "leo-llo", 2030), ("ship", "llo-leo", 2030), ("tug", "leo-llo", 2031)], [2031, 2030, 2040]):
        made, pyomos = pyo.ConcreteModel(), pyo.ConcreteModel()
        made.x = pyo.Var(index_set(items))
        pyomos.x = pyo.Var(pyo.Set(initialize=items, ordered=True))
        a, b = made.x.index_set(), pyomos.x.index_set()
        assert list(a) == list(b) == items and a.dimen == b.dimen and len(a) == len(b) == 3
        assert [a.ord(i) for i in items] == [b.ord(i) for i in items] == [1, 2, 3] and a.at(3) == items[2]
        assert items[1] in a and ("ship", "leo-llo", 2099) not in a and 2099 not in a
        assert [v.name for v in made.x.values()] == [v.name for v in pyomos.x.values()]
        assert made.x[items[2]].index() == items[2]
    m = pyo.ConcreteModel()
    m.repeated = pyo.Set(initialize=[3, 1, 3, 2], ordered=True)
    assert list(index_set([3, 1, 3, 2])) == list(m.repeated) == [3, 1, 2]  # a repeated item is kept once


def test_a_made_component_lets_go_of_what_its_rule_held():
    """The lookups a rule closes over are released once the rows are made; the rows stay, and an index
    outside the component is a KeyError, as it is with the rule."""

    class Lookup(dict):
        pass

    def add_rows(m: pyo.ConcreteModel, reg: Registry) -> weakref.ref:  # as a subsystem does
        lookup = Lookup({i: m.x[i] for i in range(4)})
        add_constraint(m, reg, "cap", [0, 1, 2], lambda mm, i: lookup[i] <= i, subsystem="test", description="",
                       math="")
        add_expression(m, reg, "twice", [0, 1], lambda mm, i: 2 * lookup[i], quantity="q", unit="",
                       dims=("i",), table="t")
        return weakref.ref(lookup)

    m = _model()
    held = add_rows(m, Registry())
    gc.collect()
    assert held() is None
    assert [m.cap[i].upper for i in range(3)] == [0, 1, 2]
    assert str(m.twice[1].expr) == "2*x[1]"
    with pytest.raises(KeyError):
        m.cap[3]
