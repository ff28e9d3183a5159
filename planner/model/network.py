"""The commodity balance of the time-expanded network: holdover, losses, consumption, demands,
requirements and power.

:math:`S_{lkp}` is what is held at location :math:`l` of commodity :math:`k` through period :math:`p`
(after the period's flows). Holding through period :math:`p` (length :math:`d_p` days) keeps the share
:math:`\\rho_{lkp} = (1 - \\lambda_{lk})^{d_p / 30.44}` (boil-off :math:`\\lambda` per month) and uses up
:math:`\\kappa_{uk} d_p S_{lup}` of :math:`k` per consumer :math:`u` (consumables per crew-day). So

.. math:: S_{lkp} = \\rho_{lk,p-1} S_{lk,p-1} - \\sum_u \\kappa_{uk} d_{p-1} S_{lu,p-1}
          + \\sum(\\text{flows in}) - \\sum(\\text{flows out})

and what is held through every period, after its losses, must cover that period's consumption, in the
period it is eaten: :math:`\\rho_{lkp} S_{lkp} - \\sum_u \\kappa_{uk} d_p S_{lup} \\ge 0` for each :math:`p`
(a consumer held through a period without consumables has nothing to eat; what arrives later cannot
feed it). The row is written per day of the period, :math:`\\rho_{lkp} S_{lkp} / d_p \\ge \\sum_u
\\kappa_{uk} S_{lup}`, so that the infeasibility diagnosis weighs a shortfall as a daily ration and names it
before the supply limits upstream of it. Only pairs :math:`(l, k)` that some flow touches get a stock
variable (sparse). What a late arc brings (:mod:`planner.model.ready`) is still held at the end of the
period it lands in, :math:`S_{lkq} \\ge \\sum_{a \\text{ late}} x_{ak}` (a row only where a late arc lands).

A location's ``holds:`` lists what may wait there from one period to the next; any other commodity has
:math:`S_{lkp} = 0` (it moves on within the period it arrives in, as on the holdover arcs of a
time-expanded network that has them only at listed nodes).

Goods to be had at a location at any time need no stock there: where a commodity enters only from sources
without limits whose price never rises, and nothing reads the stock, :math:`S_{lkp} = 0` and it is bought in
the period it is used (:func:`bought_when_used`: buying early and holding is never better, and an unlimited
free stock is a face of optima that interior-point solvers wander into).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from typing import Any

import pyomo.core as pyo
from pyomo.core.base.var import VarData
from pyomo.repn.standard_repn import generate_standard_repn

from planner.model.data import ModelData, kept_after
from planner.model.registry import Registry, add_constraint, add_var, linear, make_integer, total
from planner.schema.network import Consumption
from planner.schema.roadmap import Roadmap
from planner.timeline import as_date

SUBSYSTEM = "network"


def active_pairs(d: ModelData, reg: Registry) -> set[tuple[str, str]]:
    """(location, commodity) pairs that need a stock: touched by a flow or named by a rule, with what
    consumers held there eat."""
    r = d.roadmap
    pairs = {(loc, k) for loc, k, _p in reg.balance} | named_pairs(d)
    changed = True
    while changed:  # a consumer held somewhere needs what it consumes held there too
        changed = False
        for cons in r.consumption.values():
            if not cons.in_storage:
                continue
            for loc, k in list(pairs):
                if k == cons.consumer and loc not in cons.not_at and (loc, cons.consumes) not in pairs:
                    pairs.add((loc, cons.consumes))
                    changed = True
    return pairs


def named_pairs(d: ModelData) -> set[tuple[str, str]]:
    """(location, commodity) pairs whose stock a rule reads: capital, requirements, power, demands, milestones,
    the objective's target."""
    r = d.roadmap
    pairs: set[tuple[str, str]] = set()
    for proc in r.processes.values():
        pairs |= {(proc.location, c) for c in proc.capital}
    for route in r.routes.values():
        if route.facility:
            pairs.add((route.from_, route.facility.commodity))
    for loc, spec in r.locations.items():
        for req in spec.requirements.values():
            pairs |= {(loc, req.per), (loc, req.needs)}
        if spec.power:
            pairs.add((loc, spec.power.generator))
    for dem in r.demands.values():
        pairs.add((dem.location, dem.commodity))
    for ms in r.milestones.values():
        if ms.metric.stock:
            pairs.add((ms.metric.stock.location, ms.metric.stock.commodity))
    target = r.objective.delivered
    if target is not None:
        pairs |= {(target.location, k) for k in target.commodities}
    return pairs


