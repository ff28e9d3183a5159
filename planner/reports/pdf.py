"""The board report: a PDF laid out with reportlab's platypus from a run folder's tables and charts.

Sections: a first page (roadmap, scenario, date, status, objective, gap, input hash and generated
sentences), milestones (timeline and table), charts, bottlenecks (heat-map and ranking), assumptions
(every value the roadmap sets with its source) and an appendix (model size by constraint family,
timings, solver version and options).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from PIL import Image as PILImage
from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from planner.reports import bottlenecks, charts
from planner.reports.money import money
from planner.reports.narrative import headline_table, sentences
from planner.reports.rendering import Pixels, render
from planner.reports.run_folder import RunData, overrides_text
from planner.solve.run import learning_note

rl_config.useA85 = 0  # binary image streams: reportlab's pure-Python ASCII85 encoder is the slowest step
FRAME_WIDTH = A4[0] - 3.6 * cm
CELL_PADDING = 6  # reportlab's default left and right padding of a table cell, points
STYLES = getSampleStyleSheet()
BODY = ParagraphStyle("body", parent=STYLES["BodyText"], fontSize=9, leading=12)
SMALL = ParagraphStyle("small", parent=BODY, fontSize=7, leading=8.5, alignment=TA_LEFT)
CAPTION = ParagraphStyle("caption", parent=BODY, fontSize=8, leading=10, textColor=colors.HexColor("#444444"))
HEADER = ParagraphStyle("header", parent=SMALL, fontName="Helvetica-Bold")
H1 = ParagraphStyle("section", parent=STYLES["h1"], spaceBefore=16)


def write_pdf(run: RunData, path: Path, generated: datetime | None = None) -> Path:
    """Lay out the report of ``run`` into ``path``."""
    generated = generated or datetime.now(UTC)
    doc = SimpleDocTemplate(str(path), pagesize=A4, leftMargin=1.8 * cm, rightMargin=1.8 * cm, topMargin=1.6 * cm,
                            bottomMargin=1.6 * cm, title=f"Roadmap plan: {run.title}", author="planner")
    drawn = dict(zip(CHART_ORDER, render([partial(_chart(name), run) for name in CHART_ORDER]), strict=True))
    story: list[Any] = []
    story += first_page(run, generated)
    story += milestones_section(run, drawn)
    story += charts_section(run, drawn)
    story += bottlenecks_section(run, drawn)
    story += assumptions_section(run)
    story += appendix(run)
    footer = f"{run.title} · input {run.summary.get('input_hash', '')[:12]} · page "
    doc.build(story, onFirstPage=_footer(footer), onLaterPages=_footer(footer))
    return path


def first_page(run: RunData, generated: datetime) -> list[Any]:
    s = run.summary
    status = s["status"] + ("" if s.get("proven_optimal") else " — NOT proven optimal")
    facts = [
        ("Roadmap", s["roadmap"]),
        ("Scenario", s.get("scenario") or "(none)"),
        ("Overrides", overrides_text(s) or "(none)"),
        ("Generated", generated.strftime("%Y-%m-%d %H:%M UTC")),
        ("Horizon", f"{run.data.timeline.labels[0]} to {run.data.timeline.labels[-1]} "
                    f"({len(run.data.timeline)} periods)"),
        ("Solver status", status),
        ("Objective", f"{s['objective']:,.6g} {charts.objective_unit(run)} ({s.get('objective_mode', '')})"),
        ("MIP gap", f"{(s.get('mip_gap') or 0.0):.2%}"),
        ("Input hash", s.get("input_hash", "")),
        ("Solver", f"{s['solver']['name']} {s['solver']['version']}"),
    ]
    note = learning_note(s)
    if note:
        facts.append(("Learning curve", note))
    out: list[Any] = [Paragraph(f"Roadmap plan: {escape(run.title)}", STYLES["Title"])]
    if run.roadmap.description:
        out.append(Paragraph(escape(run.roadmap.description), BODY))
    out += [Spacer(1, 0.3 * cm), grid_table([[k, v] for k, v in facts], widths=[3.5 * cm, FRAME_WIDTH - 3.5 * cm],
                                       header=False), Spacer(1, 0.4 * cm), Paragraph("The plan in brief", STYLES["h2"])]
    out += [Paragraph("• " + escape(text), BODY) for text in sentences(run)]
    figures = headline_table(run)
    out += [Spacer(1, 0.3 * cm), Paragraph("Headline figures (headlines.csv)", STYLES["h2"]),
            grid_table([["figure", "value", "unit"]] + [[f, *shown_figure(v, u)]
                                                        for f, v, u in figures.itertuples(index=False)],
                       widths=[7 * cm, 5 * cm, FRAME_WIDTH - 12 * cm])]
    return out


def milestones_section(run: RunData, drawn: dict[str, Pixels | None]) -> list[Any]:
    out: list[Any] = [CondPageBreak(9 * cm), Paragraph("Milestones", H1)]
    table = run.tables["milestones"]
    if table.empty:
        return out + [Paragraph("This roadmap sets no milestones.", BODY)]
    if drawn[TIMELINE] is not None:
        out.append(Raster(drawn[TIMELINE]))
    rows = [["milestone", "description", "threshold", "deadline", "reached", "metric at end"]]
    unit = table["unit"] if "unit" in table else pd.Series("", index=table.index)  # runs written before units
    rows += [[r.milestone, r.description, f"{shown_number(r.threshold)} {u}", r.deadline or "-", r.reached_period,
              f"{shown_number(r.metric_at_end)} {u}"] for r, u in zip(table.itertuples(), unit, strict=True)]
    out.append(grid_table(rows, widths=[3.2 * cm, 5.4 * cm, 2 * cm, 1.8 * cm, 2 * cm, FRAME_WIDTH - 14.4 * cm]))
    return out


def charts_section(run: RunData, drawn: dict[str, Pixels | None]) -> list[Any]:
    out: list[Any] = []
    heading = [Paragraph("The plan in charts", H1)]  # kept with the first chart
    absent = []
    for title, draw in charts.CHARTS:
        if drawn[title] is None:
            absent.append(title)
            continue
        caption = (draw.__doc__ or "").strip().splitlines()[0]
        out.append(Figure([*heading, Paragraph(title, STYLES["h2"])], Raster(drawn[title]),
                          Paragraph(escape(caption), CAPTION)))
        heading = []
    if absent:
        out.append(Paragraph("Not in this plan (nothing to draw): " + ", ".join(absent) + ".", CAPTION))
    return out


def bottlenecks_section(run: RunData, drawn: dict[str, Pixels | None]) -> list[Any]:
    out: list[Any] = [CondPageBreak(12 * cm), Paragraph("Bottlenecks", H1), Paragraph(escape(
        "Which limits bind, when, and what one more unit of each is worth: the shadow price of a binding row is "
        f"the objective gained ({charts.objective_unit(run)}) by relaxing it by one unit (a flight per period for "
        "a launch cap, a GW for chip supply, an M$ for funding), read from the LP duals (for a MIP, of the LP "
        "with its integer decisions fixed). Every row is in bottlenecks.csv."), BODY)]
    table = run.tables.get("bottlenecks")
    ranked = bottlenecks.ranking(table) if table is not None else pd.DataFrame()
    if ranked.empty:
        return out + [Paragraph("No limit binds.", BODY)]
    if drawn[HEATMAP] is not None:
        out.append(Raster(drawn[HEATMAP]))
    rows = [["limit", "families", "binding rows", "years", "largest shadow price", "sum of shadow prices"]]
    for r in ranked.itertuples():
        rows.append([r.limit, r.families, str(r.binding_rows), r.spans, shown_number(r.max_shadow_price),
                     shown_number(r.total_shadow_price)])
    out.append(grid_table(rows, widths=[3.2 * cm, 4.6 * cm, 1.8 * cm, 2.2 * cm, 2.8 * cm, FRAME_WIDTH - 14.6 * cm]))
    return out


def assumptions_section(run: RunData) -> list[Any]:
    table = run.tables.get("assumptions")
    out: list[Any] = [CondPageBreak(8 * cm), Paragraph("Assumptions", H1)]
    if table is None or table.empty:
        return out + [Paragraph("No assumptions recorded for this run.", BODY)]
    sourced = int((table["source"] != "").sum())
    out.append(Paragraph(f"Every value the roadmap sets ({len(table)} values, {sourced} with a source note), "
                         "after extends, scenario and overrides (assumptions.csv).", BODY))
    rows = [["key", "value", "unit", "source"]] + [[break_at_dots(key, 5.6 * cm), *rest] for key, *rest in
                                                   table[["key", "setting", "unit", "source"]].itertuples(index=False)]
    out.append(grid_table(rows, widths=[5.6 * cm, 3.6 * cm, 2.1 * cm, FRAME_WIDTH - 11.3 * cm]))
    return out


def appendix(run: RunData) -> list[Any]:
    s = run.summary
    size = s["model_size"]
    out: list[Any] = [CondPageBreak(8 * cm), Paragraph("Appendix: model and solver", H1), Paragraph(
        f"{size['variables']:,} variables ({size.get('integer_variables', 0):,} integer), "
        f"{size['constraints']:,} constraints, {size['nonzeros']:,} nonzeros.", BODY)]
    rows = [["constraint family", "rows", "subsystem", "limit", "description"]]
    for family, count in size.get("rows_by_family", {}).items():
        meta = run.families.get(family, {})
        rows.append([family, f"{count:,}", meta.get("subsystem", ""), meta.get("limit", ""),
                     meta.get("description", "")])
    out.append(grid_table(rows, widths=[3.6 * cm, 1.4 * cm, 2 * cm, 2.6 * cm, FRAME_WIDTH - 9.6 * cm]))
    timings = [["phase", "seconds"], *([phase, f"{seconds:.3f}"] for phase, seconds in
                                       pipeline_timings(s.get("timings_s", {})))]
    out += [CondPageBreak(6 * cm), Paragraph("Timings", STYLES["h2"]), grid_table(timings, widths=[5 * cm, 3 * cm])]
    options = [["HiGHS option", "value"]] + [[k, json.dumps(v)] for k, v in sorted(run.solver_options.items())]
    out += [Paragraph(f"Solver: {s['solver']['name']} {s['solver']['version']}", STYLES["h2"])]
    out.append(grid_table(options, widths=[5 * cm, 5 * cm]) if run.solver_options else
               Paragraph("Solver options were not recorded in this run folder.", BODY))
    return out


def pipeline_timings(timings: dict[str, float]) -> list[tuple[str, float]]:
    """The timed phases in the order the pipeline runs them (:data:`PIPELINE`, then any other), and their total."""
    phases = {key.removesuffix("_s"): seconds for key, seconds in timings.items()}
    ordered = [p for p in PIPELINE if p in phases] + [p for p in phases if p not in PIPELINE]
    return [(p, phases[p]) for p in ordered] + [("total of the phases", sum(phases.values()))]


class Raster(Flowable):
    """A drawn chart placed as raw RGB pixels (no PNG encode and decode)."""

    def __init__(self, drawn: Pixels, width: float = FRAME_WIDTH) -> None:
        super().__init__()
        self.pixels = PILImage.frombuffer("RGBA", (drawn.width, drawn.height), drawn.rgba, "raw", "RGBA", 0,
                                          1).convert("RGB")
        inches_wide, inches_high = drawn.inches
        self.width, self.height = width, width * inches_high / inches_wide

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        self.canv.drawImage(ImageReader(self.pixels), 0, 0, self.width, self.height)


class Figure(Flowable):
    """Headings, a chart and its caption, kept together; the chart shrinks (centred, down to :data:`SHRINK` of
    its size) to fill what is left of a page rather than leave it half empty."""

    def __init__(self, headings: Sequence[Paragraph], chart: Raster, caption: Paragraph | None = None) -> None:
        super().__init__()
        self.headings, self.chart, self.caption = list(headings), chart, caption
        self.scale = 1.0

    def _text(self) -> list[Paragraph]:
        return [*self.headings, *([self.caption] if self.caption is not None else [])]

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        text = sum(p.wrap(available_width, available_height)[1] + p.getSpaceBefore() + p.getSpaceAfter()
                   for p in self._text())
        room = (available_height - text) / self.chart.height
        self.scale = 1.0 if room >= 1 or room < SHRINK else room
        self.width, self.height = available_width, text + self.scale * self.chart.height
        return self.width, self.height

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        return []  # whole or on the next page

    def draw(self) -> None:
        y = self.height
        for p in self.headings:
            y -= p.getSpaceBefore() + p.height
            p.drawOn(self.canv, 0, y)
            y -= p.getSpaceAfter()
        width, height = self.scale * self.chart.width, self.scale * self.chart.height
        y -= height
        self.canv.drawImage(ImageReader(self.chart.pixels), (self.width - width) / 2, y, width, height)
        if self.caption is not None:
            y -= self.caption.getSpaceBefore() + self.caption.height
            self.caption.drawOn(self.canv, 0, y)


PIPELINE = ("load", "build", "handoff", "condition", "mip_start", "solve", "duals", "extract", "numerics")
TIMELINE, HEATMAP = "Milestone timeline", "Bottleneck heat-map"
SHRINK = 0.7  # the smallest a chart is drawn to fit the rest of a page
# every chart of the report, the heaviest first (they are shared out in this order, see rendering)
CHART_ORDER = [HEATMAP, "Propellant and depots", "Mars", "Cash flow", "Compute in service", "Launches",
               "Transport network", "Mass delivered", "Lunar and Mars industry", TIMELINE]


def _chart(name: str) -> Callable[[RunData], Any]:
    special = {TIMELINE: charts.milestones_timeline, HEATMAP: charts.bottleneck_heatmap}
    return special.get(name) or dict(charts.CHARTS)[name]


def grid_table(rows: Sequence[Sequence[Any]], widths: Sequence[float], header: bool = True) -> Table:
    """A table with grid lines; a cell whose text fits on one line of its column is placed as plain text
    (a Paragraph, which wraps, takes ten times as long to lay out)."""
    cells = [[_cell(str(c), width, HEADER if header and i == 0 else SMALL) for c, width in zip(row, widths,
                                                                                              strict=True)]
             for i, row in enumerate(rows)]
    table = Table(cells, colWidths=list(widths), repeatRows=1 if header else 0)
    style = [("VALIGN", (0, 0), (-1, -1), "TOP"), ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#bbbbbb")),
             ("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
             ("FONT", (0, 0), (-1, -1), SMALL.fontName, SMALL.fontSize, SMALL.leading),
             ("TEXTCOLOR", (0, 0), (-1, -1), SMALL.textColor)]
    if header:
        style += [("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef7")),
                  ("FONT", (0, 0), (-1, 0), HEADER.fontName, HEADER.fontSize, HEADER.leading)]
    table.setStyle(TableStyle(style))
    return table


def _cell(text: str, width: float, style: ParagraphStyle) -> Any:
    """``text`` as it goes in a table cell of ``width``: plain when it fits on one line, else a Paragraph (which
    breaks lines at the text's own line breaks too)."""
    if "\n" not in text and stringWidth(text, style.fontName, style.fontSize) <= width - 2 * CELL_PADDING:
        return text
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def break_at_dots(key: str, width: float, style: ParagraphStyle = SMALL) -> str:
    """A dotted key with line breaks after its dots, so that it wraps between its parts in a cell of ``width``
    (a part wider than the cell alone still wraps inside it)."""
    room = width - 2 * CELL_PADDING
    lines = [""]
    for part in re.split(r"(?<=\.)", key):
        if lines[-1] and stringWidth(lines[-1] + part, style.fontName, style.fontSize) > room:
            lines.append(part)
        else:
            lines[-1] += part
    return "\n".join(lines)


def shown_figure(value: Any, unit: str) -> tuple[str, str]:
    """A headline figure's value and unit as the report shows them: money in $M, $B or $T, shares in percent."""
    if unit == "M$":
        return money(float(value)), ""
    if unit == "share":
        return f"{float(value):.2%}", ""
    return shown_number(value), unit


def shown_number(value: Any) -> str:
    """Numbers for tables: whole numbers in full with separators, others to six significant digits."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        return str(value)
    if pd.isna(value):
        return "-"
    return f"{value:,.0f}" if float(value).is_integer() and abs(value) < 1e15 else f"{value:,.6g}"


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _footer(text: str):
    def draw(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 7)
        canvas.setFillColor(colors.HexColor("#666666"))
        canvas.drawString(1.8 * cm, 0.9 * cm, f"{text}{doc.page}")
        canvas.restoreState()
    return draw
