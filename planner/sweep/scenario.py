"""One scenario of a sweep, solved on a worker: roadmap path and overrides in, result rows out.

The scenario is re-solved in place on the worker's HiGHS instance when it can be
(:mod:`planner.sweep.warm`), else solved cold with :func:`planner.solve`.

What crosses between processes is plain data (a path, a mapping of overrides, a list of row dicts);
the Pyomo model lives and dies on the worker. A scenario that cannot be solved is not an exception
for the sweep: it comes back as rows with its status and the reason.

Result rows form one long table, columns :data:`COLUMNS`:

* ``objective``, ``seconds`` (wall time on the worker) and ``solve_seconds`` (of which in HiGHS; ``name`` of
  both: reference, warm, restart or cold, see :mod:`planner.sweep.warm`; ``note`` of ``seconds``: ``built``
  when the scenario's model was built, ``parameters`` when the worker's kept model took its numbers);
* ``milestone_year`` per milestone (``name``): the decimal year first reached, NaN when never;
* ``headline`` figures (``name``: compute_gw_at_end, flights_total, cash_low_musd, ...);
* ``compute_in_service`` (GW) and ``held`` (counted commodities held away from their sources,
  ``name`` = ``commodity@location``: people on Mars) per ``period`` and ``year``;
* last, ``status``: ``name`` is optimal | feasible | infeasible | no_plan | bad_input | error, ``note``
  the reason when it failed. A scenario is finished when its status row is written.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from planner import collector
from planner.errors import InfeasibleError, NoPlanError, RoadmapError
from planner.io.load import LoadedRoadmap, load_roadmap
from planner.results.headlines import counted, headlines, source_locations
from planner.solve.run import SolveOptions, solve
from planner.sweep.warm import Solved, warm_solve

COLUMNS = ["scenario", "quantity", "name", "period", "year", "value", "note"]
KEPT_QUANTITIES = frozenset({"compute_in_service", "flights", "stock", "cash"})  # what plan_rows reads of a plan
FAILURES = {InfeasibleError: "infeasible", NoPlanError: "no_plan", RoadmapError: "bad_input"}


@dataclass(frozen=True)
class Task:
    """Everything a worker needs for one scenario (plain data: cheap to send, safe to pickle)."""

    scenario: str
    roadmap: str
    overrides: dict[str, Any]  # the varied keys' values, in the order of the point's coordinates
    profile: str = "default"
    time_limit_s: float | None = None
    mip_gap: float | None = None
    warm: bool = True
    point: tuple[float, ...] = ()  # the design point scaled to [0, 1], maybe weighed per key: picks the warm start

    def load(self) -> LoadedRoadmap:
        """The roadmap with this scenario's overrides."""
        return load_roadmap(Path(self.roadmap), overrides=self.overrides)

    def solve_options(self) -> SolveOptions:
        """How a worker solves this scenario: the profile and limits asked, on one thread, without duals,
        tabulating only what :func:`plan_rows` keeps."""
        return SolveOptions(profile=self.profile, time_limit_s=self.time_limit_s, mip_gap=self.mip_gap, threads=1,
                            duals=False, quantities=KEPT_QUANTITIES)


def run_task(task: Task) -> list[dict[str, Any]]:
    """Solve one scenario; return its result rows (status row last), never raise for a bad scenario."""
    with collector.paused():  # a whole model made and dropped: see planner.collector
        return _run(task)


def _run(task: Task) -> list[dict[str, Any]]:
    start = time.perf_counter()
    try:
        loaded = task.load()
        options = task.solve_options()
        solved = warm_solve(loaded, options, task.point, task.overrides) if task.warm else None
        if solved is None:
            plan = solve(loaded, options)
            solved = Solved(objective=plan.objective, status=plan.status, tables=plan.tables, loaded=loaded,
                            labels=list(plan.built.data.timeline.labels), path="cold",
                            solve_s=plan.timings.get("solve_s", math.nan))
            collector.release(plan.built.model)
    except Exception as exc:  # noqa: BLE001 - every failure is recorded with its reason, the sweep goes on
        status = next((name for kind, name in FAILURES.items() if isinstance(exc, kind)), "error")
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return [row(task.scenario, "seconds", time.perf_counter() - start),
                row(task.scenario, "status", math.nan, name=status, note=f"{type(exc).__name__}: {reason}")]
    rows = plan_rows(task.scenario, solved)
    rows.append(row(task.scenario, "seconds", time.perf_counter() - start, name=solved.path,
                    note="built" if solved.built else "parameters"))
    rows.append(row(task.scenario, "solve_seconds", solved.solve_s, name=solved.path))
    rows.append(row(task.scenario, "status", solved.objective, name=solved.status))
    return rows


def plan_rows(scenario: str, plan: Solved) -> list[dict[str, Any]]:
    """The rows a sweep keeps of one plan (everything but ``seconds`` and ``status``)."""
    rows = [row(scenario, "objective", plan.objective)]
    milestones = plan.tables["milestones"]
    for name, reached in zip(milestones["milestone"], milestones["reached_year"], strict=True):
        year = math.nan if reached is None or pd.isna(reached) else float(reached)
        rows.append(row(scenario, "milestone_year", year, name=name))
    r = plan.loaded.roadmap
    figures = headlines(plan.tables, plan.labels, r)
    for name, figure in figures.items():
        if isinstance(figure, (int, float)) and not isinstance(figure, bool):
            rows.append(row(scenario, "headline", float(figure), name=name))
    table = plan.tables["plan"]
    compute = table[table["quantity"] == "compute_in_service"].groupby(["period", "year"], sort=False)["value"].sum()
    for (period, year), value in compute.items():
        rows.append(row(scenario, "compute_in_service", float(value), period=period, year=year))
    held = table[(table["quantity"] == "stock") & table["commodity"].isin(list(counted(r)))
                 & ~table["location"].isin(list(source_locations(r)))]
    for commodity, location, period, year, value in zip(held["commodity"], held["location"], held["period"],
                                                         held["year"], held["value"], strict=True):
        rows.append(row(scenario, "held", float(value), name=f"{commodity}@{location}", period=period, year=year))
    return rows


def row(scenario: str, quantity: str, value: float, name: str = "", period: str = "", year: float = math.nan,
        note: str = "") -> dict[str, Any]:
    """One row of the result table."""
    return {"scenario": scenario, "quantity": quantity, "name": name, "period": period, "year": year,
            "value": value, "note": note}
