"""Resolve a roadmap file into one mapping: ``extends:`` bases, a named scenario, and overrides.

Order of application (later wins):

1. the ``extends:`` chain, base first: a file's mapping merges key by key into the inherited mapping at
   the same key path, and any other value replaces the inherited one whole, with two exceptions that
   replace a mapping whole too:

   * a year table (a mapping with a year or a date among its keys, :func:`~planner.schema.time_table.
     is_year_table`): it states a whole curve, so a derived ``{2026: 25, 2027: 8760}`` keeps none of the
     base's other years; a mapping with ``interpolation`` alone is no year table and changes only that;
   * a mapping tagged ``!replace`` (``time: !replace {dates: [2026-01-01, 2030-01-01], end: 2040}``), to
     drop keys the base gives (``start``, ``step`` there).

   The base's line marks and ``source:`` notes inside a replaced value are dropped with it, and so is
   the base's note on the value itself: a note cites the value written beside it;
2. the chosen scenario's ``set:`` entries (dotted key paths), each replacing the value at its path whole;
3. overrides given on the command line or through the Python API (dotted key paths), the same way, each
   recorded (:class:`~planner.io.overrides.Override`: key, value as given, the value it replaced) and
   marked at the option as typed, so that a problem with its value is reported there.

A value set by a scenario or an override drops the marks and (from the command line) the notes of the value
it replaces.

``extends:`` paths are relative to the file that names them and must stay inside that file's folder
tree unless ``allow_outside`` is given; a chain holds at most :data:`MAX_BASES` bases.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from copy import deepcopy
from dataclasses import replace
from pathlib import Path
from typing import Any

from planner.errors import Problem, RoadmapError, did_you_mean, listed, shown
from planner.io.overrides import Given, Override, as_text
from planner.io.yaml_source import KeyPath, Mark, SourcedData, read_yaml
from planner.schema.names import NAME_RULE, name_problem
from planner.schema.time_table import is_year_table

MAX_BASES = 20


def compose(
    path: Path,
    scenario: str | None = None,
    overrides: Mapping[str, Any] | None = None,
    allow_outside: bool = False,
) -> SourcedData:
    """Read ``path`` with its bases, apply ``scenario`` and ``overrides``; return the merged data."""
    resolved = _resolved(Path(path), lambda why: Problem(f"cannot be opened: {why}", file=str(path)))
    merged = _with_bases(resolved, (), allow_outside, resolved.parent)
    scenarios = merged.data.pop("scenarios", None) or {}
    if not isinstance(scenarios, dict):
        raise RoadmapError([merged.problem(("scenarios",), "must be a mapping of scenario names to overrides")])
    problems = _scenario_problems(merged, scenarios)
    written = merged.data.get("scenario")
    if written is not None and written not in (merged.data.get("scenario_names") or []):
        # a resolved roadmap (roadmap.resolved.yaml) names its applied scenario among its scenario_names
        problems.append(merged.problem(("scenario",), f"'scenario: {shown(str(written))}' names no scenario "
                                       "this file applied: the loader sets it from --scenario (it names the "
                                       "output folder)", allowed="scenarios: {name: {description, set}} and "
                                                                 "--scenario NAME"))
    if problems:
        raise RoadmapError(problems)
    if scenario is not None:
        if scenario not in scenarios:
            names = listed(scenarios) or "none declared"
            raise RoadmapError([merged.problem(("scenarios",), f"no scenario '{scenario}'"
                                               + did_you_mean(scenario, scenarios), allowed=names)])
        spec = scenarios[scenario]
        for dotted, value in (spec.get("set") or {}).items():
            at: KeyPath = ("scenarios", scenario, "set", str(dotted))
            _set_dotted(merged, str(dotted), value, merged.mark_of(at) or Mark(str(path)), ".".join(at))
        merged.data["scenario"] = scenario
    for dotted, given in (overrides or {}).items():
        value, text = (given.value, given.text) if isinstance(given, Given) else (given, as_text(given))
        override = Override(dotted, text, None)
        was = _set_dotted(merged, dotted, value, Mark(override.option), "")
        merged.overrides.append(replace(override, was=None if was is _ABSENT else as_text(was)))
    merged.data["scenario_names"] = sorted(scenarios)
    return merged


def _scenario_problems(merged: SourcedData, scenarios: dict[Any, Any]) -> list[Problem]:
    """Every declared scenario's name and shape: a name that can name a folder, ``description`` and ``set``."""
    problems = []
    for name, spec in scenarios.items():
        at: KeyPath = ("scenarios", str(name))
        if (problem := name_problem(name)) is not None:
            problems.append(merged.problem(at, f"scenario name: {problem}", allowed=NAME_RULE))
        elif not isinstance(spec, dict) or set(spec) - {"description", "set"}:
            problems.append(merged.problem(at, "a scenario is a mapping with 'description' and 'set'",
                                           allowed="description, set"))
        elif not isinstance(spec.get("set") or {}, dict):
            problems.append(merged.problem(at + ("set",), "a scenario's 'set' maps dotted keys to values",
                                           allowed="a mapping such as {funding.initial_cash_musd: 50000}"))
    return problems


