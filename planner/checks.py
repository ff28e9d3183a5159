"""Semantic checks of a schema-valid roadmap, run before any model is built.

Each check returns problems located at the offending key: references to unknown names, numbers the
solver cannot use (not a number, infinite, :data:`LARGEST` and above, or nonzero below :data:`SMALLEST`),
years outside :data:`YEARS` or a horizon without periods (or more than
:data:`~planner.timeline.MAX_PERIODS`, or a date given twice), time tables outside the horizon or with
negative values (every table is a nonnegative quantity: payload, cost, cap, fleet, funding), dates and
transits that fall outside the horizon,
processes and mass drivers that need power where no power is declared, tanker launch classes asked to
launch anything but propellant, locations that need deliveries but cannot be
reached from where commodities enter the network, and vehicles that cannot fly a route they list.

Every independent problem is reported in one pass: a check leaves out only what an earlier problem makes
meaningless (the horizon's checks wait for sound years, a vehicle's reach for its sound numbers, reachability
for a network whose names are all known). A vehicle with dry mass
:math:`m_d`, tank :math:`m_p` and exhaust velocity :math:`v_e = g_0 I_{sp}` reaches at most
:math:`\\Delta v_{max} = v_e \\ln((m_d + m_p)/m_d)` (empty, full tank): :func:`vehicle_reach_km_s`. Each
route it lists in ``routes:`` must be within that reach, a windowed route at the largest delta-v of the
windows in the horizon (:func:`route_delta_v_km_s`); with ``routes: all`` the routes out of reach are
simply not flown, and only a vehicle that can fly none of them is a problem.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

import networkx as nx
from pydantic import BaseModel

from planner.errors import Hints, Problem, listed, shown
from planner.schema.time_table import TimeTable, decimal_year
from planner.timeline import MAX_PERIODS, as_date, build_timeline
from planner.windows import open_spans

if TYPE_CHECKING:
    from planner.io.load import LoadedRoadmap
    from planner.schema.network import Route, Vehicle
    from planner.timeline import Timeline

YEARS = (1900, 2500)
LARGEST = 1e15  # HiGHS refuses matrix coefficients from 1e15 and reads bounds from 1e20 as infinite
SMALLEST = 1e-9  # HiGHS reads smaller matrix coefficients as zero




def vehicle_reach_km_s(vehicle: Vehicle, g0_m_s2: float) -> float:
    """Largest delta-v of ``vehicle`` empty with a full tank, km/s: :math:`v_e \\ln((m_d + m_p)/m_d)`."""
    return vehicle.exhaust_km_s(g0_m_s2) * math.log((vehicle.dry_mass_t + vehicle.propellant_capacity_t)
                                                    / vehicle.dry_mass_t)


def route_delta_v_km_s(route: Route, timeline: Timeline) -> float:
    """Delta-v a vehicle needs to fly ``route`` in every period it is open: the largest over its windows that
    reach into the horizon (a window without its own delta-v takes the route's)."""
    if route.windows is None:
        return route.dv_km_s
    first = timeline.starts[0]
    spans = [s for s in open_spans(route.windows, timeline.end) if s.close >= first]
    return max((route.dv_km_s if s.dv_km_s is None else s.dv_km_s for s in spans), default=route.dv_km_s)


def check_roadmap(loaded: LoadedRoadmap, pruned: frozenset[str] = frozenset()) -> list[Problem]:
    """Every semantic problem of ``loaded``. ``pruned`` names the entries left out of it because they fail
    the schema: they are not reported as unknown, and the network is not judged without them."""
    references = list(_unknown_references(loaded, pruned))
    magnitudes = list(_magnitudes(loaded))
    years = list(_years(loaded))
    problems = references + magnitudes + years
    problems += list(_power_declared(loaded))
    problems += list(_whole_units_kept_whole(loaded))
    problems += list(_tankers_launch_propellant(loaded))
    if not years:
        problems += list(_time_tables(loaded))
        problems += list(_dates_in_horizon(loaded))
        problems += list(_vehicle_reach(loaded, {p.key for p in magnitudes}))
    if not references and not pruned:
        problems += list(_reachability(loaded))
    return problems


def _unknown_references(loaded: LoadedRoadmap, pruned: frozenset[str]) -> Iterator[Problem]:
    r = loaded.roadmap
    locations, commodities = set(r.locations), set(r.commodities)
    hint = Hints()

    def ref(kind: str, name: str | None, names: set[str], *path: str) -> Iterator[Problem]:
        if name is not None and name not in names and name not in pruned:
            yield loaded.origin.problem(tuple(path), f"unknown {kind} '{shown(name)}'" + hint(name, names),
                                        allowed=listed(names) or f"no {kind}s declared")

    def flies(routes: list[str] | str, carries: list[str] | str, *path: str) -> Iterator[Problem]:
        """The routes a vehicle or stack may fly and the commodities it may carry."""
        for rt in [] if routes == "all" else routes:
            yield from ref("route", rt, set(r.routes), *path, "routes")
        for c in [] if carries == "all" else carries:
            yield from ref("commodity", c, commodities, *path, "carries")

    for lname, loc in r.locations.items():
        for c in loc.storage:
            yield from ref("commodity", c, commodities, "locations", lname, "storage", c)
        for c in [] if loc.holds == "all" else loc.holds:
            yield from ref("commodity", c, commodities, "locations", lname, "holds")
        for q, req in loc.requirements.items():
            yield from ref("commodity", req.per, commodities, "locations", lname, "requirements", q, "per")
            yield from ref("commodity", req.needs, commodities, "locations", lname, "requirements", q, "needs")
        if loc.power:
            yield from ref("commodity", loc.power.generator, commodities, "locations", lname, "power", "generator")
            for c in loc.power.demand_kw_per_unit:
                yield from ref("commodity", c, commodities, "locations", lname, "power", "demand_kw_per_unit", c)
    for cname, com in r.commodities.items():
        for i, src in enumerate(com.sources):
            yield from ref("location", src.location, locations, "commodities", cname, "sources", str(i), "location")
    for name, cons in r.consumption.items():
        yield from ref("commodity", cons.consumer, commodities, "consumption", name, "consumer")
        yield from ref("commodity", cons.consumes, commodities, "consumption", name, "consumes")
        for loc in cons.not_at:
            yield from ref("location", loc, locations, "consumption", name, "not_at")
    for name, route in r.routes.items():
        yield from ref("location", route.from_, locations, "routes", name, "from")
        yield from ref("location", route.to, locations, "routes", name, "to")
        if route.facility:
            yield from ref("commodity", route.facility.commodity, commodities, "routes", name, "facility", "commodity")
            for c in route.facility.carries:
                yield from ref("commodity", c, commodities, "routes", name, "facility", "carries")
        if route.carries != "all":
            for c in route.carries:
                yield from ref("commodity", c, commodities, "routes", name, "carries")
    for name, v in r.vehicles.items():
        for c in _propellants(v.propellant):
            yield from ref("commodity", c, commodities, "vehicles", name, "propellant")
        yield from ref("commodity", v.maintenance_commodity, commodities, "vehicles", name, "maintenance_commodity")
        yield from flies(v.routes, v.carries, "vehicles", name)
        yield from ref("location", v.enters_at, locations, "vehicles", name, "enters_at")
        for loc in v.initial_units:
            yield from ref("location", loc, locations, "vehicles", name, "initial_units", loc)
        yield from ref("launch vehicle", v.launched_by, set(r.launch_vehicles), "vehicles", name, "launched_by")
    for name, st in r.stacks.items():
        if name in r.vehicles:
            yield loaded.origin.problem(("stacks", name), f"'{shown(name)}' names a vehicle too",
                                        allowed="a name of its own: trips are reported by vehicle or stack name")
        for v in st.vehicles:
            yield from ref("vehicle", v, set(r.vehicles), "stacks", name, "vehicles", v)
        yield from flies(st.routes, st.carries, "stacks", name)
    for name, lv in r.launch_vehicles.items():
        yield from ref("location", lv.from_, locations, "launch_vehicles", name, "from")
        yield from ref("location", lv.to, locations, "launch_vehicles", name, "to")
        if lv.carries != "all":
            for c in lv.carries:
                yield from ref("commodity", c, commodities, "launch_vehicles", name, "carries")
        yield from ref("route", lv.per_trip_on, set(r.routes), "launch_vehicles", name, "per_trip_on")
    for name, shared in r.shared_cadence.items():
        for lv in shared.classes:
            yield from ref("launch vehicle", lv, set(r.launch_vehicles), "shared_cadence", name, "classes")
    for name, proc in r.processes.items():
        yield from ref("location", proc.location, locations, "processes", name, "location")
        for part in ("capital", "outputs", "inputs"):
            for c in getattr(proc, part):
                yield from ref("commodity", c, commodities, "processes", name, part, c)
    if r.compute:
        for loc in r.compute.deploy_at:
            yield from ref("location", loc, locations, "compute", "deploy_at")
        for loc in r.compute.orbit_capacity_t:
            yield from ref("deployment location", loc, set(r.compute.deploy_at), "compute", "orbit_capacity_t", loc)
        for c in r.compute.satellites:
            yield from ref("commodity", c, commodities, "compute", "satellites", c)
    for i, raise_ in enumerate(r.funding.equity if r.funding else []):
        yield from ref("milestone", raise_.after_milestone, set(r.milestones), "funding", "equity", str(i),
                       "after_milestone")
    for name, m in r.milestones.items():
        base = ("milestones", name, "metric")
        if m.metric.stock:
            yield from ref("location", m.metric.stock.location, locations, *base, "stock", "location")
            yield from ref("commodity", m.metric.stock.commodity, commodities, *base, "stock", "commodity")
        if m.metric.delivered:
            yield from ref("location", m.metric.delivered.location, locations, *base, "delivered", "location")
            for c in m.metric.delivered.commodities:
                yield from ref("commodity", c, commodities, *base, "delivered", "commodities")
        if m.metric.production:
            yield from ref("process", m.metric.production.process, set(r.processes), *base, "production", "process")
        if m.metric.compute_gw and r.compute is None:
            yield loaded.origin.problem(base, "metric compute_gw needs a 'compute:' section")
    for name, d in r.demands.items():
        yield from ref("location", d.location, locations, "demands", name, "location")
        yield from ref("commodity", d.commodity, commodities, "demands", name, "commodity")
    if r.objective.delivered:
        yield from ref("location", r.objective.delivered.location, locations, "objective", "delivered", "location")
        for c in r.objective.delivered.commodities:
            yield from ref("commodity", c, commodities, "objective", "delivered", "commodities")
    if r.objective.mode == "max_delivered" and r.objective.delivered is None:
        yield loaded.origin.problem(("objective", "mode"), "max_delivered needs 'objective.delivered'",
                                    allowed="delivered: {location: ..., commodities: [...]}")


def _propellants(spec: Any) -> list[str]:
    return [spec] if isinstance(spec, str) else [spec.oxidizer, spec.fuel]


def _time_tables(loaded: LoadedRoadmap) -> Iterator[Problem]:
    timeline = build_timeline(loaded.roadmap.time)
    first, end = float(timeline.start_years[0]), decimal_year(timeline.end)
    for path, table in _tables(loaded.roadmap, ()):
        lo, hi = table.first_year(), table.last_year()
        if lo is not None and (lo < first or hi > end):
            yield loaded.origin.problem(path, f"table years {lo:g} to {hi:g} reach outside the horizon",
                                        allowed=f"years {first:g} to {end:g}, the horizon's end")
        negative = [v for v in table.points.values() if v < 0]
        if negative:
            yield loaded.origin.problem(path, f"negative value {negative[0]:g} in a table",
                                        allowed="values of 0 or more")


def _years(loaded: LoadedRoadmap) -> Iterator[Problem]:
    """Years within :data:`YEARS` and a horizon with at least one period."""
    r = loaded.roadmap
    named: list[tuple[tuple[str, ...], Any]] = [(("time", "start"), r.time.start), (("time", "end"), r.time.end)]
    named += [(("demands", n, key), when) for n, d in r.demands.items() for key, when in (("from", d.start),
                                                                                           ("to", d.until))]
    named += [(("milestones", n, "deadline"), m.deadline) for n, m in r.milestones.items()]
    named += [(("time", "dates", str(i)), when) for i, when in enumerate(r.time.dates or [])]
    wrong = False
    for path, when in named:
        year = when.year if isinstance(when, date) else when
        if year is not None and not YEARS[0] <= year <= YEARS[1]:
            wrong = True
            yield loaded.origin.problem(path, f"year {shown(year)} is out of range",
                                        allowed=f"years {YEARS[0]} to {YEARS[1]}")
    first_at: dict[date, int] = {}
    for i, when in enumerate(r.time.dates or []):
        if when in first_at:
            wrong = True
            yield loaded.origin.problem(("time", "dates"), f"date {when} is given twice (items {first_at[when] + 1} "
                                        f"and {i + 1}): a period of no days", allowed="each date once")
        first_at.setdefault(when, i)
    if wrong:
        return
    timeline = build_timeline(r.time)
    if len(timeline) == 0:
        yield loaded.origin.problem(("time", "end"), "the horizon has no period: it ends before it starts",
                                    allowed="an end on or after the start")
    elif timeline.end <= timeline.starts[-1]:
        yield loaded.origin.problem(("time", "end"), f"the horizon ends on {timeline.end} but its last period "
                                    f"starts on {timeline.starts[-1]}: the last period runs from the last date "
                                    "to the end", allowed=f"an end after {timeline.starts[-1]}")
    elif len(timeline) > MAX_PERIODS:
        yield loaded.origin.problem(("time",), f"the horizon has {len(timeline):,} periods",
                                    allowed=f"at most {MAX_PERIODS:,} periods: a longer step or fewer dates")


def _dates_in_horizon(loaded: LoadedRoadmap) -> Iterator[Problem]:
    r = loaded.roadmap
    timeline = build_timeline(r.time)
    span = f"{timeline.starts[0].isoformat()} to {(timeline.end - timedelta(days=1)).isoformat()}"
    for name, dem in r.demands.items():
        if as_date(dem.start) >= timeline.end:
            yield loaded.origin.problem(("demands", name, "from"), f"demand starts at {dem.start}, after the horizon",
                                        allowed=f"dates from {span}")
        if dem.until is not None and as_date(dem.until, end_of_year=True) < as_date(dem.start):
            yield loaded.origin.problem(("demands", name, "to"), f"'to' {dem.until} is before 'from' {dem.start}",
                                        allowed="a date on or after 'from'")
    length_days = (timeline.end - timeline.starts[0]).days
    for name, route in r.routes.items():
        windows = route.windows if isinstance(route.windows, list) else []
        transits = [(("routes", name, "transit_days"), route.transit_days)]
        transits += [(("routes", name, "windows", str(i), "transit_days"), w.transit_days)
                     for i, w in enumerate(windows)]
        for path, days in transits:
            if days is not None and days > length_days:
                yield loaded.origin.problem(path, f"a transit of {days:g} days is longer than the horizon",
                                            allowed=f"at most {length_days} days")
    for name, ms in r.milestones.items():
        if ms.deadline is not None and as_date(ms.deadline, end_of_year=True) < timeline.starts[0]:
            yield loaded.origin.problem(("milestones", name, "deadline"),
                                        f"deadline {ms.deadline} is before the horizon starts",
                                        allowed=f"dates from {span}")


def _power_declared(loaded: LoadedRoadmap) -> Iterator[Problem]:
    r = loaded.roadmap
    draws = [(("processes", name, "energy_kwh_per_t"), "process", f"{proc.energy_kwh_per_t:g} kWh per t",
              proc.location) for name, proc in r.processes.items() if proc.energy_kwh_per_t > 0]
    draws += [(("routes", name, "facility", "energy_kwh_per_kg"), "mass driver",
               f"{route.facility.energy_kwh_per_kg:g} kWh per kg", route.from_)
              for name, route in r.routes.items() if route.facility and route.facility.energy_kwh_per_kg > 0]
    for path, what, energy, loc in draws:
        if loc in r.locations and r.locations[loc].power is None:
            yield loaded.origin.problem(path, f"the {what} needs {energy} but location '{loc}' declares no 'power:'",
                                        allowed=f"a 'power:' section under locations.{loc}, or {path[-1]}: 0")


def _whole_units_kept_whole(loaded: LoadedRoadmap) -> Iterator[Problem]:
    """A commodity counted in whole units cannot decay in storage nor be eaten: its stock would have to be a
    fraction of a unit."""
    r = loaded.roadmap
    whole = {k for k, c in r.commodities.items() if c.integer}
    for lname, loc in r.locations.items():
        for k, store in loc.storage.items():
            if k in whole and store.loss_fraction_per_month > 0:
                yield loaded.origin.problem(("locations", lname, "storage", k, "loss_fraction_per_month"),
                                            f"'{k}' is counted in whole units (integer: true) and cannot lose a "
                                            f"share of itself in storage", allowed="0, or integer: false")
    for name, cons in r.consumption.items():
        if cons.consumes in whole:
            yield loaded.origin.problem(("consumption", name, "consumes"),
                                        f"'{cons.consumes}' is counted in whole units (integer: true) and cannot "
                                        f"be eaten per day", allowed="a commodity with integer: false")


def _tankers_launch_propellant(loaded: LoadedRoadmap) -> Iterator[Problem]:
    """A tanker class launches only propellant (what some in-space vehicle burns): nothing else in its
    ``carries`` and no in-space vehicle ``launched_by`` it."""
    from planner.model.launch import propellants  # the model's definition (the model imports this module)

    r = loaded.roadmap
    burned = propellants(r)
    allowed = f"propellants: {listed(burned)}" if burned else "no in-space vehicle burns a propellant"
    for name, lv in r.launch_vehicles.items():
        if lv.purpose != "tanker":
            continue
        if not burned:
            yield loaded.origin.problem(("launch_vehicles", name, "purpose"), f"tanker class '{name}' has no "
                                        "propellant to launch: no in-space vehicle burns one", allowed="purpose: cargo")
        for c in lv.carries if lv.carries != "all" else []:
            if c not in burned:
                yield loaded.origin.problem(("launch_vehicles", name, "carries"), f"tanker class '{name}' "
                                            f"launches only propellant, and '{shown(c)}' is not one",
                                            allowed=allowed)
    for v, veh in r.vehicles.items():
        lv = r.launch_vehicles.get(veh.launched_by) if veh.launched_by else None
        if lv is not None and lv.purpose == "tanker":
            yield loaded.origin.problem(("vehicles", v, "launched_by"), f"tanker class '{veh.launched_by}' "
                                        f"launches only propellant, not the vehicle '{v}'",
                                        allowed="a launch class with purpose: cargo")


def _leaves(value: Any, path: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], Any]]:
    """Every value of the roadmap that is not a mapping or a list (a time table is one value)."""
    if isinstance(value, BaseModel) and not isinstance(value, TimeTable):
        for name, field in type(value).model_fields.items():
            yield from _leaves(getattr(value, name), path + (field.alias or name,))
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _leaves(v, path + (str(k),))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _leaves(v, path + (str(i),))
    else:
        yield path, value


