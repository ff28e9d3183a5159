"""Storage losses, stays with consumables, launch ramps and dated route windows, by hand arithmetic."""

from __future__ import annotations

from datetime import date

import pytest

from tests.conftest import value


def test_boil_off_in_a_depot_over_several_periods(solve_text):
    plan = solve_text("""
name: depot
time: {start: 2026, end: 2029}
objective: {mode: min_cost}
locations:
  leo: {storage: {propellant: {loss_fraction_per_month: 0.01}}}
commodities:
  propellant: {sources: [{location: leo, cost_usd_per_kg: 1, max_per_year: {2026: 1.0e9, 2027: 0}}]}
demands:
  reserve: {location: leo, commodity: propellant, at_least: 100, from: 2029}
""")
    # filled in 2026, held through 2026, 2027, 2028 (365 + 365 + 366 days) at 1 %/month (30.4375 days)
    months = (365 + 365 + 366) / 30.4375
    assert value(plan, "supplied") == pytest.approx(100 / 0.99 ** months, rel=1e-6)


def test_crew_consumables_over_a_stay(solve_text):
    plan = solve_text("""
name: stay
time: {dates: [2030-01-01, 2030-01-04, 2030-01-11], end: 2030-01-14}
objective: {mode: min_cost}
locations: {base: {}}
commodities:
  crew: {unit: person, unit_mass_t: 0.1, sources: [{location: base, max_total: 4}]}
  consumables: {sources: [{location: base, cost_usd_per_kg: 1}]}
consumption:
  life_support: {consumer: crew, consumes: consumables, per_unit_per_day: 0.008655}
demands:
  crew_on_site: {location: base, commodity: crew, at_least: 4, from: 2030-01-01}
""")
    # four people held 3 + 7 + 3 days (the crew stays to the horizon's end)
    assert value(plan, "supplied", commodity="consumables") == pytest.approx(4 * 13 * 0.008655, rel=1e-6)


@pytest.mark.parametrize("step", ["year", "quarter", "month"])
def test_consumables_supplied_in_the_period_they_are_eaten(solve_text, step):
    plan = solve_text(f"""
name: just_in_time
time: {{start: 2031, end: 2032, step: {step}}}
objective: {{mode: min_cost}}
locations: {{earth_surface: {{}}, leo: {{}}}}
commodities:
  crew: {{unit: person, unit_mass_t: 0.1, sources: [{{location: earth_surface}}]}}
  consumables:
    sources: [{{location: earth_surface, cost_usd_per_kg: 1, max_per_year: {{2031: 14.6, 2032: 14.64}}}}]
consumption:
  life_support: {{consumer: crew, consumes: consumables, per_unit_per_day: 0.01, not_at: [earth_surface]}}
launch_vehicles:
  lv: {{payload_t: 100, cost_per_flight_musd: 1}}
demands:
  crew_in_orbit: {{location: leo, commodity: crew, at_least: 4, from: 2031, to: 2032}}
""")
    # The supply is capped at exactly the meals of four people at 0.01 t/person-day: 4 x 0.01 x 365 = 14.6 t
    # in 2031 and x 366 = 14.64 t in 2032 (a leap year), pro rata in a shorter period (a period's cap is the
    # rate times its share of the year). So every period's consumables must come in that period, on any grid.
    rows = plan.tables["plan"]
    supplied = rows[(rows["quantity"] == "supplied") & (rows["commodity"] == "consumables")]
    by_year = supplied.groupby(supplied["year"].astype(int))["value"].sum()  # "year": a period's decimal start
    assert by_year[2031] == pytest.approx(4 * 0.01 * 365, rel=1e-6)
    assert by_year[2032] == pytest.approx(4 * 0.01 * 366, rel=1e-6)
    assert value(plan, "supplied", commodity="consumables") == pytest.approx(4 * 0.01 * (365 + 366), rel=1e-6)


def test_route_open_only_in_its_window_arrives_after_transit(solve_text):
    plan = solve_text("""
name: window
time: {start: 2027, end: 2027, step: month}
objective: {mode: max_delivered, delivered: {location: b, commodities: [cargo]}}
locations: {a: {}, b: {}}
commodities:
  cargo: {sources: [{location: a, max_total: 50}]}
  propellant: {sources: [{location: a}]}
routes:
  a_b: {from: a, to: b, dv_km_s: 1, transit_days: 60, windows: [{open: 2027-03-10, close: 2027-04-05}]}
vehicles:
  ship: {payload_t: 100, propellant_capacity_t: 100, dry_mass_t: 50, isp_s: 350, initial_units: {a: 1}}
""")
    trips = plan.tables["transport"]
    departed = trips[trips["quantity"] == "trips"]
    assert set(departed["period"]) <= {"2027-03", "2027-04"}
    # a March departure leaves at the window's opening (10 March) and arrives 60 days later, 9 May
    arrival = date(2027, 3, 10).toordinal() + 60
    assert date.fromordinal(arrival) == date(2027, 5, 9)
    stock_b = plan.tables["stocks"]
    cargo_b = stock_b[(stock_b["commodity"] == "cargo") & (stock_b["location"] == "b")]
    assert cargo_b["period"].min() == "2027-05"
    assert value(plan, "stock", commodity="cargo", location="b", period="2027-12") == pytest.approx(50)