def _with_bases(path: Path, chain: tuple[Path, ...], allow_outside: bool, root: Path) -> SourcedData:
    own = read_yaml(path)
    base_name = own.data.pop("extends", None)
    if base_name is None:
        return own
    if not isinstance(base_name, str):
        raise RoadmapError([own.problem(("extends",), "must be a file path", allowed="a relative path")])
    if len(chain) >= MAX_BASES:
        raise RoadmapError([own.problem(("extends",), f"the chain of 'extends:' bases is longer than {MAX_BASES}",
                                        allowed=f"at most {MAX_BASES} bases")])

    def unusable(why: str) -> Problem:
        return own.problem(("extends",), f"base file '{shown(base_name)}' cannot be opened: {why}")

    base_path = _resolved(path.parent / base_name, unusable)
    if not allow_outside and not base_path.is_relative_to(root):
        raise RoadmapError([own.problem(("extends",), f"'{shown(base_name)}' lies outside the roadmap's folder",
                                        allowed=f"files under {root} (or allow_outside)")])
    if not _is_file(base_path, unusable):
        raise RoadmapError([own.problem(("extends",), f"base file '{shown(base_name)}' not found",
                                        allowed="an existing YAML file")])
    if base_path in chain + (path,):
        cycle = " -> ".join(p.name for p in chain + (path, base_path))
        raise RoadmapError([own.problem(("extends",), f"'extends:' cycle: {cycle}",
                                        allowed="a chain of bases that ends in a file without 'extends:'")])
    base = _with_bases(base_path, chain + (path,), allow_outside, root)
    replaced: list[KeyPath] = []
    data = _merge(base.data, own.data, own.replaced, (), replaced)
    return SourcedData(
        data=data,
        marks={**_outside(base.marks, replaced), **own.marks},
        sources={**_outside(base.sources, replaced), **own.sources},
    )


def _resolved(path: Path, problem: Callable[[str], Problem]) -> Path:
    """``path`` made absolute, symlinks followed; ``problem(why)`` raised when that fails (a symlink loop)."""
    try:
        return path.resolve()
    except RuntimeError:  # Python 3.11 and 3.12 report a symlink loop so; later versions as an OSError
        raise RoadmapError([problem("a symbolic link loop")]) from None
    except (OSError, ValueError) as exc:  # ValueError: a NUL character in the name
        raise RoadmapError([problem(getattr(exc, "strerror", None) or str(exc))]) from None


def _is_file(path: Path, problem: Callable[[str], Problem]) -> bool:
    """Whether ``path`` is a file; ``problem(why)`` raised when the system cannot tell (a name too long)."""
    try:
        return path.is_file()
    except OSError as exc:
        raise RoadmapError([problem(exc.strerror or str(exc))]) from None


def _merge(base: Any, own: Any, tagged: set[KeyPath], at: KeyPath, replaced: list[KeyPath]) -> Any:
    """``own`` (at key path ``at``) over ``base`` by the rules of the module docstring; every key path
    where a value of ``own`` replaces one of ``base`` is appended to ``replaced``."""
    if isinstance(base, dict) and isinstance(own, dict) and at not in tagged and not is_year_table(own):
        out = deepcopy(base)
        for key, value in own.items():
            out[key] = _merge(out[key], value, tagged, at + (str(key),), replaced) if key in out \
                else deepcopy(value)
        return out
    replaced.append(at)
    return deepcopy(own)


def _outside(table: dict[KeyPath, Any], replaced: list[KeyPath]) -> dict[KeyPath, Any]:
    """``table`` without the entries at or below the replaced key paths."""
    return {path: entry for path, entry in table.items() if not any(path[:len(r)] == r for r in replaced)}


_ABSENT = object()


def _set_dotted(target: SourcedData, dotted: str, value: Any, mark: Mark, key: str) -> Any:
    """Put ``value`` at the dotted key path, marked at ``mark`` (the scenario's entry, or the option as typed),
    without the marks and notes the replaced value had; return the replaced value (:data:`_ABSENT`: none).
    A path that does not exist is a problem located at ``mark``, under ``key``."""
    keys = dotted.split(".")
    node: Any = target.data
    for depth, part in enumerate(keys[:-1]):
        if not isinstance(node, dict) or part not in node:
            choices = node.keys() if isinstance(node, dict) else []
            where = ".".join(keys[:depth]) or "the roadmap"
            raise RoadmapError([Problem(f"override '{dotted}': no key '{part}' in {where}"
                                        + did_you_mean(part, choices), key=key, file=mark.file, line=mark.line,
                                        column=mark.column, allowed=listed(str(c) for c in choices))])
        node = node[part]
    if not isinstance(node, dict):
        raise RoadmapError([Problem(f"override '{dotted}': '{'.'.join(keys[:-1])}' is not a mapping", key=key,
                                    file=mark.file, line=mark.line, column=mark.column,
                                    allowed="a dotted path through mappings")])
    was = node.get(keys[-1], _ABSENT)
    node[keys[-1]] = deepcopy(value)
    path = tuple(keys)
    target.marks = {**_outside(target.marks, [path]), path: mark}
    if mark.line is None:  # from the command line: the file's notes cite the file's value
        target.sources = _outside(target.sources, [path])
    return was
