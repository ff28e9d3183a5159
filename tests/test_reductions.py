"""Model reductions that fine grids need (cargo only where it can be of use, no free storage of goods to be had
at any time, compute added as a column): each checked on a network small enough to reason about by hand,
and shown not to change the plans of shipped roadmaps."""

from __future__ import annotations

import textwrap

import pytest

import planner.model.network as network
import planner.model.useful as useful
from planner import load_roadmap, solve
from planner.model import build_model
from planner.model.data import build_data
from planner.model.useful import allowed, useful_cargo
from tests.conftest import ROOT, value

CISLUNAR = """
name: there_and_back
time: {start: 2026, end: 2027, step: quarter}
objective: {mode: min_cost}
locations: {earth_surface: {}, leo: {}, llo: {}, surface: {}}
commodities:
  cargo: {sources: [{location: earth_surface, cost_usd_per_kg: 1}]}
  crew: {unit_mass_t: 0.1, sources: [{location: earth_surface}]}
  propellant: {sources: [{location: leo, cost_usd_per_kg: 1}]}
launch_vehicles:
  rocket: {payload_t: 100, cost_per_flight_musd: 10}
routes:
  leo_llo: {from: leo, to: llo, dv_km_s: 4.04, transit_days: 3}
  llo_surface: {from: llo, to: surface, dv_km_s: 1.87, transit_days: 1}
  surface_llo: {from: surface, to: llo, dv_km_s: 1.87, transit_days: 1}
  llo_leo: {from: llo, to: leo, dv_km_s: 1.43, transit_days: 3}
vehicles:
  ship: {payload_t: 100, propellant_capacity_t: 1500, dry_mass_t: 120, isp_s: 380, initial_units: {leo: 2}}
demands:
  cargo_on_surface: {location: surface, commodity: cargo, at_least: 50, from: 2026}
"""
CREW_HOME = """
  crew_on_surface: {location: surface, commodity: crew, at_least: 4, from: 2026-06-01, to: 2026-06-30}
  crew_home: {location: leo, commodity: crew, at_least: 4, from: 2027-06-01}
"""


def _useful(write_roadmap, text: str) -> dict[str, set[str]]:
    d = build_data(load_roadmap(write_roadmap(textwrap.dedent(text))).roadmap)
    return useful_cargo(d)


def test_cargo_rides_only_on_the_way_to_its_use(write_roadmap):
    useful = _useful(write_roadmap, CISLUNAR)
    # cargo appears on Earth and is used on the surface: out along leo -> llo -> surface, never back
    assert {rt for rt, ks in useful.items() if "cargo" in ks} == {"leo_llo", "llo_surface"}
    # nobody needs crew anywhere: no route carries it
    assert not any("crew" in ks for ks in useful.values())
    # propellant is loaded where routes start (leo, llo, surface): every move is one between two uses
    assert {rt for rt, ks in useful.items() if "propellant" in ks} == {"leo_llo", "llo_surface", "surface_llo",
                                                                      "llo_leo"}


def test_a_crew_used_on_the_surface_and_at_home_rides_both_ways(write_roadmap):
    useful = _useful(write_roadmap, CISLUNAR + CREW_HOME)
    assert {rt for rt, ks in useful.items() if "crew" in ks} == {"leo_llo", "llo_surface", "surface_llo", "llo_leo"}


def test_a_route_may_narrow_what_it_carries(write_roadmap):
    text = CISLUNAR.replace("llo_surface: {from: llo, to: surface,", "llo_surface: {from: llo, to: surface, "
                                                                     "carries: [propellant],")
    d = build_data(load_roadmap(write_roadmap(textwrap.dedent(text))).roadmap)
    assert allowed(d, "ship", "llo_surface") == ["propellant"]
    assert "cargo" not in useful_cargo(d)["llo_surface"]


def test_the_round_trip_plan_is_the_one_without_the_reduction(write_roadmap, monkeypatch):
    # only four people: the crew on the surface in 2026 is the one at home in 2027
    text = (CISLUNAR + CREW_HOME).replace("sources: [{location: earth_surface}]",
                                          "sources: [{location: earth_surface, max_total: 4}]")
    path = write_roadmap(textwrap.dedent(text))
    reduced = solve(load_roadmap(path))
    _without_reductions(monkeypatch)
    full = solve(load_roadmap(path))
    assert reduced.objective == pytest.approx(full.objective, rel=1e-9)
    assert value(reduced, "cargo", route="llo_leo", commodity="crew") == pytest.approx(4.0, rel=1e-9)


