"""Documentation rendered from the code, so that it cannot drift from it.

* the roadmap YAML reference, from the pydantic schema (every key: type, default, meaning);
* the math documentation, from each model module's docstring and the constraint families it declares,
  then the numerics pass that hands the model to HiGHS (:mod:`planner.solve.numerics`).

``python -m planner.docs`` rewrites ``docs/roadmap-reference.md``, ``docs/math.md`` and the roadmap JSON
Schema for editors, ``docs/roadmap.schema.json`` (:mod:`planner.schema.json_schema`); a test fails when
the committed files differ from what the code renders.
"""

from __future__ import annotations

import importlib
import inspect
import types
import typing
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from planner.schema.json_schema import SCHEMA_FILE, render_schema
from planner.schema.name_lists import NameList
from planner.schema.roadmap import Roadmap
from planner.schema.time_table import TimeTable

DOCS = Path(__file__).resolve().parents[1] / "docs"
MODEL_MODULES = ["data", "ready", "transport", "transit", "tanks", "useful", "launch", "learning", "supply", "industry",
                 "compute", "orbits", "demand", "network", "funding", "financing", "refinement", "milestones",
                 "objective"]
# the baseline's figures with the features it does not use, so that their constraint families are documented too
FEATURES = {"compute.revenue_musd_per_gw_year": 0,
            "compute.demand": {"segments": [{"up_to_gw": 100, "price_musd_per_gw_year": 12000},
                                            {"price_musd_per_gw_year": 500}]},
            "funding.revenue_streams": {"services": {"musd_per_year": 100}},
            "funding.debt": {"rate_per_year": 0.08, "ceiling_musd": 1000, "repay_within_years": 10},
            "funding.equity": [{"musd": 1000, "after_milestone": "compute_100_gw"}],
            "compute.orbit_capacity_t": {"leo": 1.0e9},
            "vehicles.mars_ship.propellant.separate_tanks": True,
            "vehicles.mars_ship.keeps_propellant": True,
            "vehicles.mars_ship.max_built_per_period": 1000}
# shipped examples whose constraint families the baseline lacks (stacks, tankers, a shared pad)
EXAMPLES = [("examples/crewed-sorties.yaml", "stacked"), ("examples/starship-lunar-landing.yaml", None)]
SOLVE_MODULES = ["numerics", "rolling"]  # planner.solve modules whose docstring is math about the model handed to HiGHS
HIDDEN = {"scenario", "scenario_names"}


def _type_name(annotation: Any) -> str:
    if annotation is TimeTable:
        return "number or year table"
    if annotation == NameList:
        return "list of distinct str"
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        bounds = "".join(f" ≥ {m.ge}" for m in annotation.__metadata__ if getattr(m, "ge", None) is not None)
        return _type_name(args[0]) + bounds
    if origin in (typing.Union, types.UnionType):
        return " or ".join(_type_name(a) for a in args if a is not type(None))
    if origin is typing.Literal:
        return " \\| ".join(f"`{a}`" for a in args)
    if origin is list:
        return f"list of {_type_name(args[0])}"
    if origin is dict:
        return f"mapping of name to {_type_name(args[1])}"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return f"[{annotation.__name__}](#{annotation.__name__.lower()})"
    return getattr(annotation, "__name__", str(annotation))


def _default(field: Any) -> str:
    if field.is_required():
        return "required"
    value = field.get_default(call_default_factory=True)
    if isinstance(value, TimeTable):
        value = value.to_yaml()
    if isinstance(value, BaseModel):
        return "its defaults"
    if value in ({}, [], None, ""):
        return "—" if value is None else f"`{value!r}`".replace("''", "\"\"")
    return f"`{value}`"


def _models(root: type[BaseModel]) -> list[type[BaseModel]]:
    seen: list[type[BaseModel]] = []

    def visit(annotation: Any) -> None:
        if isinstance(annotation, type) and issubclass(annotation, BaseModel) and annotation is not TimeTable:
            if annotation in seen:
                return
            seen.append(annotation)
            for field in annotation.model_fields.values():
                visit(field.annotation)
        for arg in typing.get_args(annotation):
            visit(arg)

    visit(root)
    return seen


