"""The frontier between discounted compute and settlement, by the epsilon-constraint method.

Two objectives on one roadmap: discounted compute :math:`V`, the weighted GW-years served
(:func:`planner.model.objective.discounted_compute`) and a settlement metric :math:`S` measured in the
last period: the people (any commodity) held at a location (``crew@mars_surface``), or a milestone's
metric. Milestone rewards are left out; both objectives keep the roadmap's tiny cost tie-break.

1. End point *compute*: maximize :math:`V`, then, holding it, maximize :math:`S` (giving :math:`S_0`).
2. End point *settlement*: maximize :math:`S` (giving :math:`S^*`), then, holding it, maximize :math:`V`.
3. Between them, for :math:`\\varepsilon_i` evenly spaced in :math:`(S_0, S^*)`: maximize :math:`V`
   subject to :math:`S \\ge \\varepsilon_i`.

A larger :math:`\\varepsilon` shrinks the feasible set, so :math:`V` never rises along the frontier
(to the solver's tolerance and MIP gap). Learning curves stay at their first iteration here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyomo.core as pyo
from matplotlib.figure import Figure

from planner.errors import Problem, RoadmapError
from planner.io.load import LoadedRoadmap
from planner.model import BuiltModel, build_model
from planner.model.objective import Stage, discounted_compute, tie_break
from planner.results.outputs import FLOAT_FORMAT
from planner.results.tables import plan_tables
from planner.results.write import atomic_folder
from planner.solve.run import SolveOptions, solve_stages

COLUMNS = ["point", "epsilon", "settlement", "discounted_compute", "status"]


@dataclass
class Frontier:
    """The points (``COLUMNS``), the settlement metric's label and each point's plan tables."""

    points: pd.DataFrame
    metric: str
    plans: list[dict[str, pd.DataFrame]]


def settlement_expression(built: BuiltModel, metric: str | None) -> tuple[str, Any]:
    """The settlement metric in the last period: ``commodity@location``, a milestone name, or by default
    the stock the first stock milestone measures (people on Mars)."""
    m, d = built.model, built.data
    last = d.periods[-1]
    milestones = d.roadmap.milestones
    if metric is None:
        stock = next((ms.metric.stock for ms in milestones.values() if ms.metric.stock is not None), None)
        metric = f"{stock.commodity}@{stock.location}" if stock is not None else None
        if metric is None:
            raise RoadmapError([Problem("no milestone measures people held at a location; name the settlement "
                                        "metric", key="--metric", allowed="commodity@location or a milestone")])
    if "@" in metric:
        commodity, _, location = metric.partition("@")
        if (location, commodity, last) not in m.stock:
            raise RoadmapError([Problem(f"nothing of '{commodity}' is ever held at '{location}'", key="--metric",
                                        allowed="commodity@location of a stock the roadmap keeps")])
        return metric, m.stock[location, commodity, last]
    if metric not in milestones:
        raise RoadmapError([Problem(f"no milestone '{metric}'", key="--metric",
                                    allowed=", ".join(milestones) or "commodity@location")])
    return metric, m.metric[metric, last]


def frontier(loaded: LoadedRoadmap, points: int = 7, metric: str | None = None,
             options: SolveOptions | None = None,
             progress: Callable[[int, int, dict[str, Any]], None] = lambda done, total, row: None) -> Frontier:
    """Solve the ``points`` (at least 2) of the compute-settlement frontier of ``loaded``; ``progress(done,
    total, row)`` is called after each point (in the order solved: the two end points first)."""
    if points < 2:
        raise RoadmapError([Problem("a frontier needs at least 2 points", key="--points")])
    options = options or SolveOptions(duals=False)
    highs = options.highs_options()
    built = build_model(loaded.roadmap)
    m, d = built.model, built.data
    label, settlement = settlement_expression(built, metric)
    compute = discounted_compute(m, d)
    value = compute - tie_break(m, d)
    rows, plans = [], []

    def record(epsilon: float, stages: list[Stage]) -> None:
        built.stages = stages
        _compiled, answer, _stages = solve_stages(built, highs, options, {})
        rows.append({"point": len(rows), "epsilon": epsilon, "settlement": float(pyo.value(settlement)),
                     "discounted_compute": float(pyo.value(compute)), "status": answer.status})
        plans.append(plan_tables(built, loaded))
        progress(len(rows), points, rows[-1])

    record(np.nan, [Stage("compute", value, "max"), Stage("settlement", settlement, "max")])
    record(np.nan, [Stage("settlement", settlement, "max"), Stage("compute", value, "max")])
    low, top = rows[0]["settlement"], rows[1]["settlement"]
    m.pareto_floor = pyo.Constraint(expr=settlement >= low)
    for epsilon in np.linspace(low, top, points)[1:-1]:
        m.pareto_floor.set_value(settlement >= float(epsilon))
        record(float(epsilon), [Stage("compute", value, "max")])
    m.del_component("pareto_floor")
    order = np.argsort([r["settlement"] for r in rows], kind="stable")
    return Frontier(points=pd.DataFrame([rows[i] for i in order], columns=COLUMNS).assign(point=range(len(rows))),
                    metric=label, plans=[plans[i] for i in order])


def write_frontier(front: Frontier, out: Path, title: str, force: bool = False) -> Path:
    """``frontier.csv``, ``frontier.png`` and ``point_NN/`` (plan and milestones CSVs) into ``out``."""
    with atomic_folder(Path(out), "pareto", force) as folder:
        front.points.to_csv(folder / "frontier.csv", index=False, float_format=FLOAT_FORMAT)
        frontier_chart(front, title).savefig(folder / "frontier.png", dpi=120)
        for i, tables in enumerate(front.plans):
            point = folder / f"point_{i:02d}"
            point.mkdir()
            for name in ("plan", "milestones"):
                tables[name].to_csv(point / f"{name}.csv", index=False, float_format=FLOAT_FORMAT)
    return Path(out)


def frontier_chart(front: Frontier, title: str) -> Figure:
    fig = Figure(figsize=(6.4, 4.2))
    ax = fig.subplots()
    p = front.points
    ax.plot(p["settlement"], p["discounted_compute"], marker="o")
    for r in p.itertuples():
        ax.annotate(str(r.point), (r.settlement, r.discounted_compute), textcoords="offset points", xytext=(4, 4),
                    fontsize=8)
    ax.set_xlabel(f"settlement: {front.metric} at the end")
    ax.set_ylabel("discounted compute (weighted GW-years)")
    ax.set_title(title)
    fig.tight_layout()
    return fig
