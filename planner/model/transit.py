"""Consumables eaten on the way: what a trip or a launch carries for its travellers.

A leg (an in-space trip, :mod:`planner.model.transport`, or a launch that takes time,
:mod:`planner.model.launch`) carries :math:`x_u` of a consumer :math:`u` for :math:`\\tau` days. For each
consumption rule that applies on routes (:math:`u` eats :math:`\\rho` of :math:`c` per unit per day), the leg
carries what is eaten, :math:`x_c \\ge \\rho\\, \\tau\\, x_u`, and that much of :math:`c` does not arrive; a leg
that cannot carry :math:`c` carries no :math:`u`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pyomo.core as pyo

from planner.model.data import ModelData
from planner.model.registry import Registry, add_constraint, scaled


@dataclass(frozen=True)
class Leg:
    """One leg's load: what it carries (commodity -> variable), for how long, and the balance lists (by
    commodity) where what it brings lands."""

    days: float
    load: dict[str, Any]
    landing: Callable[[str], list[list[Any]]]


def add_transit_consumables(m: pyo.ConcreteModel, d: ModelData, reg: Registry, legs: dict[tuple, Leg], name: str,
                            subsystem: str, description: str, math: str) -> None:
    """Rows ``name`` over (leg key..., rule) for the legs carrying a consumer, and what is eaten taken off
    what lands."""
    rules = [(rule, c) for rule, c in d.roadmap.consumption.items() if c.on_routes]
    idx = [(*key, rule) for key, leg in legs.items() for rule, c in rules if c.consumer in leg.load]
    for *key, rule in idx:
        c, leg = d.roadmap.consumption[rule], legs[tuple(key)]
        if c.consumes in leg.load:
            eaten = scaled(-c.per_unit_per_day * leg.days, leg.load[c.consumer])
            for terms in leg.landing(c.consumes):
                terms.append(eaten)

    def covered(mm, *index):
        *key, rule = index
        c, leg = d.roadmap.consumption[rule], legs[tuple(key)]
        consumer = leg.load[c.consumer]
        if c.consumes not in leg.load:
            return consumer == 0
        return leg.load[c.consumes] >= scaled(c.per_unit_per_day * leg.days, consumer)

    add_constraint(m, reg, name, idx, covered, subsystem=subsystem, description=description, math=math)
