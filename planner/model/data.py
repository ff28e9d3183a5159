"""Roadmap to model data: the timeline, the time-expanded arcs and the sparse index sets.

A departure on route :math:`r` in period :math:`p` leaves at its origin's ready date (or at a window's
opening, :mod:`planner.model.ready`) and arrives in the period that contains departure date plus
transit days; arcs that would arrive after the horizon are left out. An arc that lands after its
destination's ready date is *late*: what it brings moves on only from the next period. So with yearly
periods a chain of 3-day transfers lands within the year, while with dated periods a mission's legs
land in the period their dates say.

For vehicle :math:`v` on route :math:`r` the rocket equation with :math:`v_e = g_0 I_{sp}` (the roadmap's
:math:`g_0`, 9.80665 m/s² unless it says otherwise, or :math:`v_e` as given) gives the
propellant burned per tonne of mass after the burn, :math:`f_{vr} = e^{\\Delta v_r / v_e} - 1`, with
the delta-v of the departure's window where the window gives one (:mod:`planner.windows`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any

import numpy as np

from planner.model import refinement
from planner.model.ready import ready_dates
from planner.schema.network import Bipropellant, Vehicle
from planner.schema.roadmap import Roadmap
from planner.schema.time_table import TimeTable
from planner.timeline import Timeline, as_date, build_timeline
from planner.windows import open_spans


@dataclass(frozen=True)
class Arc:
    """One route departure in the time-expanded network."""

    route: str
    depart: int
    arrive: int
    transit_days: float
    depart_date: date
    dv_km_s: float
    late: bool  # lands after its destination's ready date: moves on only from the next period


@dataclass(frozen=True)
class Flyer:
    """What flies an arc as one: a vehicle alone, or a stack of vehicles one of which burns for all.

    A stack of :math:`c_v` units of each design :math:`v`, pushed by :math:`u`, has the dry mass
    :math:`\\sum_v c_v m_v`, the payload bays :math:`\\sum_v c_v P_v`, the pusher's engine (exhaust velocity,
    mixture ratio) and tanks :math:`T_u`, and the riders' tanks :math:`\\sum_{v} c_v T_v - T_u`, which carry
    propellant as cargo, unburned. A vehicle alone is the stack of one unit of itself."""

    name: str
    members: dict[str, int]  # vehicle design -> units in one trip
    pusher: str
    dry_mass_t: float
    payload_t: float
    tank_t: float  # the pusher's: what the burn draws from
    component_tanks_t: dict[str, float] | None  # the pusher's tank per propellant component, if separate
    rider_tanks_t: float  # the riders' tanks: propellant carried as cargo
    exhaust_km_s: float
    shares: dict[str, float]  # propellant component -> its share of the burn
    boil_off_per_month: float  # share of what is left in the pusher's tanks lost per 30.44 days of transit
    spares: tuple[tuple[str, float], ...]  # (commodity, t per trip) used up by the members on each trip
    routes: list[str] | str
    carries: list[str] | str
    integer: bool  # asked for whole trips (any member counted in whole units)
    keeps_propellant: bool  # what is left in the pusher's tanks stays in them (planner.model.tanks)

    @property
    def spares_t(self) -> float:
        """Spares mass per trip, t."""
        return sum(t for _k, t in self.spares)

    def reaches(self, dv_km_s: float) -> bool:
        """Whether the empty flyer with full tanks and its spares can make ``dv_km_s``: the burn
        :math:`f/(1+f)(m_d + s + T)` fits in the tank :math:`T`."""
        f = burn_factor(dv_km_s, self.exhaust_km_s)
        return f / (1 + f) * (self.dry_mass_t + self.spares_t + self.tank_t) <= self.tank_t + 1e-12


def flyers(roadmap: Roadmap) -> dict[str, Flyer]:
    """Every vehicle alone and every stack, by name."""
    r = roadmap
    out = {}
    for name, members, pusher, routes, carries in (
            [(v, {v: 1}, v, veh.routes, veh.carries) for v, veh in r.vehicles.items()]
            + [(s, st.vehicles, st.pushed_by, st.routes, st.carries) for s, st in r.stacks.items()]):
        vs, push = {v: r.vehicles[v] for v in members}, r.vehicles[pusher]
        spares = tuple((veh.maintenance_commodity, n * veh.maintenance_fraction_per_flight * veh.dry_mass_t)
                       for v, n in members.items() for veh in [vs[v]]
                       if veh.maintenance_commodity and veh.maintenance_fraction_per_flight > 0)
        tanks = push.propellant.tanks_t(push.propellant_capacity_t) if isinstance(push.propellant, Bipropellant) \
            else None
        out[name] = Flyer(
            name=name, members=dict(members), pusher=pusher,
            dry_mass_t=sum(n * vs[v].dry_mass_t for v, n in members.items()),
            payload_t=sum(n * vs[v].payload_t for v, n in members.items()),
            tank_t=push.propellant_capacity_t, component_tanks_t=tanks,
            rider_tanks_t=sum(n * vs[v].propellant_capacity_t for v, n in members.items())
            - push.propellant_capacity_t,
            exhaust_km_s=push.exhaust_km_s(r.g0_m_s2), shares=propellant_shares(push),
            boil_off_per_month=push.boil_off_fraction_per_month, spares=spares,
            routes=routes, carries=carries, integer=any(vs[v].integer for v in members),
            keeps_propellant=push.keeps_propellant)
    return out


@dataclass
class ModelData:
    """Everything the model modules read, computed once from the roadmap."""

    roadmap: Roadmap
    timeline: Timeline
    arcs: list[Arc]
    periods: list[int] = field(default_factory=list)
    refined: dict[str, Any] | None = None  # the roadmap's periods split for the solve (planner.model.refinement)
    _table_values: dict[int, tuple[TimeTable, list[float]]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self.periods = list(range(len(self.timeline)))

    @property
    def years(self) -> np.ndarray:
        return self.timeline.start_years

    @cached_property
    def length_years(self) -> list[float]:
        """Period lengths in years as Python floats (a numpy scalar times a Pyomo variable is slow)."""
        return [float(y) for y in self.timeline.length_years]

    @cached_property
    def start_days(self) -> list[int]:
        """Day numbers (ordinals) of the period starts."""
        return [s.toordinal() for s in self.timeline.starts]

    @cached_property
    def length_days(self) -> list[float]:
        return [float(x) for x in self.timeline.length_days]

    def at(self, table: TimeTable, p: int) -> float:
        """A time table's value in period ``p``: its mean over the period (:meth:`period_means`)."""
        return self.period_means(table)[p]

    def period_means(self, table: TimeTable) -> list[float]:
        """A time table's mean over each period, :math:`\\bar x_p = \\frac{1}{y_p}\\int_{t_p}^{t_{p+1}} x(t) dt`
        (computed once per table): a rate, price or specific power holds on average over the period in
        which the flows it prices run at even rates, so that the same table gives the same totals on any grid."""
        values = self._table_values.get(id(table))
        if values is None:
            t = self.timeline
            values = self._table_values[id(table)] = (table, table.mean(t.start_years, t.end_years).tolist())
        return values[1]

    @cached_property
    def flyers(self) -> dict[str, Flyer]:
        """Vehicles alone and stacks, by name (:func:`flyers`)."""
        return flyers(self.roadmap)

    @cached_property
    def vehicle_arcs(self) -> list[tuple[str, str, int]]:
        """(flyer, route, departure period) for every arc a vehicle or stack may fly with no payload but its
        spares (:meth:`Flyer.reaches`)."""
        r = self.roadmap
        out = []
        for v, fl in self.flyers.items():
            for arc in self.arcs:
                route = r.routes[arc.route]
                if route.facility is not None or (fl.routes != "all" and arc.route not in fl.routes):
                    continue
                if fl.reaches(arc.dv_km_s):
                    out.append((v, arc.route, arc.depart))
        return out

    @cached_property
    def useful_moves(self) -> dict[str, set[tuple[str, str]]]:
        """Commodity -> the moves worth making with it, worked out once per model
        (:func:`planner.model.useful.useful_moves`)."""
        from planner.model import useful  # it reads this module's data: imported when first needed

        return useful.useful_moves(self)

    def mass_t(self, commodity: str) -> float:
        """Tonnes per unit of ``commodity`` (1 for mass commodities)."""
        c = self.roadmap.commodities[commodity]
        return 1.0 if c.unit == "t" else c.unit_mass_t

    def integer(self, asked: bool) -> bool:
        """Whether a decision the roadmap marks ``asked`` is integer under the roadmap's setting."""
        mode = self.roadmap.integer
        return mode == "all" or (mode == "auto" and asked)

    def whole(self, commodity: str) -> bool:
        """Whether amounts of ``commodity`` are counted in whole units (its ``integer:``, under the setting)."""
        return self.roadmap.commodities[commodity].integer and self.roadmap.integer != "none"

    def carried(self, allowed: list[str] | str) -> list[str]:
        return list(self.roadmap.commodities) if allowed == "all" else list(allowed)

    def period_by(self, when: int | date) -> int:
        """The period containing a deadline (the last period when it lies beyond the horizon)."""
        day = as_date(when, end_of_year=True)
        p = self.timeline.period_of(day)
        if p is None:
            return len(self.timeline) - 1 if day >= self.timeline.end else 0
        return p


