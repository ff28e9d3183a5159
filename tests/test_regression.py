"""Golden snapshots of optimal plans: stable under alternative optima, strict about real changes.

The tiny roadmaps here have optima known by hand; the shipped goldens in ``tests/golden`` are checked
against fresh solves (one solve per golden per session).
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from planner import NoPlanError, SolveOptions, load_roadmap, solve
from planner.cli import app
from planner.regression import assert_plan_matches, compare, read_golden, regress, snapshot_file
from planner.regression.golden import golden_name
from planner.regression.snapshot import snapshot
from tests.conftest import value

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden"

# Two identical rockets, no discounting, constant price: which rocket flies and in which year are
# alternative optima; 15 flights of 100 t and 1,500 t x 1,000 $/kg = 1,500 M$ are not.
TWINS = """
name: twins
time: {start: 2026, end: 2030, step: year}
objective: {mode: min_cost}
locations:
  earth_surface: {description: pads}
  leo: {description: low Earth orbit}
commodities:
  cargo:
    sources: [{location: earth_surface}]
launch_vehicles:
  alpha: {from: earth_surface, to: leo, payload_t: 100, price_usd_per_kg: 1000, max_flights_per_year: 10}
  beta: {from: earth_surface, to: leo, payload_t: 100, price_usd_per_kg: 1000, max_flights_per_year: 10}
demands:
  cargo_in_orbit: {location: leo, commodity: cargo, at_least: 1500, from: 2028, to: 2030}
"""

# One rocket, cheaper and bigger in 2029, costs discounted at 8 %: all 10 flights (2,000 t) fly in 2029.
LATE = """
name: late
time: {start: 2026, end: 2030, step: year}
objective: {mode: min_cost, discount_rate_per_year: 0.08}
locations:
  earth_surface: {description: pads}
  leo: {description: low Earth orbit}
commodities:
  cargo:
    sources: [{location: earth_surface}]
launch_vehicles:
  starship:
    from: earth_surface
    to: leo
    payload_t: {2026: 100, 2029: 200}
    price_usd_per_kg: {2026: 600, 2029: 500}
    max_flights_per_year: 20
demands:
  cargo_in_orbit: {location: leo, commodity: cargo, at_least: 2000, from: 2029, to: 2030}
"""

# A milestone reward makes it a MIP: 2,000 t a year reach 5,000 t in the third year, 2028.
MILESTONE = TWINS.replace("name: twins", "name: milestone").replace(
    "objective: {mode: min_cost}", "objective: {mode: max_value, discount_rate_per_year: 0.05}").replace(
    "demands:\n  cargo_in_orbit: {location: leo, commodity: cargo, at_least: 1500, from: 2028, to: 2030}",
    "milestones:\n  five_kt: {metric: {stock: {location: leo, commodity: cargo}}, threshold: 5000, reward: 100,"
    " reward_decay_per_year: 0.1}")


def _shuffled(text: str) -> str:
    """The same roadmap with every mapping's keys in reverse order."""
    def reverse(node):
        if isinstance(node, dict):
            return {k: reverse(v) for k, v in reversed(list(node.items()))}
        if isinstance(node, list):
            return [reverse(v) for v in node]
        return node
    return yaml.safe_dump(reverse(yaml.safe_load(text)), sort_keys=False)


def _golden(tmp_path: Path, text: str, folder: str = "a", options: SolveOptions | None = None) -> Path:
    roadmap = tmp_path / folder / "roadmap.yaml"
    roadmap.parent.mkdir(parents=True, exist_ok=True)
    roadmap.write_text(text, encoding="utf-8")
    path, _ = snapshot_file(load_roadmap(roadmap), tmp_path / folder / "golden", None, options)
    return path


def test_snapshot_holds_what_is_unique_and_ranges_what_is_not(tmp_path):
    data = read_golden(_golden(tmp_path, TWINS))
    assert data["objective"]["stages"]["cost"]["value"] == pytest.approx(1500 * 1e3 * 1000 / 1e6)
    assert data["aggregates"]["spending launch 2020s"]["value"] == pytest.approx(1500.0)
    for rocket in ("alpha", "beta"):
        flights = data["aggregates"][f"cumulative flights {rocket} to 2030"]
        assert flights["low"] == pytest.approx(0.0, abs=1e-6)
        assert flights["high"] == pytest.approx(15.0)
    assert data["reason"] == "first snapshot"
    assert data["roadmap"]["file"] == "../roadmap.yaml"
    assert data["model_size"]["rows_by_family"]["launch_cap"] == 10  # 2 rockets x 5 years


