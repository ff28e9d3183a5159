"""The report's charts, one function per chart, each drawn from a run folder's tidy tables.

Every function takes a :class:`~planner.reports.run_folder.RunData` and returns a matplotlib
:class:`~matplotlib.figure.Figure`, or ``None`` when the plan has nothing to show (no Mars in the
roadmap, no money modelled). Figures are built with the object API on the Agg canvas (no pyplot
state), sized for an A4 page, with units on every axis.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import matplotlib

matplotlib.use("Agg")

import networkx as nx  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.colors import LogNorm  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402
from matplotlib.ticker import FuncFormatter, MaxNLocator, NullLocator  # noqa: E402

from planner.model.compute import decay, in_service_shares  # noqa: E402
from planner.model.launch import propellants  # noqa: E402
from planner.reports import bottlenecks  # noqa: E402
from planner.reports.money import money_scale  # noqa: E402
from planner.reports.run_folder import RunData  # noqa: E402

WIDTH_IN, HEIGHT_IN = 7.2, 3.1
SHORT_HORIZON_YEARS = 4
REACHED, NOT_REACHED = "#2ca02c", "#d9d9d9"
ZERO = 1e-9  # series whose absolute sum is below this are left out of a chart
BODIES = (("Mars", ("mars",)), ("Moon", ("moon", "lunar", "llo", "nrho", "eml", "cislunar")))
PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
           "#17becf"]
BODY_COLORS = {"Earth": "#aec7e8", "Moon": "#d9d9d9", "Mars": "#ff9896"}  # a location's node


def body_of(location: str) -> str:
    """'Moon', 'Mars' or 'Earth' from a location name (``lunar_surface`` -> Moon, ``nrho`` -> Moon)."""
    name = location.lower()
    for body, words in BODIES:
        if any(w in name for w in words):
            return body
    return "Earth"


def new_figure(run: RunData, columns: int = 1, height: float = HEIGHT_IN) -> tuple[Figure, list]:
    """A figure with ``columns`` axes spanning the horizon on x."""
    fig = Figure(figsize=(WIDTH_IN, height))
    axes = fig.subplots(1, columns, squeeze=False)[0]
    fig.subplots_adjust(left=0.09, right=0.98, top=0.88, bottom=0.27, wspace=0.32)
    start, end = float(run.years[0]), float(run.years[-1] + run.lengths[-1])
    for ax in axes:
        ax.grid(True, axis="y", alpha=0.3)
        ax.spines[["top", "right"]].set_visible(False)
        ax.set_xlim(start, end)
        ax.tick_params(labelsize=7)
        ax.yaxis.set_major_formatter(FuncFormatter(compact))
        ax.yaxis.set_major_locator(MaxNLocator(6))
        short = end - start < SHORT_HORIZON_YEARS
        ax.xaxis.set_major_locator(MaxNLocator((4 if short else 8) // columns + 1))
        if short:
            ax.xaxis.set_major_formatter(FuncFormatter(_month_label))
    return fig, list(axes)


def compact(value: float, _position: int | None = None) -> str:
    """Axis numbers without offsets: 1.2k, 3.4M, 5G."""
    for factor, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= factor:
            return f"{value / factor:g}{suffix}"
    return f"{value:g}"


def tex_safe(text: str) -> str:
    """Text for matplotlib: a dollar sign is not the start of mathtext."""
    return text.replace("$", r"\$")


def money_axis(ax, musd: np.ndarray, what: str) -> None:
    """Label ``ax``'s M$ values in $M, $B or $T by their largest magnitude (``$B per period``)."""
    factor, suffix = money_scale(float(np.nanmax(np.abs(musd))) if len(musd) else 0.0)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _position: f"{value / factor:,.4g}"))
    ax.set_ylabel(tex_safe(f"${suffix} {what}"), fontsize=8)


def _month_label(value: float, _position: int) -> str:
    """A decimal year as ``YYYY-MM`` (ticks of mission-length horizons)."""
    year = math.floor(value)
    return f"{year}-{min(int((value - year) * 12) + 1, 12):02d}"


