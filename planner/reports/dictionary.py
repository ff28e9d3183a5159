"""The data dictionary: every CSV file of a run, each column with its meaning and unit.

Tidy tables keep their unit per row (``unit`` column), so the dictionary also lists, for each file,
every quantity it holds with that unit.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from planner.reports.run_folder import read_csv

FILES = {
    "plan": "Every nonzero value of the plan, one tidy row each.",
    "launch": "Earth launches: flights (and tanker_flights of tanker classes) and payload launched by vehicle class.",
    "transport": "In-space trips, cargo and propellant by vehicle, route and departure period.",
    "fleet": "In-space vehicles built and parked.",
    "stocks": "Amounts held at each location at the end of each period.",
    "supply": "Amounts made at their sources.",
    "industry": "Facility (process) activity.",
    "compute": "Orbital compute: satellite mass deployed, compute added and in service; on a demand curve, "
               "GW-years sold, price and revenue by segment.",
    "cash": "Money: spending by category, revenue (and other revenue streams), external funding, debt drawn, "
            "repaid, owed and its interest, equity raised, cash balance.",
    "milestones": "Each milestone with its threshold, deadline and the first period it is reached.",
    "duals": "Row duals of the final LP (for a MIP, with integer decisions fixed), one row per matrix row.",
    "bottlenecks": "Rows of the limits a strategist can relax, with their shadow price and whether they bind.",
    "assumptions": "Every value the roadmap sets, with its unit and source note.",
    "headlines": "The headline figures of the report's first page.",
    "data_dictionary": "This file: each file and column of the run with its meaning and unit.",
}
COLUMNS = {
    "table": ("Table the row belongs to.", ""),
    "quantity": ("What is measured (flights, stock, compute_in_service, ...).", ""),
    "period": ("Period label (2031, 2031Q2, 2031-07 or a start date).", ""),
    "year": ("Decimal year of the period's start.", "year"),
    "location": ("Location (node of the network).", ""),
    "commodity": ("Commodity.", ""),
    "vehicle": ("Launch vehicle class or in-space vehicle.", ""),
    "route": ("Route (arc of the network).", ""),
    "process": ("Facility process.", ""),
    "category": ("Spending category, revenue stream (cash) or demand-curve segment (compute).", ""),
    "built": ("Period in which the satellites were built (they keep that period's W/kg).", ""),
    "milestone": ("Milestone name.", ""),
    "value": ("The value, in the row's unit.", "see unit"),
    "unit": ("Unit of value.", ""),
    "description": ("Description from the roadmap.", ""),
    "threshold": ("Value of the metric that reaches the milestone.", "metric unit"),
    "deadline": ("Deadline (year or date); blank when none.", ""),
    "reached_period": ("First period the metric meets the threshold, or 'not reached'.", ""),
    "reached_year": ("Decimal year of reached_period; blank when not reached.", "year"),
    "metric_at_end": ("Value of the metric in the last period.", "metric unit"),
    "family": ("Constraint family (model registry name).", ""),
    "index": ("Index of the row within its family.", ""),
    "dual": ("Row dual: change of the objective per unit of the row's right-hand side.", "objective unit"),
    "limit": ("Short label of the limit a strategist can relax.", ""),
    "subsystem": ("Model subsystem that declares the family.", ""),
    "shadow_price": ("Objective gained by relaxing the row by one unit (|dual|).", "objective unit per row unit"),
    "binding": ("Whether the row binds (nonzero shadow price).", ""),
    "key": ("Dotted key path in the roadmap.", ""),
    "setting": ("Value the roadmap sets (time tables as year: value).", "see unit"),
    "source": ("The source: note beside the value.", ""),
    "file": ("CSV file name.", ""),
    "figure": ("Name of the headline figure.", ""),
    "column": ("Column name (value columns also per quantity).", ""),
}

SPECIFIC = {  # (file stem, column) whose meaning differs from the common one
    ("assumptions", "unit"): ("Unit of the setting, read from the key name.", ""),
    ("headlines", "value"): ("The figure's value.", "see unit"),
    ("headlines", "unit"): ("Unit of the figure.", ""),
    ("data_dictionary", "description"): ("Meaning of the file or column.", ""),
    ("data_dictionary", "unit"): ("Unit of the column's values.", ""),
}


def data_dictionary(folder: Path) -> pd.DataFrame:
    """Rows ``file, column, description, unit`` for every CSV in ``folder`` (and the dictionary itself)."""
    rows = []
    paths = sorted(p for p in Path(folder).glob("*.csv") if p.stem != "data_dictionary")
    for path in paths:
        frame = read_csv(path)
        rows.append({"file": path.name, "column": "", "description": FILES.get(path.stem, ""), "unit": ""})
        for column in frame.columns:
            description, unit = SPECIFIC.get((path.stem, column), COLUMNS.get(column, ("", "")))
            rows.append({"file": path.name, "column": column, "description": description, "unit": unit})
        if {"quantity", "unit", "value"} <= set(frame.columns) and path.stem != "plan":
            for (quantity, unit), _ in frame.groupby(["quantity", "unit"], sort=True):
                rows.append({"file": path.name, "column": f"value where quantity={quantity}",
                             "description": f"{quantity.replace('_', ' ')}", "unit": unit})
    rows.append({"file": "data_dictionary.csv", "column": "", "description": FILES["data_dictionary"], "unit": ""})
    for column in ("file", "column", "description", "unit"):
        description = SPECIFIC.get(("data_dictionary", column), COLUMNS[column])[0]
        rows.append({"file": "data_dictionary.csv", "column": column, "description": description, "unit": ""})
    return pd.DataFrame(rows, columns=["file", "column", "description", "unit"])