def test_same_roadmap_twice_gives_byte_identical_files(tmp_path):
    first, second = _golden(tmp_path, TWINS, "a"), _golden(tmp_path, TWINS, "b")
    assert first.read_bytes() == second.read_bytes()


def test_shuffled_key_order_gives_the_same_snapshot(tmp_path):
    shuffled = _shuffled(TWINS)
    assert shuffled.splitlines()[0] != TWINS.strip().splitlines()[0]
    first, second = _golden(tmp_path, TWINS, "a"), _golden(tmp_path, shuffled, "b")
    assert first.read_bytes() == second.read_bytes()
    assert regress(first).passed and regress(second).passed
    # the two files really did yield different optimal plans (the rockets swap roles)
    plans = [solve(load_roadmap(tmp_path / folder / "roadmap.yaml")) for folder in "ab"]
    assert value(plans[0], "flights", vehicle="alpha") != pytest.approx(value(plans[1], "flights", vehicle="alpha"))


def test_thread_counts_give_the_same_snapshot(tmp_path):
    """HiGHS keeps one thread scheduler per process: the two-thread snapshot runs in a fresh one."""
    one = _golden(tmp_path, MILESTONE, "a", SolveOptions(threads=1))
    roadmap = tmp_path / "b" / "roadmap.yaml"
    roadmap.parent.mkdir()
    roadmap.write_text(MILESTONE, encoding="utf-8")
    script = ("import sys; from planner import SolveOptions, load_roadmap; from planner.regression import "
              "snapshot_file; snapshot_file(load_roadmap(sys.argv[1]), sys.argv[2], None, SolveOptions(threads=2))")
    subprocess.run([sys.executable, "-c", script, str(roadmap), str(tmp_path / "b" / "golden")], check=True,
                   cwd=ROOT)
    two = tmp_path / "b" / "golden" / one.name
    assert one.read_bytes() == two.read_bytes()
    data = read_golden(one)
    assert data["model_size"]["integer_variables"] > 0
    assert data["milestones"] == {"five_kt": "2028"}


def test_regress_fails_with_the_rows_that_moved_when_a_launch_cap_changes(tmp_path):
    path = _golden(tmp_path, LATE)
    golden = read_golden(path)
    assert golden["aggregates"]["flights starship 2020s"]["value"] == pytest.approx(10.0)
    capped = load_roadmap(tmp_path / "a" / "roadmap.yaml",
                          overrides={"launch_vehicles.starship.max_flights_per_year": {2026: 20, 2029: 6}})
    comparison = compare(golden, solve(capped))
    moved = {row.what: row for row in comparison.moved}
    # 6 flights of 200 t in 2029, the other 800 t as 8 flights of 100 t in 2028
    assert moved["flights starship 2020s"].after == pytest.approx(14.0)
    assert moved["cumulative flights starship to 2030"].after == pytest.approx(14.0)
    assert moved["spending launch 2020s"].after == pytest.approx(1200 * 0.5 + 800 * 0.6)
    cost = moved["objective cost"]
    # a year's spending is worth its mean discount factor, (1.08^-t - 1.08^-(t+1)) / ln 1.08, t years in
    mean = {t: (1.08**-t - 1.08 ** -(t + 1)) / math.log(1.08) for t in (2, 3)}
    assert cost.before == pytest.approx(2000 * 0.5 * mean[3], rel=1e-6)
    assert cost.after == pytest.approx(1200 * 0.5 * mean[3] + 800 * 0.6 * mean[2], rel=1e-6)
    assert cost.difference == pytest.approx(cost.after - cost.before)
    assert set(moved) == {"objective cost", "flights starship 2020s", "cumulative flights starship to 2030",
                          "spending launch 2020s"}
    assert any("resolved roadmap changed" in note for note in comparison.notes)


def test_a_cap_that_only_reshuffles_alternative_optima_does_not_fail(tmp_path):
    path = _golden(tmp_path, TWINS)
    capped = load_roadmap(tmp_path / "a" / "roadmap.yaml",
                          overrides={"launch_vehicles.alpha.max_flights_per_year": {2026: 10, 2027: 0, 2028: 10}})
    comparison = compare(read_golden(path), solve(capped))
    assert comparison.passed
    assert any("only the inputs changed" in note for note in comparison.notes)


def test_a_new_solver_version_alone_is_a_note_and_a_milestone_moved_is_a_row(tmp_path):
    path = _golden(tmp_path, MILESTONE)
    plan = solve(load_roadmap(tmp_path / "a" / "roadmap.yaml"))
    golden = read_golden(path)
    golden["solver"]["version"] = "0.9.0"
    comparison = compare(golden, plan)
    assert comparison.passed
    assert any("only the solver version changed" in note for note in comparison.notes)
    golden["milestones"]["five_kt"] = "2027"
    moved = compare(golden, plan).moved
    assert [(row.what, row.before, row.after) for row in moved] == [("milestone five_kt reached in", "2027", "2028")]


