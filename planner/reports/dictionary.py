"""The data dictionary: every CSV file of a run, each column with its meaning and unit.

Tidy tables keep their unit per row (``unit`` column), so the dictionary also lists, for each file,
every quantity it holds with that unit.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from planner.reports.run_folder import read_csv

ZEROS_LEFT_OUT = " Rows with a zero value are left out."
EVERY_PERIOD = " A row in every period for each series, zeros included."
FILES = {
    "plan": "Every nonzero value of the plan, one tidy row each; zeros are left out.",
    "launch": "Earth launches: flights (and tanker_flights of tanker classes) and payload launched by vehicle class "
              "(people in person, goods in t: see unit)." + EVERY_PERIOD,
    "transport": "In-space trips, cargo and propellant by vehicle, route and departure period." + ZEROS_LEFT_OUT,
    "fleet": "In-space vehicles built and parked." + ZEROS_LEFT_OUT,
    "stocks": "Amounts held at each location at the end of each period." + ZEROS_LEFT_OUT,
    "supply": "Amounts made at their sources." + EVERY_PERIOD,
    "industry": "Facility (process) activity." + ZEROS_LEFT_OUT,
    "compute": "Orbital compute: satellite mass deployed, compute added and in service; on a demand curve, "
               "GW-years sold, price and revenue by segment." + ZEROS_LEFT_OUT,
    "cash": "Money: spending by category, revenue (and other revenue streams), external funding, debt drawn, "
            "repaid, owed and its interest, equity raised, cash balance." + EVERY_PERIOD,
    "milestones": "Each milestone with its threshold, deadline, the first period it is reached and its metric's unit.",
    "duals": "Row duals of the final LP (for a MIP, with integer decisions fixed), one row per matrix row.",
    "bottlenecks": "Rows of the limits a strategist can relax, with their shadow price and whether they bind; the "
                   "row's index as named columns (vehicle, route, location, ...).",
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
    "threshold": ("Value of the metric that reaches the milestone.", "see unit"),
    "deadline": ("Deadline (year or date); blank when none.", ""),
    "reached_period": ("First period the metric meets the threshold, or 'not reached'.", ""),
    "reached_year": ("Decimal year of reached_period; blank when not reached.", "year"),
    "metric_at_end": ("Value of the metric in the last period.", "see unit"),
    "family": ("Constraint family (model registry name).", ""),
    "dual": ("Row dual: change of the objective per unit of the row's right-hand side.", "objective unit"),
    "limit": ("Short label of the limit a strategist can relax.", ""),
    "subsystem": ("Model subsystem that declares the family.", ""),
    "requirement": ("Stock requirement of the location (habitat per resident, ...).", ""),
    "demand": ("Demand name.", ""),
    "pad": ("Shared launch cadence (pad) name.", ""),
    "item": ("Part of the row's index that names nothing in the roadmap.", ""),
    "share_of_period": ("Where inside the period the cash is checked (share of the period gone).", "share"),
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
    ("milestones", "unit"): ("Unit of threshold and metric_at_end (the metric's: GW, person, t, t/year).", ""),
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
            description, unit = SPECIFIC.get((path.stem, column), COLUMNS.get(column, repeated(column)))
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


def repeated(column: str) -> tuple[str, str]:
    """The description of ``location_2`` (a row's second location: a route's end), from ``location``'s."""
    base, _, n = column.rpartition("_")
    if n.isdigit() and base in COLUMNS:
        description, unit = COLUMNS[base]
        return f"{description.rstrip('.')} (number {n} of its kind in the row's index).", unit
    return "", ""
