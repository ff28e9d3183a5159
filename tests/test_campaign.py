"""Campaign fidelity on tiny campaigns solved by hand: stacks (one vehicle burning for all, a lander carried
then flying alone), standard gravity and exhaust velocity, separate oxidizer and fuel tanks, boil-off in
transit, a propellant transfer loss, slots for new vehicles, and holdover only where a location allows it.

Vehicles are whole (``integer: true``): a fraction of a trip would push a fraction of a dry mass.
Throughout, :math:`f = e^{\\Delta v / v_e} - 1` is the propellant burned per tonne left after the burn, so
the burn of a mass :math:`M` before it is :math:`f/(1+f) M`, and of a mass :math:`m` pushed with exactly
the propellant it needs, :math:`f m`.
"""

from __future__ import annotations

import math

import pytest

from planner import InfeasibleError
from tests.conftest import value
from tests.test_bad_input import cli

G0 = 9.80665


def f(dv_km_s: float, exhaust_km_s: float) -> float:
    return math.expm1(dv_km_s / exhaust_km_s)


STACK = """
name: stack
time: {start: 2030, end: 2030}
objective: {mode: min_cost}
locations: {leo: {}, llo: {}}
commodities:
  crew: {unit: person, unit_mass_t: 0.1, sources: [{location: leo, max_total: 4}]}
  propellant: {sources: [{location: leo, cost_usd_per_kg: 1}]}
routes:
  leo_llo: {from: leo, to: llo, dv_km_s: 4.0, transit_days: 3}
vehicles:
  stage: {payload_t: 0, propellant_capacity_t: 200, dry_mass_t: 10, exhaust_velocity_km_s: 4.4,
          initial_units: {leo: 1}, integer: true}
  capsule: {payload_t: 2, propellant_capacity_t: 5, dry_mass_t: 8, isp_s: 300, initial_units: {leo: 1},
            integer: true}
stacks:
  tug_and_capsule: {vehicles: {stage: 1, capsule: 1}, pushed_by: stage}
demands:
  crew_at_llo: {location: llo, commodity: crew, at_least: 4, from: 2030}
"""


def test_a_stage_burns_for_the_whole_stack(solve_text):
    # the capsule reaches 2.94 ln(13/8) = 1.43 km/s alone and the stage has no payload bay: only the stack
    # takes the crew; the stage's propellant pushes 10 + 8 t of vehicles and 0.4 t of crew
    assert G0 * 300 / 1000 * math.log(13 / 8) < 4.0
    plan = solve_text(STACK)
    assert value(plan, "trips", vehicle="tug_and_capsule") == pytest.approx(1.0, rel=1e-6)
    assert value(plan, "trips", vehicle="capsule") == pytest.approx(0.0, abs=1e-9)
    assert value(plan, "propellant_burned") == pytest.approx(f(4.0, 4.4) * (10 + 8 + 0.4), rel=1e-6)
    for v in ("stage", "capsule"):  # both units arrive
        assert value(plan, "vehicles_parked", vehicle=v, location="llo") == pytest.approx(1.0, rel=1e-6)


def test_standard_gravity_is_the_roadmaps(solve_text):
    text = STACK.replace("exhaust_velocity_km_s: 4.4", "isp_s: 450")
    burned = {g0: value(solve_text(text.replace("objective:", f"g0_m_s2: {g0}\nobjective:")), "propellant_burned")
              for g0 in (9.8, G0)}
    for g0, b in burned.items():
        assert b == pytest.approx(f(4.0, g0 * 450 / 1000) * 18.4, rel=1e-6)
    assert burned[9.8] > burned[G0]  # a lower g0 is a lower exhaust velocity for the same Isp


