"""Lead times on two grids: a chain of legs lands at the same date on yearly and monthly periods, a
factory produces only once commissioned, a leg that closes a cycle moves on from the next period, and
the learning-curve fixed point reports whether it converged."""

from __future__ import annotations

import json
import math
from datetime import date, timedelta

import pytest
from typer.testing import CliRunner

from planner import load_roadmap
from planner.cli import app
from planner.model.data import build_data
from planner.solve.run import LEARNING_TOLERANCE, learning_note
from tests.conftest import value

# Satellites (or a factory that makes them on the Moon) launched to LEO, thrown to the Moon by a catapult
# held in LEO and on to EML2 by a mass driver taken to the Moon, deployed at EML2. Everything is free, so
# the plan deploys as early as it can (max_value, no discount).
CHAIN = """
name: chain
time: {{start: 2026, end: 2027, step: {step}}}
locations: {{earth_surface: {{}}, leo: {{}}, moon: {{}}, eml2: {{}}}}
commodities:
  catapult: {{sources: [{{location: earth_surface, max_total: 1}}]}}
  mass_driver: {{sources: [{{location: earth_surface, max_total: 1}}]}}
  factory: {{sources: [{{location: earth_surface, max_total: 200}}]}}
  satellites: {{sources: [{{location: earth_surface, max_total: {satellites}}}]}}
launch_vehicles:
  rocket: {{payload_t: 1000, cost_per_flight_musd: 0}}
routes:
  leo_moon:
    from: leo
    to: moon
    transit_days: {to_moon}
    facility:
      {{commodity: catapult, throughput_t_per_year_per_unit: 1.0e+6, carries: [factory, mass_driver, satellites]}}
  moon_eml2:
    from: moon
    to: eml2
    transit_days: {to_eml2}
    facility: {{commodity: mass_driver, throughput_t_per_year_per_unit: 1.0e+6, carries: [satellites]}}
processes:
  satellite_factory:
    location: moon
    capital: {{factory: 5}}
    outputs: {{satellites: 1}}
    commissioning_days: {commissioning}
compute:
  deploy_at: [eml2]
  satellites: {{satellites: {{origin: moon}}}}
  specific_power_w_per_kg: 100
"""


def chain(step: str, *, satellites: float = 0, to_moon: float = 5, to_eml2: float = 3,
          commissioning: float = 0) -> str:
    return CHAIN.format(step=step, satellites=satellites, to_moon=to_moon, to_eml2=to_eml2,
                        commissioning=commissioning)


def first_deployment(plan) -> date:
    """Start date of the first period in which satellites are deployed."""
    rows = plan.tables["plan"]
    deployed = rows[(rows["quantity"] == "deployed") & (rows["value"] > 1e-6)]
    labels = list(plan.built.data.timeline.labels)
    first = min(labels.index(label) for label in deployed["period"])
    return plan.built.data.timeline.starts[first]


def test_ready_dates_follow_the_chain(write_roadmap):
    d = build_data(load_roadmap(write_roadmap(chain("year"))).roadmap)
    # LEO takes the launches at the period's start; the Moon is ready 5 days on, EML2 3 days after that
    arcs = {(a.route, a.depart): a for a in d.arcs}
    assert arcs["leo_moon", 0].depart_date == date(2026, 1, 1)
    assert arcs["moon_eml2", 0].depart_date == date(2026, 1, 6)
    assert arcs["moon_eml2", 0].arrive == 0 and not arcs["moon_eml2", 0].late


@pytest.mark.parametrize("step", ["year", "month"])
def test_a_chain_of_short_legs_lands_within_the_period(solve_text, step):
    plan = solve_text(chain(step, satellites=100))
    # launched on 1 January, on the Moon on the 6th, at EML2 on the 9th: deployed in the first period
    assert first_deployment(plan) == date(2026, 1, 1)
    assert value(plan, "deployed", period=plan.built.data.timeline.labels[0]) == pytest.approx(100)


