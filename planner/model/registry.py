"""Metadata that travels with the model: constraint families, result quantities and parameters.

Every subsystem declares its constraint families (name, description, math) and the quantities it
reports (component, unit, index names, table). The documentation, the bottleneck report and the tidy
result tables are all generated from these declarations, so that none of them can drift from the
model. Roadmap numbers a new value of which needs no rebuild are declared as parameters
(:mod:`planner.model.parameters`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pyomo.core as pyo
from pyomo.core.expr.numeric_expr import LinearExpression, MonomialTermExpression, SumExpression

if TYPE_CHECKING:
    from planner.model.parameters import Parameter


@dataclass(frozen=True)
class Family:
    """A constraint family: its Pyomo name, what it says and its math (LaTeX)."""

    name: str
    subsystem: str
    description: str
    math: str
    limit: str = ""  # a short label when the family is a limit a strategist can relax ("launch cap")


@dataclass(frozen=True)
class Quantity:
    """A reported quantity: a Pyomo Var or Expression with named index positions."""

    component: str
    quantity: str
    unit: str
    dims: tuple[str, ...]
    table: str
    scale: float = 1.0


@dataclass
class Registry:
    """What the subsystems declared, plus the balance terms they contribute."""

    families: dict[str, Family] = field(default_factory=dict)
    quantities: list[Quantity] = field(default_factory=list)
    # (location, commodity, period) -> linear terms added to that balance (inflow +, outflow -)
    balance: dict[tuple[str, str, int], list[Any]] = field(default_factory=lambda: defaultdict(list))
    # (location, commodity, period) -> arrivals by transport or launch (for 'delivered' metrics)
    arrivals: dict[tuple[str, str, int], list[Any]] = field(default_factory=lambda: defaultdict(list))
    # (location, commodity, period) -> what late arcs bring (planner.model.ready): still held at the period's end
    late: dict[tuple[str, str, int], list[Any]] = field(default_factory=lambda: defaultdict(list))
    # category -> period -> spending terms, M$
    spending: dict[str, dict[int, list[Any]]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(list)))
    # (commodity, period) -> units made in the period (supplied by a source or produced by a process)
    made: dict[tuple[str, int], list[Any]] = field(default_factory=lambda: defaultdict(list))
    # period -> revenue terms, M$
    revenue: dict[int, list[Any]] = field(default_factory=lambda: defaultdict(list))
    # period -> revenue earned by what the period itself adds: (GW-years per GW served by the share f of the
    # period, M$ per GW-year of their share of the period's revenue, M$ per GW-year they have earned by f, GW
    # added); their share is rate * served(1) * added, their revenue by f early_rate * served(f) * added
    new_revenue: dict[int, list[tuple[Callable[[float], float], Any, Any, Any]]] = field(
        default_factory=lambda: defaultdict(list))
    # period -> power demand terms at a location, kW
    power_use: dict[tuple[str, int], list[Any]] = field(default_factory=lambda: defaultdict(list))
    # name -> a roadmap number that enters the model as a mutable parameter (planner.model.parameters)
    parameters: dict[str, Parameter] = field(default_factory=dict)


def linear(terms: Iterable[tuple[float, Any]]) -> Any:
    """:math:`\\sum_i c_i x_i` over ``(c_i, x_i)`` pairs of coefficients and variables, as one Pyomo linear
    expression made in one step (``sum(c * x ...)`` re-makes it once per term: 3x slower). Terms with a
    zero coefficient are left out, as ``0 * x`` leaves them out of a ``sum``."""
    return LinearExpression([MonomialTermExpression((c, x)) for c, x in terms if c])


def scaled(c: float, x: Any) -> Any:
    """:math:`c x` for a number ``c`` and a variable ``x``: the monomial Pyomo's ``c * x`` makes, made
    directly (without its operator dispatch, which costs as much again)."""
    return MonomialTermExpression((c, x))


def negated(x: Any) -> Any:
    """:math:`-x` for a variable ``x``, as Pyomo's ``-x`` makes it."""
    return MonomialTermExpression((-1, x))


