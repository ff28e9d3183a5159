"""The bodies of ``planner snapshot`` and ``planner regress`` (the CLI only parses options)."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.markup import escape

from planner.errors import Problem, RoadmapError
from planner.io.load import load_roadmap
from planner.regression.check import regress, snapshot_file
from planner.regression.golden import DEFAULT_FOLDER
from planner.regression.report import diff_table
from planner.solve.run import SolveOptions


def snapshot_roadmaps(roadmaps: list[Path], scenarios: list[str], out: Path, reason: str | None,
                      profile: str, console: Console) -> None:
    """Write a golden per roadmap and scenario (the base and every declared scenario when none is named)."""
    options = SolveOptions(profile=profile)
    for path in roadmaps:
        base = load_roadmap(path)
        for scenario in scenarios or [None, *base.roadmap.scenario_names]:
            loaded = base if scenario is None else load_roadmap(path, scenario=scenario)
            with console.status(escape(f"solving {path}{' / ' + scenario if scenario else ''} and ranging its "
                                       "aggregates…")):
                golden, changed = snapshot_file(loaded, out, reason, options)
            console.print(f"{'wrote' if changed else 'unchanged'} {golden}", markup=False)


def regress_goldens(goldens: list[Path], console: Console) -> bool:
    """Compare every golden (``tests/golden/*.json`` when none is given); True when nothing moved."""
    files = goldens or sorted(DEFAULT_FOLDER.glob("*.json"))
    if not files:
        raise RoadmapError([Problem("no golden files given and none in the default folder",
                                    file=str(DEFAULT_FOLDER), allowed="planner snapshot ROADMAP to make one")])
    passed = True
    for path in files:
        with console.status(escape(f"solving the roadmap of {path}…")):
            comparison = regress(path)
        console.print(diff_table(comparison))
        passed = passed and comparison.passed
    return passed
