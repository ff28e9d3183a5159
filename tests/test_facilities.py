"""Power, habitat per resident, vehicle spares and copies, milestones required by min_cost, and the
integer setting: each on a tiny roadmap solved by hand."""

from __future__ import annotations

import math

import pytest

from tests.conftest import value

BASE = """
name: base
time: {start: 2030, end: 2030}
objective: {mode: max_delivered, delivered: {location: moon, commodities: [oxygen]}}
locations:
  moon:
    power: {generator: solar_plant, kw_per_unit: 20, demand_kw_per_unit: {crew: 10}}
    requirements:
      habitat_per_resident: {per: crew, needs: habitat, ratio: 10}
commodities:
  solar_plant: {sources: [{location: moon, max_total: 100}]}
  isru_plant: {sources: [{location: moon, max_total: 1000}]}
  habitat: {sources: [{location: moon, max_total: 50}]}
  crew: {unit: person, sources: [{location: moon, max_total: 20}]}
  oxygen: {}
processes:
  oxygen_plant:
    location: moon
    capital: {isru_plant: 5}
    outputs: {oxygen: 1}
    energy_kwh_per_t: 24000
"""


def test_power_limits_a_process(solve_text):
    plan = solve_text(BASE.replace("end: 2030", "end: 2031"))
    # 100 t of solar plant give 2,000 kW; a year of 8,760 hours at 24,000 kWh/t makes 730 t of oxygen
    # (the 1,000 t plant could make 5,000 t: power binds); the plant supplied in 2030 produces from 2031 on
    assert plan.objective == pytest.approx(2000 * 8760 / 24000, rel=1e-9)


def test_residents_need_habitat_and_power(solve_text):
    text = BASE.replace("delivered: {location: moon, commodities: [oxygen]}",
                        "delivered: {location: moon, commodities: [crew]}").replace("energy_kwh_per_t: 24000",
                                                                                  "energy_kwh_per_t: 0")
    plan = solve_text(text)
    # 50 t of habitat at 10 t per person house 5 people (power would allow 200)
    assert value(plan, "stock", commodity="crew", location="moon") == pytest.approx(5, rel=1e-9)


SHIP = """
name: ship
time: {start: 2030, end: 2030}
objective: {mode: min_cost}
locations: {a: {}, b: {}}
commodities:
  cargo: {sources: [{location: a}]}
  propellant: {sources: [{location: a, cost_usd_per_kg: 1}]}
  spares: {sources: [{location: a, cost_usd_per_kg: 1000}]}
routes:
  a_b: {from: a, to: b, dv_km_s: 1.0, transit_days: 1}
vehicles:
  ship:
    payload_t: 100
    propellant_capacity_t: 500
    dry_mass_t: 100
    isp_s: 350
    maintenance_fraction_per_flight: 0.01
    maintenance_commodity: spares
    enters_at: a
    copies: 2
    build_cost_musd: 7
    reusable: false
    integer: true
demands:
  cargo_at_b: {location: b, commodity: cargo, at_least: 150, from: 2030}
"""


def test_spares_and_copies(solve_text):
    plan = solve_text(SHIP)
    # 150 t needs two expendable ships (copies: 2), each using 1 t of spares (1 % of 100 t dry), which fly
    # with the trip as its cargo: the burn pushes them too
    assert value(plan, "vehicles_built") == pytest.approx(2)
    assert value(plan, "supplied", commodity="spares") == pytest.approx(2.0, rel=1e-9)
    f = math.expm1(1000 / (9.80665 * 350))
    propellant = f * (2 * 100 + 150 + 2 * 1.0)
    assert plan.objective == pytest.approx(2 * 7 + 2 * 1.0 + propellant * 1e-3, rel=1e-6)


def test_more_than_the_copies_is_infeasible(solve_text):
    from planner import InfeasibleError

    with pytest.raises(InfeasibleError, match="vehicle copies"):
        solve_text(SHIP.replace("at_least: 150", "at_least: 250"))


MILESTONES = """
name: min_cost
time: {{start: 2030, end: 2032}}
integer: {integer}
objective: {{mode: min_cost}}
locations: {{earth: {{}}, leo: {{}}}}
commodities:
  crew: {{unit: person, sources: [{{location: earth}}]}}
launch_vehicles:
  rocket: {{from: earth, to: leo, payload_t: 2.5, cost_per_flight_musd: 10}}
milestones:
  three_people: {{metric: {{stock: {{location: leo, commodity: crew}}}}, threshold: 3}}
"""


def test_min_cost_meets_every_milestone_with_whole_flights(solve_text):
    plan = solve_text(MILESTONES.format(integer="all"))
    # three people at 1 t each need 3 t: two whole flights of 2.5 t
    assert value(plan, "flights") == pytest.approx(2)
    assert plan.objective == pytest.approx(20)