def total(terms: list[Any]) -> Any:
    """The sum of Pyomo expressions ``terms`` as one n-ary sum made in one step (0 when empty)."""
    if len(terms) > 1:
        return SumExpression(list(terms))
    return terms[0] if terms else 0


def add_constraint(
    m: pyo.ConcreteModel,
    reg: Registry,
    name: str,
    index: Iterable[Any] | None,
    rule: Callable[..., Any],
    *,
    subsystem: str,
    description: str,
    math: str,
    limit: str = "",
) -> None:
    """Create ``m.<name>`` over ``index`` (a plain list of index tuples) and record its metadata."""
    if index is None:
        setattr(m, name, pyo.Constraint(rule=rule))
    else:
        items = list(index)
        setattr(m, name, pyo.Constraint(index_set(items), rule=rule))
    _forget_rule(getattr(m, name))
    reg.families[name] = Family(name, subsystem, description, math, limit)


def add_var(
    m: pyo.ConcreteModel,
    reg: Registry | None,
    name: str,
    index: Iterable[Any],
    *,
    quantity: str = "",
    unit: str = "",
    dims: tuple[str, ...] = (),
    table: str = "",
    integer: bool = False,
    bounds: Any = None,
) -> pyo.Var:
    """Create ``m.<name>`` over a sparse index (nonnegative unless ``bounds``) and declare it as a result."""
    items = list(index)
    domain = pyo.NonNegativeIntegers if integer else (pyo.Reals if bounds is not None else pyo.NonNegativeReals)
    var = pyo.Var(index_set(items), domain=domain, bounds=bounds)
    setattr(m, name, var)
    if reg is not None and quantity:
        reg.quantities.append(Quantity(name, quantity, unit, dims, table))
    return var


def make_integer(var: pyo.Var, which: Callable[[Any], bool]) -> None:
    """Count in whole units the entries of ``var`` whose index ``which`` selects."""
    for index, data in var.items():
        if which(index):
            data.domain = pyo.NonNegativeIntegers


def add_expression(
    m: pyo.ConcreteModel,
    reg: Registry,
    name: str,
    index: Iterable[Any],
    rule: Callable[..., Any],
    *,
    quantity: str,
    unit: str,
    dims: tuple[str, ...],
    table: str,
) -> None:
    """Create ``m.<name>`` as a named Expression reported in ``table``."""
    items = list(index)
    setattr(m, name, pyo.Expression(index_set(items), rule=rule))
    _forget_rule(getattr(m, name))
    reg.quantities.append(Quantity(name, quantity, unit, dims, table))


def _forget_rule(component: Any) -> None:
    """Drop the rule of a component the model has made: the rule is only needed to make it, and it holds
    the lookups its subsystem built for that (dicts of variables by index, kept for the model's life
    otherwise). An index outside the component then raises ``KeyError`` instead of calling the rule."""
    component._rule = None


def index_set(items: list[Any]) -> pyo.Set:
    """An ordered Pyomo Set of ``items`` (flat tuples of strings and numbers, or scalars; a repeated item is
    kept once, as Pyomo keeps it), filled in one step. Pyomo's own ``Set(initialize=items)`` normalizes and
    checks every member as it adds it (about 0.4 µs each: 0.6 s for the 1.4 million indices of the large
    benchmark); the planner's indices are already in normal form, so the set's table is filled directly.
    The result is the same set (tested against Pyomo's)."""
    s = pyo.Set(dimen=_dimen(items), ordered=True)
    s.construct()
    s._values.update(dict.fromkeys(items))
    s._ordered_values = None
    return s


def _dimen(items: list[Any]) -> int:
    if not items:
        return 1
    first = items[0]
    return len(first) if isinstance(first, tuple) else 1
