"""The documentation rendered from the code matches the committed files, and every shipped roadmap
validates and solves to optimality."""

from __future__ import annotations

from pathlib import Path

import pytest

from planner import load_roadmap, solve
from planner.docs import DOCS, render_math, render_reference

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "roadmaps" / "examples").glob("*.yaml"))


def test_yaml_reference_is_current():
    assert (DOCS / "roadmap-reference.md").read_text(encoding="utf-8") == render_reference() + "\n"


def test_math_documentation_is_current():
    assert (DOCS / "math.md").read_text(encoding="utf-8") == render_math() + "\n"


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_examples_solve_to_optimality(path: Path, tmp_path: Path):
    from planner import write_run

    plan = solve(load_roadmap(path))
    assert plan.status == "optimal"
    write_run(plan, tmp_path / "run")
    assert (tmp_path / "run" / "summary.json").is_file()
    assert (tmp_path / "run" / "plan.csv").is_file()
