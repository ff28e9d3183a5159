"""What a strategist sees first in the CSVs, the report and the terminal (issue 19, "First sight"): units on
every row, whole time series, tidy comparisons, readable money, no empty or clipped charts."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pandas as pd
import pytest
from pypdf import PdfReader
from reportlab.lib.units import cm
from typer.testing import CliRunner

from planner import load_roadmap, solve, write_run
from planner.cli import app
from planner.reports import bottlenecks, charts, rendering
from planner.reports.assumptions import assumption_table, unit_of
from planner.reports.build import report_writer
from planner.reports.compare import compare_runs, write_comparison
from planner.reports.money import money
from planner.reports.pdf import break_at_dots, pipeline_timings
from planner.reports.run_folder import read_run
from planner.solve.run import SolveOptions
from tests.conftest import ROOT, value
from tests.test_pareto import ROADMAP as PARETO
from tests.tiny_roadmap import TINY


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory) -> Path:
    """The tiny roadmap (satellites in t, settlers in persons, cash, two milestones) solved and written."""
    path = tmp_path_factory.mktemp("roadmap") / "tiny.yaml"
    path.write_text(textwrap.dedent(TINY), encoding="utf-8")
    options = SolveOptions()
    plan = solve(load_roadmap(path), options)
    return write_run(plan, tmp_path_factory.mktemp("runs") / "tiny", extra=report_writer(plan, options.highs_options()))


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def _csv(folder: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(folder / name, dtype=str, keep_default_na=False)


def test_milestone_rows_carry_the_metric_unit(tiny_run: Path) -> None:
    milestones = _csv(tiny_run, "milestones.csv").set_index("milestone")
    assert milestones.loc["compute_1_gw", "unit"] == "GW"
    assert milestones.loc["settlers_100", "unit"] == "person"
    metric = _csv(tiny_run, "plan.csv").query("quantity == 'milestone_metric'")
    assert set(metric.loc[metric["milestone"] == "compute_1_gw", "unit"]) == {"GW"}
    assert set(metric.loc[metric["milestone"] == "settlers_100", "unit"]) == {"person"}
    dictionary = _csv(tiny_run, "data_dictionary.csv")
    assert "metric unit" not in set(dictionary["unit"])
    assert "\n100 person\n" in pdf_text(tiny_run / "report.pdf")  # the milestone table's threshold, with its unit


@pytest.mark.parametrize("name", ["cash.csv", "launch.csv", "supply.csv"])
def test_time_series_tables_have_every_period(tiny_run: Path, name: str) -> None:
    table = _csv(tiny_run, name)
    periods = [str(y) for y in range(2026, 2032)]
    keys = [c for c in table.columns if c not in ("period", "year", "value")]
    for key, series in table.groupby(keys):
        assert list(series["period"]) == periods, (name, key)
    assert (table["value"].astype(float) == 0).any()  # zeros kept: some series is zero in some period


def test_other_tables_say_that_zeros_are_left_out(tiny_run: Path) -> None:
    files = _csv(tiny_run, "data_dictionary.csv").query("column == ''").set_index("file")["description"]
    for name in ("plan.csv", "compute.csv", "stocks.csv"):
        assert "zero" in files[name], name
    for name in ("cash.csv", "launch.csv", "supply.csv"):
        assert "every period" in files[name], name


def test_launched_has_a_unit_per_row_and_never_adds_persons_to_tonnes(tiny_run: Path) -> None:
    launch = _csv(tiny_run, "launch.csv")
    launched = launch[launch["quantity"] == "launched"]
    units = dict(zip(launched["commodity"], launched["unit"], strict=True))
    assert units == {"satellites": "t", "settlers": "person"}
    dictionary = _csv(tiny_run, "data_dictionary.csv").query("file == 'launch.csv'")
    assert set(dictionary.loc[dictionary["column"] == "value where quantity=launched", "unit"]) == {"t", "person"}
    # the report's mass totals weigh people at their unit mass (0.5 t a settler), never add them as tonnes
    value = launched["value"].astype(float)
    tonnes = value[launched["unit"] == "t"].sum() + 0.5 * value[launched["unit"] == "person"].sum()
    assert charts.arrivals(read_run(tiny_run))["leo"].sum() == pytest.approx(tonnes)


def test_bottlenecks_name_the_index_parts_and_label_the_period(tiny_run: Path) -> None:
    table = _csv(tiny_run, "bottlenecks.csv")
    assert "index" not in table.columns
    cap = table[table["family"] == "launch_cap"]
    assert set(cap["vehicle"]) == {"starship"}
    assert list(cap["period"]) == [str(y) for y in range(2026, 2032)]
    assert not any("(" in value for column in table.columns for value in table[column])


def test_duals_name_the_index_parts_and_label_the_period(tiny_run: Path) -> None:
    duals = _csv(tiny_run, "duals.csv")
    assert list(duals.columns[:1]) == ["family"] and list(duals.columns[-3:]) == ["period", "year", "dual"]
    assert "index" not in duals.columns
    cap = duals[duals["family"] == "launch_cap"]
    assert set(cap["vehicle"]) == {"starship"} and list(cap["period"]) == [str(y) for y in range(2026, 2032)]
    assert list(cap["year"]) == [str(y) for y in range(2026, 2032)]  # _csv reads every column as text
    assert not any("(" in value for column in duals.columns for value in duals[column])
    # the bottlenecks are the limit families' rows of the same table
    limits = _csv(tiny_run, "bottlenecks.csv")
    assert list(limits.loc[limits["family"] == "launch_cap", "shadow_price"].astype(float)) == pytest.approx(
        list(cap["dual"].astype(float).abs()))


def test_compare_csvs_are_long_with_units_and_a_reached_flag(tiny_run: Path, tmp_path: Path) -> None:
    write_comparison(compare_runs([read_run(tiny_run), read_run(tiny_run)]), tmp_path / "compare")
    milestones = _csv(tmp_path / "compare", "compare_milestones.csv")
    assert list(milestones.columns) == ["run", "milestone", "reached", "period", "year", "differs"]
    assert set(milestones["run"]) == {"tiny-sweep", "tiny-sweep'"}
    assert all(year == "" or float(year) > 2000 for year in milestones["year"])
    assert set(milestones.loc[milestones["year"] == "", "reached"]) <= {"False"}
    heads = _csv(tmp_path / "compare", "compare_headlines.csv")
    assert list(heads.columns) == ["run", "quantity", "unit", "period", "value", "differs"]
    assert heads.set_index(["quantity", "run"]).loc[("compute_gw_at_end", "tiny-sweep"), "unit"] == "GW"
    assert "not reached" not in set(heads["value"])
    limits = _csv(tmp_path / "compare", "compare_bottlenecks.csv")
    assert list(limits.columns) == ["run", "limit", "quantity", "unit", "period", "value", "differs"]
    assert (limits["unit"] != "").all()


def test_compare_does_not_count_solver_noise(tiny_run: Path) -> None:
    runs = [read_run(tiny_run), read_run(tiny_run)]
    cap = runs[0].tables["bottlenecks"]
    slack = cap.index[(cap["family"] == "launch_cap") & ~cap["binding"].astype(bool)]
    # noise: a slack launch cap row priced 1.96e-08 in one run, 1.05e-08 in the other, above the binding tolerance
    for run, price in zip(runs, (1.96e-08, 1.05e-08), strict=True):
        run.tables["bottlenecks"].loc[slack[-1], ["shadow_price", "binding"]] = [price, True]
    runs[1].tables["bottlenecks"].loc[slack[0], ["shadow_price", "binding"]] = [3e-08, True]  # noise in one run
    assert compare_runs(runs).differences == 0
    table = runs[1].tables["bottlenecks"]
    table.loc[table["family"] == "launch_cap", "shadow_price"] *= 1.01  # a real difference of 1 %
    assert compare_runs(runs).differences == 1


def test_binding_periods_are_listed_as_spans() -> None:
    years = list(range(2026, 2061))
    binds = [y <= 2029 or y >= 2040 for y in years]
    table = pd.DataFrame({"family": "launch_cap", "limit": "launch cap", "period": [str(y) for y in years],
                          "year": [float(y) for y in years], "shadow_price": [0.1 if b else 0.0 for b in binds],
                          "binding": binds})
    ranked = bottlenecks.ranking(table)
    assert ranked.loc[0, "spans"] == "2026–2029, 2040–2060"
    whole = table.head(1).assign(period="", year=float("nan"), binding=True, shadow_price=1.0, limit="copies")
    assert bottlenecks.ranking(whole).loc[0, "spans"] == "whole horizon"


def test_money_reads_in_dollars_by_magnitude(tiny_run: Path) -> None:
    assert [money(v) for v in (1267.162, 12e6, 850.0, -3400.0, 50e6)] == ["$1.27B", "$12T", "$850M", "-$3.4B",
                                                                          "$50T"]
    run = read_run(tiny_run)
    figure = charts.cash_chart(run)
    labels = [ax.get_ylabel() for ax in figure.axes]
    assert labels == [r"\$B per period", r"\$B at period end"]
    ticks = figure.axes[1].yaxis.get_major_formatter()(4000.0, 0)
    assert ticks == "4"
    text = pdf_text(tiny_run / "report.pdf")
    assert not re.search(r"\d\s*[kMG]?\s*M\$", text.split("Assumptions")[0])  # no '12M M$' before the inputs
    assert "Cash is lowest in" in text and "$" in text.split("Cash is lowest in")[1].split(".")[0]


def test_assumption_units_are_whole_and_switches_have_none(tmp_path: Path) -> None:
    assert unit_of("kw_per_unit") == "kW/unit"
    assert unit_of("unit_mass_t") == "t"
    table = assumption_table(load_roadmap(ROOT / "roadmaps" / "baseline.yaml")).set_index("key")
    assert table.loc["milestones.compute_100_gw.metric.compute_gw", "unit"] == ""
    assert table.loc["commodities.crew.unit", "unit"] == ""
    assert table.loc["locations.moon_surface.power.kw_per_unit", "unit"] == "kW/unit"
    assert "/unit" not in set(table["unit"])


def test_assumption_keys_wrap_at_dots() -> None:
    key = "locations.moon_surface.storage.lox.loss_fraction_per_month"
    assert break_at_dots(key, 5.6 * cm) == "locations.moon_surface.storage.lox.\nloss_fraction_per_month"
    assert break_at_dots("time.start", 5.6 * cm) == "time.start"
    lines = break_at_dots(key, 2.5 * cm).split("\n")
    assert "".join(lines) == key and all(line.endswith(".") for line in lines[:-1])


def test_timings_in_pipeline_order_with_a_total(tiny_run: Path) -> None:
    timings = {"build_s": 0.5, "duals_s": 0.01, "extract_s": 0.2, "handoff_s": 0.1, "load_s": 0.05, "solve_s": 1.0}
    assert pipeline_timings(timings) == [("load", 0.05), ("build", 0.5), ("handoff", 0.1), ("solve", 1.0),
                                         ("duals", 0.01), ("extract", 0.2),
                                         ("total of the phases", pytest.approx(1.86))]
    text = pdf_text(tiny_run / "report.pdf")
    phases = text.split("phase\nseconds\n")[1].split("\nSolver:")[0].split("\n")[::2]
    assert phases[:2] == ["build", "handoff"] and phases[-1] == "total of the phases"


def test_a_long_legend_below_the_axes_is_not_clipped(tiny_run: Path) -> None:
    figure, (ax,) = charts.new_figure(read_run(tiny_run))
    for i in range(11):  # six rows of two below the axes: the mass on Mars of a large roadmap
        ax.plot([2026, 2031], [i, i + 1], label=f"commodity {i}")
    charts.legend_below(ax, 2)
    height = figure.get_size_inches()[1]
    drawn = rendering.draw(figure)
    legend = ax.get_legend().get_window_extent(figure.canvas.get_renderer())
    assert legend.y0 >= 0 and legend.y1 <= drawn.height
    assert drawn.inches[1] > height and ax.get_position().height * drawn.inches[1] == pytest.approx(
        0.61 * height)  # the axes keep their size (top 0.88 - bottom 0.27 of the first height)


@pytest.fixture(scope="module")
def depot_run(tmp_path_factory) -> Path:
    """The cislunar depot example: propellant launched, held in a LEO depot and burned."""
    loaded = load_roadmap(ROOT / "roadmaps" / "examples" / "cislunar-depot.yaml")
    options = SolveOptions()
    plan = solve(loaded, options)
    return write_run(plan, tmp_path_factory.mktemp("runs") / "depot",
                     extra=report_writer(plan, options.highs_options(), pdf=False))


def test_a_chart_panel_with_no_data_is_dropped(depot_run: Path) -> None:
    run = read_run(depot_run)  # the yearly plan never holds propellant in the LEO depot
    assert [ax.get_title() for ax in charts.propellant_chart(run).axes] == ["Propellant flows"]
    plan = run.tables["plan"]
    held = pd.DataFrame([{"table": "stocks", "quantity": "stock", "period": "2030", "year": 2030.0,
                          "location": "leo", "commodity": "propellant", "value": 100.0, "unit": "t"}])
    run.tables["plan"] = pd.concat([plan, held], ignore_index=True)
    assert [ax.get_title() for ax in charts.propellant_chart(run).axes] == ["Propellant flows", "Depot levels"]


def test_pareto_prints_a_table_with_units_and_a_dash_for_the_free_points(write_roadmap, tmp_path: Path) -> None:
    path = write_roadmap(PARETO)
    result = CliRunner().invoke(app, ["pareto", str(path), "--points", "3", "--out", str(tmp_path / "front")],
                                terminal_width=160)
    assert result.exit_code == 0, result.output
    assert "NaN" not in result.output and "nan" not in result.output
    table = result.output.split("Compute against settlement (crew@leo)")[1]
    assert "person" in table and "GW-years" in table  # the units, in the headers
    assert table.count("—") == 2  # the two end points, solved without a floor


def test_a_commodity_with_two_sources_is_one_series_of_its_supply(solve_text) -> None:
    plan = solve_text(TINY.replace("sources: [{location: earth_surface, cost_usd_per_kg: 1000}]",
                                   "sources: [{location: earth_surface, cost_usd_per_kg: 1000, max_per_year: 50},"
                                   " {location: earth_surface, cost_usd_per_kg: 2000}]"))
    supply = plan.tables["supply"]
    satellites = supply[supply["commodity"] == "satellites"]
    assert list(satellites["period"]) == [str(y) for y in range(2026, 2032)]
    assert satellites["value"].sum() == pytest.approx(value(plan, "supplied", commodity="satellites"))
