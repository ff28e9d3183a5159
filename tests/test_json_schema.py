"""The roadmap JSON Schema for editors (planner.schema.json_schema): shipped and current, and it agrees with
the loader: every shipped roadmap and every form the loader reads passes it, and what the loader refuses
for its schema (an unknown key, a wrong type, a bad name) fails it."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from typer.testing import CliRunner

from planner import load_roadmap
from planner.cli import app
from planner.docs import DOCS
from planner.errors import RoadmapError
from planner.schema.json_schema import SCHEMA_FILE, render_schema, roadmap_schema

ROOT = Path(__file__).resolve().parents[1]
ROADMAPS = sorted((ROOT / "roadmaps").glob("*.yaml")) + sorted((ROOT / "roadmaps" / "examples").glob("*.yaml"))
VALIDATOR = jsonschema.Draft7Validator(roadmap_schema())


def as_editor_reads(value: Any) -> Any:
    """YAML data as JSON, as an editor hands it to the schema: keys and dates as text."""
    if isinstance(value, dict):
        return {str(k): as_editor_reads(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_editor_reads(v) for v in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def editor_errors(data: Any) -> list[str]:
    """What an editor may flag in ``data``: each error, down to the alternatives of its anyOf
    (``path: message``)."""
    def leaves(error: jsonschema.ValidationError) -> list[jsonschema.ValidationError]:
        return [leaf for e in error.context for leaf in leaves(e)] if error.context else [error]

    return [f"{'.'.join(map(str, leaf.absolute_path))}: {leaf.message}"
            for error in VALIDATOR.iter_errors(as_editor_reads(data)) for leaf in leaves(error)]


def raw(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def loads(data: dict[str, Any], folder: Path) -> bool:
    """Whether the loader reads ``data`` written as a roadmap file in ``folder`` (beside a copy of the
    baseline, for ``extends:``)."""
    (folder / "baseline.yaml").write_text((ROOT / "roadmaps" / "baseline.yaml").read_text(encoding="utf-8"))
    path = folder / "variant.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    try:
        load_roadmap(path)
    except RoadmapError:
        return False
    return True


def test_shipped_schema_is_current():
    assert (DOCS / SCHEMA_FILE).read_text(encoding="utf-8") == render_schema()


def test_schema_is_draft7():
    jsonschema.Draft7Validator.check_schema(roadmap_schema())


def test_schema_command_writes_the_shipped_schema(tmp_path: Path):
    out = tmp_path / "roadmap.schema.json"
    result = CliRunner().invoke(app, ["schema", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8") == render_schema()
    printed = CliRunner().invoke(app, ["schema"])
    assert printed.exit_code == 0 and printed.output == render_schema()


@pytest.mark.parametrize("path", ROADMAPS, ids=lambda p: p.stem)
def test_shipped_roadmaps_pass(path: Path):
    assert editor_errors(raw(path)) == []


def _baseline() -> dict[str, Any]:
    return raw(ROOT / "roadmaps" / "baseline.yaml")


def _set(data: dict[str, Any], dotted: str, value: Any) -> dict[str, Any]:
    node = data
    *parents, last = dotted.split(".")
    for part in parents:
        node = node[int(part) if isinstance(node, list) else part]
    node[int(last) if isinstance(node, list) else last] = value
    return data


ACCEPTED = {  # forms the loader reads: the editor must not flag them
    "wrapped number": ("g0_m_s2", {"value": 9.81, "source": "a note"}),
    "wrapped year table": ("launch_vehicles.starship.payload_t", {"value": {2026: 100, 2030: 150}, "source": "x"}),
    "wrapped wrapper": ("funding.initial_cash_musd", {"value": {"value": 5, "source": "inner"}, "source": "outer"}),
    "wrapped list item": ("commodities.lox.sources.0", {"value": {"location": "earth_surface"},
                                                                  "source": "x"}),
    "note on names": ("locations.source", "every location from parameters.md"),
    "number note": ("locations.leo.source", 2024),
    "note on a year table": ("compute.specific_power_w_per_kg", {2026: 40, 2040: 100, "source": "x",
                                                                 "interpolation": "linear"}),
    "date year key": ("compute.specific_power_w_per_kg", {datetime.date(2030, 7, 1): 60}),
    "number as text": ("funding.initial_cash_musd", "1_000"),
    "yes for true": ("launch_vehicles.starship.integer", "yes"),
    "one for true": ("launch_vehicles.starship.integer", 1),
    "step mapping": ("time.step", {2026: "quarter", 2030: "year"}),
    "scenario with a note": ("scenarios.more_cash", {"description": "more", "source": "x",
                                                      "set": {"funding.initial_cash_musd": 9000}}),
}


@pytest.mark.parametrize("case", ACCEPTED, ids=str)
def test_what_the_loader_reads_passes(case: str, tmp_path: Path):
    key, value = ACCEPTED[case]
    data = _set(_baseline(), key, value)
    assert loads(data, tmp_path), "the case should be one the loader reads"
    assert editor_errors(data) == []


EXTENDING = {  # a file that extends another gives only what it changes
    "one nested key": {"extends": "baseline.yaml", "launch_vehicles": {"starship": {"payload_t": 150}}},
    "interpolation only": {"extends": "baseline.yaml",
                           "launch_vehicles": {"starship": {"payload_t": {"interpolation": "linear"}}}},
    "name and a note": {"extends": "baseline.yaml", "name": "derived", "source": "a derived roadmap",
                        "time": {"end": 2050}},
}


@pytest.mark.parametrize("case", EXTENDING, ids=str)
def test_extending_files_pass(case: str, tmp_path: Path):
    assert loads(EXTENDING[case], tmp_path)
    assert editor_errors(EXTENDING[case]) == []


def test_list_items_of_an_extending_file_are_whole(tmp_path: Path):
    data = {"extends": "baseline.yaml", "commodities": {"lox": {"sources": [{"cost_usd_per_kg": 1}]}}}
    assert not loads(data, tmp_path)
    assert "commodities.lox.sources.0: 'location' is a required property" in editor_errors(data)


REFUSED = {  # what the loader refuses for its schema: the editor flags it too, as said
    "unknown key": ("launch_vehicles.starship.payload_tons", 100, "'payload_tons' was unexpected"),
    "unknown top-level key": ("horizon", 2060, "'horizon' was unexpected"),
    "misspelt year table key": ("compute.specific_power_w_per_kg", {2026: 40, "interpolaton": "linear"},
                                "'interpolaton' does not match any of the regexes"),
    "text for a number": ("launch_vehicles.starship.payload_t", "lots", "'lots' is not of type 'number'"),
    "list for a number": ("g0_m_s2", [9.81], "[9.81] is not of type 'number'"),
    "word for a boolean": ("launch_vehicles.starship.integer", "maybe", "'maybe' is not of type 'boolean'"),
    "not a step": ("time.step", "fortnight", "'fortnight' is not one of ['year', 'quarter', 'month']"),
    "out of range": ("g0_m_s2", 12.0, "12.0 is greater than the maximum of 9.9"),
    "bad name": ("name", "../escape", "'../escape' does not match"),
    "name listed twice": ("compute.deploy_at", ["leo", "leo"], "['leo', 'leo'] has non-unique elements"),
    "wrapper without its note": ("g0_m_s2", {"value": 9.81}, "'source' is a required property"),
    "mapping as a note": ("launch_vehicles.starship.source", {"text": "x"}, "{'text': 'x'} is not of type"),
    "loader's own key": ("scenario_names", ["a"], "'scenario_names' was unexpected"),
}


@pytest.mark.parametrize("case", REFUSED, ids=str)
def test_what_the_loader_refuses_fails(case: str, tmp_path: Path):
    key, value, said = REFUSED[case]
    data = _set(_baseline(), key, value)
    if case != "loader's own key":  # the loader overwrites it; a file has no business writing it
        assert not loads(data, tmp_path), "the case should be one the loader refuses"
    assert any(said in e for e in editor_errors(data)), editor_errors(data)


def test_missing_required_key_fails_without_extends():
    data = _baseline()
    del data["name"]
    assert any("'name' is a required property" in e for e in editor_errors(data))
