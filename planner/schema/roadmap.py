"""The whole roadmap: one validated, typed object that the rest of the pipeline reads."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from planner.schema.network import (
    Commodity,
    Consumption,
    LaunchVehicle,
    Location,
    Route,
    Strict,
    TimeSpec,
    Vehicle,
)
from planner.schema.strategy import Compute, Demand, Funding, Milestone, Objective, Process


class Roadmap(Strict):
    """A roadmap file after ``extends:``, scenario and overrides are applied."""

    name: str = Field(description="Short name; names the output folder.")
    description: str = ""
    scenario: str | None = Field(None, description="Scenario applied (set by the loader).")
    scenario_names: list[str] = Field(default_factory=list, description="Scenarios the file declares.")
    time: TimeSpec
    integer: Literal["auto", "all", "none"] = Field(
        "auto", description="auto: integers where the roadmap asks (vehicles, milestones); all: also every "
        "launch flight; none: the LP relaxation.")
    objective: Objective = Field(default_factory=Objective)
    locations: dict[str, Location]
    commodities: dict[str, Commodity]
    consumption: dict[str, Consumption] = Field(default_factory=dict)
    routes: dict[str, Route] = Field(default_factory=dict)
    vehicles: dict[str, Vehicle] = Field(default_factory=dict)
    launch_vehicles: dict[str, LaunchVehicle] = Field(default_factory=dict)
    processes: dict[str, Process] = Field(default_factory=dict)
    compute: Compute | None = None
    funding: Funding | None = None
    milestones: dict[str, Milestone] = Field(default_factory=dict)
    demands: dict[str, Demand] = Field(default_factory=dict)