LANDER = """
name: lander_rides
time: {start: 2030, end: 2030}
objective: {mode: min_cost}
locations: {leo: {}, llo: {}, surface: {}}
commodities:
  cargo: {sources: [{location: leo}]}
  propellant: {sources: [{location: leo, cost_usd_per_kg: 1}]}
routes:
  leo_llo: {from: leo, to: llo, dv_km_s: 4.0, transit_days: 3}
  llo_surface: {from: llo, to: surface, dv_km_s: 1.9, transit_days: 1}
vehicles:
  stage: {payload_t: 0, propellant_capacity_t: 300, dry_mass_t: 10, exhaust_velocity_km_s: 4.4,
          initial_units: {leo: 1}, integer: true}
  lander: {payload_t: 5, propellant_capacity_t: 4, dry_mass_t: 6, exhaust_velocity_km_s: 4.4,
           initial_units: {leo: 1}, integer: true}
stacks:
  stage_and_lander: {vehicles: {stage: 1, lander: 1}, pushed_by: stage, routes: [leo_llo]}
demands:
  cargo_down: {location: surface, commodity: cargo, at_least: 1, from: 2030}
"""


def test_a_lander_carried_by_a_stage_then_flying_alone(solve_text):
    # the lander reaches 4.4 ln(10/6) = 2.25 km/s: enough to land 1 t (f 7 t = 3.78 t of its 4 t tank), not
    # to leave LEO; the stage carries it, its cargo and the landing propellant: f1 (10 + 6 + 1 + f2 7)
    assert 4.4 * math.log(10 / 6) < 4.0
    plan = solve_text(LANDER)
    landing = f(1.9, 4.4) * (6 + 1)
    assert landing <= 4
    assert value(plan, "propellant_burned", route="llo_surface") == pytest.approx(landing, rel=1e-6)
    assert value(plan, "propellant_burned", route="leo_llo") == pytest.approx(
        f(4.0, 4.4) * (10 + 6 + 1 + landing), rel=1e-6)
    assert value(plan, "trips", vehicle="lander", route="llo_surface") == pytest.approx(1.0, rel=1e-6)
    assert value(plan, "vehicles_parked", vehicle="stage", location="llo") == pytest.approx(1.0, rel=1e-6)


def test_riders_tanks_hold_propellant_only(solve_text):
    # 6 t of cargo to LLO: within the stack's bays and the lander's tank (5 + 4 t) but not its bays (5 t);
    # the one stage and lander at LEO fly once (no way back), so there is no plan
    with pytest.raises(InfeasibleError, match="vehicle payload"):
        solve_text(LANDER.replace("cargo_down: {location: surface", "cargo_up: {location: llo")
                   .replace("at_least: 1,", "at_least: 6,"))


def test_spares_ride_with_the_stack_and_are_pushed(solve_text):
    text = STACK.replace("integer: true}\nstacks", "integer: true,\n"
                         "            maintenance_fraction_per_flight: 0.05, maintenance_commodity: spares}\nstacks")
    text = text.replace("commodities:\n", "commodities:\n  spares: {sources: [{location: leo}]}\n")
    plan = solve_text(text)
    # 5 % of the capsule's 8 t: 0.4 t of spares taken at LEO, in the payload, pushed, used up on the way
    assert value(plan, "supplied", commodity="spares") == pytest.approx(0.4, rel=1e-6)
    assert value(plan, "propellant_burned") == pytest.approx(f(4.0, 4.4) * (18.4 + 0.4), rel=1e-6)


TANKER = """
name: oxygen_tanker
time: {start: 2030, end: 2030}
objective: {mode: min_cost}
locations: {a: {}, b: {}}
commodities:
  oxygen: {sources: [{location: a, cost_usd_per_kg: 0.1}]}
  methane: {sources: [{location: a, cost_usd_per_kg: 0.1}]}
routes:
  a_b: {from: a, to: b, dv_km_s: 1.0, transit_days: 200}
vehicles:
  tanker:
    payload_t: 0
    propellant_capacity_t: 1500
    dry_mass_t: 100
    isp_s: 380
    propellant: {oxidizer: oxygen, fuel: methane, mixture_ratio: 3.6, separate_tanks: true}
    carries: []
    initial_units: {a: 1}
    integer: true
demands:
  oxygen_at_b: {location: b, commodity: oxygen, at_least: DEMAND, from: 2030}
"""


