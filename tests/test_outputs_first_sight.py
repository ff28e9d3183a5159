"""What a strategist sees first in the CSVs, the report and the terminal (issue 19, "First sight"): units on
every row, whole time series, tidy comparisons, readable money, no empty or clipped charts."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pandas as pd
import pytest

from planner import load_roadmap, solve, write_run
from planner.reports.build import report_writer
from planner.solve.run import SolveOptions
from tests.tiny_roadmap import TINY


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory) -> Path:
    """The tiny roadmap (satellites in t, settlers in persons, cash, two milestones) solved and written."""
    path = tmp_path_factory.mktemp("roadmap") / "tiny.yaml"
    path.write_text(textwrap.dedent(TINY), encoding="utf-8")
    options = SolveOptions()
    plan = solve(load_roadmap(path), options)
    return write_run(plan, tmp_path_factory.mktemp("runs") / "tiny", extra=report_writer(plan, options.highs_options()))


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


def test_bottlenecks_name_the_index_parts_and_label_the_period(tiny_run: Path) -> None:
    table = _csv(tiny_run, "bottlenecks.csv")
    assert "index" not in table.columns
    cap = table[table["family"] == "launch_cap"]
    assert set(cap["vehicle"]) == {"starship"}
    assert list(cap["period"]) == [str(y) for y in range(2026, 2032)]
    assert not any("(" in value for column in table.columns for value in table[column])
