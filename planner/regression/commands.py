"""The bodies of ``planner snapshot`` and ``planner regress`` (the CLI only parses options)."""

from __future__ import annotations

import time
from pathlib import Path

from rich.console import Console
from rich.markup import escape

from planner.errors import PlannerError, Problem, RoadmapError
from planner.io.load import load_roadmap
from planner.regression.check import GoldenWouldChange, regress, snapshot_file
from planner.regression.golden import DEFAULT_FOLDER
from planner.regression.report import diff_table
from planner.solve.run import SolveOptions


class SnapshotFailed(PlannerError):
    """Some goldens were not written; each was reported as it failed. The exit code is the worst of theirs."""

    def __init__(self, failed: list[tuple[str, PlannerError]], total: int):
        self.exit_code = max(error.exit_code for _, error in failed)
        super().__init__(f"{len(failed)} of {total} golden(s) not written: {', '.join(label for label, _ in failed)}")


def snapshot_roadmaps(roadmaps: list[Path], scenarios: list[str], out: Path, reason: str | None,
                      profile: str, console: Console, base_only: bool = False) -> None:
    """Write a golden per roadmap and scenario (the base and every declared scenario when none is named; the
    base alone with ``base_only``), going on past a golden that would change or fails, and reporting each."""
    if base_only and scenarios:
        raise RoadmapError([Problem("--no-scenarios snapshots the base roadmap only; it cannot be given with "
                                    "--scenario", key="--no-scenarios", allowed="one of the two")])
    options = SolveOptions(profile=profile)
    failed: list[tuple[str, PlannerError]] = []

    def not_written(label: str, exc: PlannerError, step: str = "") -> None:
        failed.append((label, exc))
        console.print(f"{escape(step)}[red]not written[/] {escape(label)}: {escape(str(exc))}", highlight=False,
                      soft_wrap=True)
        if isinstance(exc, GoldenWouldChange):
            console.print(diff_table(exc.comparison))

    jobs: list[tuple[Path, str | None]] = []
    for path in roadmaps:
        try:
            names = [None] if base_only else scenarios or [None, *load_roadmap(path).roadmap.scenario_names]
        except PlannerError as exc:
            not_written(str(path), exc)
            continue
        jobs += [(path, name) for name in names]
    total = len(jobs) + len(failed)  # a roadmap that does not load counts as one
    for i, (path, scenario) in enumerate(jobs, start=1):
        label = f"{path}{' / ' + scenario if scenario else ''}"
        step = f"[{i}/{len(jobs)}] "
        start = time.perf_counter()
        try:
            with console.status(escape(f"{step}solving {label} and ranging its aggregates…")):
                golden, changed = snapshot_file(load_roadmap(path, scenario=scenario), out, reason, options)
        except PlannerError as exc:
            not_written(label, exc, step)
            continue
        console.print(escape(f"{step}{'wrote' if changed else 'unchanged'} {golden} "
                             f"({time.perf_counter() - start:.1f} s)"), highlight=False, soft_wrap=True)
    if failed:
        raise SnapshotFailed(failed, total)


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