def _tables(value: Any, path: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], TimeTable]]:
    return ((p, v) for p, v in _leaves(value, path) if isinstance(v, TimeTable))


def _magnitudes(loaded: LoadedRoadmap) -> Iterator[Problem]:
    """Numbers the solver can use: finite and below :data:`LARGEST` in magnitude, and zero or at least
    :data:`SMALLEST` (a smaller one would be read as zero, or its inverse as infinite)."""
    allowed = f"0, or finite numbers from {SMALLEST:g} to {LARGEST:g} in magnitude (a larger or smaller unit)"
    for path, leaf in _leaves(loaded.roadmap, ()):
        numbers = leaf.points.values() if isinstance(leaf, TimeTable) else [leaf]
        bad = [x for x in numbers if isinstance(x, float | int) and not isinstance(x, bool)
               and not (x == 0 or SMALLEST <= abs(x) < LARGEST)]
        if bad:
            shown_value = f"{bad[0]:g}" if isinstance(bad[0], float) else shown(bad[0])
            what = "is not a number" if bad[0] != bad[0] else \
                f"is too {'small' if abs(bad[0]) < SMALLEST else 'large'} for the solver"
            yield loaded.origin.problem(path, f"value {shown_value} {what}", allowed=allowed)


def transport_graph(loaded: LoadedRoadmap) -> nx.DiGraph:
    """Locations linked by routes and by Earth launches."""
    r = loaded.roadmap
    graph = nx.DiGraph()
    graph.add_nodes_from(r.locations)
    graph.add_edges_from((route.from_, route.to) for route in r.routes.values())
    graph.add_edges_from((lv.from_, lv.to) for lv in r.launch_vehicles.values())
    return graph