def test_a_chain_longer_than_a_month_lands_within_one_month_on_both_grids(solve_text):
    # 20 + 15 days: launched 1 January, at the Moon on 21 January, at EML2 on 5 February 2026
    landing = date(2026, 1, 1) + timedelta(days=20 + 15)
    assert landing == date(2026, 2, 5)
    yearly = solve_text(chain("year", satellites=100, to_moon=20, to_eml2=15))
    monthly = solve_text(chain("month", satellites=100, to_moon=20, to_eml2=15))
    # yearly: deployed in the period containing 5 February 2026. Monthly: the leg from January lands after
    # February's ready date at EML2 (1 February: no chain of February lands there within February), so it
    # is late and its satellites are deployed from March, within one month of the landing
    assert first_deployment(yearly) == date(2026, 1, 1)
    assert first_deployment(monthly) == date(2026, 3, 1)
    assert value(monthly, "deployed", period="2026-03") == pytest.approx(100)
    assert (first_deployment(monthly) - landing).days <= 31


def test_the_factory_of_the_zero_lead_time_example_produces_from_the_next_period(solve_text):
    # 200 t of factory launched on 1 January 2026 lands on the Moon on 6 January. With the default
    # commissioning (0 days: from the next period) it makes 5 t per t-year from 2027 on the yearly grid and
    # from February 2026 on the monthly one; nothing is deployed before.
    yearly = solve_text(chain("year"))
    monthly = solve_text(chain("month"))
    assert value(yearly, "deployed", period="2026") == pytest.approx(0, abs=1e-6)
    assert first_deployment(yearly) == date(2027, 1, 1)
    assert value(yearly, "deployed", period="2027") == pytest.approx(200 * 5 * 1.0)
    assert first_deployment(monthly) == date(2026, 2, 1)
    assert value(monthly, "deployed", period="2026-02") == pytest.approx(200 * 5 * 28 / 365)
    # the same start within one (yearly) period
    assert (first_deployment(yearly) - first_deployment(monthly)).days < 365


def test_commissioning_days_delay_production_on_both_grids(solve_text):
    # landed 6 January 2026, commissioned 90 days later, 6 April: the first period that starts more than
    # 90 days after the start of the landing period is May 2026 (monthly) and 2027 (yearly)
    assert date(2026, 1, 6) + timedelta(days=90) == date(2026, 4, 6)
    yearly = solve_text(chain("year", commissioning=90))
    monthly = solve_text(chain("month", commissioning=90))
    assert first_deployment(monthly) == date(2026, 5, 1)
    assert value(monthly, "deployed", period="2026-05") == pytest.approx(200 * 5 * 31 / 365)
    assert first_deployment(yearly) == date(2027, 1, 1)
    assert abs((first_deployment(yearly) - date(2026, 4, 6)).days) < 365
    assert abs((first_deployment(monthly) - date(2026, 4, 6)).days) <= 31


# Satellites found on the Moon are thrown back to LEO (a route that closes a cycle: it lands after LEO's
# departures of the period have left) and on to GEO by a catapult launched to LEO, deployed at GEO.
RETURN = """
name: return
time: {{start: 2026, end: 2027, step: {step}}}
locations: {{earth_surface: {{}}, leo: {{}}, moon: {{}}, geo: {{}}}}
commodities:
  catapult: {{sources: [{{location: earth_surface, max_total: 1}}]}}
  mass_driver: {{sources: [{{location: moon, max_total: 1}}]}}
  satellites: {{sources: [{{location: moon, max_total: 10}}]}}
launch_vehicles:
  rocket: {{payload_t: 1000, cost_per_flight_musd: 0}}
routes:
  moon_leo:
    from: moon
    to: leo
    transit_days: 3
    facility: {{commodity: mass_driver, throughput_t_per_year_per_unit: 1.0e+6, carries: [satellites]}}
  leo_geo:
    from: leo
    to: geo
    transit_days: 1
    facility: {{commodity: catapult, throughput_t_per_year_per_unit: 1.0e+6, carries: [satellites]}}
compute:
  deploy_at: [geo]
  satellites: {{satellites: {{}}}}
  specific_power_w_per_kg: 100
"""


