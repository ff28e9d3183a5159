"""Why a roadmap has no plan, said in the roadmap's terms: which requirement, which limit, which period,
by how much; or which decision grows without limit.

**Infeasibility: an elastic re-solve.** Every row :math:`i` of a constraint family declared with a
``limit`` label gets a nonnegative slack :math:`\\sigma_i` on each side it bounds, and the model (integer
decisions kept) minimizes :math:`\\sum_i \\sigma_i / (1 + |b_i|)` (slacks relative to the row's bound
:math:`b_i`). The labels fall in two kinds:

* *requirements* a strategist asks for (``demand``, ``milestone deadline``);
* *limits* the world imposes (``launch cap``, ``chip supply``, ``funding``, ...).

Phase 1 relaxes only the limits, requirements held: its positive slacks are the limits to raise and by
how much ("launch cap of starship in 2027: needs 90 more flights"). Phase 2 relaxes only the
requirements, limits held: its slacks are the shortfalls ("demand of cargo_in_orbit in 2027: short by
9,000 t"). When neither alone restores feasibility, both are relaxed together. When even that fails, the
conflict lies in rows with no label (balances, windows) and the message says so.

**Unboundedness: two boxed re-solves.** Every column is boxed at :math:`\\pm 10^{8}`, then at
:math:`\\pm 10^{9}`; when the larger box improves the objective, the columns that grow with the box are
the decisions that improve it without limit (no cost, no cap).

**A time budget.** The re-solves share one budget (:data:`TIME_BUDGET_S` unless the caller gives one;
``planner solve --time-limit`` covers the solve and its diagnosis together): each gets an equal part of
what is left among the re-solves still to run in its step (relaxing the limits gets half, relaxing the
requirements the rest, and relaxing both, needed only when neither alone restores feasibility, what they
left); a re-solve tries interior point, then the primal simplex (:data:`LP_METHODS`). When the budget
runs out the diagnosis stops and returns what it has found so far, marked as partial: more conflicts
may exist.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import highspy
import numpy as np
import pyomo.core as pyo
import scipy.sparse as sp

from planner.errors import InfeasibleError, NoPlanError, PlannerError
from planner.model.network import eating
from planner.solve.budget import TimeBudget
from planner.solve.highs_backend import Compiled, compile_model, new_highs
from planner.solve.watchdog import run_watched

if TYPE_CHECKING:
    from planner.model import BuiltModel

SLACK_REPORTED = 1e-6  # relative to 1 + |bound|
BOX = 1e9
TIME_BUDGET_S = 30.0
# How a re-solve is run: each method in turn, with an equal part of the re-solve's time, until one finishes.
# No LP method finishes on every elastic LP: the dual simplex stalls on the baseline's (over 60 s against
# 2 s by interior point with crossover); with the Mars milestone due in 2031 instead, interior point stalls
# (over 130 s) where the primal simplex takes 5 s. A MIP keeps HiGHS's choice.
LP_METHODS: tuple[dict[str, Any], ...] = ({"solver": "ipm"}, {"solver": "simplex", "simplex_strategy": 4})
MIP_METHODS: tuple[dict[str, Any], ...] = ({"solver": "choose"},)
REQUIREMENTS = frozenset({"demand", "milestone deadline"})
SHOWN = 12

# The unit of a relaxed row, by limit label; None: the unit of the commodity the row is about.
UNITS: dict[str, str | None] = {
    "launch cap": "flights", "shared launch cap": "flights", "launch fleet": "flights",
    "launch ramp": "flights per year", "launch payload": "t",
    "chip supply": "GW", "funding": "M$", "facility capacity": "t of activity", "milestone deadline": "",
    "demand": None, "habitat": None, "supply rate": None, "supply total": None, "power": "kW",
    "vehicle payload": "t", "tank capacity": "t", "fleet time": "vehicle-days", "vehicle copies": "vehicles",
    "vehicle life": "trips", "mass driver capacity": "t", "life support": None, "debt ceiling": "M$",
    "debt repayment": "M$",
}


@dataclass(frozen=True)
class Relaxation:
    """One row relaxed by the elastic re-solve: its family, index and the amount it was relaxed by."""

    limit: str
    family: str
    index: tuple[Any, ...]
    where: str  # "of starship in 2027"
    amount: float
    unit: str
    bound: float | None  # the limit's own value when the row bounds a single decision, else None

    @property
    def is_requirement(self) -> bool:
        return self.limit in REQUIREMENTS

    def sentence(self) -> str:
        """``launch cap of starship in 2027: needs 90 more flights (the limit is 85)``."""
        if self.limit == "milestone deadline":
            return f"milestone {self.where}: cannot be reached by its deadline"
        unit = f" {self.unit}" if self.unit else ""
        if self.is_requirement:
            return f"{self.limit} {self.where}: short by {_number(self.amount)}{unit}"
        now = f" (the limit is {_number(self.bound)})" if self.bound is not None else ""
        return f"{self.limit} {self.where}: needs {_number(self.amount)} more{unit}{now}"


@dataclass
class Diagnosis:
    """What the elastic and boxed re-solves found. ``feasible`` is None when the time budget ran out before
    any re-solve could tell; ``partial`` when it ran out before the diagnosis was complete."""

    roadmap: str
    feasible: bool | None
    requirements: list[Relaxation] = field(default_factory=list)
    limits: list[Relaxation] = field(default_factory=list)
    unbounded: list[str] = field(default_factory=list)
    resolves: int = 0  # re-solves run to the end
    partial: bool = False
    budget_s: float = 0.0

    def text(self) -> str:
        if not self.partial:
            return self._findings()
        return (f"{self._findings()}\nPartial answer: the diagnosis ran out of its {self.budget_s:g} s time budget "
                f"after {self.resolves} re-solve(s); more conflicts may exist (rerun 'planner diagnose' with a "
                "larger --time-limit).")

    def _findings(self) -> str:
        if self.unbounded:
            lines = ["These decisions improve the objective without limit (no cost and no cap on them):"]
            lines += [f"  - {name}" for name in self.unbounded[:SHOWN]]
            lines += _more(self.unbounded)
            lines.append("Give them a cost, a cap, or a limit upstream (launch cap, chip supply, funding).")
            return "\n".join(lines)
        if not self.feasible and self.partial and not self.requirements and not self.limits:
            return "No conflict found yet: no re-solve that relaxes them finished within the time budget."
        if self.feasible:
            return f"The roadmap '{self.roadmap}' is feasible: no requirement or limit needs relaxing."
        if not self.requirements and not self.limits:
            return ("No requirement or limit explains it: the flows cannot balance whatever the limits (a demand "
                    "or milestone before its first possible delivery, a launch window that never opens, a "
                    "consumable that cannot be carried). Check the routes, windows and transit times.")
        lines = []
        if self.requirements:
            lines.append("These requirements cannot be met within the roadmap's limits:")
            lines += [f"  - {r.sentence()}" for r in self.requirements[:SHOWN]] + _more(self.requirements)
        if self.limits:
            lines.append("To meet them, raise these limits (the smallest increases relative to each limit):"
                         if self.requirements else "The plan becomes feasible if these limits are raised:")
            lines += [f"  - {r.sentence()}" for r in self.limits[:SHOWN]] + _more(self.limits)
        return "\n".join(lines)

    def error(self, infeasible: bool = False) -> PlannerError:
        """The error ``solve`` raises: infeasible or unbounded, with this diagnosis as its explanation; when
        the diagnosis could not tell, infeasible if the solver says so (``infeasible``), else no plan."""
        if self.feasible is None and not infeasible:
            return NoPlanError(f"could not tell whether the roadmap '{self.roadmap}' has a plan\n{self.text()}")
        kind = "is unbounded" if self.unbounded else "has no feasible plan"
        return InfeasibleError(f"the roadmap '{self.roadmap}' {kind}", self.text())


class _OutOfTime(Exception):
    """A re-solve was stopped, or could not start, for want of time."""


@dataclass
class Resolves:
    """The re-solves of one diagnosis under its time budget: how many ran, and what they found so far."""

    budget: TimeBudget
    count: int = 0
    found: list[Relaxation] = field(default_factory=list)
    infeasible: bool = False  # a re-solve has shown that the roadmap has no plan
    cut: bool = False  # a re-solve was stopped, or not run, for want of time

    def time_limit(self, solves: int) -> float:
        """The next re-solve's share of the budget among ``solves`` still to run; raises when it is spent."""
        share = self.budget.share(solves)
        if share <= 0:
            raise _OutOfTime
        return share