def test_a_separate_oxidizer_tank_limits_the_oxygen_delivered(solve_text):
    # one trip (200 of 365 days); the oxygen tank holds 3.6/4.6 of 1,500 t; full, with just the fuel its burn
    # needs, b = c (100 + T_ox + s_f b): what arrives is T_ox - s_ox b. One shared tank delivers 1,500 - b.
    c = f(1.0, G0 * 380 / 1000) / (1 + f(1.0, G0 * 380 / 1000))
    s_ox, s_f = 3.6 / 4.6, 1 / 4.6
    t_ox = 1500 * s_ox
    most = t_ox - s_ox * c * (100 + t_ox) / (1 - c * s_f)
    shared = 1500 - c * 1600
    assert most < shared
    plan = solve_text(TANKER.replace("DEMAND", f"{0.999 * most}"))
    assert value(plan, "propellant_loaded", commodity="oxygen") <= t_ox * (1 + 1e-9)
    with pytest.raises(InfeasibleError, match="tank capacity"):
        solve_text(TANKER.replace("DEMAND", f"{1.001 * most}"))
    solve_text(TANKER.replace("DEMAND", f"{1.001 * most}").replace("separate_tanks: true", "separate_tanks: false"))


BOIL = """
name: boil_off
time: {start: 2030, end: 2030}
objective: {mode: min_cost}
locations:
  a: {storage: {propellant: {transfer_loss_fraction: 0.02}}}
  b: {}
commodities:
  propellant: {sources: [{location: a, cost_usd_per_kg: 1}]}
routes:
  a_b: {from: a, to: b, dv_km_s: 1.0, transit_days: 61}
vehicles:
  tanker: {payload_t: 0, propellant_capacity_t: 500, dry_mass_t: 50, exhaust_velocity_km_s: 3.5, carries: [],
           boil_off_fraction_per_month: 0.01, initial_units: {a: 1}, integer: true}
demands:
  propellant_at_b: {location: b, commodity: propellant, at_least: 100, from: 2030}
"""


def test_boil_off_in_transit_and_a_transfer_loss(solve_text):
    # 100 t must arrive after 61 days at 1 %/month: k (l - b) = 100 with b = f (50 + 100/k) burned at
    # departure; loading l from the depot at a takes l / 0.98 from its stock
    plan = solve_text(BOIL)
    kept = 0.99 ** (61 / (365.25 / 12))
    burned = f(1.0, 3.5) * (50 + 100 / kept)
    assert value(plan, "propellant_burned") == pytest.approx(burned, rel=1e-6)
    assert value(plan, "propellant_loaded") == pytest.approx(burned + 100 / kept, rel=1e-6)
    assert value(plan, "supplied") == pytest.approx((burned + 100 / kept) / 0.98, rel=1e-6)


SLOTS = """
name: slots
time: {start: 2030, end: 2031}
objective: {mode: min_cost}
locations: {a: {}, b: {}}
commodities:
  cargo: {sources: [{location: a}]}
  propellant: {sources: [{location: a, cost_usd_per_kg: 1}]}
routes:
  a_b: {from: a, to: b, dv_km_s: 1.0, transit_days: 1}
vehicles:
  ship: {payload_t: 100, propellant_capacity_t: 500, dry_mass_t: 100, isp_s: 350, enters_at: a,
         build_cost_musd: 7, reusable: false, integer: true, max_built_per_period: 1}
demands:
  cargo_at_b: {location: b, commodity: cargo, at_least: 150, from: DUE}
"""


def test_one_new_ship_per_period(solve_text):
    # 150 t needs two expendable ships; one may enter service per period: one in 2030, one in 2031
    plan = solve_text(SLOTS.replace("DUE", "2031"))
    for year in ("2030", "2031"):
        assert value(plan, "vehicles_built", period=year) == pytest.approx(1.0, abs=1e-6)
    with pytest.raises(InfeasibleError, match="vehicle slots"):
        solve_text(SLOTS.replace("DUE", "2030"))
    # the same slots as a yearly rate: the same plan on this yearly grid
    plan = solve_text(SLOTS.replace("DUE", "2031").replace("max_built_per_period: 1", "max_built_per_year: 1"))
    assert value(plan, "vehicles_built", period="2030") == pytest.approx(1.0, abs=1e-6)


