"""Sweep throughput: scenarios per hour on a local Dask cluster, with and without in-place re-solves.

``python benchmarks/bench_sweep.py [--roadmap roadmaps/baseline.yaml] [--scenarios 200] [--cold-scenarios 24]
[--workers 2] [--out benchmarks/results-sweep.json]``

One Latin-hypercube sweep (launch cap, launch price, specific power and compute revenue each scaled by a
factor in [0.8, 1.2]) of ``--scenarios`` points runs warm into a fresh folder: each worker builds the model
once and re-solves in place on its HiGHS instance, each later scenario's numbers set through the model's
parameters (:mod:`planner.sweep.warm`), scenarios in tour order (:mod:`planner.sweep.tour`; the
keys first weighed by a probe on one worker, :mod:`planner.sweep.sensitivity`, which the wall rate includes
and the steady rate does not). The same sweep also runs cold (every scenario built and solved from scratch)
into other folders, stopped after half of ``--cold-scenarios`` results each, once before the warm sweep and
once after it (so that a drift of the machine's speed during the run weighs on both modes alike): a cold solve
does not depend on how dense the design is or on which scenario came before, so a small sample measures its
rate, while the warm rate does depend on the density (neighbours in a denser design are closer, warm starts
shorter) and needs the full sweep. Figures printed per mode:

* steady rate: scenarios per hour between the first and the last result (cluster start-up and each
  worker's first, reference, solve excluded as far as the first result excludes them);
* wall rate: scenarios per hour over the whole run, cluster start-up included;
* how many scenarios built their model (the others took their numbers through the kept model's parameters);
* mean seconds per scenario on a worker, by how it was solved (reference, warm, restart, cold),
and of those the seconds in HiGHS; then the speed-up of warm over cold per scenario (steady rates and mean
seconds per scenario) and of the re-solve alone (HiGHS seconds of a warm re-solve in place, update included,
against those of a cold solve), against the targets of 10,000 scenarios/hour and a 5x speed-up, and the
largest objective difference between the two runs on the scenarios both solved.
"""

from __future__ import annotations

import argparse
import json
import platform
import tempfile
import time
from dataclasses import dataclass
from functools import partial
from importlib.metadata import version
from pathlib import Path

import pandas as pd

from planner.sweep.execute import SOLVED, SolveSettings, run_sweep
from planner.sweep.progress import SweepProgress
from planner.sweep.spec import parse_vary, sweep_spec
from planner.sweep.store import ResultLog

ROOT = Path(__file__).resolve().parents[1]
VARY = [
    "launch_vehicles.starship.max_flights_per_year=x0.8..1.2",
    "launch_vehicles.starship.price_usd_per_kg=x0.8..1.2",
    "compute.specific_power_w_per_kg=x0.8..1.2",
    "compute.revenue_musd_per_gw_year=x0.8..1.2",
]


TARGET_PER_HOUR = 10_000
TARGET_SPEEDUP = 5.0


@dataclass
class Run:
    """One benchmark sweep: its result table, the time of each result, and its wall time."""

    results: pd.DataFrame
    stamps: list[float]
    wall_s: float


class _Enough(Exception):
    """Raised from the progress callback to stop a sweep after the asked number of results."""


def run(roadmap: Path, scenarios: int, workers: int, warm: bool, folder: Path, stop_after: int | None = None
        ) -> Run:
    """Run the benchmark sweep (stopped after ``stop_after`` results if given)."""
    spec = sweep_spec([parse_vary(v) for v in VARY], "lhs", scenarios, seed=1)
    stamps: list[float] = []

    def stamp(progress: SweepProgress) -> None:
        if progress.done:
            stamps.append(time.perf_counter())
        if stop_after is not None and progress.done >= stop_after:
            raise _Enough

    start = time.perf_counter()
    try:
        run_sweep(roadmap, spec, folder, workers=workers, settings=SolveSettings(warm=warm), on_progress=stamp)
    except _Enough:
        pass
    return Run(ResultLog(folder).read(), stamps, time.perf_counter() - start)


