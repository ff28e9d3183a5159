"""Benchmark roadmaps, generated from one template that scales along the roadmap's real axes.

The template is the full Earth-Moon-Mars network with every subsystem on: Earth launches (price
curve, cadence cap, growth ramp, fleet), in-space ships with propellant by the rocket equation and
a boil-off depot in LEO, orbital compute with vintages (life, degradation, attrition, chip supply),
lunar ISRU and a satellite factory with power, a mass driver, Mars departures in launch windows with
crew, habitat, consumables and Mars propellant, funding with cash carried over, and milestones in the
objective. Figures follow ``reference/parameters.md`` (defaults column); the benchmark needs
realistic magnitudes, not a defensible plan.

The axes (:class:`Axes`):

* ``start``/``end``/``step``: horizon length and period length (year, quarter, month, or a mapping from
  years to them: months first, then quarters, then years);
* ``depots``: extra cislunar depots, each with four routes (LEO <-> depot <-> LLO), scaling locations
  and routes;
* ``ships``/``launchers``: extra in-space vehicle classes and Earth launch vehicle classes;
* ``parts``: extra Earth-made commodities that the lunar factory needs (they travel the network);
* ``life_years``: compute vintage life (how many vintages retire inside the horizon);
* ``integer``: the roadmap's ``integer:`` setting (``auto`` makes milestones binary: a MIP).

``python benchmarks/generate.py NAME [OUT.yaml]`` writes one named instance (:data:`INSTANCES`).
"""

from __future__ import annotations

import sys
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import yaml


@dataclass(frozen=True)
class Axes:
    """Where an instance sits on each scaling axis."""

    start: int = 2026
    end: int = 2035
    step: str | dict[int, str] = "year"  # a period length, or years -> period lengths (variable resolution)
    depots: int = 0
    ships: int = 1
    launchers: int = 1
    parts: int = 1
    life_years: float = 5.0
    integer: str = "auto"


# small is a MIP (milestones binary); medium and large are LPs: at their size the milestones' branch and
# bound swamps every other phase and varies by orders of magnitude with the horizon.
INSTANCES: dict[str, Axes] = {
    "small": Axes(end=2030),
    "medium": Axes(end=2060, step="quarter", depots=1, ships=2, launchers=2, parts=2, integer="none"),
    "large": Axes(end=2100, step="month", depots=2, ships=3, launchers=2, parts=3, integer="none"),
}


def _table(points: dict[int, float], axes: Axes, interpolation: str = "linear") -> dict[Any, Any] | float:
    """A time table written inside the horizon: the curve's value at the start, then its later points."""
    years = np.array(sorted(points), dtype=float)
    values = np.array([points[int(y)] for y in years])
    inside = {int(y): float(v) for y, v in zip(years, values, strict=True) if axes.start < y <= axes.end}
    first = float(np.interp(axes.start, years, values)) if interpolation == "linear" \
        else float(values[max(np.searchsorted(years, axes.start, side="right") - 1, 0)])
    if not inside:
        return first
    return {axes.start: first, **inside, "interpolation": interpolation}


