"""Solver limits: a plan stopped early is marked as not proven optimal with its gap, no plan within the
limit exits 4, the watchdog and Ctrl-C stop HiGHS, a plan that violates the model is refused, and the
same input gives the same plan."""

from __future__ import annotations

import _thread
import json
import os
import subprocess
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path

import highspy
import numpy as np
import pyomo.environ as pyo
import pytest
from typer.testing import CliRunner

from planner import load_roadmap, solve
from planner.cli import app
from planner.errors import NoPlanError
from planner.solve import highs_backend
from planner.solve import run as run_module
from planner.solve.highs_backend import HighsAnswer, compile_model, max_violation, new_highs, run_highs
from planner.solve.watchdog import grace_s, run_watched

ROOT = Path(__file__).resolve().parents[1]


def knapsack_roadmap() -> str:
    """Twelve integer launch classes covering 123,457 t at least cost: a covering knapsack."""
    lines = ["name: knapsack", "time: {start: 2026, end: 2026}", "objective: {mode: min_cost}",
             "locations: {earth_surface: {}, leo: {}}",
             "commodities: {cargo: {sources: [{location: earth_surface}]}}", "launch_vehicles:"]
    for i in range(12):
        payload = 1000 + (i * 379) % 997
        lines.append(f"  lv{i}: {{payload_t: {payload}, cost_per_flight_musd: {payload + (i * 17) % 50}, "
                     "integer: true}")
    lines += ["demands:", "  d: {location: leo, commodity: cargo, at_least: 123457, from: 2026}"]
    return "\n".join(lines) + "\n"


def market_split(rows: int = 4, columns: int = 40, split: bool = False) -> pyo.ConcreteModel:
    """A 0-1 program after Cornuéjols and Dawande's market split: tiny and very hard. With ``split`` the
    rows are equalities and the objective zero (find any plan); otherwise a multi-row knapsack."""
    rng = np.random.default_rng(1)
    a = rng.integers(0, 100, size=(rows, columns))
    m = pyo.ConcreteModel()
    m.x = pyo.Var(range(columns), domain=pyo.Binary)

    def row(mm, i):
        lhs = sum(int(a[i, j]) * mm.x[j] for j in range(columns))
        return lhs == int(a[i].sum()) // 2 if split else lhs <= int(a[i].sum()) // 2

    m.rows = pyo.Constraint(range(rows), rule=row)
    weights = np.zeros(columns, dtype=int) if split else a.sum(axis=0) + rng.integers(0, 3, size=columns)
    m.value = pyo.Objective(expr=sum(int(weights[j]) * m.x[j] for j in range(columns)), sense=pyo.maximize)
    return m


def cli(*args: object) -> tuple[int, str]:
    result = CliRunner().invoke(app, [str(a) for a in args])
    return result.exit_code, " ".join(result.output.split())


def test_time_limit_returns_the_best_plan_with_its_gap():
    c = compile_model(market_split())
    start = time.perf_counter()
    answer = run_highs(c, {"time_limit": 0.5, "threads": 1, "random_seed": 0, "mip_rel_gap": 0.0}, duals=False)
    assert time.perf_counter() - start < 0.5 + grace_s(0.5)
    assert answer.status == "feasible"
    assert answer.mip_gap > 0
    assert answer.max_violation == 0.0 or answer.max_violation < highs_backend.FEASIBILITY_TOLERANCE
    assert answer.objective == pytest.approx(float(c.cost @ answer.x))


def test_a_plan_not_proven_optimal_is_marked_everywhere(tmp_path: Path):
    roadmap = tmp_path / "knapsack.yaml"
    roadmap.write_text(knapsack_roadmap())
    profile = tmp_path / "first.yaml"  # stop at the first plan found, before optimality is proven
    profile.write_text("options: {mip_max_improving_sols: 1, threads: 1, random_seed: 0}\n")
    code, out = cli("solve", roadmap, "--profile", profile, "--out", tmp_path / "out")
    assert code == 0, out
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["status"] == "feasible" and summary["proven_optimal"] is False
    assert summary["mip_gap"] > 1e-4
    assert "feasible — NOT proven optimal" in out
    assert f"MIP gap {summary['mip_gap']:.2%}" in out
    assert (tmp_path / "out" / "report.pdf").exists()  # its cover marks the status (planner/reports/pdf.py)


