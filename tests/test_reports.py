"""Reports: the PDF tells what the CSVs say, ``planner report`` reproduces a run's report without
solving, the bottleneck table prices a limit known by construction, and ``compare`` lists differences."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from planner import load_roadmap, solve, write_run
from planner.cli import app
from planner.reports.assumptions import unit_of
from planner.reports.build import TABLES, rebuild, report_writer
from planner.reports.compare import compare_runs, load_items, write_comparison
from planner.reports.run_folder import read_run
from planner.solve.run import SolveOptions

# Cargo to LEO only through launches capped at CAP flights a year of PAYLOAD t: the most held at the end
# needs every flight, so the cap binds every year, and one more flight in any year is worth PAYLOAD t.
CAP, PAYLOAD = 2, 100
ROADMAP = f"""
name: capped
description: Cargo to LEO under a launch cap.
time: {{start: 2026, end: 2030, step: year}}
objective:
  mode: max_delivered
  delivered: {{location: leo, commodities: [cargo]}}
locations:
  earth_surface: {{}}
  leo: {{}}
commodities:
  cargo:
    sources: [{{location: earth_surface}}]
launch_vehicles:
  rocket:
    payload_t: {{value: {PAYLOAD}, source: "test: payload by construction"}}
    max_flights_per_year: {{value: {CAP}, source: "test: cap by construction"}}
milestones:
  first_kt:
    description: 1 kt held in LEO
    metric: {{stock: {{location: leo, commodity: cargo}}}}
    threshold: 1000
  first_400t:
    metric: {{stock: {{location: leo, commodity: cargo}}}}
    threshold: 400
scenarios:
  more_flights:
    description: Five flights a year
    set:
      launch_vehicles.rocket.max_flights_per_year: 5
