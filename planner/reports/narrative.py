"""The words of the first page: headline figures and a few sentences generated from the plan.

Every number comes from the run folder's CSVs (``milestones.csv``, ``compute.csv``, ``bottlenecks.csv``,
``cash.csv``); ``headlines.csv`` keeps the figures so that a reader can check the PDF against them.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from planner.model.refinement import coarse_periods
from planner.reports import bottlenecks
from planner.reports.charts import objective_unit
from planner.reports.money import money
from planner.reports.run_folder import RunData
from planner.results.fractional import CASES, describe, fractional_counts
from planner.results.headlines import MONEY_TOTALS, headlines


def figures(run: RunData) -> dict[str, Any]:
    """The headline figures of :func:`planner.results.headlines.headlines`, read from the run's tables."""
    return headlines(run.tables, list(run.data.timeline.labels), run.roadmap)


def headline_table(run: RunData) -> pd.DataFrame:
    """Rows ``figure, value, unit``: objective, gap, compute at end, flights, cash low, milestone years."""
    s = run.summary
    r = run.roadmap
    figures_ = figures(run)
    rows = [("objective", s["objective"], objective_unit(run)), ("mip_gap", s.get("mip_gap") or 0.0, "share")]
    units = {"compute_gw_at_end": "GW", "flights_total": "flights", "flights_peak_per_period": "flights",
             "tanker_flights_total": "flights", "cash_low_musd": "M$", **dict.fromkeys(MONEY_TOTALS, "M$")}
    rows += [(key, figures_[key], unit) for key, unit in units.items() if key in figures_]
    for route, value in figures_.get("tanker_flights_per_trip", {}).items():
        rows.append((f"tanker_flights_per_trip {route}", value, "flights per trip"))
    for key, value in figures_.get("held_at_end", {}).items():
        commodity = key.split("@")[0]
        rows.append((f"held_at_end {key}", value, r.commodities[commodity].unit))
    for row in run.tables["milestones"].itertuples():
        rows.append((f"milestone {row.milestone}", row.reached_period, "period reached"))
    return pd.DataFrame(rows, columns=["figure", "value", "unit"])


def sentences(run: RunData) -> list[str]:
    """Whole units, milestone years, compute in service at the end, the main bottleneck, the cash low point."""
    out = whole_units(run)
    end = run.data.timeline.labels[-1]
    for row in run.tables["milestones"].itertuples():
        what = row.description or row.milestone.replace("_", " ")
        deadline = f" (deadline {row.deadline})" if row.deadline else ""
        if row.reached_period == "not reached":
            out.append(f"'{what}' is not reached by {end}{deadline}; its metric ends at {number(row.metric_at_end)} "
                       f"of {number(row.threshold)}.")
        else:
            out.append(f"'{what}' is reached in {row.reached_period}{deadline}.")
    figures_ = figures(run)
    if "compute_gw_at_end" in figures_:
        out.append(f"Compute in service at the end ({end}): {number(figures_['compute_gw_at_end'])} GW.")
    if "compute_revenue_musd" in figures_:
        out.append(demand_sentence(run, figures_["compute_revenue_musd"]))
    if "flights_total" in figures_:
        out.append(f"Earth launches: {figures_['flights_total']:,.0f} flights in all, at most "
                   f"{figures_['flights_peak_per_period']:,.0f} in {figures_['flights_peak_period']}.")
    if "tanker_flights_total" in figures_:
        out.append(tanker_sentence(figures_))
    table = run.tables.get("bottlenecks")
    ranked = bottlenecks.ranking(table) if table is not None else pd.DataFrame()
    if len(ranked):
        top = ranked.iloc[0]
        span = "over the whole horizon" if top["spans"] == "whole horizon" else f"in {top['spans']}"
        out.append(f"The main bottleneck is the {top['limit']} ({top['families']}), binding {span}: one more unit "
                   f"of it where it binds is worth up to {number(top['max_shadow_price'])} {objective_unit(run)}, "
                   f"{number(top['total_shadow_price'])} summed over its {int(top['binding_rows'])} binding rows.")
    else:
        out.append("No limit a strategist can relax binds: the plan is shaped by costs and the objective alone.")
    out += cadence(run)
    out += end_of_horizon(run)
    if run.data.refined:
        out.append(f"Time grid: {run.data.refined['text']}.")
    coarse = coarse_periods(run.data)
    if coarse:
        out.append(f"Time grid: {coarse['text']}.")
    if "cash_low_musd" in figures_:
        out.append(f"Cash is lowest in {figures_['cash_low_period']}: {money(figures_['cash_low_musd'])}.")
    if "debt_drawn_musd" in figures_ or "equity_raised_musd" in figures_:
        out.append(f"Financing: {money(figures_.get('debt_drawn_musd', 0.0))} of debt drawn (at most "
                   f"{money(figures_.get('debt_peak_musd', 0.0))} owed), "
                   f"{money(figures_.get('debt_interest_musd', 0.0))} of interest charged, "
                   f"{money(figures_.get('equity_raised_musd', 0.0))} of equity raised.")
    return out


def tanker_sentence(figures_: dict[str, Any]) -> str:
    """``Tanker launches: 9 of the 10 Earth launches; 9 per trip on llo_surface (tanker launches per landing).``"""
    text = f"Tanker launches: {number(figures_['tanker_flights_total'])} of the " \
           f"{number(figures_['flights_total'])} Earth launches"
    per_trip = [f"{number(value)} per trip on {route}" for route, value in figures_["tanker_flights_per_trip"].items()]
    if per_trip:
        text += f"; {', '.join(per_trip)} (tanker launches per landing)"
    return text + "."