def diagnose(built: BuiltModel, budget: TimeBudget | None = None) -> Diagnosis:
    """Explain why ``built`` has no plan (or confirm that it has one) within ``budget`` (default
    :data:`TIME_BUDGET_S` from now).

    The elastic phases run on the LP relaxation first (fast, and fractional amounts read well: "12.5
    more flights"); only when the relaxation is feasible and the model has integers are they repeated
    with the integers kept."""
    name = built.data.roadmap.name
    resolves = Resolves(budget or TimeBudget(TIME_BUDGET_S))
    feasible: bool | None = None
    with _objective(built):
        compiled = compile_model(built.model)
        try:
            found = _phases(built, compiled, resolves, integer=False)
            if found is None and compiled.is_mip:
                found = _phases(built, compiled, resolves, integer=True)
            if found is not None:
                limits, requirements = found
                diagnosis = Diagnosis(name, feasible=False, requirements=requirements, limits=limits)
            else:
                feasible = True
                diagnosis = Diagnosis(name, feasible=True, unbounded=unbounded_decisions(built, compiled, resolves))
        except _OutOfTime:
            resolves.cut = True
            diagnosis = Diagnosis(name, feasible=False if resolves.infeasible else feasible,
                                  requirements=[r for r in resolves.found if r.is_requirement],
                                  limits=[r for r in resolves.found if not r.is_requirement])
    diagnosis.resolves, diagnosis.partial, diagnosis.budget_s = resolves.count, resolves.cut, resolves.budget.seconds
    return diagnosis


