"""Two or more runs side by side: milestones, headline figures and bottlenecks, with their differences.

Each item is a run folder (written by ``planner solve``) or a roadmap file, optionally with a scenario
(``roadmaps/baseline.yaml:cheap_launch``), which is solved first into ``OUT/runs/<name>``. The
comparison writes ``compare.pdf`` with overlaid charts (and ``compare.html``, where they are interactive, a run
toggled from a chart's legend) and three long (tidy) tables, one row per run and
figure, each with its unit and a ``differs`` flag shared by the rows of the runs compared:

* ``compare_milestones.csv``: run, milestone, reached (true/false), period, year (blank when not reached);
* ``compare_headlines.csv``: run, quantity, unit, period (where the figure has one), value;
* ``compare_bottlenecks.csv``: run, limit, quantity (``shadow price``), unit, period, value: the largest
  shadow price of the limit in each period where it binds in some run (0 where it is slack).

Two numbers differ when their difference exceeds both :data:`RELATIVE_TOLERANCE` times the larger of the
two in magnitude and :data:`NOISE` (HiGHS's feasibility tolerance, below which a value is solver noise)
times the largest magnitude of that figure in the comparison, at least 1: shadow prices of 1.96e-08 and
1.05e-08 are the same, the objectives of two plans 0.01 % apart are not.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import cm
from reportlab.platypus import CondPageBreak, Paragraph, SimpleDocTemplate, Spacer

from planner.io.load import load_roadmap
from planner.reports import bottlenecks, charts
from planner.reports.build import report_writer
from planner.reports.interactive import compare_page
from planner.reports.narrative import figures, headline_table
from planner.reports.pdf import BODY, FRAME_WIDTH, H1, STYLES, Raster, escape, grid_table, shown_figure
from planner.reports.rendering import draw
from planner.reports.run_folder import RunData, read_run
from planner.results.outputs import FLOAT_FORMAT, write_run
from planner.results.write import output_folder
from planner.solve.run import SolveOptions, solve

RELATIVE_TOLERANCE = 1e-6
NOISE = 1e-7
OVERLAYS = [("compute_in_service", "Compute in service", "GW"), ("flights", "Earth launches", "flights per period"),
            ("cash", "Cash balance", "M$")]
PERIOD_OF = {"cash_low_musd": "cash_low_period", "flights_peak_per_period": "flights_peak_period"}


@dataclass
class Comparison:
    """The side-by-side tables, long: one row per run (named by its label) and figure, with ``differs``."""

    labels: list[str]
    runs: list[RunData]
    milestones: pd.DataFrame
    headlines: pd.DataFrame
    bottlenecks: pd.DataFrame

    @property
    def differences(self) -> int:
        """Milestones, headline figures and limits that differ between the runs (a limit once, whatever the
        periods in which its shadow price differs)."""
        return sum(table.loc[table["differs"], keys].drop_duplicates().shape[0] for table, keys in (
            (self.milestones, ["milestone"]), (self.headlines, ["quantity"]), (self.bottlenecks, ["limit"])))


def split_item(item: str) -> tuple[Path, str | None]:
    """``path`` or ``path.yaml:scenario`` -> (path, scenario)."""
    path, sep, scenario = item.rpartition(":")
    if sep and path.endswith((".yaml", ".yml")) and not Path(item).exists():
        return Path(path), scenario
    return Path(item), None


def compare_runs(runs: list[RunData]) -> Comparison:
    """Put ``runs`` side by side."""
    labels = _labels(runs)
    milestones = pd.concat([_milestones(run, label) for run, label in zip(runs, labels, strict=True)],
                           ignore_index=True)
    heads = pd.concat([_headlines(run, label) for run, label in zip(runs, labels, strict=True)], ignore_index=True)
    binding = _bottlenecks(runs, labels)
    return Comparison(labels, runs, _mark(milestones, ["milestone"], "year", ["milestone"], len(runs)),
                      _mark(heads, ["quantity", "period"], "value", ["quantity"], len(runs)),
                      _mark(binding, ["limit", "period"], "value", ["limit"], len(runs)))


def write_comparison(comparison: Comparison, out: Path, force: bool = False) -> Path:
    """Write the comparison CSVs, ``compare.pdf`` and ``compare.html`` into ``out``, each file replaced only once
    complete (``out/runs`` keeps the runs solved for it); ``out`` must be new, empty or planner's unless ``force``."""
    out = Path(out)
    writers: dict[str, Callable[[Path], Any]] = {
        f"compare_{name}.csv": lambda p, t=table: t.to_csv(p, index=False, float_format=FLOAT_FORMAT)
        for name, table in (("milestones", comparison.milestones), ("headlines", comparison.headlines),
                            ("bottlenecks", comparison.bottlenecks))}
    writers["compare.pdf"] = lambda p: _pdf(comparison, p)
    writers["compare.html"] = lambda p: p.write_text(compare_page(comparison, OVERLAYS), encoding="utf-8")
    with output_folder(out, "compare", force):
        for name, write in writers.items():
            partial = out / f".{name}.partial"
            write(partial)
            os.replace(partial, out / name)
    return out


