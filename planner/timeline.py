"""Periods of the plan: years, quarters, months, a mix of them (months for the first years, then quarters,
then years: ``step: {2026: month, 2030: quarter, 2040: year}``), or an explicit list of dates.

Period :math:`p` runs from its start date :math:`s_p` to :math:`s_{p+1}` (the horizon's end for the
last one); its length in days is :math:`d_p` and in decimal years :math:`y_p` (a calendar year is
exactly 1, a month its days over the year's days). A date belongs to
the period that contains it. A time table enters a period as its mean over the period (flows run at even
rates inside a period), so a step table keyed on years gives each calendar year its own value, and a
linear table gives a five-year period the value at its middle. A horizon has at most :data:`MAX_PERIODS`
periods (monthly for four centuries), so that a model stays buildable.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from datetime import date
from functools import cached_property

import numpy as np

from planner.schema.network import TimeSpec
from planner.schema.time_table import decimal_year

MAX_PERIODS = 5_000
MONTHS = {"year": 12, "quarter": 3, "month": 1}


@dataclass(frozen=True)
class Timeline:
    """Period start dates, the horizon's end, and a label per period."""

    starts: tuple[date, ...]
    end: date
    labels: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.starts)

    @cached_property
    def start_years(self) -> np.ndarray:
        """Decimal year of each period's start."""
        return np.array([decimal_year(s) for s in self.starts])

    @cached_property
    def length_days(self) -> np.ndarray:
        bounds = list(self.starts) + [self.end]
        return np.array([(b - a).days for a, b in zip(bounds[:-1], bounds[1:], strict=True)], dtype=float)

    @cached_property
    def end_years(self) -> np.ndarray:
        """Decimal year of each period's end (the next one's start; the horizon's end for the last)."""
        return np.append(self.start_years[1:], decimal_year(self.end))

    @cached_property
    def length_years(self) -> np.ndarray:
        """Length of each period in decimal years (exactly 1 for a calendar year)."""
        return np.diff(np.append(self.start_years, decimal_year(self.end)))

    @cached_property
    def years_from_start(self) -> np.ndarray:
        """Decimal years from the horizon's start to each period's start."""
        return self.start_years - self.start_years[0]

    def period_of(self, when: date) -> int | None:
        """Index of the period containing ``when``, or None outside the horizon."""
        if when < self.starts[0] or when >= self.end:
            return None
        return bisect_right(self.starts, when) - 1

    def periods_overlapping(self, first: date, last: date) -> list[int]:
        """Periods that share at least one day with the closed span [first, last]."""
        bounds = list(self.starts) + [self.end]
        return [p for p in range(len(self)) if bounds[p] <= last and bounds[p + 1] > first]

    def days_in_periods(self, first: date, days: float) -> dict[int, float]:
        """Days of the span :math:`[\\tau, \\tau + L)` (``first``, ``days``) falling in each period it touches:
        :math:`\\delta_p = \\max(0, \\min(\\tau + L, s_{p+1}) - \\max(\\tau, s_p))`; days beyond the horizon
        fall in none."""
        start = first.toordinal()
        stop = start + days
        bounds = self._bound_days
        shares: dict[int, float] = {}
        for p in range(max(bisect_right(bounds, start) - 1, 0), len(self)):
            if bounds[p] >= stop:
                break
            share = min(stop, bounds[p + 1]) - max(start, bounds[p])
            if share > 0:
                shares[p] = share
        return shares

    @cached_property
    def _bound_days(self) -> list[int]:
        """Day numbers (ordinals) of the period starts and of the horizon's end."""
        return [s.toordinal() for s in self.starts] + [self.end.toordinal()]

    def end_of(self, p: int) -> date:
        return self.starts[p + 1] if p + 1 < len(self) else self.end


def as_date(when: int | date, end_of_year: bool = False) -> date:
    """A year number as 1 January (or 31 December with ``end_of_year``); a date as itself."""
    if isinstance(when, date):
        return when
    return date(when, 12, 31) if end_of_year else date(when, 1, 1)


def build_timeline(spec: TimeSpec) -> Timeline:
    """Periods for a roadmap's ``time:`` section."""
    if spec.dates is not None:
        starts = tuple(sorted(spec.dates))
        end = as_date(spec.end)
        return Timeline(starts, end, tuple(s.isoformat() for s in starts))
    first = as_date(spec.start)
    end = date(spec.end + 1, 1, 1) if isinstance(spec.end, int) else spec.end
    steps = spec.step if isinstance(spec.step, dict) else {first.year: spec.step}
    changes = sorted(steps)
    starts: list[date] = []
    labels: list[str] = []
    current = first
    while current < end:
        step = steps[changes[max(bisect_right(changes, current.year) - 1, 0)]]
        starts.append(current)
        labels.append(_label(current, step))
        following = _add_months(current, MONTHS[step])
        change = next((date(y, 1, 1) for y in changes if current < date(y, 1, 1) < following), None)
        current = following if change is None else change  # a new step starts on 1 January of its year
    return Timeline(tuple(starts), end, tuple(labels))


def _label(start: date, step: str) -> str:
    if step == "year":
        return str(start.year)
    if step == "quarter":
        return f"{start.year}Q{(start.month - 1) // 3 + 1}"
    return f"{start.year}-{start.month:02d}"


def _add_months(when: date, months: int) -> date:
    month = when.month - 1 + months
    year = when.year + month // 12
    return date(year, month % 12 + 1, min(when.day, 28))
