"""Parquet tables (planner.results.parquet): ``--format parquet`` writes beside every CSV of a run a Parquet
table equal to it, with each column's meaning and unit as metadata; ``planner report`` keeps them current."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from planner.cli import app
from planner.reports.run_folder import read_csv

ROOT = Path(__file__).resolve().parents[1]
MINIMAL = ROOT / "roadmaps" / "examples" / "minimal.yaml"


def planner(*args: object) -> None:
    result = CliRunner().invoke(app, [str(a) for a in args])
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("parquet") / "run"
    planner("solve", MINIMAL, "--no-pdf", "--format", "parquet", "--out", folder)
    return folder


def assert_twins_equal(folder: Path) -> None:
    csvs = sorted(folder.glob("*.csv"))
    assert sorted(p.stem for p in folder.glob("*.parquet")) == [p.stem for p in csvs]
    for csv in csvs:
        pd.testing.assert_frame_equal(pd.read_parquet(csv.with_suffix(".parquet")), read_csv(csv),
                                      obj=csv.name)


def test_every_csv_has_an_equal_parquet_table(run: Path):
    assert {"plan.csv", "launch.csv", "milestones.csv", "headlines.csv", "data_dictionary.csv"} <= \
        {p.name for p in run.glob("*.csv")}
    assert_twins_equal(run)


def test_columns_carry_meaning_and_unit(run: Path):
    launch = pq.read_schema(run / "launch.parquet")
    assert "unit" in launch.names  # the tidy tables' units, as in the CSV
    meta = launch.field("year").metadata
    assert meta[b"unit"] == b"year" and meta[b"description"] == b"Decimal year of the period's start."
    assert pq.read_schema(run / "launch.parquet").field("value").metadata[b"unit"] == b"see unit"


def test_report_rewrites_the_parquet_tables(run: Path, tmp_path: Path):
    (run / "headlines.parquet").unlink()  # a stale or missing twin is rebuilt, not copied
    planner("report", run, "--no-pdf", "--out", tmp_path / "rebuilt")
    assert_twins_equal(tmp_path / "rebuilt")


def test_report_writes_parquet_on_request(tmp_path: Path):
    planner("solve", MINIMAL, "--no-pdf", "--out", tmp_path / "csv")
    assert not list((tmp_path / "csv").glob("*.parquet"))
    planner("report", tmp_path / "csv", "--no-pdf", "--format", "parquet")
    assert_twins_equal(tmp_path / "csv")