def load_items(items: list[str], out: Path, options: SolveOptions | None = None,
               progress: Callable[[str], None] = lambda text: None) -> list[RunData]:
    """Read run folders as they are; solve roadmap files into ``out/runs/<name>`` (report CSVs, no PDF); ``out``
    is claimed as a comparison folder (:func:`~planner.results.write.output_folder`) when a roadmap is solved."""
    runs = []
    for item in items:
        path, scenario = split_item(item)
        if path.is_dir():
            runs.append(read_run(path))
            continue
        progress(f"solving {item}…")
        options = options or SolveOptions()
        plan = solve(load_roadmap(path, scenario=scenario), options)
        folder = out / "runs" / (path.stem + (f"--{scenario}" if scenario else ""))
        with output_folder(out, "compare"):
            write_run(plan, folder, extra=report_writer(plan, options.highs_options(), pdf=False))
        runs.append(read_run(folder))
    return runs


def _labels(runs: list[RunData]) -> list[str]:
    labels = []
    for run in runs:
        label = run.title
        while label in labels:
            label += "'"
        labels.append(label)
    return labels


def _milestones(run: RunData, label: str) -> pd.DataFrame:
    table = run.tables["milestones"]
    reached = table["reached_year"].notna()
    return pd.DataFrame({"run": label, "milestone": table["milestone"], "reached": reached,
                         "period": table["reached_period"].where(reached, ""), "year": table["reached_year"]})


def _headlines(run: RunData, label: str) -> pd.DataFrame:
    """Headline figures without the milestone rows (compared in their own table)."""
    table = headline_table(run)
    table = table[~table["figure"].str.startswith("milestone ")]
    periods = figures(run)
    return pd.DataFrame({"run": label, "quantity": table["figure"], "unit": table["unit"],
                         "period": [str(periods.get(PERIOD_OF.get(f, ""), "")) for f in table["figure"]],
                         "value": table["value"].astype(float)})


def _bottlenecks(runs: list[RunData], labels: list[str]) -> pd.DataFrame:
    """The largest shadow price of each limit in each period where it binds in some run, 0 where it is slack."""
    prices: dict[str, pd.Series] = {}
    for run, label in zip(runs, labels, strict=True):
        table = run.tables.get("bottlenecks")
        if table is not None:
            binding = table[table["binding"].astype(bool)]
            prices[label] = binding.groupby(["limit", "period"], sort=False)["shadow_price"].max()
    empty = pd.Series(dtype=float, index=pd.MultiIndex.from_tuples([], names=["limit", "period"]))
    keys = pd.concat([empty, *prices.values()]).index.unique()
    frames = [pd.DataFrame({"run": label, "limit": keys.get_level_values(0), "quantity": "shadow price",
                            "unit": f"{charts.objective_unit(run)} per unit of the limit",
                            "period": keys.get_level_values(1),
                            "value": prices.get(label, empty).reindex(keys, fill_value=0.0).to_numpy()})
              for run, label in zip(runs, labels, strict=True)]
    return pd.concat(frames, ignore_index=True)


def _mark(frame: pd.DataFrame, keys: list[str], value: str, scale_by: list[str], runs: int) -> pd.DataFrame:
    """``frame`` with ``differs``: whether the rows of the runs under each key differ (or a run lacks it); numbers
    differ beyond the tolerances of the module's docstring, scaled by the largest magnitude under ``scale_by``."""
    numbers = pd.to_numeric(frame[value], errors="coerce").abs()
    scale = numbers.groupby([frame[k] for k in scale_by]).transform("max").fillna(0.0).clip(lower=1.0)
    frame = frame.copy()
    frame["differs"] = frame.groupby(keys, sort=False)[value].transform(
        lambda v: len(v) < runs or not _same(list(v), float(scale[v.index].max()))).astype(bool)
    return frame


def _same(values: list[Any], scale: float) -> bool:
    numbers = [pd.to_numeric(v, errors="coerce") for v in values]
    if all(pd.notna(n) for n in numbers):
        gap = float(max(numbers) - min(numbers))
        return gap <= RELATIVE_TOLERANCE * max(abs(n) for n in numbers) or gap <= NOISE * scale
    return len({str(v) for v in values}) == 1


def overlay_chart(comparison: Comparison, quantity: str, title: str, unit: str):
    """One line per run that has ``quantity`` (summed per period); ``None`` when no run has it."""
    drawn = [(i, label, run, run.series(quantity)[quantity])
             for i, (label, run) in enumerate(zip(comparison.labels, comparison.runs, strict=True))]
    drawn = [(i, label, run, s) for i, label, run, s in drawn if s.abs().sum() > 0]
    if not drawn:
        return None
    widest = max((run for _, _, run, _ in drawn), key=lambda r: r.years[-1] + r.lengths[-1] - r.years[0])
    fig, (ax,) = charts.new_figure(widest)
    for i, label, _run, s in drawn:
        ax.plot(s.index, s.to_numpy(), linewidth=1.6, label=charts.tex_safe(label),
                color=charts.PALETTE[i % len(charts.PALETTE)], linestyle=["-", "--", ":", "-."][i % 4])
    ax.set_xlim(min(float(run.years[0]) for _, _, run, _ in drawn),
                max(float(run.years[-1] + run.lengths[-1]) for _, _, run, _ in drawn))
    if unit == "M$":
        charts.money_axis(ax, np.concatenate([s.to_numpy() for _, _, _, s in drawn]), "at period end")
    else:
        ax.set_ylabel(charts.tex_safe(unit), fontsize=8)
    ax.set_title(title, fontsize=10, y=1.02)
    charts.legend_below(ax, 3)
    return fig


