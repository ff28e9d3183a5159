"""The roadmap's JSON Schema, for editors (``planner schema``; shipped as ``docs/roadmap.schema.json``).

It is pydantic's schema of :class:`~planner.schema.roadmap.Roadmap`, made to accept what the loader
(:mod:`planner.io`) accepts in a file before the schema validates it, so that an editor flags no roadmap
whose schema ``planner validate`` passes:

* a ``source:`` note (any scalar) beside the keys of every mapping, and ``{value: X, source: "..."}`` in
  place of any value X, wrappers within wrappers too (:mod:`planner.io.yaml_source`);
* ``extends:`` and ``scenarios:`` at the top level; in a file that extends another no key is required,
  since its mappings merge into the base's, except inside list items, which replace the base's whole
  (:mod:`planner.io.compose`);
* a year table as the roadmap writes it: a number, or years and dates to numbers with ``interpolation``;
* numbers and booleans as an editor reading YAML 1.2 may see them: as text where the loader's YAML 1.1
  reader or pydantic reads a number (``1_000``, ``"25"``) or a boolean (``yes``, ``on``, ``1``).

Names follow the name rule (:mod:`planner.schema.names`) and name lists are sets (``uniqueItems``). Left
to ``planner validate``: the rules between keys (one of ``isp_s`` and ``exhaust_velocity_km_s``...),
references between names, year-table keys written other than in decimal digits or as dates, and a
``!replace`` tag, which an editor must be told of (``yaml.customTags``). The keys the loader sets,
``scenario`` and ``scenario_names``, are not a file's to write and are flagged; TimeTable's internal form
(``points:``) is not the roadmap's language and is flagged too.

The schema keeps to JSON Schema draft-07, which editors (yaml-language-server) support best.
"""

from __future__ import annotations

import json
import re
import typing
from collections.abc import Iterator
from copy import deepcopy
from typing import Any

import yaml
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import core_schema

from planner.schema.name_lists import NameList
from planner.schema.names import NAME_PATTERN, Name
from planner.schema.roadmap import Roadmap
from planner.schema.time_table import TimeTable

DRAFT = "http://json-schema.org/draft-07/schema#"
SCHEMA_FILE = "roadmap.schema.json"
SCALAR: dict[str, Any] = {"$ref": "#/$defs/SourceNote"}
"""A ``source:`` note: any scalar (the loader keeps its text)."""
NAME = f"^{NAME_PATTERN.pattern}$"
YEAR_KEY = r"^([0-9]+(\.[0-9]*)?|[0-9]{4}-[0-9]{2}-[0-9]{2})$"
_DOC_KEYS = ("title", "description", "default")
_NAME_CHECK = typing.get_args(Name)[1].func
_SET_CHECK = typing.get_args(NameList)[1].func


def _yaml_pattern(tag: str) -> str:
    """The regular expression by which PyYAML (YAML 1.1, the loader's reader) reads a plain scalar as
    ``tag``, without its verbose-mode spaces."""
    for resolvers in yaml.resolver.Resolver.yaml_implicit_resolvers.values():
        for resolved, regexp in resolvers:
            if resolved == tag:
                return re.sub(r"\s+", "", regexp.pattern)
    raise LookupError(tag)


_DECIMAL = r"^\s*[-+]?([0-9][0-9_]*\.?[0-9_]*|\.[0-9][0-9_]*)([eE][-+]?[0-9]+)?\s*$"
NUMBER_TEXT = "|".join(f"({p})" for p in (_yaml_pattern("tag:yaml.org,2002:int"),
                                           _yaml_pattern("tag:yaml.org,2002:float"), _DECIMAL))
"""Text that the loader reads as a number: PyYAML's integers and floats, and pydantic's decimal text."""
_TRUTH_WORDS = ("0", "off", "f", "false", "n", "no", "1", "on", "t", "true", "y", "yes")
BOOL_TEXT = "^(" + "|".join("".join(f"[{c.lower()}{c.upper()}]" if c.isalpha() else c for c in word)
                            for word in _TRUTH_WORDS) + ")$"
"""Text that pydantic reads as a boolean, in any case (PyYAML's yes/no/on/off among it)."""
_TEXT: dict[str, Any] = {"type": "string", "pattern": NUMBER_TEXT}
NUMBER: dict[str, Any] = {"anyOf": [{"type": "number"}, _TEXT]}


def render_schema() -> str:
    """The roadmap JSON Schema as the text of ``docs/roadmap.schema.json``."""
    return json.dumps(roadmap_schema(), indent=1, ensure_ascii=False) + "\n"