class _AllMoves(set):
    def __contains__(self, move: object) -> bool:
        return True


def _without_reductions(monkeypatch) -> None:
    """Every commodity the roadmap allows on every route, and stocks free everywhere."""
    everywhere = lambda d: {k: _AllMoves() for k in d.roadmap.commodities}  # noqa: E731
    monkeypatch.setattr(useful, "useful_moves", everywhere)
    monkeypatch.setattr(network, "bought_when_used", lambda d, reg, pairs: [])


@pytest.mark.parametrize(("schedule", "fixed"), [("{2026: 2, 2027: 1}", True), ("{2026: 1, 2027: 2}", False)])
def test_goods_are_held_at_a_source_only_when_holding_can_pay(write_roadmap, schedule, fixed):
    """10 t of water needed in orbit in 2027. A falling price (2 then 1 $/kg): the source's stock is held at
    zero and the water bought in 2027; a rising one (1 then 2): the stock stays free, and the plan buys in
    2026 and holds. Either way the water costs 10 t x 1 $/kg = 0.01 M$."""
    text = textwrap.dedent(f"""
        name: buy_early_or_late
        time: {{start: 2026, end: 2027}}
        objective: {{mode: min_cost}}
        locations: {{earth_surface: {{}}, leo: {{}}}}
        commodities:
          water: {{sources: [{{location: earth_surface, cost_usd_per_kg: {schedule}}}]}}
        launch_vehicles:
          rocket: {{payload_t: 100, cost_per_flight_musd: 0}}
        demands:
          water_in_orbit: {{location: leo, commodity: water, at_least: 10, from: 2027}}
        """)
    loaded = load_roadmap(write_roadmap(text))
    stock = build_model(loaded.roadmap).model.stock
    assert (stock["earth_surface", "water", 0].ub == 0) == fixed
    plan = solve(loaded)
    assert plan.objective == pytest.approx(10 * 1.0 * 1e-3, rel=1e-6)
    assert (value(plan, "supplied", year=2026) > 1e-9) == (not fixed)


def test_free_goods_at_their_source_are_bought_when_used(write_roadmap):
    built = build_model(load_roadmap(write_roadmap(textwrap.dedent(CISLUNAR))).roadmap)
    stock = built.model.stock
    assert stock["earth_surface", "cargo", 0].ub == 0  # a falling (flat) price, no limit: bought when launched
    assert stock["leo", "propellant", 0].ub is None  # ships coming home bring what is left in their tanks
    assert stock["surface", "cargo", 0].ub is None  # the demand reads it


@pytest.mark.parametrize("name", ["baseline", "moon-first"])
def test_shipped_plans_are_the_same_without_the_reductions(name, monkeypatch):
    loaded = load_roadmap(ROOT / "roadmaps" / f"{name}.yaml")
    reduced = solve(loaded)
    _without_reductions(monkeypatch)
    full = solve(loaded)
    assert full.summary["model_size"]["variables"] > reduced.summary["model_size"]["variables"]
    assert reduced.objective == pytest.approx(full.objective, rel=1e-7)
    # the same optimum; where it is not unique the two may stop at different vertices (moon-first's flights
    # differ by 0.02 %), so the plan's aggregates are compared to 0.1 %
    for quantity in ("compute_in_service", "flights"):
        assert value(reduced, quantity) == pytest.approx(value(full, quantity), rel=1e-3)


def test_too_many_paths_fall_back_to_reachability(write_roadmap, monkeypatch):
    """With no steps allowed for listing paths, every move from where cargo can be to where it can still be
    used is kept: more than the simple paths (the way back to leo too), never less."""
    paths = _useful(write_roadmap, CISLUNAR)
    monkeypatch.setattr(useful, "PATH_STEPS", 0)
    reachable = _useful(write_roadmap, CISLUNAR)
    assert all(paths[rt] <= reachable[rt] for rt in paths)
    assert {rt for rt, ks in reachable.items() if "cargo" in ks} == {"leo_llo", "llo_surface", "surface_llo",
                                                                    "llo_leo"}
