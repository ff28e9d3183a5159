"""Sweep throughput: scenarios per hour on a local Dask cluster, with and without in-place re-solves.

``python benchmarks/bench_sweep.py [--roadmap roadmaps/baseline.yaml] [--scenarios 24] [--workers 2]``

The same Latin-hypercube sweep (launch cap, launch price, specific power and compute revenue each scaled
by a factor in [0.8, 1.2]) runs twice into fresh folders: warm (each worker re-solves in place on its
HiGHS instance, :mod:`planner.sweep.warm`) and cold (every scenario built and solved from scratch).
Figures printed per mode:

* steady rate: scenarios per hour between the first and the last result (cluster start-up and each
  worker's first, reference, solve excluded as far as the first result excludes them);
* wall rate: scenarios per hour over the whole run, cluster start-up included;
* mean seconds per scenario on a worker, by how it was solved (reference, warm, cold);

and the speed-up of warm over cold. Objectives of the two runs are compared scenario by scenario.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from planner.sweep.execute import SolveSettings, run_sweep
from planner.sweep.spec import parse_vary, sweep_spec
from planner.sweep.store import ResultLog

ROOT = Path(__file__).resolve().parents[1]
VARY = [
    "launch_vehicles.starship.max_flights_per_year=x0.8..1.2",
    "launch_vehicles.starship.price_usd_per_kg=x0.8..1.2",
    "compute.specific_power_w_per_kg=x0.8..1.2",
    "compute.revenue_musd_per_gw_year=x0.8..1.2",
]


def run(roadmap: Path, scenarios: int, workers: int, warm: bool, folder: Path) -> dict[str, float]:
    spec = sweep_spec([parse_vary(v) for v in VARY], "lhs", scenarios, seed=1)
    stamps: list[float] = []
    start = time.perf_counter()
    final = run_sweep(roadmap, spec, folder, workers=workers, settings=SolveSettings(warm=warm),
                      on_progress=lambda p: stamps.append(time.perf_counter()) if p.done else None)
    wall = time.perf_counter() - start
    results = ResultLog(folder).read()
    seconds = results[results["quantity"] == "seconds"].groupby("name")["value"].agg(["mean", "count"])
    steady = (len(stamps) - 1) / (stamps[-1] - stamps[0]) * 3600 if len(stamps) > 1 else float("nan")
    out = {"done": final.done, "failed": final.failed, "wall_s": wall, "wall_per_hour": final.done / wall * 3600,
           "steady_per_hour": steady}
    for path, row in seconds.iterrows():
        out[f"mean_s_{path}"] = float(row["mean"])
        out[f"n_{path}"] = int(row["count"])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--roadmap", type=Path, default=ROOT / "roadmaps" / "baseline.yaml")
    parser.add_argument("--scenarios", type=int, default=24)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    figures = {}
    with tempfile.TemporaryDirectory() as tmp:
        for mode, warm in (("warm", True), ("cold", False)):
            figures[mode] = run(args.roadmap, args.scenarios, args.workers, warm, Path(tmp) / mode)
            print(mode, {k: round(v, 3) for k, v in figures[mode].items()}, flush=True)
        objectives = {m: ResultLog(Path(tmp) / m).read().query("quantity == 'status'").set_index("scenario")["value"]
                      for m in ("warm", "cold")}
    gap = ((objectives["warm"] - objectives["cold"]).abs() / objectives["cold"].abs().clip(lower=1)).max()
    print(f"roadmap {args.roadmap.name}, {args.scenarios} scenarios, {args.workers} workers")
    for mode in ("warm", "cold"):
        f = figures[mode]
        print(f"  {mode}: {f['steady_per_hour']:,.0f} scenarios/hour steady, {f['wall_per_hour']:,.0f} with start-up "
              f"({f['failed']} failed)")
    speedup = figures["warm"]["steady_per_hour"] / figures["cold"]["steady_per_hour"]
    print(f"  warm/cold speed-up (steady): {speedup:.2f}x")
    print(f"  largest relative objective difference warm vs cold: {gap:.2e}")


if __name__ == "__main__":
    main()
