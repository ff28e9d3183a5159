"""Summaries of a sweep's results: status counts, milestone years, fans, and a tornado of sensitivities.

All read the long table of :mod:`planner.sweep.store` and the design (value of each varied key per
scenario); only solved scenarios (optimal or feasible) enter the distributions.

* **Milestone years**: per milestone, the share of scenarios that reach it and the 10/50/90 % quantiles
  of the year reached among those that do (the nearest scenario's year: a period's start, not 2038.4).
* **Fans**: per series (compute in service, each ``commodity@location`` held) and year, the 10/25/50/75/90 %
  quantiles across scenarios (a scenario without a row in a year counts as 0 there).
* **Tornado**: for each outcome (objective, each milestone's year) and each numeric varied key, the
  *swing* = mean outcome over the scenarios in the key's top third minus the mean over its bottom third
  (by rank). A milestone never reached counts as reached one year after the horizon's last year, so that
  "not reached" moves the year the right way. Sorted by absolute swing: the top bar moves that outcome most.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from planner.sweep.execute import SOLVED

QUANTILES = (0.1, 0.25, 0.5, 0.75, 0.9)


def solved_ids(results: pd.DataFrame) -> list[str]:
    status = results[results["quantity"] == "status"]
    return sorted(status.loc[status["name"].isin(SOLVED), "scenario"])


def status_counts(results: pd.DataFrame) -> pd.DataFrame:
    """Scenarios per status, with an example reason for failures."""
    status = results[results["quantity"] == "status"]
    grouped = status.groupby("name")
    return pd.DataFrame({"scenarios": grouped.size(), "example_reason": grouped["note"].first()}) \
        .reset_index().rename(columns={"name": "status"})


def milestone_years(results: pd.DataFrame) -> pd.DataFrame:
    """Per milestone: scenarios solved, share reaching it, and quantiles of the year reached."""
    ids = solved_ids(results)
    years = results[(results["quantity"] == "milestone_year") & results["scenario"].isin(ids)]
    rows = []
    for name, group in years.groupby("name", sort=True):
        reached = group["value"].dropna()
        row = {"milestone": name, "scenarios": len(group), "share_reached": len(reached) / max(len(group), 1)}
        for q in (0.1, 0.5, 0.9):
            # the year of a scenario nearest the quantile: a period's start, never a year between two periods
            row[f"year_p{int(q * 100)}"] = float(reached.quantile(q, interpolation="nearest")) if len(reached) \
                else np.nan
        rows.append(row)
    return pd.DataFrame(rows, columns=["milestone", "scenarios", "share_reached", "year_p10", "year_p50", "year_p90"])


def fans(results: pd.DataFrame) -> pd.DataFrame:
    """Quantiles across solved scenarios per series and year (columns ``series, year, p10 .. p90``)."""
    ids = solved_ids(results)
    rows = results[results["quantity"].isin(["compute_in_service", "held"]) & results["scenario"].isin(ids)].copy()
    rows["series"] = np.where(rows["quantity"] == "held", "held " + rows["name"], "compute_in_service_gw")
    out = []
    for series, group in rows.groupby("series", sort=True):
        wide = group.pivot_table(index="scenario", columns="year", values="value", aggfunc="sum")
        wide = wide.reindex(ids).fillna(0.0)
        for year in wide.columns:
            entry = {"series": series, "year": float(year)}
            entry.update({f"p{int(q * 100)}": float(wide[year].quantile(q)) for q in QUANTILES})
            out.append(entry)
    return pd.DataFrame(out, columns=["series", "year"] + [f"p{int(q * 100)}" for q in QUANTILES])


def outcomes(results: pd.DataFrame, last_year: float) -> pd.DataFrame:
    """One row per solved scenario: objective and each milestone's year (never reached -> last_year + 1)."""
    ids = solved_ids(results)
    solved = results[results["scenario"].isin(ids)]
    objective = solved[solved["quantity"] == "objective"].set_index("scenario")["value"].rename("objective")
    years = solved[solved["quantity"] == "milestone_year"].pivot_table(
        index="scenario", columns="name", values="value", aggfunc="first", dropna=False)
    years = years.reindex(ids).fillna(last_year + 1.0).add_prefix("year: ")
    return pd.concat([objective.reindex(ids), years], axis=1)


def tornado(results: pd.DataFrame, design: pd.DataFrame, last_year: float) -> pd.DataFrame:
    """Swing of each outcome with each numeric varied key (see the module docstring)."""
    table = outcomes(results, last_year)
    inputs = design.set_index("scenario").reindex(table.index)
    rows = []
    for key in inputs.columns:
        x = pd.to_numeric(inputs[key], errors="coerce")
        if x.isna().any() or x.nunique() < 2:
            continue
        rank = x.rank(method="average", pct=True)
        low, high = rank <= 1 / 3, rank > 2 / 3
        if not low.any() or not high.any():
            continue
        for outcome in table.columns:
            y = table[outcome]
            rows.append({"outcome": outcome, "key": key, "low_mean": float(y[low].mean()),
                         "high_mean": float(y[high].mean()), "swing": float(y[high].mean() - y[low].mean())})
    frame = pd.DataFrame(rows, columns=["outcome", "key", "low_mean", "high_mean", "swing"])
    order = frame["swing"].abs().sort_values(ascending=False, kind="stable").index
    return frame.loc[order].sort_values("outcome", kind="stable").reset_index(drop=True)


def write_summaries(folder: Path, results: pd.DataFrame, design: pd.DataFrame, last_year: float) -> dict[str, Path]:
    """Write the summary CSVs into ``folder``; return them by name."""
    tables = {
        "status": status_counts(results),
        "milestone_years": milestone_years(results),
        "fans": fans(results),
        "tornado": tornado(results, design, last_year),
    }
    paths = {}
    for name, frame in tables.items():
        paths[name] = Path(folder) / f"summary_{name}.csv"
        frame.to_csv(paths[name], index=False, float_format="%.10g")
    return paths
