"""Shared helpers: write a tiny roadmap to a temporary file, load it, solve it."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from planner import load_roadmap, solve
from planner.solve.run import Plan

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def write_roadmap(tmp_path: Path):
    """Write YAML text (dedented) to ``tmp_path/name`` and return the path."""
    def write(text: str, name: str = "roadmap.yaml") -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path
    return write


@pytest.fixture
def solve_text(write_roadmap):
    """Solve a roadmap given as YAML text; return the :class:`Plan`."""
    def run(text: str) -> Plan:
        return solve(load_roadmap(write_roadmap(text)))
    return run


def value(plan: Plan, quantity: str, **match: object) -> float:
    """Sum of the plan rows of ``quantity`` matching the given column values."""
    rows = plan.tables["plan"]
    rows = rows[rows["quantity"] == quantity]
    for column, wanted in match.items():
        rows = rows[rows[column] == wanted]
    return float(rows["value"].sum())