def roadmap_schema() -> dict[str, Any]:
    """The JSON Schema of a roadmap file (see the module docstring)."""
    generated = Roadmap.model_json_schema(schema_generator=_EditorSchema)
    defs = generated.pop("$defs")
    defs["Roadmap"] = _as_file(generated)
    defs["Scenario"] = _SCENARIO
    defs["SourceNote"] = {"description": "A note citing the values beside it.",
                          "type": ["string", "number", "boolean", "null"]}
    defs["NumberText"] = {"description": "A number as text (1_000, \"25\") that the loader reads as a number.",
                          **_TEXT}
    _share_number_text(defs)
    _drop_titles(defs)
    defs.update(_patches(defs))
    notes = _Notes(defs)
    for name in list(defs):
        defs[name] = notes.inside(defs[name], name)
    return {
        "$schema": DRAFT,
        "title": "planner roadmap",
        "description": "A roadmap file of planner; the loader's own checks (planner validate) go further.",
        "if": {"required": ["extends"]},
        "then": notes.node({"$ref": "#/$defs/RoadmapPatch"}, "RoadmapFilePatch"),
        "else": notes.node({"$ref": "#/$defs/Roadmap"}, "RoadmapFile"),
        "$defs": dict(sorted(defs.items())),
    }


class _EditorSchema(GenerateJsonSchema):
    """Pydantic's schema generator with numbers, booleans, names, name lists, year tables and their
    defaults as a roadmap file writes them."""

    def float_schema(self, schema: core_schema.FloatSchema) -> JsonSchemaValue:
        return _or_text(super().float_schema(schema))

    def int_schema(self, schema: core_schema.IntSchema) -> JsonSchemaValue:
        return _or_text(super().int_schema(schema))

    def bool_schema(self, schema: core_schema.BoolSchema) -> JsonSchemaValue:
        return {"anyOf": [{"type": "boolean"}, {"enum": [0, 1]}, {"type": "string", "pattern": BOOL_TEXT}]}

    def dict_schema(self, schema: core_schema.DictSchema) -> JsonSchemaValue:
        out = super().dict_schema(schema)
        out.pop("propertyNames", None)
        if schema.get("keys_schema", {}).get("type") == "int":
            out["propertyNames"] = {"pattern": r"^[-+]?[0-9]+$"}
        return out

    def function_after_schema(self, schema: core_schema.AfterValidatorFunctionSchema) -> JsonSchemaValue:
        out = super().function_after_schema(schema)
        function = schema["function"]["function"]
        if function is _NAME_CHECK:
            return {**out, "pattern": NAME}
        if function is _SET_CHECK:
            return {**out, "uniqueItems": True}
        return out

    def model_schema(self, schema: core_schema.ModelSchema) -> JsonSchemaValue:
        if schema["cls"] is TimeTable:
            return deepcopy(_YEAR_TABLE)
        return super().model_schema(schema)

    def encode_default(self, dft: Any) -> Any:
        return super().encode_default(dft.to_yaml() if isinstance(dft, TimeTable) else dft)


def _or_text(schema: JsonSchemaValue) -> JsonSchemaValue:
    """A number schema that also takes the text the loader reads as a number (its bounds then unchecked)."""
    doc = {k: schema.pop(k) for k in _DOC_KEYS if k in schema}
    return {**doc, "anyOf": [schema, dict(_TEXT)]}


_YEAR_TABLE: dict[str, Any] = {
    "title": "TimeTable",
    "description": "A number (every year alike), or a table of years or dates (YYYY-MM-DD) to numbers with "
                   "an interpolation: step (the default) or linear.",
    "anyOf": [
        NUMBER,
        {
            "type": "object",
            "properties": {"interpolation": {"enum": ["step", "linear"], "default": "step"}},
            "patternProperties": {YEAR_KEY: NUMBER},
            "additionalProperties": False,
            "not": {"propertyNames": {"enum": ["interpolation", "source"]}},  # at least one year
        },
    ],
}

_SCENARIO: dict[str, Any] = {
    "title": "Scenario",
    "description": "A named variant of the roadmap: 'planner solve ROADMAP --scenario NAME'.",
    "type": "object",
    "properties": {
        "description": {"description": "What the scenario changes."},
        "set": {"anyOf": [{"type": "null"}, {"type": "object"}],
                "description": "Dotted key paths to the values they take (funding.initial_cash_musd: 50000)."},
    },
    "additionalProperties": False,
}


def _share_number_text(defs: dict[str, Any]) -> None:
    """One definition of the numbers written as text, in place of its many copies."""
    for definition in defs.values():
        for node in _nodes(definition, True):
            if "anyOf" in node:
                node["anyOf"] = [{"$ref": "#/$defs/NumberText"} if m == _TEXT else m for m in node["anyOf"]]


