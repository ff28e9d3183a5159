"""Roadmap to model data: the timeline, the time-expanded arcs and the sparse index sets.

A departure on route :math:`r` in period :math:`p` leaves at its origin's ready date (or at a window's
opening, :mod:`planner.model.ready`) and arrives in the period that contains departure date plus
transit days; arcs that would arrive after the horizon are left out. An arc that lands after its
destination's ready date is *late*: what it brings moves on only from the next period. So with yearly
periods a chain of 3-day transfers lands within the year, while with dated periods a mission's legs
land in the period their dates say.

For vehicle :math:`v` on route :math:`r` the rocket equation with :math:`v_e = g_0 I_{sp}` gives the
propellant burned per tonne of mass after the burn, :math:`f_{vr} = e^{\\Delta v_r / v_e} - 1`, with
the delta-v of the departure's window where the window gives one (:mod:`planner.windows`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

import numpy as np

from planner.checks import G0_M_S2
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


@dataclass
class ModelData:
    """Everything the model modules read, computed once from the roadmap."""

    roadmap: Roadmap
    timeline: Timeline
    arcs: list[Arc]
    periods: list[int] = field(default_factory=list)
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
    def vehicle_arcs(self) -> list[tuple[str, str, int]]:
        """(vehicle, route, departure period) for every arc a vehicle may fly with an empty payload: the empty
        vehicle with a full tank burns :math:`f/(1+f)(m_d + m_p)`, which must fit in the tank."""
        r = self.roadmap
        out = []
        for v, veh in r.vehicles.items():
            for arc in self.arcs:
                route = r.routes[arc.route]
                if route.facility is not None or (veh.routes != "all" and arc.route not in veh.routes):
                    continue
                f = burn_factor(arc.dv_km_s, veh.isp_s)
                if f / (1 + f) * (veh.dry_mass_t + veh.propellant_capacity_t) <= veh.propellant_capacity_t + 1e-12:
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


def burn_factor(dv_km_s: float, isp_s: float) -> float:
    """Propellant burned per tonne of mass after the burn: :math:`e^{\\Delta v/(g_0 I_{sp})} - 1`."""
    return math.expm1(dv_km_s * 1000.0 / (G0_M_S2 * isp_s))


def build_data(roadmap: Roadmap) -> ModelData:
    timeline = build_timeline(roadmap.time)
    return ModelData(roadmap=roadmap, timeline=timeline, arcs=_arcs(roadmap, timeline))


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
