"""The whole roadmap: one validated, typed object that the rest of the pipeline reads."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from planner.schema.names import Name
from planner.schema.network import (
    Commodity,
    Consumption,
    LaunchVehicle,
    Location,
    Route,
    SharedCadence,
    Stack,
    Strict,
    TimeSpec,
    Vehicle,
)
from planner.schema.strategy import Compute, Demand, Funding, Milestone, Objective, Process, Sweep


class Roadmap(Strict):
    """A roadmap file after ``extends:``, scenario and overrides are applied."""

    name: Name = Field(description="Short name; names the output folder (letters, digits, '_', '-', '.').")
    description: str = Field("", description="What the roadmap plans, in a sentence or two.")
    scenario: str | None = Field(None, description="Scenario applied (set by the loader).")
    scenario_names: list[str] = Field(default_factory=list, description="Scenarios the file declares.")
    time: TimeSpec = Field(description="The horizon and its periods.")
    integer: Literal["auto", "all", "none"] = Field(
        "auto", description="auto: integers where the roadmap asks (vehicles, milestones); all: also every "
        "launch flight; none: the LP relaxation.")
    objective: Objective = Field(default_factory=Objective, description="What the plan optimizes.")
    locations: dict[str, Location] = Field(description="Nodes of the network, by name.")
    commodities: dict[str, Commodity] = Field(description="What flows, by name.")
    consumption: dict[str, Consumption] = Field(default_factory=dict, description="Consumables used per unit per day.")
    routes: dict[str, Route] = Field(default_factory=dict, description="Arcs between locations.")
    vehicles: dict[str, Vehicle] = Field(default_factory=dict, description="In-space vehicle designs.")
    stacks: dict[str, Stack] = Field(default_factory=dict, description="Vehicles that fly together, one "
                                                                       "burning for all, by name.")
    g0_m_s2: float = Field(9.80665, ge=9.7, le=9.9, description="Standard gravity turning Isp into exhaust "
                                                                "velocity (studies use 9.80665 or 9.8).")
    launch_vehicles: dict[str, LaunchVehicle] = Field(default_factory=dict, description="Earth launch classes.")
    shared_cadence: dict[str, SharedCadence] = Field(default_factory=dict, description="Caps on the flights of "
                                                     "several launch classes together (a shared pad), by name.")
    processes: dict[str, Process] = Field(default_factory=dict, description="Facilities converting commodities.")
    compute: Compute | None = Field(None, description="Orbital data centers.")
    funding: Funding | None = Field(None, description="Cash limits; spending is unlimited when absent.")
    milestones: dict[str, Milestone] = Field(default_factory=dict, description="Goals with rewards and deadlines.")
    demands: dict[str, Demand] = Field(default_factory=dict, description="Hard requirements on what is held.")
    sweep: Sweep | None = Field(None, description="Variations to run with 'planner sweep' (not part of a solve).")
