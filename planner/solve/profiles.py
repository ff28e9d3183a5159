"""Solver option profiles: YAML files in ``solvers/`` named for their purpose (``default``, ``fast``).

A profile is ``{description: str, options: {highs_option: value}}``; its options are passed to HiGHS
once each has been checked against HiGHS's own description of it (:mod:`planner.solve.highs_options`):
anything wrong with a profile is reported with its file, line and option, and what is allowed. The
command line's ``--time-limit`` and ``--mip-gap`` override the profile's.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from planner.errors import Problem, RoadmapError
from planner.io.yaml_source import read_text
from planner.solve.highs_options import option_problem

PROFILE_DIR = Path(__file__).resolve().parents[2] / "solvers"
KEYS = ("description", "options")
_Entry = tuple[yaml.Node, yaml.Node]
SHAPE = "a mapping: 'description: text' and 'options: {highs_option: value}'"


def load_profile(name_or_path: str = "default") -> dict[str, Any]:
    """HiGHS options of a named profile (``solvers/<name>.yaml``) or of a profile file."""
    path = Path(name_or_path)
    if path.suffix not in (".yaml", ".yml"):
        path = PROFILE_DIR / f"{name_or_path}.yaml"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in PROFILE_DIR.glob("*.yaml")))
        raise RoadmapError([Problem(f"solver profile '{name_or_path}' not found", file=str(path), allowed=known)])
    file = str(path)
    top = _document(path)
    if not isinstance(top, yaml.MappingNode):
        raise RoadmapError([_at(top, file, "", "a solver profile must be a mapping", SHAPE)])
    loader = yaml.SafeLoader("")
    sections = dict(_pairs(top, loader, file))
    unknown = [Problem(f"unknown key '{key}'", key=key, file=file, line=node.start_mark.line + 1,
                       column=node.start_mark.column + 1, allowed=", ".join(KEYS))
               for key, (node, _) in sections.items() if key not in KEYS]
    if unknown:
        raise RoadmapError(unknown)
    if "options" not in sections:
        return {}
    options_key, options_node = sections["options"]
    if not isinstance(options_node, yaml.MappingNode):
        raise RoadmapError([_at(options_key, file, "options", "'options' must be a mapping of HiGHS options",
                                "options: {highs_option: value}")])
    options, problems = {}, []
    for name, (key_node, value_node) in _pairs(options_node, loader, file):
        value = _value(loader, value_node, file, f"options.{name}")
        wrong = option_problem(name, value)
        if wrong:
            problems.append(_at(key_node, file, f"options.{name}", *wrong))
        options[name] = value
    if problems:
        raise RoadmapError(problems)
    return options


def _document(path: Path) -> yaml.Node:
    """The file's YAML node tree (composed only: no values built yet)."""
    file = str(path)
    text = read_text(path)
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        raise RoadmapError([_marked(exc, file, "", "YAML syntax")]) from None
    if node is None:
        raise RoadmapError([Problem("the profile is empty", file=file, allowed=SHAPE)])
    tagged = [_at(n, file, "", f"YAML tag '{n.tag.replace('tag:yaml.org,2002:', '!!')}' is not allowed",
                  "plain YAML mappings, lists and values")
              for n in _nodes(node) if n.tag not in yaml.SafeLoader.yaml_constructors]
    if tagged:
        raise RoadmapError(tagged)
    return node


def _nodes(node: yaml.Node) -> list[yaml.Node]:
    """``node`` and every node under it."""
    if isinstance(node, yaml.MappingNode):
        return [node] + [n for pair in node.value for part in pair for n in _nodes(part)]
    if isinstance(node, yaml.SequenceNode):
        return [node] + [n for item in node.value for n in _nodes(item)]
    return [node]


def _pairs(mapping: yaml.MappingNode, loader: yaml.SafeLoader, file: str) -> list[tuple[str, _Entry]]:
    """(key, (key node, value node)) of a mapping with plain text keys, each once."""
    out: list[tuple[str, _Entry]] = []
    for key_node, value_node in mapping.value:
        key = _value(loader, key_node, file, "")
        if not isinstance(key, str) or key in dict(out):
            raise RoadmapError([_at(key_node, file, str(key), "a key must be a name, given once",
                                    "each option name once")])
        out.append((key, (key_node, value_node)))
    return out


def _value(loader: yaml.SafeLoader, node: yaml.Node, file: str, key: str) -> Any:
    """The plain value of ``node`` (the safe loader: a tag that builds Python objects is refused)."""
    try:
        return loader.construct_object(node, deep=True)
    except yaml.MarkedYAMLError as exc:
        raise RoadmapError([_marked(exc, file, key, "plain YAML values")]) from None


def _marked(exc: yaml.MarkedYAMLError, file: str, key: str, allowed: str) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    return Problem(f"YAML error: {exc.problem or exc.context}", key=key, file=file,
                   line=mark.line + 1 if mark else None, column=mark.column + 1 if mark else None, allowed=allowed)


def _at(node: yaml.Node, file: str, key: str, message: str, allowed: str) -> Problem:
    return Problem(message, key=key, file=file, line=node.start_mark.line + 1, column=node.start_mark.column + 1,
                   allowed=allowed)
