"""Golden files: one JSON file per roadmap and scenario, byte for byte the same for the same plan.

The text is canonical: keys sorted, one-space indents, values already rounded by the snapshot
(:mod:`.tolerance`), a final newline, no timestamps. The roadmap file is recorded relative to the golden
file's folder, with ``/`` separators, so that a fresh clone checks its goldens from any working folder.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from planner.errors import Problem, RoadmapError
from planner.regression.snapshot import FORMAT

DEFAULT_FOLDER = Path("tests/golden")


def golden_name(roadmap_name: str, scenario: str | None) -> str:
    """``<roadmap name>.json`` or ``<roadmap name>--<scenario>.json`` (as ``planner solve`` names folders)."""
    return f"{roadmap_name}.json" if scenario is None else f"{roadmap_name}--{scenario}.json"


def golden_text(data: dict[str, Any]) -> str:
    """The canonical text of golden ``data``."""
    return json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False, allow_nan=False) + "\n"


def write_golden(data: dict[str, Any], roadmap_file: Path, path: Path) -> Path:
    """Write ``data`` for the roadmap at ``roadmap_file`` to ``path`` (atomically: a replace)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    relative = os.path.relpath(Path(roadmap_file).resolve(), path.parent.resolve())
    data = dict(data, roadmap=dict(data["roadmap"], file=Path(relative).as_posix()))
    staging = path.with_name(f".{path.name}.tmp")
    staging.write_text(golden_text(data), encoding="utf-8")
    os.replace(staging, path)
    return path


def read_golden(path: Path) -> dict[str, Any]:
    """A golden file's data; :class:`RoadmapError` (exit 2) if it is not one."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise RoadmapError([Problem(f"cannot read golden file: {exc}", file=str(path))]) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise RoadmapError([Problem("not a golden plan file", file=str(path), key="format", allowed=FORMAT)])
    return data


def roadmap_file(data: dict[str, Any], path: Path) -> Path:
    """The roadmap a golden file at ``path`` was made from."""
    return Path(path).parent / data["roadmap"]["file"]