def test_cli_regress_exit_codes_and_table(tmp_path):
    path = _golden(tmp_path, LATE)
    runner = CliRunner()
    ok = runner.invoke(app, ["regress", str(path)])
    assert ok.exit_code == 0, ok.output
    assert "matches its golden" in ok.output
    roadmap = tmp_path / "a" / "roadmap.yaml"
    roadmap.write_text(LATE.replace("max_flights_per_year: 20", "max_flights_per_year: {2026: 20, 2029: 6}"))
    moved = runner.invoke(app, ["regress", str(path)], env={"COLUMNS": "200"})
    assert moved.exit_code == 1
    for header in ("before", "after", "difference", "tolerance", "flights starship 2020s"):
        assert header in moved.output
    with pytest.raises(AssertionError, match="flights starship 2020s"):
        assert_plan_matches(roadmap, path)


def test_a_roadmap_left_without_a_plan_is_a_failed_status_row(tmp_path):
    path = _golden(tmp_path, LATE)
    (tmp_path / "a" / "roadmap.yaml").write_text(LATE.replace("max_flights_per_year: 20", "max_flights_per_year: 1"))
    comparison = regress(path)
    assert not comparison.passed
    assert comparison.moved[0].what == "status" and "no plan" in comparison.moved[0].after


def test_updating_a_golden_needs_a_reason_which_the_file_keeps(tmp_path):
    path = _golden(tmp_path, LATE)
    roadmap = tmp_path / "a" / "roadmap.yaml"
    roadmap.write_text(LATE.replace("at_least: 2000", "at_least: 2200"))
    runner = CliRunner()
    refused = runner.invoke(app, ["snapshot", str(roadmap), "--out", str(path.parent)])
    assert refused.exit_code == 2 and "--reason" in refused.output
    done = runner.invoke(app, ["snapshot", str(roadmap), "--out", str(path.parent), "--reason", "demand 2.2 kt"])
    assert done.exit_code == 0, done.output
    assert json.loads(path.read_text())["reason"] == "demand 2.2 kt"
    assert regress(path).passed


def _shipped() -> list[tuple[Path, str | None]]:
    pairs = []
    for roadmap in sorted((ROOT / "roadmaps").rglob("*.yaml")):
        loaded = load_roadmap(roadmap)
        pairs += [(roadmap, None)] + [(roadmap, s) for s in loaded.roadmap.scenario_names]
    return pairs


def test_every_shipped_roadmap_and_scenario_has_a_golden():
    missing = []
    for roadmap, scenario in _shipped():
        path = GOLDEN / golden_name(load_roadmap(roadmap, scenario=scenario).roadmap.name, scenario)
        if not path.exists() or (GOLDEN / read_golden(path)["roadmap"]["file"]).resolve() != roadmap.resolve():
            missing.append(str(roadmap.relative_to(ROOT)))
    assert not missing, f"missing goldens; run: planner snapshot {' '.join(sorted(set(missing)))} --reason ..."


@pytest.mark.parametrize("golden", sorted(GOLDEN.glob("*.json")), ids=lambda p: p.stem)
def test_shipped_golden_matches_a_fresh_solve(golden):
    assert_plan_matches(GOLDEN / read_golden(golden)["roadmap"]["file"], golden)


def test_snapshot_refuses_a_plan_not_proven_optimal(tmp_path, write_roadmap):
    plan = solve(load_roadmap(write_roadmap(TWINS)))
    plan.status = "feasible"
    with pytest.raises(NoPlanError, match="proven optimality"):
        snapshot(plan, SolveOptions(), "x")


AFTER_A_SNAPSHOT = """
import sys
from planner import SolveOptions, load_roadmap
from planner.regression import snapshot_file
from planner.sweep.warm import warm_solve
loaded = load_roadmap(sys.argv[1])
snapshot_file(loaded, sys.argv[2], None, SolveOptions())  # ranges the golden's aggregates
print(warm_solve(loaded, SolveOptions()) is not None)  # the warm path solves on the calling thread
"""


def test_a_snapshot_leaves_the_calling_threads_solves_working(tmp_path):
    # in a fresh process: ranging a golden ran HiGHS on the calling thread with its default thread count, and
    # every later solve there with the profile's 'threads: 1' was refused (a sweep's reference had no optimum)
    done = subprocess.run([sys.executable, "-c", AFTER_A_SNAPSHOT, str(ROOT / "roadmaps/examples/minimal.yaml"),
                           str(tmp_path)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True"]
