"""Roadmap file to validated :class:`~planner.schema.roadmap.Roadmap`.

Three steps, each reporting every problem it finds with file, line, key and what is allowed:
composition (``extends:``, scenario, overrides), the schema (types, ranges, unknown keys with a
did-you-mean), and the semantic checks of :mod:`planner.checks` (references, reachability, reach of
vehicles, time tables inside the horizon). When only named entries fail the schema (a milestone, a
vehicle), the semantic checks still run on the rest, so that one run reports the problems of both.
"""

from __future__ import annotations

import hashlib
import json
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from planner.errors import Hints, Problem, RoadmapError, did_you_mean, shown
from planner.io.compose import compose
from planner.io.overrides import Override
from planner.io.yaml_source import SourcedData
from planner.schema.roadmap import Roadmap


@dataclass
class LoadedRoadmap:
    """A validated roadmap with where it came from: file, key positions and ``source:`` notes."""

    roadmap: Roadmap
    origin: SourcedData
    path: Path

    @property
    def sources(self) -> dict[tuple[str, ...], str]:
        return self.origin.sources

    @property
    def overrides(self) -> list[Override]:
        """The values set over the file's (``--set``), in the order given."""
        return self.origin.overrides

    def resolved(self) -> dict[str, Any]:
        """The roadmap as YAML-ready data: extends and scenario applied, defaults filled in."""
        return _plain(self.roadmap)

    def input_hash(self) -> str:
        """SHA-256 of the resolved roadmap, independent of key order and formatting."""
        text = json.dumps(_string_keys(self.resolved()), sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()


def load_roadmap(
    path: str | Path,
    scenario: str | None = None,
    overrides: Mapping[str, Any] | None = None,
    allow_outside: bool = False,
) -> LoadedRoadmap:
    """Read, compose, validate and check a roadmap; raise :class:`RoadmapError` with every problem."""
    from planner.checks import check_roadmap

    origin = compose(Path(path), scenario=scenario, overrides=overrides, allow_outside=allow_outside)
    try:
        roadmap = Roadmap.model_validate(origin.data)
    except ValidationError as exc:
        problems = _problems_from(exc, origin) + _problems_beside(exc, origin, Path(path))
        raise RoadmapError(_in_file_order(problems)) from None
    loaded = LoadedRoadmap(roadmap=roadmap, origin=origin, path=Path(path))
    problems = check_roadmap(loaded)
    if problems:
        raise RoadmapError(_in_file_order(problems))
    return loaded


NAMED = tuple(name for name, field in Roadmap.model_fields.items() if typing.get_origin(field.annotation) is dict)


def _problems_beside(exc: ValidationError, origin: SourcedData, path: Path) -> list[Problem]:
    """The semantic problems of the rest of a roadmap that fails the schema: its named entries that hold a
    schema error (``milestones.m1``) left out. None when an error lies outside the named entries (``time:``)
    or the rest still fails the schema."""
    from planner.checks import check_roadmap

    entries = set()
    for error in exc.errors(include_url=False):
        at = _data_path(error["loc"], origin.data, error["type"] == "missing")
        if len(at) < 2 or at[0] not in NAMED:
            return []
        entries.add(at[:2])
    rest = dict(origin.data)
    for section, name in entries:
        rest[section] = {k: v for k, v in rest[section].items() if str(k) != name}
    try:
        roadmap = Roadmap.model_validate(rest)
    except ValidationError:
        return []
    pruned = SourcedData(data=rest, marks=origin.marks, sources=origin.sources, replaced=origin.replaced)
    return check_roadmap(LoadedRoadmap(roadmap=roadmap, origin=pruned, path=path),
                         frozenset(name for _, name in entries))


def _in_file_order(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.file, p.line or 0, p.column or 0))


def _problems_from(exc: ValidationError, origin: SourcedData) -> list[Problem]:
    """One problem per offending key path, in plain words; a missing key that an unknown key beside it
    misspells is folded into that key's did-you-mean."""
    merged: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for error in exc.errors(include_url=False):
        path = _data_path(error["loc"], origin.data, error["type"] == "missing")
        merged.setdefault(path, []).append(error)
    unknown = {path for path, errors in merged.items() if errors[0]["type"] == "extra_forbidden"}
    missing_in: dict[tuple[str, ...], list[str]] = {}
    for path, errors in merged.items():
        if errors[0]["type"] == "missing":
            missing_in.setdefault(path[:-1], []).append(path[-1])
    hint = Hints()
    folded: set[tuple[str, ...]] = set()
    problems = []
    for path in unknown:
        key = path[-1]
        allowed = _allowed_keys(path[:-1])
        suggestion = hint(key, allowed)
        required = next((m for m in missing_in.get(path[:-1], []) if suggestion == did_you_mean(key, [m])), None) \
            if suggestion else None
        if required is not None:
            folded.add(path[:-1] + (required,))
        problems.append(origin.problem(path, f"unknown key '{shown(key)}'{suggestion}"
                                       + (f" ('{required}' is required)" if required else ""),
                                       allowed=", ".join(allowed)))
    shallower = {path[:end] for path in merged for end in range(len(path))}
    for path, errors in merged.items():
        if path in unknown or path in folded:
            continue
        if path in shallower and all(e["type"] in _EXPECTED for e in errors):
            continue  # the value has another member's shape (a list of windows, not a table): its problems tell
        text, allowed = _describe(errors)
        problems.append(origin.problem(path, text, allowed=allowed))
    return problems