def test_integer_none_solves_the_relaxation(solve_text):
    plan = solve_text(MILESTONES.format(integer="none"))
    # a relaxed milestone required at the end still needs its whole threshold there: 3 t, 1.2 flights
    assert value(plan, "flights") == pytest.approx(1.2)
    assert plan.summary["model_size"]["integer_variables"] == 0


DRIVER = """
name: driver_power
time: {start: 2030, end: 2030}
objective: {mode: max_delivered, delivered: {location: l2, commodities: [ore]}}
locations:
  moon: {power: {generator: solar_plant, kw_per_unit: 100}}
  l2: {}
commodities:
  solar_plant: {sources: [{location: moon, max_total: SOLAR}]}
  driver: {sources: [{location: moon, max_total: 1}]}
  ore: {sources: [{location: moon}]}
routes:
  throw:
    from: moon
    to: l2
    transit_days: 3
    facility: {commodity: driver, throughput_t_per_year_per_unit: 100000, carries: [ore], energy_kwh_per_kg: 1.33}
"""


@pytest.mark.parametrize("step", ["year", "quarter"])
def test_a_mass_driver_throws_what_its_power_allows(solve_text, step):
    # 10 plants of 100 kW over the 8,760 h of 2030: 1,000 kW x 8,760 h / 1.33 kWh per kg (parameters.md:
    # KE at 2.4 km/s / 0.6), far below the 100,000 t it could throw; with no power it throws nothing
    text = DRIVER.replace("end: 2030}", f"end: 2030, step: {step}}}")
    plan = solve_text(text.replace("SOLAR", "10"))
    thrown = 1000 * 24 * 365 / 1.33 / 1000  # t
    assert value(plan, "facility_launch") == pytest.approx(thrown, rel=1e-6)
    assert thrown < 100_000
    assert value(solve_text(text.replace("SOLAR", "0")), "facility_launch") == pytest.approx(0.0, abs=1e-6)


LEARNED = """
name: learned
time: {start: 2030, end: 2031}
objective: {mode: min_cost}
locations: {a: {}}
commodities:
  satellites:
    sources: [{location: a, learning: {first_unit_cost_usd_per_kg: 1000, learning_rate: 0.2, prior_t: 10}}]
demands:
  built_2030: {location: a, commodity: satellites, at_least: 30, from: 2030, to: 2030}
  built_2031: {location: a, commodity: satellites, at_least: 70, from: 2031}
"""


def test_a_source_gets_cheaper_with_the_mass_it_makes(solve_text):
    # Wright's law on tonnes: 1,000 $/kg for the first, 20 % less per doubling, 10 t made before; the plan
    # makes 30 t in 2030 (the average of the curve from 10 to 40 t) and 40 t in 2031 (from 40 to 80 t)
    plan = solve_text(LEARNED)
    b = -math.log2(0.8)

    def spent(first_t: float, last_t: float) -> float:  # M$ for the tonnes first_t..last_t
        return 1000 * (last_t ** (1 - b) - first_t ** (1 - b)) / (1 - b) * 1e3 * 1e-6

    assert value(plan, "supplied", period="2030") == pytest.approx(30.0, rel=1e-6)
    assert value(plan, "spending", period="2030") == pytest.approx(spent(10, 40), rel=1e-6)
    assert value(plan, "spending", period="2031") == pytest.approx(spent(40, 80), rel=1e-6)
    assert spent(40, 80) / 40 < spent(10, 40) / 30  # the 2031 tonnes are cheaper
    assert plan.summary["learning_curve"]["converged"] is True


RAMP = """
name: ramp
time: {start: 2030, end: 2034, step: STEP}
objective: {mode: max_delivered, delivered: {location: moon, commodities: [widgets]}}
locations: {moon: {}}
commodities:
  factory: {sources: [{location: moon, max_total: 10, max_per_year: {2030: 1000, 2031: 0}}]}
  widgets: {}
processes:
  widget_plant:
    location: moon
    capital: {factory: 1}
    outputs: {widgets: 1}
    ramp_days: 730
"""


def test_capacity_ramps_after_commissioning(solve_text):
    """10 t of factory landed in 2030 produces from 2031 on yearly periods. With a 730-day straight-line ramp,
    a year's output is 10 t times the mean of min(1, t/730) over its days counted from 1 January 2031: 1/4 in
    2031 (365 days), (366 - 365^2/1460)/366 in 2032 (a leap year), then 1; 40 t in all without the ramp."""
    plan = solve_text(RAMP.replace("STEP", "year"))
    made = [value(plan, "activity", period=str(y)) for y in range(2030, 2035)]
    assert made == pytest.approx([0, 2.5, 10 * (366 - 365 ** 2 / 1460) / 366, 10, 10], rel=1e-6, abs=1e-9)
    flat = solve_text(RAMP.replace("STEP", "year").replace("ramp_days: 730", "ramp_days: 0"))
    assert flat.objective == pytest.approx(40.0, rel=1e-6)