def _reachability(loaded: LoadedRoadmap) -> Iterator[Problem]:
    r = loaded.roadmap
    graph = transport_graph(loaded)
    entries = {s.location for c in r.commodities.values() for s in c.sources}
    entries |= {v.enters_at for v in r.vehicles.values() if v.enters_at}
    entries |= {loc for v in r.vehicles.values() for loc in v.initial_units}
    reachable = set(entries)
    for e in entries:
        reachable |= nx.descendants(graph, e)
    needs: list[tuple[str, tuple[str, ...]]] = [(d.location, ("demands", n, "location")) for n, d in r.demands.items()]
    if r.compute:
        needs += [(loc, ("compute", "deploy_at")) for loc in r.compute.deploy_at]
    for n, m in r.milestones.items():
        metric = m.metric.stock or m.metric.delivered
        if metric:
            needs.append((metric.location, ("milestones", n, "metric")))
    for loc, path in needs:
        if loc not in reachable:
            yield loaded.origin.problem(path, f"location '{loc}' needs deliveries but no route or launch "
                                              "reaches it from where commodities enter the network",
                                        allowed="add a route to it")


def _vehicle_reach(loaded: LoadedRoadmap, unsound: set[str]) -> Iterator[Problem]:
    """Each route a vehicle lists within its reach; with ``routes: all``, at least one route. Vehicles and
    routes with a number in ``unsound`` (the keys of problems already found) are left out."""
    r = loaded.roadmap

    def sound(*prefix: str) -> bool:
        return not any(key == ".".join(prefix) or key.startswith(".".join(prefix) + ".") for key in unsound)

    timeline = build_timeline(r.time)
    needs = {n: route_delta_v_km_s(rt, timeline) for n, rt in r.routes.items()
             if not rt.facility and sound("routes", n)}
    stacked = {v for st in r.stacks.values() for v in st.vehicles}  # they may fly in a stack what they cannot alone
    for name, v in r.vehicles.items():
        if not sound("vehicles", name):
            continue
        reach = vehicle_reach_km_s(v, r.g0_m_s2)
        if v.routes != "all":
            for n in v.routes:
                if n in needs and needs[n] > reach + 1e-9:
                    yield loaded.origin.problem(("vehicles", name, "routes"), _too_far(name, v, reach, n, needs[n],
                                                                                      r.routes[n].windows is not None,
                                                                                      r.g0_m_s2),
                                                allowed=_remedies(v, needs[n], r.g0_m_s2))
        elif needs and all(dv > reach + 1e-9 for dv in needs.values()) and name not in stacked:
            yield loaded.origin.problem(("vehicles", name), f"cannot fly any route: it reaches at most "
                                                            f"{reach:.2f} km/s empty with a full tank",
                                        allowed="more propellant capacity, higher Isp or shorter routes")
    yield from _stack_reach(loaded, needs, sound)


