"""The files of one solved run: tidy CSVs, ``summary.json`` and the resolved roadmap."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from planner.results.write import atomic_folder, write_json, write_yaml

FLOAT_FORMAT = "%.10g"


def write_run(plan: Any, out_dir: Path, extra: Any = None, force: bool = False) -> Path:
    """Write ``plan`` into ``out_dir`` atomically; ``extra(folder)`` may add files (reports). ``out_dir`` must
    be new, empty or an earlier output folder unless ``force`` (:mod:`planner.results.write`)."""
    with atomic_folder(out_dir, "run", force) as folder:
        for name, frame in plan.tables.items():
            frame.to_csv(folder / f"{name}.csv", index=False, float_format=FLOAT_FORMAT)
        if plan.duals is not None:
            plan.duals.to_csv(folder / "duals.csv", index=False, float_format=FLOAT_FORMAT)
        write_json(folder / "summary.json", plan.summary)
        write_yaml(folder / "roadmap.resolved.yaml", plan.loaded.resolved())
        if extra is not None:
            extra(folder)
    return Path(out_dir)
