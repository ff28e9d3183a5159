"""Orbital data centers: satellite mass deployed in a compute orbit becomes compute power, by vintage.

Deploying :math:`D_{klp}` t of satellite commodity :math:`k` at location :math:`l` in period :math:`p`
adds :math:`a_p = 10^{-6} \\sum_{kl} \\sigma_k(t_p) D_{klp}` GW (:math:`\\sigma` in W/kg, so 1 Mt at
100 W/kg is 100 GW). Chips cap the additions: :math:`a_p \\le \\bar a(t_p) y_p`.

**Convention.** Period :math:`p` runs from :math:`t_p` to :math:`t_{p+1} = t_p + y_p`. Its additions are
deployed at an even rate over the period, and a GW deployed at time :math:`s` serves
:math:`\\gamma^{t-s}` GW at time :math:`t` for :math:`s \\le t < s + L` (life :math:`L`,
:math:`\\gamma = (1 - \\text{degradation})(1 - \\text{attrition})`): a vintage serves from when it is
deployed, decays continuously, and each of its units retires at its own age :math:`L`, inside whatever
period that falls. With :math:`\\lambda = -\\ln\\gamma`, one GW serves
:math:`\\Gamma(x) = \\int_0^x \\gamma^u du = (1 - \\gamma^x)/\\lambda` GW-years in its first
:math:`x` years, and :math:`\\Lambda(x) = \\int_0^x \\Gamma(u) du = (x - \\Gamma(x))/\\lambda`
(:math:`x` and :math:`x^2/2` without decay).

Two quantities, not to be confused:

* :math:`K_p`, GW **in service at the end** of period :math:`p` (at :math:`t_{p+1}`): the level that
  milestones such as "100 GW in orbit" read (reported ``compute_in_service``);
* :math:`S_p = \\int_{t_p}^{t_{p+1}} K(t) dt`, **GW-years served during** :math:`p`: what earns revenue,
  costs operations and is valued by the objective (reported ``compute_served``).

Both follow recursions without a vintage index (the compute in service at :math:`t_p` is
:math:`K_{p-1}`):

.. math::

    K_p = \\gamma^{y_p} K_{p-1} + \\frac{\\Gamma(y_p)}{y_p} a_p - \\sum_{v \\in R_p} \\rho_{vp} a_v,
    \\qquad
    S_p = \\Gamma(y_p) K_{p-1} + \\frac{\\Lambda(y_p)}{y_p} a_p - \\sum_{v \\in R_p} \\varsigma_{vp} a_v

where :math:`R_p` holds the vintages :math:`v \\le p` deployed at some time :math:`s` whose end of life
:math:`s + L` lies in period :math:`p`, over :math:`[\\alpha, \\beta) = [t_v, t_{v+1}) \\cap
[t_p - L, t_{p+1} - L)`. Such a unit would have served :math:`u = t_{p+1} - L - s` years more in the
period, which it does not; so with :math:`u_\\alpha, u_\\beta` those of :math:`\\alpha, \\beta`,

.. math::

    \\rho_{vp} = \\frac{\\gamma^L}{y_v} \\left(\\Gamma(u_\\alpha) - \\Gamma(u_\\beta)\\right), \\qquad
    \\varsigma_{vp} = \\frac{\\gamma^L}{y_v} \\left(\\Lambda(u_\\alpha) - \\Lambda(u_\\beta)\\right).

Both are exact on any grid: on yearly, quarterly or uneven periods the same deployments serve the same
GW-years. Hardware costs :math:`10^3 h(t_p) a_p` M$ ($/W) when deployed; operations and revenue accrue
per GW-year served, :math:`S_p`, at the flat price ``revenue_musd_per_gw_year`` :math:`r(t_p)` or by the
demand curve ``compute.demand`` (:mod:`planner.model.demand`). The revenue that the period's own additions
have earned by the share :math:`f` of the period is :math:`r(t_p)\\, a_p\\, \\omega_p(f)` (:func:`own_served`; at
:math:`f = 1`, :math:`\\omega_p(1) = \\Lambda(y_p)/y_p - \\varsigma_{pp}`): :mod:`planner.model.funding` lets it pay
only for what is spent after it came in.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyomo.core as pyo

from planner.model import demand
from planner.model.data import ModelData
from planner.model.parameters import add_param, per_period, period_means
from planner.model.registry import Registry, add_constraint, add_expression, add_var

SUBSYSTEM = "compute"
CONSTANT = -1  # the period index of a satellite kind's one W/kg when it does not change (see _gw_per_t)


@dataclass(frozen=True)
class Decay:
    """Service of one GW from its deployment on: :math:`\\gamma^x` GW after :math:`x` years, with
    :math:`\\lambda = -\\ln \\gamma` per year."""

    rate: float

    def power(self, years: float) -> float:
        """:math:`\\gamma^x`."""
        return math.exp(-self.rate * years)

    def served(self, years: float) -> float:
        """:math:`\\Gamma(x) = (1 - \\gamma^x)/\\lambda`, GW-years served in the first :math:`x` years (its
        series where :math:`\\lambda x` is tiny: a denormal :math:`\\lambda` would lose every digit)."""
        z = self.rate * years
        if z < 1e-8:
            return years * (1 - z / 2)
        return -math.expm1(-z) / self.rate

    def served_integral(self, years: float) -> float:
        """:math:`\\Lambda(x) = \\int_0^x \\Gamma(u) du = (x - \\Gamma(x))/\\lambda` (its series where
        :math:`\\lambda x` is small, where the difference would cancel)."""
        z = self.rate * years
        if z < 1e-3:
            return years * years * (0.5 - z / 6 + z * z / 24 - z ** 3 / 120)
        return (years - self.served(years)) / self.rate


@dataclass(frozen=True)
class Retiring:
    """The units of vintage ``vintage`` that reach their life inside a period: the share of the vintage's
    power they take out of service by the period's end (:math:`\\rho_{vp}`) and the GW-years per GW of the
    vintage they no longer serve in it (:math:`\\varsigma_{vp}`)."""

    vintage: int
    power: float
    served: float


def decay(d: ModelData) -> Decay:
    c = d.roadmap.compute
    return Decay(-math.log1p(-c.degradation_fraction_per_year) - math.log1p(-c.attrition_fraction_per_year))


def period_bounds(d: ModelData) -> list[float]:
    """:math:`t_0, \\dots, t_P`: the periods' starts and the horizon's end, decimal years."""
    return [*d.years.tolist(), float(d.years[-1]) + d.length_years[-1]]


def retiring(d: ModelData) -> dict[int, list[Retiring]]:
    """Period -> the vintages :math:`R_p` some of whose units reach their life in it, with
    :math:`\\rho_{vp}, \\varsigma_{vp}`."""
    life = d.roadmap.compute.life_years
    if life is None:
        return {}
    g, t = decay(d), period_bounds(d)
    out: dict[int, list[Retiring]] = {}
    first = 0  # the earliest vintage still alive at the start of p: deployed after t_p - L
    for p in d.periods:
        lo, hi = t[p] - life, t[p + 1] - life  # deployment times whose life ends in p
        while t[first + 1] <= lo:
            first += 1
        for v in range(first, p + 1):
            if t[v] >= hi:  # deployed too late to reach its life in p, as are all later vintages
                break
            alpha, beta = max(t[v], lo), min(t[v + 1], hi)
            if beta - alpha <= 1e-9:  # a shared bound, up to rounding: nobody retires here
                continue
            u_alpha, u_beta = hi - alpha, hi - beta
            scale = g.power(life) / (t[v + 1] - t[v])
            out.setdefault(p, []).append(Retiring(
                v, scale * (g.served(u_alpha) - g.served(u_beta)),
                scale * (g.served_integral(u_alpha) - g.served_integral(u_beta))))
    return out


def in_service_shares(d: ModelData) -> np.ndarray:
    """:math:`P_{pv}`: the share of vintage :math:`v`'s additions in service at the end of period
    :math:`p`, :math:`\\frac{1}{y_v}\\int \\gamma^{t_{p+1} - s} ds` over its deployment times :math:`s` in
    :math:`[t_v, t_{v+1}) \\cap (t_{p+1} - L, t_{p+1}]` (the dense form of :math:`K_p`, for reports that
    split compute by vintage)."""
    life = d.roadmap.compute.life_years
    g, t = decay(d), period_bounds(d)
    n = len(d.periods)
    shares = np.zeros((n, n))
    for p in range(n):
        for v in range(p, -1, -1):
            alpha = t[v] if life is None else max(t[v], t[p + 1] - life)
            if t[v + 1] <= alpha:  # retired by the end of p, as are all earlier vintages
                break
            shares[p, v] = (g.served(t[p + 1] - alpha) - g.served(t[p + 1] - t[v + 1])) / (t[v + 1] - t[v])
    return shares


def add_flows(m: pyo.ConcreteModel, d: ModelData, reg: Registry) -> None:
    c = d.roadmap.compute
    if c is None:
        return
    idx = [(k, loc, p) for k in c.satellites for loc in c.deploy_at for p in d.periods]
    add_var(m, reg, "deployed", idx, quantity="deployed", unit="t", dims=("commodity", "location", "period"),
            table="compute")
    add_param(m, reg, "gw_per_t", list(_gw_per_t(d)), _gw_per_t, d,
              keys=("compute.specific_power_w_per_kg", "compute.satellites.*.specific_power_w_per_kg"))
    for k, loc, p in idx:
        reg.balance[(loc, k, p)].append(-m.deployed[k, loc, p] / d.mass_t(k))
    built = built_kinds(d)
    deployed_from = add_build_periods(m, d, reg) if built else {}

    def added(mm, p):
        fixed = sum(mm.gw_per_t[k, CONSTANT] * mm.deployed[k, loc, p] for k in c.satellites if k not in built
                    for loc in c.deploy_at)
        return fixed + sum(mm.gw_per_t[k, b] * mm.built_for[k, b, p] for k, b in deployed_from.get(p, []))

    # a column of its own, defined by one row per period: the vintage rows, the money and the chip cap then
    # read GW with coefficients near 1, not the t of satellites at ~1e-4 GW/t (issue: fine grids solve)
    add_var(m, reg, "compute_added", d.periods, quantity="compute_added", unit="GW", dims=("period",),
            table="compute")
    add_constraint(m, reg, "compute_deployed", d.periods, lambda mm, p: mm.compute_added[p] == added(mm, p),
                   subsystem=SUBSYSTEM, description="Compute added: the power of the satellites deployed in the "
                                                    "period, at the specific power of their build period.",
                   math=r"a_p = 10^{-6} \sum_{kl} \sigma_k(t_{b}) D_{klbp}")
    add_var(m, reg, "compute", d.periods, quantity="compute_in_service", unit="GW", dims=("period",),
            table="compute")
    g, y = decay(d), d.length_years
    retired = retiring(d)

    def vintage_balance(mm, p):
        before = g.power(y[p]) * mm.compute[p - 1] if p > 0 else 0
        out = sum(r.power * mm.compute_added[r.vintage] for r in retired.get(p, []))
        return mm.compute[p] == before + g.served(y[p]) / y[p] * mm.compute_added[p] - out

    add_constraint(m, reg, "compute_vintages", d.periods, vintage_balance, subsystem=SUBSYSTEM,
                   description="Compute in service at the period's end: the start's decayed, plus the period's "
                               "additions since their deployment, minus the units that reached their life.",
                   math=r"K_p = \gamma^{y_p} K_{p-1} + \frac{\Gamma(y_p)}{y_p} a_p - \sum_{v \in R_p} \rho_{vp} a_v")

    def service(mm, p):
        before = g.served(y[p]) * mm.compute[p - 1] if p > 0 else 0
        out = sum(r.served * mm.compute_added[r.vintage] for r in retired.get(p, []))
        return before + g.served_integral(y[p]) / y[p] * mm.compute_added[p] - out

    add_expression(m, reg, "compute_served", d.periods, service, quantity="compute_served", unit="GW-year",
                   dims=("period",), table="compute")
    residual = after_horizon(d, 0.0)
    add_expression(m, reg, "compute_after_horizon", d.periods[-1:],
                   lambda mm, p: sum(float(residual[v]) * mm.compute_added[v] for v in d.periods if residual[v]),
                   quantity="compute_served_after_horizon", unit="GW-year", dims=("period",), table="compute")
    if c.chip_supply_gw_per_year is not None:
        add_param(m, reg, "chip_gw", d.periods, per_period(lambda r: r.compute.chip_supply_gw_per_year), d,
                  keys=("compute.chip_supply_gw_per_year",))
        add_constraint(m, reg, "chip_supply", d.periods, lambda mm, p: mm.compute_added[p] <= mm.chip_gw[p],
                       subsystem=SUBSYSTEM, description="Compute added within the chip supply.",
                       math=r"a_p \le \bar a(t_p)\, y_p", limit="chip supply")
    add_param(m, reg, "hardware_musd_per_gw", d.periods, _hardware_musd_per_gw, d,
              keys=("compute.hardware_cost_usd_per_w",))
    add_param(m, reg, "operations_musd", d.periods, period_means(lambda r: r.compute.operations_musd_per_gw_year),
              d, keys=("compute.operations_musd_per_gw_year",))
    for p in d.periods:
        reg.spending["manufacturing"][p].append(m.hardware_musd_per_gw[p] * m.compute_added[p])
        reg.spending["operations"][p].append(m.operations_musd[p] * m.compute_served[p])
    if c.demand is not None:
        demand.add_revenue(m, d, reg, lambda p: own_served(g, c.life_years, y[p]))
        return
    add_param(m, reg, "revenue_musd", d.periods, period_means(lambda r: r.compute.revenue_musd_per_gw_year), d,
              keys=("compute.revenue_musd_per_gw_year",))
    for p in d.periods:
        reg.revenue[p].append(m.revenue_musd[p] * m.compute_served[p])
        reg.new_revenue[p].append((own_served(g, c.life_years, y[p]), m.revenue_musd[p], m.revenue_musd[p],
                                   m.compute_added[p]))


def own_served(g: Decay, life: float | None, length: float) -> Callable[[float], float]:
    """GW-years that one GW of a period's additions, deployed evenly over its :math:`y` years, has served by
    the share :math:`f` of the period: :math:`\\frac{1}{y}\\int_0^{fy} \\Gamma(\\min(u, L))\\, du =
    \\frac{1}{y}\\left(\\Lambda(\\min(fy, L)) + \\max(fy - L, 0)\\, \\Gamma(L)\\right)` (a unit
    retired at age :math:`L` serves no more)."""
    def served(share: float) -> float:
        x = share * length
        if life is None or x <= life:
            return g.served_integral(x) / length
        return (g.served_integral(life) + (x - life) * g.served(life)) / length
    return served


def after_horizon(d: ModelData, rate_per_year: float) -> np.ndarray:
    """Per GW of each vintage's additions, the GW-years it serves after the horizon's end :math:`T` and
    within the roadmap's ``objective.end_of_horizon_years`` :math:`H`, discounted at :math:`\\rho` to the
    horizon's start (:math:`\\rho = 0`: plain GW-years), with :math:`r = \\ln(1+\\rho)`:

    .. math:: \\sigma_v = \\frac{1}{y_v}\\int_{t_v}^{t_{v+1}} \\int_T^{\\min(s + L,\\, T + H)}
       \\gamma^{\\tau - s} e^{-r(\\tau - t_0)}\\, d\\tau\\, ds
       = \\frac{e^{-r(T - t_0)}}{y_v}\\int \\gamma^{T - s}\\, \\frac{1 - e^{-(\\lambda + r) u(s)}}{\\lambda + r}\\, ds,
       \\quad u(s) = \\min(s + L, T + H) - T

    (the outer integral by Gauss-Legendre on each smooth piece, split where :math:`s + L = T + H`). The
    end-of-horizon rule of the objective (:mod:`planner.model.objective`) values :math:`\\sum_v \\sigma_v a_v`
    like GW-years served inside the horizon: a vintage is worth its whole service on any horizon."""
    c, horizon = d.roadmap.compute, d.roadmap.objective.end_of_horizon_years
    t = period_bounds(d)
    end, life = t[-1], c.life_years if c.life_years is not None else math.inf
    lam, r = decay(d).rate, math.log1p(rate_per_year)
    nodes, weights = np.polynomial.legendre.leggauss(16)
    out = np.zeros(len(d.periods))
    if horizon == 0:
        return out
    for v in d.periods:
        lo, hi = max(t[v], end - life), t[v + 1]
        cuts = [lo, *([end + horizon - life] if lo < end + horizon - life < hi else []), hi]
        for a, b in zip(cuts[:-1], cuts[1:], strict=False):
            if b <= a:
                continue
            s = a + (b - a) * (nodes + 1) / 2
            u = np.minimum(s + life, end + horizon) - end
            k = lam + r
            served = -np.expm1(-k * u) / k if k > 1e-12 else u
            out[v] += float(np.sum(weights * (b - a) / 2 * np.exp(-lam * (end - s)) * served))
        out[v] *= math.exp(-r * (end - t[0])) / (t[v + 1] - t[v])
    return out


def _gw_per_t(d: ModelData) -> dict[tuple[str, int], float]:
    """GW per t of each satellite kind, :math:`10^{-6} \\sigma_k(t_b)` by period built :math:`b`, or, for a
    kind whose W/kg does not change, one value indexed ``(k, CONSTANT)``: a kind that changes from one to the
    other changes the parameter's index, so a sweep rebuilds the model (with or without build periods)."""
    c = d.roadmap.compute
    out = {}
    for k, kind in c.satellites.items():
        watts = d.period_means(kind.specific_power_w_per_kg or c.specific_power_w_per_kg)
        if k in built_kinds(d):
            out.update({(k, b): 1e-6 * w for b, w in enumerate(watts)})
        else:
            out[(k, CONSTANT)] = 1e-6 * watts[0]
    return out


