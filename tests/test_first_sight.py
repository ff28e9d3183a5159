"""Issue 19, "first sight": what a first user met. A lander listing a route beyond its reach, problems
reported one run at a time, command-line errors placed in the roadmap, ``--set`` overrides that left no
trace, a snapshot that stopped at a golden equal within its tolerance, long commands without progress."""

from __future__ import annotations

import math

from typer.testing import CliRunner

from planner.cli import app

LANDER = """\
name: lander
time: {start: 2026, end: 2030}
objective: {mode: min_cost, discount_rate_per_year: 0.05}
locations:
  earth_surface: {}
  leo: {}
  moon: {}
commodities:
  cargo:
    sources: [{location: earth_surface}]
  propellant:
    sources: [{location: leo, cost_usd_per_kg: 500}]
routes:
  leo_moon: {from: leo, to: moon, dv_km_s: 2.0, transit_days: 5}
  descent: {from: leo, to: moon, dv_km_s: 5.9, transit_days: 5}
  window: {from: leo, to: moon, dv_km_s: 1.0, transit_days: 5,
           windows: [{open: 2027-01-01, close: 2027-02-01}, {open: 2028-01-01, close: 2028-02-01, dv_km_s: 5.9}]}
vehicles:
  lander:
    payload_t: 10
    propellant_capacity_t: 15
    dry_mass_t: 12
    isp_s: 450
    propellant: propellant
    routes: [leo_moon]
    initial_units: {leo: 1}
launch_vehicles:
  starship:
    payload_t: 100
    cost_per_flight_musd: 90
    max_flights_per_year: 25
demands:
  cargo_on_moon: {location: moon, commodity: cargo, at_least: 10, from: 2029}
"""
REACH_KM_S = 9.80665 * 450 * math.log(27 / 12) / 1000  # 3.58 km/s


def cli(*args: object) -> tuple[int, str]:
    result = CliRunner().invoke(app, [str(a) for a in args])
    return result.exit_code, result.output


def line_of(text: str, fragment: str) -> int:
    return next(i + 1 for i, line in enumerate(text.splitlines()) if fragment in line)


# --- 1. vehicle reach per route -------------------------------------------------------------------------

def test_the_lander_roadmap_is_valid(write_roadmap):
    code, out = cli("validate", write_roadmap(LANDER))
    assert code == 0, out


def test_a_listed_route_beyond_reach_names_vehicle_route_delta_v_reach_and_shortfall(write_roadmap):
    text = LANDER.replace("routes: [leo_moon]", "routes: [leo_moon, descent]")
    path = write_roadmap(text)
    code, out = cli("validate", path)
    assert code == 2 and "Traceback" not in out, out
    assert f"{path}:{line_of(text, 'routes: [leo_moon, descent]')}:" in out
    for fragment in ("vehicles.lander.routes", "'lander'", "'descent'", "5.90 km/s", f"{REACH_KM_S:.2f} km/s",
                     f"{5.9 - REACH_KM_S:.2f} km/s short", "propellant_capacity_t of at least", "isp_s of at least"):
        assert fragment in out, (fragment, out)
    assert "leo_moon'" not in out  # within reach


def test_a_windowed_route_is_checked_at_its_largest_window_delta_v(write_roadmap):
    text = LANDER.replace("routes: [leo_moon]", "routes: [leo_moon, window]")
    code, out = cli("validate", write_roadmap(text))
    assert code == 2, out
    assert "'window'" in out and "5.90 km/s (the largest over its windows)" in out, out


def test_routes_all_leaves_routes_out_of_reach_unflown(write_roadmap):
    code, out = cli("validate", write_roadmap(LANDER.replace("routes: [leo_moon]", "routes: all")))
    assert code == 0, out


def test_remedies_are_enough(write_roadmap):
    """The tank and the Isp the message asks for each reach the route."""
    text = LANDER.replace("routes: [leo_moon]", "routes: [descent]")
    out = cli("validate", write_roadmap(text))[1]
    tank = float(out.split("propellant_capacity_t of at least ")[1].split()[0])
    isp = float(out.split("isp_s of at least ")[1].split()[0].rstrip(")"))
    for old, new in (("propellant_capacity_t: 15", f"propellant_capacity_t: {tank * 1.001:g}"),
                     ("isp_s: 450", f"isp_s: {isp * 1.001:g}")):
        code, out = cli("validate", write_roadmap(text.replace(old, new), "fixed.yaml"))
        assert code == 0, out


# --- 2. every independent problem in one run -------------------------------------------------------------

THREE_PROBLEMS = LANDER.replace("{location: moon, commodity: cargo", "{location: mon, commodity: cargo").replace(
    "demands:", "processes:\n  smelter:\n    location: moon\n    capital: {cargo: 10}\n    outputs: {propellant: 1}\n"
                "    energy_kwh_per_t: 500\nmilestones:\n  m1:\n"
                "    metric: {compute_gw: true, stock: {location: moon, commodity: cargo}}\n    threshold: 1\ndemands:")


def test_a_metric_error_a_misspelt_location_and_a_missing_power_block_are_reported_together(write_roadmap):
    path = write_roadmap(THREE_PROBLEMS)
    code, out = cli("validate", path)
    assert code == 2 and "Traceback" not in out, out
    for fragment, key in (("choose exactly one of", "milestones.m1.metric"),
                          ("unknown location 'mon'", "demands.cargo_on_moon.location"),
                          ("declares no 'power:'", "processes.smelter.energy_kwh_per_t")):
        line = line_of(THREE_PROBLEMS, {"milestones.m1.metric": "metric:",
                                        "demands.cargo_on_moon.location": "location: mon",
                                        "processes.smelter.energy_kwh_per_t": "energy_kwh_per_t"}[key])
        assert f"{path}:{line}:" in out and key in out and fragment in out, (fragment, out)


def test_semantic_checks_go_on_past_unknown_references(write_roadmap):
    text = THREE_PROBLEMS.replace("metric: {compute_gw: true, stock: {location: moon, commodity: cargo}}",
                                  "metric: {stock: {location: moon, commodity: cargo}}")
    text = text.replace("routes: [leo_moon]", "routes: [leo_moon, descent]")
    code, out = cli("validate", write_roadmap(text))
    assert code == 2, out
    assert "unknown location 'mon'" in out and "declares no 'power:'" in out and "cannot fly route 'descent'" in out


def test_an_entry_left_out_for_its_schema_error_is_not_reported_unknown(write_roadmap):
    """A route that fails the schema is left out of the semantic checks, but the vehicle that lists it
    does not get an 'unknown route' besides."""
    text = LANDER.replace("dv_km_s: 2.0,", "dv_km_s: -2,").replace("from: 2029", "from: 2029, to: 2028")
    code, out = cli("validate", write_roadmap(text))
    assert code == 2, out
    assert "routes.leo_moon.dv_km_s" in out and "unknown route" not in out, out
    assert "demands.cargo_on_moon.to" in out, out  # a semantic problem of the rest


def test_a_schema_error_outside_the_named_entries_reports_the_schema_alone(write_roadmap):
    text = LANDER.replace("discount_rate_per_year: 0.05", "discount_rate_per_year: 3").replace(
        "{location: moon, commodity: cargo", "{location: mon, commodity: cargo")
    code, out = cli("validate", write_roadmap(text))
    assert code == 2 and "objective.discount_rate_per_year" in out and "Traceback" not in out, out
