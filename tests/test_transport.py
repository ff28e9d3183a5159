"""Rocket equation, multi-leg trips, transit consumables and vehicle reuse, against hand arithmetic."""

from __future__ import annotations

import math

import pytest

from tests.conftest import value

G0 = 9.80665

SHIP = """
time: {start: 2026, end: 2026}
objective: {mode: min_cost}
locations: {leo: {}, llo: {}, surface: {}}
commodities:
  cargo: {sources: [{location: leo}]}
  propellant: {sources: [{location: leo, cost_usd_per_kg: 1}]}
routes:
  leo_llo: {from: leo, to: llo, dv_km_s: 4.04, transit_days: 3}
  llo_surface: {from: llo, to: surface, dv_km_s: 1.87, transit_days: 1}
vehicles:
  ship: {payload_t: 100, propellant_capacity_t: 1500, dry_mass_t: 120, isp_s: 380, initial_units: {leo: 1}}
"""


def f(dv_km_s: float, isp_s: float = 380.0) -> float:
    return math.exp(dv_km_s * 1000 / (G0 * isp_s)) - 1


def test_single_transfer_burns_the_rocket_equation(solve_text):
    plan = solve_text("name: one_leg\n" + SHIP + """
demands:
  cargo_at_llo: {location: llo, commodity: cargo, at_least: 100, from: 2026}
""")
    # propellant burned b = f (dry + payload): the tank holds exactly b, nothing is carried onward
    expected = f(4.04) * (120 + 100)
    assert value(plan, "propellant_burned", route="leo_llo") == pytest.approx(expected, rel=1e-6)
    assert value(plan, "supplied", commodity="propellant") == pytest.approx(expected, rel=1e-6)
    # 1 $/kg -> M$ per t is 1e-3
    assert plan.objective == pytest.approx(expected * 1e-3, rel=1e-6)


def test_two_leg_trip_carries_the_second_burn_through_the_first(solve_text):
    plan = solve_text("name: two_legs\n" + SHIP + """
demands:
  cargo_on_surface: {location: surface, commodity: cargo, at_least: 100, from: 2026}
""")
    second = f(1.87) * (120 + 100)  # burned on leg 2: dry + payload
    first = f(4.04) * (120 + 100 + second)  # leg 1 also pushes the propellant for leg 2
    assert value(plan, "propellant_burned", route="llo_surface") == pytest.approx(second, rel=1e-6)
    assert value(plan, "propellant_burned", route="leo_llo") == pytest.approx(first, rel=1e-6)
    assert value(plan, "supplied", commodity="propellant") == pytest.approx(first + second, rel=1e-6)


def test_bipropellant_burns_in_the_mixture_ratio(solve_text):
    text = ("name: biprop\n" + SHIP).replace(
        "propellant: {sources: [{location: leo, cost_usd_per_kg: 1}]}",
        "lox: {sources: [{location: leo, cost_usd_per_kg: 1}]}\n"
        "  ch4: {sources: [{location: leo, cost_usd_per_kg: 1}]}",
    ).replace("isp_s: 380,", "isp_s: 380, propellant: {oxidizer: lox, fuel: ch4, mixture_ratio: 3.6},")
    plan = solve_text(text + """
demands:
  cargo_at_llo: {location: llo, commodity: cargo, at_least: 100, from: 2026}
""")
    burned = f(4.04) * 220
    assert value(plan, "supplied", commodity="lox") == pytest.approx(burned * 3.6 / 4.6, rel=1e-6)
    assert value(plan, "supplied", commodity="ch4") == pytest.approx(burned / 4.6, rel=1e-6)


def test_crew_consumables_in_transit(solve_text):
    plan = solve_text("""
name: crew_transit
time: {start: 2026, end: 2026}
objective: {mode: min_cost}
locations: {leo: {}, llo: {}}
commodities:
  crew: {unit: person, unit_mass_t: 0.1, sources: [{location: leo}]}
  consumables: {sources: [{location: leo, cost_usd_per_kg: 1}]}
  propellant: {sources: [{location: leo}]}
consumption:
  life_support: {consumer: crew, consumes: consumables, per_unit_per_day: 0.008655, in_storage: false}
routes:
  leo_llo: {from: leo, to: llo, dv_km_s: 4.04, transit_days: 3}
vehicles:
  ship: {payload_t: 100, propellant_capacity_t: 1500, dry_mass_t: 120, isp_s: 380, initial_units: {leo: 1}}
demands:
  crew_at_llo: {location: llo, commodity: crew, at_least: 4, from: 2026}
""")
    # 4 people x 3 days x 8.655 kg/person-day, all eaten on the way
    assert value(plan, "supplied", commodity="consumables") == pytest.approx(4 * 3 * 0.008655, rel=1e-6)
    assert value(plan, "stock", commodity="consumables", location="llo") == pytest.approx(0, abs=1e-9)


def test_vehicle_reuse_across_periods(solve_text):
    plan = solve_text("""
name: reuse
time: {start: 2026, end: 2027}
objective: {mode: max_delivered, delivered: {location: llo, commodities: [cargo]}}
locations: {leo: {}, llo: {}}
commodities:
  cargo: {sources: [{location: leo}]}
  propellant: {sources: [{location: leo}, {location: llo}]}
routes:
  out: {from: leo, to: llo, dv_km_s: 1.0, transit_days: 100}
  back: {from: llo, to: leo, dv_km_s: 1.0, transit_days: 100}
vehicles:
  ship: {payload_t: 100, propellant_capacity_t: 1500, dry_mass_t: 120, isp_s: 380, integer: true,
         initial_units: {leo: 1}}
""")
    # one ship, 365 days a year, 100-day legs: at most 3 legs a year. Year 1: out, back, out (ends at llo);
    # year 2 starts at llo: back, out (a third leg would leave llo empty-handed). Three loaded trips out.
    assert value(plan, "trips", route="out") == pytest.approx(3)
    assert value(plan, "stock", commodity="cargo", location="llo", period="2027") == pytest.approx(300, rel=1e-6)
