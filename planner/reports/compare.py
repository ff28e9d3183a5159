"""Two or more runs side by side: milestones, headline figures and bottlenecks, with their differences.

Each item is a run folder (written by ``planner solve``) or a roadmap file, optionally with a scenario
(``roadmaps/baseline.yaml:cheap_launch``), which is solved first into ``OUT/runs/<name>``. The
comparison writes ``compare_milestones.csv``, ``compare_headlines.csv``, ``compare_bottlenecks.csv``
(one column per run and a ``differs`` flag) and ``compare.pdf`` with overlaid charts. Numbers differ
when their relative difference exceeds :data:`RELATIVE_TOLERANCE` (the solver's own tolerance).
"""

from __future__ import annotations

import math
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
from planner.reports.narrative import headline_table
from planner.reports.pdf import BODY, FRAME_WIDTH, H1, STYLES, Raster, escape, grid_table
from planner.reports.rendering import draw
from planner.reports.run_folder import RunData, read_run
from planner.results.outputs import write_run
from planner.results.write import output_folder
from planner.solve.run import SolveOptions, solve

RELATIVE_TOLERANCE = 1e-6
OVERLAYS = [("compute_in_service", "Compute in service", "GW"), ("flights", "Earth launches", "flights per period"),
            ("cash", "Cash balance", "M$")]


@dataclass
class Comparison:
    """The side-by-side tables; each has one column per run (named by its label) and ``differs``."""

    labels: list[str]
    runs: list[RunData]
    milestones: pd.DataFrame
    headlines: pd.DataFrame
    bottlenecks: pd.DataFrame

    @property
    def differences(self) -> int:
        return int(sum(t["differs"].sum() for t in (self.milestones, self.headlines, self.bottlenecks)))


def split_item(item: str) -> tuple[Path, str | None]:
    """``path`` or ``path.yaml:scenario`` -> (path, scenario)."""
    path, sep, scenario = item.rpartition(":")
    if sep and path.endswith((".yaml", ".yml")) and not Path(item).exists():
        return Path(path), scenario
    return Path(item), None


def compare_runs(runs: list[RunData]) -> Comparison:
    """Put ``runs`` side by side."""
    labels = _labels(runs)
    milestones = _side_by_side([r.tables["milestones"].set_index("milestone")["reached_period"] for r in runs],
                               labels, "milestone")
    heads = _side_by_side([_headlines(r) for r in runs], labels, "figure")
    ranked = [bottlenecks.ranking(r.tables["bottlenecks"]) if "bottlenecks" in r.tables else pd.DataFrame()
              for r in runs]
    binding = _side_by_side([_binding_years(t) for t in ranked], labels, "limit")
    return Comparison(labels, runs, milestones, heads, binding)


def write_comparison(comparison: Comparison, out: Path, force: bool = False) -> Path:
    """Write the comparison CSVs and ``compare.pdf`` into ``out``, each file replaced only once complete
    (``out/runs`` keeps the runs solved for it); ``out`` must be new, empty or planner's unless ``force``."""
    out = Path(out)
    writers: dict[str, Callable[[Path], Any]] = {
        "compare_milestones.csv": lambda p: comparison.milestones.to_csv(p, index=False),
        "compare_headlines.csv": lambda p: comparison.headlines.to_csv(p, index=False),
        "compare_bottlenecks.csv": lambda p: comparison.bottlenecks.to_csv(p, index=False),
        "compare.pdf": lambda p: _pdf(comparison, p),
    }
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


def _headlines(run: RunData) -> pd.Series:
    """Headline figures without the milestone rows (compared in their own table)."""
    table = headline_table(run)
    table = table[~table["figure"].str.startswith("milestone ")]
    return table.set_index("figure")["value"]


def _binding_years(ranked: pd.DataFrame) -> pd.Series:
    """Two rows per limit: the years it binds and its largest shadow price."""
    if ranked.empty:
        return pd.Series(dtype=object)
    values: dict[str, Any] = {}
    for r in ranked.itertuples():
        values[f"{r.limit}: years binding"] = _span(r.first_year, r.last_year)
        values[f"{r.limit}: largest shadow price"] = r.max_shadow_price
    return pd.Series(values)


def _span(first: float, last: float) -> str:
    if pd.isna(first):
        return "whole horizon"
    return f"{first:.0f}" if int(first) == int(last) else f"{first:.0f}–{last:.0f}"


def _side_by_side(columns: list[pd.Series], labels: list[str], key: str) -> pd.DataFrame:
    frame = pd.concat([c.rename(label) for c, label in zip(columns, labels, strict=True)], axis=1)
    frame = frame.astype(object).where(frame.notna(), "-")
    frame["differs"] = [not _same(list(row)) for row in frame[labels].itertuples(index=False)]
    return frame.rename_axis(key).reset_index()


def _same(values: list[Any]) -> bool:
    numbers = [_number(v) for v in values]
    if all(n is not None for n in numbers):
        scale = max(1.0, *(abs(n) for n in numbers))
        return max(numbers) - min(numbers) <= RELATIVE_TOLERANCE * scale
    return len({str(v) for v in values}) == 1


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


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
    for title, table in (("Milestones: period reached", comparison.milestones),
                         ("Headline figures", comparison.headlines),
                         ("Bottlenecks: years binding and largest shadow price", comparison.bottlenecks)):
        story += [CondPageBreak(5 * cm), Paragraph(title, STYLES["h2"])]
        if table.empty:
            story.append(Paragraph("(none in any run)", BODY))
            continue
        body = [[table.columns[0]] + labels + ["differs"]]
        body += [[_cell(v) for v in row[:-1]] + ["yes" if row[-1] else ""] for row in table.itertuples(index=False)]
        story.append(grid_table(body, widths=[4.5 * cm] + [width] * len(labels) + [1.4 * cm]))
    story += [CondPageBreak(8 * cm), Paragraph("Overlaid charts", H1)]
    for quantity, title, unit in OVERLAYS:
        figure = overlay_chart(comparison, quantity, title, unit)
        if figure is not None:
            story.append(Raster(draw(figure)))
    doc.build(story)


def _cell(value: Any) -> str:
    if isinstance(value, (float, np.floating)):
        return f"{value:,.6g}"
    return str(value)
