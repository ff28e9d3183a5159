"""Issue 19, "first sight": what a first user met. A lander listing a route beyond its reach, problems
reported one run at a time, command-line errors placed in the roadmap, ``--set`` overrides that left no
trace, a snapshot that stopped at a golden equal within its tolerance, long commands without progress."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
from pypdf import PdfReader
from typer.testing import CliRunner

from planner import load_roadmap
from planner.cli import app
from planner.io.overrides import Override
from planner.reports.compare import compare_runs
from planner.reports.run_folder import read_run
from tests.test_pareto import ROADMAP as PARETO

ROOT = Path(__file__).resolve().parents[1]

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
    for old, new in (("propellant_capacity_t: 15", f"propellant_capacity_t: {tank:g}"),
                     ("isp_s: 450", f"isp_s: {isp:g}")):
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


# --- 3. command-line errors are located on the command line -----------------------------------------------

def test_a_bad_set_value_is_reported_at_the_option_as_typed(write_roadmap, tmp_path):
    path = write_roadmap(LANDER)
    for option, says in (("vehicles.lander.isp_s=-450", "value -450 is out of range (allowed: more than 0"),
                         ("demands.cargo_on_moon.at_least=lots", "expected a number (got 'lots')"),
                         ("launch_vehicles.starship.payload_t={2026: -3}", "negative value -3 in a table (allowed:"),
                         ("vehicles.landr.isp_s=300", "no key 'landr' in vehicles; did you mean 'lander'?"),
                         ("name=[oops", "YAML syntax error")):
        code, out = cli("solve", path, "--no-pdf", "--out", tmp_path / "out", "--set", option)
        assert code == 2 and "Traceback" not in out, out
        assert out.startswith(f"error: --set {option}: ") and says in out, (option, out)
        assert str(path) not in out, out  # never placed at a line of the roadmap


def test_a_bad_set_value_does_not_hide_the_roadmaps_own_problems(write_roadmap, tmp_path):
    path = write_roadmap(LANDER.replace("{location: moon, commodity: cargo", "{location: mon, commodity: cargo"))
    code, out = cli("diagnose", path, "--set", "vehicles.lander.isp_s=-1")
    assert code == 2 and "--set vehicles.lander.isp_s=-1: " in out and f"{path}:" in out and "'mon'" in out, out


def test_command_line_errors_are_not_prefixed_by_a_roadmap(tmp_path):
    code, out = cli("report", tmp_path / "nothing")
    assert code == 2 and out.startswith("error: command line: RUN_DIR: "), out
    assert "<roadmap>" not in out
    code, out = cli("solve", tmp_path / "x.yaml", "--set", "novalue")
    assert code == 2 and out.startswith("error: command line: --set: 'novalue' is not KEY=VALUE (allowed: "), out


def test_a_vary_key_missing_from_the_roadmap_is_a_command_line_error(write_roadmap, tmp_path):
    path = write_roadmap(LANDER)
    code, out = cli("sweep", path, "--vary", "vehicles.lander.dry_mas_t=x0.5..1.5", "--out", tmp_path / "sweep")
    error = out[out.index("error: "):]
    assert code == 2 and error.startswith("error: command line: --vary: 'vehicles.lander.dry_mas_t'"), out
    assert str(path) not in error, out


# --- 4. --set overrides leave a trace ----------------------------------------------------------------------

MINIMAL = (ROOT / "roadmaps/examples/minimal.yaml").read_text(encoding="utf-8")


def test_overrides_are_recorded_printed_and_shown_on_the_cover_and_in_the_assumptions(write_roadmap, tmp_path):
    path = write_roadmap(MINIMAL)
    out_dir = tmp_path / "run"
    code, out = cli("solve", path, "--out", out_dir, "--set", "demands.cargo_in_orbit.at_least=1500",
                    "--set", "launch_vehicles.starship.price_usd_per_kg=400")
    assert code == 0, out
    header = " ".join(out.split())
    assert "minimal (--set demands.cargo_in_orbit.at_least=1500, --set launch_vehicles.starship.price_usd_per_kg=400)" \
        ": optimal" in header, out
    assert "overridden: --set demands.cargo_in_orbit.at_least=1500 (file: 2000)" in header, out
    summary = json.loads((out_dir / "summary.json").read_text(encoding="utf-8"))
    assert summary["overrides"] == [
        {"key": "demands.cargo_in_orbit.at_least", "value": "1500", "was": "2000"},
        {"key": "launch_vehicles.starship.price_usd_per_kg", "value": "400",
         "was": "{2026: 900, 2028: 500, interpolation: linear}"}]
    cover = " ".join(PdfReader(out_dir / "report.pdf").pages[0].extract_text().split())
    assert "Overrides --set demands.cargo_in_orbit.at_least=1500 (file: 2000)" in cover, cover
    assumptions = pd.read_csv(out_dir / "assumptions.csv").set_index("key")
    assert assumptions.loc["launch_vehicles.starship.price_usd_per_kg", "source"] == \
        "overridden on the command line (was {2026: 900, 2028: 500, interpolation: linear})"
    assert assumptions.loc["demands.cargo_in_orbit.at_least", "source"] == "overridden on the command line (was 2000)"
    assert assumptions.loc["launch_vehicles.starship.payload_t", "source"].startswith("parameters.md")  # untouched


def test_a_run_without_overrides_says_none(write_roadmap):
    loaded = load_roadmap(write_roadmap(MINIMAL))
    assert loaded.overrides == []
    assert load_roadmap(write_roadmap(MINIMAL), overrides={"funding": {"external_musd_per_year": 5}}).overrides \
        == [Override("funding", "{external_musd_per_year: 5}", None)]


def test_overrides_through_the_python_api_are_recorded_even_when_not_plain_data(write_roadmap):
    """A sweep hands NumPy numbers to load_roadmap: recorded as Python writes them, never a crash."""
    loaded = load_roadmap(write_roadmap(MINIMAL), overrides={"demands.cargo_in_orbit.at_least": np.float64(1500.5)})
    assert loaded.overrides == [Override("demands.cargo_in_orbit.at_least", "1500.5", "2000")]


def test_compare_labels_an_overridden_run_by_its_overrides(write_roadmap, tmp_path):
    path = write_roadmap(MINIMAL)
    for name, options in (("plain", []), ("cheaper", ["--set", "launch_vehicles.starship.price_usd_per_kg=400"])):
        code, out = cli("solve", path, "--no-pdf", "--out", tmp_path / name, *options)
        assert code == 0, out
    runs = [read_run(tmp_path / "plain"), read_run(tmp_path / "cheaper")]
    assert compare_runs(runs).labels == ["minimal", "minimal (--set launch_vehicles.starship.price_usd_per_kg=400)"]


# --- 5 and 6. snapshot: within the golden's tolerance, every file, the base alone, progress -----------------

LATE = """\
name: late
time: {start: 2026, end: 2030, step: year}
objective: {mode: min_cost, discount_rate_per_year: 0.08}
locations:
  earth_surface: {}
  leo: {}
