"""In-space transport: vehicle trips on routes, propellant by the rocket equation, vehicle fleets,
and facility routes (mass drivers).

For vehicle :math:`v` flying route :math:`r` departing in period :math:`p` (arc :math:`a`):

* :math:`n_a` trips; cargo :math:`x_{ak}` of commodity :math:`k` (mass :math:`\\mu_k` per unit);
  propellant loaded :math:`\\ell_{aj}` of each propellant component :math:`j`.
* Mass before the burn :math:`M_a = m_d n_a + \\sum_k \\mu_k x_{ak} + \\sum_j \\ell_{aj}`; with
  :math:`f = e^{\\Delta v/v_e} - 1` the rocket equation gives the propellant burned
  :math:`b_a = \\frac{f}{1+f} M_a`, i.e. :math:`b_a = f (M_a - b_a)`: the burn pushes the dry mass,
  the payload and the propellant carried onward.
* Component :math:`j` burns the share :math:`s_j` of :math:`b_a` (mixture ratio) and the rest arrives:
  :math:`\\ell_{aj} - s_j b_a \\ge 0`.
* A trip occupies its vehicle from the arc's departure date :math:`\\tau_a` for its transit and the
  vehicle's turnaround, :math:`[\\tau_a, \\tau_a + t_a + t^{turn}_v)`, in every period that span touches:
  :math:`\\delta_{aq}` is the number of its days in period :math:`q` (none beyond the horizon), and the
  trips of vehicle :math:`v` fit in its fleet's days, :math:`\\sum_a \\delta_{aq} n_a \\le d_q U_{vq}`. A
  398-day transfer leaving on 16 August thus takes 138 vehicle-days of its departure year and 260 of the
  next, whatever the period length.
* **Stacks** (:class:`planner.model.data.Flyer`): :math:`c_w` units of each design :math:`w` fly the arc as
  one, pushed by :math:`u`: :math:`m_d` is the stack's dry mass :math:`\\sum_w c_w m_w`, the payload bays
  hold :math:`P = \\sum_w c_w P_w`, the burn draws on :math:`u`'s tanks and engine, and the riders' tanks
  :math:`R = \\sum_w c_w T_w - T_u` carry propellant as cargo, unburned (cargo within :math:`(P + R) n_a`,
  what is not propellant within :math:`P n_a`). Each trip moves, occupies and ages :math:`c_w` units of
  every member. The rocket equation applies to the stack's whole mass, so a tank-heavy stage pushing a
  crew vehicle burns :math:`\\frac{f}{1+f}` of everything on the arc, as the pooled-propellant arcs of the
  campaign literature do (Ho et al. 2014), with one engine.
* **Spares** (maintenance, the share :math:`\\phi_w` of each member's dry mass per trip) are cargo of the
  trip: taken from the origin's stock at departure, in the payload and in :math:`M_a`, used up on the way.
* **Tanks**: one shared volume :math:`\\sum_j \\ell_{aj} \\le T n_a`, and with separate tanks also
  :math:`\\ell_{aj} \\le T_j n_a` (by default :math:`T_j = s_j T`: a 1,500 t tank at mixture ratio 3.6
  holds at most 1,174 t of oxidizer).
* **Transfer loss**: loading :math:`\\ell_{aj}` from a stock whose storage loses the share :math:`\\chi` per
  transfer takes :math:`\\ell_{aj}/(1-\\chi)` from it. Propellant left in the tanks joins the destination's
  stock on arrival, so a vehicle that flies on pays the loss on it again: the model holds no stock inside
  a parked vehicle apart from the location's.
* **Boil-off in transit**: the burn is at departure; what is left in the tanks, :math:`\\ell_{aj} - s_j b_a`,
  keeps :math:`\\beta_a = (1 - \\lambda)^{t_a / 30.44}` of itself on the way (:math:`\\lambda` per month).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable
from typing import Any

import pyomo.core as pyo

from planner.model.data import ModelData, burn_factor, kept_after, transfer_loss
from planner.model.launch import propellants
from planner.model.registry import Registry, add_constraint, add_var, linear, make_integer, negated, scaled
from planner.model.transit import Leg, add_transit_consumables
from planner.model.useful import allowed, useful_cargo

SUBSYSTEM = "transport"


def add_flows(m: pyo.ConcreteModel, d: ModelData, reg: Registry) -> None:
    """Trips, cargo, propellant and fleet variables, their balance terms and their limits."""
    r = d.roadmap
    arc_of = {(a.route, a.depart): a for a in d.arcs}
    arcs = d.vehicle_arcs
    m.vehicle_arcs = arcs
    flyers = d.flyers
    # per flyer and route, computed once: (commodity, t per unit) it may carry
    useful = useful_cargo(d)
    loads = {(v, rt): [(k, d.mass_t(k)) for k in allowed(d, v, rt) if k in useful[rt]]
             for v, rt in {(v, rt) for v, rt, _p in arcs}}
    shares = {v: fl.shares for v, fl in flyers.items()}
    cargo_idx = [(v, rt, p, k) for v, rt, p in arcs for k, _mu in loads[v, rt]]
    prop_idx = [(v, rt, p, j) for v, rt, p in arcs for j in shares[v]]
    integer_flyers = {v for v, fl in flyers.items() if d.integer(fl.integer)}

    add_var(m, reg, "trips", arcs, quantity="trips", unit="trips", dims=("vehicle", "route", "period"),
            table="transport")
    for v, rt, p in arcs:
        if v in integer_flyers:
            m.trips[v, rt, p].domain = pyo.NonNegativeIntegers
    add_var(m, reg, "cargo", cargo_idx, quantity="cargo", unit="commodity unit",
            dims=("vehicle", "route", "period", "commodity"), table="transport")
    make_integer(m.cargo, lambda i: d.whole(i[3]))
    add_var(m, reg, "loaded", prop_idx, quantity="propellant_loaded", unit="t",
            dims=("vehicle", "route", "period", "commodity"), table="transport")

    # the variables by index, read once: a dict lookup is 5x cheaper than indexing a Pyomo Var
    trips, cargo, loaded = dict(m.trips.items()), dict(m.cargo.items()), dict(m.loaded.items())
    # per arc, its cargo variables (in the order of ``loads``) and its propellant ones, looked up once
    cargo_of_arc = {(v, rt, p): [cargo[v, rt, p, k] for k, _mu in loads[v, rt]] for v, rt, p in arcs}
    propellant_of_arc = {(v, rt, p): [loaded[v, rt, p, j] for j in shares[v]] for v, rt, p in arcs}
    unit_mass = {key: [mu for _k, mu in load] for key, load in loads.items()}

    def cargo_terms(v: str, rt: str, p: int) -> list[tuple[float, pyo.Var]]:
        return list(zip(unit_mass[v, rt], cargo_of_arc[v, rt, p], strict=True))

    def spares_terms(v: str, rt: str, p: int) -> list[tuple[float, pyo.Var]]:
        return [(flyers[v].spares_t, trips[v, rt, p])] if flyers[v].spares else []

    def payload_terms(v: str, rt: str, p: int) -> list[tuple[float, pyo.Var]]:
        """The cargo's mass and the trip's spares (cargo too)."""
        return cargo_terms(v, rt, p) + spares_terms(v, rt, p)

    def propellant_terms(v: str, rt: str, p: int) -> list[tuple[float, pyo.Var]]:
        return [(1.0, x) for x in propellant_of_arc[v, rt, p]]

    # the burn is a column of its own, defined by one row per arc: the rows that read it (each propellant
    # component's share, what arrives in the tanks, and again among late arrivals) then hold one entry
    # instead of the arc's whole mass (~30 % fewer nonzeros on the quarterly baseline)
    add_var(m, reg, "burned", arcs, quantity="propellant_burned", unit="t", dims=("vehicle", "route", "period"),
            table="transport")
    burned_of = dict(m.burned.items())

    def burn(mm, v, rt, p):
        f = burn_factor(arc_of[(rt, p)].dv_km_s, flyers[v].exhaust_km_s)
        c = f / (1.0 + f)
        mass = [(flyers[v].dry_mass_t, trips[v, rt, p])] + payload_terms(v, rt, p) + propellant_terms(v, rt, p)
        return linear([(-1.0, burned_of[v, rt, p])] + [(c * mass_per_unit, x) for mass_per_unit, x in mass]) == 0

    add_constraint(m, reg, "rocket_equation", arcs, burn, subsystem=SUBSYSTEM,
                   description="Propellant burned on an arc: the rocket equation on the mass before the burn "
                               "(a stack's whole mass).",
                   math=r"b_a = \frac{f_{vr}}{1+f_{vr}} M_a")

    add_constraint(
        m, reg, "payload_capacity", arcs,
        lambda mm, v, rt, p: linear(payload_terms(v, rt, p) + [(-flyers[v].payload_t - flyers[v].rider_tanks_t,
                                                                trips[v, rt, p])]) <= 0,
        subsystem=SUBSYSTEM, description="Cargo and spares per trip within the payload capacity (and a stack's "
                                         "riders' tanks).",
        math=r"\sum_k \mu_k x_{ak} + \phi m_d n_a \le (P_v + R_v) n_a", limit="vehicle payload")
    # a stack's riders' tanks hold propellant only: the rest of its cargo fits in the payload bays
    burned = propellants(r)
    bays = {(v, rt, p): [(mu, x) for (mu, x), (k, _mu) in zip(cargo_terms(v, rt, p), loads[v, rt], strict=True)
                         if k not in burned] + spares_terms(v, rt, p)
            for v, rt, p in arcs if flyers[v].rider_tanks_t > 0}
    add_constraint(
        m, reg, "payload_bays", sorted(bays),
        lambda mm, v, rt, p: linear(bays[v, rt, p] + [(-flyers[v].payload_t, trips[v, rt, p])]) <= 0,
        subsystem=SUBSYSTEM, description="A stack's cargo other than propellant, and its spares, within its "
                                         "payload bays (the riders' tanks hold propellant only).",
        math=r"\sum_{k \notin J} \mu_k x_{ak} + \phi m_d n_a \le P_v n_a", limit="vehicle payload")
    add_constraint(
        m, reg, "tank_capacity", arcs,
        lambda mm, v, rt, p: linear(propellant_terms(v, rt, p) + [(-flyers[v].tank_t, trips[v, rt, p])]) <= 0,
        subsystem=SUBSYSTEM, description="Propellant loaded within the tank capacity.",
        math=r"\sum_j \ell_{aj} \le T_v n_a", limit="tank capacity")
    split = [(v, rt, p, j) for v, rt, p, j in prop_idx if flyers[v].component_tanks_t is not None]
    add_constraint(
        m, reg, "component_tank_capacity", split,
        lambda mm, v, rt, p, j: loaded[v, rt, p, j] <= flyers[v].component_tanks_t[j] * trips[v, rt, p],
        subsystem=SUBSYSTEM, description="Each propellant component loaded within its own tank (separate tanks).",
        math=r"\ell_{aj} \le T_{vj} n_a", limit="tank capacity")
    add_constraint(
        m, reg, "propellant_sufficient", prop_idx,
        lambda mm, v, rt, p, j: loaded[v, rt, p, j] >= shares[v][j] * burned_of[v, rt, p],
        subsystem=SUBSYSTEM, description="Each propellant component loaded covers its share of the burn "
                                         "(rocket equation).",
        math=r"\ell_{aj} \ge s_j \frac{f_{vr}}{1+f_{vr}} M_a")

    balance, arrivals, late = reg.balance, reg.arrivals, reg.late
    for v, rt, p in arcs:
        fl, route, arc = flyers[v], r.routes[rt], arc_of[(rt, p)]
        origin, destination, arrive = route.from_, route.to, arc.arrive
        xs, ks = cargo_of_arc[v, rt, p], [k for k, _mu in loads[v, rt]]
        _append_each([balance[origin, k, p] for k in ks], map(negated, xs))
        _append_each([balance[destination, k, arrive] for k in ks], xs)
        _append_each([arrivals[destination, k, arrive] for k in ks], xs)
        if arc.late:
            _append_each([late[destination, k, arrive] for k in ks], xs)
        kept = kept_after(fl.boil_off_per_month, arc.transit_days)
        for (j, share), x in zip(shares[v].items(), propellant_of_arc[v, rt, p], strict=True):
            balance[origin, j, p].append(scaled(-1.0 / (1.0 - transfer_loss(r, origin, j)), x))
            if fl.keeps_propellant:  # what is left stays in the tanks (planner.model.tanks)
                continue
            left = scaled(kept, x), scaled(-kept * share, burned_of[v, rt, p])
            balance[destination, j, arrive] += left
            if arc.late:
                late[destination, j, arrive] += left
        for k, tonnes in fl.spares:
            balance[origin, k, p].append(-tonnes / d.mass_t(k) * trips[v, rt, p])
    _add_route_consumption(m, d, reg, arc_of, cargo, {key: {k for k, _mu in load} for key, load in loads.items()})
    _add_fleet(m, d, reg, arc_of, integer_flyers)
    _add_facility_routes(m, d, reg)


def _append_each(lists: list[list], items: Iterable[Any]) -> None:
    """Append the i-th item to the i-th list (a C-level loop: the arcs' loads are ~0.7 M items on large)."""
    deque(map(list.append, lists, items), maxlen=0)


def _add_route_consumption(m, d: ModelData, reg: Registry, arc_of, cargo: dict,
                           carried: dict[tuple[str, str], set[str]]) -> None:
    """Consumables used in transit (:mod:`planner.model.transit`): :math:`c_{ak} \\ge \\rho\\, t_r\\, x_{au}`,
    and what arrives is less (``carried``: (vehicle, route) -> the commodities it carries there)."""
    r = d.roadmap

    def landing(rt: str, arc: Any) -> Callable[[str], list[list[Any]]]:
        to = r.routes[rt].to
        return lambda k: [reg.balance[(to, k, arc.arrive)]] + ([reg.late[(to, k, arc.arrive)]] if arc.late else [])

    legs = {(v, rt, p): Leg(arc_of[(rt, p)].transit_days, {k: cargo[v, rt, p, k] for k in carried[v, rt]},
                            landing(rt, arc_of[(rt, p)])) for v, rt, p in m.vehicle_arcs}
    add_transit_consumables(m, d, reg, legs, "transit_consumables", SUBSYSTEM,
                            "Consumables carried cover the consumers' needs over the transit.",
                            r"x_{a c} \ge \rho_{uc}\, t_r\, x_{a u}")


def _add_fleet(m, d: ModelData, reg: Registry, arc_of, integer_flyers: set[str]) -> None:
    """Vehicle units as a commodity: built, parked, flown (each trip of a stack moves :math:`c_w` units of
    each member :math:`w`); trips limited by time and life."""
    r = d.roadmap
    built_idx = [(v, p) for v, veh in r.vehicles.items() if veh.enters_at for p in d.periods]
    add_var(m, reg, "built", built_idx, quantity="vehicles_built", unit="vehicles", dims=("vehicle", "period"),
            table="fleet")
    for v, p in built_idx:
        if v in integer_flyers:
            m.built[v, p].domain = pyo.NonNegativeIntegers
    trips = dict(m.trips.items())
    # (member vehicle, units per trip, route, departure period, trips) for every arc of every flyer
    legs = [(w, n, rt, p, trips[v, rt, p]) for v, rt, p in m.vehicle_arcs
            for w, n in d.flyers[v].members.items()]
    places = {(v, loc) for v, veh in r.vehicles.items() for loc in veh.initial_units}
    places |= {(v, veh.enters_at) for v, veh in r.vehicles.items() if veh.enters_at}
    for w, _n, rt, _p, _x in legs:
        places.add((w, r.routes[rt].from_))
        if r.vehicles[w].reusable:
            places.add((w, r.routes[rt].to))
    parked_idx = sorted((v, loc, p) for v, loc in places for p in d.periods)
    add_var(m, reg, "parked", parked_idx, quantity="vehicles_parked", unit="vehicles",
            dims=("vehicle", "location", "period"), table="fleet")
    moves: dict[tuple[str, str, int], list] = {key: [] for key in parked_idx}
    parked = dict(m.parked.items())
    for w, n, rt, p, x in legs:
        route, arc = r.routes[rt], arc_of[(rt, p)]
        moves[(w, route.from_, p)].append(scaled(-n, x))
        if r.vehicles[w].reusable:
            moves[(w, route.to, arc.arrive)].append(scaled(n, x))

    def fleet_balance(mm, v, loc, p):
        veh = r.vehicles[v]
        before = parked[v, loc, p - 1] if p > 0 else veh.initial_units.get(loc, 0)
        new = mm.built[v, p] if veh.enters_at == loc else 0
        return parked[v, loc, p] == before + new + sum(moves[(v, loc, p)])

    add_constraint(m, reg, "fleet_balance", parked_idx, fleet_balance, subsystem=SUBSYSTEM,
                   description="Vehicle units parked at a location: last period's, plus built and arriving, "
                               "minus departing (alone or in stacks).",
                   math=r"u_{vlp} = u_{vl,p-1} + B_{vp}[l = e_v] + \sum_{a \to l} c_v n_a "
                        r"- \sum_{a \leftarrow l} c_v n_a")

    fleet_idx = [(v, p) for v in r.vehicles for p in d.periods]
    add_var(m, reg, "fleet", fleet_idx, quantity="vehicles_in_fleet", unit="vehicles", dims=("vehicle", "period"),
            table="fleet")

    def fleet_growth(mm, v, p):
        veh = r.vehicles[v]
        before = mm.fleet[v, p - 1] if p > 0 else sum(veh.initial_units.values())
        return mm.fleet[v, p] == before + (mm.built[v, p] if veh.enters_at else 0)

    add_constraint(m, reg, "fleet_growth", fleet_idx, fleet_growth, subsystem=SUBSYSTEM,
                   description="Units in the fleet: the initial ones plus every unit built so far.",
                   math=r"U_{vp} = U_{v,p-1} + B_{vp}, \quad U_{v,-1} = U^0_v")

    flown: dict[str, list[tuple[float, Any]]] = {}  # vehicle -> (units per trip, trips) of every arc it flies
    # (vehicle, period) -> (unit-days of the period a trip occupies, trips) for every arc that spans it
    occupied: dict[tuple[str, int], list[tuple[float, Any]]] = {}
    for w, n, rt, p, x in legs:
        flown.setdefault(w, []).append((n, x))
        arc = arc_of[(rt, p)]
        span = arc.transit_days + r.vehicles[w].turnaround_days
        for q, days in d.timeline.days_in_periods(arc.depart_date, span).items():
            occupied.setdefault((w, q), []).append((n * days, x))
    add_constraint(
        m, reg, "vehicle_time", sorted(occupied),
        lambda mm, v, q: linear(occupied[v, q]) <= d.length_days[q] * mm.fleet[v, q],
        subsystem=SUBSYSTEM, description="Days the trips occupy their vehicles in a period (transit and "
                                         "turnaround, in each period they span) within the fleet's days.",
        math=r"\sum_a c_v \delta_{aq} n_a \le d_q U_{vq}", limit="fleet time")
    copies = [v for v, veh in r.vehicles.items() if veh.enters_at and veh.copies is not None]
    add_constraint(m, reg, "vehicle_copies", copies,
                   lambda mm, v: sum(mm.built[v, p] for p in d.periods) <= r.vehicles[v].copies,
                   subsystem=SUBSYSTEM, description="Units built within the number of copies.",
                   math=r"\sum_p B_{vp} \le C_v", limit="vehicle copies")
    slots = {(v, p): min(cap for cap in (veh.max_built_per_period,
                                        None if veh.max_built_per_year is None
                                        else d.at(veh.max_built_per_year, p) * d.length_years[p])
                         if cap is not None)
             for v, p in built_idx for veh in [r.vehicles[v]]
             if veh.max_built_per_period is not None or veh.max_built_per_year is not None}
    add_constraint(m, reg, "vehicle_slots", sorted(slots), lambda mm, v, p: mm.built[v, p] <= slots[v, p],
                   subsystem=SUBSYSTEM, description="New units entering service in a period within the slots per "
                                                    "period (and per year, scaled by the period's length).",
                   math=r"B_{vp} \le \min(\bar B_v, \bar b_v(t_p)\, y_p)", limit="vehicle slots")
    lives = [v for v, veh in r.vehicles.items() if veh.max_flights_per_unit is not None and v in flown]
    add_constraint(
        m, reg, "vehicle_life", lives,
        lambda mm, v: linear(flown[v]) <= r.vehicles[v].max_flights_per_unit * mm.fleet[v, d.periods[-1]],
        subsystem=SUBSYSTEM, description="Trips within the units' flight life.",
        math=r"\sum_a c_v n_a \le L_v U_{vP}", limit="vehicle life")
    for v, p in built_idx:
        cost = d.at(r.vehicles[v].build_cost_musd, p)
        if cost:
            reg.spending["vehicles"][p].append(cost * m.built[v, p])


def _add_facility_routes(m, d: ModelData, reg: Registry) -> None:
    """Mass-driver routes: :math:`\\sum_k \\mu_k z_{rpk} \\le \\theta_r\\, S_{o(r),F,p}\\, y_p`, no propellant;
    :math:`10^3 e_r \\sum_k \\mu_k z_{rpk} / (24 d_p)` kW drawn from the origin's power (``energy_kwh_per_kg``)."""
    r = d.roadmap
    moves = d.useful_moves
    idx = [(a.route, a.depart, k) for a in d.arcs if r.routes[a.route].facility
           for k in r.routes[a.route].facility.carries
           if (r.routes[a.route].from_, r.routes[a.route].to) in moves[k]]
    add_var(m, reg, "launched_by_facility", idx, quantity="facility_launch", unit="commodity unit",
            dims=("route", "period", "commodity"), table="transport")
    make_integer(m.launched_by_facility, lambda i: d.whole(i[2]))
    arc_of = {(a.route, a.depart): a for a in d.arcs}
    for rt, p, k in idx:
        route, arc, x = r.routes[rt], arc_of[(rt, p)], m.launched_by_facility[rt, p, k]
        if route.facility.energy_kwh_per_kg:  # kWh over the period's hours: mean kW drawn
            reg.power_use[(route.from_, p)].append(
                scaled(1e3 * route.facility.energy_kwh_per_kg * d.mass_t(k) / (24.0 * d.length_days[p]), x))
        reg.balance[(route.from_, k, p)].append(-x)
        reg.balance[(route.to, k, arc.arrive)].append(x)
        reg.arrivals[(route.to, k, arc.arrive)].append(x)
        if arc.late:
            reg.late[(route.to, k, arc.arrive)].append(x)
    m.facility_arcs = sorted({(rt, p) for rt, p, _k in idx})


def add_limits(m, d: ModelData, reg: Registry, stock) -> None:
    """Facility route throughput, which needs the facility stock held at the origin."""
    r = d.roadmap
    add_constraint(
        m, reg, "facility_throughput", m.facility_arcs,
        lambda mm, rt, p: sum(d.mass_t(k) * mm.launched_by_facility[rt, p, k] for k in r.routes[rt].facility.carries
                              if (rt, p, k) in mm.launched_by_facility)
        <= r.routes[rt].facility.throughput_t_per_year_per_unit * d.length_years[p]
        * stock(r.routes[rt].from_, r.routes[rt].facility.commodity, p),
        subsystem=SUBSYSTEM, description="Mass launched by a facility within its throughput.",
        math=r"\sum_k \mu_k z_{rpk} \le \theta_r S_{o(r)Fp} y_p", limit="mass driver capacity")