def roadmap(axes: Axes, name: str = "bench") -> dict[str, Any]:
    """The roadmap mapping of one instance."""
    locations: dict[str, Any] = {
        "earth_surface": {"description": "Launch sites"},
        "leo": {"description": "Low Earth orbit, propellant depot",
                "storage": {"propellant": {"loss_fraction_per_month": 0.005}}},
        "sso": {"description": "Dawn-dusk SSO, the compute orbit"},
        "llo": {"description": "Low lunar orbit"},
        "nrho": {"description": "Near-rectilinear halo orbit"},
        "moon_surface": {
            "description": "Lunar base and industry",
            "storage": {"factory": {"loss_fraction_per_month": 0.0087},
                        "isru_plant": {"loss_fraction_per_month": 0.0087}},
            "power": {"generator": "solar_plant", "kw_per_unit": 100, "demand_kw_per_unit": {"crew": 10}},
        },
        "mars_orbit": {"description": "Mars orbit"},
        "mars_surface": {
            "description": "Mars settlement",
            "requirements": {"habitat": {"per": "crew", "needs": "habitat", "ratio": 3}},
            "power": {"generator": "solar_plant", "kw_per_unit": 40, "demand_kw_per_unit": {"crew": 10}},
        },
    }
    routes: dict[str, Any] = {
        "leo_sso": {"from": "leo", "to": "sso", "dv_km_s": 1.0, "transit_days": 1, "carries": ["satellite_earth"]},
        "leo_llo": {"from": "leo", "to": "llo", "dv_km_s": 4.04, "transit_days": 3},
        "llo_leo": {"from": "llo", "to": "leo", "dv_km_s": 4.04, "transit_days": 3},
        "leo_nrho": {"from": "leo", "to": "nrho", "dv_km_s": 3.726, "transit_days": 5.5},
        "nrho_llo": {"from": "nrho", "to": "llo", "dv_km_s": 0.74, "transit_days": 0.5},
        "llo_nrho": {"from": "llo", "to": "nrho", "dv_km_s": 0.85, "transit_days": 0.5},
        "llo_moon": {"from": "llo", "to": "moon_surface", "dv_km_s": 1.87, "transit_days": 1},
        "moon_llo": {"from": "moon_surface", "to": "llo", "dv_km_s": 1.87, "transit_days": 1},
        "moon_sso": {"from": "moon_surface", "to": "sso", "transit_days": 5,
                     "facility": {"commodity": "mass_driver", "throughput_t_per_year_per_unit": 1000,
                                  "carries": ["satellite_moon"]}},
        "leo_mars": {"from": "leo", "to": "mars_surface", "dv_km_s": 4.3, "transit_days": 200,
                     "windows": {"table": "mars"}},
        "mars_orbit_leo": {"from": "mars_orbit", "to": "leo", "dv_km_s": 2.1, "transit_days": 200,
                           "windows": {"table": "mars", "shift_days": 400}},
        "mars_up": {"from": "mars_surface", "to": "mars_orbit", "dv_km_s": 4.2, "transit_days": 1,
                    "carries": ["crew", "consumables"]},
    }
    for i in range(1, axes.depots + 1):
        depot = f"depot_{i}"
        locations[depot] = {"description": f"Cislunar depot {i}",
                            "storage": {"propellant": {"loss_fraction_per_month": 0.002}}}
        dv = 3.4 + 0.05 * i
        routes |= {f"leo_{depot}": {"from": "leo", "to": depot, "dv_km_s": dv, "transit_days": 4},
                   f"{depot}_leo": {"from": depot, "to": "leo", "dv_km_s": dv, "transit_days": 4},
                   f"{depot}_llo": {"from": depot, "to": "llo", "dv_km_s": 0.6, "transit_days": 3},
                   f"llo_{depot}": {"from": "llo", "to": depot, "dv_km_s": 0.6, "transit_days": 3}}
    parts = [f"parts_{i}" for i in range(1, axes.parts + 1)]
    earth = [{"location": "earth_surface"}]
    commodities: dict[str, Any] = {
        "propellant": {"description": "Methalox", "sources": [{"location": "earth_surface", "cost_usd_per_kg": 0.2}]},
        "cargo": {"description": "Generic payload", "sources": earth},
        "satellite_earth": {"description": "Earth-built compute satellites",
                            "sources": [{"location": "earth_surface", "cost_usd_per_kg": 1000}]},
        "satellite_moon": {"description": "Lunar-built compute satellites"},
        "chips": {"description": "Earth-made chips",
                  "sources": [{"location": "earth_surface", "cost_usd_per_kg": 5000}]},
        "factory": {"description": "Lunar satellite factory", "sources": [{"location": "earth_surface",
                                                                             "cost_usd_per_kg": 2000}]},
        "isru_plant": {"description": "Lunar oxygen/propellant plant",
                       "sources": [{"location": "earth_surface", "cost_usd_per_kg": 2000}]},
        "solar_plant": {"description": "Power plant", "sources": [{"location": "earth_surface",
                                                                   "cost_usd_per_kg": 1000}]},
        "mass_driver": {"description": "Mass driver installations", "unit": "installation", "unit_mass_t": 500,
                        "sources": [{"location": "earth_surface", "cost_musd_per_unit": 2000}]},
        "crew": {"description": "People", "unit": "person", "unit_mass_t": 0.5, "sources": earth},
        "habitat": {"description": "Habitat mass", "sources": earth},
        "consumables": {"description": "Food, water, oxygen", "sources": earth},
        **{p: {"description": f"Earth-made factory parts, kind {p[6:]}", "sources": earth} for p in parts},
    }
    ship = {"payload_t": 100, "propellant_capacity_t": 1500, "dry_mass_t": 120, "isp_s": 380,
            "enters_at": "leo", "build_cost_musd": 200, "launched_by": "launcher_1", "launch_flights_per_unit": 1,
            "max_flights_per_unit": 100, "turnaround_days": 10}
    vehicles = {f"ship_{i}": {**ship, "payload_t": 100 + 50 * (i - 1), "dry_mass_t": 120 + 10 * (i - 1),
                              "initial_units": {"leo": 2} if i == 1 else {}}
                for i in range(1, axes.ships + 1)}
    launcher = {
        "from": "earth_surface", "to": "leo",
        "payload_t": _table({2026: 100, 2029: 200}, axes, "step"),
        "price_usd_per_kg": _table({2026: 900, 2028: 500, 2035: 200, 2040: 100, 2050: 30}, axes),
        "max_flights_per_year": _table({2026: 25, 2028: 145, 2040: 8760}, axes),
        "growth": {"rate_per_year": 0.5, "seed_flights_per_year": 20},
        "fleet": {"size": _table({2026: 5, 2040: 500}, axes), "flights_per_vehicle_per_year": 20},
    }
    launch_vehicles = {f"launcher_{i}": {**launcher, "payload_t": _table({2026: 100 * i, 2029: 200 * i}, axes, "step")}
                       for i in range(1, axes.launchers + 1)}
    processes = {
        "lunar_isru": {"location": "moon_surface", "capital": {"isru_plant": 5}, "outputs": {"propellant": 1},
                       "energy_kwh_per_t": 24000, "cost_usd_per_kg": 0.1},
        "lunar_factory": {"location": "moon_surface", "capital": {"factory": 10}, "outputs": {"satellite_moon": 1},
                          "inputs": {"chips": 0.05, **{p: 0.01 for p in parts}}, "energy_kwh_per_t": 5000},
        "mars_isru": {"location": "mars_surface", "capital": {"isru_plant": 3}, "outputs": {"propellant": 1},
                      "energy_kwh_per_t": 15000},
    }
    return {
        "name": name,
        "description": f"Generated benchmark instance {name}: {asdict(axes)}",
        "time": {"start": axes.start, "end": axes.end, "step": axes.step},
        "integer": axes.integer,
        "objective": {"mode": "max_value", "discount_rate_per_year": 0.08},
        "locations": locations,
        "commodities": commodities,
        "consumption": {"crew_consumables": {"consumer": "crew", "consumes": "consumables",
                                             "per_unit_per_day": 0.008655, "not_at": ["earth_surface"]}},
        "routes": routes,
        "vehicles": vehicles,
        "launch_vehicles": launch_vehicles,
        "processes": processes,
        "compute": {
            "deploy_at": ["sso"],
            "satellites": {"satellite_earth": {"origin": "earth"}, "satellite_moon": {"origin": "moon"}},
            "specific_power_w_per_kg": _table({2027: 40, 2035: 100}, axes),
            "life_years": axes.life_years,
            "degradation_fraction_per_year": 0.01,
            "attrition_fraction_per_year": 0.06,
            "chip_supply_gw_per_year": _table({y: 15 * 1.3 ** (y - 2026) for y in range(2026, 2061, 5)}, axes),
            "hardware_cost_usd_per_w": 25,
            "operations_musd_per_gw_year": 250,
            "revenue_musd_per_gw_year": 12000,
        },
        "funding": {"external_musd_per_year": 6600, "initial_cash_musd": 75000, "interest_rate_per_year": 0.0},
        "milestones": {
            "compute_100gw": {"metric": {"compute_gw": True}, "threshold": 100, "reward": 50,
                              "reward_decay_per_year": 0.05},
            "lunar_factory_1kt": {"metric": {"production": {"process": "lunar_factory"}}, "threshold": 1000,
                                  "reward": 20, "reward_decay_per_year": 0.05},
            "first_crew_on_mars": {"metric": {"stock": {"location": "mars_surface", "commodity": "crew"}},
                                   "threshold": 1, "reward": 20, "reward_decay_per_year": 0.05},
            "mars_10kt": {"metric": {"delivered": {"location": "mars_surface",
                                                   "commodities": ["cargo", "habitat", "solar_plant"]}},
                          "threshold": 10000, "reward": 20, "reward_decay_per_year": 0.05},
        },
    }


def write(axes: Axes, path: Path, name: str = "bench") -> Path:
    """Write the instance's roadmap YAML to ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(roadmap(axes, name), sort_keys=False), encoding="utf-8")
    return path


def instance(name: str, **changes: Any) -> Axes:
    """A named instance, optionally moved along some axes (``instance('small', end=2050)``)."""
    return replace(INSTANCES[name], **changes)


if __name__ == "__main__":
    chosen = sys.argv[1] if len(sys.argv) > 1 else "small"
    out = Path(sys.argv[2]) if len(sys.argv) > 2 else Path(f"{chosen}.yaml")
    print(write(INSTANCES[chosen], out, chosen))
