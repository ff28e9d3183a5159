"""What a sweep varies: ``KEY=SPEC`` pairs, from the command line or a sweep YAML file.

``KEY`` is a dotted path into the roadmap, exactly as ``--set`` and ``load_roadmap(overrides=...)``
accept it (``launch_vehicles.starship.payload_t``). ``SPEC`` is one of:

============================  =====================================================================
``[a, b, c]``                 these values (YAML: numbers, strings or whole time tables); grid: all
                              of them; lhs/random: each equally likely
``lo..hi`` / ``lo..hi:n``     a range: uniform on [lo, hi] for lhs/random; ``n`` evenly spaced
                              points including both ends for grid (default 3)
``uniform(lo, hi)``           a distribution; grid takes ``n`` quantiles at (i + 1/2)/n
``triangular(lo, mode, hi)``  (``triangular(lo, mode, hi):n``), lhs/random draw from it
``lognormal(median, sigma)``  ln X is normal with mean ln(median) and standard deviation sigma
``x`` + any of the above      a *factor*: the roadmap's own value times the number drawn; on a time
                              table every year's value is scaled (``x[0.5, 1, 1.5]``, ``x0.5..2``,
                              ``xlognormal(1, 0.3)``)
============================  =====================================================================

Example: ``--vary launch_vehicles.starship.max_flights_per_year=x0.5..1.5 --vary
objective.discount_rate_per_year=[0.03,0.05,0.08]``.

A sweep file (``--spec sweep.yaml``) holds the same in YAML::

    method: lhs          # grid | lhs | random
    samples: 200         # lhs and random
    seed: 7
    vary:
      launch_vehicles.starship.max_flights_per_year: x0.5..1.5
      objective.discount_rate_per_year: [0.03, 0.05, 0.08]
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
from scipy import stats

from planner.errors import Problem, RoadmapError
from planner.io.yaml_source import read_value, read_yaml

Method = Literal["grid", "lhs", "random"]
METHODS = ("grid", "lhs", "random")
DEFAULT_GRID_POINTS = 3
SYNTAX = "[a, b], lo..hi[:n], uniform(lo, hi), triangular(lo, mode, hi), lognormal(median, sigma); 'x' prefix " \
         "for a factor"
_DIST = re.compile(r"^(?P<name>uniform|triangular|lognormal)\((?P<args>[^)]*)\)(?::(?P<n>\d+))?$")
_ARITY = {"uniform": 2, "triangular": 3, "lognormal": 2}


@dataclass(frozen=True)
class Variation:
    """One varied key: discrete ``values`` or a continuous distribution, possibly as a factor."""

    key: str
    text: str
    factor: bool = False
    values: tuple[Any, ...] | None = None
    distribution: Any = None  # a frozen scipy.stats distribution
    grid_points: tuple[float, ...] = ()

    def at(self, u: float) -> Any:
        """The value at probability ``u`` in [0, 1): inverse CDF, or an equally likely list entry."""
        if self.values is not None:
            return self.values[min(int(u * len(self.values)), len(self.values) - 1)]
        return float(self.distribution.ppf(u))

    def grid(self) -> tuple[Any, ...]:
        return self.values if self.values is not None else self.grid_points

    @property
    def numeric(self) -> bool:
        return self.values is None or all(isinstance(v, (int, float)) and not isinstance(v, bool)
                                           for v in self.values)


@dataclass(frozen=True)
class SweepSpec:
    """A sweep: the variations, how to sample them, how many and with which seed."""

    variations: tuple[Variation, ...]
    method: Method = "grid"
    samples: int = 100
    seed: int = 0

    def describe(self) -> dict[str, Any]:
        """The sweep as data (written to ``sweep.json``; equal descriptions mean equal designs)."""
        return {"method": self.method, "samples": self.samples if self.method != "grid" else None,
                "seed": self.seed, "vary": {v.key: v.text for v in self.variations}}


def parse_vary(pair: str) -> Variation:
    """``KEY=SPEC`` (see the module docstring) as a :class:`Variation`."""
    key, sep, spec = pair.partition("=")
    if not sep or not key.strip() or not spec.strip():
        raise _bad(pair, "is not KEY=SPEC")
    return variation(key.strip(), spec.strip())


def variation(key: str, spec: Any) -> Variation:
    """A :class:`Variation` of ``key`` from a SPEC string (or a YAML list of values)."""
    if isinstance(spec, list):
        return _values(key, str(spec), spec, factor=False)
    text = str(spec).strip()
    factor = text.startswith("x")
    body = text[1:].strip() if factor else text
    if body.startswith("["):
        values = read_value(body, f"--vary {key}")
        if not isinstance(values, list):
            raise _bad(f"{key}={text}", "is not a YAML list")
        return _values(key, text, values, factor)
    if body.count("..") == 1 and "(" not in body:
        lo_text, hi_text = body.replace(" ", "").split("..")
        hi_text, _, n_text = hi_text.partition(":")
        lo, hi = _numbers(key, text, [lo_text, hi_text])
        if not lo < hi:
            raise _bad(f"{key}={text}", "needs lo < hi")
        n = _points(key, text, n_text or None)
        return Variation(key, text, factor, distribution=stats.uniform(lo, hi - lo),
                         grid_points=tuple(float(v) for v in np.linspace(lo, hi, n)))
    match = _DIST.match(body.replace(" ", ""))
    if match:
        args = _numbers(key, text, match["args"].split(","))
        if len(args) != _ARITY[match["name"]]:
            raise _bad(f"{key}={text}", f"{match['name']} takes {_ARITY[match['name']]} numbers")
        dist = _distribution(key, text, match["name"], args)
        n = _points(key, text, match["n"])
        return Variation(key, text, factor, distribution=dist,
                         grid_points=tuple(float(dist.ppf((i + 0.5) / n)) for i in range(n)))
    raise _bad(f"{key}={text}", "is not a list, a range or a distribution")


def read_sweep_file(path: Path) -> dict[str, Any]:
    """A sweep YAML file as ``{method, samples, seed, vary: [Variation]}`` (keys it does not give are absent)."""
    return sweep_from_mapping(read_yaml(Path(path)).data, str(path))


def sweep_from_mapping(data: Any, where: str) -> dict[str, Any]:
    """``{vary: {KEY: SPEC}, method, samples, seed}`` (a sweep file, or a roadmap's ``sweep:`` block)."""
    allowed = {"method", "samples", "seed", "vary"}
    if not isinstance(data, dict) or set(data) - allowed or not isinstance(data.get("vary"), dict):
        raise RoadmapError([Problem("a sweep is a mapping with 'vary' (KEY: SPEC) and optionally 'method', "
                                    "'samples', 'seed'", file=where, allowed=", ".join(sorted(allowed)))])
    out = {k: data[k] for k in ("method", "samples", "seed") if k in data}
    out["vary"] = [variation(str(k), v) for k, v in data["vary"].items()]
    return out


def sweep_spec(variations: list[Variation], method: str, samples: int, seed: int) -> SweepSpec:
    """Check and assemble a :class:`SweepSpec`."""
    if method not in METHODS:
        raise RoadmapError([Problem(f"unknown sampling method '{method}'", key="--method", allowed=", ".join(METHODS))])
    if not variations:
        raise RoadmapError([Problem("nothing to vary", key="--vary", allowed="KEY=SPEC, repeatable")])
    keys = [v.key for v in variations]
    if len(set(keys)) != len(keys):
        raise RoadmapError([Problem("a key is varied twice", key="--vary", allowed="each key once")])
    if samples < 1:
        raise RoadmapError([Problem("samples must be at least 1", key="--samples")])
    return SweepSpec(variations=tuple(variations), method=method, samples=samples, seed=seed)  # type: ignore[arg-type]


def _values(key: str, text: str, values: list[Any], factor: bool) -> Variation:
    if not values:
        raise _bad(f"{key}={text}", "lists no values")
    if factor:
        values = list(_numbers(key, text, values))
    return Variation(key, text, factor, values=tuple(values))


def _distribution(key: str, text: str, name: str, args: list[float]) -> Any:
    if name == "uniform":
        lo, hi = args
        if not lo < hi:
            raise _bad(f"{key}={text}", "uniform needs lo < hi")
        return stats.uniform(lo, hi - lo)
    if name == "triangular":
        lo, mode, hi = args
        if not lo <= mode <= hi or lo == hi:
            raise _bad(f"{key}={text}", "triangular needs lo <= mode <= hi and lo < hi")
        return stats.triang((mode - lo) / (hi - lo), loc=lo, scale=hi - lo)
    median, sigma = args
    if median <= 0 or sigma <= 0:
        raise _bad(f"{key}={text}", "lognormal needs median > 0 and sigma > 0")
    return stats.lognorm(sigma, scale=median)


def _numbers(key: str, text: str, parts: list[Any]) -> list[float]:
    out = []
    for part in parts:
        try:
            number = float(part)
        except (TypeError, ValueError):
            raise _bad(f"{key}={text}", f"'{part}' is not a number") from None
        if not math.isfinite(number):
            raise _bad(f"{key}={text}", f"'{part}' is not finite")
        out.append(number)
    return out


def _points(key: str, text: str, n: str | None) -> int:
    if n is not None and not n.isdigit():
        raise _bad(f"{key}={text}", f"grid points ':{n}' is not a whole number")
    points = DEFAULT_GRID_POINTS if n is None else int(n)
    if points < 1:
        raise _bad(f"{key}={text}", "needs at least one grid point")
    return points


def _bad(pair: str, why: str) -> RoadmapError:
    return RoadmapError([Problem(f"'{pair}' {why}", key="--vary", allowed=SYNTAX)])
