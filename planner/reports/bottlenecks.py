"""Bottlenecks: which limits bind in which periods, and what one more unit of each is worth.

The row duals of the LP (for a MIP, of the LP with its integer decisions fixed) are read from
``duals.csv``; the constraint families a strategist can relax carry a ``limit`` label in the model
registry (written to ``families.json``). For a row :math:`a^T x \\le b` with dual :math:`\\lambda`,
relaxing :math:`b` by one unit changes the optimal objective by :math:`\\lambda` (to first order), and
relaxing a limit never makes the plan worse, so the shadow price shown is :math:`|\\lambda|`: objective
units per unit of the row (a flight for the launch cap, a GW for the chip supply, an M$ for funding).
A row binds when its shadow price is nonzero (complementary slackness).

Each row keeps the named index columns, period and year of ``duals.csv``
(:mod:`planner.results.duals`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd

from planner.results.duals import index_columns

FIRST, LAST = ["family", "limit", "subsystem"], ["period", "year", "shadow_price", "binding"]
BINDING_TOLERANCE = 1e-8


def bottleneck_table(duals: pd.DataFrame, families: dict[str, dict[str, Any]]) -> pd.DataFrame:
    """One row per matrix row of a limit family (from the tidy dual table): its named index columns, its
    period, shadow price and whether it binds."""
    limits = {name: f for name, f in families.items() if f.get("limit")}
    rows = duals[duals["family"].isin(list(limits))]
    middle = index_columns(rows)
    price = rows["dual"].astype(float).abs()
    return pd.DataFrame({
        "family": rows["family"],
        "limit": [limits[f]["limit"] for f in rows["family"]],
        "subsystem": [limits[f].get("subsystem", "") for f in rows["family"]],
        **{c: rows[c] for c in middle},
        "period": rows["period"],
        "year": rows["year"].astype(float),
        "shadow_price": price,
        "binding": price > BINDING_TOLERANCE,
    }, columns=[*FIRST, *middle, *LAST]).reset_index(drop=True)


def ranking(table: pd.DataFrame) -> pd.DataFrame:
    """Limits by the value of relaxing all their rows by one unit (sum of shadow prices), largest first.

    Columns: limit, families, binding_rows, first_year, last_year, spans (the periods it binds, as spans of
    consecutive periods: ``2026–2029, 2040–2060``), total_shadow_price, max_shadow_price.
    """
    binding = table[table["binding"].astype(bool)]
    if binding.empty:
        return pd.DataFrame(columns=["limit", "families", "binding_rows", "first_year", "last_year", "spans",
                                     "total_shadow_price", "max_shadow_price"])
    grid = table[table["year"].notna()].drop_duplicates("period").sort_values("year")["period"].tolist()
    grouped = binding.groupby("limit")
    out = pd.DataFrame({
        "families": grouped["family"].agg(lambda f: ", ".join(sorted(set(f)))),
        "binding_rows": grouped.size(),
        "first_year": grouped["year"].min(),
        "last_year": grouped["year"].max(),
        "spans": grouped["period"].agg(lambda p: spans(p, grid)),
        "total_shadow_price": grouped["shadow_price"].sum(),
        "max_shadow_price": grouped["shadow_price"].max(),
    }).reset_index()
    return out.sort_values(["total_shadow_price", "limit"], ascending=[False, True]).reset_index(drop=True)


def spans(periods: Iterable[str], grid: Sequence[str]) -> str:
    """``periods`` as spans of consecutive periods of ``grid`` (``2026–2029, 2040–2060``); 'whole horizon'
    for rows without a period (a limit over the whole horizon)."""
    position = {label: i for i, label in enumerate(grid)}
    chosen = sorted({position[p] for p in periods if p in position})
    if not chosen:
        return "whole horizon"
    runs: list[list[int]] = []
    for i in chosen:
        if runs and i == runs[-1][1] + 1:
            runs[-1][1] = i
        else:
            runs.append([i, i])
    return ", ".join(grid[a] if a == b else f"{grid[a]}–{grid[b]}" for a, b in runs)


def by_year(table: pd.DataFrame) -> pd.DataFrame:
    """Largest shadow price of each limit in each year where it binds (limits x years, NaN where slack)."""
    binding = table[table["binding"].astype(bool) & table["year"].notna()]
    if binding.empty:
        return pd.DataFrame()
    wide = binding.pivot_table(index="limit", columns="year", values="shadow_price", aggfunc="max")
    order = ranking(table)["limit"]
    return wide.reindex([limit for limit in order if limit in wide.index])
