"""Earth launches: flights of launch vehicle classes that put payload (and new vehicles) into orbit.

For class :math:`l` in period :math:`p` (length :math:`y_p` years), :math:`F_{lp}` flights carry
:math:`w_{lpk}` of each commodity from the launch site to the destination:

* payload: :math:`\\sum_k \\mu_k w_{lpk} + \\sum_v m^{L}_v B_{vp} \\le P_{lp} F_{lp}`, a new unit's launch
  mass :math:`m^L_v` with the spares of one trip when it says ``spares_on_launch`` (taken at the launch site);
* vehicles that ride their own flight: :math:`\\sum_v \\phi_v B_{vp} \\le F_{lp}`;
* cap: :math:`F_{lp} \\le \\bar F_l(t_p)\\, y_p`; fleet: :math:`F_{lp} \\le N_l(t_p)\\, \\kappa_l\\, y_p`;
* shared cap (``shared_cadence``: a pad shared by several classes :math:`L_s`):
  :math:`\\sum_{l \\in L_s} F_{lp} \\le \\bar F_s(t_p)\\, y_p`, the same on any grid;
* tankers (``purpose: tanker``) launch only propellant, the commodities some in-space vehicle burns, and
  no vehicles; their flights are reported as ``tanker_flights``;
* transit (``transit_days`` :math:`\\tau_l`): for each consumption rule that applies on routes, consumer
  :math:`u` eating :math:`\\rho` of :math:`c` per unit per day, the flight launches what is eaten on the
  way up, :math:`w_{lpc} \\ge \\rho\\, \\tau_l\\, w_{lpu}`, and :math:`\\rho\\, \\tau_l\\, w_{lpu}` of
  :math:`c` does not arrive (as ``transit_consumables`` on in-space routes); the payload arrives in the
  period it is launched;
* ramp (after TEMOA's growth limits, in continuous time): the flight rate :math:`r(t)` grows at most by
  the share :math:`g` per year plus the seed :math:`s` flights/yr per year,
  :math:`\\dot r \\le \\lambda r + s` with :math:`\\lambda = \\ln(1+g)`, from :math:`r(t_0) \\le F^{init}_l`
  at the horizon's start. Period :math:`p` flies at the mean rate :math:`\\bar r_p = F_{lp}/y_p`, held to
  :math:`\\bar r_p \\le \\rho_p \\bar r_{p-1} + s\\,G_p` with
  :math:`\\rho_p = (1+g)^{t_p - t_{p-1}} E(y_p)/E(y_{p-1})`, :math:`G_p = (\\rho_p - 1)/\\lambda`, and
  :math:`E(y) = ((1+g)^y - 1)/(\\lambda y)` the mean of :math:`(1+g)^u` over :math:`0 \\le u \\le y`
  (:math:`E(0) = 1`). The first period's predecessor is the instant :math:`t_0`:
  :math:`y_{-1} = 0`, :math:`t_{-1} = t_0`, :math:`\\bar r_{-1} = F^{init}_l`. Without growth
  (:math:`g = 0`, :math:`\\rho_p = 1`), :math:`G_p = m_p - m_{p-1}`, the time between the periods'
  midpoints :math:`m_p = t_p + y_p/2`: :math:`\\bar r_p \\le \\bar r_{p-1} + s\\,(m_p - m_{p-1})`.

  Why: :math:`q(t) = (r(t) + s/\\lambda)(1+g)^{-(t - t_0)}` (:math:`r(t) - s(t - t_0)` without growth)
  has :math:`\\dot q \\le 0`, and
  :math:`(\\bar r_p + s/\\lambda)/\\big((1+g)^{t_p - t_0} E(y_p)\\big)` is the mean of :math:`q` over period
  :math:`p` weighted by :math:`(1+g)^{t - t_0}`, so it never rises from one period to the next (nor from
  :math:`q(t_0)`): every rate path of the ramp meets the bound. The fastest ramp
  (:math:`\\dot r = \\lambda r + s` from :math:`F^{init}_l`) has constant :math:`q` and meets each bound
  with equality, so the flights the ramp allows over a horizon,
  :math:`\\int r\\,dt = (F^{init}_l + s/\\lambda)((1+g)^T - 1)/\\lambda - sT/\\lambda` (:math:`F^{init}_l T + sT^2/2`
  without growth), are the same on any grid of periods.

Cost per flight comes from a table, from a price per kg times the payload, or from Wright's law on
cumulative flights :math:`N`: unit cost :math:`c_1 N^{-b}` with :math:`b = -\\log_2(1 - LR)`. The
learning curve is concave, so it is met by a fixed point (:mod:`planner.model.learning`): the flights of one
solve set the average cost of each period's flights for the next (:func:`learning_costs`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pyomo.core as pyo

from planner.model.data import ModelData, propellant_shares
from planner.model.learning import Curve, wright_average
from planner.model.parameters import add_param
from planner.model.registry import Registry, add_constraint, add_expression, add_var, make_integer
from planner.model.transit import Leg, add_transit_consumables
from planner.schema.network import LaunchVehicle
from planner.schema.roadmap import Roadmap

SUBSYSTEM = "launch"


def propellants(r: Roadmap) -> set[str]:
    """The commodities some in-space vehicle burns: all that a tanker may launch."""
    return {j for veh in r.vehicles.values() for j in propellant_shares(veh)}


def may_launch(r: Roadmap, lv: LaunchVehicle) -> list[str]:
    """The commodities a class may launch: its ``carries``, of which only propellants for a tanker."""
    listed = list(r.commodities) if lv.carries == "all" else list(lv.carries)
    if lv.purpose == "tanker":
        burned = propellants(r)
        return [k for k in listed if k in burned]
    return listed


def flight_costs(lv: LaunchVehicle, d: ModelData) -> np.ndarray:
    """Cost per flight, M$, per period, before any learning iteration."""
    if lv.cost_per_flight_musd is not None:
        return np.array(d.period_means(lv.cost_per_flight_musd))
    if lv.price_usd_per_kg is not None:
        return np.array(d.period_means(lv.price_usd_per_kg)) * np.array(d.period_means(lv.payload_t)) * 1e-3
    if lv.learning is not None:
        return learning_costs(lv, np.zeros(len(d.periods)))
    return np.zeros(len(d.periods))


def _flight_costs(d: ModelData) -> dict[tuple[str, int], float]:
    """Cost per flight of each class in each period, M$ (:func:`flight_costs`)."""
    return {(lv, p): float(c) for lv, veh in d.roadmap.launch_vehicles.items()
            for p, c in enumerate(flight_costs(veh, d))}


def _payload_per_flight(d: ModelData) -> dict[tuple[str, int], float]:
    """Payload per flight of each class in each period, :math:`P_{lp}` t."""
    return {(lv, p): d.at(veh.payload_t, p) for lv, veh in d.roadmap.launch_vehicles.items() for p in d.periods}


def _flight_caps(d: ModelData) -> dict[tuple[str, int], float]:
    """Flights allowed per period, :math:`\\bar F_l(t_p)\\, y_p`."""
    return {(lv, p): d.at(veh.max_flights_per_year, p) * d.length_years[p]
            for lv, veh in d.roadmap.launch_vehicles.items() if veh.max_flights_per_year is not None
            for p in d.periods}


def _shared_caps(d: ModelData) -> dict[tuple[str, int], float]:
    """Flights allowed per period to the classes of each shared cap together, :math:`\\bar F_s(t_p)\\, y_p`."""
    return {(s, p): d.at(shared.max_flights_per_year, p) * d.length_years[p]
            for s, shared in d.roadmap.shared_cadence.items() for p in d.periods}


def _ramp_step(growth: float, before: tuple[float, float], period: tuple[float, float]) -> tuple[float, float]:
    """:math:`(\\rho_p, G_p)` of the ramp bound from the span ``before`` to ``period``, each given as (start
    in decimal years, length in years); see the module docstring."""
    lam = math.log1p(growth)
    (t_before, y_before), (t, y) = before, period

    def mean_growth(years: float) -> float:
        return 1.0 if lam * years == 0 else math.expm1(lam * years) / (lam * years)

    rho = math.exp(lam * (t - t_before)) * mean_growth(y) / mean_growth(y_before)
    if lam == 0:
        return rho, (t + y / 2) - (t_before + y_before / 2)
    return rho, (rho - 1) / lam


def learning_costs(lv: LaunchVehicle, flights: np.ndarray) -> np.ndarray:
    """Average cost per flight in each period given the flights per period (:func:`wright_average` on
    cumulative flights)."""
    learn = lv.learning
    return wright_average(learn.first_flight_cost_musd, learn.learning_rate, learn.floor_musd, learn.prior_flights,
                          flights)


def learning_curves(m: pyo.ConcreteModel, d: ModelData) -> list[Curve]:
    """The classes whose cost per flight follows a learning curve, as :class:`Curve` fixed points."""
    return [Curve(param="launch_cost", index=[(name, p) for p in d.periods],
                  amounts=lambda mm, name=name: np.array([pyo.value(mm.flights[name, p]) for p in d.periods]),
                  costs=lambda flights, lv=lv: learning_costs(lv, flights), iterations=lv.learning.iterations)
            for name, lv in d.roadmap.launch_vehicles.items() if lv.learning is not None]


def add_flows(m: pyo.ConcreteModel, d: ModelData, reg: Registry) -> None:
    """Flight and launched-payload variables, payload and cadence limits, launch spending."""
    r = d.roadmap
    lvs = r.launch_vehicles
    flight_idx = [(lv, p) for lv in lvs for p in d.periods]
    add_var(m, reg, "flights", flight_idx, quantity="flights", unit="flights", dims=("launch_vehicle", "period"),
            table="launch")
    for lv, p in flight_idx:
        if d.integer(lvs[lv].integer):
            m.flights[lv, p].domain = pyo.NonNegativeIntegers
    moves = d.useful_moves
    payload = {lv: [k for k in may_launch(r, spec) if (spec.from_, spec.to) in moves[k]] for lv, spec in lvs.items()}
    payload_idx = [(lv, p, k) for lv, p in flight_idx for k in payload[lv]]
    add_var(m, reg, "launched", payload_idx, quantity="launched", unit="commodity unit",
            dims=("launch_vehicle", "period", "commodity"), table="launch")
    make_integer(m.launched, lambda i: d.whole(i[2]))
    add_param(m, reg, "launch_cost", flight_idx, _flight_costs, d, keys=(
        "launch_vehicles.*.cost_per_flight_musd", "launch_vehicles.*.price_usd_per_kg", "launch_vehicles.*.payload_t"))
    add_param(m, reg, "payload_per_flight", flight_idx, _payload_per_flight, d, keys=("launch_vehicles.*.payload_t",))
    riders = {lv: [v for v, veh in r.vehicles.items() if veh.launched_by == lv and veh.enters_at] for lv in lvs}

    add_constraint(
        m, reg, "launch_payload", flight_idx,
        lambda mm, lv, p: sum(d.mass_t(k) * mm.launched[lv, p, k] for k in payload[lv])
        + sum(r.vehicles[v].launch_payload_t() * mm.built[v, p] for v in riders[lv])
        <= mm.payload_per_flight[lv, p] * mm.flights[lv, p],
        subsystem=SUBSYSTEM, description="Payload and new vehicles launched within payload per flight.",
        math=r"\sum_k \mu_k w_{lpk} + \sum_v m^L_v B_{vp} \le P_{lp} F_{lp}", limit="launch payload")
    for lv, p in flight_idx:  # spares launched with new units are taken from the launch site's stock
        for v in riders[lv]:
            veh = r.vehicles[v]
            if veh.launch_spares_t() and veh.maintenance_commodity:
                reg.balance[(lvs[lv].from_, veh.maintenance_commodity, p)].append(
                    -veh.launch_spares_t() / d.mass_t(veh.maintenance_commodity) * m.built[v, p])
    rides = [(lv, p) for lv, p in flight_idx if any(r.vehicles[v].launch_flights_per_unit for v in riders[lv])]
    add_constraint(
        m, reg, "launch_vehicle_rides", rides,
        lambda mm, lv, p: sum(r.vehicles[v].launch_flights_per_unit * mm.built[v, p] for v in riders[lv])
        <= mm.flights[lv, p],
        subsystem=SUBSYSTEM, description="New vehicles that fly to orbit on their own flights.",
        math=r"\sum_v \phi_v B_{vp} \le F_{lp}")
    capped = [(lv, p) for lv, p in flight_idx if lvs[lv].max_flights_per_year is not None]
    add_param(m, reg, "flight_cap", capped, _flight_caps, d, keys=("launch_vehicles.*.max_flights_per_year",))
    add_constraint(
        m, reg, "launch_cap", capped,
        lambda mm, lv, p: mm.flights[lv, p] <= mm.flight_cap[lv, p],
        subsystem=SUBSYSTEM, description="Flights within the cap on flights per year.",
        math=r"F_{lp} \le \bar F_l(t_p)\, y_p", limit="launch cap")
    shared_idx = [(name, p) for name in r.shared_cadence for p in d.periods]
    add_param(m, reg, "shared_flight_cap", shared_idx, _shared_caps, d, keys=("shared_cadence.*.max_flights_per_year",))
    add_constraint(
        m, reg, "launch_shared_cap", shared_idx,
        lambda mm, name, p: sum(mm.flights[lv, p] for lv in r.shared_cadence[name].classes)
        <= mm.shared_flight_cap[name, p],
        subsystem=SUBSYSTEM, description="Flights of the classes that share a cadence cap (a pad) within it.",
        math=r"\sum_{l \in L_s} F_{lp} \le \bar F_s(t_p)\, y_p", limit="shared launch cap")
    tankers = [(lv, p) for lv, p in flight_idx if lvs[lv].purpose == "tanker"]
    add_expression(m, reg, "tanker_flights", tankers, lambda mm, lv, p: mm.flights[lv, p], quantity="tanker_flights",
                   unit="flights", dims=("launch_vehicle", "period"), table="launch")
    fleet = [(lv, p) for lv, p in flight_idx if lvs[lv].fleet is not None]
    add_constraint(
        m, reg, "launch_fleet", fleet,
        lambda mm, lv, p: mm.flights[lv, p] <= d.at(lvs[lv].fleet.size, p)
        * lvs[lv].fleet.flights_per_vehicle_per_year * d.length_years[p],
        subsystem=SUBSYSTEM, description="Flights within what the fleet can fly.",
        math=r"F_{lp} \le N_l(t_p)\,\kappa_l\, y_p", limit="launch fleet")
    ramp = [(lv, p) for lv, p in flight_idx if lvs[lv].growth is not None]

    def ramp_rule(mm, lv, p):
        g = lvs[lv].growth
        if p == 0:
            before = (float(d.years[0]), 0.0)
            before_rate = g.initial_flights_per_year if g.initial_flights_per_year is not None \
                else g.seed_flights_per_year
        else:
            before = (float(d.years[p - 1]), d.length_years[p - 1])
            before_rate = mm.flights[lv, p - 1] / d.length_years[p - 1]
        rho, gain = _ramp_step(g.rate_per_year, before, (float(d.years[p]), d.length_years[p]))
        return mm.flights[lv, p] / d.length_years[p] <= rho * before_rate + g.seed_flights_per_year * gain

    add_constraint(m, reg, "launch_ramp", ramp, ramp_rule, subsystem=SUBSYSTEM,
                   description="Mean flight rate within the fastest continuous ramp from the period before: "
                               "growth share per year plus the seed.",
                   math=r"F_{lp}/y_p \le \rho_p F_{l,p-1}/y_{p-1} + s_l G_p", limit="launch ramp")

    for lv, p in flight_idx:
        site, dest = lvs[lv].from_, lvs[lv].to
        for k in payload[lv]:
            reg.balance[(site, k, p)].append(-m.launched[lv, p, k])
            reg.balance[(dest, k, p)].append(m.launched[lv, p, k])
            reg.arrivals[(dest, k, p)].append(m.launched[lv, p, k])
        reg.spending["launch"][p].append(m.launch_cost[lv, p] * m.flights[lv, p])
    _add_transit_consumption(m, d, reg, payload)


def _add_transit_consumption(m: pyo.ConcreteModel, d: ModelData, reg: Registry, payload: dict[str, list[str]]) -> None:
    """Consumables eaten on the way up (:mod:`planner.model.transit`): :math:`w_{lpc} \\ge \\rho\\, \\tau_l\\,
    w_{lpu}`, and what is eaten does not arrive (``payload``: class -> the commodities it launches)."""
    lvs = d.roadmap.launch_vehicles

    def landing(lv: str, p: int) -> Callable[[str], list[list[Any]]]:
        return lambda k: [reg.balance[(lvs[lv].to, k, p)]]

    legs = {(lv, p): Leg(spec.transit_days, {k: m.launched[lv, p, k] for k in payload[lv]}, landing(lv, p))
            for lv, spec in lvs.items() if spec.transit_days > 0 for p in d.periods}
    add_transit_consumables(m, d, reg, legs, "launch_transit_consumables", SUBSYSTEM,
                            "Consumables launched on a flight cover its consumers' needs over the launch transit.",
                            r"w_{lpc} \ge \rho_{uc}\, \tau_l\, w_{lpu}")


def launched_mass_t(m: pyo.ConcreteModel, d: ModelData):
    """Total mass launched from Earth over the horizon, t (payload and new vehicles)."""
    r = d.roadmap
    total = sum(d.mass_t(k) * var for (lv, p, k), var in m.launched.items())
    for v, veh in r.vehicles.items():
        if veh.launched_by and veh.enters_at:
            total += sum(veh.launch_payload_t() * m.built[v, p] for p in d.periods)
    return total
