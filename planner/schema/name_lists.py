"""Lists of names that refer to other parts of a roadmap (``deploy_at``, ``carries``, ``not_at``...): each
name at most once, so that a list means a set and a repeated name is caught as the slip it is."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator

from planner.errors import shown


def _each_once(names: list[str]) -> list[str]:
    seen: set[str] = set()
    for i, name in enumerate(names):
        if name in seen:
            raise ValueError(f"'{shown(name)}' is listed again at position {i + 1}; each name once")
        seen.add(name)
    return names


NameList = Annotated[list[str], AfterValidator(_each_once)]
"""A list of names, each at most once."""