def legend_below(ax, columns: int = 4) -> None:
    handles, labels = ax.get_legend_handles_labels()
    if handles:
        ax.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, -0.17), ncol=min(columns, len(labels)),
                  fontsize=7, frameon=False)


def _stacked_bars(ax, run: RunData, wide: pd.DataFrame, sign: float = 1.0, colors: list[str] | None = None,
                  prefix: str = "") -> None:
    """One filled step per column of ``wide`` (indexed by the run's periods), stacked; each covers its periods
    exactly (a step patch per series draws far faster than a rectangle per bar)."""
    edges = _edges(run)
    bottom = np.zeros(len(wide))
    palette = colors or PALETTE
    for i, column in enumerate(wide.columns):
        top = bottom + sign * wide[column].to_numpy(dtype=float)
        ax.stairs(top, edges, baseline=bottom.copy(), fill=True, label=f"{prefix}{column}",
                  color=palette[i % len(palette)], linewidth=0)
        bottom = top


def _edges(run: RunData) -> np.ndarray:
    """Period boundaries in decimal years."""
    return np.append(run.years, run.years[-1] + run.lengths[-1])


def _drop_empty(wide: pd.DataFrame) -> pd.DataFrame:
    return wide.loc[:, wide.abs().sum() > ZERO]


def milestones_timeline(run: RunData) -> Figure | None:
    """One row per milestone: a bar from the horizon's start to the year reached, the deadline marked."""
    table = run.tables.get("milestones")
    if table is None or table.empty:
        return None
    start, end = float(run.years[0]), float(run.years[-1] + run.lengths[-1])
    fig, (ax,) = new_figure(run, height=max(1.6, 0.42 * len(table) + 1.0))
    fig.subplots_adjust(left=0.30, bottom=0.22 if len(table) > 2 else 0.32, top=0.9)
    ax.grid(True, axis="x", alpha=0.3)
    for i, row in enumerate(table.itertuples()):
        y = len(table) - 1 - i
        reached = not pd.isna(row.reached_year)
        stop = float(row.reached_year) if reached else end
        ax.barh(y, stop - start, left=start, height=0.45, color=REACHED if reached else NOT_REACHED)
        if reached:
            ax.plot([stop], [y], marker="o", markersize=5, color=REACHED)
        ax.text(stop + 0.012 * (end - start), y, row.reached_period, va="center", fontsize=7)
        if row.deadline:
            deadline = float(str(row.deadline)[:4])
            ax.plot([deadline], [y], marker="|", markersize=14, color="#d62728", mew=2)
    handles = [Patch(color=REACHED, label="reached"), Patch(color=NOT_REACHED, label="not reached"),
               Line2D([], [], marker="|", color="#d62728", linestyle="none", markersize=10, mew=2, label="deadline")]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.17 * 3.1 / fig.get_figheight()), ncol=3,
              fontsize=7, frameon=False)
    ax.set_yticks(range(len(table)), list(table["milestone"])[::-1], fontsize=8)
    ax.set_xlim(start, end + 0.12 * (end - start))
    ax.set_xlabel("year", fontsize=8)
    ax.set_title("Milestones: period reached", fontsize=10, y=1.02)
    return fig


def compute_in_service(run: RunData) -> pd.DataFrame:
    """Compute in service by origin (GW at each period's end), rebuilt from the additions by vintage.

    The additions :math:`a_{v}` of each period (``compute_added``) are split by origin in proportion to
    deployed mass times specific power; a vintage keeps the share :math:`P_{pv}` of
    :func:`planner.model.compute.in_service_shares` (the model's own service rules), so the origins sum to
    the model's ``compute_in_service``.
    """
    c, d = run.roadmap.compute, run.data
    deployed = run.series("deployed", by="commodity")
    added = run.series("compute_added")["compute_added"].to_numpy()
    power = pd.DataFrame({k: d.period_means(kind.specific_power_w_per_kg or c.specific_power_w_per_kg)
                          for k, kind in c.satellites.items()}, index=deployed.index)
    weight = deployed.reindex(columns=list(c.satellites), fill_value=0.0) * power
    origin = {k: kind.origin for k, kind in c.satellites.items()}
    by_origin = weight.T.groupby(origin).sum().T
    share = by_origin.div(by_origin.sum(axis=1).replace(0.0, np.nan), axis=0).fillna(0.0)
    additions = share.mul(added, axis=0).to_numpy()
    return pd.DataFrame(in_service_shares(d) @ additions, index=deployed.index, columns=by_origin.columns)


