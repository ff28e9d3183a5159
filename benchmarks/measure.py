"""Measure one roadmap through every phase of the pipeline: time and peak memory per phase.

``python benchmarks/measure.py ROADMAP.yaml RESULT.json [--profile P] [--floor-solvers a,b] [--no-floor]
[--time-limit S] [--repeats N]``
runs in its own process (the driver :mod:`run` starts one per instance, so every peak is clean) and
writes the figures as JSON.

The real pipeline runs (:func:`planner.solve.run.solve`, :func:`planner.results.outputs.write_run`);
its steps are timed by wrapping the functions it calls, so nothing here re-implements them:

* ``load``: read, compose, validate and check the roadmap;
* ``build``: :func:`planner.model.build_model`;
* ``handoff``: the standard-form compile plus ``Highs.passModel`` (every stage of the objective);
* ``solve``: HiGHS's run (every stage); ``check_and_duals``: the plan check and the duals after it;
* ``extract``: values back onto the model and the tidy tables;
* ``other``: what :func:`solve` spends outside the phases above (summary, dual table);
* ``write_csv``: the run folder with the report CSVs; ``write_pdf``: ``report.pdf`` (as ``planner solve``).

Each phase has its wall time, its CPU time (``process_time``: steadier than wall time on a shared
machine; for ``solve`` it includes the check and the duals) and its peak memory: the process's
resident high-water mark while it runs (Linux's ``VmHWM``, reset at every phase boundary by writing
``5`` to ``/proc/self/clear_refs``).

Build plus hand-off, the figure per nonzero, swings by 10-20 % with the moment on a shared machine;
``--repeats N`` times them N times: the pipeline's own, then N-1 more builds and hand-offs of the same
roadmap, each in a fresh process as the pipeline's own (``--only-build-handoff``: the build with the
collector paused, the hand-off with the model frozen; no peaks are taken from these).
``us_per_nonzero_build_handoff`` is then the median, every run's figure is kept in
``build_handoff_runs``. A roadmap whose pipeline hands off more than once (several objective stages,
learning) is timed once.

The floor: the last model handed to HiGHS is written as MPS, read back by a fresh HiGHS and solved
with the same options; its time is what the planner cannot beat. ``--floor-solvers`` repeats that
with other HiGHS ``solver`` settings (``simplex``, ``ipm``, ``pdlp``) to compare algorithms.
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import highspy
from pyomo.common.gc_manager import PauseGC

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the checkout's planner, installed or not

from planner import collector, load_roadmap  # noqa: E402
from planner.errors import PlannerError  # noqa: E402
from planner.model import build_model  # noqa: E402
from planner.results import tables as tables_module  # noqa: E402
from planner.results.outputs import write_run  # noqa: E402
from planner.solve import highs_backend as backend  # noqa: E402
from planner.solve import run as run_module  # noqa: E402
from planner.solve.run import SolveOptions  # noqa: E402
from planner.timeline import build_timeline  # noqa: E402

STATUS = Path("/proc/self/status")
PASS_MODEL = backend.pass_model  # before the pipeline's functions are wrapped
CLEAR_REFS = Path("/proc/self/clear_refs")


def rss_mb() -> float:
    """Current resident memory, MB."""
    return int(re.search(r"VmRSS:\s+(\d+)", STATUS.read_text()).group(1)) / 1024


def _high_water_mb() -> float:
    return int(re.search(r"VmHWM:\s+(\d+)", STATUS.read_text()).group(1)) / 1024


def _reset_high_water() -> None:
    CLEAR_REFS.write_text("5")


class Recorder:
    """Time and peak memory of named, possibly nested, spans; repeated spans add up."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.cpu: dict[str, float] = {}
        self.peak_mb: dict[str, float] = {}
        self.open: list[str] = []

    def _boundary(self) -> None:
        peak = _high_water_mb()
        for name in self.open:
            self.peak_mb[name] = max(self.peak_mb.get(name, 0.0), peak)
        _reset_high_water()

    @contextmanager
    def span(self, name: str) -> Iterator[None]:
        self._boundary()
        self.open.append(name)
        start, cpu = time.perf_counter(), time.process_time()
        try:
            yield
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - start
            self.cpu[name] = self.cpu.get(name, 0.0) + time.process_time() - cpu
            self._boundary()
            self.open.remove(name)

    def wrap(self, name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            with self.span(name):
                return function(*args, **kwargs)
        return timed


def _instrument(rec: Recorder, compiled_models: list[Any]) -> None:
    """Wrap the functions :func:`solve` calls so that each phase is recorded."""
    run_module.build_model = rec.wrap("build", run_module.build_model)
    compile_model = rec.wrap("compile", backend.compile_model)

    def compile_and_keep(m: Any) -> Any:
        compiled = compile_model(m)
        compiled_models.append(compiled)
        return compiled

    run_module.compile_model = compile_and_keep
    backend.pass_model = rec.wrap("pass_model", backend.pass_model)
    run_module.run_highs = rec.wrap("run_highs", run_module.run_highs)
    backend.run_watched = rec.wrap("highs_run", backend.run_watched)
    run_module.load_values = rec.wrap("load_values", run_module.load_values)
    tables_module.plan_tables = rec.wrap("tables", tables_module.plan_tables)  # solve imports it when called


def _report_writers() -> tuple[Callable[..., Any], Callable[[Path], None]] | None:
    """(report CSVs writer, PDF writer) of :mod:`planner.reports`, as ``planner solve`` uses them."""
    try:
        from planner.reports.build import report_writer
        from planner.reports.pdf import write_pdf
        from planner.reports.run_folder import read_run
    except ImportError:
        return None
    return report_writer, lambda folder: write_pdf(read_run(folder), folder / "report.pdf")


def floor(mps: Path, options: dict[str, Any]) -> dict[str, Any]:
    """HiGHS alone: read the MPS file, solve it with ``options``; wall and CPU seconds, status."""
    h = backend.new_highs(options)
    h.readModel(str(mps))
    start, cpu = time.perf_counter(), time.process_time()
    h.run()
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    info = h.getInfo()
    return {"seconds": seconds, "cpu_s": cpu, "status": h.modelStatusToString(h.getModelStatus()),
            "objective": float(info.objective_function_value),
            "simplex_iterations": int(info.simplex_iteration_count), "ipm_iterations": int(info.ipm_iteration_count)}


def build_and_handoff(loaded: Any, highs_options: dict[str, Any]) -> tuple[float, float, int]:
    """One more build and hand-off of ``loaded``'s first objective stage, as :func:`solve` does them:
    (build s, hand-off s, nonzeros)."""
    start = time.perf_counter()
    with PauseGC():
        built = build_model(loaded.roadmap)
    build_s = time.perf_counter() - start
    with collector.frozen():
        built.model.objective = built.stages[0].objective()
        start = time.perf_counter()
        compiled = backend.compile_model(built.model)
        PASS_MODEL(backend.new_highs(highs_options), compiled, compiled.col_lower, compiled.col_upper,
                   compiled.integer)
        handoff_s = time.perf_counter() - start
        nonzeros = int(compiled.matrix.nnz)
        del compiled, built
    return build_s, handoff_s, nonzeros


def _in_fresh_process(path: Path, profile: str) -> dict[str, Any]:
    """:func:`build_and_handoff` of ``path`` in a process of its own (``--only-build-handoff``)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "again.json"
        subprocess.run([sys.executable, __file__, str(path), str(out), "--profile", profile, "--only-build-handoff"],
                       check=True)
        return json.loads(out.read_text(encoding="utf-8"))


def _phases(rec: Recorder) -> dict[str, tuple[float, float, float]]:
    """name: (wall s, CPU s, peak MB) of each phase that ran."""
    s, cpu, peak = rec.seconds, rec.cpu, rec.peak_mb

    def get(*names: str) -> tuple[float, float, float]:
        return (sum(s.get(n, 0.0) for n in names), sum(cpu.get(n, 0.0) for n in names),
                max(peak.get(n, 0.0) for n in names))

    inside = ("build", "compile", "run_highs", "load_values", "tables")
    solve, run_highs, handoff = get("highs_run"), get("run_highs"), get("compile", "pass_model")
    phases = {
        "load": get("load"),
        "build": get("build"),
        "handoff": handoff,
        "solve": solve,
        "check_and_duals": (run_highs[0] - solve[0] - s.get("pass_model", 0.0),
                            run_highs[1] - solve[1] - cpu.get("pass_model", 0.0), run_highs[2]),
        "extract": get("load_values", "tables"),
        "other": (s.get("solve_total", 0.0) - sum(s.get(k, 0.0) for k in inside),
                  cpu.get("solve_total", 0.0) - sum(cpu.get(k, 0.0) for k in inside), peak.get("solve_total", 0.0)),
        "write_csv": get("write_csv"),
        "write_pdf": get("write_pdf"),
    }
    return {k: v for k, v in phases.items() if k in ("load", "build", "handoff", "solve") or v[0] > 0}


def measure(path: Path, profile: str = "default", floor_solvers: list[str] | None = None,
            time_limit_s: float | None = None, repeats: int = 1) -> dict[str, Any]:
    """Every phase of one roadmap through the pipeline (see the module docstring); the floor with the
    profile's options and each of ``floor_solvers`` (no floor when it is None); build plus hand-off
    ``repeats`` times. A solve that ends without a plan (time limit) is reported with the phases that ran."""
    baseline_mb = rss_mb()
    rec = Recorder()
    compiled_models: list[Any] = []
    _instrument(rec, compiled_models)
    with rec.span("load"):
        loaded = load_roadmap(path, allow_outside=True)
    options = SolveOptions(profile=profile, time_limit_s=time_limit_s)
    plan, status = None, ""
    try:
        with rec.span("solve_total"):
            plan = run_module.solve(loaded, options)
        status = plan.status
    except PlannerError as exc:
        status = f"{type(exc).__name__}: {str(exc).splitlines()[0]}"
    compiled = compiled_models[-1]
    floors: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "run"
        reports = _report_writers()
        if plan is not None:
            with rec.span("write_csv"):
                extra = reports[0](plan, options.highs_options(), pdf=False) if reports else None
                write_run(plan, out, extra=extra)
            if reports:
                with rec.span("write_pdf"):
                    reports[1](out)
        if floor_solvers is not None:
            mps = Path(tmp) / "model.mps"
            h = backend.new_highs({})
            backend.pass_model(h, compiled, compiled.col_lower, compiled.col_upper, compiled.integer)
            h.writeModel(str(mps))
            del h
            highs_options = options.highs_options()
            floors["profile"] = floor(mps, highs_options)
            for solver in floor_solvers:
                floors[solver] = floor(mps, {**highs_options, "solver": solver})
    phases = _phases(rec)
    nonzeros = max(int(compiled.matrix.nnz), 1)
    build_handoff = phases["build"][0] + phases["handoff"][0]
    build_handoff_cpu = phases["build"][1] + phases["handoff"][1]
    peak_mb = max(m for _, _, m in phases.values())
    result = {
        "roadmap": str(path),
        "status": status,
        "objective": plan.objective if plan is not None else None,
        "variables": len(compiled.columns),
        "integer_variables": int(compiled.integer.sum()),
        "constraints": len(compiled.rows),
        "nonzeros": int(compiled.matrix.nnz),
        "periods": len(build_timeline(loaded.roadmap.time)),
        "phases": {k: {"seconds": round(w, 4), "cpu_s": round(c, 4), "peak_mb": round(m, 1)}
                   for k, (w, c, m) in phases.items()},
        "total_s": round(sum(w for w, _, _ in phases.values()), 4),
        "us_per_nonzero_build_handoff": round(1e6 * build_handoff / nonzeros, 3),
        "us_per_nonzero_build_handoff_cpu": round(1e6 * build_handoff_cpu / nonzeros, 3),
        "build_handoff_over_solve": round(build_handoff / max(phases["solve"][0], 1e-9), 3),
        "build_handoff_over_solve_cpu": round(build_handoff_cpu / max(phases["solve"][1], 1e-9), 3),
        "baseline_mb": round(baseline_mb, 1),
        "peak_mb": round(peak_mb, 1),
        "process_peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "kb_per_nonzero_peak": round(1024 * peak_mb / nonzeros, 3),
        "kb_per_nonzero_above_baseline": round(1024 * (peak_mb - baseline_mb) / nonzeros, 3),
        "floor": floors,
        "highs_version": highspy.Highs.version(backend.new_highs({})),
    }
    if repeats > 1 and len(compiled_models) == 1:
        runs = [result["us_per_nonzero_build_handoff"]]
        for _ in range(repeats - 1):
            again = _in_fresh_process(path, profile)
            if again["nonzeros"] != nonzeros:
                raise RuntimeError(f"a repeated build has {again['nonzeros']} nonzeros, the pipeline's {nonzeros}")
            runs.append(round(1e6 * (again["build_s"] + again["handoff_s"]) / nonzeros, 3))
        result["build_handoff_runs"] = runs
        result["us_per_nonzero_build_handoff"] = statistics.median(runs)
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("roadmap", type=Path)
    parser.add_argument("result", type=Path)
    parser.add_argument("--profile", default="default")
    parser.add_argument("--floor-solvers", default="", help="Comma-separated HiGHS solver settings to compare.")
    parser.add_argument("--no-floor", action="store_true", help="Skip the MPS floor solve.")
    parser.add_argument("--time-limit", type=float, default=None, help="HiGHS time limit, s (planner and floor).")
    parser.add_argument("--repeats", type=int, default=1, help="Times build + hand-off (median reported).")
    parser.add_argument("--only-build-handoff", action="store_true",
                        help="Only load, build and hand off the first objective stage (a repeat of --repeats).")
    args = parser.parse_args(argv)
    if args.only_build_handoff:
        loaded = load_roadmap(args.roadmap, allow_outside=True)
        build_s, handoff_s, nonzeros = build_and_handoff(loaded, SolveOptions(profile=args.profile).highs_options())
        args.result.write_text(json.dumps({"build_s": build_s, "handoff_s": handoff_s, "nonzeros": nonzeros}))
        return
    solvers = None if args.no_floor else [s for s in args.floor_solvers.split(",") if s]
    result = measure(args.roadmap, args.profile, solvers, args.time_limit, args.repeats)
    args.result.write_text(json.dumps(result, indent=2), encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
