"""Bad input: every error class is reported through the command line with file, line, key, what is wrong
and what is allowed, exit code 2 and no traceback; independent problems together; mutated roadmaps
either solve or fail with a clear error, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from planner import load_roadmap, solve
from planner.cli import app
from planner.errors import PlannerError
from planner.io import yaml_source

ROOT = Path(__file__).resolve().parents[1]

BASE = """\
name: base
time: {start: 2026, end: 2030}
objective: {mode: min_cost, discount_rate_per_year: 0.05}
locations:
  earth_surface: {}
  leo: {}
  moon: {}
commodities:
  cargo:
    sources:
      - location: earth_surface
  propellant:
    sources:
      - location: leo
        cost_usd_per_kg: 500
routes:
  leo_moon: {from: leo, to: moon, dv_km_s: 5.9, transit_days: 5}
vehicles:
  tug:
    payload_t: 20
    propellant_capacity_t: 100
    dry_mass_t: 10
    isp_s: 380
    propellant: propellant
    routes: [leo_moon]
    initial_units: {leo: 1}
launch_vehicles:
  starship:
    payload_t: {2026: 100, 2029: 200}
    cost_per_flight_musd: 90
    max_flights_per_year: 25
demands:
  cargo_on_moon: {location: moon, commodity: cargo, at_least: 10, from: 2029}
