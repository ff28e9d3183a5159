"""Schema of the network core: time, locations, commodities, routes, in-space vehicles, Earth launch.

Every field carries its unit in its name and a description; ``docs/roadmap-reference.md`` is rendered
from these descriptions (``python -m planner.schema.reference``).
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    NonNegativeFloat,
    NonNegativeInt,
    PositiveInt,
    model_validator,
)

from planner.schema.name_lists import NameList
from planner.schema.time_table import TimeTable


class Strict(BaseModel):
    """A roadmap mapping: unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


Step = Literal["year", "quarter", "month"]
MAX_GROWTH = 0.5  # the default share by which a reinvesting loop may grow within one period (planner.model.refinement)


class TimeSpec(Strict):
    """The planning horizon, cut into periods: at most 5,000 of them (``planner.timeline.MAX_PERIODS``)."""

    start: int | date | None = Field(None, description="First year (or date) of the horizon.")
    end: int | date = Field(description="Last year of the horizon (inclusive), or the end date of the last "
                                        "period when `dates` is given.")
    step: Step | dict[int, Step] = Field("year", description="Period length when `dates` is absent; or, for "
                                                            "variable resolution, a mapping from a year to the "
                                                            "period length from that year on, the first year at "
                                                            "or before `start` ({2026: month, 2030: quarter, "
                                                            "2040: year}).")
    dates: list[date] | None = Field(None, description="Explicit period start dates (non-uniform periods); "
                                                       "each period runs to the next date, the last to `end`.")
    max_growth_per_period: float | None = Field(
        MAX_GROWTH, gt=0, description="Most that a loop reinvesting in itself (compute financed by its revenue, a "
                                      "process making its own capital) may grow within one period, as a share of "
                                      "itself: a longer period is split into equal parts for the solve and the plan "
                                      "is reported on them (growth inside a period is understated: it compounds once "
                                      "per period); null: keep the periods as given and flag the coarse ones.")

    @model_validator(mode="after")
    def _start_or_dates(self) -> TimeSpec:
        if self.dates is None and self.start is None:
            raise ValueError("give either 'start' (with 'end' and 'step') or 'dates' (with 'end')")
        if self.dates is not None and self.start is not None:
            raise ValueError("give 'start' or 'dates', not both")
        if isinstance(self.step, dict) and self.start is not None:
            first = self.start if isinstance(self.start, int) else self.start.year
            if not self.step or min(self.step) > first:
                raise ValueError(f"a step mapping must start at or before the horizon's start ({first}): "
                                 f"give the step from {first} on")
        return self


class Storage(Strict):
    """Holding a commodity at a location between periods."""

    capacity: float | None = Field(None, ge=0, description="Most that can be held, in the commodity's unit "
                                                            "(t or units); unlimited when absent.")
    loss_fraction_per_month: float = Field(0.0, ge=0, lt=1, description="Share lost per 30.44 days held "
                                                                         "(boil-off, decay).")
    transfer_loss_fraction: float = Field(0.0, ge=0, lt=1, description="Share lost when a vehicle loads "
                                                                       "propellant from this stock (a transfer "
                                                                       "between tanks): loading 1 t takes "
                                                                       "1/(1 - share) t.")


class Requirement(Strict):
    """Holding `per` at a location needs `ratio` of `needs` held there too (habitat per settler)."""

    per: str = Field(description="Commodity whose stock creates the need (e.g. crew).")
    needs: str = Field(description="Commodity that must be held (e.g. habitat).")
    ratio: float = Field(gt=0, description="Units of `needs` per unit of `per`.")


class Power(Strict):
    """Electric power at a location, from a generator commodity held there."""

    generator: str = Field(description="Commodity whose stock generates power (e.g. solar_plant).")
    kw_per_unit: float = Field(gt=0, description="kW per t (or unit) of generator held.")
    demand_kw_per_unit: dict[str, NonNegativeFloat] = Field(default_factory=dict,
                                                  description="kW needed per unit of each commodity held "
                                                              "(e.g. crew: 10).")


class Location(Strict):
    """A node of the network."""

    description: str = Field("", description="What the location is.")
    storage: dict[str, Storage] = Field(default_factory=dict, description="Per commodity: capacity and losses; "
                                        "commodities not listed are stored without limit or loss.")
    requirements: dict[str, Requirement] = Field(default_factory=dict,
                                                 description="Named stock ratios that must hold every period.")
    power: Power | None = Field(None, description="Power balance at this location.")
    holds: NameList | Literal["all"] = Field("all", description="Commodities that may wait here from one period "
                                                                "to the next (holdover); what is not listed "
                                                                "moves on within the period it arrives in.")


