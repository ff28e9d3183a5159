"""Launch windows: when a route may be departed, and the transit and delta-v of each window.

The Mars table (``data/mars_windows.csv``, computed from JPL approximate planetary elements) lists
Earth-to-Mars departure windows to 2050. The Earth-Mars geometry repeats, to within days, every seven
synodic periods (about 15 years), so beyond its last row window :math:`i` is window :math:`i-7` moved by
the table's own seven-window cycle :math:`C` (the mean of :math:`t^{open}_{i+7} - t^{open}_i` over the
table, 5,467 days): open, close, time of flight and energies keep the spread of the cycle (398, 358,
318, 306, 330, 294, 210 days of flight ...) instead of repeating one row. ``shift_days`` moves every
window, which serves Mars-to-Earth returns.

A window's delta-v replaces the route's when the window gives one: a listed window's ``dv_km_s``, or
for the table with ``delta_v:`` the patched-conic burns from the window's own energies, a departure from
a circular Earth orbit of radius :math:`r_E` and, unless the arrival is aerocaptured, a capture into a
circular Mars orbit of radius :math:`r_M`,

.. math:: \\Delta v = \\sqrt{C_3 + 2\\mu_E/r_E} - \\sqrt{\\mu_E/r_E}
   + \\sqrt{v_{\\infty}^2 + 2\\mu_M/r_M} - \\sqrt{\\mu_M/r_M} + \\Delta v_{other},

plus the burns that do not depend on the window (:math:`\\Delta v_{other}`, e.g. landing).
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import lru_cache
from importlib.resources import files

from planner.schema.network import TableDeltaV, Window, WindowTable

CYCLE_WINDOWS = 7
MU_EARTH_KM3_S2 = 398_600.4418
MU_MARS_KM3_S2 = 42_828.37
RADIUS_EARTH_KM = 6_378.137
RADIUS_MARS_KM = 3_389.5


@dataclass(frozen=True)
class OpenSpan:
    """A window: departures allowed from ``open`` to ``close`` (inclusive), with its transit and delta-v
    (None: the route's own)."""

    open: date
    close: date
    transit_days: float | None
    dv_km_s: float | None = None


@dataclass(frozen=True)
class TableRow:
    """One Earth-to-Mars window of the table with its energies."""

    span: OpenSpan
    c3_km2_s2: float
    v_inf_arrival_km_s: float


@lru_cache(maxsize=1)
def mars_table() -> tuple[TableRow, ...]:
    text = files("planner.data").joinpath("mars_windows.csv").read_text(encoding="utf-8")
    rows = csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
    return tuple(
        TableRow(OpenSpan(date.fromisoformat(r["window_open"]), date.fromisoformat(r["window_close"]),
                          float(r["tof_days"])), float(r["c3_min_km2_s2"]), float(r["v_inf_arrival_km_s"]))
        for r in rows
    )


def cycle_days(table: tuple[TableRow, ...]) -> float:
    """The table's seven-window cycle: mean days from a window's opening to the opening seven windows on."""
    gaps = [(table[i + CYCLE_WINDOWS].span.open - table[i].span.open).days for i in range(len(table) - CYCLE_WINDOWS)]
    return sum(gaps) / len(gaps)


def table_rows(until: date) -> list[TableRow]:
    """The table's windows, continued by its seven-window cycle, up to the first one opening at ``until``."""
    table = mars_table()
    cycle = cycle_days(table)
    rows = list(table)
    while rows[-1].span.open < until:
        i = len(rows)
        base = table[len(table) - CYCLE_WINDOWS + (i - len(table)) % CYCLE_WINDOWS]
        shift = timedelta(days=round(cycle * ((i - len(table)) // CYCLE_WINDOWS + 1)))
        rows.append(replace(base, span=replace(base.span, open=base.span.open + shift, close=base.span.close + shift)))
    return rows


def patched_conic_dv_km_s(row: TableRow, spec: TableDeltaV) -> float:
    """Departure from a circular Earth orbit, capture into a circular Mars orbit (none when aerocaptured),
    plus the window-independent burns: see the module's formula."""
    def hyperbolic(v_inf_sq: float, mu: float, radius_km: float) -> float:
        return math.sqrt(v_inf_sq + 2 * mu / radius_km) - math.sqrt(mu / radius_km)

    dv = hyperbolic(row.c3_km2_s2, MU_EARTH_KM3_S2, RADIUS_EARTH_KM + spec.departure_altitude_km)
    if spec.capture_altitude_km is not None:
        dv += hyperbolic(row.v_inf_arrival_km_s ** 2, MU_MARS_KM3_S2, RADIUS_MARS_KM + spec.capture_altitude_km)
    return dv + spec.other_km_s


def open_spans(spec: WindowTable | list[Window], until: date) -> list[OpenSpan]:
    """Every window of ``spec`` that opens before ``until``."""
    if isinstance(spec, list):
        return [OpenSpan(w.open, w.close, w.transit_days, w.dv_km_s) for w in spec if w.open < until]
    shift = timedelta(days=spec.shift_days)
    spans = [OpenSpan(row.span.open + shift, row.span.close + shift,
                      row.span.transit_days if spec.use_table_transit else None,
                      patched_conic_dv_km_s(row, spec.delta_v) if spec.delta_v is not None else None)
             for row in table_rows(until + timedelta(days=abs(spec.shift_days)))]
    return [s for s in spans if s.open < until]
