"""Headline figures of a plan, read from its tidy tables: what a strategist asks first."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    from planner.schema.roadmap import Roadmap

# headline figure -> the plan quantity it sums (the peak, for debt_peak_musd), M$: the financing mix and compute's
# revenue on a demand curve
MONEY_TOTALS = {"debt_drawn_musd": "debt_drawn", "debt_interest_musd": "debt_interest",
                "debt_peak_musd": "debt_balance", "equity_raised_musd": "equity_raised",
                "compute_revenue_musd": "compute_revenue"}


def _series(plan: pd.DataFrame, quantity: str, **match: str) -> pd.Series:
    rows = plan[plan["quantity"] == quantity]
    for column, value in match.items():
        rows = rows[rows[column] == value]
    return rows.groupby("period", sort=False)["value"].sum()


def source_locations(r: Roadmap) -> set[str]:
    """Where commodities enter the network (what is held there is not 'held away')."""
    return {src.location for c in r.commodities.values() for src in c.sources}


def counted(r: Roadmap) -> dict[str, str]:
    """Commodities counted in units, with their unit."""
    return {k: c.unit for k, c in r.commodities.items() if c.unit != "t"}


def headlines(tables: dict[str, pd.DataFrame], periods: list[str], r: Roadmap) -> dict[str, Any]:
    """Compute by decade, flights per year, tanker flights (in all and per trip on the route each tanker
    class names), residents held away from the sources, cash low point, and the financing mix: debt drawn,
    interest charged, the most owed, equity raised (when the roadmap has them)."""
    plan = tables["plan"]
    out: dict[str, Any] = {}
    compute = _series(plan, "compute_in_service")
    if len(compute):
        decades = [p for p in periods if p[:4].isdigit() and int(p[:4]) % 10 == 0 and p[4:] in ("", "Q1", "-01")]
        out["compute_gw_by_decade"] = {p[:4]: round(float(compute.get(p, 0.0)), 3) for p in decades}
        out["compute_gw_at_end"] = round(float(compute.get(periods[-1], 0.0)), 3)
    flights = _series(plan, "flights")
    if len(flights):
        out["flights_total"] = round(float(flights.sum()), 2)
        out["flights_peak_per_period"] = round(float(flights.max()), 2)
        out["flights_peak_period"] = str(flights.idxmax())
    tankers = _series(plan, "tanker_flights")
    if len(tankers):
        out["tanker_flights_total"] = round(float(tankers.sum()), 2)
        out["tanker_flights_per_trip"] = tanker_flights_per_trip(plan, r)
    stock = plan[(plan["quantity"] == "stock") & plan["commodity"].isin(list(counted(r)))
                 & ~plan["location"].isin(list(source_locations(r))) & (plan["period"] == periods[-1])]
    out["held_at_end"] = {f"{commodity}@{location}": round(float(value), 3) for commodity, location, value
                          in zip(stock["commodity"], stock["location"], stock["value"], strict=True)}
    cash = _series(plan, "cash")
    if len(cash):
        full = cash.reindex(periods, fill_value=0.0)
        out["cash_low_musd"] = round(float(full.min()), 3)
        out["cash_low_period"] = str(full.idxmin())
    for key, quantity in MONEY_TOTALS.items():
        rows = _series(plan, quantity)
        if len(rows):
            out[key] = round(float(rows.max() if key == "debt_peak_musd" else rows.sum()), 3)
    return out


def tanker_flights_per_trip(plan: pd.DataFrame, r: Roadmap) -> dict[str, float]:
    """Route -> flights of the tanker classes that name it (``per_trip_on``) per trip flown on it over the
    horizon: the tanker launches per landing. Routes without trips are left out."""
    flights: dict[str, float] = {}
    for name, lv in r.launch_vehicles.items():
        if lv.per_trip_on is not None:
            flown = float(_series(plan, "tanker_flights", vehicle=name).sum())
            flights[lv.per_trip_on] = flights.get(lv.per_trip_on, 0.0) + flown
    out = {}
    for route, flown in flights.items():
        trips = float(_series(plan, "trips", route=route).sum())
        if trips > 0:
            out[route] = round(flown / trips, 3)
    return out