class WrightCurve(Strict):
    """Wright's law: the unit cost falls by the learning rate with each doubling of cumulative output; met by
    a fixed point of re-solves (planner.model.learning)."""

    learning_rate: float = Field(gt=0, lt=1, description="Cost reduction per doubling of cumulative output.")
    iterations: int = Field(6, ge=1, le=50, description="Re-solves to reach the fixed point.")


class SourceLearning(WrightCurve):
    """Cost per kg falling with the cumulative mass made by a source (Wright's law)."""

    first_unit_cost_usd_per_kg: float = Field(gt=0, description="Cost per kg of the first tonne ever made, $/kg.")
    floor_usd_per_kg: float = Field(0.0, ge=0, description="Cost per kg never falls below this, $/kg.")
    prior_t: float = Field(1.0, gt=0, description="Tonnes made before the horizon starts.")


class Source(Strict):
    """Where a commodity enters the network, at what cost and how fast."""

    location: str = Field(description="Location where the commodity appears.")
    cost_usd_per_kg: TimeTable = Field(TimeTable(points={0.0: 0.0}), description="Cost per kg made (time table).")
    cost_musd_per_unit: TimeTable = Field(TimeTable(points={0.0: 0.0}),
                                          description="Cost per unit made, for counted commodities (M$).")
    max_per_year: TimeTable | None = Field(None, description="Most made per year, in the commodity's unit.")
    max_total: float | None = Field(None, ge=0, description="Most made over the whole horizon.")
    learning: SourceLearning | None = Field(None, description="Cost per kg from a learning curve on the mass this "
                                                              "source makes, in place of `cost_usd_per_kg`.")

    @model_validator(mode="after")
    def _one_cost_per_kg(self) -> Source:
        if self.learning is not None and "cost_usd_per_kg" in self.model_fields_set:
            raise ValueError("give cost_usd_per_kg or learning, not both")
        return self


class Commodity(Strict):
    """Something that flows: mass in tonnes, or counted units with a mass per unit."""

    description: str = Field("", description="What the commodity is.")
    unit: str = Field("t", description="'t' for mass; any other word (person, satellite) makes it counted.")
    unit_mass_t: float = Field(1.0, gt=0, description="Mass of one unit in t (counted commodities).")
    sources: list[Source] = Field(default_factory=list, description="Where it enters the network.")
    integer: bool = Field(False, description="Count it in whole units (people, installations) when the "
                                             "roadmap's `integer:` is auto or all: what is held, carried, "
                                             "launched and supplied.")


class Consumption(Strict):
    """One commodity used up by another while it is held or travels (consumables per crew-day)."""

    consumer: str = Field(description="Commodity that consumes (e.g. crew).")
    consumes: str = Field(description="Commodity consumed (e.g. consumables).")
    per_unit_per_day: float = Field(gt=0, description="Consumed, in its unit, per consumer unit per day.")
    on_routes: bool = Field(True, description="Applies during transit (for the route's transit days).")
    in_storage: bool = Field(True, description="Applies while held at a location.")
    not_at: NameList = Field(default_factory=list, description="Locations where it does not apply (home).")


class Window(Strict):
    """One dated opening of a route."""

    open: date = Field(description="First departure date.")
    close: date = Field(description="Last departure date.")
    transit_days: float | None = Field(None, ge=0, description="Transit for departures in this window; "
                                                                "the route's own when absent.")
    dv_km_s: float | None = Field(None, ge=0, le=30, description="Delta-v for departures in this window; the "
                                                                 "route's own when absent.")

    @model_validator(mode="after")
    def _opens_before_it_closes(self) -> Window:
        if self.close < self.open:
            raise ValueError(f"the window closes ({self.close}) before it opens ({self.open}); 'close' is the "
                             "last departure date, on or after 'open'")
        return self


class TableDeltaV(Strict):
    """Each window's delta-v from its own energies (patched conics): departure burn from C3, capture burn
    from the arrival v-infinity, plus the burns that do not depend on the window."""

    departure_altitude_km: float = Field(gt=0, le=100_000, description="Circular Earth orbit departed from, km.")
    capture_altitude_km: float | None = Field(None, gt=0, le=100_000, description="Circular Mars orbit captured "
                                              "into, km; none (no capture burn) when the arrival is aerocaptured.")
    other_km_s: float = Field(0.0, ge=0, le=30, description="Window-independent burns added (e.g. landing).")


