"""Compare a new optimal plan with a golden snapshot: what moved, by how much, against which tolerance.

* each objective stage: :math:`|f - f_{\\text{golden}}| \\le t_f`;
* milestones: the period each is first reached, exactly;
* aggregates: the new plan's value inside the golden range widened by its tolerance,
  :math:`A_{\\min} - t_A \\le A \\le A_{\\max} + t_A` (an open end bounds nothing); the difference shown is
  the distance outside the range (0 inside it);
* the plan's status (a golden is always of a proven optimal plan).

Model size, input hash and solver version never fail a comparison: they are reported as notes, so that a
reader can tell a plan moved by an edited assumption from one moved by new code or a new solver.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from planner.regression.aggregates import Aggregate, aggregates, evaluate
from planner.regression.snapshot import milestone_periods

if TYPE_CHECKING:
    from planner.solve.run import Plan


@dataclass(frozen=True)
class Moved:
    """One quantity that moved: ``before`` is a value or a range, ``after`` the new plan's value."""

    what: str
    before: Any
    after: Any
    difference: float | None = None
    tolerance: float | None = None
    unit: str = ""


@dataclass
class Comparison:
    """The verdict on one golden: rows that moved and notes on what else changed."""

    title: str
    moved: list[Moved] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.moved


def _objective(golden: dict[str, Any], plan: Plan) -> list[Moved]:
    rows = []
    stages = golden["objective"]["stages"]
    for name in sorted(set(stages) | set(plan.stage_objectives)):
        before = stages.get(name)
        after = plan.stage_objectives.get(name)
        if before is None or after is None:
            rows.append(Moved(f"objective stage {name}", before and before["value"], after))
        elif abs(after - before["value"]) > before["tolerance"]:
            rows.append(Moved(f"objective {name}", before["value"], after, after - before["value"],
                              before["tolerance"]))
    return rows


def _milestones(golden: dict[str, Any], plan: Plan) -> list[Moved]:
    before, after = golden["milestones"], milestone_periods(plan)
    return [Moved(f"milestone {name} reached in", before.get(name, "absent"), after.get(name, "absent"))
            for name in sorted(set(before) | set(after)) if before.get(name) != after.get(name)]


def _outside(value: float, low: float | None, high: float | None) -> float:
    """Signed distance of ``value`` outside ``[low, high]`` (0 inside; an open end bounds nothing)."""
    if low is not None and value < low:
        return value - low
    if high is not None and value > high:
        return value - high
    return 0.0


def _aggregates(golden: dict[str, Any], plan: Plan) -> list[Moved]:
    labels = list(plan.built.data.timeline.labels)
    rows = []
    for name, entry in sorted(golden["aggregates"].items()):
        aggregate = Aggregate.from_spec(name, entry)
        low, high = (entry["value"], entry["value"]) if "value" in entry else (entry["low"], entry["high"])
        before = low if low == high else (low, high)
        if aggregate.first not in labels or aggregate.last not in labels:
            rows.append(Moved(name, before, "period not in the plan", unit=aggregate.unit))
            continue
        value = evaluate(aggregate, plan.tables["plan"], labels)
        difference = _outside(value, low, high)
        if abs(difference) > entry["tolerance"]:
            rows.append(Moved(name, before, value, difference, entry["tolerance"], aggregate.unit))
    return rows


def _notes(golden: dict[str, Any], plan: Plan, moved: bool) -> list[str]:
    notes = []
    old_hash, new_hash = golden["roadmap"]["input_hash"], plan.summary["input_hash"]
    old_solver, new_solver = golden["solver"]["version"], plan.summary["solver"]["version"]
    if old_hash != new_hash:
        notes.append(f"the resolved roadmap changed: its file, or defaults the code fills in "
                     f"(input hash {old_hash[:12]} -> {new_hash[:12]})")
    if old_solver != new_solver:
        notes.append(f"the solver changed: {golden['solver']['name']} {old_solver} -> {new_solver}")
    changed = [what for what, differs in (("inputs", old_hash != new_hash),
                                          ("solver version", old_solver != new_solver)) if differs]
    if changed and not moved:
        notes.append(f"only the {' and the '.join(changed)} changed: the plan did not move")
    if moved and not notes:
        notes.append("same inputs and same solver version: a change of code moved the plan")
    old_size, new_size = golden["model_size"], plan.summary["model_size"]
    changes = [f"{key} {old_size[key]:,} -> {new_size[key]:,}" for key in sorted(old_size)
               if key != "rows_by_family" and old_size[key] != new_size.get(key)]
    old_rows, new_rows = old_size["rows_by_family"], new_size["rows_by_family"]
    changes += [f"{name} rows {old_rows.get(name, 0):,} -> {new_rows.get(name, 0):,}"
                for name in sorted(set(old_rows) | set(new_rows)) if old_rows.get(name) != new_rows.get(name)]
    if changes:
        notes.append("model size changed: " + "; ".join(changes))
    known = set(golden["aggregates"])
    new = [a.name for a in aggregates(plan.built) if a.name not in known]
    if new:
        notes.append(f"{len(new)} aggregate(s) not in the golden, not compared (e.g. '{new[0]}'): "
                     "snapshot again to cover them")
    return notes


def _title(golden: dict[str, Any]) -> str:
    roadmap = golden["roadmap"]
    return roadmap["name"] + (f" / {roadmap['scenario']}" if roadmap["scenario"] else "")


def without_plan(golden: dict[str, Any], why: str) -> Comparison:
    """The verdict when the roadmap no longer has a plan (infeasible, or the solver found none)."""
    return Comparison(_title(golden), [Moved("status", "optimal", f"no plan: {why}")])


def compare(golden: dict[str, Any], plan: Plan) -> Comparison:
    """What moved between ``golden`` and the new ``plan``, with notes on inputs, solver and model size."""
    title = _title(golden)
    moved = []
    if not plan.proven_optimal:
        moved.append(Moved("status", "optimal", f"{plan.status} (gap {plan.mip_gap:.2%})"))
    moved += _objective(golden, plan) + _milestones(golden, plan) + _aggregates(golden, plan)
    return Comparison(title, moved, _notes(golden, plan, bool(moved)))
