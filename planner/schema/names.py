"""Names that become file and folder names: a roadmap's ``name:`` and its scenarios' names.

A roadmap's name names its default output folder ``reports/<name>`` (``reports/<name>--<scenario>``
with a scenario), its golden file and its rows in sweeps and comparisons. So a name is never a path
(``..``, ``/``, an absolute path), never empty and never markup: 1 to 64 letters, digits, ``_``,
``-`` and ``.``, starting with a letter, a digit or ``_``.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator

from planner.errors import shown

NAME_PATTERN = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}")
NAME_RULE = "1-64 letters, digits, '_', '-' or '.', starting with a letter, a digit or '_'"


def name_problem(name: object) -> str | None:
    """What is wrong with ``name`` as a roadmap or scenario name, or None when it is fine."""
    if not isinstance(name, str):
        return f"a name is text, not {type(name).__name__} ({shown(repr(name))})"
    if NAME_PATTERN.fullmatch(name) is None:
        return f"'{shown(name)}' cannot name an output folder"
    return None


def _valid_name(name: str) -> str:
    if name_problem(name) is not None:
        raise ValueError(f"cannot name an output folder; a name is {NAME_RULE}")
    return name


Name = Annotated[str, AfterValidator(_valid_name)]
"""A roadmap or scenario name, checked by :func:`name_problem`."""
