"""The sweep PDF: what was varied, how the scenarios ended, milestone-year distributions, fan charts
and tornado charts, from the summary tables of :mod:`planner.sweep.summary` (matplotlib + reportlab)."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import Image, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from planner.sweep import summary
from planner.sweep.store import ResultLog

DPI = 110
WIDTH_IN = 6.6
TORNADO_BARS = 8
STYLES = getSampleStyleSheet()


def write_sweep_report(folder: Path) -> list[Path]:
    """Write the summary CSVs and ``sweep.pdf`` of the sweep in ``folder``; return the files written."""
    folder = Path(folder)
    asked = json.loads((folder / "sweep.json").read_text(encoding="utf-8"))
    results = ResultLog(folder).read()
    design = pd.read_csv(folder / "design.csv", dtype={"scenario": str})
    paths = list(summary.write_summaries(folder, results, design, asked["last_year"]).values())
    title = f"Sweep of {Path(asked['roadmap']).name}"
    paths.append(write_sweep_pdf(folder / "sweep.pdf", title, asked, results, design, asked["last_year"]))
    return paths


def write_sweep_pdf(path: Path, title: str, asked: dict[str, Any], results: pd.DataFrame, design: pd.DataFrame,
                    last_year: float) -> Path:
    """Lay out the sweep report into ``path``."""
    story: list[Any] = [Paragraph(title, STYLES["Title"])]
    vary = asked["sweep"]["vary"]
    method = asked["sweep"]["method"]
    story.append(Paragraph(f"{asked['scenarios']} scenarios ({method}, seed {asked['sweep']['seed']}) of "
                           f"{_esc(asked['roadmap'])}.", STYLES["BodyText"]))
    story.append(_table([["varied key", "spec"]] + [[k, v] for k, v in vary.items()]))
    story.append(Spacer(1, 0.3 * cm))
    counts = summary.status_counts(results)
    story.append(_table([["status", "scenarios", "example reason"]]
                        + [[r.status, r.scenarios, str(r.example_reason)[:80]] for r in counts.itertuples()]))
    years = summary.milestone_years(results)
    if len(years):
        story.append(Paragraph("Milestone years", STYLES["Heading2"]))
        story.append(_table([["milestone", "reached", "p10", "median", "p90"]]
                            + [[r.milestone, f"{r.share_reached:.0%}", _year(r.year_p10), _year(r.year_p50),
                                _year(r.year_p90)] for r in years.itertuples()]))
        story.append(_image(milestone_chart(results)))
    fan = summary.fans(results)
    for series, group in fan.groupby("series", sort=True):
        story.append(KeepTogether([Paragraph(f"Fan chart: {_esc(series_label(series))}", STYLES["Heading2"]),
                                   _image(fan_chart(group, series_label(series)))]))
    spread = summary.tornado(results, design, last_year)
    unit = objective_units(asked)
    for outcome, group in spread.groupby("outcome", sort=False):
        if group["swing"].abs().max() > 0:
            story.append(KeepTogether([Paragraph(f"Tornado: {_esc(outcome_label(outcome, unit))}", STYLES["Heading2"]),
                                       _image(tornado_chart(group.head(TORNADO_BARS), outcome_label(outcome, unit)))]))
    doc = SimpleDocTemplate(str(path), pagesize=A4, leftMargin=1.8 * cm, rightMargin=1.8 * cm,
                            topMargin=1.6 * cm, bottomMargin=1.6 * cm, title=title, author="planner")
    doc.build(story)
    return Path(path)


def series_label(series: str) -> str:
    """A fan chart's series in words with its unit: ``compute in service, GW``, ``crew held at mars_surface``."""
    if series == "compute_in_service_gw":
        return "compute in service, GW"
    commodity, _, location = series.removeprefix("held ").partition("@")
    return f"{commodity} held at {location}"


