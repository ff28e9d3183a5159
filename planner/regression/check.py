"""The regression workflow: snapshot a roadmap into a golden file, solve again and compare.

A golden is updated only on purpose: writing over an existing golden whose plan moved outside its
tolerances (what ``regress`` checks) needs a reason, which the file keeps (``reason``) and ``git log`` shows
beside the diff of the golden.
"""

from __future__ import annotations

from pathlib import Path

from planner.errors import InfeasibleError, NoPlanError, Problem, RoadmapError
from planner.io.load import LoadedRoadmap, load_roadmap
from planner.regression.compare import Comparison, compare, without_plan
from planner.regression.golden import golden_name, read_golden, roadmap_file, write_golden
from planner.regression.report import diff_text
from planner.regression.snapshot import snapshot
from planner.solve.run import Plan, SolveOptions, solve

FIRST_REASON = "first snapshot"


class GoldenWouldChange(RoadmapError):
    """A snapshot without a reason whose plan moved outside its golden's tolerances: ``comparison`` says what."""

    def __init__(self, path: Path, comparison: Comparison):
        self.comparison = comparison
        super().__init__([Problem(f"the golden would change ({len(comparison.moved)} row(s) moved outside its "
                                  "tolerances): say why with --reason (kept in the file)", file=str(path),
                                  key="reason")])


def snapshot_file(loaded: LoadedRoadmap, folder: Path, reason: str | None = None,
                  options: SolveOptions | None = None) -> tuple[Path, bool]:
    """Solve ``loaded`` and write its golden into ``folder``; return (path, whether the file changed).

    Without a ``reason`` a new golden records :data:`FIRST_REASON`, and an existing golden is left as it
    is when the new plan matches it within its own tolerances (the rule of :func:`regress`); if it does not,
    :class:`GoldenWouldChange` asks for a reason.
    """
    options = options or SolveOptions()
    path = Path(folder) / golden_name(loaded.roadmap.name, loaded.roadmap.scenario)
    plan = solve(loaded, options)
    if path.exists() and reason is None:
        comparison = compare(read_golden(path), plan)
        if comparison.passed:
            return path, False
        raise GoldenWouldChange(path, comparison)
    data = snapshot(plan, options, reason or FIRST_REASON)
    before = path.read_bytes() if path.exists() else None
    write_golden(data, loaded.path, path)
    return path, path.read_bytes() != before


def _solve_like(golden: dict, roadmap: str | Path | LoadedRoadmap, options: SolveOptions | None) -> Plan:
    """Solve ``roadmap`` with the golden's scenario and solver profile (unless ``options`` say otherwise)."""
    loaded = roadmap if isinstance(roadmap, LoadedRoadmap) \
        else load_roadmap(roadmap, scenario=golden["roadmap"]["scenario"])
    return solve(loaded, options or SolveOptions(profile=golden["solver"]["profile"]))


def regress(path: Path, options: SolveOptions | None = None) -> Comparison:
    """Solve a golden's roadmap again and compare the new plan with the golden (no plan: a failed status)."""
    golden = read_golden(path)
    try:
        plan = _solve_like(golden, roadmap_file(golden, path), options)
    except (InfeasibleError, NoPlanError) as exc:
        return without_plan(golden, str(exc).splitlines()[0])
    return compare(golden, plan)


def assert_plan_matches(roadmap: str | Path | LoadedRoadmap | Plan, golden: str | Path,
                        options: SolveOptions | None = None) -> None:
    """Fail (``AssertionError`` with the table of what moved) unless ``roadmap``'s plan matches ``golden``.

    ``roadmap`` is a roadmap file (solved with the golden's scenario and solver profile), a loaded
    roadmap, or a plan already solved; for use in a pytest suite::

        from planner.regression import assert_plan_matches
        assert_plan_matches("roadmaps/baseline.yaml", "tests/golden/baseline.json")
    """
    data = read_golden(Path(golden))
    comparison = compare(data, roadmap if isinstance(roadmap, Plan) else _solve_like(data, roadmap, options))
    if not comparison.passed:
        raise AssertionError("\n" + diff_text(comparison))