class WindowTable(Strict):
    """Windows from a shipped table, continued by the table's own 15-year (seven-window) cycle beyond its
    last row."""

    table: Literal["mars"] = Field(description="'mars': Earth-to-Mars departure windows (mars_windows.csv).")
    shift_days: float = Field(0.0, ge=-800, le=800, description="Days added to every window (e.g. Mars-to-Earth "
                                                                "returns).")
    use_table_transit: bool = Field(True, description="Use each window's time of flight as the transit.")
    delta_v: TableDeltaV | None = Field(None, description="Take each window's delta-v from its energies, in "
                                        "place of the route's (Earth-to-Mars departures only: no shift_days).")

    @model_validator(mode="after")
    def _energies_are_earth_departures(self) -> WindowTable:
        if self.delta_v is not None and self.shift_days != 0:
            raise ValueError("delta_v from the table's energies holds for Earth-to-Mars departures: give it "
                             "without shift_days, or give the route's own dv_km_s")
        return self


class RouteFacility(Strict):
    """A route served by a facility instead of a vehicle (a mass driver): no propellant burned."""

    commodity: str = Field(description="Facility commodity held at the route's origin.")
    throughput_t_per_year_per_unit: float = Field(gt=0, description="t per year launched per unit of facility.")
    carries: NameList = Field(description="Commodities it may launch.")
    energy_kwh_per_kg: float = Field(0.0, ge=0, description="Electric energy per kg launched, kWh, drawn from the "
                                                            "origin's power balance (at an even rate over the "
                                                            "period).")


class Route(Strict):
    """A directed arc between two locations."""

    from_: str = Field(alias="from", description="Origin location.")
    to: str = Field(description="Destination location.")
    dv_km_s: float = Field(0.0, ge=0, le=30, description="Impulsive delta-v of the transfer, km/s.")
    transit_days: float = Field(0.0, ge=0, description="Time of flight, days.")
    windows: WindowTable | list[Window] | None = Field(None, description="When departures are allowed; always "
                                                                          "when absent.")
    facility: RouteFacility | None = Field(None, description="Serve the route with a facility (mass driver).")
    carries: NameList | Literal["all"] = Field("all", description="Commodities vehicles may carry on it as cargo "
                                                                  "(besides: only what can be used from its "
                                                                  "destination on is ever carried).")


class Bipropellant(Strict):
    """Oxidizer and fuel burned in a fixed mixture ratio, from one shared tank volume or from a tank each."""

    oxidizer: str = Field(description="Oxidizer commodity.")
    fuel: str = Field(description="Fuel commodity.")
    mixture_ratio: float = Field(gt=0, description="Oxidizer mass per fuel mass.")
    separate_tanks: bool = Field(False, description="A tank for each: the oxidizer tank holds at most the "
                                                    "oxidizer's share MR/(1+MR) of `propellant_capacity_t`, "
                                                    "the fuel tank the rest (unless given below).")
    oxidizer_tank_t: float | None = Field(None, ge=0, description="Oxidizer tank capacity, t (implies separate "
                                                                  "tanks).")
    fuel_tank_t: float | None = Field(None, ge=0, description="Fuel tank capacity, t (implies separate tanks).")

    def tanks_t(self, total_t: float) -> dict[str, float] | None:
        """Each component's tank capacity, t, or None for one shared tank."""
        if not (self.separate_tanks or self.oxidizer_tank_t is not None or self.fuel_tank_t is not None):
            return None
        share = self.mixture_ratio / (1 + self.mixture_ratio)
        return {self.oxidizer: total_t * share if self.oxidizer_tank_t is None else self.oxidizer_tank_t,
                self.fuel: total_t * (1 - share) if self.fuel_tank_t is None else self.fuel_tank_t}


