"""The interactive reports: ``report.html`` and ``compare.html`` are single files that open offline, and in a
real headless Chromium (Debian's, driven by Selenium) their charts hold the plan's numbers from the CSVs,
their table filters hide rows, a run is toggled from a comparison chart's legend, and nothing is logged as an
error in the browser's console."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from planner.cli import app

CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
YEARS = [2026, 2027, 2028, 2029, 2030, 2031]
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1200,900")

# Satellites made on Earth (100 t a year) flown to LEO, 60 t a year (100 t in the scenario): compute in service
# grows every year; one milestone.
ROADMAP = """
name: small
time: {start: 2026, end: 2031, step: year}
objective: {mode: max_value}
locations:
  earth_surface: {}
  leo: {}
commodities:
  sats:
    sources: [{location: earth_surface, max_per_year: 100}]
launch_vehicles:
  rocket: {payload_t: 20, max_flights_per_year: 3}
compute:
  deploy_at: [leo]
  satellites:
    sats: {origin: earth}
  specific_power_w_per_kg: 100
  life_years: 3
milestones:
  first_gw_tenth:
    description: 0.01 GW in orbit
    metric: {compute_gw: true}
    threshold: 0.01
scenarios:
  more_flights:
    description: Five flights a year, every satellite made
    set:
      launch_vehicles.rocket.max_flights_per_year: 5
"""


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, Path]:
    """The roadmap solved by ``planner solve``, its scenario, and ``planner compare`` of the two."""
    folder = tmp_path_factory.mktemp("interactive")
    roadmap = folder / "small.yaml"
    roadmap.write_text(textwrap.dedent(ROADMAP), encoding="utf-8")
    out = {"run": folder / "run", "more": folder / "more", "compare": folder / "compare",
           "bootstrap": folder / "bootstrap"}
    bootstrap = Path(__file__).parents[1] / "roadmaps" / "examples" / "lunar-bootstrap.yaml"
    for args in (["solve", str(bootstrap), "--out", str(out["bootstrap"])],
                 ["solve", str(roadmap), "--out", str(out["run"])],
                 ["solve", str(roadmap), "--scenario", "more_flights", "--out", str(out["more"])],
                 ["compare", str(out["run"]), str(out["more"]), "--out", str(out["compare"])]):
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 0, result.output
    return out


def _series(run: Path, csv: str, quantity: str) -> list[float]:
    """``quantity`` summed per period from a run's CSV, in period order (0 in the periods the CSV leaves out)."""
    table = pd.read_csv(run / csv)
    table = table[table["quantity"] == quantity]
    return table.groupby("year")["value"].sum().reindex(YEARS, fill_value=0.0).tolist()