def test_a_leg_that_closes_a_cycle_moves_on_from_the_next_period(solve_text, write_roadmap):
    d = build_data(load_roadmap(write_roadmap(RETURN.format(step="year"))).roadmap)
    # LEO takes launches and the Moon (which no route reaches) its supplies at the period's start: both rank
    # 0, ordered by name, so moon -> leo runs from a higher rank to a lower one and lands (on 4 January)
    # after LEO's departures have left
    assert all(a.late for a in d.arcs if a.route == "moon_leo")
    assert not any(a.late for a in d.arcs if a.route == "leo_geo")
    yearly = solve_text(RETURN.format(step="year"))
    monthly = solve_text(RETURN.format(step="month"))
    # at LEO on 4 January 2026; it leaves LEO only in the next period: 2027 on the yearly grid (one period
    # late, the cost of a late arc), 1 February on the monthly one; held at LEO at the end of its period
    assert first_deployment(yearly) == date(2027, 1, 1)
    assert value(yearly, "stock", location="leo", commodity="satellites", period="2026") == pytest.approx(10)
    assert first_deployment(monthly) == date(2026, 2, 1)
    assert value(monthly, "deployed", period="2026-02") == pytest.approx(10)


LEARNING = """
name: learning
time: {start: 2032, end: 2032}
objective: {mode: min_cost}
locations: {earth_surface: {}, leo: {}}
commodities:
  cargo: {sources: [{location: earth_surface}]}
launch_vehicles:
  rocket:
    payload_t: 100
    learning: {first_flight_cost_musd: 100, learning_rate: 0.2, iterations: ITERATIONS}
demands:
  delivered: {location: leo, commodity: cargo, at_least: 1000, from: 2032}
"""


def test_learning_curve_reports_whether_it_converged(solve_text):
    b = -math.log2(0.8)
    # one solve prices the ten flights at the marginal cost after one prior flight, 100 M$; the curve's
    # average over flights 1..11 is lower, so the price moves and one solve has not converged
    average = 100 * (11 ** (1 - b) - 1) / (1 - b) / 10
    once = solve_text(LEARNING.replace("ITERATIONS", "1"))
    assert once.summary["learning_curve"]["converged"] is False
    assert once.summary["learning_curve"]["solves"] == 1
    assert once.summary["learning_curve"]["largest_change"] == pytest.approx(1 - average / 100)
    assert "NOT converged after 1 solves" in learning_note(once.summary)
    # with room to iterate the second solve finds the same ten flights at the curve's own price
    enough = solve_text(LEARNING.replace("ITERATIONS", "20"))
    assert enough.summary["learning_curve"] == {"converged": True, "solves": 2, "largest_change": 0.0,
                                                "tolerance": LEARNING_TOLERANCE}
    assert learning_note(enough.summary).startswith("learning curve converged after 2 solves")


def test_no_learning_curve_no_note(solve_text):
    plan = solve_text(LEARNING.replace("learning: {first_flight_cost_musd: 100, learning_rate: 0.2, "
                                       "iterations: ITERATIONS}", "cost_per_flight_musd: 10"))
    assert plan.summary["learning_curve"] is None
    assert learning_note(plan.summary) is None


def test_the_terminal_and_summary_json_say_the_learning_curve_did_not_converge(write_roadmap, tmp_path):
    path = write_roadmap(LEARNING.replace("ITERATIONS", "1"))
    out = tmp_path / "run"
    result = CliRunner().invoke(app, ["solve", str(path), "--no-pdf", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "learning curve NOT converged after 1 solves" in " ".join(result.output.split())
    assert json.loads((out / "summary.json").read_text())["learning_curve"]["converged"] is False
