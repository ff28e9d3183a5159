"""Lead times: what arrives during a period moves on only after it arrives, on any grid of periods.

What a period launches, and what is held from before, is at its location at the period's start
:math:`s_p`. The network is oriented outward from the *entries*, where goods come into it from outside:
launch sites, launch destinations, and source locations that no route reaches (a source a route reaches
is picked up by the chains, like a process's output). Locations are ranked by the fewest transit days
from an entry, then by name, and a route from a lower to a higher rank is *forward*. The forward routes
without windows carry the chains. The *ready date* of location :math:`l` in period :math:`p` is the
latest date at which a chain of them, started at :math:`s_p`, lands there within the period,

.. math:: R_{lp} = \\max\\big(s_p,\\ \\max_{r:\\, o \\to l} \\{R_{op} + t_r : R_{op} + t_r < s_{p+1}\\}\\big)

over the forward windowless routes :math:`r` into :math:`l`, computed in rank order (an origin's date is
final before its routes are followed). A departure on route :math:`r` in period :math:`p` leaves at its
origin's ready date, :math:`\\tau_a = R_{o(r)p}`; on a windowed route at the later of that and the
opening of the first window still open then (when every window of the period has closed by then, at the
opening of the period's first window: the one case where a departure may precede its origin's ready
date, by at most :math:`R_{op} - s_p`). It arrives at :math:`\\tau_a + t_a`, in the period that contains
that date.

An arc is *late* when it lands after its destination's ready date in its arrival period :math:`q`: an
arc of a route that closes a cycle (a return to orbit), of a windowed transfer, or one that lands in a
later period than it departs, after that period's ready date (a chain longer than what is left of its
period). Every departure from that location in :math:`q` has left by then, so what a late arc brings is
still held at the end of :math:`q`,

.. math:: S_{lkq} \\ge \\sum_{a \\text{ late into } (l, q)} x_{ak},

and moves on, feeds production or is deployed from :math:`q + 1` on; it counts toward what is held at
:math:`l` in :math:`q` (demands, stock milestones, deliveries).

Why this rule, and not "what arrives during a period departs from the next one": that one would make a
chain of :math:`n` short legs take :math:`n` periods (three years on yearly periods, three months on
monthly ones). Here a chain of forward legs within a period departs each place when the latest chain
lands there, so its legs leave and land at the same dates on any grid, up to the days by which the latest
chain into a place exceeds the cargo's own (what is held from before waits for the ready date too, by
those days). A late arc costs at most one period of the grid: what it brings moves on at the start of
the next period instead of on landing (a chain longer than a month, on monthly periods, moves on at the
start of the month after its landing). This is the rule's remaining dependence on the grid, one period
per late leg: a chain that runs back toward the entries (lunar oxygen from the surface to low lunar
orbit and on to LEO: two returning legs) moves on two periods after it starts, two years on yearly
periods and two months on monthly ones. Every cycle has a late leg (one date per place and period
cannot precede itself); returns are the ones chosen. Vehicles are not held back: a unit that lands may
fly again in the same period, within its days (:mod:`planner.model.transport`). Chains are not pushed
across a period boundary into the next period's ready dates: a leg that carries nothing would then delay
every departure of that period (the legs of a dated mission, which land on the dates of its periods,
would miss them).
"""

from __future__ import annotations

import heapq
import math

from planner.schema.roadmap import Roadmap
from planner.timeline import Timeline


def entries(roadmap: Roadmap) -> set[str]:
    """Where goods come into the network at a period's start: launch sites and destinations, and the
    source locations that no route reaches."""
    launches = {place for lv in roadmap.launch_vehicles.values() for place in (lv.from_, lv.to)}
    reached = {route.to for route in roadmap.routes.values()}
    return launches | {src.location for c in roadmap.commodities.values() for src in c.sources} - reached


def ranks(roadmap: Roadmap) -> dict[str, tuple[float, str]]:
    """Each location's rank: (fewest transit days from an entry, name); unreachable ones last, by name."""
    dist = {loc: math.inf for loc in roadmap.locations}
    heap = [(0.0, loc) for loc in sorted(entries(roadmap))]
    for _days, loc in heap:
        dist[loc] = 0.0
    heapq.heapify(heap)
    while heap:
        days, loc = heapq.heappop(heap)
        if days > dist[loc]:
            continue
        for route in roadmap.routes.values():
            if route.from_ == loc and days + route.transit_days < dist[route.to]:
                dist[route.to] = days + route.transit_days
                heapq.heappush(heap, (dist[route.to], route.to))
    return {loc: (days, loc) for loc, days in dist.items()}


def ready_dates(roadmap: Roadmap, timeline: Timeline) -> list[dict[str, float]]:
    """:math:`R_{lp}` as day numbers (ordinals, with fractions of a day) for each period and location."""
    rank = ranks(roadmap)
    chains = sorted((rank[r.from_], r.from_, r.to, r.transit_days) for r in roadmap.routes.values()
                    if r.windows is None and rank[r.from_] < rank[r.to])
    out = []
    for p, start in enumerate(timeline.starts):
        end = timeline.end_of(p).toordinal()
        ready = dict.fromkeys(roadmap.locations, float(start.toordinal()))
        for _rank, origin, destination, transit in chains:  # in rank order: an origin's date is final
            landing = ready[origin] + transit
            if landing < end:
                ready[destination] = max(ready[destination], landing)
        out.append(ready)
    return out