_EXPECTED = {
    "float_parsing": "a number", "float_type": "a number", "int_parsing": "a whole number",
    "int_type": "a whole number", "int_from_float": "a whole number", "bool_parsing": "true or false",
    "bool_type": "true or false", "string_type": "text", "dict_type": "a mapping", "model_type": "a mapping",
    "model_attributes_type": "a mapping", "list_type": "a list", "date_parsing": "a date (YYYY-MM-DD)",
    "date_type": "a date (YYYY-MM-DD)", "date_from_datetime_parsing": "a date (YYYY-MM-DD)",
    "finite_number": "a finite number",
}
_BOUNDS = {"greater_than": ("more than", "gt"), "greater_than_equal": ("at least", "ge"),
           "less_than": ("less than", "lt"), "less_than_equal": ("at most", "le")}


def _describe(errors: list[dict[str, Any]]) -> tuple[str, str]:
    """(what is wrong, what is allowed) for the pydantic errors at one key path."""
    if errors[0]["type"] == "missing":
        return "required key is missing", ""
    expected: list[str] = []
    bounds: list[str] = []
    other: list[str] = []
    for e in errors:
        if e["type"] in _EXPECTED:
            expected.append(_EXPECTED[e["type"]])
        elif e["type"] in _BOUNDS:
            words, key = _BOUNDS[e["type"]]
            bounds.append(f"{words} {e['ctx'][key]:g}")
        elif e["type"] == "literal_error":
            expected.append(f"one of {e['ctx']['expected']}")
        else:
            other.append(str(e["msg"]).removeprefix("Value error, "))
    got = errors[0].get("input")
    got_text = "" if isinstance(got, (dict, list)) else f" (got {shown(repr(got))})"
    if bounds:
        return f"value {shown(repr(got))} is out of range", " and ".join(dict.fromkeys(bounds))
    if other:
        return "; ".join(dict.fromkeys(other)) + got_text, ""
    return "expected " + " or ".join(dict.fromkeys(expected)) + got_text, ""


def _data_path(loc: tuple[Any, ...], data: Any, missing: bool) -> tuple[str, ...]:
    """Keep the parts of a pydantic error location that index the data (drop union-member tags)."""
    path: list[str] = []
    node = data
    for i, part in enumerate(loc):
        key = _key_in(node, part)
        if key is not _ABSENT:
            node = node[key]
            path.append(str(part))
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
            path.append(str(part))
        elif missing and i == len(loc) - 1:
            path.append(str(part))
    return tuple(path)


_ABSENT = object()


def _key_in(node: Any, part: Any) -> Any:
    """The key of mapping ``node`` that ``part`` names (itself, or a key written alike: 2030 for '2030'),
    or :data:`_ABSENT`."""
    if not isinstance(node, dict):
        return _ABSENT
    if part in node:
        return part
    return next((k for k in node if str(k) == str(part)), _ABSENT)


def _allowed_keys(path: tuple[str, ...]) -> list[str]:
    """Keys allowed at a mapping path, found by walking the schema's annotations."""
    annotation: Any = Roadmap
    for part in path:
        model = _model_in(annotation)
        if model is not None:
            field = next((f for n, f in model.model_fields.items() if (f.alias or n) == part), None)
            if field is None:
                return []
            annotation = field.annotation
            continue
        origin = typing.get_origin(annotation)
        args = typing.get_args(annotation)
        if origin is dict:
            annotation = args[1]
        elif origin is list:
            annotation = args[0]
        else:
            return []
    model = _model_in(annotation)
    if model is None:
        return []
    return [f.alias or n for n, f in model.model_fields.items() if n not in ("scenario", "scenario_names")]


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            found = _model_in(arg)
            if found is not None:
                return found
    return None


def _plain(value: Any) -> Any:
    from planner.schema.time_table import TimeTable

    if isinstance(value, TimeTable):
        return value.to_yaml()
    if isinstance(value, BaseModel):
        out = {}
        for name, field in type(value).model_fields.items():
            out[field.alias or name] = _plain(getattr(value, name))
        return out
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _string_keys(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _string_keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_string_keys(v) for v in value]
    return value
