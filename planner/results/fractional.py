"""Counts that come out fractional: a plan is never silently fractional.

A strategic roadmap solved as an LP (``integer: none``, or ``auto`` with vehicles not marked
``integer: true``) may send 0.18 of a ship or 1.34 people to Mars. This module finds such values in the
plan's tidy table so that the summary, the terminal and the report say so.

**What counts in units**, and is checked only when the roadmap's ``integer:`` setting leaves it continuous
(:meth:`planner.model.data.ModelData.integer`: ``all`` makes everything integer, ``auto`` what the roadmap
marks, ``none`` nothing; integer decisions are whole by construction):

* in-space vehicles: ``vehicles_built``, ``vehicles_parked``, ``vehicles_in_fleet`` and ``trips`` of a
  vehicle class (integer when the class says ``integer: true``);
* launch ``flights`` of a launch class (integer under ``all``, or when the class says ``integer: true``);
* ``milestone_reached`` (binary unless ``integer: none``; a share between 0 and 1 is a proportional reward);
* counted commodities (a ``unit`` other than ``t``, such as crew in persons): their ``stock``, ``cargo``,
  ``launched``, ``facility_launch`` and ``supplied`` amounts, in the commodity's own unit (integer when the
  commodity says ``integer: true`` and the setting is not ``none``).

**Fractional** means more than :data:`TOLERANCE` (relative to the value, and at least that much absolute)
away from the nearest whole number, and only **small counts** are flagged: values below :data:`SMALL`
units. 0.3 of a flight is a credibility problem, 8,760.4 flights a year is not.

**The largest cases** are those where rounding would change the count the most: the distance to the
nearest whole number as a share of the value, counting values below one unit as one (0.55 of a ship
built: 0.45; 6.49 ships: 0.08; 76.52 trips: 0.006), then the earlier period; one case per series (a
quantity of one vehicle, place, route, commodity or milestone), at its largest, so that a ship parked
for thirty years is one case. The counts count every value.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from planner.model.data import ModelData

TOLERANCE = 1e-6  # relative to the value, and absolute: closer to a whole number than this is whole
SMALL = 100.0  # counts at or above this many units may stay continuous
CASES = 10  # the largest cases kept in the summary

VEHICLE_QUANTITIES = ("vehicles_built", "vehicles_parked", "vehicles_in_fleet", "trips")
COMMODITY_QUANTITIES = ("stock", "cargo", "launched", "facility_launch", "supplied")
NAMES = ("vehicle", "location", "route", "commodity", "milestone")  # the columns that name a row's series
# how a case reads: a template over the plan row's columns, followed by its value and period
LABELS = {
    "vehicles_built": "{vehicle} built",
    "vehicles_parked": "{vehicle} parked at {location}",
    "vehicles_in_fleet": "{vehicle} in the fleet",
    "trips": "{vehicle} trips on {route}",
    "flights": "{vehicle} flights",
    "milestone_reached": "milestone {milestone} reached, share",
    "stock": "{commodity} at {location}",
    "cargo": "{commodity} carried by {vehicle} on {route}",
    "launched": "{commodity} launched by {vehicle}",
    "facility_launch": "{commodity} launched on {route}",
    "supplied": "{commodity} supplied",
}


@dataclass(frozen=True)
class Continuous:
    """What the roadmap's ``integer:`` setting leaves continuous, among the quantities counted in units."""

    integer: str
    vehicles: list[str]
    launch_vehicles: list[str]
    milestones: bool
    commodities: list[str]

    @classmethod
    def of(cls, data: ModelData) -> Continuous:
        r = data.roadmap
        return cls(integer=r.integer,
                   vehicles=[v for v, fl in data.flyers.items() if not data.integer(fl.integer)],
                   launch_vehicles=[lv for lv, spec in r.launch_vehicles.items() if not data.integer(spec.integer)],
                   milestones=bool(r.milestones) and not data.integer(True),
                   commodities=[k for k, c in r.commodities.items() if c.unit != "t" and not data.whole(k)])

    def checked(self, plan: pd.DataFrame) -> pd.Series:
        """Which rows of the tidy ``plan`` are counts in units that the setting leaves continuous."""
        quantity = plan["quantity"]
        return ((quantity.isin(VEHICLE_QUANTITIES) & plan["vehicle"].isin(self.vehicles))
                | ((quantity == "flights") & plan["vehicle"].isin(self.launch_vehicles))
                | ((quantity == "milestone_reached") & self.milestones)
                | (quantity.isin(COMMODITY_QUANTITIES) & plan["commodity"].isin(self.commodities)))


