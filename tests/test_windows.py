"""Mars windows: the table's own 15-year cycle beyond 2050, and each window's delta-v from its energies."""

from __future__ import annotations

import csv
import math
from datetime import date, timedelta

import pytest

from planner import load_roadmap
from planner.model.data import build_data
from planner.windows import table_rows
from tests.conftest import value

CSV = "planner/data/mars_windows.csv"


def reference_rows() -> list[dict[str, str]]:
    with open(CSV, encoding="utf-8") as handle:
        return list(csv.DictReader(line for line in handle if not line.startswith("#")))


def test_windows_after_the_table_follow_its_seven_window_cycle():
    rows = reference_rows()
    opens = [date.fromisoformat(r["window_open"]) for r in rows]
    cycle = sum((opens[i + 7] - opens[i]).days for i in range(len(opens) - 7)) / (len(opens) - 7)
    assert 5455 < cycle < 5475  # seven synodic periods of 779.94 days are 5,459.6
    after = [r.span for r in table_rows(date(2081, 1, 1))][len(rows):]
    assert len(after) >= 14
    for k, span in enumerate(after):
        source = rows[len(rows) - 7 + k % 7]
        moved = timedelta(days=round(cycle * (k // 7 + 1)))
        assert span.open == date.fromisoformat(source["window_open"]) + moved
        assert span.close == date.fromisoformat(source["window_close"]) + moved
        assert span.transit_days == float(source["tof_days"])
    # the spread of flight times survives (2051-2065: the 2037-2050 cycle's), no single row repeated
    assert [s.transit_days for s in after[:7]] == [398, 358, 318, 306, 330, 294, 210]
    # windows stay one synodic period apart, give or take the table's own spread, and never overlap
    table_gaps = [(opens[i + 1] - opens[i]).days for i in range(len(opens) - 1)]
    spans = [r.span for r in table_rows(date(2081, 1, 1))]
    gaps = [(b.open - a.open).days for a, b in zip(spans, spans[1:], strict=False)]
    assert min(table_gaps) - 2 <= min(gaps) and max(gaps) <= max(table_gaps) + 2
    assert all(a.close < b.open for a, b in zip(spans, spans[1:], strict=False))


MARS = """
name: mars_dv
time: {{start: 2026, end: 2027, step: month}}
objective: {{mode: max_delivered, delivered: {{location: mars, commodities: [cargo]}}}}
locations: {{leo: {{}}, mars: {{}}}}
commodities:
  cargo: {{sources: [{{location: leo}}]}}
  propellant: {{sources: [{{location: leo}}]}}
routes:
  to_mars: {{from: leo, to: mars, dv_km_s: 4.3, windows: {windows}}}
vehicles:
  ship: {{payload_t: 100, propellant_capacity_t: 1500, dry_mass_t: 120, isp_s: 378, initial_units: {{leo: 1}}}}
"""


def test_a_windows_delta_v_comes_from_its_c3_and_arrival_speed(write_roadmap):
    windows = "{table: mars, delta_v: {departure_altitude_km: 400, capture_altitude_km: 300, other_km_s: 0.1}}"
    loaded = load_roadmap(write_roadmap(MARS.format(windows=windows)))
    arcs = build_data(loaded.roadmap).arcs  # the 2026 window (Oct and Nov): the 2028 one lands after 2027
    assert [a.depart_date for a in arcs] == [date(2026, 10, 15), date(2026, 11, 1)]
    # by hand, 2026 window: C3 9.1 km2/s2 from 6,778.137 km; v_inf 2.70 km/s into 3,689.5 km (patched conics)
    departure = math.sqrt(9.1 + 2 * 398600.4418 / 6778.137) - math.sqrt(398600.4418 / 6778.137)  # 3.588
    capture = math.sqrt(2.70 ** 2 + 2 * 42828.37 / 3689.5) - math.sqrt(42828.37 / 3689.5)  # 2.116
    assert departure == pytest.approx(3.588, abs=1e-3) and capture == pytest.approx(2.116, abs=1e-3)
    assert all(a.dv_km_s == pytest.approx(departure + capture + 0.1, rel=1e-12) for a in arcs)
    assert all(a.transit_days == 294 for a in arcs)
    # the plan burns by the rocket equation with that delta-v: b = f/(1+f) (dry + payload + propellant loaded)
    from planner import solve

    plan = solve(loaded)
    f = math.expm1((departure + capture + 0.1) * 1000 / (9.80665 * 378))
    trips, loaded_t = value(plan, "trips"), value(plan, "propellant_loaded")
    assert trips > 0 and value(plan, "cargo") == pytest.approx(100 * trips, rel=1e-9)  # full ships
    burned = f / (1 + f) * (120 * trips + 100 * trips + loaded_t)
    assert value(plan, "propellant_burned") == pytest.approx(burned, rel=1e-9)
    assert loaded_t >= 220 * f * trips * (1 - 1e-9)  # what the burn needs: l = f/(1+f)(220 + l) per trip


def test_a_listed_windows_delta_v_replaces_the_routes(write_roadmap):
    windows = "[{open: 2026-10-15, close: 2026-11-28, transit_days: 294, dv_km_s: 5.0}]"
    arcs = build_data(load_roadmap(write_roadmap(MARS.format(windows=windows))).roadmap).arcs
    assert [a.dv_km_s for a in arcs] == [5.0, 5.0]
    without = "[{open: 2026-10-15, close: 2026-11-28, transit_days: 294}]"
    arcs = build_data(load_roadmap(write_roadmap(MARS.format(windows=without))).roadmap).arcs
    assert [a.dv_km_s for a in arcs] == [4.3, 4.3]


def test_table_energies_are_refused_for_shifted_windows(write_roadmap):
    from planner.errors import RoadmapError

    windows = "{table: mars, shift_days: -67, delta_v: {departure_altitude_km: 400}}"
    with pytest.raises(RoadmapError, match="delta_v from the table's energies holds for Earth-to-Mars departures"):
        load_roadmap(write_roadmap(MARS.format(windows=windows)))
