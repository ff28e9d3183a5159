"""Periods too long for the growth that a plan reinvests inside them: split for the solve, or flagged.

Inside a period, spending, funding and compute additions run at even rates (:mod:`planner.model.funding`):
new hardware is paid from cash held before it earns, and the revenue it earns early in a period pays only
for hardware bought later in it, at the period's even rate. Growth financed by revenue compounds once per
payback time: one GW of hardware bought for :math:`10^3 h` M$ earns its cost back in
:math:`\\pi_p = 10^3 h(t_p) / (r(t_p) - o(t_p))` years (hardware $/W :math:`h`, revenue :math:`r` and
operations :math:`o` per GW-year; satellites and their launch only lengthen it, so :math:`\\pi_p` is the
fastest payback), a growth rate :math:`g_p = 1/\\pi_p` per year. A process that makes its own capital
(:mod:`planner.model.industry`: the capital made in a period produces from the next) grows at
:math:`g = \\pi_{qc} \\beta_{qc}` (t of capital made per t held a year), compounding once per period:
:math:`K_0 (1 + g y)^{t/y}` on periods of :math:`y` years against :math:`K_0 e^{g t}` in continuous time.

Both lag continuous time by about half a period of growth, so a period in which a loop grows by more than
a share :math:`\\bar g` of itself (``time.max_growth_per_period``, default :data:`MAX_GROWTH`),
:math:`y_p g_p > \\bar g`, cannot tell the growth inside it: on the d6 reproducer of the time-consistency
issue five-year periods deploy about half of what yearly ones do. Such a period is split for the solve
into :math:`n_p = \\lceil y_p g_p / \\bar g \\rceil` equal parts (cut on the first of a month, or on the
nearest day for parts shorter than a month; a part's label is its start date) and the plan is reported on
the parts. With ``max_growth_per_period: null`` the periods stay as given and the summary flags the coarse
ones, so that a strategist reads such a plan as a lower bound.
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from planner.schema.network import MAX_GROWTH
from planner.timeline import MAX_PERIODS, Timeline

if TYPE_CHECKING:
    from planner.model.data import ModelData


def growth_rates(data: ModelData) -> dict[str, list[float]]:
    """Per loop that reinvests in itself, its fastest growth rate per year in each period: compute financed
    by its revenue, :math:`1/\\pi_p` (when a ``funding:`` section limits spending), and each process that
    makes its own capital, :math:`g = \\pi_{qc} \\beta_{qc}` (t of capital made per t held a year)."""
    r = data.roadmap
    out: dict[str, list[float]] = {}
    if r.compute is not None and r.funding is not None:
        c = r.compute
        hardware = data.period_means(c.hardware_cost_usd_per_w)
        margin = [rv - op for rv, op in zip(data.period_means(c.highest_price()),
                                            data.period_means(c.operations_musd_per_gw_year), strict=True)]
        out["compute financed by its revenue"] = [max(mg, 0.0) / (1e3 * h) if h > 0 else 0.0
                                                  for mg, h in zip(margin, hardware, strict=True)]
    for name, proc in r.processes.items():
        own = [proc.capital[k] * proc.outputs[k] for k in proc.capital if k in proc.outputs]
        if own and max(own) > 0:
            out[f"process {name} making its own capital"] = [max(own)] * len(data.periods)
    return out


def most_growth(data: ModelData) -> float:
    """:math:`\\bar g`: the roadmap's ``time.max_growth_per_period``, or :data:`MAX_GROWTH` when it keeps its
    periods (the share above which the summary flags a period)."""
    most = data.roadmap.time.max_growth_per_period
    return MAX_GROWTH if most is None else most


def _coarse(data: ModelData) -> list[tuple[int, str, float]]:
    """(period, loop, growth rate) for every period in which a loop grows by more than :math:`\\bar g`."""
    most = most_growth(data)
    return [(p, loop, g) for loop, rates in growth_rates(data).items() for p, g in enumerate(rates)
            if data.length_years[p] * g > most * (1 + 1e-9)]


def parts(data: ModelData, coarse: list[tuple[int, str, float]]) -> list[int]:
    """:math:`n_p = \\lceil y_p g_p / \\bar g \\rceil` over the ``coarse`` periods (:func:`_coarse`), 1 elsewhere."""
    n = [1] * len(data.periods)
    most = most_growth(data)
    for p, _loop, g in coarse:
        n[p] = max(n[p], math.ceil(data.length_years[p] * g / most - 1e-9))
    return n


def _described(labels: tuple[str, ...], periods: list[int], coarse: list[tuple[int, str, float]]) -> dict[str, Any]:
    """What both the split and the flag say of ``periods`` (sorted): how many, the first and last, the loops."""
    first, last = labels[periods[0]], labels[periods[-1]]
    return {"periods": len(periods), "first": first, "last": last,
            "loops": sorted({loop for _p, loop, _g in coarse}),
            "span": f"{len(periods)} period{'s' if len(periods) > 1 else ''} "
                    f"({first if first == last else f'{first} to {last}'})"}


def split(timeline: Timeline, n: list[int]) -> Timeline:
    """Each period :math:`[t_p, t_{p+1})` cut into :math:`n_p` parts of equal length in decimal years, each
    cut on the first of the month nearest :math:`t_p + k y_p / n_p` when the parts are a month or longer (a
    five-year period splits on 1 January), else on the nearest day; an uncut period keeps its label, a part
    is labelled by its start date."""
    starts: list[date] = []
    labels: list[str] = []
    bounds = [*timeline.starts, timeline.end]
    for p, count in enumerate(n):
        t, y = timeline.start_years[p], timeline.length_years[p]
        whole_months = y / count >= 1 / 12
        cuts = sorted(c for c in {bounds[p], *(nearest_date(t + k * y / count, whole_months) for k in range(1, count))}
                      if bounds[p] <= c < bounds[p + 1])
        starts += cuts
        labels += [timeline.labels[p]] if len(cuts) == 1 else [c.isoformat() for c in cuts]
    return Timeline(tuple(starts), timeline.end, tuple(labels))


def nearest_date(year: float, first_of_month: bool) -> date:
    """The date, or the first of a month, whose decimal year (:func:`planner.schema.time_table.decimal_year`)
    is nearest ``year``."""
    whole = math.floor(year)
    length = (date(whole + 1, 1, 1) - date(whole, 1, 1)).days
    day = date(whole, 1, 1) + timedelta(days=round((year - whole) * length))
    if not first_of_month:
        return day
    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return first if (day - first) <= (following - day) else following


def refined(data: ModelData) -> tuple[Timeline, dict[str, Any] | None]:
    """The timeline to solve on and what was split (None when nothing was): the roadmap's own periods when
    ``max_growth_per_period`` is null, when no loop grows too fast, or when the parts would pass
    :data:`planner.timeline.MAX_PERIODS`."""
    if data.roadmap.time.max_growth_per_period is None:
        return data.timeline, None
    coarse = _coarse(data)
    n = parts(data, coarse)
    if not coarse or sum(n) > MAX_PERIODS:
        return data.timeline, None
    timeline = split(data.timeline, n)
    described = _described(data.timeline.labels, [p for p, count in enumerate(n) if count > 1], coarse)
    span, loops = described.pop("span"), described["loops"]
    return timeline, {
        **described,
        "parts": sum(count for count in n if count > 1),
        "longest_part_years": round(max(timeline.length_years), 6),
        "max_growth_per_period": most_growth(data),
        "text": f"{span} split into {sum(count for count in n if count > 1)} parts of up to "
                f"{_years(max(timeline.length_years))} for the solve, so that {' and '.join(loops)} grows by at most "
                f"{most_growth(data):.0%} within a period (time.max_growth_per_period)",
    }


def coarse_periods(data: ModelData) -> dict[str, Any] | None:
    """The periods in which a loop grows by more than :math:`\\bar g`, :math:`y_p g_p > \\bar g` (for compute:
    longer than :math:`\\bar g` times its payback); None when there are none."""
    coarse = _coarse(data)
    if not coarse:
        return None
    periods = sorted({p for p, _loop, _g in coarse})
    described = _described(data.timeline.labels, periods, coarse)
    span, loops = described.pop("span"), described["loops"]
    longest = max(data.length_years[p] for p in periods)
    fastest = 1.0 / max(g for _p, _loop, g in coarse)
    return {
        **described,
        "longest_period_years": round(longest, 6),
        "payback_years": round(fastest, 6),
        "text": f"{span} of up to {_years(longest)} are long enough for {' and '.join(loops)} to grow by more than "
                f"{most_growth(data):.0%} within one (it reproduces itself in {_years(fastest)}; compute: earns back "
                f"its hardware): the growth reinvested inside them is understated; a finer grid, or "
                f"time.max_growth_per_period, tells it",
    }


def _years(x: float) -> str:
    """``1 year``, ``2.08 years``."""
    return f"{x:.3g} year{'' if f'{x:.3g}' == '1' else 's'}"