def _phases(built: BuiltModel, c: Compiled, resolves: Resolves,
            integer: bool) -> tuple[list[Relaxation], list[Relaxation]] | None:
    """(limits to raise, requirement shortfalls), or None when nothing needs relaxing. A phase that finds
    relaxations proves the roadmap infeasible: what it found is kept in ``resolves`` as it comes. When
    relaxing the limits runs out of its time, relaxing the requirements still gets the rest."""
    try:
        limits = relaxations(built, c, resolves, 2, lambda label: label not in REQUIREMENTS, integer)
    except _OutOfTime:
        resolves.cut = True
        requirements = relaxations(built, c, resolves, 1, lambda label: label in REQUIREMENTS, integer)
        if requirements == []:
            return None
        resolves.infeasible = True  # the requirements cannot be relaxed enough, or must be: either way, no plan
        return [], requirements or []
    if limits == []:
        return None
    resolves.infeasible = True  # the limits cannot be relaxed enough, or must be: either way, no plan
    resolves.found += limits or []
    requirements = relaxations(built, c, resolves, 1, lambda label: label in REQUIREMENTS, integer)
    if requirements == []:
        return None
    if limits is None and requirements is None:
        both = relaxations(built, c, resolves, 1, lambda label: True, integer) or []
        return [r for r in both if not r.is_requirement], [r for r in both if r.is_requirement]
    return limits or [], requirements or []


def explain_infeasibility(built: BuiltModel) -> str:
    """A few lines naming the requirements and limits that conflict, with the amounts."""
    return diagnose(built).text()


