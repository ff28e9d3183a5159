"""Launch operations: tanker classes, a cadence cap shared by several classes, launch transit consumption,
and the shipped Starship lunar landing's tanker launches per landing, each against hand arithmetic."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from planner import load_roadmap, solve, write_run
from planner.errors import InfeasibleError, RoadmapError
from planner.reports.build import report_writer
from planner.reports.narrative import headline_table, sentences
from planner.reports.run_folder import read_run
from planner.solve.run import SolveOptions
from tests.conftest import value

ROOT = Path(__file__).resolve().parents[1]
G0 = 9.80665

SHARED = """
name: shared
time: {{start: 2030, end: 2030, step: {step}}}
objective: {{mode: min_cost, discount_rate_per_year: 0}}
locations: {{earth_surface: {{}}, leo: {{}}}}
commodities:
  cargo: {{sources: [{{location: earth_surface}}]}}
launch_vehicles:
  big: {{payload_t: 100, cost_per_flight_musd: 10, max_flights_per_year: 20}}
  small: {{payload_t: 50, cost_per_flight_musd: 2, max_flights_per_year: 20}}
shared_cadence:
  pad: {{classes: [big, small], max_flights_per_year: {cap}}}
demands:
  cargo_in_orbit: {{location: leo, commodity: cargo, at_least: {need}, from: 2030-10-01}}
"""


@pytest.mark.parametrize("step", ["year", "quarter"])
def test_shared_cap_binds_across_two_classes(solve_text, step: str):
    plan = solve_text(SHARED.format(step=step, cap=12, need=1000))
    # alone, the small class is cheaper per t (2/50 < 10/100) and flies 20 flights; with 12 flights for both,
    # 100 b + 50 (12 - b) >= 1000 gives b = 8 big flights and 4 small ones: 8 x 10 + 4 x 2 = 88 M$
    assert value(plan, "flights", vehicle="big") == pytest.approx(8)
    assert value(plan, "flights", vehicle="small") == pytest.approx(4)
    assert plan.objective == pytest.approx(88, rel=1e-6)
    # one more shared flight: b = 20 - N big flights, cost 10 (20 - N) + 2 (N - (20 - N)) = 160 - 6 N; each
    # period's row binds (3 flights a quarter) and one more flight in any of them saves 6 M$
    duals = plan.duals[plan.duals["family"] == "launch_shared_cap"]
    assert list(duals["dual"].abs()) == pytest.approx([6.0] * len(plan.built.data.periods), rel=1e-6)
    assert plan.built.registry.families["launch_shared_cap"].limit == "shared launch cap"


def test_shared_cap_is_named_in_the_report(write_roadmap, tmp_path: Path):
    plan = solve(load_roadmap(write_roadmap(SHARED.format(step="year", cap=12, need=1000))))
    write_run(plan, tmp_path / "run", extra=report_writer(plan, SolveOptions().highs_options()))
    said = sentences(read_run(tmp_path / "run"))
    assert "big and small together (pad) fly their full cap in every period." in said
    # the shadow price of the test above: one more shared flight saves 6 M$
    assert any(line.startswith("The main bottleneck is the shared launch cap (launch_shared_cap), binding in 2030: "
                               "one more unit of it where it binds is worth up to 6 ") for line in said), said


def test_shared_cap_short_is_named_by_the_diagnosis(solve_text):
    with pytest.raises(InfeasibleError) as caught:
        solve_text(SHARED.format(step="year", cap=10, need=1300))
    # 10 big flights carry 1,000 t: 300 t more is 3 more big flights (6 small ones would need 6)
    assert "shared launch cap of pad in 2030: needs 3 more flights" in str(caught.value)


TANKER = """
name: tanker
time: {start: 2030, end: 2030}
objective: {mode: min_cost, discount_rate_per_year: 0}
locations: {earth_surface: {}, leo: {}, moon: {}}
commodities:
  cargo: {sources: [{location: earth_surface}]}
  propellant: {sources: [{location: earth_surface}]}
launch_vehicles:
  ship: {payload_t: 100, cost_per_flight_musd: 10}
  tanker: {payload_t: 100, cost_per_flight_musd: 5, purpose: tanker, per_trip_on: leo_moon}
routes:
  leo_moon: {from: leo, to: moon, dv_km_s: 3}
vehicles:
  lander: {payload_t: 100, propellant_capacity_t: 1000, dry_mass_t: 100, isp_s: 300, initial_units: {leo: 2}}
demands:
  cargo_on_the_moon: {location: moon, commodity: cargo, at_least: 200, from: 2030}