def compute_chart(run: RunData) -> Figure | None:
    """Compute in service stacked by origin (Earth-made, Moon-made), with the power retired each period."""
    if run.roadmap.compute is None or run.rows("compute_in_service").empty:
        return None
    d = run.data
    by_origin = compute_in_service(run)
    total = run.series("compute_in_service")["compute_in_service"]
    before = np.concatenate([[0.0], total.to_numpy()[:-1]])
    kept = np.array([decay(d).power(y) for y in d.length_years])
    added = run.series("compute_added")["compute_added"].to_numpy()
    retired = np.maximum(kept * before + added - total.to_numpy(), 0.0)
    fig, (ax, ax2) = new_figure(run, 2)
    x = by_origin.index.to_numpy(dtype=float)
    ax.stackplot(x, *[by_origin[c].to_numpy() for c in by_origin.columns],
                 labels=[f"{c}-made" for c in by_origin.columns], colors=PALETTE, alpha=0.85)
    ax.plot(x, total.to_numpy(), color="black", linewidth=1, label="total")
    ax.set_ylabel("GW in service", fontsize=8)
    ax.set_title("Compute in service by origin", fontsize=10, y=1.02)
    legend_below(ax, 3)
    _stacked_bars(ax2, run, pd.DataFrame({"added": added}, index=total.index), colors=["#2ca02c"])
    _stacked_bars(ax2, run, pd.DataFrame({"retired and degraded": retired}, index=total.index), sign=-1.0,
                  colors=["#d62728"])
    ax2.axhline(0, color="black", linewidth=0.6)
    ax2.set_ylabel("GW per period", fontsize=8)
    ax2.set_title("Vintages: added and retired", fontsize=10, y=1.02)
    legend_below(ax2, 2)
    return fig


def _tonnes(rows: pd.DataFrame, mass: dict[str, float]) -> pd.Series:
    """The rows' amounts in t: value times the t per unit of each row's commodity (as floats even when no
    row is left, where a mapped text column would stay text)."""
    return rows["value"] * rows["commodity"].map(mass).astype(float)


def flight_purposes(run: RunData) -> pd.DataFrame:
    """Flights per period split by purpose in proportion to the mass each purpose launched.

    Purpose of a commodity: 'compute' for satellites, 'tankers' for propellant, else the farthest body
    (Mars, then Moon) its cargo travels to in space, else 'Earth orbit'; new in-space vehicles riding
    launches count as 'vehicles' (at their launch mass, or the whole flights they take).
    """
    r = run.roadmap
    mass = {k: (1.0 if c.unit == "t" else c.unit_mass_t) for k, c in r.commodities.items()}
    launched = run.rows("launched")
    built = run.rows("vehicles_built")
    built = built[built["vehicle"].isin([v for v, veh in r.vehicles.items() if veh.launched_by and veh.enters_at])]
    ride_mass = {v: veh.launch_payload_t() for v, veh in r.vehicles.items()}
    loads = pd.concat([
        pd.DataFrame({"vehicle": launched["vehicle"], "year": launched["year"],
                      "purpose": launched["commodity"].map(_commodity_purposes(run)),
                      "t": _tonnes(launched, mass)}),
        pd.DataFrame({"vehicle": built["vehicle"].map({v: veh.launched_by for v, veh in r.vehicles.items()}),
                      "year": built["year"], "purpose": "vehicles",
                      "t": built["value"] * built["vehicle"].map(ride_mass).astype(float)}),
    ], ignore_index=True)
    flights = run.rows("flights").groupby(["vehicle", "year"])["value"].sum()
    by_purpose = loads.groupby(["vehicle", "year", "purpose"])["t"].sum()
    share = by_purpose / by_purpose.groupby(level=["vehicle", "year"]).transform("sum")
    allocated = share * flights.reindex(share.index.droplevel("purpose"), fill_value=0.0).to_numpy()
    years = pd.Index(run.years, name="year")
    wide = allocated.groupby(level=["year", "purpose"]).sum().unstack("purpose", fill_value=0.0)
    wide = wide.reindex(years, fill_value=0.0)
    # Flights that carry no mass of their own (vehicles that take whole flights) count as 'vehicles'.
    rest = flights.groupby(level="year").sum().reindex(years, fill_value=0.0) - wide.sum(axis=1)
    wide["vehicles"] = wide.get("vehicles", 0.0) + rest.clip(lower=0.0)
    return _drop_empty(wide)


