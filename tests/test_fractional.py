"""A plan is never silently fractional (issue 18): counts in units that come out fractional in an LP plan
are found, with their largest cases, in summary.json, on the terminal and in the report."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from planner import load_roadmap
from planner.cli import app
from planner.errors import RoadmapError
from planner.model.data import build_data
from planner.reports.build import write_report
from planner.reports.narrative import sentences
from planner.results.fractional import describe, fractional_counts, shown
from planner.results.outputs import write_run
from tests.conftest import value
from tests.tiny_roadmap import TINY

# One ship class built at leo (100 M$ each) carries 150 t of cargo 3 days to llo in 2026, payload 100 t.
# The cheapest LP plan builds 1.5 ships and flies 1.5 trips (propellant grows with the dry mass flown);
# with whole ships, 2 and 2. Crew, a counted commodity, is asked for by the half person.
HALF_SHIP = """
name: half_ship
time: {start: 2026, end: 2027}
integer: INTEGER
objective: {mode: min_cost}
locations: {leo: {}, llo: {}}
commodities:
  cargo: {sources: [{location: leo}]}
  propellant: {sources: [{location: leo, cost_usd_per_kg: 1}]}
  CREW
routes:
  leo_llo: {from: leo, to: llo, dv_km_s: 4.04, transit_days: 3}
vehicles:
  ship: {payload_t: 100, propellant_capacity_t: 1500, dry_mass_t: 120, isp_s: 380, enters_at: leo,
         build_cost_musd: 100, integer: true}
demands:
  cargo_at_llo: {location: llo, commodity: cargo, at_least: 150, from: 2026}
  CREW_DEMAND
