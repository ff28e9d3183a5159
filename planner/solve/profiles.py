"""Solver option profiles: YAML files in ``solvers/`` named for their purpose (``default``, ``fast``).

A profile is ``{description: str, options: {highs_option: value}}``; its options are passed to HiGHS
as they are. The command line's ``--time-limit`` and ``--mip-gap`` override the profile's.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from planner.errors import Problem, RoadmapError

PROFILE_DIR = Path(__file__).resolve().parents[2] / "solvers"


def load_profile(name_or_path: str = "default") -> dict[str, Any]:
    """HiGHS options of a named profile (``solvers/<name>.yaml``) or of a profile file."""
    path = Path(name_or_path)
    if path.suffix not in (".yaml", ".yml"):
        path = PROFILE_DIR / f"{name_or_path}.yaml"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in PROFILE_DIR.glob("*.yaml")))
        raise RoadmapError([Problem(f"solver profile '{name_or_path}' not found", file=str(path), allowed=known)])
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    options = data.get("options", {})
    if not isinstance(options, dict):
        raise RoadmapError([Problem("'options' must be a mapping of HiGHS options", file=str(path), key="options")])
    return dict(options)