def _commodity_purposes(run: RunData) -> dict[str, str]:
    r = run.roadmap
    satellites = set(r.compute.satellites) if r.compute else set()
    burned = propellants(r)
    cargo = run.rows("cargo")
    out = {}
    for k in r.commodities:
        if k in satellites:
            out[k] = "compute"
        elif k in burned:
            out[k] = "tankers"
        else:
            bodies = {body_of(r.routes[rt].to) for rt in cargo.loc[cargo["commodity"] == k, "route"]}
            out[k] = next((b for b in ("Mars", "Moon") if b in bodies), "Earth orbit")
    return out


def flights_chart(run: RunData) -> Figure | None:
    """Flights per period by launch vehicle class and by purpose (compute, tankers, Moon, Mars)."""
    if run.rows("flights").empty:
        return None
    fig, (ax, ax2) = new_figure(run, 2)
    _stacked_bars(ax, run, _drop_empty(run.series("flights", by="vehicle")))
    ax.set_title("Earth launches by vehicle class", fontsize=10, y=1.02)
    ax.set_ylabel("flights per period", fontsize=8)
    legend_below(ax, 3)
    _stacked_bars(ax2, run, flight_purposes(run))
    ax2.set_title("Earth launches by purpose", fontsize=10, y=1.02)
    ax2.set_ylabel("flights per period", fontsize=8)
    legend_below(ax2, 3)
    return fig


def arrivals(run: RunData) -> pd.DataFrame:
    """Mass arriving at each location per period, t: launches, in-space cargo (in its arrival period)
    and facility (mass driver) launches."""
    r, d = run.roadmap, run.data
    mass = {k: (1.0 if c.unit == "t" else c.unit_mass_t) for k, c in r.commodities.items()}
    arrive = {(a.route, d.timeline.labels[a.depart]): run.years[a.arrive] for a in d.arcs}
    parts = []
    launched = run.rows("launched")
    parts.append(pd.DataFrame({"location": launched["vehicle"].map({k: lv.to for k, lv in r.launch_vehicles.items()}),
                               "year": launched["year"], "t": _tonnes(launched, mass)}))
    for quantity in ("cargo", "facility_launch"):
        rows = run.rows(quantity)
        parts.append(pd.DataFrame({
            "location": rows["route"].map({k: rt.to for k, rt in r.routes.items()}),
            "year": [arrive.get(key, y) for key, y in zip(zip(rows["route"], rows["period"], strict=True), rows["year"],
                                                          strict=True)],
            "t": _tonnes(rows, mass)}))
    frame = pd.concat(parts, ignore_index=True)
    if frame.empty:
        return pd.DataFrame()
    wide = frame.pivot_table(index="year", columns="location", values="t", aggfunc="sum", fill_value=0.0)
    return _drop_empty(wide.reindex(pd.Index(run.years, name="year"), fill_value=0.0))