def test_no_plan_within_the_time_limit_exits_4(tmp_path: Path, monkeypatch):
    """HiGHS stopped by its time limit before any plan. Its answer is stood in for: with a real limit, however
    small, HiGHS's first-instant heuristics now and then find a plan of a small roadmap before they read it
    (feasibility jump; with it off, the trivial ones: a CI run found 127,890 on this knapsack at 1e-9 s)."""
    roadmap = tmp_path / "knapsack.yaml"
    roadmap.write_text(knapsack_roadmap())
    monkeypatch.setattr(run_module, "run_highs", lambda compiled, options, **_: HighsAnswer(
        status="no_plan", message="Time limit reached", seconds=options["time_limit"]))
    code, out = cli("solve", roadmap, "--time-limit", "2", "--out", tmp_path / "out")
    assert code == 4, out
    assert "no plan found" in out and "raise --time-limit" in out and "Traceback" not in out
    assert not (tmp_path / "out").exists()


def test_watchdog_stops_a_solve_that_ignores_its_time_limit():
    c = compile_model(market_split(split=True))
    h = new_highs({"threads": 1, "time_limit": float("inf")})  # HiGHS itself would never stop
    highs_backend.pass_model(h, c, c.col_lower, c.col_upper, c.integer)
    start = time.perf_counter()
    message = run_watched(h, time_limit_s=0.3, grace=0.2)
    elapsed = time.perf_counter() - start
    assert "stopped by the watchdog" in message
    assert 0.5 <= elapsed < 3.0
    assert h.getModelStatus() == highspy.HighsModelStatus.kInterrupt


def _abandoning(h, time_limit_s, grace=None):
    """Stands in for run_watched when HiGHS ignores its stop: HiGHS has run (and reported its plans), then the
    watchdog gives up on it."""
    h.run()
    raise NoPlanError("HiGHS ran past its time limit of 1 s and did not stop when asked; the solve was abandoned")


def test_an_abandoned_mip_keeps_the_best_plan_highs_reported(tmp_path: Path, monkeypatch):
    roadmap = tmp_path / "knapsack.yaml"
    roadmap.write_text(knapsack_roadmap())
    from planner.model import build_model

    built = build_model(load_roadmap(roadmap).roadmap)
    built.model.objective = built.stages[0].objective()
    c = compile_model(built.model)
    plain = run_highs(c, {"threads": 1, "random_seed": 0}, mip_start=False)
    monkeypatch.setattr(highs_backend, "run_watched", _abandoning)
    kept = run_highs(c, {"threads": 1, "random_seed": 0}, mip_start=False)
    assert kept.status == "feasible" and "its best plan is kept" in kept.message
    assert kept.objective == pytest.approx(plain.objective, rel=1e-9)  # HiGHS's last report: its optimum
    assert np.array_equal(kept.x, plain.x) and kept.max_violation <= 1e-9
    assert kept.row_duals is not None and 0 <= kept.mip_gap < 0.01


def test_an_abandoned_lp_has_no_plan_to_keep(monkeypatch):
    c = compile_model(market_split())
    relaxed = replace(c, integer=np.zeros(len(c.columns), dtype=bool))
    monkeypatch.setattr(highs_backend, "run_watched", _abandoning)
    with pytest.raises(NoPlanError, match="abandoned"):
        run_highs(relaxed, {"threads": 1})


class _RecordingHighs:
    """Stands in for Highs: records whether HiGHS would call back into Python, before and after a stop."""

    def __init__(self) -> None:
        self.asked_to_stop = threading.Event()
        self.seen: list[bool] = []
        self._handle = False

    @property
    def HandleUserInterrupt(self) -> bool:  # noqa: N802 - highspy's name
        return self._handle

    @HandleUserInterrupt.setter
    def HandleUserInterrupt(self, value: bool) -> None:  # noqa: N802
        self._handle = value
        if value:
            self.asked_to_stop.set()

    def cancelSolve(self) -> None:  # noqa: N802
        pass

    def run(self) -> None:
        self.seen.append(self._handle)
        self.asked_to_stop.wait(10)
        self.seen.append(self._handle)


