"""The plan as tidy long tables, built from the quantities the model modules declared.

``plan`` has one row per nonzero value: ``table, quantity, period, year, location, commodity, vehicle,
route, process, category, milestone, value, unit``; each row carries its own unit (``launched`` holds
people in ``person`` and goods in ``t``). The topic tables are cut from it. The time series of money,
launches and supply (:data:`COMPLETE`) have a row in every period for each of their series, zeros
included; the other topic tables, like ``plan``, leave out zeros (the data dictionary says which).
Every report, chart and comparison reads these tables, never the Pyomo model.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pyomo.core as pyo

if TYPE_CHECKING:
    from planner.io.load import LoadedRoadmap
    from planner.model import BuiltModel
    from planner.schema.strategy import Metric

COLUMNS = ["table", "quantity", "period", "year", "location", "commodity", "vehicle", "route", "process",
           "category", "milestone", "built", "value", "unit"]
DIM_TO_COLUMN = {"launch_vehicle": "vehicle", "source": None}
ZERO = 1e-7
COMPLETE = ("cash", "launch", "supply")  # topic tables with a row in every period for each series
REACHED_TOLERANCE = 1e-6


def plan_tables(built: BuiltModel, loaded: LoadedRoadmap,
                quantities: Collection[str] | None = None) -> dict[str, pd.DataFrame]:
    """``plan`` (every row), one frame per table name, and ``milestones``; with ``quantities``, only ``plan``,
    holding only those quantities (and ``milestone_metric``, which the milestones table reads), and
    ``milestones``."""
    m, d = built.model, built.data
    labels, years = d.timeline.labels, d.timeline.start_years
    units = {k: c.unit for k, c in d.roadmap.commodities.items()}
    wanted = None if quantities is None else {*quantities, "milestone_metric"}
    records: list[dict[str, Any]] = []
    for q in built.registry.quantities:
        if wanted is not None and q.quantity not in wanted:
            continue
        component = getattr(m, q.component)
        is_var = isinstance(component, pyo.Var)
        for index, data in component.items():
            value = data.value if is_var else pyo.value(data, exception=False)
            if value is None or abs(value) <= ZERO:
                continue
            key = index if isinstance(index, tuple) else (index,)
            row: dict[str, Any] = {"table": q.table, "quantity": q.quantity, "value": float(value) * q.scale,
                                   "unit": q.unit}
            for dim, part in zip(q.dims, key, strict=True):
                if dim == "period":
                    row["period"], row["year"] = labels[part], round(float(years[part]), 4)
                elif dim == "built":
                    row["built"] = labels[part]
                else:
                    column = DIM_TO_COLUMN.get(dim, dim)
                    if column:
                        row[column] = part
            if row["unit"] == "commodity unit":
                row["unit"] = units.get(row.get("commodity", ""), "t")
            elif row["unit"] == "metric unit":
                row["unit"] = metric_unit(loaded.roadmap.milestones[row["milestone"]].metric, units)
            records.append(row)
    plan = pd.DataFrame.from_records(records, columns=COLUMNS)
    tables = {"plan": plan}
    if quantities is None:
        for name, frame in plan.groupby("table", sort=True):
            frame = frame.dropna(axis=1, how="all").reset_index(drop=True)
            tables[name] = complete(frame, labels, years) if name in COMPLETE else frame
    tables["milestones"] = milestone_table(plan, loaded)
    return tables


def complete(frame: pd.DataFrame, labels: Sequence[str], years: Sequence[float]) -> pd.DataFrame:
    """``frame`` with a row in every period for each of its series (the columns other than period, year and
    value), zero where the plan has none; series in their first order, each in time order."""
    keys = [c for c in frame.columns if c not in ("period", "year", "value")]
    series = frame[keys].fillna("").drop_duplicates()
    periods = pd.DataFrame({"period": list(labels), "year": [round(float(y), 4) for y in years]})
    grid = series.merge(periods, how="cross")
    # summed: rows that differ only in a dimension the tables leave out (a commodity's source) are one series
    values = frame.fillna({k: "" for k in keys}).groupby([*keys, "period"], sort=False)["value"].sum()
    grid["value"] = values.reindex(pd.MultiIndex.from_frame(grid[[*keys, "period"]])).fillna(0.0).to_numpy()
    for key in keys:
        if frame[key].isna().any():
            grid[key] = grid[key].replace("", np.nan)
    return grid[list(frame.columns)]


def metric_unit(metric: Metric, units: dict[str, str]) -> str:
    """The unit of a milestone's metric: GW of compute, the commodity's unit held, t delivered, t/year made."""
    if metric.compute_gw:
        return "GW"
    if metric.stock is not None:
        return units.get(metric.stock.commodity, "t")
    return "t" if metric.delivered is not None else "t/year"


def milestone_table(plan: pd.DataFrame, loaded: LoadedRoadmap) -> pd.DataFrame:
    """Each milestone with the first period its metric meets the threshold ('not reached' otherwise), and the
    unit of its threshold and metric."""
    units = {k: c.unit for k, c in loaded.roadmap.commodities.items()}
    metric = plan[plan["quantity"] == "milestone_metric"]
    series: dict[str, list[tuple[float, str, float]]] = {}  # milestone -> (year, period, value), by year
    for name, year, period, value in zip(metric["milestone"], metric["year"], metric["period"], metric["value"],
                                         strict=True):
        series.setdefault(name, []).append((year, period, value))
    rows = []
    for name, ms in loaded.roadmap.milestones.items():
        points = sorted(series.get(name, []), key=lambda point: point[0])
        first = next((point for point in points if point[2] >= ms.threshold * (1 - REACHED_TOLERANCE)), None)
        rows.append({
            "milestone": name,
            "description": ms.description,
            "threshold": ms.threshold,
            "deadline": str(ms.deadline) if ms.deadline is not None else "",
            "reached_period": first[1] if first is not None else "not reached",
            "reached_year": float(first[0]) if first is not None else None,
            "metric_at_end": float(points[-1][2]) if points else 0.0,
            "unit": metric_unit(ms.metric, units),
        })
    return pd.DataFrame(rows, columns=["milestone", "description", "threshold", "deadline", "reached_period",
                                       "reached_year", "metric_at_end", "unit"])