def delivered_chart(run: RunData) -> Figure | None:
    """Mass delivered to each location per period (log scale: LEO and Mars differ by orders of magnitude)."""
    wide = arrivals(run)
    if wide.empty:
        return None
    fig, (ax,) = new_figure(run)
    for i, location in enumerate(wide.columns):
        ax.plot(wide.index, wide[location].replace(0.0, np.nan), marker="o", markersize=2.5, linewidth=1.2,
                label=location, color=PALETTE[i % len(PALETTE)])
    ax.set_yscale("log")
    ax.yaxis.set_major_formatter(FuncFormatter(compact))  # plain labels: mathtext powers of ten render slowly
    ax.yaxis.set_minor_locator(NullLocator())
    ax.set_ylabel("t delivered per period", fontsize=8)
    ax.set_title("Mass delivered per location", fontsize=10, y=1.02)
    legend_below(ax, 5)
    return fig


def propellant_flows(run: RunData) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    """Propellant launched from Earth, made in space (ISRU) and burned, t per period (columns, by year), and
    what depots hold at each period's end by location (none where propellant is only sourced)."""
    r = run.roadmap
    fuels = sorted(propellants(r))
    if not fuels or run.rows("propellant_burned").empty:
        return None
    launched = run.rows("launched")
    flows = pd.DataFrame(index=pd.Index(run.years, name="year"))
    flows["launched from Earth"] = launched[launched["commodity"].isin(fuels)].groupby("year")["value"].sum()
    made = []
    for name, proc in r.processes.items():
        ratio = sum(v for k, v in proc.outputs.items() if k in fuels)
        if ratio:
            rows = run.rows("activity", process=name)
            made.append(rows.groupby("year")["value"].sum() * ratio)
    if made:
        flows["made in space (ISRU)"] = pd.concat(made, axis=1).sum(axis=1)
    flows["burned"] = run.series("propellant_burned")["propellant_burned"]
    sources = {s.location for k in fuels for s in r.commodities[k].sources}
    stocks = run.rows("stock")
    stocks = stocks[stocks["commodity"].isin(fuels) & ~stocks["location"].isin(sources)]
    levels = _drop_empty(stocks.pivot_table(index="year", columns="location", values="value", aggfunc="sum",
                                            fill_value=0.0))
    return _drop_empty(flows.fillna(0.0)), levels


def propellant_chart(run: RunData) -> Figure | None:
    """Propellant launched, made in space (ISRU) and burned per period; depot levels by location."""
    drawn = propellant_flows(run)
    if drawn is None:
        return None
    flows, levels = drawn
    fig, axes = new_figure(run, 1 if levels.empty else 2)  # no depot: no empty panel of depot levels
    ax = axes[0]
    for i, column in enumerate(flows.columns):
        ax.plot(flows.index, flows[column], linewidth=1.3, label=column, color=PALETTE[i])
    ax.set_ylabel("t per period", fontsize=8)
    ax.set_title("Propellant flows", fontsize=10, y=1.02)
    legend_below(ax, 2)
    if not levels.empty:
        ax2 = axes[1]
        for i, column in enumerate(levels.columns):
            ax2.plot(levels.index, levels[column], linewidth=1.3, label=column, color=PALETTE[i % len(PALETTE)])
        ax2.set_ylabel("t held at period end", fontsize=8)
        ax2.set_title("Depot levels", fontsize=10, y=1.02)
        legend_below(ax2, 3)
    return fig