def test_report_html_is_one_file_that_opens_offline(runs: dict[str, Path], tmp_path: Path) -> None:
    for path in (runs["run"] / "report.html", runs["compare"] / "compare.html"):
        page = path.read_text(encoding="utf-8")
        assert "Plotly" in page and len(page) > 1_000_000  # plotly.js inlined
        assert "<script src=" not in page and "<link" not in page and "@import" not in page
    result = CliRunner().invoke(app, ["report", str(runs["run"]), "--out", str(tmp_path / "again")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "again" / "report.html").read_text() == (runs["run"] / "report.html").read_text()


@pytest.fixture(scope="module")
def browser(tmp_path_factory) -> Iterator[Any]:
    """Debian's Chromium, headless, through Selenium with Debian's ChromeDriver (never a downloaded browser)."""
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.is_file()]
    if missing:
        pytest.skip(f"no browser can run here: {' and '.join(missing)} missing (Debian's chromium and "
                    "chromium-driver; .ci/run installs them with apt-get when it runs as root)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def _open(driver: Any, page: Path, chart: str) -> None:
    """Load ``page`` and wait until plotly has drawn the chart whose div is ``chart``."""
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(page.as_uri())
    WebDriverWait(driver, 30).until(lambda d: d.execute_script(
        f"const div = document.getElementById('{chart}'); return !!(div && div._fullLayout);"))


def _errors(driver: Any) -> list[dict[str, Any]]:
    return [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


def _trace(driver: Any, chart: str, name: str) -> dict[str, Any]:
    traces = driver.execute_script(f"return document.getElementById('{chart}').data.map("
                                   "t => ({name: t.name, x: Array.from(t.x), y: Array.from(t.y), visible: t.visible}))")
    return next(t for t in traces if t["name"] == name)


def test_report_html_charts_hold_the_plans_numbers(runs: dict[str, Path], browser: Any) -> None:
    run = runs["run"]
    _open(browser, run / "report.html", "compute")
    assert _errors(browser) == []
    total = _trace(browser, "compute", "total")
    in_service = _series(run, "compute.csv", "compute_in_service")
    assert total["x"] == YEARS
    assert total["y"] == pytest.approx(in_service, rel=1e-9)
    assert max(in_service) > 0.01  # a plan that deploys: the check is not of zeros
    rocket = _trace(browser, "launches", "rocket")
    assert rocket["y"] == pytest.approx(_series(run, "launch.csv", "flights"), rel=1e-9)


def _chart_data(driver: Any, chart: str) -> list[dict[str, Any]]:
    return driver.execute_script(f"return document.getElementById('{chart}').data.map(t => ({{name: t.name, "
                                 "x: t.x && Array.from(t.x), y: t.y && Array.from(t.y), z: t.z, "
                                 "customdata: t.customdata}))")


def test_report_html_draws_the_network_and_the_binding_limits_from_the_plan(runs: dict[str, Path],
                                                                          browser: Any) -> None:
    run = runs["run"]
    _open(browser, run / "report.html", "network")
    assert _errors(browser) == []
    edge = next(t for t in _chart_data(browser, "network") if t["name"] == "earth_surface → leo")
    launched = pd.read_csv(run / "launch.csv")
    assert edge["customdata"][0] == pytest.approx(launched.loc[launched["quantity"] == "launched", "value"].sum())
    assert edge["customdata"][0] > 0
    # the launch cap binds every year (3 flights of 20 t against 100 t of satellites a year): its row of the
    # heat map holds its largest shadow price per year, coloured by log10 and read in the hover
    limits = pd.read_csv(run / "bottlenecks.csv")
    cap = limits[limits["limit"] == "launch cap"].groupby("year")["shadow_price"].max().reindex(YEARS)
    [heat] = _chart_data(browser, "bottlenecks-by-year")
    row = heat["y"].index("launch cap")
    assert heat["x"] == YEARS and heat["customdata"][row] == pytest.approx(cap.tolist(), rel=1e-9)
    assert heat["z"][row] == pytest.approx(np.log10(cap.to_numpy()).tolist(), rel=1e-9)
    assert min(cap) > 0


def test_report_html_draws_facility_output_against_capacity(runs: dict[str, Path], browser: Any) -> None:
    """The lunar bootstrap: the factory's output rate is its activity over the period's length (yearly: 1)."""
    run = runs["bootstrap"]
    _open(browser, run / "report.html", "industry")
    assert _errors(browser) == []
    output = _trace(browser, "industry", "build_factory: output")
    plan = pd.read_csv(run / "plan.csv")
    made = plan[(plan["quantity"] == "activity") & (plan["process"] == "build_factory")]
    expected = made.groupby("year")["value"].sum().reindex(output["x"], fill_value=0.0)
    assert output["y"] == pytest.approx(expected.tolist(), rel=1e-9) and max(output["y"]) > 1


def test_report_html_filters_its_tables(runs: dict[str, Path], browser: Any) -> None:
    from selenium.webdriver.common.by import By

    _open(browser, runs["run"] / "report.html", "compute")
    rows = browser.find_elements(By.CSS_SELECTOR, "#assumptions tbody tr")
    assert len(rows) > 5
    browser.find_element(By.ID, "assumptions-filter").send_keys("life_years")
    shown = [row.text for row in rows if row.is_displayed()]
    assert len(shown) == 1 and shown[0].startswith("compute.life_years")
    browser.find_element(By.ID, "milestones-filter").send_keys("nothing like this")
    assert not any(row.is_displayed() for row in browser.find_elements(By.CSS_SELECTOR, "#milestones tbody tr"))
    assert _errors(browser) == []


def test_compare_html_overlays_the_runs_with_a_toggle(runs: dict[str, Path], browser: Any) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    _open(browser, runs["compare"] / "compare.html", "compute_in_service")
    assert _errors(browser) == []
    for label, run in (("small", runs["run"]), ("small / more_flights", runs["more"])):
        trace = _trace(browser, "compute_in_service", label)
        assert trace["y"] == pytest.approx(_series(run, "compute.csv", "compute_in_service"), rel=1e-9)
    more = _series(runs["more"], "compute.csv", "compute_in_service")
    assert sum(more) > sum(_series(runs["run"], "compute.csv", "compute_in_service"))  # the runs differ
    browser.find_elements(By.CSS_SELECTOR, "#compute_in_service .legend .legendtoggle")[1].click()
    WebDriverWait(browser, 5).until(  # plotly waits out a double click before it toggles
        lambda d: _trace(d, "compute_in_service", "small / more_flights")["visible"] == "legendonly")
    assert _trace(browser, "compute_in_service", "small")["visible"] in (None, True)  # the other run stays shown
