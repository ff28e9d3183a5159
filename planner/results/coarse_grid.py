"""Whether the time grid is too coarse for the growth that the plan reinvests: compute financed by its
revenue, and industry that builds its own capital.

Inside a period, spending, funding and compute additions run at even rates (:mod:`planner.model.funding`):
new hardware is paid from cash held before it earns, and the revenue it earns early in a period pays only
for hardware bought later in it, at the period's even rate. Growth financed by revenue compounds once per
payback time: one GW of hardware bought for :math:`10^3 h` M$ earns its cost back in
:math:`\\pi_p = 10^3 h(t_p) / (r(t_p) - o(t_p))` years (hardware $/W :math:`h`, revenue :math:`r` and
operations :math:`o` per GW-year; satellites and their launch only lengthen it, so :math:`\\pi_p` is the
fastest payback). A period longer than :math:`\\pi_p` holds more than one round of reinvestment, which even
rates inside it cannot represent: its plan grows more slowly than on a finer grid (the d6 reproducer of the
time-consistency issue: five-year periods deploy about half of what yearly ones do, yearly ones 15 % less than
monthly). A process that makes its own capital (:mod:`planner.model.industry`: the capital made in a period
produces from the next) compounds once per period likewise: capital :math:`K_0 (1 + g y)^{t/y}` on periods of
:math:`y` years against :math:`K_0 e^{g t}` in continuous time. The check flags periods longer than a loop's
:math:`1/g`, so that a strategist reads such a plan as a lower bound and refines the grid.
"""

from __future__ import annotations

from typing import Any

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


def coarse_periods(data: ModelData) -> dict[str, Any] | None:
    """The periods longer than the time a loop takes to reproduce itself, :math:`y_p g_p > 1` (for compute:
    longer than its payback); None when there are none."""
    coarse = []  # (period, loop, 1/g)
    for loop, rates in growth_rates(data).items():
        coarse += [(p, loop, 1.0 / g) for p, g in enumerate(rates) if g > 0 and data.length_years[p] * g > 1 + 1e-9]
    if not coarse:
        return None
    labels = data.timeline.labels
    periods = sorted({p for p, _loop, _t in coarse})
    loops = sorted({loop for _p, loop, _t in coarse})
    longest = max(data.length_years[p] for p in periods)
    fastest = min(t for _p, _loop, t in coarse)
    first, last = labels[periods[0]], labels[periods[-1]]
    span = first if first == last else f"{first} to {last}"
    return {
        "periods": len(periods),
        "first": first,
        "last": last,
        "loops": loops,
        "longest_period_years": round(longest, 6),
        "payback_years": round(fastest, 6),
        "text": f"{len(periods)} period{'s' if len(periods) > 1 else ''} ({span}) of up to {longest:.3g} years are "
                f"longer than {fastest:.3g} years, the time in which {' and '.join(loops)} reproduces itself "
                f"(compute: earns back its hardware): the growth reinvested inside them is understated; a finer "
                f"grid tells it",
    }