class Vehicle(Strict):
    """An in-space vehicle design that carries payload on routes and burns propellant."""

    payload_t: float = Field(ge=0, description="Payload capacity per trip, t.")
    propellant_capacity_t: float = Field(ge=0, description="Propellant tank capacity, t.")
    dry_mass_t: float = Field(gt=0, description="Dry (empty) mass, t.")
    isp_s: float | None = Field(None, gt=0, le=10_000, description="Specific impulse, s (exhaust velocity "
                                                                   "g0 Isp, with the roadmap's `g0_m_s2`).")
    exhaust_velocity_km_s: float | None = Field(None, gt=0, le=100, description="Effective exhaust velocity, "
                                                                                "km/s, in place of `isp_s`.")
    propellant: str | Bipropellant = Field("propellant", description="Propellant commodity, or an "
                                                                     "oxidizer/fuel pair.")
    maintenance_fraction_per_flight: float = Field(0.0, ge=0, le=1,
                                                   description="Spares used per trip as a share of dry mass: "
                                                               "cargo of the trip (payload, pushed by the "
                                                               "burn), taken at departure, used up on the way.")
    maintenance_commodity: str | None = Field(None, description="Commodity the spares are drawn from.")
    boil_off_fraction_per_month: float = Field(0.0, ge=0, lt=1, description="Share of the propellant in its "
                                                                            "tanks lost per 30.44 days, in transit "
                                                                            "(what is left after the burn) and, "
                                                                            "with `keeps_propellant`, parked.")
    keeps_propellant: bool = Field(False, description="Propellant left in the tanks stays in the vehicle where it "
                                                      "lands (boiling off there) and is flown on without a "
                                                      "transfer, unless unloaded into the location's stock; "
                                                      "otherwise it joins the location's stock on arrival.")
    routes: NameList | Literal["all"] = Field("all", description="Routes it may fly.")
    carries: NameList | Literal["all"] = Field("all", description="Commodities it may carry.")
    enters_at: str | None = Field(None, description="Location where new units appear; none are built when "
                                                    "absent.")
    copies: int | None = Field(None, ge=0, description="Most units built over the horizon.")
    max_built_per_period: int | None = Field(None, ge=0, description="Most new units entering service in one "
                                                                     "period (slots per mission on a grid of "
                                                                     "mission dates).")
    max_built_per_year: TimeTable | None = Field(None, description="Most new units entering service per year "
                                                                   "(time table; scaled by the period length).")
    build_cost_musd: TimeTable = Field(TimeTable(points={0.0: 0.0}), description="Cost per unit built, M$.")
    initial_units: dict[str, NonNegativeInt] = Field(default_factory=dict,
                                                     description="Units at each location at the start.")
    launched_by: str | None = Field(None, description="Launch vehicle class that puts new units in orbit.")
    launch_flights_per_unit: float = Field(0.0, ge=0, description="Launch flights taken by each new unit.")
    launch_mass_t: float | None = Field(None, ge=0, description="Launch payload taken by each new unit "
                                                                "(default: dry mass when launched_by is set).")
    spares_on_launch: bool = Field(False, description="A new unit's launch carries the spares of one trip "
                                                      "(`maintenance_fraction_per_flight` of its dry mass, drawn "
                                                      "at the launch site) on top of its launch mass.")
    reusable: bool = Field(True, description="False: a unit is used up by its trip.")
    turnaround_days: float = Field(0.0, ge=0, description="Days between trips besides transit.")
    max_flights_per_unit: float | None = Field(None, gt=0, description="Trips a unit can fly in its life.")
    integer: bool = Field(False, description="Count trips and units in whole numbers.")

    @model_validator(mode="after")
    def _one_exhaust(self) -> Vehicle:
        if (self.isp_s is None) == (self.exhaust_velocity_km_s is None):
            raise ValueError("give one of isp_s and exhaust_velocity_km_s")
        if self.keeps_propellant and not self.reusable:
            raise ValueError("keeps_propellant needs a reusable vehicle (a used-up vehicle keeps nothing)")
        return self

    def launch_spares_t(self) -> float:
        """Spares launched with each new unit, t."""
        return self.maintenance_fraction_per_flight * self.dry_mass_t if self.spares_on_launch else 0.0

    def launch_payload_t(self) -> float:
        """Launch payload each new unit takes: its launch mass (by default its dry mass) and its spares, t."""
        return (self.dry_mass_t if self.launch_mass_t is None else self.launch_mass_t) + self.launch_spares_t()

    def exhaust_km_s(self, g0_m_s2: float) -> float:
        """Effective exhaust velocity :math:`v_e = g_0 I_{sp}` (or as given), km/s."""
        return self.exhaust_velocity_km_s if self.isp_s is None else g0_m_s2 * self.isp_s / 1000.0


class Stack(Strict):
    """Vehicles that fly a route together as one stack: one of them burns for the whole stack's mass (a
    tank-heavy transfer stage pushing a crew vehicle, a lander riding a stage); the others ride."""

    vehicles: dict[str, PositiveInt] = Field(description="Units of each vehicle design in one stack.")
    pushed_by: str = Field(description="The vehicle whose engine and tanks burn for the stack (one unit of it "
                                       "in the stack); the others ride with their tanks unburned.")
    routes: NameList | Literal["all"] = Field("all", description="Routes the stack may fly.")
    carries: NameList | Literal["all"] = Field("all", description="Commodities it may carry.")

    @model_validator(mode="after")
    def _pusher_in_stack(self) -> Stack:
        if self.vehicles.get(self.pushed_by) != 1:
            raise ValueError(f"pushed_by '{self.pushed_by}' must be one unit of the stack's vehicles "
                             f"({', '.join(self.vehicles)})")
        if len(self.vehicles) < 2 and sum(self.vehicles.values()) < 2:
            raise ValueError("a stack has at least two units")
        return self