"""


def cli(*args: object) -> tuple[int, str]:
    result = CliRunner().invoke(app, [str(a) for a in args])
    return result.exit_code, result.output


def line_of(text: str, fragment: str, occurrence: int = 1) -> int:
    """1-based line of the ``occurrence``-th line containing ``fragment``."""
    hits = [i + 1 for i, line in enumerate(text.splitlines()) if fragment in line]
    return hits[occurrence - 1]


def check_error(path: Path, *fragments: str, line: int | None = None, file: Path | None = None) -> str:
    """Validate ``path`` through the CLI: exit 2, no traceback, the file (``path`` unless ``file``) and line
    and every fragment named."""
    code, out = cli("validate", path)
    assert code == 2, out
    assert "Traceback" not in out and "internal error" not in out
    where = f"{file or path}:{line}:" if line is not None else f"{file or path}"
    assert where in out, out
    for fragment in fragments:
        assert fragment in out, out
    return out


def variant(write_roadmap, old: str, new: str, name: str = "roadmap.yaml") -> tuple[Path, str]:
    assert old in BASE
    text = BASE.replace(old, new, 1)
    return write_roadmap(text, name), text


def test_base_roadmap_is_valid(write_roadmap):
    code, out = cli("validate", write_roadmap(BASE))
    assert code == 0 and "valid" in out


def test_yaml_syntax_error(write_roadmap):
    path, text = variant(write_roadmap, "moon: {}", "moon: {description: [unclosed}")
    check_error(path, "YAML syntax error", line=line_of(text, "unclosed"))


def test_unknown_key_with_did_you_mean(write_roadmap):
    path, text = variant(write_roadmap, "    payload_t: {2026", "    paylod_t: {2026")
    out = check_error(path, "launch_vehicles.starship.paylod_t", "unknown key 'paylod_t'",
                      "did you mean 'payload_t'?", "allowed: from, to, payload_t", line=line_of(text, "paylod_t"))
    assert "required key is missing" not in out  # folded into the did-you-mean


def test_wrong_type(write_roadmap):
    path, text = variant(write_roadmap, "at_least: 10", "at_least: lots")
    check_error(path, "demands.cargo_on_moon.at_least", "expected a number (got 'lots')",
                line=line_of(text, "at_least: lots"))


def test_negative_mass(write_roadmap):
    path, text = variant(write_roadmap, "dry_mass_t: 10", "dry_mass_t: -10")
    check_error(path, "vehicles.tug.dry_mass_t", "value -10 is out of range", "allowed: more than 0",
                line=line_of(text, "dry_mass_t"))


def test_isp_of_zero(write_roadmap):
    path, text = variant(write_roadmap, "isp_s: 380", "isp_s: 0")
    check_error(path, "vehicles.tug.isp_s", "value 0 is out of range", "allowed: more than 0",
                line=line_of(text, "isp_s"))


def test_discount_rate_of_300_percent(write_roadmap):
    path, text = variant(write_roadmap, "discount_rate_per_year: 0.05", "discount_rate_per_year: 3.0")
    check_error(path, "objective.discount_rate_per_year", "value 3.0 is out of range", "allowed: at most 1",
                line=line_of(text, "discount_rate_per_year"))


def test_negative_value_in_a_time_table(write_roadmap):
    path, text = variant(write_roadmap, "payload_t: {2026: 100, 2029: 200}", "payload_t: {2026: 100, 2029: -5}")
    check_error(path, "launch_vehicles.starship.payload_t", "negative value -5", "allowed: values of 0 or more",
                line=line_of(text, "2029: -5"))


def test_number_too_large_for_the_solver(write_roadmap):
    path, text = variant(write_roadmap, "cost_per_flight_musd: 90", "cost_per_flight_musd: 1.0e+300")
    check_error(path, "launch_vehicles.starship.cost_per_flight_musd", "value 1e+300 is too large for the solver",
                line=line_of(text, "cost_per_flight_musd"))


def test_unsorted_time_table(write_roadmap):
    path, text = variant(write_roadmap, "payload_t: {2026: 100, 2029: 200}", "payload_t: {2029: 200, 2026: 100}")
    check_error(path, "launch_vehicles.starship.payload_t", "increasing order", line=line_of(text, "2029: 200"))


def test_time_table_outside_the_horizon(write_roadmap):
    path, text = variant(write_roadmap, "payload_t: {2026: 100, 2029: 200}", "payload_t: {2020: 100, 2029: 200}")
    check_error(path, "launch_vehicles.starship.payload_t", "table years 2020 to 2029 reach outside the horizon",
                "allowed: years 2026 to 2031", line=line_of(text, "2020: 100"))


def test_unknown_location_reference(write_roadmap):
    path, text = variant(write_roadmap, "{location: moon, commodity", "{location: mon, commodity")
    check_error(path, "demands.cargo_on_moon.location", "unknown location 'mon'", "did you mean 'moon'?",
                "allowed: earth_surface, leo, moon", line=line_of(text, "location: mon"))


def test_unknown_vehicle_reference(write_roadmap):
    path, text = variant(write_roadmap, "    initial_units: {leo: 1}", "    initial_units: {leo: 1}\n"
                                                                     "    launched_by: starshp")
    check_error(path, "vehicles.tug.launched_by", "unknown launch vehicle 'starshp'", "did you mean 'starship'?",
                line=line_of(text, "launched_by"))


def test_unknown_commodity_reference(write_roadmap):
    path, text = variant(write_roadmap, "    propellant: propellant", "    propellant: propelant")
    check_error(path, "vehicles.tug.propellant", "unknown commodity 'propelant'", "did you mean 'propellant'?",
                line=line_of(text, "propellant: propelant"))


def test_unreachable_location(write_roadmap):
    path, text = variant(write_roadmap, "  moon: {}", "  moon: {}\n  mars: {}")
    text = text.replace("{location: moon, commodity", "{location: mars, commodity")
    path.write_text(text, encoding="utf-8")
    check_error(path, "location 'mars' needs deliveries but no route or launch reaches it",
                line=line_of(text, "location: mars"))


def test_vehicle_that_cannot_fly_its_route(write_roadmap):
    # reach = g0 * Isp * ln((dry + tank) / dry) = 9.80665 * 380 * ln(12 / 10) / 1000 = 0.68 km/s < 5.9 km/s
    path, text = variant(write_roadmap, "propellant_capacity_t: 100", "propellant_capacity_t: 2")
    check_error(path, "vehicles.tug.routes", "cannot fly route 'leo_moon'", "needs 5.90 km/s",
                "reaches at most 0.68 km/s", line=line_of(text, "routes: [leo_moon]"))


def test_process_that_needs_power_where_none_is_declared(write_roadmap):
    path, text = variant(write_roadmap, "demands:", "processes:\n  smelter:\n    location: moon\n"
                                                   "    capital: {cargo: 10}\n    outputs: {propellant: 1}\n"
                                                   "    energy_kwh_per_t: 500\ndemands:")
    check_error(path, "processes.smelter.energy_kwh_per_t", "location 'moon' declares no 'power:'",
                line=line_of(text, "energy_kwh_per_t"))


def test_extends_cycle(write_roadmap):
    closing = write_roadmap("name: a\nextends: b.yaml\n", "a.yaml")
    path = write_roadmap("extends: a.yaml\nname: b\n", "b.yaml")
    check_error(path, "'extends:' cycle: b.yaml -> a.yaml -> b.yaml", line=2, file=closing)


def test_missing_base_file(write_roadmap):
    path = write_roadmap("name: child\nextends: nowhere.yaml\n")
    check_error(path, "base file 'nowhere.yaml' not found", line=2)


def test_extends_outside_the_folder(tmp_path: Path, write_roadmap):
    write_roadmap(BASE, "base.yaml")
    (tmp_path / "scenarios").mkdir()
    path = write_roadmap("extends: ../base.yaml\nname: child\n", "scenarios/child.yaml")
    check_error(path, "'../base.yaml' lies outside the roadmap's folder", line=1)


def test_extends_outside_the_folder_allowed_on_request(tmp_path: Path, write_roadmap):
    write_roadmap(BASE, "base.yaml")
    (tmp_path / "scenarios").mkdir()
    path = write_roadmap("extends: ../base.yaml\nname: child\n", "scenarios/child.yaml")
    assert load_roadmap(path, allow_outside=True).roadmap.name == "child"


def test_duplicate_key(write_roadmap):
    path, text = variant(write_roadmap, "  moon: {}", "  moon: {}\n  leo: {}")
    check_error(path, "duplicate key 'leo' (first at line 6)", line=line_of(text, "leo: {}", 2))


def test_python_tags_are_refused(write_roadmap):
    path = write_roadmap(BASE + "extra: !!python/object/apply:os.system [echo hacked]\n")
    check_error(path, "YAML tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed",
                line=line_of(BASE, "demands") + 2)


def test_too_deep_nesting(write_roadmap):
    depth = yaml_source.MAX_DEPTH + 5
    path = write_roadmap(BASE + "description: " + "[" * depth + "]" * depth + "\n")
    check_error(path, "nesting is too deep", f"at most {yaml_source.MAX_DEPTH} levels")


def test_too_large_file(write_roadmap):
    path = write_roadmap(BASE + "# " + "x" * yaml_source.MAX_FILE_BYTES + "\n")
    check_error(path, "bytes", f"at most {yaml_source.MAX_FILE_BYTES:,} bytes")


def test_alias_explosion(write_roadmap):
    lines = ["a0: &a0 [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 7)]
    path = write_roadmap(BASE + "\n".join(lines) + "\n")
    check_error(path, "expands to too many values", f"at most {yaml_source.MAX_NODES:,} values")


def test_independent_errors_are_reported_together(write_roadmap):
    text = (BASE.replace("{location: moon, commodity: cargo", "{location: mon, commodity: cargo")
            .replace("    propellant: propellant", "    propellant: propelant"))
    path = write_roadmap(text)
    out = check_error(path, "unknown location 'mon'", "unknown commodity 'propelant'")
    assert f"{path}:{line_of(text, 'location: mon')}:" in out
    assert f"{path}:{line_of(text, 'propellant: propelant')}:" in out


def test_a_list_where_a_number_is_expected(write_roadmap):
    path, text = variant(write_roadmap, "at_least: 10", "at_least: [10]")
    check_error(path, "demands.cargo_on_moon.at_least", "expected a number", line=line_of(text, "at_least"))


def test_schema_errors_are_reported_together(write_roadmap):
    text = BASE.replace("isp_s: 380", "isp_s: 0").replace("at_least: 10", "at_least: lots")
    path = write_roadmap(text)
    out = check_error(path, "vehicles.tug.isp_s", "demands.cargo_on_moon.at_least")
    assert out.count(str(path)) == 2


def test_debug_shows_the_traceback(write_roadmap):
    path, _ = variant(write_roadmap, "isp_s: 380", "isp_s: 0")
    code, out = cli("--debug", "validate", path)
    assert code == 2 and "Traceback" in out


# --- property: mutated roadmaps solve or fail clearly --------------------------------------------------

MUTATIONS = ("delete", "retype", "scale", "rename")


def _paths(data: object, prefix: tuple = ()) -> list[tuple]:
    out = []
    if isinstance(data, dict):
        for key, value in data.items():
            out.append(prefix + (key,))
            out += _paths(value, prefix + (key,))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            out.append(prefix + (i,))
            out += _paths(value, prefix + (i,))
    return out


def _mutate(data: dict, path: tuple, how: str, factor: float, junk: object) -> None:
    parent = data
    for key in path[:-1]:
        parent = parent[key]
    key = path[-1]
    if how == "delete":
        del parent[key]
    elif how == "retype":
        parent[key] = junk
    elif how == "scale" and isinstance(parent[key], (int, float)) and not isinstance(parent[key], bool):
        parent[key] = parent[key] * factor
    elif how == "rename" and isinstance(parent[key], str):
        parent[key] = parent[key] + "_x"
    elif how == "rename" and isinstance(parent, dict):
        parent[f"{key}_x"] = parent.pop(key)


@settings(max_examples=int(os.environ.get("PLANNER_MUTATIONS", "120")), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(base=st.sampled_from([BASE, (ROOT / "roadmaps" / "examples" / "cislunar-depot.yaml").read_text()]),
       choice=st.integers(min_value=0, max_value=10_000), how=st.sampled_from(MUTATIONS),
       factor=st.sampled_from([-1.0, 0.0, 1e-9, 0.5, 3.0, 1e9]),
       junk=st.sampled_from([None, "text", -1, [1, 2], {"a": 1}, True, 1e300]))
def test_mutated_roadmaps_solve_or_fail_clearly(tmp_path: Path, base: str, choice: int, how: str, factor: float,
                                               junk: object):
    """Delete a key, change a value's type, scale a number or break a name; then load and solve."""
    data = yaml.safe_load(base)
    paths = _paths(data)
    path = paths[choice % len(paths)]
    if isinstance(path[-1], int) and how in ("delete", "rename"):
        how = "retype"
    _mutate(data, path, how, factor, junk)
    file = tmp_path / "mutated.yaml"
    file.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    try:
        solve(load_roadmap(file))
    except PlannerError as exc:
        assert exc.exit_code in (2, 3, 4)
        assert str(exc).strip()