def relaxations(built: BuiltModel, c: Compiled, resolves: Resolves, solves: int,
                elastic: Callable[[str], bool] = lambda label: True, integer: bool = True) -> list[Relaxation] | None:
    """Rows relaxed by the elastic re-solve over the labelled families ``elastic`` accepts (``integer``:
    keep the integer decisions), largest first; an empty list when nothing needs relaxing, None when
    relaxing them is not enough. The re-solve takes its share of the budget among ``solves``."""
    reg = built.registry
    labels = [reg.families[row.parent_component().name].limit if row.parent_component().name in reg.families
              else "" for row in c.rows]
    rows, signs = [], []
    for i, label in enumerate(labels):
        if not label or not elastic(label):
            continue
        if np.isfinite(c.row_upper[i]):  # a <= row (or ==) relaxed upward
            rows.append(i)
            signs.append(-1.0)
        if np.isfinite(c.row_lower[i]):
            rows.append(i)
            signs.append(1.0)
    if not rows:
        return None
    n_cols, n_slack = len(c.columns), len(rows)
    slack = sp.csc_matrix((signs, (rows, range(n_slack))), shape=(len(c.rows), n_slack))
    bound = np.array([c.row_upper[i] if sign < 0 else c.row_lower[i] for i, sign in zip(rows, signs, strict=True)])
    cost = np.concatenate([np.zeros(n_cols), 1.0 / (1.0 + np.abs(bound))])
    x = _solve(c, sp.hstack([c.matrix, slack]).tocsc(), cost, np.zeros(n_slack), np.full(n_slack, np.inf),
               resolves.time_limit(solves), resolves, integer=integer)
    if x is None:
        return None
    out = []
    for j, amount in enumerate(x[n_cols:]):
        if amount > SLACK_REPORTED * (1.0 + abs(bound[j])):
            out.append(_relaxation(built, c, rows[j], labels[rows[j]], float(amount), float(bound[j])))
    return sorted(out, key=lambda r: (-r.amount / (1.0 + abs(r.bound or 0.0)), r.family, str(r.index)))


def unbounded_decisions(built: BuiltModel, c: Compiled, resolves: Resolves) -> list[str]:
    """Decisions that grow with the box in two boxed re-solves of the active objective (at
    :data:`BOX` / 10 and :data:`BOX`), in the roadmap's terms ("flights (starship) in 2027"); none when
    the larger box does not improve the objective."""
    if not c.cost.any():
        return []
    sign = -1.0 if c.maximize else 1.0
    small, large = (_solve(c, c.matrix, sign * c.cost, np.maximum(c.col_lower, -box), np.minimum(c.col_upper, box),
                           resolves.time_limit(solves), resolves, boxed=True)
                    for box, solves in ((BOX / 10, 2), (BOX, 1)))
    if small is None or large is None:
        return []
    gain = sign * c.cost @ (small - large)  # > 0 when the larger box improves the objective
    if not gain > 1e-3 * (1.0 + abs(c.cost @ small)):
        return []  # the same optimum in both boxes: bounded (large values are only degenerate)
    quantities = {q.component: q.quantity for q in built.registry.quantities}
    labels = built.data.timeline.labels
    out = []
    for var, a, b in zip(c.columns, small, large, strict=True):
        if abs(b) > 2.0 * abs(a) + 1.0:
            component = var.parent_component().name
            out.append(f"{quantities.get(component, component)} {_where(var.index(), labels, brackets=True)}")
    return out


def _solve(c: Compiled, a: Any, cost: np.ndarray, extra_lower: np.ndarray, extra_upper: np.ndarray,
           time_limit: float, resolves: Resolves, boxed: bool = False, integer: bool = False) -> np.ndarray | None:
    """Minimize ``cost`` over ``a`` (the model's columns then extra ones) within ``time_limit``; the primal
    values, or None when there are none. Raises when the time limit stops the re-solve first.

    With ``boxed`` the extra bounds replace the model's column bounds instead of adding columns; with
    ``integer`` the model's integer decisions stay integer (else the LP relaxation)."""
    if boxed:
        lower, upper, kinds = extra_lower, extra_upper, c.integer
    else:
        lower = np.concatenate([c.col_lower, extra_lower])
        upper = np.concatenate([c.col_upper, extra_upper])
        kinds = np.concatenate([c.integer, np.zeros(len(extra_lower), dtype=bool)])
    kinds = kinds & integer
    deadline = time.monotonic() + time_limit
    methods = MIP_METHODS if kinds.any() else LP_METHODS
    for tried, method in enumerate(methods):
        limit = max(0.0, deadline - time.monotonic()) / (len(methods) - tried)
        h = new_highs({**method, "presolve": "on", "threads": 1, "random_seed": 0, "time_limit": limit})
        h.passModel(len(lower), len(c.rows), int(a.nnz), 1, 1, 0.0, cost, lower, upper, c.row_lower, c.row_upper,
                    a.indptr.astype(np.int32), a.indices.astype(np.int32), a.data.astype(float),
                    kinds.astype(np.int32))
        stopped = run_watched(h, limit)
        if not stopped and h.getModelStatus() not in (highspy.HighsModelStatus.kTimeLimit,
                                                      highspy.HighsModelStatus.kInterrupt):
            break
    else:
        raise _OutOfTime
    resolves.count += 1
    if h.getInfo().primal_solution_status != highspy.SolutionStatus.kSolutionStatusFeasible:
        return None
    return np.asarray(h.getSolution().col_value, dtype=float)


