"""Schema of the strategic subsystems: orbital compute, facilities (lunar and Mars industry), funding,
demands, milestones and the objective."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import Field, NonNegativeFloat, model_validator

from planner.schema.name_lists import NameList
from planner.schema.network import Strict
from planner.schema.time_table import TimeTable


class SatelliteKind(Strict):
    """A satellite commodity that becomes compute when deployed."""

    origin: str = Field("earth", description="Label for reports (earth, moon).")
    specific_power_w_per_kg: TimeTable | None = Field(None, description="Overrides compute's specific power.")


class Compute(Strict):
    """Orbital data centers: deployed satellite mass becomes compute power, tracked by vintage."""

    deploy_at: NameList = Field(description="Locations where satellites may be deployed.")
    satellites: dict[str, SatelliteKind] = Field(description="Satellite commodities and their origin.")
    specific_power_w_per_kg: TimeTable = Field(description="Compute power per kg by year built, W/kg.")
    life_years: float | None = Field(None, gt=0, description="Retired at this age; never when absent.")
    hold_years: float = Field(2.5, gt=0, description="Most years between a satellite's build and its deployment "
                                                     "(its power is its build year's), and at most its life: a "
                                                     "Mars window cycle (2.14 years) with margin by default.")
    degradation_fraction_per_year: float = Field(0.0, ge=0, lt=1, description="Power lost per year (solar cells).")
    attrition_fraction_per_year: float = Field(0.0, ge=0, lt=1, description="Compute lost per year (GPU failures).")
    chip_supply_gw_per_year: TimeTable | None = Field(None, description="Most compute added per year, GW.")
    hardware_cost_usd_per_w: TimeTable = Field(TimeTable(points={0.0: 0.0}),
                                               description="Compute hardware cost per W deployed.")
    operations_musd_per_gw_year: TimeTable = Field(TimeTable(points={0.0: 0.0}),
                                                   description="Operating cost per GW-year in service, M$.")
    revenue_musd_per_gw_year: TimeTable = Field(TimeTable(points={0.0: 0.0}),
                                                description="Revenue per GW-year in service, M$.")


class Process(Strict):
    """A facility that converts inputs to outputs at a location, bounded by the capital held there."""

    location: str = Field(description="Where it runs.")
    capital: dict[str, NonNegativeFloat] = Field(description="Capital commodity -> output (t) per year per unit held.")
    outputs: dict[str, NonNegativeFloat] = Field(description="Output commodity -> amount per t of activity.")
    inputs: dict[str, NonNegativeFloat] = Field(default_factory=dict, description="Input commodity -> amount per t of "
                                                                       "activity (Earth-made parts).")
    energy_kwh_per_t: float = Field(0.0, ge=0, description="Energy per t of activity (needs location power).")
    cost_usd_per_kg: TimeTable = Field(TimeTable(points={0.0: 0.0}), description="Operating cost per kg of "
                                                                                  "activity.")
    commissioning_days: float = Field(0.0, ge=0, description="Days between capital arriving and producing: it "
                                      "counts from the first period starting more than this after the start of "
                                      "the period it arrived in (0: from the next period).")
    ramp_days: float = Field(0.0, ge=0, description="Days over which commissioned capital ramps from no output to "
                                                    "full output, linearly (0: full output at once).")


class Funding(Strict):
    """Cash: external funding plus revenue pays all spending; cash is carried between periods."""

    external_musd_per_year: TimeTable = Field(TimeTable(points={0.0: 0.0}), description="Funding per year, M$.")
    initial_cash_musd: float = Field(0.0, description="Cash at the start, M$.")
    interest_rate_per_year: float = Field(0.0, ge=-0.5, le=1, description="Return on cash carried over.")
    debt_limit_musd: float = Field(0.0, ge=0, description="How far the balance may go below zero, M$.")


class StockMetric(Strict):
    """Amount of a commodity held at a location."""

    location: str = Field(description="Location.")
    commodity: str = Field(description="Commodity (people are a counted commodity).")


class DeliveredMetric(Strict):
    """Cumulative mass of some commodities arriving at a location, t."""

    location: str = Field(description="Location.")
    commodities: NameList = Field(description="Commodities counted.")


class ProductionMetric(Strict):
    """Output rate of a process, t per year."""

    process: str = Field(description="Process name.")


class Metric(Strict):
    """What a milestone measures: exactly one of the keys."""

    compute_gw: bool = Field(False, description="Compute in service, GW.")
    stock: StockMetric | None = Field(None, description="Amount held at a location (people on Mars).")
    delivered: DeliveredMetric | None = Field(None, description="Cumulative arrivals at a location, t.")
    production: ProductionMetric | None = Field(None, description="A process's output rate, t per year.")

    @model_validator(mode="after")
    def _exactly_one(self) -> Metric:
        chosen = [k for k in ("compute_gw", "stock", "delivered", "production") if getattr(self, k)]
        if len(chosen) != 1:
            raise ValueError("choose exactly one of compute_gw, stock, delivered, production")
        return self


class Milestone(Strict):
    """A threshold on a metric, with an optional hard deadline and a reward that decays with lateness."""

    description: str = Field("", description="What reaching it means.")
    metric: Metric = Field(description="What it measures.")
    threshold: float = Field(gt=0, description="Reached when the metric is at least this.")
    deadline: int | date | None = Field(None, description="Must be reached by this year or date.")
    reward: float = Field(0.0, ge=0, description="Objective value of reaching it (GW-year equivalents).")
    reward_decay_per_year: float = Field(0.0, ge=0, lt=1, description="Share of the reward lost per year "
                                                                      "after the start of the horizon.")


class Demand(Strict):
    """A hard requirement: at least an amount held at a location during a span of dates."""

    location: str = Field(description="Location.")
    commodity: str = Field(description="Commodity.")
    at_least: float = Field(gt=0, description="Amount, in the commodity's unit.")
    start: int | date = Field(alias="from", description="First date (or year) it applies.")
    until: int | date | None = Field(None, alias="to", description="Last date it applies (default: from).")


class DeliveredTarget(Strict):
    """Where and what ``max_delivered`` maximizes (mass held at the end)."""

    location: str = Field(description="Location.")
    commodities: NameList = Field(description="Commodities counted.")


class Sweep(Strict):
    """A sweep declared with the roadmap; ``planner sweep ROADMAP`` runs it when no --vary is given."""

    vary: dict[str, Any] = Field(description="Dotted key -> SPEC: a list, a range lo..hi[:n], or "
                                             "uniform/triangular/lognormal(...); an x prefix scales the value.")
    method: Literal["grid", "lhs", "random"] = Field("grid", description="Design of the sweep.")
    samples: int = Field(100, ge=1, description="Scenarios drawn by lhs and random.")
    seed: int = Field(0, ge=0, description="Random seed of lhs and random.")


class Objective(Strict):
    """What the plan optimizes."""

    mode: Literal["max_value", "lexicographic", "min_cost", "min_launch_mass", "max_delivered"] = Field(
        "max_value", description="max_value: discounted compute-years plus milestone rewards; lexicographic: "
        "milestones first, then compute; min_cost: least discounted cost meeting every milestone; "
        "min_launch_mass: least mass launched from Earth; max_delivered: most held at a location at the end.")
    discount_rate_per_year: float = Field(0.0, ge=0, le=1, description="Discount rate for the objective.")
    compute_weight_per_gw_year: float = Field(1.0, ge=0, description="Weight of one discounted GW-year.")
    tie_break_per_musd: float = Field(1e-6, ge=0, description="Tiny cost penalty that removes pointless "
                                                              "activity from alternative optima.")
    delivered: DeliveredTarget | None = Field(None, description="Target of max_delivered.")
    end_of_horizon_years: float = Field(20.0, ge=0, le=200, description="Compute still in service at the "
                                        "horizon's end is valued for the GW-years it serves in up to this many "
                                        "years after it (decayed, retired at its life, discounted), so that plans "
                                        "do not wind down before the end; 0: nothing after the horizon counts.")
