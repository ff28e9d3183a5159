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


class DemandSegment(Strict):
    """One step of the price of compute: the GW served up to ``up_to_gw`` sell at this price."""

    up_to_gw: TimeTable | None = Field(None, description="Compute served (mean GW over a period) up to which this "
                                       "segment's price holds, counted from zero; absent on the last segment only "
                                       "(it sells whatever is served beyond the others).")
    price_musd_per_gw_year: TimeTable = Field(description="Price of a GW-year served within this segment, M$; "
                                              "never above the price of the segment before it.")


class DemandCurve(Strict):
    """Revenue of compute as a concave, piecewise-linear function of the compute served: the price of a
    GW-year falls, segment by segment, as supply grows (:mod:`planner.model.demand`)."""

    segments: list[DemandSegment] = Field(min_length=1, description="Segments in order of falling price; every "
                                          "one but the last gives up_to_gw, in increasing order.")

    @model_validator(mode="after")
    def _concave(self) -> DemandCurve:
        *bounded, last = self.segments
        if last.up_to_gw is not None:
            raise ValueError("the last segment has no up_to_gw: it sells the compute served beyond the others")
        for i, seg in enumerate(bounded, start=1):
            if seg.up_to_gw is None:
                raise ValueError(f"segment {i} has no up_to_gw: every segment but the last needs one")
        years = sorted({y for seg in self.segments for table in (seg.up_to_gw, seg.price_musd_per_gw_year)
                        if table is not None for y in table.points})
        probes = [*years, *(y - 1e-6 for y in years[1:])]  # each year and just before it (step tables)
        dated = [y for y in probes if y > 0] or [0.0]  # year 0 is a constant's: its one value holds throughout
        for i, (seg, after) in enumerate(zip(self.segments[:-1], self.segments[1:], strict=True), start=1):
            for when in dated:
                at = f" in {when:.6g}" if when > 0 else ""
                price, next_price = (float(s.price_musd_per_gw_year.at(when)[0]) for s in (seg, after))
                if next_price > price:
                    raise ValueError(
                        f"the demand curve must be concave (prices that never rise from one segment to the next): "
                        f"segment {i + 1} sells at {next_price:,.6g} M$ per GW-year{at}, above segment "
                        f"{i}'s {price:,.6g}")
                if after.up_to_gw is not None and after.up_to_gw.at(when)[0] <= seg.up_to_gw.at(when)[0]:
                    raise ValueError(f"segment {i + 1}'s up_to_gw must exceed segment {i}'s ({at.strip() or 'always'}: "
                                     f"{after.up_to_gw.at(when)[0]:,.6g} GW against {seg.up_to_gw.at(when)[0]:,.6g})")
        return self


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
                                                description="Revenue per GW-year in service, M$ (a price that "
                                                            "does not fall with supply; see demand).")
    demand: DemandCurve | None = Field(None, description="Revenue as a concave function of the compute served, "
                                       "in place of revenue_musd_per_gw_year (give one or the other).")
    orbit_capacity_t: dict[str, TimeTable] = Field(default_factory=dict, description="Per deployment location, the "
                                                   "most satellite mass in orbit there at once (shell capacity, "
                                                   "spectrum), t (time table); a count of satellites is this over "
                                                   "their unit mass.")

    @model_validator(mode="after")
    def _one_revenue(self) -> Compute:
        if self.demand is not None and any(self.revenue_musd_per_gw_year.points.values()):
            raise ValueError("give either revenue_musd_per_gw_year or demand, not both: the demand curve prices "
                             "every GW-year served")
        return self

    def highest_price(self) -> TimeTable:
        """The most a GW-year served earns at any time: the flat price, or the demand curve's first."""
        return self.revenue_musd_per_gw_year if self.demand is None else \
            self.demand.segments[0].price_musd_per_gw_year


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


class RevenueStream(Strict):
    """Income other than compute's (launch services, licences, data sales), earned at an even rate."""

    musd_per_year: TimeTable = Field(description="Income per year, M$.")
    description: str = Field("", description="What earns it.")


class Debt(Strict):
    """Explicit borrowing: a balance drawn and repaid within a ceiling; interest is added to what is owed and
    paid by the repayments (:mod:`planner.model.financing`)."""

    rate_per_year: float = Field(ge=0, le=1, description="Interest per year on the balance, grown as cash is "
                                                         "(1 + rate) to the power of the period's years.")
    ceiling_musd: TimeTable = Field(description="Most debt outstanding, M$ (the mean of the table over a period).")
    repay_by_end: bool = Field(True, description="Nothing owed at the horizon's end.")
    repay_within_years: float | None = Field(None, gt=0, description="Each draw repaid within this many years: "
                                             "the balance never exceeds what was drawn in periods starting within "
                                             "that many years before the period's end.")


class EquityRaise(Strict):
    """Equity that comes in once a milestone is reached (at the end of the period that reaches it)."""

    musd: float = Field(gt=0, description="Amount raised, M$.")
    after_milestone: str = Field(description="Milestone whose reaching releases it; with 'integer: none' a "
                                             "milestone reached in part releases that part.")
    description: str = Field("", description="The round (series A, IPO, ...).")


class Funding(Strict):
    """Cash: external funding, revenue, debt and equity pay all spending; cash is carried between periods."""

    external_musd_per_year: TimeTable = Field(TimeTable(points={0.0: 0.0}), description="Funding per year, M$.")
    initial_cash_musd: float = Field(0.0, description="Cash at the start, M$.")
    interest_rate_per_year: float = Field(0.0, ge=-0.5, le=1, description="Return on cash carried over.")
    debt_limit_musd: float = Field(0.0, ge=0, description="How far the balance may go below zero, M$ (an "
                                   "overdraft charged at interest_rate_per_year; see debt for explicit borrowing).")
    revenue_streams: dict[str, RevenueStream] = Field(default_factory=dict, description="Income other than "
                                                      "compute's, by name.")
    debt: Debt | None = Field(None, description="Explicit borrowing with interest, a ceiling and repayment "
                                                "(in place of debt_limit_musd).")
    equity: list[EquityRaise] = Field(default_factory=list, description="Equity raised when milestones are reached.")

    @model_validator(mode="after")
    def _one_debt(self) -> Funding:
        if self.debt is not None and self.debt_limit_musd > 0:
            raise ValueError("give either debt_limit_musd (an overdraft) or debt (explicit borrowing), not both")
        return self


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
                                                              "activity from alternative optima (and reward for "
                                                              "compute revenue on a demand curve, which makes it "
                                                              "fill the curve's segments in order).")
    delivered: DeliveredTarget | None = Field(None, description="Target of max_delivered.")
    end_of_horizon_years: float = Field(20.0, ge=0, le=200, description="Compute still in service at the "
                                        "horizon's end is valued for the GW-years it serves in up to this many "
                                        "years after it (decayed, retired at its life, discounted), so that plans "
                                        "do not wind down before the end; 0: nothing after the horizon counts.")
