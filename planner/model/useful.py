"""Which commodities are worth carrying on which route: those on the way from where they appear to where
they are used.

For each commodity :math:`k` the roadmap gives a directed graph of the ways :math:`k` moves: in-space routes
flown by a vehicle that may carry it (as cargo, or in its tanks for a propellant component), launch vehicles
that may launch it, facility routes that may throw it. :math:`k` *appears* where a source supplies it or a
process makes it, and is *used* where something reads or takes it:

* a process's input or capital there, a deployment location of a satellite kind, a location requirement
  (both sides), a power generator, a demand, a milestone's stock or delivery, the objective's target;
* a vehicle's propellant component or maintenance spares at the origin of a route it flies;
* a consumable wherever what consumes it usefully is (and, on a route, wherever its consumer travels).

Route :math:`o \\to e` carries :math:`k` as cargo only if the move :math:`o \\to e` lies on a *simple*
path (no location twice) from a location where :math:`k` appears or is used to one where it is used (a crew
goes from Earth to the Moon, then from the Moon home). Cargo that leaves a place only to come back to it
unused, or goes where nothing can use it, is left out: it could serve only to hold mass in transit, or to
count a delivery twice, and the tie-break costs of
:mod:`planner.model.objective` rule those out at the optimum anyway. A route's own ``carries:`` (and a
vehicle's) narrows the set further, by the roadmap's choice. The paths are enumerated by depth-first
search; networks too large for that (:data:`PATH_STEPS` steps) fall back to plain reachability (from an
appearance and to a use), which is weaker but as safe. On the quarterly baseline this drops 30 % of the
cargo columns (8,736 to 6,160) and the launches of what Earth cannot use in orbit; with the stocks of
:func:`planner.model.network.bought_when_used` held at zero, HiGHS's interior point method went from no
optimum in 150 s to 13 s on that model.
"""

from __future__ import annotations

import itertools
from collections import defaultdict

from planner.model.data import ModelData
from planner.model.launch import may_launch
from planner.model.network import named_pairs

PATH_STEPS = 200_000  # most depth-first steps spent enumerating one commodity's simple paths


def useful_moves(d: ModelData) -> dict[str, set[tuple[str, str]]]:
    """Commodity -> the moves (origin, destination) on some simple path from where it appears or is used to
    where it is used."""
    r = d.roadmap
    edges: dict[str, set[tuple[str, str]]] = defaultdict(set)  # commodity -> (origin, destination)
    for v, rt in flown(d):
        route = r.routes[rt]
        for k in allowed(d, v, rt):
            edges[k].add((route.from_, route.to))
        for j in d.flyers[v].shares:
            edges[j].add((route.from_, route.to))
    for lv in r.launch_vehicles.values():
        for k in may_launch(r, lv):
            edges[k].add((lv.from_, lv.to))
    for route in r.routes.values():
        if route.facility is not None:
            for k in route.facility.carries:
                edges[k].add((route.from_, route.to))
    start, goal = appears(d), uses(d)
    consumed = {c.consumes for c in r.consumption.values()}
    on_way = {k: _on_simple_paths(start[k] | goal[k], goal[k], edges[k]) for k in r.commodities
              if k not in consumed}
    for c in r.consumption.values():  # a consumable is used wherever its consumer usefully is
        if c.in_storage and c.consumer in on_way:
            goal[c.consumes] |= {loc for move in on_way[c.consumer] for loc in move} - set(c.not_at)
    for k in consumed:
        on_way[k] = _on_simple_paths(start[k] | goal[k], goal[k], edges[k])
    return on_way


def useful_cargo(d: ModelData) -> dict[str, set[str]]:
    """Route -> the commodities worth carrying on it as cargo."""
    r = d.roadmap
    moves = d.useful_moves
    out: dict[str, set[str]] = defaultdict(set)
    for v, rt in flown(d):
        route = r.routes[rt]
        out[rt] |= {k for k in allowed(d, v, rt) if (route.from_, route.to) in moves[k]}
    for c in r.consumption.values():  # what a travelling consumer eats on the way travels with it
        if c.on_routes:
            for v, rt in flown(d):
                if c.consumer in out[rt] and c.consumes in allowed(d, v, rt):
                    out[rt].add(c.consumes)
    return out


def flown(d: ModelData) -> list[tuple[str, str]]:
    """(vehicle, route) pairs some arc of which the vehicle may fly."""
    return sorted({(v, rt) for v, rt, _p in d.vehicle_arcs})


def _on_simple_paths(start: set[str], goal: set[str], edges: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """The moves of ``edges`` on some simple path from a location of ``start`` to one of ``goal`` (every
    move from a reachable place to one that reaches ``goal``, when the paths are too many to list)."""
    nexts: dict[str, list[str]] = defaultdict(list)
    for a, b in sorted(edges):
        nexts[a].append(b)
    found: set[tuple[str, str]] = set()
    steps = 0
    for origin in sorted(start):
        path, stack = [origin], [iter(nexts[origin])]
        while stack:
            steps += 1
            if steps > PATH_STEPS:
                forward, backward = _reach(start, edges), _reach(goal, {(b, a) for a, b in edges})
                return {(a, b) for a, b in edges if a in forward and b in backward}
            b = next(stack[-1], None)
            if b is None:
                stack.pop()
                path.pop()
                continue
            if b in path:
                continue
            path.append(b)
            stack.append(iter(nexts[b]))
            if b in goal:
                found |= set(itertools.pairwise(path))
    return found


def allowed(d: ModelData, v: str, rt: str) -> list[str]:
    """What the roadmap lets vehicle or stack ``v`` carry on route ``rt``: its ``carries`` and the route's."""
    route_allows = d.roadmap.routes[rt].carries
    return [k for k in d.carried(d.flyers[v].carries) if route_allows == "all" or k in route_allows]


def appears(d: ModelData) -> dict[str, set[str]]:
    """Commodity -> the locations where a source supplies it or a process makes it."""
    r = d.roadmap
    out: dict[str, set[str]] = defaultdict(set)
    for k, c in r.commodities.items():
        out[k] |= {s.location for s in c.sources}
    for proc in r.processes.values():
        for o in proc.outputs:
            out[o].add(proc.location)
    return out


def uses(d: ModelData) -> dict[str, set[str]]:
    """Commodity -> the locations where it is used (the module's list, but for consumables held)."""
    r = d.roadmap
    out: dict[str, set[str]] = defaultdict(set)
    for loc, k in named_pairs(d):
        out[k].add(loc)
    for proc in r.processes.values():
        for i in proc.inputs:
            out[i].add(proc.location)
    if r.compute is not None:
        for k in r.compute.satellites:
            out[k] |= set(r.compute.deploy_at)
    for ms in r.milestones.values():
        if ms.metric.delivered:
            for k in ms.metric.delivered.commodities:
                out[k].add(ms.metric.delivered.location)
    for v, rt in flown(d):
        fl, origin = d.flyers[v], r.routes[rt].from_
        for j in fl.shares:
            out[j].add(origin)
        for k, _t in fl.spares:
            out[k].add(origin)
    return out


def _reach(start: set[str], edges: set[tuple[str, str]]) -> set[str]:
    """The locations reachable from ``start`` along ``edges`` (``start`` included)."""
    nexts: dict[str, list[str]] = defaultdict(list)
    for a, b in edges:
        nexts[a].append(b)
    seen, todo = set(start), list(start)
    while todo:
        for b in nexts[todo.pop()]:
            if b not in seen:
                seen.add(b)
                todo.append(b)
    return seen
