"""A golden snapshot of an optimal plan: only what is unique at the optimum, plus where it came from.

The snapshot holds

* ``objective``: the mode, and the value and tolerance (:mod:`.tolerance`) of every objective stage;
* ``milestones``: the period each milestone is first reached (or ``not reached``), compared exactly;
* ``aggregates``: each aggregate of :mod:`.aggregates` with its tolerance and either its ``value``, when
  it is unique at the optimum, or its range ``low``, ``high`` over the optimal face (:mod:`.face`),
  ``null`` for an end that optimal plans do not bound (say, supply at a free source);
* ``model_size``: variables, constraints and rows per constraint family (reported, not failed on);
* ``roadmap`` (name, scenario, input hash), ``solver`` (name, version, profile) and ``reason``.

Everything is built from the plan's tidy tables and summary, except the ranges, which need the model.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from planner.errors import NoPlanError
from planner.regression.aggregates import aggregates, evaluate
from planner.regression.face import optimal_ranges
from planner.regression.tolerance import (
    aggregate_tolerance,
    face_slack,
    objective_tolerance,
    rounded,
    tolerance_rounded,
)

if TYPE_CHECKING:
    from planner.solve.run import Plan, SolveOptions

FORMAT = "planner-golden/1"


def milestone_periods(plan: Plan) -> dict[str, str]:
    """Milestone -> label of the period it is first reached, read from the plan's milestone table."""
    table = plan.tables["milestones"]
    return {str(row.milestone): str(row.reached_period) for row in table.itertuples()}


def snapshot(plan: Plan, options: SolveOptions, reason: str) -> dict[str, Any]:
    """The golden data of ``plan`` (solved with ``options``); raise :class:`NoPlanError` unless optimal."""
    if not plan.proven_optimal:
        raise NoPlanError(f"'{plan.summary['roadmap']}' was not solved to proven optimality ({plan.status}, "
                          f"gap {plan.mip_gap:.2%}): a golden needs an optimal plan; raise the time limit")
    highs_options = options.highs_options()
    size = plan.summary["model_size"]
    is_mip = size["integer_variables"] > 0
    stage_tolerances = {name: objective_tolerance(value, highs_options, is_mip)
                        for name, value in plan.stage_objectives.items()}
    found = aggregates(plan.built)
    ranges = optimal_ranges(plan, found, face_slack(plan.objective, highs_options), highs_options)
    labels = list(plan.built.data.timeline.labels)
    entries: dict[str, Any] = {}
    for aggregate in found:
        low, high = ranges[aggregate.name]
        finite = [v for v in (low, high) if v is not None]
        tolerance = aggregate_tolerance(finite or [evaluate(aggregate, plan.tables["plan"], labels)], highs_options)
        entry = aggregate.spec() | {"tolerance": tolerance_rounded(tolerance)}
        if low is not None and high is not None and high - low <= tolerance:
            entry["value"] = rounded((low + high) / 2)
        else:
            entry |= {"low": None if low is None else rounded(low), "high": None if high is None else rounded(high)}
        entries[aggregate.name] = entry
    return {
        "format": FORMAT,
        "reason": reason,
        "roadmap": {"name": plan.summary["roadmap"], "scenario": plan.summary["scenario"],
                    "input_hash": plan.summary["input_hash"]},
        "solver": {"name": plan.summary["solver"]["name"], "version": plan.summary["solver"]["version"],
                   "profile": options.profile},
        "objective": {
            "mode": plan.summary["objective_mode"],
            "stages": {name: {"value": rounded(v), "tolerance": tolerance_rounded(stage_tolerances[name])}
                       for name, v in plan.stage_objectives.items()},
        },
        "milestones": milestone_periods(plan),
        "aggregates": entries,
        "model_size": {key: size[key] for key in ("variables", "integer_variables", "constraints", "nonzeros",
                                                   "rows_by_family")},
    }