def _stack_reach(loaded: LoadedRoadmap, needs: dict[str, float], sound: Any) -> Iterator[Problem]:
    """Each route a stack lists within its reach: the pusher's exhaust velocity and tank on the whole
    stack's dry mass and spares, :math:`v_e \\ln((m_d + s + T_u)/(m_d + s))`."""
    from planner.model.data import flyers  # the model's definition (the model imports this module)

    r = loaded.roadmap
    if not r.stacks or not all(v in r.vehicles and sound("vehicles", v) for st in r.stacks.values()
                               for v in st.vehicles):
        return
    for name, fl in flyers(r).items():
        if name not in r.stacks or fl.routes == "all":
            continue
        empty = fl.dry_mass_t + fl.spares_t
        reach = fl.exhaust_km_s * math.log((empty + fl.tank_t) / empty)
        for n in fl.routes:
            if n in needs and needs[n] > reach + 1e-9:
                yield loaded.origin.problem(("stacks", name, "routes"),
                                            f"stack '{name}' cannot fly route '{n}': the route needs {needs[n]:.2f} "
                                            f"km/s but the stack reaches at most {reach:.2f} km/s with its pusher "
                                            f"'{fl.pusher}' full ({empty:g} t dry with spares, tank {fl.tank_t:g} t): "
                                            f"{needs[n] - reach:.2f} km/s short",
                                            allowed="routes within its reach, a bigger pusher tank or fewer riders")


