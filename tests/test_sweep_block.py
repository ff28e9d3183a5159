"""A sweep declared inside the roadmap is validated by the schema and read like a sweep file."""

from __future__ import annotations

import pytest

from planner import RoadmapError, load_roadmap
from planner.sweep.spec import sweep_from_mapping

ROADMAP = """
name: swept
time: {start: 2030, end: 2031}
locations: {leo: {}}
commodities: {cargo: {}}
sweep:
  method: lhs
  samples: 8
  seed: 3
  vary:
    objective.discount_rate_per_year: "[0.05, 0.08]"
"""


def test_a_roadmap_sweep_block_parses_like_a_sweep_file(write_roadmap):
    loaded = load_roadmap(write_roadmap(ROADMAP))
    declared = sweep_from_mapping(loaded.roadmap.sweep.model_dump(), "swept")
    assert declared["method"] == "lhs" and declared["samples"] == 8 and declared["seed"] == 3
    assert [v.key for v in declared["vary"]] == ["objective.discount_rate_per_year"]


def test_a_misspelt_sweep_key_is_an_input_error(write_roadmap):
    with pytest.raises(RoadmapError, match="did you mean 'samples'"):
        load_roadmap(write_roadmap(ROADMAP.replace("samples: 8", "sample: 8")))
