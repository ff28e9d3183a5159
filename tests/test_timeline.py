"""Periods of mixed length: months for the first years, then quarters, then years."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from planner.model.refinement import split
from planner.schema.network import TimeSpec
from planner.timeline import build_timeline


def test_a_step_mapping_changes_the_period_length_on_1_january_of_its_year():
    t = build_timeline(TimeSpec(start=2026, end=2035, step={2026: "month", 2028: "quarter", 2030: "year"}))
    assert len(t) == 24 + 8 + 6
    assert t.labels[:2] == ("2026-01", "2026-02")
    assert t.labels[23:26] == ("2027-12", "2028Q1", "2028Q2")
    assert t.labels[31:33] == ("2029Q4", "2030")
    assert t.starts[24] == date(2028, 1, 1) and t.starts[32] == date(2030, 1, 1)
    assert t.end == date(2036, 1, 1)
    # the periods tile the horizon: their lengths add up to the ten years from 2026 to 2036
    assert t.length_years.sum() == pytest.approx(10.0, abs=1e-12)
    assert t.length_years[32] == 1.0


def test_a_change_inside_a_period_starts_a_new_one_on_1_january():
    """A horizon that starts in July in quarters and turns to years in 2027: 2026Q3, 2026Q4, then 2027."""
    t = build_timeline(TimeSpec(start=date(2026, 7, 1), end=2028, step={2026: "quarter", 2027: "year"}))
    assert t.labels == ("2026Q3", "2026Q4", "2027", "2028")


def test_a_step_mapping_must_cover_the_start():
    with pytest.raises(ValidationError, match="at or before the horizon's start"):
        TimeSpec(start=2026, end=2035, step={2030: "year"})


def test_a_split_cuts_on_the_first_of_the_month_or_the_nearest_day():
    quarters = build_timeline(TimeSpec(start=2030, end=2030, step="quarter"))
    # Q1 kept; Q2 (91 days) into 3 parts of a month; Q3 (92 days) into 4 parts of 23 days, cut on days 23, 46
    # and 69 of the quarter (decimal years 2030.4959 + k 0.0630 -> the nearest day); Q4 into 2 of 1.5 months
    parted = split(quarters, [1, 3, 4, 2])
    assert parted.labels[:1] == ("2030Q1",)
    assert parted.starts == (date(2030, 1, 1), date(2030, 4, 1), date(2030, 5, 1), date(2030, 6, 1),
                             date(2030, 7, 1), date(2030, 7, 24), date(2030, 8, 16), date(2030, 9, 8),
                             date(2030, 10, 1), date(2030, 11, 1))
    assert parted.labels[1:4] == ("2030-04-01", "2030-05-01", "2030-06-01") and parted.end == quarters.end