def bought_when_used(d: ModelData, reg: Registry, pairs: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """Pairs :math:`(l, k)` whose stock is held at zero, :math:`S_{lkp} = 0`: what enters them comes only
    from sources of :math:`k` at :math:`l` with no rate or total limit and a cost that never rises; no rule
    reads the stock; :math:`k` neither eats nor is eaten, and is no satellite kind (whose build period sets
    its power). Buying in the period of use is then never worse than buying early and holding (the same or a
    lower price, money spent later, no boil-off), so a stock there is no decision but an unbounded set of
    optima (free storage of goods to be had at any time), which interior-point solvers wander into."""
    r = d.roadmap
    named = named_pairs(d)
    excluded = {c.consumer for c in r.consumption.values()} | {c.consumes for c in r.consumption.values()}
    if r.compute is not None:
        excluded |= set(r.compute.satellites)
    out = []
    for loc, k in sorted(pairs):
        sources = [s for s in r.commodities[k].sources if s.location == loc] if k in r.commodities else []
        if (not sources or (loc, k) in named or k in excluded
                or any(s.max_per_year is not None or s.max_total is not None
                       or _rises(d, s.cost_usd_per_kg) or _rises(d, s.cost_musd_per_unit) for s in sources)
                or any((loc, k, p) in reg.late for p in d.periods)):
            continue
        if all(_source_or_outflow(term) for p in d.periods for term in reg.balance.get((loc, k, p), [])):
            out.append((loc, k))
    return out


def _rises(d: ModelData, table: Any) -> bool:
    values = [d.at(table, p) for p in d.periods]
    return any(later > earlier * (1 + 1e-12) for earlier, later in itertools.pairwise(values))


def _source_or_outflow(term: Any) -> bool:
    """Whether a balance term is a source's supply or takes away only (every coefficient negative)."""
    if isinstance(term, VarData) and term.parent_component().local_name == "supplied":
        return True
    repn = generate_standard_repn(term, compute_values=True, quadratic=False)
    return repn.is_linear() and repn.constant <= 0 and all(c <= 0 for c in repn.linear_coefs)


def eating(roadmap: Roadmap, loc: str, k: str) -> list[Consumption]:
    """The consumption rules that eat commodity ``k`` while it is held at ``loc``."""
    return [c for c in roadmap.consumption.values() if c.in_storage and c.consumes == k and loc not in c.not_at]


def retention(d: ModelData, loc: str, k: str, p: int) -> float:
    store = d.roadmap.locations[loc].storage.get(k)
    loss = store.loss_fraction_per_month if store else 0.0
    return kept_after(loss, d.length_days[p])


def add_balance(m: pyo.ConcreteModel, d: ModelData, reg: Registry) -> Callable[[str, str, int], Any]:
    """Stock variables and the balance; returns ``stock(l, k, p)`` (0 where no stock exists)."""
    r = d.roadmap
    pairs = sorted(active_pairs(d, reg))
    idx = [(loc, k, p) for loc, k in pairs for p in d.periods]
    add_var(m, reg, "stock", idx, quantity="stock", unit="commodity unit", dims=("location", "commodity", "period"),
            table="stocks")
    make_integer(m.stock, lambda i: d.whole(i[1]))
    for loc, k in pairs:
        store = r.locations[loc].storage.get(k)
        if store is not None and store.capacity is not None:
            for p in d.periods:
                m.stock[loc, k, p].setub(store.capacity)
    unheld = [(loc, k) for loc, k in pairs if r.locations[loc].holds != "all" and k not in r.locations[loc].holds]
    for loc, k in bought_when_used(d, reg, pairs) + unheld:
        for p in d.periods:
            m.stock[loc, k, p].setub(0.0)
    held = set(pairs)
    # (location, commodity) -> (use per unit per day, consumer) of the rules eating it there, consumer held
    eaters = {(loc, k): [(c.per_unit_per_day, c.consumer) for c in eating(r, loc, k) if (loc, c.consumer) in held]
              for loc, k in pairs}
    stocks = dict(m.stock.items())  # a dict lookup is 5x cheaper than indexing a Pyomo Var

    def left(loc: str, k: str, p: int, scale: float = 1.0):
        """What remains of the stock held through period ``p`` after its losses and its consumption, times
        ``scale``."""
        days = d.length_days[p]
        return linear([(scale * retention(d, loc, k, p), stocks[loc, k, p])]
                      + [(-scale * rate * days, stocks[loc, u, p]) for rate, u in eaters[loc, k]])

    def balance(mm, loc, k, p):
        before = left(loc, k, p - 1) if p > 0 else 0
        return stocks[loc, k, p] == before + total(reg.balance.get((loc, k, p), []))

    add_constraint(m, reg, "balance", idx, balance, subsystem=SUBSYSTEM,
                   description="Held = held last period after losses and consumption, plus inflows, minus outflows.",
                   math=r"S_{lkp} = \rho_{lk,p-1} S_{lk,p-1} - \sum_u \kappa_{uk} d_{p-1} S_{lu,p-1}"
                        r" + \text{in} - \text{out}")
    eaten = [(loc, k, p) for loc, k in pairs if eaters[loc, k] for p in d.periods]
    add_constraint(m, reg, "consumption_covered", eaten,
                   lambda mm, loc, k, p: left(loc, k, p, 1.0 / d.length_days[p]) >= 0,
                   subsystem=SUBSYSTEM, description="What is held through a period, after its losses, covers the "
                                                    "consumption of that period (per day of it).",
                   math=r"\rho_{lkp} S_{lkp} / d_p \ge \sum_u \kappa_{uk} S_{lup}", limit="life support")

    add_constraint(m, reg, "late_arrivals_held", sorted(reg.late),
                   lambda mm, loc, k, p: stocks[loc, k, p] >= total(reg.late[loc, k, p]),
                   subsystem=SUBSYSTEM, description="What lands after the period's departures have left is still "
                                                    "held at the period's end (moves on from the next period).",
                   math=r"S_{lkq} \ge \sum_{a \text{ late}} x_{ak}")

    def stock(loc: str, k: str, p: int):
        return stocks[loc, k, p] if (loc, k) in held else 0

    return stock


def add_rules(m: pyo.ConcreteModel, d: ModelData, reg: Registry, stock: Callable[[str, str, int], Any]) -> None:
    """Demands, stock requirements and power at locations."""
    r = d.roadmap
    demand_idx = []
    for name, dem in r.demands.items():
        first = as_date(dem.start)
        last = as_date(dem.until, end_of_year=True) if dem.until is not None else first
        demand_idx += [(name, p) for p in d.timeline.periods_overlapping(first, last)]
    add_constraint(
        m, reg, "demand", demand_idx,
        lambda mm, name, p: stock(r.demands[name].location, r.demands[name].commodity, p) >= r.demands[name].at_least,
        subsystem=SUBSYSTEM, description="At least the demanded amount held during the demand's dates.",
        math=r"S_{lkp} \ge D_{lkp}", limit="demand")
    req_idx = [(loc, q, p) for loc, spec in r.locations.items() for q in spec.requirements for p in d.periods]

    def requirement(mm, loc, q, p):
        req = r.locations[loc].requirements[q]
        return stock(loc, req.needs, p) >= req.ratio * stock(loc, req.per, p)

    add_constraint(m, reg, "requirement", req_idx, requirement, subsystem=SUBSYSTEM,
                   description="Stock ratios such as habitat per settler.",
                   math=r"S_{l,needs,p} \ge r\, S_{l,per,p}", limit="habitat")
    power_idx = [(loc, p) for loc, spec in r.locations.items() if spec.power for p in d.periods]

    def power(mm, loc, p):
        spec = r.locations[loc].power
        demand = sum(kw * stock(loc, k, p) for k, kw in spec.demand_kw_per_unit.items())
        return demand + sum(reg.power_use.get((loc, p), [])) <= spec.kw_per_unit * stock(loc, spec.generator, p)

    add_constraint(m, reg, "power", power_idx, power, subsystem=SUBSYSTEM,
                   description="Power drawn by processes, mass drivers and residents within the generators held.",
                   math=r"\sum_q e_q A_{qp}/(24 d_p) + \sum_r 10^3 e_r \textstyle\sum_k \mu_k z_{rpk}/(24 d_p) "
                        r"+ \sum_k \omega_k S_{lkp} \le \eta\, S_{l,gen,p}", limit="power")