def fractional_counts(plan: pd.DataFrame, data: ModelData) -> dict[str, Any]:
    """The ``fractional`` block of ``summary.json`` for the tidy ``plan`` of a roadmap (``data``).

    ``integer``: the roadmap's setting; ``continuous``: what it leaves continuous (vehicle and launch
    classes, whether milestones, counted commodities); ``small_below`` and ``tolerance``: the thresholds;
    ``counts``: fractional small counts per quantity; ``series``: the series they fall in; ``cases``: the
    :data:`CASES` largest, one per series (quantity, the row's names, period, value, unit, text);
    ``remedy``: the ``--set`` overrides that make the flagged vehicles, flights, milestones and counted
    commodities whole."""
    continuous = Continuous.of(data)
    rows = plan[continuous.checked(plan)]
    off = (rows["value"] - rows["value"].round()).abs()
    small = rows["value"].abs() < SMALL
    size = rows["value"].abs().clip(lower=1.0)
    flagged = rows.assign(share=off / size)[(off > TOLERANCE * size) & small]
    flagged = flagged.sort_values(["share", "year"], ascending=[False, True], kind="stable")
    largest = flagged.drop_duplicates(["quantity", *NAMES])  # one case per series: its largest
    r = data.roadmap
    remedy = ["integer=auto"] if r.integer == "none" and len(flagged) else []
    remedy += [f"vehicles.{w}.integer=true" for w in sorted({w for v in _names(flagged, VEHICLE_QUANTITIES, "vehicle")
                                                             for w in data.flyers[v].members})
               if not r.vehicles[w].integer]
    remedy += [f"launch_vehicles.{lv}.integer=true" for lv in _names(flagged, ("flights",), "vehicle")
               if not r.launch_vehicles[lv].integer]
    remedy += [f"commodities.{k}.integer=true" for k in _names(flagged, COMMODITY_QUANTITIES, "commodity")
               if not r.commodities[k].integer]
    return {
        "integer": continuous.integer,
        "continuous": {"vehicles": continuous.vehicles, "launch_vehicles": continuous.launch_vehicles,
                       "milestones": continuous.milestones, "commodities": continuous.commodities},
        "small_below": SMALL,
        "tolerance": TOLERANCE,
        "counts": {str(q): int(n) for q, n in flagged["quantity"].value_counts(sort=False).sort_index().items()},
        "series": len(largest),
        "cases": [_case(row) for row in largest.head(CASES).to_dict("records")],
        "remedy": remedy,
    }


def _names(flagged: pd.DataFrame, quantities: tuple[str, ...], column: str) -> list[str]:
    """The names in ``column`` of the flagged rows of ``quantities``, sorted."""
    return sorted(set(flagged.loc[flagged["quantity"].isin(quantities), column]))


def _case(row: dict[str, Any]) -> dict[str, Any]:
    names = {k: row[k] for k in NAMES if isinstance(row[k], str) and row[k]}
    text = f"{LABELS[row['quantity']].format(**names)} {shown(row['value'])} ({row['period']})"
    return {"quantity": row["quantity"], **names, "period": row["period"], "value": float(row["value"]),
            "unit": row["unit"], "text": text}


def shown(value: float) -> str:
    """``value`` with the fewest decimals (two at least, six at most) that do not round its fraction away."""
    for decimals in range(2, 7):
        text = f"{value:.{decimals}f}"
        if text != f"{round(value):.{decimals}f}":
            return text.rstrip("0")
    return f"{value:.3g}"


def describe(block: dict[str, Any], cases: int) -> str | None:
    """The ``fractional`` block of a summary in one line, with its ``cases`` largest cases and how to get
    whole units (None when no count is fractional)."""
    total = sum(block["counts"].values())
    if not total:
        return None
    shown_cases = [case["text"] for case in block["cases"][:cases]]
    more = ", ..." if block["series"] > len(shown_cases) else ""
    plan = "LP plan, " if block["integer"] == "none" else ""
    text = f"{total} fractional counts ({plan}integer: {block['integer']}): {', '.join(shown_cases)}{more}"
    if block["remedy"]:
        text += " — solve with " + " ".join(f"--set {o}" for o in block["remedy"]) + " for whole units"
    return text