def propellant_shares(vehicle: Vehicle) -> dict[str, float]:
    """Mass share of each propellant commodity in a burn (oxidizer MR/(1+MR), fuel 1/(1+MR))."""
    spec = vehicle.propellant
    if isinstance(spec, Bipropellant):
        mr = spec.mixture_ratio
        return {spec.oxidizer: mr / (1 + mr), spec.fuel: 1 / (1 + mr)}
    return {spec: 1.0}


DAYS_PER_MONTH = 365.25 / 12


def kept_after(loss_per_month: float, days: float) -> float:
    """Share of a stock kept after ``days`` at a loss per month (30.44 days): :math:`(1-\\lambda)^{d/30.44}`."""
    return (1.0 - loss_per_month) ** (days / DAYS_PER_MONTH)


def transfer_loss(roadmap: Roadmap, loc: str, k: str) -> float:
    """Share of ``k`` lost when a vehicle loads it from (or unloads it into) the stock at ``loc``."""
    store = roadmap.locations[loc].storage.get(k)
    return store.transfer_loss_fraction if store is not None else 0.0


def burn_factor(dv_km_s: float, exhaust_km_s: float) -> float:
    """Propellant burned per tonne of mass after the burn: :math:`e^{\\Delta v/v_e} - 1`."""
    return math.expm1(dv_km_s / exhaust_km_s)


