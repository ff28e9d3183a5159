"""Run the benchmark suite: every instance through every phase, the end-to-end CLI, the scaling study.

``python benchmarks/run.py [--quick] [--instances small,medium] [--repeats N] [--no-scaling] [--out FILE]``

* Instances (:data:`generate.INSTANCES`): each is generated into a temporary folder and measured in
  its own process by :mod:`measure` (clean peaks; build plus hand-off timed ``--repeats`` times, each
  in a fresh process, default three, and the median reported, as the shared machine's moment moves it by
  10-20 %), with the floor (HiGHS alone on the exported MPS) under the profile's options and under
  ``--floor-solvers`` (default ``ipm``) to choose an algorithm per problem class from measurement.
* End to end: ``planner solve`` on each shipped roadmap in ``--roadmaps`` (default
  ``roadmaps/baseline.yaml``), wall time of the whole command (median of five runs), and whether a PDF
  was written.
* Scaling (:mod:`scaling`): build, hand-off and solve against horizon length and network size, with
  fitted log-log slopes, drawn into ``benchmarks/scaling.png`` with the solve times of
  ``results-scaling-before.json`` (the study of 2026-11-26, before the time-consistency changes of issue 16
  and the fine-grid ones of issue 22) to compare.

``--quick`` runs the small instance, a short scaling study and no end-to-end run. Results go to
``benchmarks/results.json`` (``results-quick.json`` with ``--quick``) so that runs can be compared.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import generate
import scaling

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PLANNER = Path(sys.executable).with_name("planner")
BEFORE = HERE / "results-scaling-before.json"  # the study of 2026-11-26, drawn beside the new one


def measure_instance(roadmap: Path, floor_solvers: list[str] | None, time_limit_s: float,
                     profile: str = "default", repeats: int = 1) -> dict[str, Any]:
    """:mod:`measure` on ``roadmap`` in a fresh process (no floor when ``floor_solvers`` is None), build
    plus hand-off timed ``repeats`` times."""
    with tempfile.TemporaryDirectory() as tmp:
        result = Path(tmp) / "result.json"
        command = [sys.executable, str(HERE / "measure.py"), str(roadmap), str(result), "--profile", profile,
                   "--time-limit", str(time_limit_s), "--repeats", str(repeats)]
        command += ["--no-floor"] if floor_solvers is None else ["--floor-solvers", ",".join(floor_solvers)]
        done = subprocess.run(command, capture_output=True, text=True)
        if done.returncode != 0:
            return {"roadmap": str(roadmap), "error": done.stderr.strip().splitlines()[-1:]}
        return json.loads(result.read_text(encoding="utf-8"))


def end_to_end(roadmap: Path, runs: int = 5) -> dict[str, Any]:
    """Wall time of ``planner solve ROADMAP`` as a user runs it, into a temporary folder: the median of
    ``runs`` runs (one shared machine's noise is seconds), with every run's time."""
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(runs):
            start = time.perf_counter()
            done = subprocess.run([str(PLANNER), "solve", str(roadmap), "--out", str(Path(tmp) / "run")],
                                  capture_output=True, text=True, cwd=ROOT)
            times.append(round(time.perf_counter() - start, 3))
            if done.returncode != 0:
                break
        pdfs = sorted(p.name for p in (Path(tmp) / "run").glob("*.pdf")) if done.returncode == 0 else []
    return {"roadmap": str(roadmap), "exit_code": done.returncode, "seconds": statistics.median(times),
            "runs_s": times, "pdf": pdfs}


def _row(name: str, r: dict[str, Any]) -> str:
    if "error" in r:
        return f"{name}: FAILED {r['error']}"
    phases = "  ".join(f"{k} {v['seconds']:.2f}s/{v['cpu_s']:.2f}cpu/{v['peak_mb']:.0f}MB"
                       for k, v in r["phases"].items())
    floors = "  ".join(f"{k} {v['seconds']:.2f}s/{v['cpu_s']:.2f}cpu ({v['status']})" for k, v in r["floor"].items())
    # a solve stopped by its time limit took at least that long: the ratio is then an upper bound
    bound, stopped = ("", "") if r["status"] == "optimal" else ("≤ ", " (the solve stopped at its time limit)")
    repeated = r.get("build_handoff_runs")
    runs = f" (median of {', '.join(f'{x:.2f}' for x in repeated)})" if repeated else ""
    return (f"{name}: {r['variables']:,} variables ({r['integer_variables']:,} integer), {r['constraints']:,} "
            f"constraints, {r['nonzeros']:,} nonzeros, {r['periods']} periods, {r['status']}\n"
            f"  phases (wall/CPU/peak): {phases}\n"
            f"  build+hand-off: {r['us_per_nonzero_build_handoff']:.2f} µs/nonzero wall{runs}, "
            f"{r['us_per_nonzero_build_handoff_cpu']:.2f} CPU; {bound}{r['build_handoff_over_solve']:.3f} x solve "
            f"wall, {bound}{r['build_handoff_over_solve_cpu']:.3f} x solve CPU{stopped}; "
            f"peak {r['peak_mb']:.0f} MB = {r['kb_per_nonzero_peak']:.3f} KB/nonzero "
            f"({r['kb_per_nonzero_above_baseline']:.3f} above the {r['baseline_mb']:.0f} MB after imports)\n"
            f"  floor (HiGHS on the MPS file): {floors}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="Small instance and a short scaling study only.")
    parser.add_argument("--instances", default=None, help="Comma-separated instance names (default: all; '' none).")
    parser.add_argument("--floor-solvers", default="ipm", help="HiGHS solvers for the floor, too.")
    parser.add_argument("--roadmaps", default="roadmaps/baseline.yaml", help="Comma-separated, for end to end.")
    parser.add_argument("--time-limit", type=float, default=300.0, help="HiGHS time limit per solve, s.")
    parser.add_argument("--scaling-time-limit", type=float, default=60.0, help="HiGHS time limit in the study, s.")
    parser.add_argument("--repeats", type=int, default=3,
                        help="Times each instance's build + hand-off is timed; the median is reported.")
    parser.add_argument("--no-scaling", action="store_true", help="Skip the scaling study.")
    parser.add_argument("--out", type=Path, default=None, help="Results JSON (default benchmarks/results*.json).")
    args = parser.parse_args(argv)
    names = [n for n in args.instances.split(",") if n] if args.instances is not None \
        else (["small"] if args.quick else list(generate.INSTANCES))
    solvers = [s for s in args.floor_solvers.split(",") if s]
    results: dict[str, Any] = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "load_average": os.getloadavg()},
        "instances": {}, "end_to_end": [], "scaling": None,
    }
    out = args.out or HERE / ("results-quick.json" if args.quick else "results.json")

    def save() -> None:  # after every step, so that an interrupted run keeps what it measured
        results["machine"]["load_average_after"] = os.getloadavg()
        out.write_text(json.dumps(results, indent=2), encoding="utf-8")

    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            path = generate.write(generate.INSTANCES[name], Path(tmp) / f"{name}.yaml", name)
            results["instances"][name] = r = measure_instance(path, solvers, args.time_limit, repeats=args.repeats)
            print(_row(name, r), flush=True)
            save()
    if not args.quick:
        for roadmap in [ROOT / p for p in args.roadmaps.split(",") if p]:
            if roadmap.is_file():
                results["end_to_end"].append(e2e := end_to_end(roadmap))
                print(f"planner solve {roadmap.relative_to(ROOT)}: {e2e['seconds']:.2f} s wall (median of "
                      f"{', '.join(f'{t:.2f}' for t in e2e['runs_s'])}), exit {e2e['exit_code']}, "
                      f"PDF {e2e['pdf'] or 'none'}", flush=True)
                save()
    if not args.no_scaling:
        results["scaling"] = scaling.study(quick=args.quick,
                                           measure=lambda path: measure_instance(path, None, args.scaling_time_limit))
        before = None
        if BEFORE.exists():
            earlier = json.loads(BEFORE.read_text(encoding="utf-8"))
            before = {**earlier["scaling"], "when": earlier["when"]}
        chart = scaling.chart(results["scaling"], HERE / ("scaling-quick.png" if args.quick else "scaling.png"),
                              before)
        for axis, fit in results["scaling"]["slopes"].items():
            print(f"scaling vs {axis}: " + ", ".join(f"{k} slope {v:.2f}" for k, v in fit.items()))
        print(f"chart: {chart}")
    save()
    print(f"results: {out}")


if __name__ == "__main__":
    sys.exit(main())
