"""The collector helpers: a model is a reference cycle that only the cyclic collector frees, unless released."""

from __future__ import annotations

import gc
import weakref
from pathlib import Path

from planner import collector, load_roadmap
from planner.model import build_model

BASELINE = Path(__file__).resolve().parents[1] / "roadmaps" / "baseline.yaml"


def _built_and_probes():
    built = build_model(load_roadmap(BASELINE).roadmap)
    return built, [weakref.ref(built.model), weakref.ref(built.model.stock), weakref.ref(built.model.balance)]


def test_a_model_outlives_its_last_reference_until_a_collection():
    gc.disable()
    try:
        built, probes = _built_and_probes()
        del built
        assert all(p() is not None for p in probes)  # kept by the model's cycle
        gc.collect()
        assert all(p() is None for p in probes)
    finally:
        gc.enable()


def test_a_released_model_is_freed_with_its_last_reference():
    gc.disable()
    try:
        built, probes = _built_and_probes()
        collector.release(built.model)
        assert not list(built.model.component_objects())
        del built
        assert probes[1]() is None and probes[2]() is None  # the components: no collection needed
    finally:
        gc.enable()
