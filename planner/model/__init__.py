"""The optimization model, one module per subsystem; :func:`build_model` assembles them in order.

Flows first (each subsystem adds its variables and the balance terms it contributes), then the
commodity balance over the stocks those flows touch, then the limits that read stocks, then money,
milestones (and the equity they release) and the objective's stages.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyomo.core as pyo

from planner.model import (
    compute,
    financing,
    funding,
    industry,
    launch,
    milestones,
    network,
    orbits,
    supply,
    tanks,
    transport,
)
from planner.model.data import ModelData, build_data
from planner.model.objective import OBJECTIVES, REQUIRES_ALL_MILESTONES, Stage, add_discounting
from planner.model.registry import Registry
from planner.schema.roadmap import Roadmap


@dataclass
class BuiltModel:
    """A Pyomo model with its data, metadata and objective stages."""

    model: pyo.ConcreteModel
    data: ModelData
    registry: Registry
    stages: list[Stage]


def build_model(roadmap: Roadmap) -> BuiltModel:
    d = build_data(roadmap)
    reg = Registry()
    m = pyo.ConcreteModel(name=roadmap.name)
    transport.add_flows(m, d, reg)
    tanks.add_flows(m, d, reg)
    launch.add_flows(m, d, reg)
    supply.add_flows(m, d, reg)
    industry.add_flows(m, d, reg)
    compute.add_flows(m, d, reg)
    stock = network.add_balance(m, d, reg)
    network.add_rules(m, d, reg, stock)
    transport.add_limits(m, d, reg, stock)
    industry.add_limits(m, d, reg, stock)
    orbits.add_limits(m, d, reg)
    funding.add_cash(m, d, reg)
    mode = roadmap.objective.mode
    add_discounting(m, d, reg)
    milestones.add_milestones(m, d, reg, stock, required=mode in REQUIRES_ALL_MILESTONES)
    financing.add_equity_release(m, d, reg)
    stages = OBJECTIVES[mode](m, d, reg)
    return BuiltModel(model=m, data=d, registry=reg, stages=stages)
