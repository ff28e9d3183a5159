"""Whole ships and binary milestones: how fast HiGHS finds a plan and proves it, per shipped roadmap.

``python benchmarks/mip.py [--roadmaps a,b] [--time-limit S] [--out FILE]``

Each shipped strategic roadmap and each of its scenarios is solved with binary milestones and whole Mars ships
(``--set integer=auto --set vehicles.mars_ship.integer=true``), the model built and handed to HiGHS exactly as
``planner solve`` does (same compile, same options: the default profile over ``planner.solve.run.MIP_OPTIONS``),
each in its own process, from the start rounded from the LP relaxation (``planner.solve.mip_start``;
``--no-start``: without it). Times count from the start's search; HiGHS's callbacks report every new incumbent
and its progress log, from which the script prints the time to the first plan, the time to a proven gap of 1 %,
and the gap at the end (proven optimal within the profile's 0.01 %, or the time limit, default 60 s). Results go to
``benchmarks/results-mip.json`` with the machine's load before and after.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
ROADMAPS = ("baseline", "seed-vision", "moon-first")
WHOLE = {"integer": "auto", "vehicles.mars_ship.integer": True}


def measure(roadmap: str, scenario: str | None, time_limit_s: float, with_start: bool) -> dict[str, Any]:
    """One solve, in this process: times of the first plan and of a 1 % gap, and the final gap."""

    from planner import SolveOptions, load_roadmap
    from planner.model import build_model
    from planner.solve.highs_backend import compile_model, new_highs, pass_model
    from planner.solve.mip_start import find_start, give_start

    loaded = load_roadmap(ROOT / "roadmaps" / f"{roadmap}.yaml", scenario=scenario, overrides=dict(WHOLE))
    built = build_model(loaded.roadmap)
    (stage,) = built.stages  # single-stage objectives
    built.model.objective = stage.objective()
    compiled = compile_model(built.model)
    options = SolveOptions(time_limit_s=time_limit_s).highs_options()
    start = find_start(compiled, options) if with_start else None
    before = start.seconds if start is not None else 0.0  # seconds spent before branch and cut
    h = new_highs({**options, "time_limit": time_limit_s - before})
    pass_model(h, compiled, compiled.col_lower, compiled.col_upper, compiled.integer)
    events: list[tuple[float, float]] = []  # (seconds, relative gap) as HiGHS reports them
    first: list[float] = []
    if start is not None and start.x is not None:
        give_start(h, start)
        first.append(before)

    def progress(e: Any) -> None:
        out = e.data_out
        if abs(out.mip_primal_bound) < 1e30:
            gap = abs(out.mip_dual_bound - out.mip_primal_bound) / max(abs(out.mip_primal_bound), 1e-9)
            events.append((before + out.running_time, gap))

    def improved(e: Any) -> None:
        if not first:
            first.append(before + e.data_out.running_time)
        progress(e)

    h.cbMipImprovingSolution.subscribe(improved)
    h.cbMipLogging.subscribe(progress)
    clock = time.process_time()
    h.run()
    cpu = time.process_time() - clock + before
    info = h.getInfo()
    within = [t for t, gap in events if gap <= 0.01]
    if not within and info.mip_gap <= 0.01:  # proven between two log lines: at the latest when HiGHS stopped
        within = [before + h.getRunTime()]
    return {"roadmap": roadmap, "scenario": scenario, "status": h.modelStatusToString(h.getModelStatus()),
            "objective": info.objective_function_value, "first_plan_s": first[0] if first else None,
            "gap_1pct_s": min(within) if within else None, "final_gap": info.mip_gap, "cpu_s": round(cpu, 2),
            "integer_columns": int(compiled.integer.sum()), "nodes": info.mip_node_count,
            "start": start.summary() if start is not None else None}


def scenarios(roadmap: str) -> list[str | None]:
    from planner import load_roadmap

    return [None, *load_roadmap(ROOT / "roadmaps" / f"{roadmap}.yaml").roadmap.scenario_names]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--roadmaps", default=",".join(ROADMAPS))
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--out", type=Path, default=HERE / "results-mip.json")
    parser.add_argument("--no-start", action="store_true", help="branch and cut without the LP-rounded start")
    parser.add_argument("--one", nargs=2, metavar=("ROADMAP", "SCENARIO"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:  # a child process: one measurement, printed as JSON
        roadmap, scenario = args.one
        print(json.dumps(measure(roadmap, None if scenario == "-" else scenario, args.time_limit, not args.no_start)))
        return
    results: dict[str, Any] = {"when": datetime.now(UTC).isoformat(timespec="seconds"),
                               "settings": {k: str(v) for k, v in WHOLE.items()}, "time_limit_s": args.time_limit,
                               "mip_start": not args.no_start,
                               "machine": {"cpus": os.cpu_count(), "load_average": list(os.getloadavg())},
                               "cases": []}
    for roadmap in args.roadmaps.split(","):
        for scenario in scenarios(roadmap):
            done = subprocess.run([sys.executable, __file__, "--one", roadmap, scenario or "-",
                                   "--time-limit", str(args.time_limit), *(["--no-start"] if args.no_start else [])],
                                  capture_output=True, text=True)
            lines = done.stdout.strip().splitlines()
            case = json.loads(lines[-1]) if done.returncode == 0 and lines else \
                {"roadmap": roadmap, "scenario": scenario, "error": done.stderr.strip().splitlines()[-3:]}
            results["cases"].append(case)
            print(json.dumps(case), flush=True)
    results["machine"]["load_average_after"] = list(os.getloadavg())
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"written {args.out}")


if __name__ == "__main__":
    main()