def objective_units(asked: dict[str, Any]) -> str:
    """The unit of the swept roadmap's objective (its mode's), or the mode itself when it cannot be read."""
    from planner.errors import PlannerError
    from planner.io.load import load_roadmap
    from planner.reports.charts import MODE_UNITS

    try:
        mode = load_roadmap(asked["roadmap"], allow_outside=True).roadmap.objective.mode
    except (PlannerError, OSError):  # the roadmap moved or changed since the sweep: the report still builds
        return "objective units"
    return MODE_UNITS.get(mode, mode)


def outcome_label(outcome: str, objective_unit: str) -> str:
    """A tornado outcome in words with its unit: ``objective, <unit>`` or ``year milestone X is reached``."""
    if outcome.startswith("year: "):
        return f"year {outcome.removeprefix('year: ')} is reached (not reached: the year after the horizon)"
    return f"{outcome}, {objective_unit}"


def milestone_chart(results: pd.DataFrame) -> Figure:
    """Histogram of the year each milestone is reached, one row per milestone."""
    ids = summary.solved_ids(results)
    years = results[(results["quantity"] == "milestone_year") & results["scenario"].isin(ids)]
    names = sorted(years["name"].unique())
    fig = Figure(figsize=(WIDTH_IN, 0.9 + 0.7 * len(names)))
    ax = fig.subplots()
    for i, name in enumerate(names):
        reached = years.loc[years["name"] == name, "value"].dropna()
        if len(reached):
            values, counts = np.unique(np.round(reached.to_numpy(), 2), return_counts=True)
            ax.scatter(values, np.full(len(values), i), s=20 + 200 * counts / counts.max(), alpha=0.6)
    ax.set_yticks(range(len(names)), names)
    ax.set_xlabel("year reached (marker size: share of scenarios)")
    fig.tight_layout()
    return fig


def fan_chart(group: pd.DataFrame, series: str) -> Figure:
    """Median with 25-75 % and 10-90 % bands across scenarios."""
    fig = Figure(figsize=(WIDTH_IN, 2.8))
    ax = fig.subplots()
    ax.fill_between(group["year"], group["p10"], group["p90"], alpha=0.2, color="C0", label="10-90 %")
    ax.fill_between(group["year"], group["p25"], group["p75"], alpha=0.4, color="C0", label="25-75 %")
    ax.plot(group["year"], group["p50"], color="C0", label="median")
    ax.set_xlabel("year")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylabel(series)
    _legend_below(fig, ax, 3)
    return fig


def tornado_chart(group: pd.DataFrame, outcome: str) -> Figure:
    """Bars from the bottom-third mean to the top-third mean of each varied key, largest swing on top."""
    group = group.iloc[::-1]
    fig = Figure(figsize=(WIDTH_IN, 0.8 + 0.4 * len(group)))
    ax = fig.subplots()
    base = float(np.mean(np.r_[group["low_mean"], group["high_mean"]]))
    for i, r in enumerate(group.itertuples()):
        ax.barh(i, r.low_mean - base, left=base, color="C0", label="key in bottom third" if i == 0 else None)
        ax.barh(i, r.high_mean - base, left=base, color="C3", label="key in top third" if i == 0 else None)
    ax.set_yticks(range(len(group)), list(group["key"]))
    ax.set_xlabel(f"mean {outcome}")
    _legend_below(fig, ax, 2)
    return fig


def _legend_below(fig: Figure, ax: Any, columns: int) -> None:
    """The legend under the axes' label, where it covers no bar or band."""
    fig.tight_layout(rect=(0, 0.12, 1, 1))
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.32), ncol=columns, fontsize=8, frameon=False)


def _image(fig: Figure) -> Image:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI)
    width, height = fig.get_size_inches()
    buffer.seek(0)
    return Image(buffer, width=width * 72, height=height * 72)


def _table(rows: list[list[Any]]) -> Table:
    table = Table([[Paragraph(_esc(str(c)), STYLES["BodyText"]) for c in row] for row in rows], hAlign="LEFT")
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.25, "#999999"), ("BACKGROUND", (0, 0), (-1, 0), "#eeeeee"),
                               ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def _year(value: float) -> str:
    return "-" if pd.isna(value) else f"{value:g}"


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
