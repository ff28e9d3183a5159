"""Regression tests on optimal plans: golden snapshots that ignore noise from alternative optima.

``planner snapshot ROADMAP`` solves a roadmap and writes ``tests/golden/<name>[--<scenario>].json``: the
objective, the period each milestone is reached, aggregates (totals per decade per subsystem, compute in
service and people held at chosen years, cumulative flights per vehicle) with their range over all
optimal plans, the model size, the input hash and the solver version. ``planner regress`` solves again
and prints what moved. In a pytest suite::

    from planner.regression import assert_plan_matches
    assert_plan_matches("roadmaps/baseline.yaml", "tests/golden/baseline.json")

Modules: :mod:`.aggregates` (what is summed), :mod:`.face` (ranges over the optimal face),
:mod:`.tolerance`, :mod:`.snapshot`, :mod:`.golden` (file format), :mod:`.compare`, :mod:`.report`
(the diff table), :mod:`.check` (the workflow), :mod:`.commands` (CLI bodies).
"""

from planner.regression.check import assert_plan_matches, regress, snapshot_file
from planner.regression.compare import Comparison, compare
from planner.regression.golden import read_golden, write_golden
from planner.regression.snapshot import snapshot

__all__ = [
    "Comparison",
    "assert_plan_matches",
    "compare",
    "read_golden",
    "regress",
    "snapshot",
    "snapshot_file",
    "write_golden",
]