class Learning(WrightCurve):
    """Cost per flight falling with cumulative flights (Wright's law)."""

    first_flight_cost_musd: float = Field(gt=0, description="Cost of the first flight ever, M$.")
    floor_musd: float = Field(0.0, ge=0, description="Cost per flight never falls below this, M$.")
    prior_flights: float = Field(1.0, ge=1, description="Flights flown before the horizon starts.")


class Growth(Strict):
    """Launch cadence ramp, in continuous time: the flight rate may grow at most by a share of itself per
    year plus a seed, from an initial rate at the horizon's start; the same on any grid of periods."""

    rate_per_year: float = Field(ge=0, le=100, description="Largest growth of the flight rate per year, as a "
                                                           "share of the rate (compounded continuously).")
    seed_flights_per_year: float = Field(ge=0, description="Growth of the flight rate on top of the share, "
                                                           "flights per year added per year.")
    initial_flights_per_year: float | None = Field(None, ge=0, description="Flight rate at the horizon's start "
                                                                            "(default: the seed).")


class Fleet(Strict):
    """A fleet that limits cadence: size times flights per vehicle per year."""

    size: TimeTable = Field(description="Vehicles in the fleet (time table).")
    flights_per_vehicle_per_year: float = Field(gt=0, description="Turnaround limit per vehicle.")


class LaunchVehicle(Strict):
    """An Earth launch vehicle class: flights that put payload into orbit."""

    from_: str = Field("earth_surface", alias="from", description="Launch site location.")
    to: str = Field("leo", description="Location the payload is delivered to.")
    payload_t: TimeTable = Field(description="Payload per flight, t (time table).")
    cost_per_flight_musd: TimeTable | None = Field(None, description="Cost per flight, M$ (time table).")
    price_usd_per_kg: TimeTable | None = Field(None, description="Launch price per kg of payload capacity.")
    learning: Learning | None = Field(None, description="Cost per flight from a learning curve.")
    max_flights_per_year: TimeTable | None = Field(None, description="Cap on flights per year (time table).")
    growth: Growth | None = Field(None, description="Cadence ramp limit.")
    fleet: Fleet | None = Field(None, description="Fleet size limit.")
    carries: NameList | Literal["all"] = Field("all", description="Commodities it may launch.")
    integer: bool = Field(False, description="Count flights in whole numbers.")
    purpose: Literal["cargo", "tanker"] = Field("cargo", description="cargo: launches what `carries` allows, "
                                                "and new in-space vehicles; tanker: launches only propellant "
                                                "(commodities some in-space vehicle burns) and no vehicles, and "
                                                "its flights are counted as tanker launches in the outputs.")
    per_trip_on: str | None = Field(None, description="Tankers only: a route (the landing) whose trips the "
                                                      "outputs divide this class's flights by: tanker launches "
                                                      "per landing.")
    transit_days: float = Field(0.0, ge=0, description="Time from launch to arrival, days: consumption rules "
                                                       "that apply on routes (crew consumables) apply for it, "
                                                       "their consumables go up on the same flight and what "
                                                       "is eaten does not arrive. The payload still arrives "
                                                       "in the period it is launched.")

    @model_validator(mode="after")
    def _one_cost(self) -> LaunchVehicle:
        given = [k for k in ("cost_per_flight_musd", "price_usd_per_kg", "learning") if getattr(self, k)]
        if len(given) > 1:
            raise ValueError(f"give one of cost_per_flight_musd, price_usd_per_kg, learning (got {given})")
        if self.per_trip_on is not None and self.purpose != "tanker":
            raise ValueError("per_trip_on counts tanker launches per trip: give it with purpose: tanker")
        return self


class SharedCadence(Strict):
    """One cap on the flights of several launch vehicle classes together: pads, range and turnaround shared
    by tankers and cargo ships. Each class's own `max_flights_per_year` still holds."""

    classes: NameList = Field(description="Launch vehicle classes whose flights count against the cap.")
    max_flights_per_year: TimeTable = Field(description="Cap on their flights per year together (time table).")

    @model_validator(mode="after")
    def _some_classes(self) -> SharedCadence:
        if not self.classes:
            raise ValueError("a shared cap needs the launch vehicle classes that share it: list at least one")
        return self
