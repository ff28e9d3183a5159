"""Money as a reader reads it: amounts the plan keeps in M$ shown in $M, $B or $T, chosen by magnitude."""

from __future__ import annotations

SCALES = ((1e6, "T"), (1e3, "B"), (1.0, "M"))  # from M$: a trillion dollars is 1e6 M$


def money_scale(musd: float) -> tuple[float, str]:
    """The divisor (of an M$ amount) and the suffix for amounts up to ``musd`` in magnitude: 1,267 -> (1e3, 'B')."""
    for factor, suffix in SCALES:
        if abs(musd) >= factor:
            return factor, suffix
    return 1.0, "M"


def money(musd: float) -> str:
    """An M$ amount in readable units: 1,267.2 -> '$1.27B', 12e6 -> '$12T', -850 -> '-$850M'."""
    factor, suffix = money_scale(musd)
    sign = "-" if musd < 0 else ""
    return f"{sign}${abs(musd) / factor:,.3g}{suffix}"