def build_data(roadmap: Roadmap) -> ModelData:
    """The model's data on the periods it solves on (:func:`solve_timeline`)."""
    timeline, split = solve_timeline(roadmap)
    return ModelData(roadmap=roadmap, timeline=timeline, arcs=_arcs(roadmap, timeline), refined=split)


def solve_timeline(roadmap: Roadmap) -> tuple[Timeline, dict[str, Any] | None]:
    """The periods a roadmap is solved on: its own, with those too long for the growth reinvested inside them
    split, and what was split (:func:`planner.model.refinement.refined`)."""
    return refinement.refined(ModelData(roadmap=roadmap, timeline=build_timeline(roadmap.time), arcs=[]))


def _arcs(roadmap: Roadmap, timeline: Timeline) -> list[Arc]:
    ready = ready_dates(roadmap, timeline)
    arcs: list[Arc] = []
    for name, route in roadmap.routes.items():
        spans = open_spans(route.windows, timeline.end) if route.windows is not None else None
        for p, start in enumerate(timeline.starts):
            end = timeline.end_of(p)
            transit, dv = route.transit_days, route.dv_km_s
            depart = ready[p][route.from_]
            if spans is not None:
                after = date.fromordinal(int(depart))
                span = next((s for s in spans if s.open < end and s.close >= after), None) \
                    or next((s for s in spans if s.open < end and s.close >= start), None)
                if span is None:
                    continue
                depart = max(float(span.open.toordinal()), depart) if span.close >= after \
                    else float(max(span.open, start).toordinal())
                transit = span.transit_days if span.transit_days is not None else transit
                dv = span.dv_km_s if span.dv_km_s is not None else dv
            landing = depart + transit
            arrive = timeline.period_of(date.fromordinal(int(landing)))
            if arrive is not None:
                late = landing > ready[arrive][route.to]
                arcs.append(Arc(name, p, arrive, transit, date.fromordinal(int(depart)), dv, late))
    return arcs
