"""Values that vary over time: a year-to-value table with a stated interpolation.

Written in a roadmap as a number (constant), or as a mapping of years to numbers with an optional
``interpolation`` (``step``, the default, or ``linear``)::

    cost_per_flight_musd: {2026: 90, 2035: 10, interpolation: linear}

Evaluated at decimal year :math:`t` with points :math:`(t_i, v_i)` sorted by year:

* before the first point the first value holds, after the last point the last value holds;
* ``step``: :math:`v(t) = v_i` for :math:`t_i \\le t < t_{i+1}`;
* ``linear``: :math:`v(t) = v_i + (v_{i+1} - v_i)(t - t_i)/(t_{i+1} - t_i)`.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, model_validator

from planner.errors import shown


def is_year_key(key: Any) -> bool:
    """Whether ``key`` names a point in time in a year table: a year number or a date."""
    return isinstance(key, (int, float, date)) and not isinstance(key, bool)


def is_year_table(raw: Any) -> bool:
    """Whether ``raw`` is written as a year-to-value table: a mapping with at least one year key."""
    return isinstance(raw, dict) and any(is_year_key(key) for key in raw)


def decimal_year(when: int | float | date) -> float:
    """A year number or a date as a decimal year (2030-07-02 is about 2030.5)."""
    if isinstance(when, date):
        start = date(when.year, 1, 1)
        length = (date(when.year + 1, 1, 1) - start).days
        return when.year + (when - start).days / length
    return float(when)


class TimeTable(BaseModel):
    """A year-to-value table. See the module docstring for the interpolation rules."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    points: dict[float, float]
    interpolation: Literal["step", "linear"] = "step"

    @model_validator(mode="before")
    @classmethod
    def _from_roadmap(cls, raw: Any) -> Any:
        if isinstance(raw, bool):
            raise ValueError("expected a number or a year-to-value table, got a boolean")
        if isinstance(raw, (int, float)):
            return {"points": {0.0: float(raw)}}
        if isinstance(raw, dict) and "points" not in raw:
            interpolation = raw.get("interpolation", "step")
            points: dict[float, Any] = {}
            written: dict[float, Any] = {}
            for key, value in raw.items():
                if key == "interpolation":
                    continue
                year = _table_year(key)
                if year in written:
                    raise ValueError(f"the table gives year {year:g} twice, as {written[year]} and as {key}")
                written[year] = key
                points[year] = value
            if not points:
                raise ValueError("a time table needs at least one year")
            return {"points": points, "interpolation": interpolation}
        return raw

    @model_validator(mode="after")
    def _sorted(self) -> TimeTable:
        years = list(self.points)
        if years != sorted(years):
            raise ValueError("table years must be in increasing order")
        return self

    def first_year(self) -> float | None:
        """The first year written in the table (None for a constant)."""
        years = [y for y in self.points if y != 0.0]
        return min(years) if years else None

    def last_year(self) -> float | None:
        years = [y for y in self.points if y != 0.0]
        return max(years) if years else None

    def at(self, years: np.ndarray | float) -> np.ndarray:
        """The table's value at each decimal year in ``years``."""
        t = np.atleast_1d(np.asarray(years, dtype=float))
        xs = np.fromiter(self.points.keys(), dtype=float)
        vs = np.fromiter(self.points.values(), dtype=float)
        if self.interpolation == "linear":
            return np.interp(t, xs, vs)
        idx = np.searchsorted(xs, t, side="right") - 1
        return vs[np.clip(idx, 0, len(vs) - 1)]

    def mean(self, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
        """The table's average over each span of decimal years ``[starts_i, ends_i)``, exactly: the integral
        of the step or linear function (constant beyond its first and last years) over the span, over the
        span's length; the value at ``starts_i`` where a span is empty."""
        a, b = np.asarray(starts, dtype=float), np.asarray(ends, dtype=float)
        if len(self.points) == 1:
            return np.full(a.shape, next(iter(self.points.values())))
        width = b - a
        safe = np.where(width > 0, width, 1.0)
        return np.where(width > 0, (self._integral(b) - self._integral(a)) / safe, self.at(a))

    def _integral(self, t: np.ndarray) -> np.ndarray:
        """:math:`F(t) = \\int_{x_0}^t f(u) du`, :math:`x_0` the table's first year (negative before it)."""
        xs = np.fromiter(self.points.keys(), dtype=float)
        vs = np.fromiter(self.points.values(), dtype=float)
        k = np.clip(np.searchsorted(xs, t, side="right") - 1, 0, len(xs) - 1)
        if self.interpolation == "linear":
            cumulative = np.concatenate(([0.0], np.cumsum(np.diff(xs) * (vs[1:] + vs[:-1]) / 2)))
            return cumulative[k] + (t - xs[k]) * (vs[k] + self.at(t)) / 2
        cumulative = np.concatenate(([0.0], np.cumsum(np.diff(xs) * vs[:-1])))
        return cumulative[k] + (t - xs[k]) * vs[k]

    def scaled(self, factor: float) -> TimeTable:
        """The same table with every value multiplied by ``factor``."""
        return TimeTable(points={k: v * factor for k, v in self.points.items()},
                         interpolation=self.interpolation)

    def to_yaml(self) -> Any:
        """The table as written in a roadmap (a number when constant)."""
        if len(self.points) == 1:
            return next(iter(self.points.values()))
        out: dict[Any, Any] = {_year_key(k): v for k, v in self.points.items()}
        out["interpolation"] = self.interpolation
        return out


def _table_year(key: Any) -> float:
    """The decimal year a table key names; ValueError when it names none."""
    if not is_year_key(key):
        hint = "; {value: X, source: ...} is a single value, written without years" if key == "value" else ""
        raise ValueError(f"table key '{shown(key)}' is not a year: a table's keys are years, dates, "
                         f"'interpolation' and 'source'{hint}")
    if isinstance(key, datetime):
        raise ValueError(f"table key {key} has a time of day: a table's dates are days (YYYY-MM-DD)")
    if not isinstance(key, date) and not 1 <= key <= 9999:
        raise ValueError(f"table key {shown(key)} is not a year (years are 1 to 9999)")
    return decimal_year(key)


def _year_key(year: float) -> int | float:
    return int(year) if float(year).is_integer() else year