"""


def _write(folder: Path, path: Path, scenario: str | None = None) -> Path:
    options = SolveOptions()
    plan = solve(load_roadmap(path, scenario=scenario), options)
    return write_run(plan, folder, extra=report_writer(plan, options.highs_options()))


def _text(pdf: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(pdf).pages)


@pytest.fixture(scope="module")
def roadmap_path(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("roadmap") / "capped.yaml"
    path.write_text(textwrap.dedent(ROADMAP), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def run_dir(roadmap_path: Path, tmp_path_factory) -> Path:
    return _write(tmp_path_factory.mktemp("runs") / "capped", roadmap_path)


def test_pdf_has_the_sections_and_the_csv_figures(run_dir: Path) -> None:
    text = _text(run_dir / "report.pdf")
    for section in ("Roadmap plan: capped", "The plan in brief", "Milestones", "The plan in charts", "Bottlenecks",
                    "Assumptions", "Appendix: model and solver", "Timings"):
        assert section in text
    milestones = pd.read_csv(run_dir / "milestones.csv", dtype={"reached_period": str})
    # By hand: CAP * PAYLOAD = 200 t a year from 2026, so 400 t in 2027 and 1 kt in 2030.
    assert dict(zip(milestones["milestone"], milestones["reached_period"], strict=True)) == {
        "first_kt": "2030", "first_400t": "2027"}
    assert "'1 kt held in LEO' is reached in 2030." in text
    assert "'first 400t' is reached in 2027." in text
    flights = pd.read_csv(run_dir / "launch.csv")
    flights = flights[flights["quantity"] == "flights"]["value"].sum()
    assert flights == pytest.approx(5 * CAP)
    assert f"Earth launches: {flights:,.0f} flights in all" in text
    summary = read_run(run_dir).summary
    assert f"{summary['objective']:,.6g} t delivered" in text
    assert summary["input_hash"] in text.replace("\n", "")
    assert "Not in this plan (nothing to draw): Compute in service" in text  # no compute: skipped, not failed
    heads = pd.read_csv(run_dir / "headlines.csv", dtype={"value": str})
    for figure, shown, unit in zip(heads["figure"], heads["value"], heads["unit"], strict=True):
        if figure == "mip_gap":
            shown = f"{float(shown):.2%}"  # a share, shown in percent
        elif not figure.startswith("milestone "):
            number = float(shown)
            shown = f"{number:,.0f}" if number.is_integer() else f"{number:,.6g}"
        assert f"\n{figure}\n{shown}\n" in text, (figure, unit)


def test_launch_cap_is_named_with_its_shadow_price(run_dir: Path) -> None:
    table = pd.read_csv(run_dir / "bottlenecks.csv", dtype={"period": str})
    cap = table[table["limit"] == "launch cap"]
    assert list(cap["period"]) == ["2026", "2027", "2028", "2029", "2030"]
    assert cap["binding"].all()
    assert cap["shadow_price"].to_numpy() == pytest.approx(PAYLOAD)  # one more flight: PAYLOAD t at the end
    text = re.sub(r"\s+", " ", _text(run_dir / "report.pdf"))
    assert (f"The main bottleneck is the launch cap (launch_cap), binding in 2026–2030: one more unit of it "
            f"where it binds is worth up to {PAYLOAD} t delivered") in text


def test_report_rebuilds_the_same_csvs_without_solving(run_dir: Path, tmp_path: Path) -> None:
    copy = rebuild(run_dir, tmp_path / "again")
    for name in TABLES:
        assert (copy / name).read_text() == (run_dir / name).read_text(), name
    strip = re.compile(r"Generated \S+ \S+ UTC")
    assert strip.sub("", _text(copy / "report.pdf")) == strip.sub("", _text(run_dir / "report.pdf"))
    result = CliRunner().invoke(app, ["report", str(copy), "--no-pdf"])
    assert result.exit_code == 0, result.output
    assert (copy / "bottlenecks.csv").read_text() == (run_dir / "bottlenecks.csv").read_text()


def test_report_of_a_folder_that_is_not_a_run_is_bad_input(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["report", str(tmp_path)])
    assert result.exit_code == 2


def test_assumptions_list_every_source_note_with_its_unit(run_dir: Path, roadmap_path: Path) -> None:
    table = pd.read_csv(run_dir / "assumptions.csv", keep_default_na=False).set_index("key")
    for path, note in load_roadmap(roadmap_path).sources.items():
        assert table.loc[".".join(path), "source"] == note
    assert table.loc["launch_vehicles.rocket.payload_t", "unit"] == "t"
    assert table.loc["launch_vehicles.rocket.max_flights_per_year", "setting"] == str(CAP)
    assert "milestones.first_kt.description" not in table.index
    assert [unit_of(k) for k in ("price_usd_per_kg", "dv_km_s", "growth_rate_per_year", "threshold")] == [
        "$/kg", "km/s", "/year", ""]


def test_data_dictionary_describes_every_file_and_column(run_dir: Path) -> None:
    dictionary = pd.read_csv(run_dir / "data_dictionary.csv", keep_default_na=False)
    for path in run_dir.glob("*.csv"):
        columns = set(dictionary.loc[dictionary["file"] == path.name, "column"])
        assert set(pd.read_csv(path, nrows=0).columns) <= columns, path.name
    launch = dictionary[dictionary["file"] == "launch.csv"]
    flights = launch[launch["column"] == "value where quantity=flights"]
    assert list(flights["unit"]) == ["flights"]


def test_compare_with_itself_shows_no_differences(run_dir: Path, tmp_path: Path) -> None:
    comparison = compare_runs([read_run(run_dir), read_run(run_dir)])
    assert comparison.differences == 0
    write_comparison(comparison, tmp_path)
    assert "No differences" in _text(tmp_path / "compare.pdf")


def test_compare_of_two_scenarios_lists_both_milestone_years(run_dir: Path, roadmap_path: Path,
                                                             tmp_path: Path) -> None:
    out = tmp_path / "compare"  # not tmp_path itself: it holds the roadmap, and compare refuses such a folder
    runs = load_items([str(run_dir), f"{roadmap_path}:more_flights"], out)
    comparison = compare_runs(runs)
    write_comparison(comparison, out)
    milestones = pd.read_csv(out / "compare_milestones.csv", dtype=str).set_index(["milestone", "run"])
    # By hand with 5 flights a year: 500 t in 2026, 1 kt in 2027.
    assert milestones.loc["first_kt", "period"].to_dict() == {"capped": "2030", "capped / more_flights": "2027"}
    assert milestones.loc["first_400t", "period"].to_dict() == {"capped": "2027", "capped / more_flights": "2026"}
    assert set(milestones["differs"]) == {"True"}
    text = _text(out / "compare.pdf")
    assert "difference(s) found" in text
    assert "capped / more_flights" in text


# Two satellite kinds, both made on Earth in fixed amounts a year, labelled by origin. With compute as the
# only value and nothing costing anything, every tonne is deployed the year it is made.
COMPUTE = """
name: vintages
time: {start: 2026, end: 2031, step: year}
objective: {mode: max_value}
locations:
  earth_surface: {}
  leo: {}