def demand_sentence(run: RunData, total_musd: float) -> str:
    """Compute's revenue on its demand curve: in all, and the last period's volume and mean price."""
    end = run.data.timeline.labels[-1]
    sold = float(run.rows("compute_sold", period=end)["value"].sum())
    earned = float(run.rows("compute_revenue", period=end)["value"].sum())
    last = f"; in {end}, {number(sold)} GW-years sold at {money(earned / sold)} each on average" if sold else ""
    return f"Compute earns {money(total_musd)} on its demand curve{last}."


def whole_units(run: RunData) -> list[str]:
    """What the roadmap's ``integer:`` setting leaves continuous among the quantities counted in units, and
    the counts that come out fractional, the largest first (:mod:`planner.results.fractional`)."""
    block = fractional_counts(run.plan, run.data)
    c = block["continuous"]
    parts = [text for text, names in (
        (f"the units built and trips of {', '.join(c['vehicles'])}", c["vehicles"]),
        (f"the flights of {', '.join(c['launch_vehicles'])}", c["launch_vehicles"]),
        ("milestones (a share reached earns that share of the reward)", c["milestones"]),
        (f"{', '.join(c['commodities'])} (counted commodities are continuous under any setting)", c["commodities"]),
    ) if names]
    if not parts:
        return []
    out = [f"Counted in units but continuous under 'integer: {block['integer']}': {'; '.join(parts)}."]
    text = describe(block, cases=CASES)
    if text:
        out.append(f"The plan has {text}.")
    return out


def cadence(run: RunData) -> list[str]:
    """For each launch class with a cap, and each cap shared by several classes (``shared_cadence``): whether
    its flights fill the cap, and where they do not, whether funding binds in those periods (money holds
    them back) or not (other limits or costs do)."""
    table = run.tables.get("bottlenecks")
    money = table[table["binding"].astype(bool) & (table["limit"] == "funding")] if table is not None else None
    money_years = set(money["year"]) if money is not None else set()
    flights = run.series("flights", by="vehicle")
    labels = run.data.timeline.labels
    r = run.roadmap
    caps = [(name, False, lv.max_flights_per_year, [name]) for name, lv in r.launch_vehicles.items()
            if lv.max_flights_per_year is not None]
    caps += [(f"{' and '.join(shared.classes)} together ({name})", True, shared.max_flights_per_year, shared.classes)
             for name, shared in r.shared_cadence.items()]
    out = []
    for subject, together, cap_table, classes in caps:
        fly, its, it = ("fly", "their", "them") if together else ("flies", "its", "it")
        flying = [c for c in classes if c in flights]
        if not flying:
            continue
        cap = np.array(run.data.period_means(cap_table)) * run.lengths
        flown = sum(flights[c].to_numpy() for c in flying)
        below = np.flatnonzero(flown < cap * (1 - 1e-6))
        if not len(below):
            out.append(f"{subject} {fly} {its} full cap in every period.")
            continue
        first = below[0]
        text = (f"{subject} {fly} below {its} cap in {len(below)} of {len(cap)} periods, first in "
                f"{labels[first]} ({number(flown[first])} of {number(cap[first])} flights)")
        held = [labels[i] for i in below if run.years[i] in money_years]
        if held:
            text += f"; funding binds in {len(held)} of them ({_list(held)}): money, not cadence, holds {it} back."
        else:
            text += f"; funding does not bind there: other limits or costs hold {it} back."
        out.append(text)
    return out


def end_of_horizon(run: RunData) -> list[str]:
    """What the plan's last years owe to its end: the rule (``objective.end_of_horizon_years``), the
    GW-years it credits after the horizon, and whether compute additions fall over the last years (by half
    or more against the years before: an end effect or a limit shapes them)."""
    r = run.roadmap
    if r.compute is None:
        return []
    end, after = run.data.timeline.labels[-1], r.objective.end_of_horizon_years
    served_after = float(run.rows("compute_served_after_horizon")["value"].sum())
    if after > 0:
        out = [f"End of horizon: the compute in service at the end of {end} serves {number(served_after)} GW-years "
               f"more within {after:g} years after it; the objective counts them (discounted), so the last years "
               f"are planned as if the programme went on."]
    else:
        out = [f"End of horizon: nothing after {end} is valued (objective.end_of_horizon_years: 0), so the plan "
               f"winds down toward its end."]
    window = r.compute.life_years or 5.0
    added = run.series("compute_added")["compute_added"].to_numpy() / run.lengths  # GW a year
    years = run.years
    last = years >= years[-1] + run.lengths[-1] - window
    before = (years >= years[-1] + run.lengths[-1] - 2 * window) & ~last
    if before.any() and last.any():
        rate_before, rate_last = added[before].mean(), added[last].mean()
        if rate_before > 0 and rate_last < 0.5 * rate_before:
            out.append(f"Compute added falls from {number(rate_before)} to {number(rate_last)} GW a year over the "
                       f"last {window:g} years: the horizon's end or a limit (see the bottlenecks) shapes them; "
                       f"a longer horizon tells which.")
    return out


def _list(labels: list[str]) -> str:
    return ", ".join(labels) if len(labels) <= 4 else f"{labels[0]}, {labels[1]}, ... {labels[-1]}"


def number(value: float) -> str:
    """Four significant digits, with thousands separators instead of exponents up to 10^12."""
    if value != 0 and abs(value) >= 1e4 and abs(value) < 1e12:
        return f"{value:,.0f}"
    return f"{value:,.4g}"

