"""Composition through ``extends:`` and scenarios: year tables and ``!replace`` mappings replace whole,
other mappings merge key by key (the rule of :mod:`planner.io.compose`)."""

from __future__ import annotations

from datetime import date

import pytest

from planner import load_roadmap
from planner.errors import RoadmapError
from tests.conftest import ROOT

BASE = """\
name: base
time: {start: 2030, end: 2040}
objective: {mode: min_cost}
locations: {earth_surface: {}, leo: {}}
commodities:
  cargo: {sources: [{location: earth_surface}]}
launch_vehicles:
  rocket:
    payload_t: 100
    max_flights_per_year: 10
    cost_per_flight_musd:
      2030: 90
      2033: 50
      2036: 20
      2039: 10
      source: "base estimate"
scenarios:
  late:
    description: A late price fall
    set:
      launch_vehicles.rocket.cost_per_flight_musd: {2030: 90, 2038: 30}
"""


def _rocket(path, scenario: str | None = None):
    return load_roadmap(path, scenario=scenario).roadmap.launch_vehicles["rocket"]


def test_a_derived_year_table_replaces_the_inherited_one_whole(write_roadmap):
    write_roadmap(BASE, "base.yaml")
    child = write_roadmap("""\
        extends: base.yaml
        name: child
        launch_vehicles:
          rocket:
            cost_per_flight_musd: {2030: 80, 2035: 40}
        """, "child.yaml")
    loaded = load_roadmap(child)
    rocket = loaded.roadmap.launch_vehicles["rocket"]
    # only the child's two years: none of the base's 2033, 2036, 2039 survive
    assert rocket.cost_per_flight_musd.points == {2030.0: 80.0, 2035.0: 40.0}
    # the base's note cited the base's table, not the child's
    assert ("launch_vehicles", "rocket", "cost_per_flight_musd") not in loaded.sources
    # the rest of the mapping still merges: the base's payload and cap stand beside the child's table
    assert rocket.payload_t.at(2030.0)[0] == 100
    assert rocket.max_flights_per_year.at(2030.0)[0] == 10


def test_interpolation_alone_is_no_year_table_and_merges(write_roadmap):
    write_roadmap(BASE, "base.yaml")
    child = write_roadmap("""\
        extends: base.yaml
        name: child
        launch_vehicles: {rocket: {cost_per_flight_musd: {interpolation: linear}}}
        """, "child.yaml")
    table = _rocket(child).cost_per_flight_musd
    assert table.points == {2030.0: 90.0, 2033.0: 50.0, 2036.0: 20.0, 2039.0: 10.0}
    assert table.interpolation == "linear"


def test_a_scenario_year_table_replaces_whole_also_when_a_derived_file_restates_it(write_roadmap):
    write_roadmap(BASE, "base.yaml")
    assert _rocket(write_roadmap(BASE, "alone.yaml"), "late").cost_per_flight_musd.points == {2030.0: 90.0,
                                                                                               2038.0: 30.0}
    child = write_roadmap("""\
        extends: base.yaml
        name: child
        scenarios:
          late:
            set:
              launch_vehicles.rocket.cost_per_flight_musd: {2034: 60}
        """, "child.yaml")
    late = _rocket(child, "late").cost_per_flight_musd
    assert late.points == {2034.0: 60.0}


def test_replace_tag_switches_time_from_start_to_dates(write_roadmap):
    write_roadmap(BASE, "base.yaml")
    text = """\
        extends: base.yaml
        name: child
        time: {tag}{{dates: [2030-01-01, 2031-01-01, 2035-01-01], end: 2040-01-01}}
        """
    merged = write_roadmap(text.format(tag=""), "merged.yaml")
    with pytest.raises(RoadmapError, match="give 'start' or 'dates', not both"):
        load_roadmap(merged)
    time = load_roadmap(write_roadmap(text.format(tag="!replace "), "replaced.yaml")).roadmap.time
    assert time.start is None and time.step == "year"
    assert time.dates == [date(2030, 1, 1), date(2031, 1, 1), date(2035, 1, 1)]
    assert time.end == date(2040, 1, 1)


def test_replace_tag_on_an_ordinary_mapping_drops_the_inherited_keys(write_roadmap):
    write_roadmap(BASE, "base.yaml")
    child = write_roadmap("""\
        extends: base.yaml
        name: child
        launch_vehicles:
          rocket: !replace
            payload_t: 50
        """, "child.yaml")
    rocket = _rocket(child)
    assert rocket.payload_t.at(2030.0)[0] == 50
    assert rocket.max_flights_per_year is None and rocket.cost_per_flight_musd is None


def test_an_error_inside_a_replaced_mapping_points_at_the_derived_file(write_roadmap):
    write_roadmap(BASE, "base.yaml")
    child = write_roadmap("""\
        extends: base.yaml
        name: child
        launch_vehicles:
          rocket: !replace
            payload_t: 50
            max_flights_per_yer: 3
        """, "child.yaml")
    with pytest.raises(RoadmapError) as caught:
        load_roadmap(child)
    [problem] = caught.value.problems
    assert (problem.file, problem.line, problem.key) == (str(child), 6,
                                                         "launch_vehicles.rocket.max_flights_per_yer")


def test_replace_tag_before_a_list_is_refused_with_its_line(write_roadmap):
    path = write_roadmap(BASE + "unused: !replace [1, 2]\n")
    with pytest.raises(RoadmapError) as caught:
        load_roadmap(path)
    [problem] = caught.value.problems
    assert "'!replace' marks a mapping" in problem.message
    assert problem.line == BASE.count("\n") + 1


def test_seed_vision_states_its_own_cadence_and_price():
    """seed-vision's tables are its own, not merged with baseline's years (2028-2038 cadence, 2040-2050
    price)."""
    starship = load_roadmap(ROOT / "roadmaps" / "seed-vision.yaml").roadmap.launch_vehicles["starship"]
    cadence, price = starship.max_flights_per_year, starship.price_usd_per_kg
    assert cadence.points == {2026.0: 25.0, 2027.0: 8760.0}
    assert list(cadence.at([2026, 2027, 2028, 2038, 2060])) == [25, 8760, 8760, 8760, 8760]
    assert price.points == {2026.0: 900.0, 2028.0: 200.0, 2035.0: 30.0}
    assert price.interpolation == "linear"
    # linear from 900 (2026) to 200 (2028): 550 in 2027; 30 from 2035 on, never rising back
    assert list(price.at([2027, 2035, 2040, 2050, 2060])) == pytest.approx([550, 30, 30, 30, 30])


def test_a_scenario_label_is_only_the_loader_s(write_roadmap, tmp_path):
    """A file that writes ``scenario: made_up`` would name its output folder after a scenario never applied;
    a resolved roadmap of a scenario run, which lists it among its scenario_names, solves again as it was."""
    from planner.results.write import write_yaml

    text = (ROOT / "roadmaps" / "examples" / "minimal.yaml").read_text(encoding="utf-8")
    with pytest.raises(RoadmapError, match="'scenario: made_up' names no scenario this file applied"):
        load_roadmap(write_roadmap(text + "scenario: made_up\n"))
    loaded = load_roadmap(ROOT / "roadmaps" / "baseline.yaml", scenario="cheap_launch")
    resolved = tmp_path / "roadmap.resolved.yaml"
    write_yaml(resolved, loaded.resolved())
    again = load_roadmap(resolved, allow_outside=True)
    assert again.roadmap.scenario == "cheap_launch" and again.input_hash() != ""