commodities:
  sat_a:
    sources: [{location: earth_surface, max_per_year: 100}]
  sat_b:
    sources: [{location: earth_surface, max_per_year: 50}]
launch_vehicles:
  rocket: {payload_t: 1000}
compute:
  deploy_at: [leo]
  satellites:
    sat_a: {origin: earth}
    sat_b: {origin: moon, specific_power_w_per_kg: 300}
  specific_power_w_per_kg: 100
  life_years: 3
  degradation_fraction_per_year: 0.1
"""


def test_compute_by_origin_follows_the_vintages(write_roadmap, tmp_path: Path) -> None:
    from planner.reports.charts import compute_in_service

    run = read_run(_write(tmp_path / "run", write_roadmap(COMPUTE)))
    by_origin = compute_in_service(run)
    # By hand: each year adds 100 t * 100 W/kg = 0.01 GW (earth) and 50 t * 300 W/kg = 0.015 GW (moon),
    # deployed evenly over the year; a unit keeps 0.9**t after t years and retires at age 3. At a year's end
    # the year's own vintage holds integral_0^1 0.9**t dt = 0.1 / ln(1/0.9) of itself, each older one 0.9 times
    # the next younger, and the vintage three years old has just retired: added * f * (1 + 0.9 + 0.81) at most.
    f = 0.1 / np.log(1 / 0.9)
    ages = [f * sum(0.9 ** a for a in range(min(p, 2) + 1)) for p in range(6)]
    assert by_origin["earth"].to_numpy() == pytest.approx([0.01 * f for f in ages], rel=1e-6)
    assert by_origin["moon"].to_numpy() == pytest.approx([0.015 * f for f in ages], rel=1e-6)
    model = run.series("compute_in_service")["compute_in_service"].to_numpy()
    assert by_origin.sum(axis=1).to_numpy() == pytest.approx(model, rel=1e-6)
    heads = pd.read_csv(run.folder / "headlines.csv").set_index("figure")["value"]
    assert float(heads["compute_gw_at_end"]) == pytest.approx((0.01 + 0.015) * ages[-1], abs=1e-3)
    text = _text(run.folder / "report.pdf")
    assert f"Compute in service at the end (2031): {float(heads['compute_gw_at_end']):,.4g} GW." in text
    assert "Not in this plan (nothing to draw): Propellant" in text  # the compute chart is drawn, not skipped


def test_solve_writes_the_report_unless_no_pdf(roadmap_path: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["solve", str(roadmap_path), "--out", str(tmp_path / "a"), "--no-pdf"])
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "a" / "report.pdf").exists() and not (tmp_path / "a" / "report.html").exists()
    assert all((tmp_path / "a" / name).is_file() for name in TABLES)
    result = runner.invoke(app, ["compare", str(tmp_path / "a"), str(tmp_path / "a"), "--out", str(tmp_path / "c")])
    assert result.exit_code == 0, result.output
    assert "0 difference(s)" in result.output


def test_a_failing_report_keeps_the_solved_tables(roadmap_path: Path, tmp_path: Path, monkeypatch) -> None:
    import planner.reports.pdf as pdf

    def broken(run, path):
        raise RuntimeError("a chart bug")

    monkeypatch.setattr(pdf, "write_pdf", broken)
    with pytest.warns(UserWarning, match="report could not be built"):
        folder = _write(tmp_path / "run", roadmap_path)
    assert (folder / "plan.csv").is_file() and (folder / "bottlenecks.csv").is_file()
    assert "a chart bug" in (folder / "report_error.txt").read_text()
    assert not (folder / "report.pdf").exists()


def test_the_report_says_the_cap_is_flown(run_dir: Path) -> None:
    from planner.reports.narrative import cadence

    assert cadence(read_run(run_dir)) == ["rocket flies its full cap in every period."]


def test_the_report_says_when_money_not_cadence_holds_launches_back(write_roadmap, tmp_path: Path) -> None:
    from planner.reports.narrative import cadence

    # 20 M$ a year at 10 M$ a flight, cash carried: 10 flights in five years, by hand, of the 25 allowed
    poor = (ROADMAP.split("milestones:")[0].replace("name: capped", "name: poor")
            .replace("    max_flights_per_year: {value: 2,",
                     "    cost_per_flight_musd: 10\n    max_flights_per_year: {value: 5,")
            + "funding: {external_musd_per_year: 20}\n")
    assert "cost_per_flight_musd: 10" in poor
    run = read_run(_write(tmp_path / "poor", write_roadmap(poor)))
    assert run.series("flights")["flights"].sum() == pytest.approx(10, rel=1e-9)
    (sentence,) = cadence(run)
    assert sentence.startswith("rocket flies below its cap in ")
    assert sentence.endswith("money, not cadence, holds it back.")
    assert "money, not cadence, holds it back" in _text(run.folder / "report.pdf").replace("\n", " ")


def test_the_report_says_what_the_end_of_the_horizon_does(write_roadmap, tmp_path: Path) -> None:
    from planner.reports.narrative import end_of_horizon

    # chips allow 1 GW a year to 2036, then 0.1: with a 3-year life the last 3 years add 0.1 GW a year against 1
    text = """
