"""Fine time grids and long horizons, as a user runs them: CPU seconds of the whole ``planner solve`` command.

``python benchmarks/fine_grids.py [--cases a,b] [--time-limit S] [--out FILE]``

Each case is one ``planner solve`` in a fresh process (with its report.pdf, as a user runs it), measured by
the CPU time (user + system) the command and its children used, with its wall time, the HiGHS solve time,
the LP method, status and objective from its ``summary.json``. Cases (:data:`CASES`):

* ``baseline-quarter``, ``baseline-month``: ``roadmaps/baseline.yaml`` with ``--set time.step=...``;
* ``medium``: the generated quarterly 2026-2060 instance (:mod:`generate`);
* ``large``: the generated monthly 2026-2100 instance;
* ``large-variable``: the same horizon with months to 2030, quarters to 2040, then years
  (``step: {2026: month, 2030: quarter, 2040: year}``), its objective compared with ``large``'s;
* ``large-rolling``: ``large-variable`` solved in 20-year windows overlapping by 5 (a myopic plan).

Results go to ``benchmarks/results-fine-grids.json`` with the machine's load before and after.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import generate

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PLANNER = Path(sys.executable).with_name("planner")
VARIABLE = {2026: "month", 2030: "quarter", 2040: "year"}

# case -> (roadmap: a shipped file or a generated instance, extra arguments of planner solve)
CASES: dict[str, tuple[str, list[str]]] = {
    "baseline-quarter": ("roadmaps/baseline.yaml", ["--set", "time.step=quarter"]),
    "baseline-month": ("roadmaps/baseline.yaml", ["--set", "time.step=month"]),
    "medium": ("medium", []),
    "large": ("large", []),
    "large-variable": ("large-variable", []),
    "large-rolling": ("large-variable", ["--window-years", "20", "--overlap-years", "5"]),
}


def roadmap_path(source: str, folder: Path) -> Path:
    """A shipped roadmap, or a generated instance written into ``folder``."""
    if source.endswith(".yaml"):
        return ROOT / source
    if source == "large-variable":
        return generate.write(replace(generate.INSTANCES["large"], step=VARIABLE), folder / "large-variable.yaml",
                              "large_variable")
    return generate.write(generate.INSTANCES[source], folder / f"{source}.yaml", source)


def run_case(name: str, time_limit_s: float) -> dict[str, Any]:
    """One ``planner solve`` of case ``name``: CPU and wall seconds, and what its summary says."""
    source, extra = CASES[name]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = roadmap_path(source, folder)
        out = folder / "out"
        command = [str(PLANNER), "solve", str(path), "--out", str(out), "--time-limit", str(time_limit_s), *extra]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True)
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        result: dict[str, Any] = {"case": name, "command": " ".join(["planner", "solve", source, *extra]),
                                  "exit_code": done.returncode, "cpu_s": round(cpu, 2), "wall_s": round(wall, 2)}
        summary_path = out / "summary.json"
        if done.returncode != 0 or not summary_path.exists():
            result["error"] = (done.stderr or done.stdout).strip().splitlines()[-3:]
            return result
        s = json.loads(summary_path.read_text(encoding="utf-8"))
        size = s["model_size"]
        result |= {"status": s["status"], "objective": s["objective"], "method": s.get("method"),
                   "solve_s": s["timings_s"].get("solve_s"), "build_s": s["timings_s"].get("build_s"),
                   "periods": len(s["periods"]), "variables": size["variables"], "nonzeros": size["nonzeros"],
                   "pdf": (out / "report.pdf").exists()}
        if "rolling_horizon" in s:
            result["windows"] = s["rolling_horizon"]["windows"]
        return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", default=",".join(CASES), help="Comma-separated cases (default: all).")
    parser.add_argument("--time-limit", type=float, default=900.0, help="planner solve's --time-limit, s.")
    parser.add_argument("--out", type=Path, default=HERE / "results-fine-grids.json")
    args = parser.parse_args()
    results = {"when": datetime.now(UTC).isoformat(timespec="seconds"),
               "machine": {"cpus": os.cpu_count(), "load_average": list(os.getloadavg())}, "cases": []}
    for name in args.cases.split(","):
        result = run_case(name, args.time_limit)
        results["cases"].append(result)
        shown = {k: v for k, v in result.items() if k != "windows"}
        print(json.dumps(shown), flush=True)
    by_case = {r["case"]: r for r in results["cases"]}
    if "objective" in by_case.get("large", {}) and "objective" in by_case.get("large-variable", {}):
        full, coarse = by_case["large"]["objective"], by_case["large-variable"]["objective"]
        results["large_variable_objective_difference"] = (coarse - full) / abs(full)
        print(f"large-variable objective vs large: {(coarse - full) / abs(full):+.2%}")
    if "objective" in by_case.get("large-variable", {}) and "objective" in by_case.get("large-rolling", {}):
        full, rolling = by_case["large-variable"]["objective"], by_case["large-rolling"]["objective"]
        results["rolling_objective_lost"] = (full - rolling) / abs(full)
        print(f"large-rolling objective lost against large-variable: {(full - rolling) / abs(full):.2%}")
    results["machine"]["load_average_after"] = list(os.getloadavg())
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"written {args.out}")


if __name__ == "__main__":
    main()