"""
CREW = "crew: {unit: person, unit_mass_t: 0.1, sources: [{location: leo}]}"
CREW_DEMAND = "crew_at_llo: {location: llo, commodity: crew, at_least: 1.5, from: 2026}"


def roadmap(integer: str, crew: bool = False) -> str:
    return (HALF_SHIP.replace("INTEGER", integer).replace("CREW_DEMAND", CREW_DEMAND if crew else "")
            .replace("CREW", CREW if crew else ""))


def cases(block: dict) -> set[tuple]:
    """(quantity, period, value to six decimals) of each case."""
    return {(c["quantity"], c["period"], round(c["value"], 6)) for c in block["cases"]}


def test_an_lp_plan_builds_half_a_ship_and_says_so(solve_text):
    block = solve_text(roadmap("none")).summary["fractional"]
    assert block["integer"] == "none"
    assert block["continuous"] == {"vehicles": ["ship"], "launch_vehicles": [], "milestones": False,
                                   "commodities": []}
    # by hand: 150 t / 100 t = 1.5 trips by 1.5 ships built in 2026, parked at llo and in the fleet from then on
    assert cases(block) == {("trips", "2026", 1.5), ("vehicles_built", "2026", 1.5), ("vehicles_parked", "2026", 1.5),
                            ("vehicles_in_fleet", "2026", 1.5)}
    assert block["counts"] == {"trips": 1, "vehicles_built": 1, "vehicles_parked": 2, "vehicles_in_fleet": 2}
    assert block["series"] == 4
    built = next(c for c in block["cases"] if c["quantity"] == "vehicles_built")
    assert built["text"] == "ship built 1.5 (2026)" and built["vehicle"] == "ship" and built["unit"] == "vehicles"
    assert block["remedy"] == ["integer=auto"]


def test_integer_ships_give_whole_numbers_and_no_cases(solve_text):
    plan = solve_text(roadmap("auto"))
    block = plan.summary["fractional"]
    assert block["continuous"]["vehicles"] == [] and block["counts"] == {} and block["cases"] == []
    assert describe(block, cases=3) is None
    trips = plan.tables["plan"].query("quantity == 'trips'")["value"]
    assert trips.tolist() == [pytest.approx(2)]


def test_crew_stays_fractional_unless_counted_whole_and_the_remedy_says_so(solve_text):
    block = solve_text(roadmap("auto", crew=True)).summary["fractional"]
    assert block["continuous"]["commodities"] == ["crew"]
    held = [c for c in block["cases"] if c["quantity"] == "stock"]
    assert [(c["location"], c["period"], c["value"], c["unit"]) for c in held] == [
        ("llo", "2026", pytest.approx(1.5), "person")]
    assert {c["quantity"] for c in block["cases"]} == {"stock", "cargo", "supplied"}  # ships are whole
    assert block["remedy"] == ["commodities.crew.integer=true"]
    assert describe(block, cases=1).endswith(" — solve with --set commodities.crew.integer=true for whole units")
    # counted whole, the 1.5 people demanded are 2: none fractional, and 2 supplied and held
    whole = solve_text(roadmap("auto", crew=True).replace(CREW, CREW.replace("}]}", "}], integer: true}")))
    assert whole.summary["fractional"]["counts"] == {}
    assert value(whole, "stock", commodity="crew", location="llo", period="2026") == pytest.approx(2)


def test_small_counts_only_whole_within_tolerance_largest_first(write_roadmap):
    # tiny: starship (a launch class), settlers (persons), two milestones; an LP
    data = build_data(load_roadmap(write_roadmap(TINY + "integer: none\n")).roadmap)
    rows = [("flights", {"vehicle": "starship"}, 100.5),  # 100 flights and more may stay continuous
            ("flights", {"vehicle": "starship"}, 12.3),
            ("flights", {"vehicle": "starship"}, 7.0000004),  # whole within the tolerance
            ("milestone_reached", {"milestone": "compute_1_gw"}, 0.37),
            ("stock", {"commodity": "settlers", "location": "leo"}, 1.34),
            ("stock", {"commodity": "satellites", "location": "leo"}, 0.5)]  # tonnes: not counted in units
    plan = pd.DataFrame([{"table": "t", "quantity": q, "period": str(2026 + i), "year": 2026.0 + i, "location": "",
                          "commodity": "", "vehicle": "", "route": "", "milestone": "", "unit": "", "value": v,
                          **names} for i, (q, names, v) in enumerate(rows)])
    block = fractional_counts(plan, data)
    assert block["continuous"] == {"vehicles": [], "launch_vehicles": ["starship"], "milestones": True,
                                   "commodities": ["settlers"]}
    assert block["counts"] == {"flights": 1, "milestone_reached": 1, "stock": 1}
    # farthest from a whole number first: 0.37 of a milestone, 1.34 settlers (0.34), 12.3 flights (0.3)
    assert [c["text"] for c in block["cases"]] == ["milestone compute_1_gw reached, share 0.37 (2029)",
                                                   "settlers at leo 1.34 (2030)", "starship flights 12.3 (2027)"]
    assert block["remedy"] == ["integer=auto", "launch_vehicles.starship.integer=true",
                               "commodities.settlers.integer=true"]


def test_shown_keeps_the_fraction_visible():
    assert shown(0.18) == "0.18"
    assert shown(1.3400001) == "1.34"
    assert shown(99.996) == "99.996"
    assert shown(0.5) == "0.5"
    assert shown(2.0000031) == "2.000003"


def test_the_terminal_summary_json_and_report_say_so(write_roadmap, tmp_path):
    out = tmp_path / "run"
    result = CliRunner().invoke(app, ["solve", str(write_roadmap(roadmap("none"))), "--out", str(out)])
    assert result.exit_code == 0, result.output
    line = " ".join(result.output.split())
    assert ("6 fractional counts (LP plan, integer: none): ship trips on leo_llo 1.5 (2026), ship built 1.5 (2026), "
            "ship parked at llo 1.5 (2026), ... — solve with --set integer=auto for whole units") in line
    block = json.loads((out / "summary.json").read_text())["fractional"]
    assert block["counts"]["vehicles_built"] == 1
    run = write_report(out, pdf=False)
    said = sentences(run)
    assert said[0] == "Counted in units but continuous under 'integer: none': the units built and trips of ship."
    assert said[1].startswith("The plan has 6 fractional counts (LP plan, integer: none): ship trips on leo_llo 1.5")
    assert "ship in the fleet 1.5 (2026)" in said[1]
    first_page = " ".join(PdfReader(out / "report.pdf").pages[0].extract_text().split())
    assert "The plan has 6 fractional counts (LP plan, integer: none): ship trips on leo_llo 1.5 (2026)" in first_page


def test_whole_plans_say_nothing_on_the_terminal(write_roadmap, tmp_path):
    result = CliRunner().invoke(app, ["solve", str(write_roadmap(roadmap("auto"))), "--no-pdf", "--out",
                                      str(tmp_path / "run")])
    assert result.exit_code == 0, result.output
    assert "fractional" not in result.output


def test_a_saved_plan_reads_back_the_same(solve_text, tmp_path):
    plan = solve_text(roadmap("none", crew=True))
    write_run(plan, tmp_path / "run")
    run = write_report(tmp_path / "run", pdf=False)
    again, solved = fractional_counts(run.plan, run.data), plan.summary["fractional"]
    assert [c["text"] for c in again.pop("cases")] == [c["text"] for c in solved["cases"]]
    assert again == {k: v for k, v in solved.items() if k != "cases"}


@pytest.mark.parametrize(("change", "key"), [
    ("locations: {leo: {storage: {crew: {loss_fraction_per_month: 0.01}}}, llo: {}}",
     "locations.leo.storage.crew.loss_fraction_per_month"),
    ("consumption: {eaten: {consumer: cargo, consumes: crew, per_unit_per_day: 0.1}}\nlocations: {leo: {}, llo: {}}",
     "consumption.eaten.consumes")])
def test_a_commodity_counted_whole_may_neither_decay_nor_be_eaten(write_roadmap, change, key):
    text = roadmap("auto", crew=True).replace(CREW, CREW.replace("}]}", "}], integer: true}"))
    assert "locations: {leo: {}, llo: {}}" in text
    with pytest.raises(RoadmapError) as raised:
        load_roadmap(write_roadmap(text.replace("locations: {leo: {}, llo: {}}", change)))
    (problem,) = raised.value.problems
    assert problem.key == key and "whole units" in problem.message
