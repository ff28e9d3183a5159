"""Measure one roadmap through every phase of the pipeline: time and peak memory per phase.

``python benchmarks/measure.py ROADMAP.yaml RESULT.json [--profile P] [--floor-solvers a,b] [--no-floor]``
runs in its own process (the driver :mod:`run` starts one per instance, so every peak is clean) and
writes the figures as JSON.

The real pipeline runs (:func:`planner.solve.run.solve`, :func:`planner.results.outputs.write_run`);
its steps are timed by wrapping the functions it calls, so nothing here re-implements them:

* ``load``: read, compose, validate and check the roadmap;
* ``build``: :func:`planner.model.build_model`;
* ``handoff``: the standard-form compile plus ``Highs.passModel`` (every stage of the objective);
* ``solve``: ``Highs.run`` (every stage); ``check_and_duals``: the plan check and the duals after it;
* ``extract``: values back onto the model and the tidy tables;
* ``other``: what :func:`solve` spends outside the phases above (summary, dual table);
* ``write_csv``: the run folder; ``write_pdf``: the board report when :mod:`planner.reports` has one.

Each phase has its wall time, its CPU time (``process_time``: steadier than wall time on a shared
machine; for ``solve`` it includes the check and the duals) and its peak memory: the process's
resident high-water mark while it runs (Linux's ``VmHWM``, reset at every phase boundary by writing
``5`` to ``/proc/self/clear_refs``).

The floor: the last model handed to HiGHS is written as MPS, read back by a fresh HiGHS and solved
with the same options; its time is what the planner cannot beat. ``--floor-solvers`` repeats that
with other HiGHS ``solver`` settings (``simplex``, ``ipm``, ``pdlp``) to compare algorithms.
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import highspy

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the checkout's planner, installed or not

from planner import load_roadmap  # noqa: E402
from planner.results.outputs import write_run  # noqa: E402
from planner.solve import highs_backend as backend  # noqa: E402
from planner.solve import run as run_module  # noqa: E402
from planner.solve.run import SolveOptions  # noqa: E402

STATUS = Path("/proc/self/status")
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


def _instrument(rec: Recorder, last_compiled: list[Any]) -> None:
    """Wrap the functions :func:`solve` calls so that each phase is recorded."""
    run_module.build_model = rec.wrap("build", run_module.build_model)
    compile_model = rec.wrap("compile", backend.compile_model)

    def compile_and_keep(m: Any) -> Any:
        compiled = compile_model(m)
        last_compiled[:] = [compiled]
        return compiled

    run_module.compile_model = compile_and_keep
    backend._pass = rec.wrap("pass_model", backend._pass)
    run_module.run_highs = rec.wrap("run_highs", run_module.run_highs)
    run_module.load_values = rec.wrap("load_values", run_module.load_values)
    run_module.plan_tables = rec.wrap("tables", run_module.plan_tables)


def _pdf_writer() -> Callable[[Any, Path], None] | None:
    """The board-report writer of :mod:`planner.reports`, when that module offers one."""
    try:
        import planner.reports as reports
    except ImportError:
        return None
    for name in ("write_pdf", "write_report", "board_pdf"):
        if hasattr(reports, name):
            return getattr(reports, name)
    return None


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


def measure(path: Path, profile: str = "default", floor_solvers: list[str] | None = None) -> dict[str, Any]:
    """Every phase of one roadmap through the pipeline (see the module docstring); the floor with the
    profile's options and each of ``floor_solvers`` (no floor when it is None)."""
    baseline_mb = rss_mb()
    rec = Recorder()
    last_compiled: list[Any] = []
    _instrument(rec, last_compiled)
    with rec.span("load"):
        loaded = load_roadmap(path, allow_outside=True)
    options = SolveOptions(profile=profile)
    with rec.span("solve_total"):
        plan = run_module.solve(loaded, options)
    timings = plan.timings
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "run"
        with rec.span("write_csv"):
            write_run(plan, out)
        writer = _pdf_writer()
        if writer is not None:
            with rec.span("write_pdf"):
                writer(plan, out)
        compiled = last_compiled[0]
        mps = Path(tmp) / "model.mps"
        if floor_solvers is not None:
            h = backend.new_highs({})
            backend._pass(h, compiled, compiled.col_lower, compiled.col_upper, compiled.integer)
            h.writeModel(str(mps))
            del h
        highs_options = options.highs_options()
        floors = {"profile": floor(mps, highs_options)} if floor_solvers is not None else {}
        for solver in floor_solvers or []:
            floors[solver] = floor(mps, {**highs_options, "solver": solver})
    s, cpu, peak = rec.seconds, rec.cpu, rec.peak_mb
    pass_s, pass_cpu = s.get("pass_model", 0.0), cpu.get("pass_model", 0.0)
    solve_s = timings.get("solve_s", 0.0)
    duals_s = timings.get("duals_s", 0.0)
    inside = ("build", "compile", "run_highs", "load_values", "tables")
    phases = {  # name: (wall s, CPU s, peak MB)
        "load": (s["load"], cpu["load"], peak["load"]),
        "build": (s["build"], cpu["build"], peak["build"]),
        "handoff": (s["compile"] + pass_s, cpu["compile"] + pass_cpu, max(peak["compile"], peak.get("pass_model", 0))),
        "solve": (solve_s, cpu["run_highs"] - pass_cpu, peak["run_highs"]),
        "check_and_duals": (s["run_highs"] - pass_s - solve_s, 0.0, peak["run_highs"]),
        "extract": (s["load_values"] + s["tables"], cpu["load_values"] + cpu["tables"],
                    max(peak["load_values"], peak["tables"])),
        "other": (s["solve_total"] - sum(s[k] for k in inside), cpu["solve_total"] - sum(cpu[k] for k in inside),
                  peak["solve_total"]),
        "write_csv": (s["write_csv"], cpu["write_csv"], peak["write_csv"]),
    }
    if "write_pdf" in s:
        phases["write_pdf"] = (s["write_pdf"], cpu["write_pdf"], peak["write_pdf"])
    size = plan.summary["model_size"]
    nonzeros = max(size["nonzeros"], 1)
    build_handoff = phases["build"][0] + phases["handoff"][0]
    build_handoff_cpu = phases["build"][1] + phases["handoff"][1]
    peak_mb = max(m for _, _, m in phases.values())
    process_peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "roadmap": str(path),
        "status": plan.status,
        "objective": plan.objective,
        "variables": size["variables"],
        "integer_variables": size["integer_variables"],
        "constraints": size["constraints"],
        "nonzeros": size["nonzeros"],
        "periods": len(plan.built.data.periods),
        "phases": {k: {"seconds": round(w, 4), "cpu_s": round(c, 4), "peak_mb": round(m, 1)}
                   for k, (w, c, m) in phases.items()},
        "duals_s": round(duals_s, 4),
        "total_s": round(sum(w for w, _, _ in phases.values()), 4),
        "us_per_nonzero_build_handoff": round(1e6 * build_handoff / nonzeros, 3),
        "us_per_nonzero_build_handoff_cpu": round(1e6 * build_handoff_cpu / nonzeros, 3),
        "build_handoff_over_solve": round(build_handoff / max(solve_s, 1e-9), 3),
        "baseline_mb": round(baseline_mb, 1),
        "peak_mb": round(peak_mb, 1),
        "process_peak_mb": round(process_peak_mb, 1),
        "kb_per_nonzero_peak": round(1024 * peak_mb / nonzeros, 3),
        "kb_per_nonzero_above_baseline": round(1024 * (peak_mb - baseline_mb) / nonzeros, 3),
        "floor": floors,
        "highs_version": highspy.Highs.version(backend.new_highs({})),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("roadmap", type=Path)
    parser.add_argument("result", type=Path)
    parser.add_argument("--profile", default="default")
    parser.add_argument("--floor-solvers", default="", help="Comma-separated HiGHS solver settings to compare.")
    parser.add_argument("--no-floor", action="store_true", help="Skip the MPS floor solve.")
    args = parser.parse_args(argv)
    solvers = None if args.no_floor else [s for s in args.floor_solvers.split(",") if s]
    args.result.write_text(json.dumps(measure(args.roadmap, args.profile, solvers), indent=2), encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
