"""Orbital data centers: satellite mass deployed in a compute orbit becomes compute power, by vintage.

Deploying :math:`D_{klp}` t of satellite commodity :math:`k` at location :math:`l` in period :math:`p`
adds :math:`a_p = 10^{-6} \\sum_{kl} \\sigma_k(t_p) D_{klp}` GW (:math:`\\sigma` in W/kg, so 1 Mt at
100 W/kg is 100 GW). A vintage keeps the share :math:`\\gamma^{\\tau}` of its power after
:math:`\\tau` years, :math:`\\gamma = (1 - \\text{degradation})(1 - \\text{attrition})`, and retires
in the first period that starts at least its life after its own start. Compute in service follows

.. math:: K_p = \\gamma^{t_p - t_{p-1}} K_{p-1} + a_p - \\sum_{v \\in R_p} \\gamma^{t_p - t_v} a_v

(:math:`R_p` the vintages retiring at :math:`p`), which needs no vintage index: the decayed sum of all
alive vintages, exactly. A vintage serves from the period it is deployed in. Chips cap the additions:
:math:`a_p \\le \\bar a(t_p) y_p`. Hardware costs :math:`10^3 h(t_p) a_p` M$ ($/W), operations and
revenue accrue per GW-year in service, :math:`K_p y_p`.
"""

from __future__ import annotations

from bisect import bisect_left

import numpy as np
import pyomo.core as pyo

from planner.model.data import ModelData
from planner.model.parameters import add_param, per_period
from planner.model.registry import Registry, add_constraint, add_expression, add_var

SUBSYSTEM = "compute"


def retirement_period(d: ModelData) -> dict[int, int]:
    """Vintage period -> period in which it retires (absent when it outlives the horizon)."""
    life = d.roadmap.compute.life_years
    if life is None:
        return {}
    years = d.years.tolist()
    out = {}
    for v, start in enumerate(years):
        # the first later period at least ``life`` years on (ages grow with the period: a bisection)
        p = bisect_left(years, life - 1e-9, lo=v + 1, key=lambda year, start=start: year - start)
        if p < len(years):
            out[v] = p
    return out


def retention_per_year(d: ModelData) -> float:
    c = d.roadmap.compute
    return (1.0 - c.degradation_fraction_per_year) * (1.0 - c.attrition_fraction_per_year)


def add_flows(m: pyo.ConcreteModel, d: ModelData, reg: Registry) -> None:
    c = d.roadmap.compute
    if c is None:
        return
    idx = [(k, loc, p) for k in c.satellites for loc in c.deploy_at for p in d.periods]
    add_var(m, reg, "deployed", idx, quantity="deployed", unit="t", dims=("commodity", "location", "period"),
            table="compute")
    add_param(m, reg, "gw_per_t", [(k, p) for k in c.satellites for p in d.periods], _gw_per_t, d,
              keys=("compute.specific_power_w_per_kg", "compute.satellites.*.specific_power_w_per_kg"))
    for k, loc, p in idx:
        reg.balance[(loc, k, p)].append(-m.deployed[k, loc, p] / d.mass_t(k))
    add_expression(m, reg, "compute_added", d.periods,
                   lambda mm, p: sum(mm.gw_per_t[k, p] * mm.deployed[k, loc, p] for k in c.satellites
                                     for loc in c.deploy_at),
                   quantity="compute_added", unit="GW", dims=("period",), table="compute")
    add_var(m, reg, "compute", d.periods, quantity="compute_in_service", unit="GW", dims=("period",),
            table="compute")
    gamma = retention_per_year(d)
    retiring: dict[int, list[int]] = {}
    for v, p in retirement_period(d).items():
        retiring.setdefault(p, []).append(v)

    def vintage_balance(mm, p):
        carried = gamma ** float(d.years[p] - d.years[p - 1]) * mm.compute[p - 1] if p > 0 else 0
        retired = sum(gamma ** float(d.years[p] - d.years[v]) * mm.compute_added[v] for v in retiring.get(p, []))
        return mm.compute[p] == carried + mm.compute_added[p] - retired

    add_constraint(m, reg, "compute_vintages", d.periods, vintage_balance, subsystem=SUBSYSTEM,
                   description="Compute in service: last period's decayed, plus added, minus retiring vintages.",
                   math=r"K_p = \gamma^{t_p - t_{p-1}} K_{p-1} + a_p - \sum_{v \in R_p} \gamma^{t_p - t_v} a_v")
    if c.chip_supply_gw_per_year is not None:
        add_param(m, reg, "chip_gw", d.periods, per_period(lambda r: r.compute.chip_supply_gw_per_year), d,
                  keys=("compute.chip_supply_gw_per_year",))
        add_constraint(m, reg, "chip_supply", d.periods, lambda mm, p: mm.compute_added[p] <= mm.chip_gw[p],
                       subsystem=SUBSYSTEM, description="Compute added within the chip supply.",
                       math=r"a_p \le \bar a(t_p)\, y_p", limit="chip supply")
    add_param(m, reg, "hardware_musd_per_gw", d.periods, _hardware_musd_per_gw, d,
              keys=("compute.hardware_cost_usd_per_w",))
    add_param(m, reg, "operations_musd", d.periods, per_period(lambda r: r.compute.operations_musd_per_gw_year), d,
              keys=("compute.operations_musd_per_gw_year",))
    add_param(m, reg, "revenue_musd", d.periods, per_period(lambda r: r.compute.revenue_musd_per_gw_year), d,
              keys=("compute.revenue_musd_per_gw_year",))
    for p in d.periods:
        reg.spending["manufacturing"][p].append(m.hardware_musd_per_gw[p] * m.compute_added[p])
        reg.spending["operations"][p].append(m.operations_musd[p] * m.compute[p])
        reg.revenue[p].append(m.revenue_musd[p] * m.compute[p])


def _gw_per_t(d: ModelData) -> dict[tuple[str, int], float]:
    """GW per t of each satellite kind deployed, :math:`10^{-6} \\sigma_k(t_p)`."""
    c = d.roadmap.compute
    return {(k, p): 1e-6 * w for k, kind in c.satellites.items()
            for p, w in enumerate((kind.specific_power_w_per_kg or c.specific_power_w_per_kg).at(d.years).tolist())}


def _hardware_musd_per_gw(d: ModelData) -> dict[int, float]:
    """Hardware cost per GW added, M$: :math:`10^3 h(t_p)`."""
    return {p: 1e3 * h for p, h in enumerate(d.roadmap.compute.hardware_cost_usd_per_w.at(d.years).tolist())}


def gw_years(m: pyo.ConcreteModel, d: ModelData) -> np.ndarray:
    """Per-period compute-years expressions :math:`K_p y_p` (an object array of Pyomo expressions)."""
    return np.array([m.compute[p] * d.length_years[p] for p in d.periods], dtype=object)