def _too_far(name: str, vehicle: Vehicle, reach: float, route: str, need: float, windowed: bool,
             g0_m_s2: float) -> str:
    return (f"vehicle '{name}' cannot fly route '{route}': the route needs {need:.2f} km/s"
            + (" (the largest over its windows)" if windowed else "")
            + f" but the vehicle reaches at most {reach:.2f} km/s empty with a full tank "
            f"(exhaust velocity {vehicle.exhaust_km_s(g0_m_s2):.3g} km/s, dry {vehicle.dry_mass_t:g} t, "
            f"tank {vehicle.propellant_capacity_t:g} t): "
            f"{need - reach:.2f} km/s short")


def _remedies(vehicle: Vehicle, need: float, g0_m_s2: float) -> str:
    """What would make ``vehicle`` reach ``need`` km/s, one change at a time (rounded up: each is enough)."""
    tank = vehicle.dry_mass_t * math.expm1(need / vehicle.exhaust_km_s(g0_m_s2))
    changes = [f"propellant_capacity_t of at least {math.ceil(tank * 10) / 10:g}"]
    if vehicle.propellant_capacity_t > 0:
        log_ratio = math.log((vehicle.dry_mass_t + vehicle.propellant_capacity_t) / vehicle.dry_mass_t)
        if vehicle.isp_s is None:
            changes.append(f"exhaust_velocity_km_s of at least {math.ceil(need / log_ratio * 100) / 100:g}")
        else:
            changes.append(f"isp_s of at least {math.ceil(need * 1000.0 / (g0_m_s2 * log_ratio)):g}")
    return "routes within its reach (drop the route from its 'routes:'), or " + " or ".join(changes)
