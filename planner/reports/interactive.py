"""The interactive report: ``report.html`` and ``compare.html``, one self-contained file each.

The charts of the PDF drawn again for plotly.js, zoomable and hoverable, from the same tidy tables
(:class:`~planner.reports.run_folder.RunData`, and the series :mod:`planner.reports.charts` derives from
them), so the numbers are the plan's; the milestones, bottlenecks and assumptions tables with a filter box
each. plotly.js (from the plotly package) is inlined once per page: the file opens offline, without a
server. Each chart is plain JSON handed to ``Plotly.newPlot`` (plotly's Python figure objects validate every
property and took 1.5 s for the baseline's charts), its numbers as JSON numbers. A chart's ``div`` has the
id of its key in :data:`FIGURES` (``compute``, ``launches``, ...) and its traces are named as their legend
reads (``total``, a vehicle, a run's label), for scripts and tests that read a chart's data. The
comparison overlays the runs on each chart (:data:`~planner.reports.compare.OVERLAYS`), one trace per run,
toggled from the legend.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from plotly.offline import get_plotlyjs

from planner.reports import bottlenecks, charts
from planner.reports.money import money_scale
from planner.reports.pdf import shown_number
from planner.reports.run_folder import RunData

if TYPE_CHECKING:
    from planner.reports.compare import Comparison

AXIS = {"gridcolor": "#e5e5e5", "zeroline": False, "automargin": True}
LAYOUT = {"height": 420, "margin": {"l": 70, "r": 20, "t": 50, "b": 40}, "hovermode": "x unified",
          "legend": {"orientation": "h", "y": -0.18}, "plot_bgcolor": "white", "font": {"size": 12}}
FILTER_JS = """
for (const box of document.querySelectorAll("input.filter")) {
  box.addEventListener("input", () => {
    const words = box.value.toLowerCase().split(/\\s+/).filter(Boolean);
    for (const row of document.getElementById(box.dataset.table).tBodies[0].rows) {
      const text = row.textContent.toLowerCase();
      row.hidden = !words.every((w) => text.includes(w));
    }
  });
}
"""
STYLE = """
body { font-family: system-ui, sans-serif; margin: 1.5em auto; max-width: 1100px; color: #222; }
table { border-collapse: collapse; font-size: 0.85em; width: 100%; }
th, td { border: 1px solid #ccc; padding: 2px 6px; text-align: left; vertical-align: top; }
th { background: #e8eef7; position: sticky; top: 0; }
input.filter { margin: 0.4em 0; padding: 3px 6px; width: 20em; }
.note { color: #555; font-size: 0.9em; }
"""


@dataclass
class Chart:
    """A chart as plotly.js takes it: a title, the y axis's unit, traces and extra layout, all plain JSON."""

    title: str
    unit: str
    traces: list[dict[str, Any]] = field(default_factory=list)
    layout: dict[str, Any] = field(default_factory=dict)

    def add(self, kind: str, x: Any, y: Any, name: str, unit: str, **style: Any) -> None:
        """A trace (``scatter`` or ``bar``) of ``y`` over ``x``, its hover value in ``unit``."""
        self.traces.append({"type": kind, "x": _numbers(x), "y": _numbers(y), "name": name,
                            "hovertemplate": f"%{{y:,.4~g}} {unit}", **style})

    def figure(self) -> dict[str, Any]:
        layout = {**LAYOUT, "title": {"text": self.title}, "xaxis": {**AXIS, "title": {"text": "year"}},
                  "yaxis": {**AXIS, "title": {"text": self.unit}}}
        for key, value in self.layout.items():
            layout[key] = {**layout[key], **value} if isinstance(layout.get(key), dict) else value
        return {"data": self.traces, "layout": layout}


def _numbers(values: Any) -> list[Any]:
    """Plain numbers (null for a gap): in the page, a chart's ``data`` reads as the CSV's numbers."""
    return [None if pd.isna(v) else v for v in pd.Series(values).tolist()]


def compute_figure(run: RunData) -> Chart | None:
    """Compute in service (GW at each period's end) stacked by origin, with the model's total."""
    if run.roadmap.compute is None or run.rows("compute_in_service").empty:
        return None
    chart = Chart("Compute in service by origin", "GW in service")
    by_origin = charts.compute_in_service(run)
    for origin in by_origin.columns:
        chart.add("scatter", by_origin.index, by_origin[origin], f"{origin}-made", "GW", stackgroup="origin")
    total = run.series("compute_in_service")["compute_in_service"]
    chart.add("scatter", total.index, total, "total", "GW", line={"color": "black"})
    return chart


def _bars(title: str, wide: pd.DataFrame) -> Chart:
    """Flights per period, one bar series per column of ``wide``, stacked."""
    chart = Chart(title, "flights per period", layout={"barmode": "relative"})
    for column in wide.columns:
        chart.add("bar", wide.index, wide[column], str(column), "flights")
    return chart


def launches_figure(run: RunData) -> Chart | None:
    """Earth launches per period by launch vehicle."""
    flights = charts._drop_empty(run.series("flights", by="vehicle"))
    return None if flights.empty else _bars("Earth launches by vehicle class", flights)


def purposes_figure(run: RunData) -> Chart | None:
    """Earth launches per period by purpose (compute, tankers, Moon, Mars, vehicles)."""
    if run.rows("flights").empty:
        return None
    return _bars("Earth launches by purpose", charts.flight_purposes(run))


def delivered_figure(run: RunData) -> Chart | None:
    """Mass arriving at each location per period (log scale: no point where nothing arrives)."""
    wide = charts.arrivals(run)
    if wide.empty:
        return None
    chart = Chart("Mass delivered per location", "t delivered per period", layout={"yaxis": {"type": "log"}})
    for location in wide.columns:
        chart.add("scatter", wide.index, wide[location].where(wide[location] > 0), location, "t",
                  mode="lines+markers")
    return chart


def body_figure(run: RunData, body: str) -> Chart | None:
    """What is held on ``body`` (Mars, Moon) at each period's end: mass in t, counted commodities (people)
    dotted, on their own axis at the right."""
    stocks = run.rows("stock")
    stocks = stocks[stocks["location"].map(charts.body_of) == body]
    wide = charts._drop_empty(stocks.pivot_table(index="year", columns="commodity", values="value", aggfunc="sum",
                                                 fill_value=0.0).reindex(pd.Index(run.years, name="year"),
                                                                         fill_value=0.0))
    if wide.empty:
        return None
    units = {k: c.unit for k, c in run.roadmap.commodities.items()}
    chart = Chart(f"Held on {body}", "t held at period end")
    for commodity in wide.columns:
        unit = units.get(commodity, "t")
        if unit == "t":
            chart.add("scatter", wide.index, wide[commodity], commodity, unit)
        else:
            chart.add("scatter", wide.index, wide[commodity], f"{commodity} ({unit})", unit, yaxis="y2",
                      line={"dash": "dot"})
            chart.layout["yaxis2"] = {**AXIS, "title": {"text": "count held (dotted)"}, "overlaying": "y",
                                      "side": "right", "showgrid": False}
    return chart


def cash_figure(run: RunData) -> Chart | None:
    """Cash balance and debt owed at each period's end, in $M, $B or $T by magnitude."""
    if run.tables.get("cash") is None or run.tables["cash"].empty:
        return None
    return _money("Cash balance and debt owed", charts._drop_empty(pd.concat([
        run.series("cash")["cash"].rename("cash balance"),
        run.series("debt_balance")["debt_balance"].rename("debt owed")], axis=1)))


def propellant_figure(run: RunData) -> Chart | None:
    """Propellant launched from Earth, made in space (ISRU) and burned, t per period."""
    drawn = charts.propellant_flows(run)
    if drawn is None or drawn[0].empty:
        return None
    return _lines("Propellant flows", "t per period", drawn[0], "t")


def depots_figure(run: RunData) -> Chart | None:
    """Propellant held in depots at each period's end, by location."""
    drawn = charts.propellant_flows(run)
    if drawn is None or drawn[1].empty:
        return None
    return _lines("Depot levels", "t held at period end", drawn[1], "t")


def industry_figure(run: RunData) -> Chart | None:
    """Each facility process: its output rate (line) against its capacity (wide, pale)."""
    if not run.roadmap.processes or run.rows("activity").empty:
        return None
    chart = Chart("Facilities: output and capacity", "t of output per year")
    for i, (name, (rate, capacity)) in enumerate(charts.facility_rates(run).items()):
        color = charts.PALETTE[i % len(charts.PALETTE)]
        chart.add("scatter", run.years, capacity, f"{name}: capacity", "t/yr",
                  line={"color": color, "width": 8}, opacity=0.3)
        chart.add("scatter", run.years, rate, f"{name}: output", "t/yr", line={"color": color})
    return chart


def network_figure(run: RunData) -> Chart | None:
    """The transport network, laid out as in the PDF (Earth, Moon, Mars in columns): a line per route, as
    wide as the mass it moved over the horizon (hover: the t moved), grey where unused."""
    graph = charts.mass_moved(run)
    if graph is None:
        return None
    at = charts.layout(graph)
    top = max(max(graph.edges[e]["t"] for e in graph.edges), 1e-9)
    chart = Chart("Transport network: mass moved over the horizon", "", layout={
        "xaxis": {"visible": False}, "yaxis": {"visible": False}, "hovermode": "closest", "showlegend": False})
    for a, b in graph.edges:
        t = graph.edges[a, b]["t"]
        (x0, y0), (x1, y1) = at[a], at[b]
        # bowed to its right at the middle, as the PDF's arcs: a route and its return are two lines
        xm, ym = (x0 + x1) / 2 + 0.12 * (y1 - y0), (y0 + y1) / 2 - 0.12 * (x1 - x0)
        chart.traces.append({"type": "scatter", "mode": "lines", "x": [float(x0), float(xm), float(x1)],
                             "y": [float(y0), float(ym), float(y1)], "name": f"{a} → {b}",
                             "line_shape": "spline",
                             "line": {"width": 1 + 8 * t / top, "color": "#1f77b4" if t > 0 else "#cccccc"},
                             "hovertemplate": f"{html.escape(a)} → {html.escape(b)}: "
                                              f"{charts.mass_label(t)}<extra></extra>", "customdata": [t] * 3})
    nodes = list(graph.nodes)
    chart.traces.append({"type": "scatter", "mode": "markers+text", "name": "locations", "text": nodes,
                         "x": [float(at[n][0]) for n in nodes], "y": [float(at[n][1]) for n in nodes],
                         "textposition": "top center", "hovertemplate": "%{text}<extra></extra>",
                         "marker": {"size": 22, "color": [charts.BODY_COLORS[charts.body_of(n)] for n in nodes]}})
    return chart


def heatmap_figure(run: RunData) -> Chart | None:
    """The largest shadow price of each binding limit by year (colour on a log scale; hover: the price)."""
    table = run.tables.get("bottlenecks")
    wide = bottlenecks.by_year(table) if table is not None and not table.empty else pd.DataFrame()
    if wide.empty:
        return None
    unit = charts.objective_unit(run)
    wide = wide.reindex(columns=run.years)
    chart = Chart(f"Binding limits by year: shadow price ({unit} per unit)", "", layout={
        "height": 140 + 28 * len(wide), "yaxis": {"autorange": "reversed", "title": {"text": ""}},
        "hovermode": "closest"})
    chart.traces.append({"type": "heatmap", "x": _numbers(wide.columns), "y": list(wide.index),
                         "z": [_numbers(np.log10(row)) for row in wide.to_numpy(dtype=float)],
                         "customdata": [_numbers(row) for row in wide.to_numpy(dtype=float)],
                         "colorscale": "Viridis", "colorbar": {"title": {"text": "log10"}},
                         "hovertemplate": f"%{{y}} %{{x}}: %{{customdata:,.4~g}} {unit} per unit<extra></extra>"})
    return chart


def _lines(title: str, unit: str, wide: pd.DataFrame, hover_unit: str) -> Chart:
    """One line per column of ``wide`` (by year)."""
    chart = Chart(title, unit)
    for column in wide.columns:
        chart.add("scatter", wide.index, wide[column], str(column), hover_unit)
    return chart


def _money(title: str, musd: pd.DataFrame) -> Chart:
    """One line per column of ``musd`` (M$ at each period's end), shown in $M, $B or $T by magnitude."""
    factor, suffix = money_scale(float(musd.abs().max().max()) if not musd.empty else 0.0)
    chart = Chart(title, f"${suffix} at period end")
    for column in musd.columns:
        chart.add("scatter", musd.index, musd[column] / factor, str(column), suffix, mode="lines+markers",
                  hovertemplate=f"$%{{y:,.4~g}}{suffix}")
    return chart


FIGURES: list[tuple[str, Callable[[RunData], Chart | None]]] = [
    ("compute", compute_figure),
    ("launches", launches_figure),
    ("purposes", purposes_figure),
    ("delivered", delivered_figure),
    ("mars", partial(body_figure, body="Mars")),
    ("moon", partial(body_figure, body="Moon")),
    ("propellant", propellant_figure),
    ("depots", depots_figure),
    ("industry", industry_figure),
    ("cash", cash_figure),
    ("network", network_figure),
    ("bottlenecks-by-year", heatmap_figure),
]


def _table_section(key: str, title: str, frame: pd.DataFrame) -> str:
    """A heading, a filter box and the table (every row shown until words are typed in the box)."""
    if frame.empty:
        return f"<h2>{html.escape(title)}</h2><p class='note'>(none in this plan)</p>"
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(shown_number(v))}</td>" for v in row) + "</tr>"
                   for row in frame.itertuples(index=False))
    return (f"<h2>{html.escape(title)}</h2><input class='filter' type='search' id='{key}-filter' "
            f"data-table='{key}' placeholder='filter rows: type words'>"
            f"<table id='{key}'><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")


def _page(title: str, intro: str, drawn: Sequence[tuple[str, Chart]], tables: Sequence[str]) -> str:
    """The whole page: plotly.js inlined, then each chart's ``div`` and its ``Plotly.newPlot``, then the tables."""
    divs = []
    for key, chart in drawn:
        spec = json.dumps(chart.figure(), allow_nan=False).replace("</", "<\\/")  # no '</script>' inside
        divs.append(f"<div id='{key}' class='chart'></div><script>(() => {{ const f = {spec}; "
                    f"Plotly.newPlot('{key}', f.data, f.layout, {{responsive: true}}); }})();</script>")
    return (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
            f"<style>{STYLE}</style><script>{get_plotlyjs()}</script></head><body>"
            f"<h1>{html.escape(title)}</h1>{intro}{''.join(divs)}{''.join(tables)}"
            f"<script>{FILTER_JS}</script></body></html>")


def run_page(run: RunData) -> str:
    """The interactive report of one run."""
    s = run.summary
    intro = (f"<p class='note'>{html.escape(s['status'])}, objective {s['objective']:,.6g} "
             f"{html.escape(charts.objective_unit(run))}; input {html.escape(s.get('input_hash', '')[:12])}. "
             "Drag to zoom, double-click to reset, click a legend entry to hide it. The numbers are those of "
             "the run's CSV tables; report.pdf has the full report.</p>")
    drawn = [(key, chart) for key, draw in FIGURES if (chart := draw(run)) is not None]
    milestones = run.tables["milestones"]
    shown = milestones[[c for c in ("milestone", "description", "threshold", "unit", "deadline", "reached_period",
                                    "metric_at_end") if c in milestones]]
    table = run.tables.get("bottlenecks")
    ranked = bottlenecks.ranking(table) if table is not None else pd.DataFrame()
    if not ranked.empty:  # the PDF's columns: the years a limit binds as spans, not first and last
        ranked = ranked[["limit", "families", "binding_rows", "spans", "max_shadow_price", "total_shadow_price"]]
    assumptions = run.tables.get("assumptions", pd.DataFrame())
    tables = [_table_section("milestones", "Milestones", shown),
              _table_section("bottlenecks", f"Bottlenecks (shadow prices in {charts.objective_unit(run)} per unit)",
                             ranked),
              _table_section("assumptions", "Assumptions", assumptions)]
    return _page(f"Roadmap plan: {run.title}", intro, drawn, tables)


def compare_page(comparison: Comparison, overlays: Sequence[tuple[str, str, str]]) -> str:
    """The runs of ``comparison`` overlaid on each chart of ``overlays`` (quantity, title, unit), one trace per
    run; the milestone and headline tables beside."""
    drawn = []
    for quantity, title, unit in overlays:
        wide = pd.concat({label: run.series(quantity)[quantity]
                          for label, run in zip(comparison.labels, comparison.runs, strict=True)}, axis=1)
        wide = wide.loc[:, wide.abs().sum() > 0]  # a run without it is left out (blank where horizons differ)
        if wide.empty:
            continue
        chart = _money(title, wide) if unit == "M$" else Chart(title, unit)
        if unit != "M$":
            for label in wide.columns:
                chart.add("scatter", wide.index, wide[label], label, unit)
        drawn.append((quantity, chart))
    intro = ("<p class='note'>Runs: " + html.escape(" vs ".join(comparison.labels)) +
             ". Click a run in a chart's legend to hide or show it.</p>")
    tables = [_table_section("milestones", "Milestones: period reached",
                             comparison.milestones.drop(columns="year")),  # the period says it
              _table_section("headlines", "Headline figures", comparison.headlines)]
    return _page("Roadmap comparison", intro, drawn, tables)

