"""A saved run folder read back: tidy tables, summary, resolved roadmap and the report's own inputs.

``planner solve`` writes the folder (``write_run`` plus :func:`planner.reports.build.report_writer`);
every report, chart and comparison starts from :func:`read_run`, so a report rebuilt later from the
folder equals the one written at solve time.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from planner.errors import Problem, RoadmapError, shown
from planner.model.data import ModelData, build_data
from planner.schema.roadmap import Roadmap

TEXT_COLUMNS = {"table", "quantity", "period", "built", "location", "commodity", "vehicle", "route", "process",
                "category", "milestone", "unit", "description", "deadline", "reached_period", "family", "limit",
                "subsystem", "key", "setting", "source", "file", "column", "requirement", "demand", "pad",
                "item"}
FAMILIES_FILE = "families.json"
SOLVER_OPTIONS_FILE = "solver_options.json"
ASSUMPTIONS_FILE = "assumptions.csv"


def read_csv(path: Path) -> pd.DataFrame:
    """A CSV of the run with its label columns as text ('2026' stays a period label, blanks stay '')."""
    header = pd.read_csv(path, nrows=0).columns
    text = {c: str for c in header if c in TEXT_COLUMNS}
    frame = pd.read_csv(path, dtype=text, keep_default_na=False, na_values={c: [""] for c in header
                                                                             if c not in TEXT_COLUMNS})
    return frame


@dataclass
class RunData:
    """What a report needs, as read from a run folder."""

    folder: Path
    tables: dict[str, pd.DataFrame]
    summary: dict[str, Any]
    resolved: dict[str, Any]
    families: dict[str, dict[str, Any]]
    solver_options: dict[str, Any]

    @cached_property
    def roadmap(self) -> Roadmap:
        return Roadmap.model_validate(self.resolved)

    @cached_property
    def data(self) -> ModelData:
        """Timeline, arcs and windows of the resolved roadmap (no optimization model)."""
        return build_data(self.roadmap)

    @property
    def years(self) -> np.ndarray:
        """Decimal year of each period's start."""
        return self.data.timeline.start_years

    @property
    def lengths(self) -> np.ndarray:
        """Length of each period in years."""
        return self.data.timeline.length_years

    def align_years(self) -> None:
        """Set every table's ``year`` from its ``period`` label and the timeline, so that years match
        :attr:`data` exactly (the CSVs round decimal years, which would break joins on dated periods)."""
        year_of = dict(zip(self.data.timeline.labels, self.years, strict=True))
        for frame in self.tables.values():
            if {"period", "year"} <= set(frame.columns):
                frame["year"] = frame["period"].map(year_of).astype(float)

    @property
    def plan(self) -> pd.DataFrame:
        return self.tables["plan"]

    @property
    def title(self) -> str:
        return run_title(self.summary)

    def rows(self, quantity: str, **match: str) -> pd.DataFrame:
        """Plan rows of ``quantity`` whose columns equal ``match``."""
        plan = self.plan
        rows = plan[plan["quantity"] == quantity]
        for column, wanted in match.items():
            rows = rows[rows[column] == wanted]
        return rows

    def series(self, quantity: str, by: str | None = None, **match: str) -> pd.DataFrame:
        """Values of ``quantity`` summed per period: a frame indexed by year, one column per ``by`` value."""
        rows = self.rows(quantity, **match)
        years = pd.Index(self.years, name="year")
        if by is None:
            return rows.groupby("year")["value"].sum().reindex(years, fill_value=0.0).to_frame(quantity)
        wide = rows.pivot_table(index="year", columns=by, values="value", aggfunc="sum", fill_value=0.0)
        return wide.reindex(years, fill_value=0.0)


def run_title(summary: dict[str, Any]) -> str:
    """A run's name: roadmap, scenario and the values set on the command line
    (``baseline / cheap_launch (--set compute.life_years=7)``)."""
    title = summary["roadmap"] + (f" / {summary['scenario']}" if summary.get("scenario") else "")
    options = [f"--set {o['key']}={shown(o['value'])}" for o in summary.get("overrides", [])]
    return title + (f" ({', '.join(options)})" if options else "")


def overrides_text(summary: dict[str, Any]) -> str:
    """The values set on the command line with the roadmap's own (``--set k=7 (file: 5)``), '' when none."""
    return "; ".join(f"--set {o['key']}={shown(o['value'])} (file: {shown(o['was'] or 'default')})"
                     for o in summary.get("overrides", []))


def read_run(folder: Path) -> RunData:
    """Read every CSV, ``summary.json``, the resolved roadmap and the report inputs of a run folder."""
    folder = Path(folder)
    if not (folder / "summary.json").is_file():
        raise RoadmapError([Problem(f"{folder} is not a run folder (no summary.json)", key="RUN_DIR",
                                    allowed="a folder written by 'planner solve'")])
    tables = {p.stem: read_csv(p) for p in sorted(folder.glob("*.csv"))}
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    resolved = yaml.safe_load((folder / "roadmap.resolved.yaml").read_text(encoding="utf-8"))
    families = _json(folder / FAMILIES_FILE, {})
    options = _json(folder / SOLVER_OPTIONS_FILE, {})
    run = RunData(folder=folder, tables=tables, summary=summary, resolved=resolved, families=families,
                  solver_options=options)
    run.align_years()
    return run


def _json(path: Path, default: Any) -> Any:
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else default