def _as_file(roadmap: dict[str, Any]) -> dict[str, Any]:
    """Roadmap's schema as a file writes it: with ``extends:`` and ``scenarios:``, without the keys the
    loader sets."""
    out = deepcopy(roadmap)
    for key in ("scenario", "scenario_names"):
        out["properties"].pop(key)
    out["properties"] = {
        "extends": {"type": "string", "description": "A base roadmap file, relative to this one: this file's "
                    "mappings merge into the base's, any other value replaces the base's."},
        **out["properties"],
        "scenarios": {"anyOf": [{"type": "null"}, {"type": "object", "propertyNames": {"pattern": NAME},
                                                   "additionalProperties": {"$ref": "#/$defs/Scenario"}}],
                      "description": "Named variants of the roadmap."},
    }
    return out


def _drop_titles(defs: dict[str, Any]) -> None:
    """Drop pydantic's titles of properties (its field names capitalized); keep the definitions' own."""
    for definition in defs.values():
        for node in _nodes(definition, True):
            if node is not definition:
                node.pop("title", None)


def _nodes(schema: Any, into_items: bool) -> Iterator[dict[str, Any]]:
    """Every schema object within ``schema``, itself first; list items only when ``into_items``."""
    if not isinstance(schema, dict):
        return
    yield schema
    for key, value in schema.items():
        if key == "items" and not into_items:
            continue
        if key in ("properties", "patternProperties"):
            for sub in value.values():
                yield from _nodes(sub, into_items)
        elif isinstance(value, list):
            for sub in value:
                yield from _nodes(sub, into_items)
        elif key != "default":
            yield from _nodes(value, into_items)


def _patches(defs: dict[str, Any]) -> dict[str, Any]:
    """``NamePatch`` definitions for a file that extends another: nothing required, year tables without
    years (``{interpolation: linear}`` changes only the base's interpolation), list items whole; only for
    the definitions that differ and stand outside list items."""
    def loosened(node: dict[str, Any]) -> bool:
        return "required" in node or "not" in node

    def refs(node: dict[str, Any]) -> str | None:
        return node["$ref"].removeprefix("#/$defs/") if "$ref" in node else None

    reached = {"Roadmap"}
    while more := {r for name in reached for n in _nodes(defs[name], False) if (r := refs(n))} - reached:
        reached |= more
    differ = {name for name in reached if any(loosened(n) for n in _nodes(defs[name], False))}
    while more := {name for name in reached - differ if any(refs(n) in differ for n in _nodes(defs[name], False))}:
        differ |= more
    patches = {}
    for name in sorted(differ):  # in a fixed order: the file must not change with Python's string hashing
        patch = deepcopy(defs[name])
        for node in _nodes(patch, False):
            node.pop("required", None)
            node.pop("not", None)
            if refs(node) in differ:
                node["$ref"] += "Patch"
        patches[name + "Patch"] = patch
    return patches


class _Notes:
    """Puts ``source:`` notes beside the keys of every mapping and lets ``{value: X, source: ...}`` stand for
    any value X: each place where a value stands becomes a definition of its own, X or the wrapper of X."""

    def __init__(self, defs: dict[str, Any]):
        self.defs = defs
        self.named: dict[str, str] = {}

    def node(self, schema: dict[str, Any], name: str) -> dict[str, Any]:
        """A ``$ref`` to the definition of the value ``schema`` describes, as it or wrapped with its note."""
        inner = self.inside(schema, name)
        doc = {k: inner.pop(k) for k in _DOC_KEYS if k in inner}
        if not inner:  # anything: a wrapper too
            return doc
        key = json.dumps([doc, inner], sort_keys=True)
        if key not in self.named:
            unique = name
            while unique in self.defs:
                unique += "_"
            self.named[key] = unique
            wrapper = {"type": "object", "properties": {"value": {"$ref": f"#/$defs/{unique}"}, "source": SCALAR},
                       "required": ["value", "source"], "additionalProperties": False}
            self.defs[unique] = {**doc, "anyOf": [inner, wrapper]}
        return {"$ref": f"#/$defs/{self.named[key]}"}

    def inside(self, schema: dict[str, Any], name: str) -> dict[str, Any]:
        """``schema`` with the values within it made :meth:`node` s and a ``source:`` key on its mappings."""
        out = dict(schema)
        for key in ("anyOf", "oneOf", "allOf"):
            if key in out:
                out[key] = [self.inside(member, name) for member in out[key]]
        for key in ("properties", "patternProperties"):
            if key in out:
                out[key] = {k: self.node(s, f"{name}.{k}" if key == "properties" else f"{name}.year")
                            for k, s in out[key].items()}
        if "items" in out:
            out["items"] = self.node(out["items"], f"{name}.item")
        entry = out.get("additionalProperties", True)
        if isinstance(entry, dict):
            entry = out["additionalProperties"] = self.node(entry, f"{name}.entry")
        if out.get("type") == "object" and entry is not True and entry != {}:
            out["properties"] = {**out.get("properties", {}),
                                 "source": SCALAR if entry is False else {"anyOf": [SCALAR, entry]}}
        return out