def _pdf(comparison: Comparison, path: Path) -> None:
    doc = SimpleDocTemplate(str(path), pagesize=A4, leftMargin=1.8 * cm, rightMargin=1.8 * cm, topMargin=1.6 * cm,
                            bottomMargin=1.6 * cm, title="Roadmap comparison", author="planner")
    labels = comparison.labels
    width = (FRAME_WIDTH - 4.5 * cm - 1.4 * cm) / len(labels)
    story: list[Any] = [Paragraph("Roadmap comparison: " + escape(" vs ".join(labels)), STYLES["Title"]),
                        Paragraph(f"Generated {datetime.now(UTC):%Y-%m-%d %H:%M UTC}.", BODY)]
    rows = [["run", "status", "objective", "MIP gap", "input hash"]]
    for label, run in zip(labels, comparison.runs, strict=True):
        s = run.summary
        rows.append([label, s["status"], f"{s['objective']:,.6g} ({s.get('objective_mode', '')})",
                     f"{(s.get('mip_gap') or 0.0):.2%}", s.get("input_hash", "")[:16]])
    widths = [4 * cm, 2 * cm, 4.5 * cm, 1.6 * cm, FRAME_WIDTH - 12.1 * cm]
    story += [Spacer(1, 0.3 * cm), grid_table(rows, widths=widths)]
    found = comparison.differences
    story.append(Paragraph(f"{found} difference(s) found." if found else "No differences: the runs agree on "
                           "milestones, headline figures and bottlenecks.", STYLES["h2"]))
    for title, key, body in (("Milestones: period reached", "milestone", _milestone_rows(comparison)),
                             ("Headline figures", "figure", _headline_rows(comparison)),
                             ("Bottlenecks: periods binding and largest shadow price", "limit",
                              _bottleneck_rows(comparison))):
        story += [CondPageBreak(5 * cm), Paragraph(title, STYLES["h2"])]
        if not body:
            story.append(Paragraph("(none in any run)", BODY))
            continue
        story.append(grid_table([[key, *labels, "differs"], *body],
                                widths=[4.5 * cm] + [width] * len(labels) + [1.4 * cm]))
    story += [CondPageBreak(8 * cm), Paragraph("Overlaid charts", H1)]
    for quantity, title, unit in OVERLAYS:
        figure = overlay_chart(comparison, quantity, title, unit)
        if figure is not None:
            story.append(Raster(draw(figure)))
    doc.build(story)


def _milestone_rows(comparison: Comparison) -> list[list[str]]:
    rows = []
    for name, group in comparison.milestones.groupby("milestone", sort=False):
        reached = dict(zip(group["run"], group["period"].where(group["reached"], "not reached"), strict=True))
        rows.append([name, *(reached.get(label, "-") for label in comparison.labels), _yes(group["differs"])])
    return rows


def _headline_rows(comparison: Comparison) -> list[list[str]]:
    rows = []
    for (quantity, unit), group in comparison.headlines.groupby(["quantity", "unit"], sort=False):
        shown = {run: " ".join(filter(None, shown_figure(value, unit))) + (f" ({period})" if period else "")
                 for run, value, period in zip(group["run"], group["value"], group["period"], strict=True)}
        rows.append([quantity, *(shown.get(label, "-") for label in comparison.labels), _yes(group["differs"])])
    return rows


def _bottleneck_rows(comparison: Comparison) -> list[list[str]]:
    """Two rows per limit: the periods it binds (as spans) and its largest shadow price, in each run."""
    ranked = {label: bottlenecks.ranking(run.tables["bottlenecks"]).set_index("limit") if "bottlenecks" in run.tables
              else pd.DataFrame() for label, run in zip(comparison.labels, comparison.runs, strict=True)}
    rows = []
    for limit, group in comparison.bottlenecks.groupby("limit", sort=False):
        found = {label: ranked[label].loc[limit] for label in comparison.labels if limit in ranked[label].index}
        differs = _yes(group["differs"])
        rows.append([f"{limit}: periods binding", *(found[label]["spans"] if label in found else "-"
                                                   for label in comparison.labels), differs])
        rows.append([f"{limit}: largest shadow price", *(f"{found[label]['max_shadow_price']:,.4g}" if label in found
                                                        else "-" for label in comparison.labels), differs])
    return rows


def _yes(differs: pd.Series) -> str:
    return "yes" if differs.any() else ""