def test_bad_command_line_values(write_roadmap):
    path = write_roadmap(BASE)
    for args, fragment in ((["--time-limit", "-1"], "command line: --time-limit: time limit -1 s"),
                           (["--mip-gap", "2"], "command line: --mip-gap: MIP gap 2"),
                           (["--set", "name=[oops"], "--set name=[oops: YAML syntax error"),
                           (["--set", "launch_vehicles.starshp.payload_t=5"], "did you mean 'starship'?")):
        code, out = cli("solve", path, "--no-pdf", "--out", path.parent / "out", *args)
        assert code == 2 and fragment in out and "Traceback" not in out, out


def test_missing_and_unreadable_roadmap_files(tmp_path: Path):
    check_error(tmp_path / "nowhere.yaml", "file not found")
    binary = tmp_path / "binary.yaml"
    binary.write_bytes(b"name: \xff\xfe\n")
    check_error(binary, "not UTF-8 text")


def test_problems_are_listed_in_file_order(write_roadmap):
    text = (BASE.replace("{location: moon, commodity: cargo", "{location: mon, commodity: cargo")
            .replace("    propellant: propellant", "    propellant: propelant"))
    out = check_error(write_roadmap(text), "unknown location 'mon'")
    assert out.index("propelant") < out.index("'mon'")  # vehicles come before demands in the file


