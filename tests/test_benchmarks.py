"""Benchmark generator and scaling helpers (the small instance validates and solves; the axes scale the
roadmap as they say) and the hand-off's speed-ups keeping results identical (the fast linear walk gives
Pyomo's matrix; a solve does not import scipy.stats nor pyplot). No timing assertions: ``benchmarks/run.py``
measures timings."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from planner import load_roadmap, solve
from planner.timeline import build_timeline

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def _module(name: str):
    """A module of ``benchmarks/`` (a folder of scripts that import each other by bare name)."""
    if name != "generate":
        _module("generate")
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, BENCHMARKS / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


@pytest.fixture(scope="module")
def generate():
    return _module("generate")


def test_small_instance_validates_and_solves(generate, tmp_path: Path) -> None:
    path = generate.write(generate.INSTANCES["small"], tmp_path / "small.yaml", "small")
    plan = solve(load_roadmap(path))
    axes = generate.INSTANCES["small"]
    assert plan.status == "optimal"
    assert len(plan.built.data.periods) == axes.end - axes.start + 1
    quantities = set(plan.tables["plan"]["quantity"])
    # every subsystem is on: launches, in-space trips, compute, industry, cash and milestones appear
    for quantity in ("flights", "trips", "deployed", "activity", "cash", "milestone_metric"):
        assert quantity in quantities, quantity
    # the objective is the discounted compute plus rewards: positive when the plan deploys anything
    assert plan.objective > 0


def test_axes_scale_the_network(generate) -> None:
    base = generate.roadmap(generate.Axes())
    bigger = generate.roadmap(generate.Axes(depots=3, ships=2, launchers=3, parts=4))
    assert len(bigger["locations"]) == len(base["locations"]) + 3
    assert len(bigger["routes"]) == len(base["routes"]) + 4 * 3
    assert len(bigger["vehicles"]) == 2 and len(bigger["launch_vehicles"]) == 3
    assert len(bigger["commodities"]) == len(base["commodities"]) + 3
    assert set(bigger["processes"]["lunar_factory"]["inputs"]) >= {f"parts_{i}" for i in range(1, 5)}


@pytest.mark.parametrize("step, periods", [("year", 3), ("quarter", 12), ("month", 36),
                                           ({2026: "month", 2027: "quarter", 2028: "year"}, 12 + 4 + 1)])
def test_period_length_axis(generate, tmp_path: Path, step: str, periods: int) -> None:
    axes = generate.Axes(start=2026, end=2028, step=step)
    loaded = load_roadmap(generate.write(axes, tmp_path / f"{periods}.yaml"))
    assert len(build_timeline(loaded.roadmap.time)) == periods


def test_time_tables_stay_inside_the_horizon(generate) -> None:
    axes = generate.Axes(start=2030, end=2032)
    # linear 2026 -> 2028 -> 2035: the value at 2030 is interpolated, 2035 is left out
    table = generate._table({2026: 900, 2028: 500, 2035: 200}, axes)
    assert table == 500 + (200 - 500) * (2030 - 2028) / (2035 - 2028)
    stepped = generate._table({2026: 100, 2029: 200, 2031: 300}, generate.Axes(start=2027, end=2035), "step")
    assert stepped == {2027: 100.0, 2029: 200.0, 2031: 300.0, "interpolation": "step"}


def test_slope_of_power_laws() -> None:
    slope = _module("scaling").slope
    xs = [10.0, 20.0, 40.0, 80.0]
    assert slope(xs, [3 * x for x in xs]) == pytest.approx(1.0)
    assert slope(xs, [0.5 * x**2 for x in xs]) == pytest.approx(2.0)


def test_solving_does_not_import_what_it_never_uses() -> None:
    """Pyomo's import callbacks would add scipy.stats and matplotlib's pyplot and pylab (1.3 s of CPU)."""
    code = ("import sys; from planner import load_roadmap, solve; import planner.reports.pdf; "
            "solve(load_roadmap('roadmaps/examples/minimal.yaml')); "
            "print(sorted(m for m in ('scipy.stats', 'matplotlib.pyplot', 'matplotlib.pylab') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=BENCHMARKS.parent)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_repeated_build_and_handoff_report_their_median(generate, tmp_path: Path) -> None:
    """``measure.py --repeats 3``: the pipeline's own build + hand-off and two more, each of the same model
    size; the figure reported is their median."""
    roadmap = generate.write(generate.INSTANCES["small"], tmp_path / "small.yaml", "small")
    out = tmp_path / "result.json"
    done = subprocess.run([sys.executable, str(BENCHMARKS / "measure.py"), str(roadmap), str(out), "--no-floor",
                           "--repeats", "3"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    result = json.loads(out.read_text(encoding="utf-8"))
    runs = result["build_handoff_runs"]
    assert len(runs) == 3 and all(r > 0 for r in runs)
    assert result["us_per_nonzero_build_handoff"] == sorted(runs)[1]
    # the first run is the pipeline's own phases (their seconds are rounded to 1e-4, the figure to 1e-3)
    phases, nonzeros = result["phases"], result["nonzeros"]
    own = 1e6 * (phases["build"]["seconds"] + phases["handoff"]["seconds"]) / nonzeros
    assert runs[0] == pytest.approx(own, abs=1e6 * 1e-4 / nonzeros + 1e-3)


def test_mip_benchmark_measures_one_roadmap(tmp_path: Path) -> None:
    """The MIP benchmark's child: seed-vision with whole ships and binary milestones, a plan found and its gap
    reported (the figures come from ``python benchmarks/mip.py``, not from here)."""
    done = subprocess.run([sys.executable, str(BENCHMARKS / "mip.py"), "--one", "seed-vision", "-", "--time-limit",
                           "20"], capture_output=True, text=True, check=True)
    case = json.loads(done.stdout.strip().splitlines()[-1])
    assert case["integer_columns"] > 0 and case["objective"] > 0
    assert case["first_plan_s"] is not None and case["final_gap"] >= 0
