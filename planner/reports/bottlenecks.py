"""Bottlenecks: which limits bind in which periods, and what one more unit of each is worth.

The row duals of the LP (for a MIP, of the LP with its integer decisions fixed) are read from
``duals.csv``; the constraint families a strategist can relax carry a ``limit`` label in the model
registry (written to ``families.json``). For a row :math:`a^T x \\le b` with dual :math:`\\lambda`,
relaxing :math:`b` by one unit changes the optimal objective by :math:`\\lambda` (to first order), and
relaxing a limit never makes the plan worse, so the shadow price shown is :math:`|\\lambda|`: objective
units per unit of the row (a flight for the launch cap, a GW for the chip supply, an M$ for funding).
A row binds when its shadow price is nonzero (complementary slackness).

The period of a row is the last integer of its index (the model's convention: rows are indexed
``(..., period)``); rows without one (a whole-horizon limit such as vehicle copies) get no period.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

COLUMNS = ["family", "limit", "subsystem", "index", "period", "year", "shadow_price", "binding"]
BINDING_TOLERANCE = 1e-8


def bottleneck_table(duals: pd.DataFrame, families: dict[str, dict[str, Any]], labels: Sequence[str],
                     years: Sequence[float]) -> pd.DataFrame:
    """One row per matrix row of a limit family: its period, shadow price and whether it binds."""
    limits = {name: f for name, f in families.items() if f.get("limit")}
    rows = duals[duals["family"].isin(list(limits))]
    records = []
    for family, index, dual in zip(rows["family"], rows["index"], rows["dual"], strict=True):
        p = _period(index)
        price = abs(float(dual))
        records.append({"family": family, "limit": limits[family]["limit"],
                        "subsystem": limits[family].get("subsystem", ""), "index": str(index),
                        "period": labels[p] if p is not None else "", "year": float(years[p]) if p is not None
                        else np.nan, "shadow_price": price, "binding": price > BINDING_TOLERANCE})
    return pd.DataFrame.from_records(records, columns=COLUMNS)


def ranking(table: pd.DataFrame) -> pd.DataFrame:
    """Limits by the value of relaxing all their rows by one unit (sum of shadow prices), largest first.

    Columns: limit, families, binding_rows, first_year, last_year, total_shadow_price, max_shadow_price.
    """
    binding = table[table["binding"].astype(bool)]
    if binding.empty:
        return pd.DataFrame(columns=["limit", "families", "binding_rows", "first_year", "last_year",
                                     "total_shadow_price", "max_shadow_price"])
    grouped = binding.groupby("limit")
    out = pd.DataFrame({
        "families": grouped["family"].agg(lambda f: ", ".join(sorted(set(f)))),
        "binding_rows": grouped.size(),
        "first_year": grouped["year"].min(),
        "last_year": grouped["year"].max(),
        "total_shadow_price": grouped["shadow_price"].sum(),
        "max_shadow_price": grouped["shadow_price"].max(),
    }).reset_index()
    return out.sort_values(["total_shadow_price", "limit"], ascending=[False, True]).reset_index(drop=True)


def by_year(table: pd.DataFrame) -> pd.DataFrame:
    """Largest shadow price of each limit in each year where it binds (limits x years, NaN where slack)."""
    binding = table[table["binding"].astype(bool) & table["year"].notna()]
    if binding.empty:
        return pd.DataFrame()
    wide = binding.pivot_table(index="limit", columns="year", values="shadow_price", aggfunc="max")
    order = ranking(table)["limit"]
    return wide.reindex([limit for limit in order if limit in wide.index])


def _period(index: Any) -> int | None:
    if isinstance(index, str):
        try:
            index = ast.literal_eval(index)
        except (ValueError, SyntaxError):
            return None
    parts = index if isinstance(index, tuple) else (index,)
    ints = [p for p in parts if isinstance(p, (int, np.integer)) and not isinstance(p, bool)]
    return int(ints[-1]) if ints else None
