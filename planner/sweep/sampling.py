"""Scenarios of a sweep: the design (which value each variation takes) and the overrides it makes.

* ``grid``: the Cartesian product of every variation's grid (lists: their values; ranges: evenly
  spaced points; distributions: quantiles at (i + 1/2)/n);
* ``lhs``: a Latin hypercube of ``samples`` points in [0, 1)^d (``scipy.stats.qmc.LatinHypercube``),
  each coordinate mapped through the variation's inverse CDF;
* ``random``: ``samples`` independent uniform points, mapped the same way.

Both samplers are seeded, so a sweep's design is a pure function of its :class:`SweepSpec`; scenario
``i`` is named ``s00000i`` and keeps its name when the sweep is resumed.

A factor variation multiplies the roadmap's own value (after ``extends:``), read once from the composed
file: a number, or every year's value of a time table.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import numpy as np
from scipy.stats import qmc

from planner.errors import Problem, RoadmapError
from planner.io.compose import compose
from planner.sweep.spec import SweepSpec, Variation


def design(spec: SweepSpec) -> list[dict[str, Any]]:
    """The value of each varied key (the drawn factor for factor variations), one mapping per scenario."""
    keys = [v.key for v in spec.variations]
    if spec.method == "grid":
        points = itertools.product(*(v.grid() for v in spec.variations))
        return [dict(zip(keys, point, strict=True)) for point in points]
    d = len(spec.variations)
    if spec.method == "lhs":
        unit = qmc.LatinHypercube(d=d, seed=np.random.default_rng(spec.seed)).random(spec.samples)
    else:
        unit = np.random.default_rng(spec.seed).random((spec.samples, d))
    return [{v.key: _plain(v.at(float(u))) for v, u in zip(spec.variations, row, strict=True)} for row in unit]


def design_points(spec: SweepSpec, draws: list[dict[str, Any]]) -> list[tuple[float, ...]]:
    """Each scenario's position in the design, every coordinate scaled to [0, 1] over the design: a number
    by its range, any other value by its place in the variation's list (for nearest-neighbour warm starts)."""
    columns = []
    for v in spec.variations:
        column = [d[v.key] for d in draws]
        if v.values is not None and not v.numeric:
            places = [next(i for i, x in enumerate(v.values) if x == value) for value in column]
            column = [p / max(len(v.values) - 1, 1) for p in places]
        lo, hi = min(column), max(column)
        columns.append([(x - lo) / (hi - lo) if hi > lo else 0.0 for x in column])
    return [tuple(float(c[i]) for c in columns) for i in range(len(draws))]


def scenario_id(index: int) -> str:
    return f"s{index:06d}"


def overrides_for(roadmap: Path, spec: SweepSpec, draws: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each scenario's overrides (``{dotted key: value}``) for ``load_roadmap``."""
    factored = [v for v in spec.variations if v.factor]
    base = _base_values(roadmap, factored)
    out = []
    for draw in draws:
        overrides = {}
        for v in spec.variations:
            overrides[v.key] = scaled(base[v.key], draw[v.key]) if v.factor else draw[v.key]
        out.append(overrides)
    return out


def scaled(value: Any, factor: float) -> Any:
    """``value`` times ``factor``: a number, or every year's value of a time table as written."""
    if isinstance(value, bool):
        raise TypeError("a true/false value cannot be scaled")
    if isinstance(value, (int, float)):
        return value * factor
    if isinstance(value, dict):
        return {k: v if k == "interpolation" else scaled(v, factor) for k, v in value.items()}
    raise TypeError(f"{type(value).__name__} values cannot be scaled")


def _base_values(roadmap: Path, factored: list[Variation]) -> dict[str, Any]:
    if not factored:
        return {}
    data = compose(Path(roadmap)).data
    base: dict[str, Any] = {}
    problems = []
    for v in factored:
        node: Any = data
        for part in v.key.split("."):
            node = node.get(part) if isinstance(node, dict) else None
        try:
            scaled(node, 1.0)
        except TypeError as exc:
            why = "is not in the roadmap" if node is None else f"cannot take a factor: {exc}"
            problems.append(Problem(f"'{v.key}' {why}", key="--vary",
                                    allowed="a number or a time table written in the roadmap"))
            continue
        base[v.key] = node
    if problems:
        raise RoadmapError(problems)
    return base


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value