name: ending
time: {start: 2030, end: 2039, step: year}
objective: {mode: max_value, end_of_horizon_years: AFTER}
locations: {earth_surface: {}, leo: {}}
commodities:
  satellites: {sources: [{location: earth_surface}]}
launch_vehicles:
  lv: {payload_t: 100, cost_per_flight_musd: 0, max_flights_per_year: 1000}
compute:
  deploy_at: [leo]
  satellites: {satellites: {}}
  specific_power_w_per_kg: 100
  life_years: 3
  chip_supply_gw_per_year: {2030: 1, 2037: 0.1}
"""
    credited = read_run(_write(tmp_path / "a", write_roadmap(text.replace("AFTER", "20"), "a.yaml")))
    # by hand: every unit still alive at the end serves out its life (3 years, no decay): 2037-2039's 0.3 GW
    # deployed evenly have served 1.5, 2.5 ... on average 1.5 years each by the end, 1.5 more after it
    (first, fall) = end_of_horizon(credited)
    assert first.startswith("End of horizon: the compute in service at the end of 2039 serves 0.45 GW-years more "
                            "within 20 years after it")
    assert fall == ("Compute added falls from 1 to 0.1 GW a year over the last 3 years: the horizon's end or a "
                    "limit (see the bottlenecks) shapes them; a longer horizon tells which.")
    nothing = read_run(_write(tmp_path / "b", write_roadmap(text.replace("AFTER", "0"), "b.yaml")))
    assert end_of_horizon(nothing)[0] == ("End of horizon: nothing after 2039 is valued "
                                          "(objective.end_of_horizon_years: 0), so the plan winds down toward its end.")


def test_a_chart_shrinks_to_fill_the_rest_of_a_page_or_moves_whole() -> None:
    """A 2:1 chart across the frame with a heading and a caption: drawn whole where it fits, shrunk (centred)
    where at least 70 % of it fits, else moved whole to the next page, never split or left as a lone heading."""
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph

    from planner.reports.pdf import FRAME_WIDTH, SHRINK, Figure, Raster
    from planner.reports.rendering import Pixels

    styles = getSampleStyleSheet()
    chart = Raster(Pixels(4, 2, bytes(4 * 4 * 2), (8.0, 4.0)))
    assert chart.height == pytest.approx(FRAME_WIDTH / 2)
    figure = Figure([Paragraph("The plan in charts", styles["h1"]), Paragraph("Launches", styles["h2"])], chart,
                    Paragraph("Flights per period.", styles["BodyText"]))
    _, whole = figure.wrap(FRAME_WIDTH, 10_000)
    text = whole - chart.height
    assert figure.scale == 1.0 and text > 0
    room = text + 0.8 * chart.height  # 80 % of the chart fits: drawn at 80 %, filling the space exactly
    assert figure.wrap(FRAME_WIDTH, room)[1] == pytest.approx(room) and figure.scale == pytest.approx(0.8)
    figure.wrap(FRAME_WIDTH, text + (SHRINK - 0.05) * chart.height)  # too little room: drawn whole, elsewhere
    assert figure.scale == 1.0 and figure.split(FRAME_WIDTH, text + 0.5 * chart.height) == []