def test_highs_calls_back_into_python_only_once_asked_to_stop():
    # every interrupt callback needs the GIL: on from the start, any busy Python thread slows HiGHS down
    h = _RecordingHighs()
    message = run_watched(h, time_limit_s=0.1, grace=0.1)
    assert h.seen == [False, True] and "stopped by the watchdog" in message
    assert h.HandleUserInterrupt is False


def test_grace_grows_with_the_limit():
    assert grace_s(0) == 5.0 and grace_s(600) == pytest.approx(65.0)


def test_ctrl_c_cancels_highs_and_is_raised_again():
    c = compile_model(market_split(split=True))
    h = new_highs({"threads": 1, "time_limit": 60.0})
    highs_backend.pass_model(h, c, c.col_lower, c.col_upper, c.integer)
    threading.Timer(0.3, _thread.interrupt_main).start()
    start = time.perf_counter()
    with pytest.raises(KeyboardInterrupt):
        run_watched(h, time_limit_s=60.0)
    assert time.perf_counter() - start < 3.0  # HiGHS stopped: it would search for up to 60 s


def test_ctrl_c_in_the_cli_exits_130_without_traceback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    import planner.cli as cli_module

    monkeypatch.setattr(cli_module, "solve", interrupted)
    code, out = cli("solve", ROOT / "roadmaps" / "examples" / "minimal.yaml", "--out", tmp_path / "out")
    assert code == 130
    assert "interrupted" in out and "Traceback" not in out
    assert not (tmp_path / "out").exists()


def test_max_violation_measures_rows_and_bounds():
    c = compile_model(market_split())
    x = np.zeros(len(c.columns))
    assert max_violation(c, x) == 0.0
    x[:] = 1.0  # every row sums to its whole total, twice its bound
    worst = max((c.matrix @ x - c.row_upper) / (1 + np.abs(c.row_upper)))
    assert max_violation(c, x) == pytest.approx(worst)
    x[:] = 0.0
    x[0] = 2.0  # a binary at 2: bound violated by 1, relative to 1 + |x|
    assert max_violation(c, x) == pytest.approx(1 / 3)


def test_a_plan_that_violates_the_model_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    real = run_module.run_highs

    def corrupted(c, options, **kwargs):
        answer = real(c, options, **kwargs)
        answer.x = answer.x + 1000.0  # what a solver bug would hand back
        answer.max_violation = max_violation(c, answer.x)
        return answer

    monkeypatch.setattr(run_module, "run_highs", corrupted)
    loaded = load_roadmap(ROOT / "roadmaps" / "examples" / "minimal.yaml")
    with pytest.raises(NoPlanError, match="violates the model"):
        solve(loaded)
    code, out = cli("solve", ROOT / "roadmaps" / "examples" / "minimal.yaml", "--no-pdf", "--out",
                    tmp_path / "out")
    assert code == 4 and "refusing it" in out
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("roadmap", ["knapsack", "examples/cislunar-depot.yaml"])
def test_same_input_gives_the_same_plan(tmp_path: Path, roadmap: str):
    if roadmap == "knapsack":
        path = tmp_path / "knapsack.yaml"
        path.write_text(knapsack_roadmap())
    else:
        path = ROOT / "roadmaps" / roadmap
    first, second = (solve(load_roadmap(path)) for _ in range(2))
    assert first.objective == second.objective
    assert first.summary["input_hash"] == second.summary["input_hash"]
    assert first.tables["plan"].equals(second.tables["plan"])


def test_same_plan_across_processes_with_different_hash_seeds(tmp_path: Path):
    """Set and dict orders that depend on Python's hash seed must not reach the model or the plan."""
    roadmap = ROOT / "roadmaps" / "examples" / "cislunar-depot.yaml"
    plans = []
    for seed in ("1", "2"):
        out = tmp_path / seed
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run([sys.executable, "-m", "planner.cli", "solve", str(roadmap), "--no-pdf", "--out", str(out)],
                       env=env, cwd=ROOT, check=True, capture_output=True)
        plans.append((out / "plan.csv").read_bytes())
    assert plans[0] == plans[1]
