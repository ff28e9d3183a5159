"""The aggregates a golden file compares: sums of one plan quantity over a filter and a span of periods.

An aggregate :math:`A = \\sum_{r} v_r` sums the tidy rows :math:`r` of one quantity whose columns match a
filter (``vehicle: starship``) and whose period lies in a closed span ``[first, last]`` of period labels:

* **flows per decade** (flights, trips, spending by category, revenue, funding, industry activity,
  compute added, supply): the periods starting in that decade (inside the horizon);
* **cumulative flights** per vehicle class over the whole horizon;
* **levels at chosen years** (compute in service; commodities counted in their own unit, such as
  people, held away from their sources): the first period of each decade year and the last period.

The same definition evaluates on the tidy tables (:func:`evaluate`, the value a plan has) and as a
linear expression on the model (:func:`expression`, for the optimal-face ranges of
:mod:`planner.regression.face`). Aggregates are defined from the model's index sets, not from the
nonzero rows of one plan, so that two optimal plans yield the same list.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from planner.results.tables import DIM_TO_COLUMN

if TYPE_CHECKING:
    from planner.model import BuiltModel

# flow quantity -> the column it is split by (None: one total)
FLOWS: dict[str, str | None] = {
    "flights": "vehicle",
    "trips": "vehicle",
    "spending": "category",
    "revenue": None,
    "external_funding": None,
    "activity": "process",
    "compute_added": None,
    "supplied": "commodity",
}
CUMULATIVE: dict[str, str | None] = {"flights": "vehicle"}
LEVELS = ("compute_in_service",)
COUNTED_STOCK = "stock"


@dataclass(frozen=True)
class Aggregate:
    """Sum of ``quantity`` over rows matching ``where`` with period in ``[first, last]`` (labels)."""

    name: str
    quantity: str
    unit: str
    where: tuple[tuple[str, str], ...]
    first: str
    last: str

    def spec(self) -> dict[str, Any]:
        """The definition as golden-file data (the name is the key it is stored under)."""
        return {"quantity": self.quantity, "unit": self.unit, "where": dict(self.where),
                "first": self.first, "last": self.last}

    @classmethod
    def from_spec(cls, name: str, spec: dict[str, Any]) -> Aggregate:
        return cls(name, spec["quantity"], spec["unit"], tuple(sorted(spec["where"].items())),
                   spec["first"], spec["last"])


def _rows(built: BuiltModel, quantity: str) -> list[tuple[Any, dict[str, Any], Any]]:
    """(quantity declaration, {column: index part}, component data) of every index of ``quantity``."""
    m = built.model
    out = []
    for q in built.registry.quantities:
        if q.quantity != quantity:
            continue
        for index, data in getattr(m, q.component).items():
            key = index if isinstance(index, tuple) else (index,)
            columns = {DIM_TO_COLUMN.get(dim, dim): part for dim, part in zip(q.dims, key, strict=True)}
            columns.pop(None, None)
            out.append((q, columns, data))
    return out


def _unit(built: BuiltModel, quantity: str, where: dict[str, str]) -> str:
    declared = next(q.unit for q in built.registry.quantities if q.quantity == quantity)
    if declared != "commodity unit":
        return declared
    commodity = built.data.roadmap.commodities.get(where.get("commodity", ""))
    return commodity.unit if commodity is not None else "t"


def _decades(labels: tuple[str, ...], years: Any) -> list[tuple[str, str, str]]:
    """(decade label, first period, last period) of each decade the horizon touches."""
    spans: dict[int, list[str]] = {}
    for label, year in zip(labels, years, strict=True):
        spans.setdefault(int(year) // 10 * 10, []).append(label)
    return [(f"{decade}s", members[0], members[-1]) for decade, members in sorted(spans.items())]


def _chosen_periods(labels: tuple[str, ...], years: Any) -> list[str]:
    """The first period starting in each decade year (2030, 2040, ...) and the last period."""
    chosen: dict[int, str] = {}
    for label, year in zip(labels, years, strict=True):
        if int(year) % 10 == 0:
            chosen.setdefault(int(year), label)
    return sorted(set(chosen.values()) | {labels[-1]}, key=labels.index)


def aggregates(built: BuiltModel) -> list[Aggregate]:
    """Every aggregate the model defines, in a stable order."""
    labels = tuple(built.data.timeline.labels)
    years = built.data.timeline.start_years
    found: list[Aggregate] = []

    def groups(quantity: str, column: str | None) -> list[dict[str, str]]:
        values = {str(columns[column]) for _, columns, _ in _rows(built, quantity)} if column else set()
        return [{column: v} for v in sorted(values)] if column else ([{}] if _rows(built, quantity) else [])

    def add(label: str, quantity: str, where: dict[str, str], first: str, last: str) -> None:
        found.append(Aggregate(label, quantity, _unit(built, quantity, where), tuple(sorted(where.items())),
                               first, last))

    for quantity, column in FLOWS.items():
        for where in groups(quantity, column):
            for decade, first, last in _decades(labels, years):
                add(" ".join([quantity, *where.values(), decade]), quantity, where, first, last)
    for quantity, column in CUMULATIVE.items():
        for where in groups(quantity, column):
            add(" ".join(["cumulative", quantity, *where.values(), f"to {labels[-1]}"]), quantity, where,
                labels[0], labels[-1])
    chosen = _chosen_periods(labels, years)
    for quantity in LEVELS:
        for where in groups(quantity, None):
            for period in chosen:
                add(f"{quantity} {period}", quantity, where, period, period)
    roadmap = built.data.roadmap
    sources = {s.location for c in roadmap.commodities.values() for s in c.sources}
    counted = {k for k, c in roadmap.commodities.items() if c.unit != "t"}
    held = sorted({(str(c["commodity"]), str(c["location"])) for _, c, _ in _rows(built, COUNTED_STOCK)
                   if c["commodity"] in counted and c["location"] not in sources})
    for commodity, location in held:
        for period in chosen:
            add(f"{commodity} at {location} {period}", COUNTED_STOCK,
                {"commodity": commodity, "location": location}, period, period)
    return found


def _positions(labels: tuple[str, ...] | list[str]) -> dict[str, int]:
    return {label: i for i, label in enumerate(labels)}


def evaluate(aggregate: Aggregate, plan_rows: pd.DataFrame, labels: tuple[str, ...] | list[str]) -> float:
    """The aggregate's value on a plan's tidy ``plan`` table (0 when no row matches)."""
    positions = _positions(labels)
    lo, hi = positions[aggregate.first], positions[aggregate.last]
    rows = plan_rows[plan_rows["quantity"] == aggregate.quantity]
    for column, wanted in aggregate.where:
        rows = rows[rows[column].astype(str) == wanted]
    at = rows["period"].map(positions)
    return float(rows.loc[(at >= lo) & (at <= hi), "value"].sum())


def expression(aggregate: Aggregate, built: BuiltModel) -> Any:
    """The aggregate as a linear expression on ``built.model`` (scaled as the tidy tables are)."""
    labels = tuple(built.data.timeline.labels)
    positions = _positions(labels)
    lo, hi = positions[aggregate.first], positions[aggregate.last]
    terms = [q.scale * data for q, columns, data in _rows(built, aggregate.quantity)
             if lo <= columns["period"] <= hi
             and all(str(columns.get(column)) == wanted for column, wanted in aggregate.where)]
    return sum(terms)
