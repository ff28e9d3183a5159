"""Rocket equation, multi-leg trips, transit consumables and vehicle reuse, against hand arithmetic."""

from __future__ import annotations

import math
from datetime import date, timedelta

import pytest

from planner.errors import InfeasibleError
from planner.schema.network import TimeSpec
from planner.timeline import build_timeline
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


# One 100-day transfer delivering 10 t within 2030 (reproducer D4); ships are built at leo, 100 M$ each,
# so the plan builds as many as the fleet-time rule demands.
LONG_LEG = """
name: long_leg
time: {start: 2030, end: 2030, step: STEP}
integer: auto
objective: {mode: min_cost}
locations: {earth_surface: {}, leo: {}, far: {}}
commodities:
  cargo: {sources: [{location: earth_surface}]}
  prop: {sources: [{location: earth_surface}]}
launch_vehicles:
  lv: {payload_t: 100, cost_per_flight_musd: 1}
routes:
  leo_far: {from: leo, to: far, dv_km_s: 1.0, transit_days: 100}
vehicles:
  ship: {payload_t: 20, propellant_capacity_t: 50, dry_mass_t: 10, isp_s: 350, propellant: prop,
         enters_at: leo, build_cost_musd: 100, integer: true}
demands:
  cargo_far: {location: far, commodity: cargo, at_least: 10, from: 2030-12-01, to: 2030-12-31}
"""


@pytest.mark.parametrize("step", ["month", "quarter", "year"])
def test_ships_needed_for_a_long_leg_do_not_depend_on_the_period_length(solve_text, step):
    plan = solve_text(LONG_LEG.replace("STEP", step))
    # 10 t fit in one trip (payload 20 t). The trip occupies its ship 100 days from its departure; on any
    # grid the days falling in one period are at most that period's days (a month: 31 >= the 28..31 days
    # of it the trip spans), so one ship suffices. Charging all 100 days to a 31-day departure month
    # asked for ceil(100 / 31) = 4 ships, to a 90-day quarter for 2.
    assert value(plan, "vehicles_built") == pytest.approx(1)
    assert value(plan, "trips") == pytest.approx(1)


def test_a_trip_occupies_its_ship_in_each_period_it_spans():
    # the share of each period in [departure, departure + days), by calendar arithmetic
    yearly = build_timeline(TimeSpec(start=2037, end=2039, step="year"))
    # D4b: the 2037 Mars window opens on 16 August, 398 days of transit: 16 Aug - 31 Dec 2037 is
    # 16 + 30 + 31 + 30 + 31 = 138 days, the other 398 - 138 = 260 fall in 2038
    assert yearly.days_in_periods(date(2037, 8, 16), 398) == {0: 138, 1: 260}
    monthly = build_timeline(TimeSpec(start=2030, end=2030, step="month"))
    # from 1 August: August 31, September 30, October 31, then 100 - 92 = 8 days of November
    assert monthly.days_in_periods(date(2030, 8, 1), 100) == {7: 31, 8: 30, 9: 31, 10: 8}
    # half days count by halves; days past the horizon's end fall in no period
    assert monthly.days_in_periods(date(2030, 12, 20), 20.5) == {11: 12}
    assert monthly.days_in_periods(date(2030, 1, 31), 1.5) == {0: 1, 1: 0.5}


def test_a_transfer_longer_than_a_year_needs_one_ship(solve_text):
    # D4b: one ship, 50 t to Mars by December 2038 through the 2037 window (398 days); yearly periods
    plan = solve_text("""
name: d4b_mars_398d
time: {start: 2037, end: 2039, step: year}
integer: auto
objective: {mode: min_cost}
locations: {earth_surface: {}, leo: {}, mars_surface: {}}
commodities:
  cargo: {sources: [{location: earth_surface}]}
  prop: {sources: [{location: earth_surface}]}
launch_vehicles:
  lv: {payload_t: 200, cost_per_flight_musd: 1}
routes:
  earth_mars: {from: leo, to: mars_surface, dv_km_s: 4.3, windows: {table: mars}}
vehicles:
  ship: {payload_t: 100, propellant_capacity_t: 1500, dry_mass_t: 120, isp_s: 378, propellant: prop,
         initial_units: {leo: 1}, integer: true}
demands:
  cargo_on_mars: {location: mars_surface, commodity: cargo, at_least: 50, from: 2038-12-01, to: 2038-12-31}
""")
    # the one trip occupies its ship 138 days of 2037 and 260 of 2038, each within the year's days: feasible
    # with the single ship; all 398 days charged to 2037 needed 33 vehicle-days more than one ship has
    assert value(plan, "vehicles_in_fleet", period="2037") == pytest.approx(1)
    assert value(plan, "trips", period="2037") == pytest.approx(1)
    assert value(plan, "stock", commodity="cargo", location="mars_surface", period="2038") == pytest.approx(50)


# A 500-day leg from 1 January 2030 and then a second leg from far: the first spills 135 days into 2031.
# The cargo is found at far: cargo from leo would land on 16 May 2031, after far's ready date in 2031 (1
# January), and move on only in 2032 (planner.model.ready).
SPILL = """
name: spill
time: {start: 2030, end: 2031, step: year}
objective: {mode: min_cost}
locations: {leo: {}, far: {}, near: {}}
commodities:
  cargo: {sources: [{location: far}]}
  prop: {sources: [{location: leo}, {location: far}]}
routes:
  leo_far: {from: leo, to: far, dv_km_s: 1.0, transit_days: 500}
  far_near: {from: far, to: near, dv_km_s: 1.0, transit_days: LEG}
vehicles:
  ship: {payload_t: 10, propellant_capacity_t: 50, dry_mass_t: 10, isp_s: 350, propellant: prop,
         initial_units: {leo: 1}}
demands:
  cargo_near: {location: near, commodity: cargo, at_least: 10, from: 2031-12-01, to: 2031-12-31}
"""


@pytest.mark.parametrize(("leg", "feasible"), [(230, True), (231, False)])
def test_days_a_trip_spills_into_the_next_period_count_there(solve_text, leg, feasible):
    # 10 t at 10 t a trip: the ship flies to far, then one whole trip on the second leg. The first leg fills
    # 2030 (365 days) and the first 500 - 365 = 135 days of 2031 (it lands on 16 May 2031), leaving
    # 365 - 135 = 230 days of 2031 for the second leg: a 230-day leg fits, a 231-day one does not.
    # (Charging each trip to its departure period alone, the 500-day leg never fitted in 2030's 365 days.)
    assert date(2030, 1, 1) + timedelta(days=500) == date(2031, 5, 16)
    assert date(2031, 5, 16) + timedelta(days=230) == date(2032, 1, 1)
    text = SPILL.replace("LEG", str(leg))
    if feasible:
        plan = solve_text(text)
        assert value(plan, "trips", route="far_near", period="2031") == pytest.approx(1)
        assert value(plan, "stock", commodity="cargo", location="near", period="2031") == pytest.approx(10)
    else:
        with pytest.raises(InfeasibleError, match="no feasible plan"):
            solve_text(text)
