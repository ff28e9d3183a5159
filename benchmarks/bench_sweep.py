"""Sweep throughput: scenarios per hour on a local Dask cluster, with and without in-place re-solves.

``python benchmarks/bench_sweep.py [--roadmap roadmaps/baseline.yaml] [--scenarios 200] [--cold-scenarios 24]
[--workers 2]``

One Latin-hypercube sweep (launch cap, launch price, specific power and compute revenue each scaled by a
factor in [0.8, 1.2]) of ``--scenarios`` points runs warm into a fresh folder: each worker re-solves in
place on its HiGHS instance (:mod:`planner.sweep.warm`), scenarios in tour order (:mod:`planner.sweep.tour`).
The same sweep then runs cold (every scenario built and solved from scratch) into another folder and is
stopped after ``--cold-scenarios`` results: a cold solve does not depend on how dense the design is or on
which scenario came before, so a small sample measures its rate, while the warm rate does depend on the
density (neighbours in a denser design are closer, warm starts shorter) and needs the full sweep.
Figures printed per mode:

* steady rate: scenarios per hour between the first and the last result (cluster start-up and each
  worker's first, reference, solve excluded as far as the first result excludes them);
* wall rate: scenarios per hour over the whole run, cluster start-up included;
* mean seconds per scenario on a worker, by how it was solved (reference, warm, restart, cold),
and of those the seconds in HiGHS; then the speed-up of warm over cold per scenario (steady rates and mean
seconds per scenario) and of the re-solve alone (HiGHS seconds of a warm re-solve in place, update included,
against those of a cold solve), against the targets of 10,000 scenarios/hour and a 5x speed-up, and the
largest objective difference between the two runs on the scenarios both solved.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

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


class _Enough(Exception):
    """Raised from the progress callback to stop a sweep after the asked number of results."""


def run(roadmap: Path, scenarios: int, workers: int, warm: bool, folder: Path, stop_after: int | None = None
        ) -> dict[str, float]:
    """Run the benchmark sweep (stopped after ``stop_after`` results if given); return its figures."""
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
    wall = time.perf_counter() - start
    results = ResultLog(folder).read()
    status = results[results["quantity"] == "status"]
    seconds = results[results["quantity"] == "seconds"].groupby("name")["value"].agg(["mean", "count"])
    steady = (len(stamps) - 1) / (stamps[-1] - stamps[0]) * 3600 if len(stamps) > 1 else float("nan")
    out = {"done": len(status), "failed": int((~status["name"].isin(SOLVED)).sum()), "wall_s": wall,
           "wall_per_hour": len(status) / wall * 3600, "steady_per_hour": steady,
           "mean_s": float(results[results["quantity"] == "seconds"]["value"].mean())}
    for path, row in seconds.iterrows():
        out[f"mean_s_{path}"] = float(row["mean"])
        out[f"n_{path}"] = int(row["count"])
    solve = results[results["quantity"] == "solve_seconds"]
    out["mean_solve_s"] = float(solve["value"].mean())
    for path, value in solve.groupby("name")["value"].mean().items():
        out[f"mean_solve_s_{path}"] = float(value)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--roadmap", type=Path, default=ROOT / "roadmaps" / "baseline.yaml")
    parser.add_argument("--scenarios", type=int, default=200, help="scenarios of the sweep (all solved warm)")
    parser.add_argument("--cold-scenarios", type=int, default=24, help="how many of them to solve cold")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    figures = {}
    with tempfile.TemporaryDirectory() as tmp:
        for mode, warm, stop in (("warm", True, None), ("cold", False, args.cold_scenarios)):
            figures[mode] = run(args.roadmap, args.scenarios, args.workers, warm, Path(tmp) / mode, stop)
            print(mode, {k: round(v, 3) for k, v in figures[mode].items()}, flush=True)
        objectives = {m: ResultLog(Path(tmp) / m).read().query("quantity == 'status'").set_index("scenario")["value"]
                      for m in ("warm", "cold")}
    both = objectives["cold"].index.intersection(objectives["warm"].index)
    warm_objective, cold_objective = objectives["warm"][both], objectives["cold"][both]
    gap = ((warm_objective - cold_objective).abs() / cold_objective.abs().clip(lower=1)).max()
    print(f"roadmap {args.roadmap.name}, {args.workers} workers: {figures['warm']['done']} scenarios warm, "
          f"{figures['cold']['done']} of the same cold")
    for mode in ("warm", "cold"):
        f = figures[mode]
        paths = ", ".join(f"{k.removeprefix('mean_s_')} {v:.2f} s (n={f['n_' + k.removeprefix('mean_s_')]}, "
                          f"HiGHS {f['mean_solve_s_' + k.removeprefix('mean_s_')]:.3f} s)"
                          for k, v in f.items() if k.startswith("mean_s_"))
        print(f"  {mode}: {f['steady_per_hour']:,.0f} scenarios/hour steady, {f['wall_per_hour']:,.0f} with start-up "
              f"({f['failed']} failed); mean seconds per scenario {f['mean_s']:.2f}, of which HiGHS "
              f"{f['mean_solve_s']:.3f}: {paths}")
    rate = figures["warm"]["steady_per_hour"]
    speedup = rate / figures["cold"]["steady_per_hour"]
    per_scenario = figures["cold"]["mean_s"] / figures["warm"]["mean_s"]
    re_solve = figures["cold"]["mean_solve_s_cold"] / figures["warm"]["mean_solve_s_warm"]
    print(f"  warm steady rate vs target {TARGET_PER_HOUR:,}/h: {rate / TARGET_PER_HOUR:.0%}"
          + ("" if rate >= TARGET_PER_HOUR else f" (missed by {TARGET_PER_HOUR - rate:,.0f}/h)"))
    print(f"  warm/cold speed-up per scenario (model built, solved, results kept): {speedup:.2f}x steady rate, "
          f"{per_scenario:.2f}x mean seconds (target {TARGET_SPEEDUP:g}x"
          + ("" if min(speedup, per_scenario) >= TARGET_SPEEDUP else ", missed") + ")")
    print(f"  re-solve in place vs cold solve (HiGHS seconds, warm re-solves against cold solves): {re_solve:.2f}x "
          f"(target {TARGET_SPEEDUP:g}x" + ("" if re_solve >= TARGET_SPEEDUP else ", missed") + ")")
    print(f"  largest relative objective difference warm vs cold ({len(both)} scenarios): {gap:.2e}")


if __name__ == "__main__":
    main()
