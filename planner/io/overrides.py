"""Values set over a roadmap's own by dotted key (``--set key=value``, ``load_roadmap(overrides=...)``), and
the record a run keeps of each: the key, the value as given and the roadmap's value it replaced.

On the command line a value is YAML text, read within the limits of a roadmap file
(:func:`~planner.io.yaml_source.read_value`). A problem with it, whether in its YAML or in the value once
the roadmap is checked, is located at the text the user typed (``--set compute.life_years=-7``), never at
a line of the roadmap (:mod:`planner.io.compose` marks the key so).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

from planner.errors import Problem, RoadmapError, shown
from planner.io.yaml_source import read_value

OPTION = "--set"


@dataclass(frozen=True)
class Given:
    """A value read from the command line, with the text typed for it (after the ``=``)."""

    value: Any
    text: str


@dataclass(frozen=True)
class Override:
    """One value set over the roadmap's: ``key``, ``value`` as given (text) and ``was``, the roadmap's value
    as text (after ``extends:`` and the scenario; None when the roadmap leaves the key to its default)."""

    key: str
    value: str
    was: str | None

    @property
    def option(self) -> str:
        """The option as typed, ``--set key=value`` (a long value cut as in messages)."""
        return f"{OPTION} {self.key}={shown(self.value)}"

    def note(self) -> str:
        """What the assumptions table says of the value."""
        return f"overridden on the command line (was {self.was if self.was is not None else 'the default'})"

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.key, "value": self.value, "was": self.was}


def parse_overrides(pairs: list[str]) -> dict[str, Given]:
    """``KEY=VALUE`` pairs (``launch_vehicles.starship.payload_t=150``), values read as YAML."""
    out: dict[str, Given] = {}
    for pair in pairs:
        key, sep, text = pair.partition("=")
        if not sep or not key.strip():
            raise RoadmapError([Problem(f"'{pair}' is not KEY=VALUE", key=OPTION,
                                        allowed="dotted.key=yaml_value, such as compute.life_years=7")])
        out[key.strip()] = Given(read_value(text, f"{OPTION} {key}={shown(text)}"), text)
    return out


def as_text(value: Any) -> str:
    """``value`` as YAML flow text, on one line (``{2026: 100, 2029: 200}``, ``0.5``, ``leo``); a value that
    is not plain data (a NumPy number given through the Python API) as Python writes it."""
    try:
        text = yaml.safe_dump(value, default_flow_style=True, width=float("inf"), sort_keys=False)
    except yaml.YAMLError:
        return str(value)
    return text.strip().removesuffix("\n...").strip()
