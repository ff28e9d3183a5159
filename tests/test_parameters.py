"""Roadmap numbers read through mutable parameters: a built model with its parameters set equals a rebuild."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from planner.io.compose import compose
from planner.io.load import load_roadmap
from planner.model import build_model
from planner.model.data import build_data
from planner.model.parameters import covers, set_parameters
from planner.model.registry import Registry
from planner.solve.highs_backend import Compiled, compile_model
from planner.solve.parametric import ParametricModel
from planner.sweep.sampling import design, overrides_for
from planner.sweep.spec import parse_vary, sweep_spec
from tests.tiny_roadmap import TINY

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = sorted((ROOT / "roadmaps").rglob("*.yaml"))


def _compiled(roadmap: Any, keep: bool = False) -> tuple[Any, Compiled]:
    built = build_model(roadmap)
    built.model.first_stage = built.stages[0].objective()
    return built, compile_model(built.model, keep_parameters=keep)


def _declared_keys(registry: Registry) -> set[str]:
    return {key for parameter in registry.parameters.values() for key in parameter.keys}


def _written(data: Any, pattern: list[str], at: tuple[str, ...] = ()) -> list[str]:
    """The dotted keys written in ``data`` that ``pattern`` (segments, ``*`` for any name) names."""
    if not pattern:
        return [".".join(at)]
    if not isinstance(data, dict):
        return []
    names = [k for k in data if isinstance(k, str)] if pattern[0] == "*" else [pattern[0]] * (pattern[0] in data)
    return [key for name in names for key in _written(data[name], pattern[1:], at + (name,))]


def _assert_same_numbers(got: Compiled, want: Compiled) -> None:
    """Equal number for number; ``got`` may hold explicit zeros where ``want`` drops them."""
    for field in ("cost", "row_lower", "row_upper", "col_lower", "col_upper"):
        assert np.array_equal(getattr(got, field), getattr(want, field)), field
    assert got.offset == want.offset
    matrix = got.matrix.copy()
    matrix.eliminate_zeros()
    assert np.array_equal(matrix.indptr, want.matrix.indptr)
    assert np.array_equal(matrix.indices, want.matrix.indices)
    assert np.array_equal(matrix.data, want.matrix.data)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_every_covered_key_of_a_shipped_roadmap_changes_the_numbers_exactly_as_a_rebuild_does(path):
    """Each declared key written in the roadmap, scaled by 1.37 alone: the built model with its parameters set
    from the new data has the rebuilt model's matrices, bounds and costs, bit for bit."""
    assert _covered_keys_change_numbers_as_a_rebuild(path), "no covered key written in the roadmap moved a number"


def test_covered_keys_the_shipped_roadmaps_do_not_write_change_the_numbers_as_a_rebuild_does(tmp_path):
    """A cost per flight (not a price per kg) and a satellite kind's own specific power."""
    path = tmp_path / "tiny.yaml"
    own_power = "satellites: {satellites: {specific_power_w_per_kg: 150}}"
    path.write_text(TINY.replace("satellites: {satellites: {}}", own_power)
                    .replace("life_years: 4", "life_years: 4\n  revenue_musd_per_gw_year: 300"), encoding="utf-8")
    moved = _covered_keys_change_numbers_as_a_rebuild(path)
    assert {"launch_vehicles.starship.cost_per_flight_musd", "compute.satellites.satellites.specific_power_w_per_kg",
            "compute.revenue_musd_per_gw_year"} <= set(moved)


def _covered_keys_change_numbers_as_a_rebuild(path: Path) -> list[str]:
    """Check each covered key written in ``path`` (see the test above); return those that moved a number (one
    written as zero moves none)."""
    built, compiled = _compiled(load_roadmap(path).roadmap, keep=True)
    parametric = ParametricModel(compiled)
    data = compose(path).data
    keys = sorted(k for pattern in _declared_keys(built.registry) for k in _written(data, pattern.split(".")))
    moved = []
    for key in keys:
        spec = sweep_spec([parse_vary(f"{key}=x[1.37]")], "grid", 1, 0)
        [overrides] = overrides_for(path, spec, design(spec))
        varied = load_roadmap(path, overrides=overrides)
        assert covers(built.registry, key)
        varied_data = build_data(varied.roadmap)
        if varied_data.timeline != built.data.timeline:  # the key's growth splits periods: the sweep rebuilds
            assert varied_data.refined is not None and built.data.refined is None, key
            continue
        assert set_parameters(built.model, built.registry, varied_data)
        numbers = parametric.numbers()
        assert numbers is not None, key
        _, rebuilt = _compiled(varied.roadmap)
        _assert_same_numbers(numbers, rebuilt)
        pairs = [(getattr(numbers, f), getattr(compiled, f)) for f in ("cost", "row_lower", "row_upper")]
        if any(not np.array_equal(a, b) for a, b in pairs + [(numbers.matrix.data, compiled.matrix.data)]):
            moved.append(key)
    return moved


def test_keys_under_a_declared_key_are_covered_and_others_are_not():
    registry = build_model(load_roadmap(ROOT / "roadmaps" / "baseline.yaml").roadmap).registry
    assert covers(registry, "launch_vehicles.starship.max_flights_per_year")
    assert covers(registry, "launch_vehicles.starship.max_flights_per_year.2030")  # one year of the table
    assert covers(registry, "compute.hardware_cost_usd_per_w")
    assert not covers(registry, "launch_vehicles.starship")  # the whole vehicle: its structure may change
    assert not covers(registry, "launch_vehicles.starship.fleet.size")
    assert not covers(registry, "compute.life_years")  # decides which vintages retire when: structure
    assert covers(registry, "objective.discount_rate_per_year")
    assert not covers(registry, "objective.tie_break_per_musd")


def test_a_parameter_that_turns_nonzero_where_it_was_zero_is_a_changed_structure(tmp_path):
    """Revenue zero in every period (the default) leaves no revenue coefficient in the matrix; once positive,
    the numbers cannot be set in place (the pattern grows), and the parametric model says so rather than drop
    them."""
    path = tmp_path / "zero.yaml"
    path.write_text(TINY, encoding="utf-8")
    built, compiled = _compiled(load_roadmap(path).roadmap, keep=True)
    parametric = ParametricModel(compiled)
    paying = load_roadmap(path, overrides={"compute.revenue_musd_per_gw_year": 500.0})
    assert set_parameters(built.model, built.registry, build_data(paying.roadmap))
    assert parametric.numbers() is None
    back = load_roadmap(path, overrides={"compute.revenue_musd_per_gw_year": 0.0})
    assert set_parameters(built.model, built.registry, build_data(back.roadmap))
    _assert_same_numbers(parametric.numbers(), compiled)


def test_parameters_of_a_differently_shaped_roadmap_do_not_fit(tmp_path):
    path = tmp_path / "tiny.yaml"
    path.write_text(TINY, encoding="utf-8")
    built = build_model(load_roadmap(path).roadmap)
    longer = load_roadmap(path, overrides={"time.end": 2033})
    assert not set_parameters(built.model, built.registry, build_data(longer.roadmap))


def test_the_readme_names_every_key_a_sweep_varies_without_rebuilding():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    registry = build_model(load_roadmap(ROOT / "roadmaps" / "baseline.yaml").roadmap).registry
    for key in _declared_keys(registry):
        assert f"`{key}`" in readme or f"`{key.rsplit('.', 1)[-1]}`" in readme, key
