"""Whether a value suits a HiGHS option, by HiGHS's own account of its options.

HiGHS describes every option (type, range, allowed strings, default) in the listing that
``Highs.writeOptions`` writes; it is read once per process. On top of that, a few rules of the project's own:

* ``threads`` at most four per core: HiGHS accepts up to 2^31 - 1 and then starts that many threads
  (10,000 took 52 s to start on two cores; the process has been seen to abort). HiGHS makes its thread
  pool once per OS thread and then refuses another count there, but every solve runs in a thread of its
  own (:mod:`planner.solve.watchdog`), so a profile's count never meets another one;
* options that read or write files are not solver settings (a misplaced file name would overwrite the
  user's file): ``--export-model`` writes the model, and planner writes every output itself.

A value must also be one HiGHS itself accepts (``setOptionValue`` on a scratch instance): strings
such as ``presolve`` have a fixed set of values.
"""

from __future__ import annotations

import json
import math
import os
import re
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import highspy

from planner.errors import did_you_mean
from planner.solve.highs_backend import silent_highs

OPTIONS_PAGE = "https://ergo-code.github.io/HiGHS/stable/options/definitions/"
THREADS_PER_CORE = 4
_HEADER = re.compile(r"^# \[type: (\w+), advanced: \w+(?:, range: [\[{]([^,]+), ([^\]}]+)[\]}])?, default: .*\]$")


@dataclass(frozen=True)
class OptionSpec:
    """One HiGHS option as HiGHS lists it: type, inclusive range (numbers only) and description."""

    name: str
    kind: str  # "bool", "integer", "double" or "string"
    lower: float = -math.inf
    upper: float = math.inf
    description: str = ""


@cache
def highs_option_specs() -> dict[str, OptionSpec]:
    """Every HiGHS option, by name, from HiGHS's own listing."""
    with tempfile.TemporaryDirectory() as folder:
        listing = Path(folder) / "options.txt"
        silent_highs().writeOptions(str(listing))
        lines = listing.read_text(encoding="utf-8").splitlines()
    specs: dict[str, OptionSpec] = {}
    comments: list[str] = []
    for line in lines:
        if line.startswith("#"):
            comments.append(line)
        elif "=" in line and comments:
            header = _HEADER.match(comments[-1])
            if header:
                name = line.split("=", 1)[0].strip()
                kind, lower, upper = header.groups()
                numeric = kind in ("integer", "double")
                specs[name] = OptionSpec(name, kind, float(lower) if numeric else -math.inf,
                                         float(upper) if numeric else math.inf,
                                         " ".join(c[1:].strip() for c in comments[:-1]).rstrip(", "))
            comments = []
    return specs


def _max_threads() -> int:
    return THREADS_PER_CORE * (os.cpu_count() or 1)


def option_problem(name: str, value: Any) -> tuple[str, str] | None:
    """What is wrong with ``name: value`` as a HiGHS option and what is allowed, or None when it suits."""
    specs = highs_option_specs()
    spec = specs.get(name)
    if spec is None:
        return f"unknown HiGHS option{did_you_mean(name, specs)}", f"a HiGHS option, listed at {OPTIONS_PAGE}"
    if name.endswith("_file"):  # log_file, solution_file, write_model_to_file, ...
        return "options that read or write files are not solver settings", \
            "solver settings only (--export-model writes the model; planner writes the plan)"
    wrong = _type_problem(spec, value)
    if wrong:
        return wrong
    upper = min(spec.upper, _max_threads()) if name == "threads" else spec.upper
    if spec.kind in ("integer", "double") and not spec.lower <= value <= upper:
        allowed = f"{_number(spec.lower)} to {_number(upper)}"
        if name == "threads":
            allowed += f" ({THREADS_PER_CORE} per core; 0: HiGHS chooses)"
        return f"{_shown(value)} is out of range", allowed
    try:
        refused = silent_highs().setOptionValue(name, value) == highspy.HighsStatus.kError
    except (TypeError, OverflowError):  # a whole number too large for HiGHS's C++ types
        refused = True
    return (f"HiGHS refuses {_shown(value)}", spec.description or f"see {OPTIONS_PAGE}") if refused else None


def _type_problem(spec: OptionSpec, value: Any) -> tuple[str, str] | None:
    span = f"{_number(spec.lower)} to {_number(spec.upper)}"
    if spec.kind == "bool" and not isinstance(value, bool):
        return f"{_shown(value)} is not true or false", "true or false"
    if spec.kind == "integer" and (isinstance(value, bool) or not isinstance(value, int)):
        return f"{_shown(value)} is not a whole number", f"a whole number, {span}"
    if spec.kind == "double" and (isinstance(value, bool) or not isinstance(value, int | float)):
        return f"{_shown(value)} is not a number", f"a number, {span}"
    if spec.kind == "string" and not isinstance(value, str):
        hint = " (quote \"on\" and \"off\": YAML reads them as true and false)" if isinstance(value, bool) else ""
        return f"{_shown(value)} is not a string", (spec.description or "a string") + hint
    return None


def _shown(value: Any) -> str:
    """``value`` as YAML would write it: true, "abc", [1]."""
    return json.dumps(value, default=str)


def _number(x: float) -> str:
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return f"{int(x):,}" if float(x).is_integer() else f"{x:g}"