def figures(runs: list[Run]) -> dict[str, float]:
    """Rates and mean seconds over one or more runs of the same mode (see the module text)."""
    results = pd.concat([r.results for r in runs], ignore_index=True)
    status = results[results["quantity"] == "status"]
    steps = sum(len(r.stamps) - 1 for r in runs if len(r.stamps) > 1)
    steady_s = sum(r.stamps[-1] - r.stamps[0] for r in runs if len(r.stamps) > 1)
    wall = sum(r.wall_s for r in runs)
    out = {"done": len(status), "failed": int((~status["name"].isin(SOLVED)).sum()), "wall_s": wall,
           "wall_per_hour": len(status) / wall * 3600,
           "steady_per_hour": steps / steady_s * 3600 if steady_s > 0 else float("nan")}
    for quantity, prefix in (("seconds", "mean_s"), ("solve_seconds", "mean_solve_s")):
        values = results[results["quantity"] == quantity]
        out[prefix] = float(values["value"].mean())
        for path, value in values.groupby("name")["value"].mean().items():
            out[f"{prefix}_{path}"] = float(value)
    seconds = results[results["quantity"] == "seconds"]
    out.update({f"n_{path}": int(n) for path, n in seconds["name"].value_counts().items()})
    out["n_models_built"] = int((seconds["note"] == "built").sum())
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--roadmap", type=Path, default=ROOT / "roadmaps" / "baseline.yaml")
    parser.add_argument("--scenarios", type=int, default=200, help="scenarios of the sweep (all solved warm)")
    parser.add_argument("--cold-scenarios", type=int, default=24,
                        help="how many of them to solve cold (half before the warm sweep, half after)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args()
    half = max(args.cold_scenarios // 2, 2)
    with tempfile.TemporaryDirectory() as tmp:
        sweep = partial(run, args.roadmap, args.scenarios, args.workers)
        cold = [sweep(False, Path(tmp) / "cold-before", half)]
        warm = [sweep(True, Path(tmp) / "warm")]
        cold.append(sweep(False, Path(tmp) / "cold-after", half))
    figure = {"warm": figures(warm), "cold": figures(cold)}
    for mode, f in figure.items():
        print(mode, {k: round(v, 3) for k, v in f.items()}, flush=True)
    objectives = {mode: pd.concat([r.results for r in runs]).query("quantity == 'status'")
                  .drop_duplicates("scenario").set_index("scenario")["value"]
                  for mode, runs in (("warm", warm), ("cold", cold))}
    both = objectives["cold"].index.intersection(objectives["warm"].index)
    warm_objective, cold_objective = objectives["warm"][both], objectives["cold"][both]
    gap = ((warm_objective - cold_objective).abs() / cold_objective.abs().clip(lower=1)).max()
    print(f"roadmap {args.roadmap.name}, {args.workers} workers: {figure['warm']['done']} scenarios warm, "
          f"{figure['cold']['done']} of the same cold ({half} before the warm sweep, {half} after)")
    for mode in ("warm", "cold"):
        f = figure[mode]
        paths = ", ".join(f"{k.removeprefix('mean_s_')} {v:.2f} s (n={f['n_' + k.removeprefix('mean_s_')]}, "
                          f"HiGHS {f['mean_solve_s_' + k.removeprefix('mean_s_')]:.3f} s)"
                          for k, v in f.items() if k.startswith("mean_s_"))
        print(f"  {mode}: {f['steady_per_hour']:,.0f} scenarios/hour steady, {f['wall_per_hour']:,.0f} with start-up "
              f"({f['failed']} failed); models built {f['n_models_built']}; mean seconds per scenario "
              f"{f['mean_s']:.2f}, of which HiGHS {f['mean_solve_s']:.3f}: {paths}")
    rate = figure["warm"]["steady_per_hour"]
    speedup = rate / figure["cold"]["steady_per_hour"]
    per_scenario = figure["cold"]["mean_s"] / figure["warm"]["mean_s"]
    re_solve = figure["cold"]["mean_solve_s_cold"] / figure["warm"]["mean_solve_s_warm"]
    print(f"  warm steady rate vs target {TARGET_PER_HOUR:,}/h: {rate / TARGET_PER_HOUR:.0%}"
          + ("" if rate >= TARGET_PER_HOUR else f" (missed by {TARGET_PER_HOUR - rate:,.0f}/h)"))
    print(f"  warm/cold speed-up per scenario (loaded, its LP made, solved, results kept): {speedup:.2f}x steady rate, "
          f"{per_scenario:.2f}x mean seconds (target {TARGET_SPEEDUP:g}x"
          + ("" if min(speedup, per_scenario) >= TARGET_SPEEDUP else ", missed") + ")")
    print(f"  re-solve in place vs cold solve (HiGHS seconds, warm re-solves against cold solves): {re_solve:.2f}x "
          f"(target {TARGET_SPEEDUP:g}x" + ("" if re_solve >= TARGET_SPEEDUP else ", missed") + ")")
    print(f"  largest relative objective difference warm vs cold ({len(both)} scenarios): {gap:.2e}")
    if args.out is not None:
        summary = {"roadmap": args.roadmap.name, "workers": args.workers, "scenarios": args.scenarios, **figure,
                   "speedup_steady_rate": speedup, "speedup_mean_seconds": per_scenario, "speedup_re_solve": re_solve,
                   "objective_gap": float(gap), "machine": platform.platform(), "python": platform.python_version(),
                   "highspy": version("highspy")}
        args.out.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
