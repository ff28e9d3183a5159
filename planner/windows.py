"""Launch windows: when a route may be departed, and the transit of each window.

The Mars table (``data/mars_windows.csv``, computed from JPL approximate planetary elements) lists
Earth-to-Mars departure windows to 2050. Beyond its last row, windows repeat every mean synodic period
:math:`S = 779.94` days, keeping the last row's shape (open, close and time of flight). A ``shift_days``
moves every window, which serves Mars-to-Earth returns.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from importlib.resources import files

from planner.schema.network import Window, WindowTable

SYNODIC_PERIOD_DAYS = 779.94


@dataclass(frozen=True)
class OpenSpan:
    """A window: departures allowed from ``open`` to ``close`` (inclusive)."""

    open: date
    close: date
    transit_days: float | None


@lru_cache(maxsize=1)
def mars_table() -> tuple[OpenSpan, ...]:
    text = files("planner.data").joinpath("mars_windows.csv").read_text(encoding="utf-8")
    rows = csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
    return tuple(
        OpenSpan(date.fromisoformat(r["window_open"]), date.fromisoformat(r["window_close"]), float(r["tof_days"]))
        for r in rows
    )


def open_spans(spec: WindowTable | list[Window], until: date) -> list[OpenSpan]:
    """Every window of ``spec`` that opens before ``until``."""
    if isinstance(spec, list):
        return [OpenSpan(w.open, w.close, w.transit_days) for w in spec if w.open < until]
    table = list(mars_table())
    last = table[-1]
    k = 1
    while True:
        shift = timedelta(days=round(k * SYNODIC_PERIOD_DAYS))
        nxt = OpenSpan(last.open + shift, last.close + shift, last.transit_days)
        if nxt.open >= until + timedelta(days=abs(spec.shift_days)):
            break
        table.append(nxt)
        k += 1
    shift = timedelta(days=spec.shift_days)
    spans = [OpenSpan(s.open + shift, s.close + shift, s.transit_days if spec.use_table_transit else None)
             for s in table]
    return [s for s in spans if s.open < until]
