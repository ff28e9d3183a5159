"""The bodies of ``planner sweep`` and ``planner pareto`` (the command line keeps thin wrappers)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pandas as pd
from rich.console import Console
from rich.table import Table

from planner.io.load import load_roadmap
from planner.results.tables import metric_unit
from planner.results.write import check_target
from planner.schema.roadmap import Roadmap
from planner.solve.run import SolveOptions
from planner.sweep.execute import SolveSettings, run_sweep
from planner.sweep.pareto import Frontier, frontier, write_frontier
from planner.sweep.progress import progress_bar
from planner.sweep.report import write_sweep_report
from planner.sweep.spec import parse_vary, read_sweep_file, sweep_from_mapping, sweep_spec


def sweep_roadmap(roadmap: Path, vary: list[str], spec_file: Path | None, method: str | None, samples: int | None,
                  seed: int | None, workers: int | None, scheduler: str | None, out: Path | None,
                  settings: SolveSettings, console: Console, force: bool = False) -> Path:
    """Run (or resume) a sweep, then write its summaries and PDF; command-line values win over the file's."""
    if spec_file is not None:
        declared = read_sweep_file(spec_file)
    else:
        block = load_roadmap(roadmap).roadmap.sweep if not vary else None
        declared = sweep_from_mapping(block.model_dump(), str(roadmap)) if block is not None else {}
    variations = declared.get("vary", []) + [parse_vary(pair) for pair in vary]
    spec = sweep_spec(variations, method or declared.get("method", "grid"),
                      samples if samples is not None else int(declared.get("samples", 100)),
                      seed if seed is not None else int(declared.get("seed", 0)))
    target = out or Path("reports") / f"{Path(roadmap).stem}-sweep"
    where = scheduler or f"a local cluster of {workers or 'one worker per core'}"
    console.print(f"sweep of {roadmap} ({spec.method}) on {where}; results in {target}/", markup=False)
    with progress_bar(console) as update:
        final = run_sweep(roadmap, spec, target, workers=workers, scheduler=scheduler, settings=settings,
                          on_progress=update, force=force)
    console.print(f"{final.done} solved now, {final.skipped} already done, {final.failed} failed")
    for path in write_sweep_report(target):
        console.print(f"  {path}", markup=False)
    return target


def pareto_roadmap(roadmap: Path, scenario: str | None, points: int, metric: str | None, out: Path | None,
                   options: SolveOptions, console: Console, force: bool = False) -> Path:
    """Trace the compute-settlement frontier and write it (CSV, chart, a plan per point)."""
    loaded = load_roadmap(roadmap, scenario=scenario)
    target = out or Path("reports") / f"{loaded.roadmap.name}-pareto"
    check_target(target, force)  # before solving: a refused folder costs no solving time
    with console.status(f"solving the end points of the frontier (0/{points})…") as status:
        start = time.perf_counter()

        def solved(done: int, total: int, row: dict[str, Any]) -> None:
            console.print(f"[{done}/{total}] {row['status']}: settlement {row['settlement']:,.6g}, discounted "
                          f"compute {row['discounted_compute']:,.6g} ({time.perf_counter() - start:.1f} s)",
                          markup=False, highlight=False)
            status.update(f"solving point {done + 1} of {total} of the frontier…")
        front = frontier(loaded, points=points, metric=metric, options=options, progress=solved)
    write_frontier(front, target, f"{loaded.roadmap.name}: compute against {front.metric}", force)
    console.print(frontier_table(front, settlement_unit(loaded.roadmap, front.metric)))
    console.print(f"  outputs: {target}/", markup=False)
    return target


def settlement_unit(r: Roadmap, metric: str) -> str:
    """The unit of the settlement metric: the commodity's (``crew@mars_surface``) or the milestone's metric's."""
    units = {k: c.unit for k, c in r.commodities.items()}
    if "@" in metric:
        return units.get(metric.partition("@")[0], "t")
    return metric_unit(r.milestones[metric].metric, units)


def frontier_table(front: Frontier, unit: str) -> Table:
    """The frontier's points with units; the end points, solved without a settlement floor, show '—'."""
    table = Table(title=f"Compute against settlement ({front.metric})", title_justify="left")
    for header in ("point", f"settlement floor, {unit}", f"settlement, {unit}", "discounted compute, GW-years"):
        table.add_column(header, justify="right")
    table.add_column("status")
    for row in front.points.itertuples():
        floor = "—" if pd.isna(row.epsilon) else f"{row.epsilon:,.6g}"
        table.add_row(str(row.point), floor, f"{row.settlement:,.6g}", f"{row.discounted_compute:,.6g}", row.status)
    return table