def render_reference() -> str:
    """The roadmap YAML reference as Markdown."""
    lines = ["# Roadmap YAML reference", "",
             "Rendered from `planner/schema/` by `python -m planner.docs`. Units are in the key names "
             "(`_t` tonnes, `_musd` million US dollars, `_usd_per_kg`, `_km_s`, `_days`, `_per_year`).",
             "Any value may be written as `{value: X, source: \"...\"}` and any mapping may carry a `source:` "
             "note; year tables are `{2026: 90, 2035: 10, interpolation: linear}` (`step` by default: "
             "each value holds until the next year given). A file may `extends:` another and declare "
             "`scenarios: {name: {description: ..., set: {dotted.key: value}}}`.", "",
             "A file that `extends:` another merges its mappings into the base's key by key; any other value "
             "replaces the base's whole, and so does a year table (a mapping with a year or a date among its "
             "keys: a derived `{2026: 25, 2027: 8760}` keeps none of the base's other years; "
             "`{interpolation: linear}` alone changes only the interpolation) and a mapping tagged "
             "`!replace` (`time: !replace {dates: [2026-01-01, 2030-01-01], end: 2040}` drops the base's "
             "`start` and `step`). A scenario's `set:` entry and an override replace the value at their "
             "dotted key whole. The base's `source:` notes go with the values they cite.",
             "Roadmap and scenario names name output folders (`reports/<name>--<scenario>`): 1-64 letters, "
             "digits, `_`, `-` or `.`, starting with a letter, a digit or `_`.", ""]
    for model in _models(Roadmap):
        lines += [f"## {model.__name__}", "", inspect.cleandoc(model.__doc__ or ""), "",
                  "| key | type | default | meaning |", "|---|---|---|---|"]
        for name, field in model.model_fields.items():
            if name in HIDDEN:
                continue
            key = field.alias or name
            lines.append(f"| `{key}` | {_type_name(field.annotation)} | {_default(field)} | "
                         f"{(field.description or '').replace('|', '/')} |")
        lines.append("")
    return "\n".join(lines)


def render_math() -> str:
    """The formulation: each model module's docstring, then its constraint families."""
    from planner.io.load import load_roadmap
    from planner.model import build_model

    roadmaps = DOCS.parent / "roadmaps"
    cases = [load_roadmap(roadmaps / "baseline.yaml"), load_roadmap(roadmaps / "baseline.yaml", overrides=FEATURES)]
    cases += [load_roadmap(roadmaps / path, scenario=scenario) for path, scenario in EXAMPLES]
    families = {name: family for loaded in cases
                for name, family in build_model(loaded.roadmap).registry.families.items()}
    lines = ["# The optimization model", "",
             "Rendered from the model modules by `python -m planner.docs`. Notation: periods :math:`p` of "
             "length :math:`y_p` years and :math:`d_p` days starting :math:`t_p`; locations :math:`l`; "
             "commodities :math:`k` of :math:`\\mu_k` t per unit.", ""]
    for name in MODEL_MODULES:
        module = importlib.import_module(f"planner.model.{name}")
        lines += [f"## {name}", "", inspect.cleandoc(module.__doc__ or ""), ""]
        mine = [f for f in families.values() if f.subsystem == getattr(module, "SUBSYSTEM", None)]
        if mine:
            lines += ["| constraint family | meaning | math | limit label |", "|---|---|---|---|"]
            lines += [f"| `{f.name}` | {f.description} | ${f.math}$ | {f.limit or '—'} |" for f in mine]
            lines.append("")
    for name in SOLVE_MODULES:
        module = importlib.import_module(f"planner.solve.{name}")
        lines += [f"## {name} (the hand-off to HiGHS)", "", inspect.cleandoc(module.__doc__ or ""), ""]
    return "\n".join(lines)


def write_docs() -> None:
    DOCS.mkdir(exist_ok=True)
    (DOCS / "roadmap-reference.md").write_text(render_reference() + "\n", encoding="utf-8")
    (DOCS / "math.md").write_text(render_math() + "\n", encoding="utf-8")
    (DOCS / SCHEMA_FILE).write_text(render_schema(), encoding="utf-8")


if __name__ == "__main__":
    write_docs()