HOLD = """
name: holdover
time: {start: 2030, end: 2030}
objective: {mode: min_cost}
locations: {a: {}, b: {HOLDS}}
commodities:
  cargo: {sources: [{location: a, cost_usd_per_kg: 1}]}
routes:
  a_b: {from: a, to: b, transit_days: 1}
vehicles:
  cart: {payload_t: 100, propellant_capacity_t: 1, dry_mass_t: 1, isp_s: 300, propellant: cargo,
         initial_units: {a: 1}}
demands:
  cargo_at_b: {location: b, commodity: cargo, at_least: 10, from: 2030}
"""


def test_holdover_only_where_the_location_allows_it(solve_text):
    plan = solve_text(HOLD.replace("{HOLDS}", "{holds: [cargo]}"))
    assert value(plan, "stock", location="b", commodity="cargo") == pytest.approx(10.0, rel=1e-6)
    with pytest.raises(InfeasibleError):
        solve_text(HOLD.replace("{HOLDS}", "{holds: []}"))  # cargo cannot wait at b: the demand is unmet


def test_a_stack_is_checked(write_roadmap):
    for bad, said, key in (("pushed_by: stage}", "pushed_by: stager}", "stacks.tug_and_capsule"),
                           ("capsule: 1}", "capsul: 1}", "stacks.tug_and_capsule.vehicles.capsul"),
                           ("tug_and_capsule:", "capsule:", "stacks.capsule")):
        code, out = cli("validate", write_roadmap(STACK.replace(bad, said)))
        assert code == 2 and key in out, out


def test_the_stacked_sorties_fly_the_stack_and_launch_less():
    """The shipped two-design variant of the crewed sorties: the stage pushes the crew ship to lunar orbit,
    and the campaign launches less than with the one-design crew ship (README: 'Stacks')."""
    from planner import load_roadmap, solve

    one = solve(load_roadmap("roadmaps/examples/crewed-sorties.yaml"))
    two = solve(load_roadmap("roadmaps/examples/crewed-sorties.yaml", scenario="stacked"))
    assert value(two, "trips", vehicle="stage_and_crew_ship") >= 1 - 1e-6
    assert two.objective < one.objective - 0.5  # t launched


LAUNCHED = """
name: spares_on_launch
time: {start: 2030, end: 2030}
objective: {mode: min_launch_mass}
locations: {earth_surface: {}, leo: {}, b: {}}
commodities:
  cargo: {sources: [{location: earth_surface}]}
  propellant: {sources: [{location: earth_surface}]}
  spares: {sources: [{location: earth_surface}]}
launch_vehicles:
  lv: {payload_t: 1000}
routes:
  leo_b: {from: leo, to: b, dv_km_s: 1.0, transit_days: 1}
vehicles:
  ship: {payload_t: 100, propellant_capacity_t: 500, dry_mass_t: 100, exhaust_velocity_km_s: 3.5, enters_at: leo,
         launched_by: lv, maintenance_fraction_per_flight: 0.02, maintenance_commodity: spares,
         spares_on_launch: true, reusable: false, integer: true}
demands:
  cargo_at_b: {location: b, commodity: cargo, at_least: 50, from: 2030}
"""


def test_a_new_ship_launches_with_its_spares(solve_text):
    # launched: the ship (100 t) with the spares of one trip (2 t), and for its trip 50 t of cargo, 2 t of
    # spares and the propellant f (100 + 50 + 2) that pushes them
    plan = solve_text(LAUNCHED)
    burned = f(1.0, 3.5) * (100 + 50 + 2)
    assert value(plan, "propellant_burned") == pytest.approx(burned, rel=1e-6)
    assert value(plan, "supplied", commodity="spares") == pytest.approx(4.0, rel=1e-6)
    assert plan.objective == pytest.approx(100 + 2 + 50 + 2 + burned, rel=1e-6)
    plain = solve_text(LAUNCHED.replace("spares_on_launch: true", "spares_on_launch: false"))
    assert plain.objective == pytest.approx(plan.objective - 2, rel=1e-6)