def facility_rates(run: RunData) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Each facility process: its output rate and its capacity (productivity times the capital held), t of
    output per year in each period."""
    r = run.roadmap
    years = pd.Index(run.years, name="year")
    stocks = run.rows("stock")
    out = {}
    for name, proc in r.processes.items():
        output = run.rows("activity", process=name).groupby("year")["value"].sum().reindex(years, fill_value=0.0)
        held = stocks[stocks["location"] == proc.location]
        capacity = np.min([held[held["commodity"] == c].groupby("year")["value"].sum().reindex(years, fill_value=0.0)
                           .to_numpy() * pi for c, pi in proc.capital.items()], axis=0) * sum(proc.outputs.values())
        out[name] = (output.to_numpy() / run.lengths * sum(proc.outputs.values()), capacity)
    return out


def industry_chart(run: RunData) -> Figure | None:
    """Each facility process: output rate against its capacity (productivity times capital held)."""
    if not run.roadmap.processes or run.rows("activity").empty:
        return None
    fig, (ax,) = new_figure(run)
    for i, (name, (rate, capacity)) in enumerate(facility_rates(run).items()):
        color = PALETTE[i % len(PALETTE)]
        ax.plot(run.years, capacity, color=color, linewidth=4, alpha=0.3, label=f"{name}: capacity")
        ax.plot(run.years, rate, color=color, linewidth=1.3, label=f"{name}: output")
    ax.set_ylabel("t of output per year", fontsize=8)
    ax.set_title("Facilities (lunar and Mars industry): output and capacity", fontsize=10, y=1.02)
    legend_below(ax, 2)
    return fig


def mars_chart(run: RunData) -> Figure | None:
    """What is held on Mars: counted commodities (people) and mass (habitat, cargo), windows shaded."""
    r = run.roadmap
    stocks = run.rows("stock")
    stocks = stocks[stocks["location"].map(body_of) == "Mars"]
    if stocks.empty:
        return None
    counted = {k for k, c in r.commodities.items() if c.unit != "t"}
    people, mass = stocks["commodity"].isin(counted), ~stocks["commodity"].isin(counted)
    panels = [(rows, title, unit) for rows, title, unit in ((stocks[people], "Mars: people", "units"),
                                                            (stocks[mass], "Mars: habitat and cargo", "t"))
              if rows["value"].abs().sum() > ZERO]
    if not panels:
        return None
    fig, axes = new_figure(run, len(panels))  # only the panels with something held
    for axis, (rows, title, unit) in zip(axes, panels, strict=True):
        wide = rows.pivot_table(index="year", columns="commodity", values="value", aggfunc="sum", fill_value=0.0)
        wide = _drop_empty(wide.reindex(pd.Index(run.years, name="year"), fill_value=0.0))
        for i, column in enumerate(wide.columns):
            label = f"{column} ({r.commodities[column].unit})" if unit == "units" else column
            axis.plot(wide.index, wide[column], linewidth=1.4, label=label, color=PALETTE[i % len(PALETTE)])
        _shade_windows(run, axis)
        axis.set_ylabel("held on Mars" + (" (count)" if unit == "units" else ", t"), fontsize=8)
        axis.set_title(title, fontsize=10, y=1.02)
        legend_below(axis, 2)
    return fig


def _shade_windows(run: RunData, ax) -> None:
    """Shade the periods in which a windowed route to Mars can be departed."""
    r, d = run.roadmap, run.data
    windowed = {name for name, rt in r.routes.items() if rt.windows is not None and body_of(rt.to) == "Mars"}
    is_open = np.zeros(len(run.years), dtype=bool)
    is_open[sorted({a.depart for a in d.arcs if a.route in windowed})] = True
    if is_open.any():
        edges = _edges(run)
        x = np.column_stack([edges[:-1], edges[1:]]).ravel()  # each period as a (start, end) pair of points
        ax.fill_between(x, 0, 1, where=np.repeat(is_open, 2), transform=ax.get_xaxis_transform(),
                        color="#ffbb78", alpha=0.3, linewidth=0, label="Mars window open")


INCOME_COLORS = {"external funding": "#2ca02c", "revenue": "#98df8a", "debt drawn": "#ff9896",
                 "equity raised": "#9467bd"}


def cash_chart(run: RunData) -> Figure | None:
    """Funding, revenue, debt drawn and equity raised (up), spending by category and debt repaid (down) per
    period; the cash balance and the debt owed beside (the financing mix, when the roadmap borrows or raises)."""
    cash = run.tables.get("cash")
    if cash is None or cash.empty:
        return None
    income = pd.concat([run.series("external_funding")["external_funding"].rename("external funding"),
                        run.series("revenue")["revenue"],
                        run.series("debt_drawn")["debt_drawn"].rename("debt drawn"),
                        run.series("equity_raised")["equity_raised"].rename("equity raised")], axis=1)
    spending = pd.concat([run.series("spending", by="category").add_prefix("spending: "),
                          run.series("debt_repaid")["debt_repaid"].rename("debt repaid")], axis=1)
    fig, (ax, ax2) = new_figure(run, 2)
    income = _drop_empty(income)
    _stacked_bars(ax, run, income, colors=[INCOME_COLORS[c] for c in income.columns])
    _stacked_bars(ax, run, _drop_empty(spending), sign=-1.0, colors=PALETTE[3:])
    ax.axhline(0, color="black", linewidth=0.6)
    money_axis(ax, np.concatenate([income.sum(axis=1).to_numpy(), spending.sum(axis=1).to_numpy()]), "per period")
    ax.set_title("Money in and out", fontsize=10, y=1.02)
    legend_below(ax, 2)
    balance = run.series("cash")["cash"]
    ax2.plot(balance.index, balance, color="black", linewidth=1.4, marker="o", markersize=2, label="cash balance")
    owed = run.series("debt_balance")["debt_balance"]
    if owed.abs().sum() > ZERO:
        ax2.plot(owed.index, owed, color="#d62728", linewidth=1.4, marker="o", markersize=2, label="debt owed")
    ax2.axhline(0, color="black", linewidth=0.6)
    money_axis(ax2, np.concatenate([balance.to_numpy(), owed.to_numpy()]), "at period end")
    ax2.set_title("Cash balance" + (" and debt owed" if owed.abs().sum() > ZERO else ""), fontsize=10, y=1.02)
    legend_below(ax2, 2)
    return fig


def mass_moved(run: RunData) -> nx.DiGraph | None:
    """The transport network: a node per location, an edge per launch vehicle's or route's ends holding the
    t moved along it over the horizon (``t``; people at their unit mass); None without any edge."""
    r = run.roadmap
    graph = nx.DiGraph()
    graph.add_nodes_from(r.locations)
    mass = {k: (1.0 if c.unit == "t" else c.unit_mass_t) for k, c in r.commodities.items()}
    for name, lv in r.launch_vehicles.items():
        rows = run.rows("launched", vehicle=name)
        _add_flow(graph, lv.from_, lv.to, float(_tonnes(rows, mass).sum()))
    for quantity in ("cargo", "propellant_loaded", "facility_launch"):
        rows = run.rows(quantity)
        moved = _tonnes(rows, mass).groupby(rows["route"]).sum()
        for route, rt in r.routes.items():
            _add_flow(graph, rt.from_, rt.to, float(moved.get(route, 0.0)))
    return graph if graph.number_of_edges() else None


def network_chart(run: RunData) -> Figure | None:
    """The transport network: locations and routes, edge width by the mass moved over the horizon."""
    graph = mass_moved(run)
    if graph is None:
        return None
    fig = Figure(figsize=(WIDTH_IN, 3.6))
    ax = fig.add_axes((0.02, 0.02, 0.96, 0.9))
    ax.set_axis_off()
    positions = layout(graph)
    flows = np.array([graph.edges[e]["t"] for e in graph.edges])
    top = max(flows.max(), 1e-9)
    widths = [0.6 + 5.0 * math.log10(1 + 9 * f / top) if f > 0 else 0.4 for f in flows]
    colors = ["#1f77b4" if f > 0 else "#cccccc" for f in flows]
    nx.draw_networkx_edges(graph, positions, ax=ax, width=widths, edge_color=colors, arrows=True, arrowsize=10,
                           connectionstyle="arc3,rad=0.2", node_size=900)
    nx.draw_networkx_nodes(graph, positions, ax=ax, node_size=900,
                           node_color=[BODY_COLORS[body_of(n)] for n in graph.nodes])
    nx.draw_networkx_labels(graph, positions, ax=ax, font_size=7)
    labels = {e: mass_label(graph.edges[e]["t"]) for e in graph.edges if graph.edges[e]["t"] > 0}
    nx.draw_networkx_edge_labels(graph, positions, edge_labels=labels, ax=ax, font_size=6, label_pos=0.3,
                                 connectionstyle="arc3,rad=0.2", bbox={"boxstyle": "round,pad=0.1", "fc": "white",
                                                                         "ec": "none", "alpha": 0.8})
    ax.set_title("Transport network: mass moved over the horizon (grey: unused)", fontsize=10, y=1.02)
    xs, ys = zip(*positions.values(), strict=True)
    ax.set_xlim(min(xs) - 0.6, max(xs) + 0.6)
    ax.set_ylim(min(ys) - 0.6, max(ys) + 0.6)
    return fig


def _add_flow(graph: nx.DiGraph, a: str, b: str, t: float) -> None:
    if graph.has_edge(a, b):
        graph.edges[a, b]["t"] += t
    else:
        graph.add_edge(a, b, t=t)


def layout(graph: nx.DiGraph) -> dict[str, np.ndarray]:
    """Columns by body (Earth, Moon, Mars), rows by the order locations appear in the roadmap."""
    columns: dict[str, list[str]] = {"Earth": [], "Moon": [], "Mars": []}
    for node in graph.nodes:
        columns[body_of(node)].append(node)
    used = [c for c in columns.values() if c]
    positions = {}
    for x, nodes in enumerate(used):
        for y, node in enumerate(nodes):
            zigzag = 0.3 * (1 if y % 2 else -1) if len(nodes) > 2 else 0.0  # keep edges off the nodes between
            positions[node] = np.array([1.6 * x + zigzag, -y + (len(nodes) - 1) / 2])
    return positions


def mass_label(t: float) -> str:
    for factor, unit in ((1e6, "Mt"), (1e3, "kt")):
        if t >= factor:
            return f"{t / factor:,.3g} {unit}"
    return f"{t:,.3g} t"


def bottleneck_heatmap(run: RunData) -> Figure | None:
    """Largest shadow price of each limit by year (log colour scale); blank where the limit is slack."""
    table = run.tables.get("bottlenecks")
    if table is None or table.empty:
        return None
    wide = bottlenecks.by_year(table)
    if wide.empty:
        return None
    fig, (ax,) = new_figure(run, height=max(1.8, 0.32 * len(wide) + 1.3))
    fig.subplots_adjust(left=0.22, right=0.99, bottom=0.2 if len(wide) > 3 else 0.32, top=0.88)
    ax.grid(False)
    years = run.years
    grid = wide.reindex(columns=years).to_numpy(dtype=float)
    positive = grid[np.isfinite(grid) & (grid > 0)]
    norm = LogNorm(vmin=positive.min(), vmax=max(positive.max(), positive.min() * 10))
    edges = _edges(run)
    mesh = ax.pcolormesh(edges, np.arange(len(wide) + 1), np.ma.masked_invalid(grid), cmap="viridis", norm=norm)
    ax.set_yticks(np.arange(len(wide)) + 0.5, list(wide.index), fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel("year", fontsize=8)
    title = f"Binding limits by year: shadow price ({objective_unit(run)} per unit)"
    ax.set_title(tex_safe(title), fontsize=10, y=1.02)
    bar = fig.colorbar(mesh, ax=ax, pad=0.01)
    bar.ax.tick_params(labelsize=7)
    bar.ax.minorticks_off()
    bar.ax.yaxis.set_major_formatter(FuncFormatter(compact))  # plain labels: mathtext costs 0.3 s to set up
    return fig


MODE_UNITS = {"max_value": "discounted GW-years", "lexicographic": "discounted GW-years", "min_cost": "discounted M$",
              "min_launch_mass": "t launched", "max_delivered": "t delivered"}


def objective_unit(run: RunData) -> str:
    """Unit of the objective by mode (what shadow prices are measured in)."""
    return MODE_UNITS.get(run.summary.get("objective_mode", ""), "objective units")


CHARTS: list[tuple[str, Callable[[RunData], Figure | None]]] = [
    ("Compute in service", compute_chart),
    ("Launches", flights_chart),
    ("Mass delivered", delivered_chart),
    ("Propellant and depots", propellant_chart),
    ("Lunar and Mars industry", industry_chart),
    ("Mars", mars_chart),
    ("Cash flow", cash_chart),
    ("Transport network", network_chart),
]
