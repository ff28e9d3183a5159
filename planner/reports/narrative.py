"""The words of the first page: headline figures and a few sentences generated from the plan.

Every number comes from the run folder's CSVs (``milestones.csv``, ``compute.csv``, ``bottlenecks.csv``,
``cash.csv``); ``headlines.csv`` keeps the figures so that a reader can check the PDF against them.
"""

from __future__ import annotations

import pandas as pd

from planner.reports import bottlenecks
from planner.reports.charts import objective_unit
from planner.reports.run_folder import RunData
from planner.results.headlines import headlines


def headline_table(run: RunData) -> pd.DataFrame:
    """Rows ``figure, value, unit``: objective, gap, compute at end, flights, cash low, milestone years."""
    s = run.summary
    r = run.roadmap
    labels = list(run.data.timeline.labels)
    figures = headlines(run.tables, labels, {src.location for c in r.commodities.values() for src in c.sources},
                        {k: c.unit for k, c in r.commodities.items() if c.unit != "t"})
    rows = [("objective", s["objective"], objective_unit(run)), ("mip_gap", s.get("mip_gap") or 0.0, "share")]
    units = {"compute_gw_at_end": "GW", "flights_total": "flights", "flights_peak_per_period": "flights",
             "cash_low_musd": "M$"}
    rows += [(key, figures[key], unit) for key, unit in units.items() if key in figures]
    for key, value in figures.get("held_at_end", {}).items():
        commodity = key.split("@")[0]
        rows.append((f"held_at_end {key}", value, r.commodities[commodity].unit))
    for row in run.tables["milestones"].itertuples():
        rows.append((f"milestone {row.milestone}", row.reached_period, "period reached"))
    return pd.DataFrame(rows, columns=["figure", "value", "unit"])


def sentences(run: RunData) -> list[str]:
    """Milestone years, compute in service at the end, the main bottleneck, the cash low point."""
    out = []
    end = run.data.timeline.labels[-1]
    for row in run.tables["milestones"].itertuples():
        what = row.description or row.milestone.replace("_", " ")
        deadline = f" (deadline {row.deadline})" if row.deadline else ""
        if row.reached_period == "not reached":
            out.append(f"'{what}' is not reached by {end}{deadline}; its metric ends at {row.metric_at_end:,.4g} "
                       f"of {row.threshold:,.4g}.")
        else:
            out.append(f"'{what}' is reached in {row.reached_period}{deadline}.")
    compute = run.rows("compute_in_service", period=end)
    if run.roadmap.compute is not None:
        out.append(f"Compute in service at the end ({end}): {compute['value'].sum():,.4g} GW.")
    flights = run.rows("flights")
    if len(flights):
        per = flights.groupby("period")["value"].sum()
        out.append(f"Earth launches: {per.sum():,.0f} flights in all, at most {per.max():,.0f} in {per.idxmax()}.")
    table = run.tables.get("bottlenecks")
    ranked = bottlenecks.ranking(table) if table is not None else pd.DataFrame()
    if len(ranked):
        top = ranked.iloc[0]
        span = _span(top["first_year"], top["last_year"])
        out.append(f"The main bottleneck is the {top['limit']} ({top['families']}), binding {span}: one more unit "
                   f"of it where it binds is worth up to {top['max_shadow_price']:,.4g} {objective_unit(run)}, "
                   f"{top['total_shadow_price']:,.4g} summed over its {int(top['binding_rows'])} binding rows.")
    else:
        out.append("No limit a strategist can relax binds: the plan is shaped by costs and the objective alone.")
    cash = run.rows("cash")
    if len(cash):
        low = cash.sort_values("value").iloc[0]
        out.append(f"Cash is lowest in {low['period']}: {low['value']:,.4g} M$.")
    return out


def _span(first: float, last: float) -> str:
    if pd.isna(first):
        return "over the whole horizon"
    return f"in {first:.0f}" if int(first) == int(last) else f"from {first:.0f} to {last:.0f}"