def test_a_stack_is_checked_against_its_reach(write_roadmap):
    # the stack reaches 4.4 ln((18 + 200)/18) = 10.97 km/s: a 12 km/s route is out of reach
    assert 4.4 * math.log(218 / 18) < 12
    text = STACK.replace("dv_km_s: 4.0", "dv_km_s: 12.0").replace("pushed_by: stage}", "pushed_by: stage, "
                                                                   "routes: [leo_llo]}")
    code, out = cli("validate", write_roadmap(text))
    assert code == 2 and "stack 'tug_and_capsule' cannot fly route 'leo_llo'" in out and "10.97" in out, out


KEEPS = """
name: keeps
time: {start: 2030, end: 2031}
objective: {mode: min_cost}
locations:
  a: {storage: {propellant: {transfer_loss_fraction: 0.1}}}
  b: {storage: {propellant: {transfer_loss_fraction: 0.1}}}
commodities:
  cargo: {sources: [{location: a}]}
  samples: {sources: [{location: b, max_per_year: {2030: 0, 2031: 1}}]}
  propellant: {sources: [{location: a, cost_usd_per_kg: 1}]}
routes:
  a_b: {from: a, to: b, dv_km_s: 1.0, transit_days: 2}
  b_a: {from: b, to: a, dv_km_s: 1.0, transit_days: 2}
vehicles:
  tug: {payload_t: 10, propellant_capacity_t: 100, dry_mass_t: 20, exhaust_velocity_km_s: 3.0,
        boil_off_fraction_per_month: 0.01, keeps_propellant: true, carries: [cargo, samples],
        initial_units: {a: 1}, integer: true}
demands:
  cargo_at_b: {location: b, commodity: cargo, at_least: 5, from: 2030}
  samples_home: {location: a, commodity: samples, at_least: 1, from: 2031}
"""


def test_propellant_kept_in_a_parked_vehicle_boils_off_and_flies_on_without_a_transfer(solve_text):
    # out in 2030 with 5 t of cargo, back in 2031 with 1 t of samples (they appear only then), the tug parked at
    # b through 2030 with the return propellant in its tanks: the return burn f (20 + 1) must survive 365 days
    # parked at 1 %/month (kept k) and the 2-day transit before (kept beta), so L = f 21 / (k beta) is left
    # after the outbound burn, which pushes it: f (20 + 5 + L); all of it is loaded at a through the 10 %
    # transfer loss, none at b
    plan = solve_text(KEEPS)
    f1 = f(1.0, 3.0)
    k, beta = 0.99 ** (365 / (365.25 / 12)), 0.99 ** (2 / (365.25 / 12))
    left = f1 * 21 / (k * beta)
    out = f1 * (20 + 5 + left)
    assert value(plan, "propellant_burned", route="a_b") == pytest.approx(out, rel=1e-6)
    assert value(plan, "supplied", commodity="propellant") == pytest.approx((out + left) / 0.9, rel=1e-6)
    assert value(plan, "propellant_in_tanks", location="b", period="2030") == pytest.approx(left * beta, rel=1e-6)
    # without keeping it, the leftover joins b's depot (no boil-off there) and pays the transfer loss again
    plain = solve_text(KEEPS.replace("keeps_propellant: true", "keeps_propellant: false"))
    left_depot = f1 * 21 / 0.9 / beta
    out_plain = f1 * (20 + 5 + left_depot)
    assert value(plain, "supplied", commodity="propellant") == pytest.approx((out_plain + left_depot) / 0.9,
                                                                              rel=1e-6)


def test_a_tanker_that_keeps_its_propellant_unloads_it_into_the_depot(solve_text):
    # the same delivery as without keeping (no transfer loss at b): 100 t unloaded from the tanks at b
    plan = solve_text(BOIL.replace("initial_units: {a: 1}", "keeps_propellant: true, initial_units: {a: 1}"))
    kept = 0.99 ** (61 / (365.25 / 12))
    assert value(plan, "propellant_unloaded", location="b") == pytest.approx(100.0, rel=1e-6)
    assert value(plan, "supplied") == pytest.approx((f(1.0, 3.5) * (50 + 100 / kept) + 100 / kept) / 0.98, rel=1e-6)