def _relaxation(built: BuiltModel, c: Compiled, i: int, label: str, amount: float, bound: float) -> Relaxation:
    row = c.rows[i]
    index = row.index() if isinstance(row.index(), tuple) else (row.index(),)
    roadmap = built.data.roadmap
    unit = UNITS.get(label, "")
    if unit is None:
        unit = _commodity_unit(roadmap, label, index)
    coefficients = c.matrix[[i], :].tocoo().data
    own = bound / coefficients[0] if len(coefficients) == 1 else None
    labels = built.data.timeline.labels
    where = _where(index, labels)
    if label == "demand":
        dem = roadmap.demands[index[0]]
        where = f"'{index[0]}' ({dem.at_least:,g} {unit} of {dem.commodity} at {dem.location}) in {labels[index[1]]}"
    elif label == "milestone deadline":
        ms = roadmap.milestones[index[0]]
        about = f": {ms.description}" if ms.description else ""
        where = f"'{index[0]}' (threshold {ms.threshold:,g}{about}) by {labels[index[1]]}"
    elif label == "life support":  # a row per day of the period: the shortfall over the period it is eaten in
        loc, k, p = index
        eaters = sorted({c.consumer for c in eating(roadmap, loc, k)})
        where = f"of {', '.join(eaters)} at {loc} in {labels[p]}"
        amount, unit, own = amount * built.data.length_days[p], f"{unit} of {k}", None
    return Relaxation(limit=label, family=row.parent_component().name, index=index, where=where, amount=amount,
                      unit=unit, bound=own)


def _commodity_unit(roadmap: Any, label: str, index: tuple[Any, ...]) -> str:
    if label == "demand":
        return roadmap.commodities[roadmap.demands[index[0]].commodity].unit
    for part in index:
        if isinstance(part, str) and part in roadmap.commodities:
            return roadmap.commodities[part].unit
    return ""


def _where(index: object, labels: tuple[str, ...], brackets: bool = False) -> str:
    """``of starship in 2027`` (or ``(starship) in 2027``) for the index ``('starship', 1)``."""
    parts = index if isinstance(index, tuple) else (index,)
    names = ", ".join(str(p) for p in parts if p is not None and not isinstance(p, int))
    periods = [labels[p] for p in parts if isinstance(p, int) and 0 <= p < len(labels)]
    text = (f"({names})" if brackets else f"of {names}") if names else ""
    if periods:
        text += f" in {periods[-1]}"
    return text.strip()


def _number(x: float) -> str:
    """``90``, ``12.5``, ``0.001234``, ``564,400``: four significant figures, never an exponent above 1."""
    return f"{x:,.0f}" if abs(x) >= 1e4 else f"{x:,.4g}"


def _more(items: list[Any]) -> list[str]:
    return [f"  ... and {len(items) - SHOWN} more"] if len(items) > SHOWN else []


class _objective:
    """Context: the model with an active objective (its first stage's when none is active)."""

    def __init__(self, built: BuiltModel):
        self.built = built
        self.added = False

    def __enter__(self) -> None:
        m = self.built.model
        if not any(o.active for o in m.component_data_objects(pyo.Objective)):
            m.diagnose_objective = self.built.stages[0].objective()
            self.added = True

    def __exit__(self, *exc: object) -> None:
        if self.added:
            self.built.model.del_component("diagnose_objective")
