"""Bottlenecks: which limits bind in which periods, and what one more unit of each is worth.

The row duals of the LP (for a MIP, of the LP with its integer decisions fixed) are read from
``duals.csv``; the constraint families a strategist can relax carry a ``limit`` label in the model
registry (written to ``families.json``). For a row :math:`a^T x \\le b` with dual :math:`\\lambda`,
relaxing :math:`b` by one unit changes the optimal objective by :math:`\\lambda` (to first order), and
relaxing a limit never makes the plan worse, so the shadow price shown is :math:`|\\lambda|`: objective
units per unit of the row (a flight for the launch cap, a GW for the chip supply, an M$ for funding).
A row binds when its shadow price is nonzero (complementary slackness).

The period of a row is the last integer of its index (the model's convention: rows are indexed
``(..., period)``), written as its label; rows without one (a whole-horizon limit such as vehicle copies)
get no period. The other parts of the index are written as named columns: a name the roadmap defines goes
in the column of its kind (``vehicle``, ``route``, ``location``, ``commodity``, ``process``, ...), a
fraction in ``share_of_period`` (where inside the period the cash is checked), anything else in ``item``.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from planner.schema.roadmap import Roadmap

FIRST, LAST = ["family", "limit", "subsystem"], ["period", "year", "shadow_price", "binding"]
BINDING_TOLERANCE = 1e-8


def bottleneck_table(duals: pd.DataFrame, families: dict[str, dict[str, Any]], labels: Sequence[str],
                     years: Sequence[float], roadmap: Roadmap) -> pd.DataFrame:
    """One row per matrix row of a limit family: its index as named columns, its period, shadow price and
    whether it binds."""
    limits = {name: f for name, f in families.items() if f.get("limit")}
    rows = duals[duals["family"].isin(list(limits))]
    kinds = name_kinds(roadmap)
    records, middle = [], {}
    for family, index, dual in zip(rows["family"], rows["index"], rows["dual"], strict=True):
        parts, p = _parts(index)
        named = _named(parts, kinds)
        middle.update(dict.fromkeys(named))
        price = abs(float(dual))
        records.append({"family": family, "limit": limits[family]["limit"],
                        "subsystem": limits[family].get("subsystem", ""), **named,
                        "period": labels[p] if p is not None else "", "year": float(years[p]) if p is not None
                        else np.nan, "shadow_price": price, "binding": price > BINDING_TOLERANCE})
    return pd.DataFrame.from_records(records, columns=[*FIRST, *middle, *LAST])


def name_kinds(r: Roadmap) -> dict[str, str]:
    """The column of each name the roadmap defines (``starship`` -> vehicle, ``leo`` -> location)."""
    kinds: dict[str, str] = {}
    for column, names in (("requirement", [q for loc in r.locations.values() for q in loc.requirements]),
                          ("demand", r.demands), ("milestone", r.milestones), ("pad", r.shared_cadence),
                          ("process", r.processes), ("commodity", r.commodities), ("route", r.routes),
                          ("location", r.locations), ("vehicle", [*r.launch_vehicles, *r.vehicles, *r.stacks])):
        kinds.update(dict.fromkeys(names, column))  # later kinds win: a vehicle is also a commodity of the model
    return kinds


def _named(parts: tuple[Any, ...], kinds: dict[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for part in parts:
        column = "share_of_period" if isinstance(part, float) else kinds.get(str(part), "item")
        name, n = column, 1
        while name in out:
            n += 1
            name = f"{column}_{n}"
        out[name] = part
    return out


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


def _parts(index: Any) -> tuple[tuple[Any, ...], int | None]:
    """A row's index (as ``duals.csv`` writes it) without its period, and the period (the last integer)."""
    if isinstance(index, str):
        try:
            index = ast.literal_eval(index)
        except (ValueError, SyntaxError):
            pass
    parts = index if isinstance(index, tuple) else (index,)
    ints = [i for i, p in enumerate(parts) if isinstance(p, (int, np.integer)) and not isinstance(p, bool)]
    if not ints:
        return parts, None
    return parts[:ints[-1]] + parts[ints[-1] + 1:], int(parts[ints[-1]])