commodities:
  cargo:
    sources: [{location: earth_surface}]
launch_vehicles:
  starship: {payload_t: {2026: 100, 2029: 200}, price_usd_per_kg: {2026: 600, 2029: 500}, max_flights_per_year: 20}
demands:
  cargo_in_orbit: {location: leo, commodity: cargo, at_least: 2000, from: 2029, to: 2030}
scenarios:
  cheap: {description: cheaper launches, set: {launch_vehicles.starship.price_usd_per_kg: 400}}
"""


def snapshot_cli(roadmap: Path, golden: Path, *options: str) -> tuple[int, str]:
    return cli("snapshot", roadmap, "--out", golden, *options)


def test_snapshot_of_an_unchanged_roadmap_compares_within_the_goldens_tolerance(write_roadmap, tmp_path):
    roadmap, golden = write_roadmap(LATE), tmp_path / "golden"
    code, out = snapshot_cli(roadmap, golden, "--no-scenarios")
    assert code == 0, out
    path = golden / "late.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    stage = data["objective"]["stages"]["cost"]
    stage["value"] += stage["tolerance"] / 2  # as written on another machine: the same plan within tolerance
    entry = next(e for e in data["aggregates"].values() if "value" in e and e["value"] > 1)
    entry["value"] += entry["tolerance"] / 2
    text = json.dumps(data, indent=1, sort_keys=True) + "\n"
    path.write_text(text, encoding="utf-8")
    code, out = snapshot_cli(roadmap, golden, "--no-scenarios")
    assert code == 0 and "unchanged" in out, out
    assert path.read_text(encoding="utf-8") == text


def test_snapshot_goes_on_over_every_golden_and_reports_each(write_roadmap, tmp_path):
    roadmap, golden = write_roadmap(LATE), tmp_path / "golden"
    code, out = snapshot_cli(roadmap, golden)
    assert code == 0 and (golden / "late.json").exists() and (golden / "late--cheap.json").exists(), out
    roadmap.write_text(LATE.replace("at_least: 2000", "at_least: 2200") + "  dear: {description: dearer, set: "
                       "{launch_vehicles.starship.price_usd_per_kg: 900}}\n", encoding="utf-8")
    code, out = snapshot_cli(roadmap, golden)
    assert code == 2 and "Traceback" not in out, out
    text = " ".join(out.split())
    assert f"[1/3] not written {roadmap}:" in text and f"[2/3] not written {roadmap} / cheap:" in text, out
    assert "the golden would change" in text and "late: the plan moved" in text and "objective cost" in text, out
    assert f"[3/3] wrote {golden / 'late--dear.json'}" in text, out
    assert f"2 of 3 golden(s) not written: {roadmap}, {roadmap} / cheap" in text, out


def test_snapshot_of_the_base_roadmap_alone(write_roadmap, tmp_path):
    roadmap, golden = write_roadmap(LATE), tmp_path / "golden"
    code, out = snapshot_cli(roadmap, golden, "--no-scenarios")
    assert code == 0 and "[1/1] wrote" in out, out
    assert sorted(p.name for p in golden.iterdir()) == ["late.json"]
    code, out = snapshot_cli(roadmap, golden, "--no-scenarios", "--scenario", "cheap")
    assert code == 2 and "command line: --no-scenarios:" in out, out


def test_pareto_prints_each_point_as_it_is_solved(write_roadmap, tmp_path):
    code, out = cli("pareto", write_roadmap(PARETO), "--points", "3", "--out", tmp_path / "pareto")
    assert code == 0, out
    for done in (1, 2, 3):
        assert f"[{done}/3] optimal: settlement " in out, out