def built_kinds(d: ModelData) -> list[str]:
    """Satellite kinds whose specific power changes over the horizon: their power is the one of the period
    they were built in (:func:`add_build_periods`)."""
    c = d.roadmap.compute
    return [k for k, kind in c.satellites.items()
            if len(set(d.period_means(kind.specific_power_w_per_kg or c.specific_power_w_per_kg))) > 1]


def add_build_periods(m: pyo.ConcreteModel, d: ModelData, reg: Registry) -> dict[int, list[tuple[str, int]]]:
    """Which period the satellites deployed were built in, for kinds whose W/kg changes: :math:`x_{kbq}` t of
    kind :math:`k` built in period :math:`b` and deployed in :math:`q \\ge b`, within ``compute.hold_years`` (or
    the compute life, if shorter) of :math:`t_b` (2.5 years by default: the shipped plans deploy within two
    quarters of building, and a longer window only lets a cash-bound plan pre-position satellites; on the
    monthly baseline five years of build periods per period were half the model's columns and 40 % of its
    solve time, 123 s against 89.5 s with the same optimum). What is built is made by its sources and processes,
    :math:`M_{kb}` (units of mass :math:`\\mu_k`):

    .. math:: \\sum_{q \\ge b} x_{kbq} \\le \\mu_k M_{kb}, \\qquad \\sum_{b \\le q} x_{kbq} = \\sum_l D_{klq}

    and the power added is :math:`a_q = 10^{-6} \\sum_{kb} \\sigma_k(t_b)\\, x_{kbq}`: a satellite keeps
    the W/kg of the year it was built however long it is held. The allocation is over all locations (the
    mass balances carry the satellites themselves). Returns, per period, the (kind, build period) pairs
    deployed in it."""
    c = d.roadmap.compute
    hold = min(c.hold_years, c.life_years or c.hold_years)
    t = d.years
    idx = [(k, b, q) for k in built_kinds(d) for q in d.periods for b in range(q + 1) if t[q] - t[b] < hold]
    add_var(m, reg, "built_for", idx, quantity="deployed_by_build_period", unit="t",
            dims=("commodity", "built", "period"), table="compute")
    by_build: dict[tuple[str, int], list[Any]] = {}
    by_deploy: dict[tuple[str, int], list[Any]] = {}
    for k, b, q in idx:
        by_build.setdefault((k, b), []).append(m.built_for[k, b, q])
        by_deploy.setdefault((k, q), []).append(m.built_for[k, b, q])
    add_constraint(m, reg, "built_before_deployed", sorted(by_build),
                   lambda mm, k, b: sum(by_build[k, b]) <= d.mass_t(k) * sum(reg.made.get((k, b), [])),
                   subsystem=SUBSYSTEM, description="Satellites deployed from a build period within those made in it.",
                   math=r"\sum_{q \ge b} x_{kbq} \le \mu_k M_{kb}")
    add_constraint(m, reg, "deployed_by_build_period", sorted(by_deploy),
                   lambda mm, k, q: sum(by_deploy[k, q]) == sum(mm.deployed[k, loc, q] for loc in c.deploy_at),
                   subsystem=SUBSYSTEM, description="Satellites deployed, by the period they were built in.",
                   math=r"\sum_{b \le q} x_{kbq} = \sum_l D_{klq}")
    out: dict[int, list[tuple[str, int]]] = {}
    for k, b, q in idx:
        out.setdefault(q, []).append((k, b))
    return out


def _hardware_musd_per_gw(d: ModelData) -> dict[int, float]:
    """Hardware cost per GW added, M$: :math:`10^3 h(t_p)`."""
    return {p: 1e3 * h for p, h in enumerate(d.period_means(d.roadmap.compute.hardware_cost_usd_per_w))}


def gw_years(m: pyo.ConcreteModel, d: ModelData) -> np.ndarray:
    """Per-period GW-years served, :math:`S_p` (an object array of Pyomo expressions)."""
    return np.array([m.compute_served[p] for p in d.periods], dtype=object)