"""


def test_tanker_flights_are_counted(solve_text):
    plan = solve_text(TANKER)
    # each landing burns f (dry + payload), f = e^(dv/ve) - 1; the tanker launches it 100 t a flight
    burned = math.expm1(3000 / (G0 * 300)) * (100 + 100)
    assert value(plan, "tanker_flights") == pytest.approx(2 * burned / 100, rel=1e-6)
    assert value(plan, "tanker_flights") == pytest.approx(value(plan, "flights", vehicle="tanker"))
    assert value(plan, "flights", vehicle="ship") == pytest.approx(2)  # 200 t of cargo, none of it propellant
    figures = plan.summary["headlines"]
    assert figures["tanker_flights_total"] == pytest.approx(2 * burned / 100, abs=0.01)
    assert figures["tanker_flights_per_trip"] == {"leo_moon": pytest.approx(burned / 100, abs=1e-3)}


@pytest.mark.parametrize(("old", "new", "says"), [
    ("purpose: tanker,", "purpose: tanker, carries: [propellant, cargo],",
     "launch_vehicles.tanker.carries: tanker class 'tanker' launches only propellant, and 'cargo' is not one "
     "(allowed: propellants: propellant)"),
    ("initial_units: {leo: 2}", "enters_at: leo, launched_by: tanker",
     "vehicles.lander.launched_by: tanker class 'tanker' launches only propellant, not the vehicle 'lander'"),
    ("vehicles:\n  lander: {payload_t: 100, propellant_capacity_t: 1000, dry_mass_t: 100, isp_s: 300, "
     "initial_units: {leo: 2}}",
     "vehicles: {}", "launch_vehicles.tanker.purpose: tanker class 'tanker' has no propellant to launch"),
    ("per_trip_on: leo_moon", "per_trip_on: leo_mars", "launch_vehicles.tanker.per_trip_on: unknown route 'leo_mars'"),
    ("cost_per_flight_musd: 10}", "cost_per_flight_musd: 10, per_trip_on: leo_moon}",
     "per_trip_on counts tanker launches per trip: give it with purpose: tanker"),
])
def test_tanker_refuses_what_it_cannot_launch(write_roadmap, old: str, new: str, says: str):
    assert old in TANKER
    with pytest.raises(RoadmapError) as caught:
        load_roadmap(write_roadmap(TANKER.replace(old, new, 1)))
    assert says in str(caught.value)


CREW = """
name: crew_launch
time: {start: 2030, end: 2030}
objective: {mode: min_launch_mass}
locations: {earth_surface: {}, leo: {}}
commodities:
  crew: {unit: person, unit_mass_t: 0.1, sources: [{location: earth_surface}]}
  consumables: {sources: [{location: earth_surface}]}
consumption:
  life_support: {consumer: crew, consumes: consumables, per_unit_per_day: 0.008655, in_storage: false}
launch_vehicles:
  capsule: {payload_t: 10, transit_days: 2}
demands:
  crew_in_orbit: {location: leo, commodity: crew, at_least: 4, from: 2030}
  stores_in_orbit: {location: leo, commodity: consumables, at_least: 0.1, from: 2030}
"""


def test_launch_transit_eats_consumables_launched_on_the_flight(solve_text):
    plan = solve_text(CREW)
    eaten = 4 * 2 * 0.008655  # 4 crew x 2 days x 8.655 kg/person-day
    assert value(plan, "launched", commodity="consumables") == pytest.approx(0.1 + eaten, rel=1e-6)
    assert value(plan, "stock", commodity="consumables", location="leo") == pytest.approx(0.1, rel=1e-6)
    assert value(plan, "launched", commodity="crew") == pytest.approx(4)


def test_launch_transit_without_the_consumables_aboard_carries_no_crew(write_roadmap):
    path = write_roadmap(CREW.replace("capsule: {payload_t: 10, transit_days: 2}",
                                      "capsule: {payload_t: 10, transit_days: 2, carries: [crew]}\n"
                                      "  cargo: {payload_t: 10, carries: [consumables]}"))
    with pytest.raises(InfeasibleError):
        solve(load_roadmap(path))


def test_starship_landing_tanker_launches_by_the_rocket_equation(tmp_path: Path):
    path = ROOT / "roadmaps" / "examples" / "starship-lunar-landing.yaml"
    roadmap = load_roadmap(path).roadmap
    lander, tanker = roadmap.vehicles["lander"], roadmap.launch_vehicles["tanker"]
    assert (lander.dry_mass_t, lander.payload_t, lander.isp_s) == (120, 100, 378)
    assert (roadmap.routes["leo_llo"].dv_km_s, roadmap.routes["llo_surface"].dv_km_s) == (4.04, 1.87)
    assert tanker.payload_t.points == {0.0: 100}
    # from LEO the lander pushes 120 t dry + 100 t cargo through 4.04 + 1.87 km/s at ve = g0 x 378 s:
    # propellant = 220 (e^(5.91/ve) - 1) = 863.5 t, 8.63 tanker loads of 100 t: 9 whole flights
    propellant = (120 + 100) * math.expm1((4.04 + 1.87) * 1000 / (G0 * 378))
    assert propellant == pytest.approx(863.49, abs=0.01)
    plan = solve(load_roadmap(path))
    assert plan.summary["headlines"]["tanker_flights_per_trip"] == {"llo_surface": math.ceil(propellant / 100)}
    assert value(plan, "trips", route="llo_surface") == pytest.approx(1)
    write_run(plan, tmp_path / "run")
    run = read_run(tmp_path / "run")  # what the report's first page says: one flight for the lander, its cargo
    # aboard, and the tankers
    assert "Tanker launches: 9 of the 10 Earth launches; 9 per trip on llo_surface (tanker launches per landing)." \
        in sentences(run)
    heads = headline_table(run).set_index("figure")
    assert heads.loc["tanker_flights_per_trip llo_surface", "value"] == 9
    relaxed = solve(load_roadmap(path, overrides={"integer": "none"}))
    assert value(relaxed, "tanker_flights") == pytest.approx(propellant / 100, rel=1e-6)
