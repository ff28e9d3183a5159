"""Earth launches: flights of launch vehicle classes that put payload (and new vehicles) into orbit.

For class :math:`l` in period :math:`p` (length :math:`y_p` years), :math:`F_{lp}` flights carry
:math:`w_{lpk}` of each commodity from the launch site to the destination:

* payload: :math:`\\sum_k \\mu_k w_{lpk} + \\sum_v m^{L}_v B_{vp} \\le P_{lp} F_{lp}`;
* vehicles that ride their own flight: :math:`\\sum_v \\phi_v B_{vp} \\le F_{lp}`;
* cap: :math:`F_{lp} \\le \\bar F_l(t_p)\\, y_p`; fleet: :math:`F_{lp} \\le N_l(t_p)\\, \\kappa_l\\, y_p`;
* ramp (after TEMOA's growth limits): :math:`F_{lp}/y_p \\le (1+g)^{t_p - t_{p-1}} F_{l,p-1}/y_{p-1} + s`,
  and :math:`F_{l0}/y_0 \\le F^{init}_l`.

Cost per flight comes from a table, from a price per kg times the payload, or from Wright's law on
cumulative flights :math:`N`: unit cost :math:`c_1 N^{-b}` with :math:`b = -\\log_2(1 - LR)`. The
learning curve is concave, so it is met by a fixed point: the flights of one solve set the average
cost of each period's flights for the next (:func:`learning_costs`).
"""

from __future__ import annotations

import math

import numpy as np
import pyomo.core as pyo

from planner.model.data import ModelData
from planner.model.parameters import add_param
from planner.model.registry import Registry, add_constraint, add_var
from planner.schema.network import LaunchVehicle

SUBSYSTEM = "launch"


def flight_costs(lv: LaunchVehicle, d: ModelData) -> np.ndarray:
    """Cost per flight, M$, per period, before any learning iteration."""
    if lv.cost_per_flight_musd is not None:
        return lv.cost_per_flight_musd.at(d.years)
    if lv.price_usd_per_kg is not None:
        return lv.price_usd_per_kg.at(d.years) * lv.payload_t.at(d.years) * 1e-3
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


def learning_costs(lv: LaunchVehicle, flights: np.ndarray) -> np.ndarray:
    """Average cost per flight in each period given the flights per period (Wright's law).

    With cumulative flights :math:`N_{p-1}` before period :math:`p` and :math:`n_p` in it, the average is
    :math:`\\frac{c_1}{n_p}\\int_{N_{p-1}}^{N_{p-1}+n_p} x^{-b}\\,dx`, the marginal :math:`c_1 N_{p-1}^{-b}`
    when :math:`n_p = 0`, never below the floor.
    """
    learn = lv.learning
    b = -math.log2(1.0 - learn.learning_rate)
    before = learn.prior_flights + np.concatenate([[0.0], np.cumsum(flights)[:-1]])
    n = np.asarray(flights, dtype=float)
    marginal = learn.first_flight_cost_musd * before ** (-b)
    with np.errstate(divide="ignore", invalid="ignore"):
        if abs(1.0 - b) < 1e-12:
            integral = learn.first_flight_cost_musd * np.log((before + n) / before)
        else:
            integral = learn.first_flight_cost_musd * ((before + n) ** (1 - b) - before ** (1 - b)) / (1 - b)
        average = np.where(n > 1e-9, integral / np.where(n > 1e-9, n, 1.0), marginal)
    return np.maximum(average, learn.floor_musd)


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
    payload_idx = [(lv, p, k) for lv, p in flight_idx for k in d.carried(lvs[lv].carries)]
    add_var(m, reg, "launched", payload_idx, quantity="launched", unit="commodity unit",
            dims=("launch_vehicle", "period", "commodity"), table="launch")
    add_param(m, reg, "launch_cost", flight_idx, _flight_costs, d, keys=(
        "launch_vehicles.*.cost_per_flight_musd", "launch_vehicles.*.price_usd_per_kg", "launch_vehicles.*.payload_t"))
    add_param(m, reg, "payload_per_flight", flight_idx, _payload_per_flight, d, keys=("launch_vehicles.*.payload_t",))
    riders = {lv: [v for v, veh in r.vehicles.items() if veh.launched_by == lv and veh.enters_at] for lv in lvs}

    def vehicle_launch_mass(v: str) -> float:
        veh = r.vehicles[v]
        return veh.dry_mass_t if veh.launch_mass_t is None else veh.launch_mass_t

    add_constraint(
        m, reg, "launch_payload", flight_idx,
        lambda mm, lv, p: sum(d.mass_t(k) * mm.launched[lv, p, k] for k in d.carried(lvs[lv].carries))
        + sum(vehicle_launch_mass(v) * mm.built[v, p] for v in riders[lv])
        <= mm.payload_per_flight[lv, p] * mm.flights[lv, p],
        subsystem=SUBSYSTEM, description="Payload and new vehicles launched within payload per flight.",
        math=r"\sum_k \mu_k w_{lpk} + \sum_v m^L_v B_{vp} \le P_{lp} F_{lp}", limit="launch payload")
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
        rate = mm.flights[lv, p] / d.length_years[p]
        if p == 0:
            initial = g.initial_flights_per_year if g.initial_flights_per_year is not None else g.seed_flights_per_year
            return rate <= initial
        step = float(d.years[p] - d.years[p - 1])
        return rate <= (1 + g.rate_per_year) ** step * mm.flights[lv, p - 1] / d.length_years[p - 1] \
            + g.seed_flights_per_year

    add_constraint(m, reg, "launch_ramp", ramp, ramp_rule, subsystem=SUBSYSTEM,
                   description="Flight rate grows at most by the ramp rate per year plus the seed.",
                   math=r"F_{lp}/y_p \le (1+g_l)^{t_p - t_{p-1}} F_{l,p-1}/y_{p-1} + s_l", limit="launch ramp")

    for lv, p in flight_idx:
        site, dest = lvs[lv].from_, lvs[lv].to
        for k in d.carried(lvs[lv].carries):
            reg.balance[(site, k, p)].append(-m.launched[lv, p, k])
            reg.balance[(dest, k, p)].append(m.launched[lv, p, k])
            reg.arrivals[(dest, k, p)].append(m.launched[lv, p, k])
        reg.spending["launch"][p].append(m.launch_cost[lv, p] * m.flights[lv, p])


def launched_mass_t(m: pyo.ConcreteModel, d: ModelData):
    """Total mass launched from Earth over the horizon, t (payload and new vehicles)."""
    r = d.roadmap
    total = sum(d.mass_t(k) * var for (lv, p, k), var in m.launched.items())
    for v, veh in r.vehicles.items():
        if veh.launched_by and veh.enters_at:
            mass = veh.dry_mass_t if veh.launch_mass_t is None else veh.launch_mass_t
            total += sum(mass * m.built[v, p] for p in d.periods)
    return total
