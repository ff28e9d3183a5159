"""Roadmap numbers that enter the model as mutable parameters, so a new value needs no rebuild.

A subsystem declares such a number with :func:`add_param`: a mutable Pyomo ``Param`` over a fixed index,
the function of the model data that gives its values, and the roadmap keys those values are read from
(dotted paths; ``*`` stands for any one name: ``launch_vehicles.*.payload_t``). The model's expressions
name the parameter, never its current value, and the model never branches on it, so a roadmap that
differs from the one built only in *covered* keys (:func:`covers`) has the same rows, columns and sparsity
pattern, and its numbers are the built model's after :func:`set_parameters` (the values are functions of
the data: a discount factor, say, is recomputed exactly from a new rate, not extrapolated).

That a key is covered is a claim about every place the model reads it; ``tests/test_parameters.py``
checks the claim for every declared key on every shipped roadmap, by comparing the rebuilt model's
matrices with the built model's after its parameters are set.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import pyomo.core as pyo

from planner.model.registry import Registry, index_set

Values = Callable[[Any], dict[Any, float]]  # model data -> {index: value}


@dataclass(frozen=True)
class Parameter:
    """A declared parameter: its component name, its values from the data, the roadmap keys they read."""

    name: str
    values: Values
    keys: tuple[str, ...]


def add_param(m: pyo.ConcreteModel, reg: Registry, name: str, index: Iterable[Any], values: Values, data: Any, *,
              keys: tuple[str, ...]) -> pyo.Param:
    """Create ``m.<name>``, a mutable parameter over ``index`` valued ``values(data)``, reading ``keys``.

    ``values`` must read the roadmap only through its argument (it is called again with a new roadmap's
    data by :func:`set_parameters`)."""
    param = pyo.Param(index_set(list(index)), mutable=True, initialize=values(data))
    setattr(m, name, param)
    reg.parameters[name] = Parameter(name, values, keys)
    return param


def period_means(table: Callable[[Any], Any]) -> Values:
    """The means of a roadmap time table (``table(roadmap)``) over each period: :math:`\\bar x_p`."""
    def values(data: Any) -> dict[int, float]:
        return dict(enumerate(data.period_means(table(data.roadmap))))
    return values


def per_period(table: Callable[[Any], Any]) -> Values:
    """The values of a roadmap time table (a rate per year, ``table(roadmap)``) over each period:
    :math:`\\bar x_p\\, y_p`."""
    rates = period_means(table)

    def values(data: Any) -> dict[int, float]:
        return {p: x * data.length_years[p] for p, x in rates(data).items()}
    return values


def set_parameters(m: pyo.ConcreteModel, reg: Registry, data: Any) -> bool:
    """Give every declared parameter of ``m`` its values from ``data``; False when a parameter's index
    differs from the built one (then the model does not fit the data: rebuild)."""
    for parameter in reg.parameters.values():
        param = getattr(m, parameter.name)
        values = parameter.values(data)
        if len(values) != len(param) or any(index not in param for index in values):
            return False
        param.store_values(values)
    return True


def covers(reg: Registry, key: str) -> bool:
    """Whether roadmap key ``key`` (dotted) is read only through parameters: it is, or lies under, a
    declared key."""
    parts = key.split(".")
    return any(_under(parts, declared.split(".")) for p in reg.parameters.values() for declared in p.keys)


def _under(parts: list[str], pattern: list[str]) -> bool:
    return len(parts) >= len(pattern) and all(want in ("*", got) for got, want in zip(parts, pattern, strict=False))