def test_the_console_command_flushes_its_output_and_exits_with_its_code(tmp_path: Path):
    # planner exits without the interpreter's teardown (planner.cli.run_cli): what it said and wrote must
    # all be there, and the exit code must be the command's
    def planner(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "planner.cli", *args], capture_output=True, text=True, cwd=ROOT)

    missing = planner("solve", str(tmp_path / "missing.yaml"))
    assert missing.returncode == 2 and "file not found" in missing.stderr and "Traceback" not in missing.stderr
    solved = planner("solve", "roadmaps/examples/minimal.yaml", "--out", str(tmp_path / "run"))
    assert solved.returncode == 0 and f"outputs: {tmp_path / 'run'}/" in solved.stdout.replace("\n", "")
    assert (tmp_path / "run" / "report.pdf").stat().st_size > 10_000
    assert (tmp_path / "run" / "summary.json").read_text(encoding="utf-8").rstrip().endswith("}")


def test_a_location_on_line_100_is_printed_as_a_location_not_an_emoji(write_roadmap):
    from planner.cli import app

    minimal = (ROOT / "roadmaps" / "examples" / "minimal.yaml").read_text()
    lines = minimal.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("name:"))
    padded = "\n".join(lines[:at] + ["#"] * (99 - at) + ["paylod_t: 1"] + lines[at:]) + "\n"
    output = CliRunner().invoke(app, ["validate", str(write_roadmap(padded))]).output
    assert "roadmap.yaml:100:1: paylod_t: unknown key" in output and "\N{HUNDRED POINTS SYMBOL}" not in output
