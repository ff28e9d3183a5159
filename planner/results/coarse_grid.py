"""Whether the time grid is too coarse for the growth that revenue finances.

Inside a period, spending, funding and compute additions run at even rates (:mod:`planner.model.funding`):
new hardware is paid from cash held before it earns, and the revenue it earns early in a period pays only
for hardware bought later in it, at the period's even rate. Growth financed by revenue compounds once per
payback time: one GW of hardware bought for :math:`10^3 h` M$ earns its cost back in
:math:`\\pi_p = 10^3 h(t_p) / (r(t_p) - o(t_p))` years (hardware $/W :math:`h`, revenue :math:`r` and
operations :math:`o` per GW-year; satellites and their launch only lengthen it, so :math:`\\pi_p` is the
fastest payback). A period longer than :math:`\\pi_p` holds more than one round of reinvestment, which even
rates inside it cannot represent: its plan grows more slowly than on a finer grid (the d6 reproducer of the
time-consistency issue: five-year periods deploy about half of what yearly ones do, yearly ones 15 % less than
monthly). The check says so, with the periods concerned, so that a strategist reads such a plan as a lower
bound and refines the grid.
"""

from __future__ import annotations

from typing import Any

from planner.model.data import ModelData


def coarse_periods(data: ModelData) -> dict[str, Any] | None:
    """The periods longer than compute's fastest payback, when revenue finances the programme (a ``funding:``
    section and compute that earns a margin); None when there are none."""
    r = data.roadmap
    if r.compute is None or r.funding is None:
        return None
    c = r.compute
    hardware = data.period_means(c.hardware_cost_usd_per_w)
    revenue = data.period_means(c.highest_price())
    operations = data.period_means(c.operations_musd_per_gw_year)
    coarse = []
    for p in data.periods:
        margin = revenue[p] - operations[p]
        if margin <= 0 or hardware[p] <= 0:
            continue
        payback = 1e3 * hardware[p] / margin
        if data.length_years[p] > payback * (1 + 1e-9):
            coarse.append((p, payback))
    if not coarse:
        return None
    labels = data.timeline.labels
    longest = max(data.length_years[p] for p, _pb in coarse)
    fastest = min(pb for _p, pb in coarse)
    first, last = labels[coarse[0][0]], labels[coarse[-1][0]]
    span = first if first == last else f"{first} to {last}"
    return {
        "periods": len(coarse),
        "first": first,
        "last": last,
        "longest_period_years": round(longest, 6),
        "payback_years": round(fastest, 6),
        "text": f"{len(coarse)} period{'s' if len(coarse) > 1 else ''} ({span}) of up to {longest:.3g} years are "
                f"longer than compute's payback ({fastest:.3g} years: hardware cost over the margin a GW earns "
                f"a year): growth financed by revenue inside them is understated; a finer grid tells it",
    }
