"""Row duals as a tidy table (``duals.csv``): one row per matrix row, its index as named columns.

A row of family ``f`` indexed ``(..., period)`` gets its period as the period's label and decimal start
year (the model's convention: the period is the last integer of a row's index; a whole-horizon row, such
as vehicle copies, has none). The other parts of the index go in named columns: a name the roadmap defines
in the column of its kind (``vehicle``, ``route``, ``location``, ``commodity``, ``process``, ...; a second
name of the same kind in ``location_2``), a fraction in ``share_of_period`` (where inside the period the
cash is checked), anything else in ``item``. ``dual`` is HiGHS's row dual :math:`\\lambda` in objective
units per unit of the row (for a MIP, of the LP with its integer decisions fixed).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from planner.schema.roadmap import Roadmap

LAST = ["period", "year", "dual"]


def dual_table(families: Sequence[str], indices: Sequence[Any], duals: Sequence[float], labels: Sequence[str],
               years: Sequence[float], roadmap: Roadmap) -> pd.DataFrame:
    """The tidy table of the rows ``families[i]``, ``indices[i]`` (Pyomo indices) with duals ``duals[i]``."""
    kinds = name_kinds(roadmap)
    known: dict[tuple[Any, ...], dict[str, Any]] = {}  # a row's parts recur in every period
    named, periods = [], []
    for index in indices:
        parts, p = split_index(index)
        if parts not in known:
            known[parts] = named_parts(parts, kinds)
        named.append(known[parts])
        periods.append(p)
    middle = dict.fromkeys(c for parts in known.values() for c in parts)
    return pd.DataFrame({
        "family": list(families),
        **{c: [n.get(c) for n in named] for c in middle},
        "period": [labels[p] if p is not None else "" for p in periods],
        "year": [float(years[p]) if p is not None else np.nan for p in periods],
        "dual": np.asarray(duals, dtype=float),
    }, columns=["family", *middle, *LAST])


def index_columns(table: pd.DataFrame) -> list[str]:
    """The named index columns of a dual table (or of its rows ``table``) that hold a value in some row."""
    columns = list(table.columns)
    inner = columns[columns.index("family") + 1:columns.index("period")]
    return [c for c in inner if table[c].replace("", np.nan).notna().any()]


def name_kinds(r: Roadmap) -> dict[str, str]:
    """The column of each name the roadmap defines (``starship`` -> vehicle, ``leo`` -> location)."""
    kinds: dict[str, str] = {}
    for column, names in (("requirement", [q for loc in r.locations.values() for q in loc.requirements]),
                          ("demand", r.demands), ("milestone", r.milestones), ("pad", r.shared_cadence),
                          ("process", r.processes), ("commodity", r.commodities), ("route", r.routes),
                          ("location", r.locations), ("vehicle", [*r.launch_vehicles, *r.vehicles, *r.stacks])):
        kinds.update(dict.fromkeys(names, column))  # later kinds win: a vehicle is also a commodity of the model
    return kinds


def named_parts(parts: tuple[Any, ...], kinds: dict[str, str]) -> dict[str, Any]:
    """An index's parts by column: ``('ship', 'leo', 'llo')`` -> vehicle ship, location leo, location_2 llo."""
    out: dict[str, Any] = {}
    for part in parts:
        column = "share_of_period" if isinstance(part, float) else kinds.get(str(part), "item")
        name, n = column, 1
        while name in out:
            n += 1
            name = f"{column}_{n}"
        out[name] = part
    return out


def split_index(index: Any) -> tuple[tuple[Any, ...], int | None]:
    """A row's index without its period, and the period (its last integer; None when it has none)."""
    parts = index if isinstance(index, tuple) else (() if index is None else (index,))
    ints = [i for i, p in enumerate(parts) if isinstance(p, (int, np.integer)) and not isinstance(p, bool)]
    if not ints:
        return parts, None
    return parts[:ints[-1]] + parts[ints[-1] + 1:], int(parts[ints[-1]])
