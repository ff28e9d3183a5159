"""planner: a multi-body expansion roadmap planner (Pyomo model, solved with HiGHS).

The pipeline, one step per module: roadmap file -> :func:`load_roadmap` (validated roadmap) ->
:func:`solve` (model, HiGHS, plan as tidy tables) -> :func:`write_run` (CSV, JSON, reports)::

    from planner import load_roadmap, solve
    plan = solve(load_roadmap("roadmaps/baseline.yaml"))
    plan.tables["compute"]          # a pandas DataFrame
"""

from planner.errors import InfeasibleError, NoPlanError, PlannerError, RoadmapError
from planner.io.load import LoadedRoadmap, load_roadmap
from planner.results.outputs import write_run
from planner.solve.run import Plan, SolveOptions, solve

__all__ = [
    "InfeasibleError",
    "LoadedRoadmap",
    "NoPlanError",
    "Plan",
    "PlannerError",
    "RoadmapError",
    "SolveOptions",
    "load_roadmap",
    "solve",
    "write_run",
]
